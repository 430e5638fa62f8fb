// The configuration file of contract section 3, or the built-in defaults.
#pragma once
#include <string>
#include <vector>

namespace medlint {

// How much memory each of the store's SQLite connections may use for reads
// (<store mmap-mib cache-mib>): a check against a long history reads many
// pages, and SQLite's defaults (no memory-mapped I/O, a 2 MB page cache) turn
// each into a read() and a copy.
struct StoreMemory {
    int mmap_mib = 256;   // PRAGMA mmap_size; 0 reads with read() only
    int cache_mib = 64;   // PRAGMA cache_size
};

struct Config {
    std::string store_path;
    StoreMemory store_memory;
    std::vector<std::string> rule_pack_paths;  // empty: the pack built into the library
    std::string profile = "national-2024";
    std::string language = "zh";
};

// Throws MEDLINT_ECONFIG naming the file and what is wrong with it.
Config read_config(const std::string &path);
// The built-in defaults: embedded pack, store in the user's data directory.
Config default_config();

}  // namespace medlint
