// The configuration file of contract section 3, or the built-in defaults.
#pragma once
#include <string>
#include <vector>

namespace medlint {

// How much memory each of the store's SQLite connections may use for reads
// (<store mmap-mib cache-mib>): a check against a long history reads many
// pages, and SQLite's 2 MB page cache turns most of them into a read() and a
// copy.  Memory-mapped reads are off by default: against a store of a million
// items already in the OS page cache, they cost a check more page faults and
// system time than they saved (tests/bench/README.md).
struct StoreMemory {
    int mmap_mib = 0;    // PRAGMA mmap_size; 0 reads with read() only
    int cache_mib = 64;  // PRAGMA cache_size
};

// A PostgreSQL store's connections (<store url pool connect-timeout
// statement-timeout>): a call never waits on a dead server longer than the
// timeouts, retries included.
struct StorePool {
    int connections = 4;            // the most each engine opens
    int connect_timeout_s = 3;      // connect_timeout, and the wait for a free connection
    int statement_timeout_ms = 5000;  // statement_timeout, lock_timeout and tcp_user_timeout
};

struct Config {
    std::string store_path;
    std::string store_url;  // a PostgreSQL connection URI; when set, the store is there, not at store_path
    StoreMemory store_memory;
    StorePool store_pool;
    std::string store_key_path;  // the secret the store's identities are hashed under
    // <store share="alliance">: checks read every institution's history in
    // the store, not only their own institution's.
    bool store_shared_by_alliance = false;
    std::vector<std::string> rule_pack_paths;  // empty: the packs built into the library
    std::string profile = "national-2024";
    std::string language = "zh";
};

// Throws MEDLINT_ECONFIG naming the file and what is wrong with it.
Config read_config(const std::string &path);
// The built-in defaults: embedded pack, store in the user's data directory.
Config default_config();

}  // namespace medlint
