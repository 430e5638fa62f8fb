#include "config.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "error.hpp"
#include "xml_input.hpp"

namespace medlint {
namespace {

std::string directory_of(const std::string &path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

std::string resolve(const std::string &base, const std::string &path) {
    return path.empty() || path[0] == '/' ? path : base + "/" + path;
}

// The store's folder with any missing parents; private to the user when made
// here.  A failure is not reported here: the store's own open reports a
// folder that still is not there.
void make_store_directory(const std::string &path) {
    std::error_code ignored;
    if (std::filesystem::create_directories(path, ignored))
        std::filesystem::permissions(path, std::filesystem::perms::owner_all, ignored);
}

}  // namespace

Config default_config() {
    Config config;
    std::string data_home;
    if (const char *xdg = std::getenv("XDG_DATA_HOME"); xdg && xdg[0] == '/') data_home = xdg;
    else if (const char *home = std::getenv("HOME"); home && home[0] == '/') data_home = std::string(home) + "/.local/share";
    else fail(MEDLINT_ECONFIG, "no user data directory for the default store: set HOME or XDG_DATA_HOME, "
                               "or open medlint with a configuration file");
    make_store_directory(data_home + "/medlint");
    config.store_path = data_home + "/medlint/medlint.db";
    config.store_key_path = config.store_path + ".key";
    return config;
}

Config read_config(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(MEDLINT_ECONFIG, "configuration " + path + " cannot be read: " + std::strerror(errno));
    std::ostringstream content;
    content << in.rdbuf();
    XmlSource source(content.str(), "configuration " + path, path, MEDLINT_ECONFIG);
    Element root(source, source.root(), MEDLINT_ECONFIG);
    auto config_error = [&](const std::string &problem) { fail(MEDLINT_ECONFIG, "configuration " + path + ": " + problem); };
    if (std::string(root.name()) != "medlint") config_error("the root element is <" + std::string(root.name()) + ">, not <medlint>");

    Config config;
    std::string base = directory_of(path);
    try {
        auto store = root.child("store");
        if (!store) config_error("<store path=\"...\"/> or <store url=\"postgresql://...\" key=\"...\"/> is required");
        if (store->has("url")) {
            if (store->has("path")) config_error("<store> has both path and url: name the SQLite file or the PostgreSQL database");
            // The key file stays on the engine's machine, apart from the data (docs/privacy.md).
            if (!store->has("key")) config_error("<store url=\"...\"> needs key=\"...\", the identity key file on this machine");
            config.store_url = store->required("url");
            config.store_key_path = resolve(base, store->required("key"));
            config.store_pool.connections = store->whole_number("pool", config.store_pool.connections, 1, 1000);
            config.store_pool.connect_timeout_s =
                store->whole_number("connect-timeout", config.store_pool.connect_timeout_s, 1, 3600);
            config.store_pool.statement_timeout_ms =
                store->whole_number("statement-timeout-ms", config.store_pool.statement_timeout_ms, 1, 3600000);
        } else {
            config.store_path = resolve(base, store->required("path"));
            config.store_key_path = store->has("key") ? resolve(base, store->required("key")) : config.store_path + ".key";
        }
        config.store_shared_by_alliance = store->one_of("share", {"institution", "alliance"}, "institution") == "alliance";
        config.store_memory.mmap_mib = store->whole_number("mmap-mib", config.store_memory.mmap_mib, 0, 65536);
        config.store_memory.cache_mib = store->whole_number("cache-mib", config.store_memory.cache_mib, 1, 65536);
        for (const auto &rules : root.children("rules")) config.rule_pack_paths.push_back(resolve(base, rules.required("path")));
        if (auto policy = root.child("policy")) config.profile = policy->required("profile");
        if (auto language = root.child("language")) config.language = language->one_of("default", {"zh", "en"}, "zh");
    } catch (const Error &e) {
        config_error(e.what());
    }
    return config;
}

}  // namespace medlint
