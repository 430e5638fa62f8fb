// Text as an XML attribute value or character data, for test, benchmark and
// fuzz hosts that write request documents as strings.
#pragma once
#include <string>

namespace test_xml {

inline std::string escaped(const std::string &text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace test_xml
