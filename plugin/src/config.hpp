// The configuration file of contract section 3, or the built-in defaults.
#pragma once
#include <string>
#include <vector>

namespace medlint {

struct Config {
    std::string store_path;
    std::vector<std::string> rule_pack_paths;  // empty: the pack built into the library
    std::string profile = "national-2024";
    std::string language = "zh";
};

// Throws MEDLINT_ECONFIG naming the file and what is wrong with it.
Config read_config(const std::string &path);
// The built-in defaults: embedded pack, store in the user's data directory.
Config default_config();

}  // namespace medlint
