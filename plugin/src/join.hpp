// Lists as text: a finding's item ids, an audit row's notices.
#pragma once
#include <string>
#include <vector>

namespace medlint {

inline std::string join(const std::vector<std::string> &parts, const char *separator) {
    std::string out;
    for (const auto &part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

}  // namespace medlint
