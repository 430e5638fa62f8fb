// Request bytes to UTF-8 and UTF-8 responses to the encoding a host asked for.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace medlint {

// The request as UTF-8.  Honours the XML declaration's encoding (UTF-8, or
// GBK / GB2312 / GB18030, all decoded as GB18030, their superset).  Throws
// MEDLINT_EPARSE naming the line and column of the first bad byte, or of a
// control character that XML 1.0 forbids (as a byte or a character reference).
std::string decode_request(std::string_view bytes);

// Where `bytes` first stop being UTF-8 ("byte 0xC4 at line 3, column 7 is
// not valid UTF-8"), or nothing when they are UTF-8 throughout.
std::optional<std::string> utf8_problem(std::string_view bytes);

// XML 1.0 has no C0 control characters but tab, line feed and carriage return, neither
// as bytes nor as character references (&#4;): parsers such as expat refuse them.
bool is_forbidden_control(unsigned long code);
// Whether `text` holds one of those.
bool has_control_characters(std::string_view text);

// `utf8` re-encoded as `encoding` ("UTF-8" or "GB18030").
std::string encode_response(std::string utf8, std::string_view encoding);

// The response encoding a host asked for, in any letter case, as the
// declaration names it ("UTF-8" or "GB18030"); nullopt when not supported.
std::optional<std::string> canonical_response_encoding(std::string_view encoding);

}  // namespace medlint
