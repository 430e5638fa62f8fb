#include "encoding.hpp"

#include <boost/locale/encoding.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "error.hpp"

namespace medlint {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string position(std::string_view bytes, size_t offset) {
    size_t line = 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + offset, '\n'));
    size_t line_start = bytes.rfind('\n', offset == 0 ? 0 : offset - 1);
    size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    if (offset > 0 && bytes[offset - 1] == '\n') column = 1;
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string hex_byte(unsigned long byte) {
    static const char hex[] = "0123456789ABCDEF";
    return {'0', 'x', hex[(byte >> 4) & 15], hex[byte & 15]};
}

// "byte 0xC4 at line 3, column 7 is not valid UTF-8"
std::string describe_bad_byte(std::string_view bytes, size_t offset, const char *encoding) {
    return "byte " + hex_byte(static_cast<unsigned char>(bytes[offset])) + " at " + position(bytes, offset) +
           " is not valid " + encoding;
}

[[noreturn]] void bad_byte(std::string_view bytes, size_t offset, const char *encoding) {
    fail(MEDLINT_EPARSE, "request " + describe_bad_byte(bytes, offset, encoding));
}

// Length of the UTF-8 sequence at `i`, or 0 when it is malformed (overlong,
// surrogate, beyond U+10FFFF or truncated).
size_t utf8_sequence_length(std::string_view s, size_t i) {
    auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    auto cont = [&](size_t k) { return (at(k) & 0xC0) == 0x80; };
    unsigned c = at(i);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return at(i + 1) >= lo && at(i + 1) <= hi && cont(i + 2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return at(i + 1) >= lo && at(i + 1) <= hi && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    return 0;
}

// Offset of the first malformed sequence, or npos.  Sets `multibyte` when
// any non-ASCII sequence was seen.
size_t first_bad_utf8(std::string_view s, bool &multibyte) {
    multibyte = false;
    for (size_t i = 0; i < s.size();) {
        // ASCII, most of a request, eight bytes at a time.
        for (uint64_t eight; i + 8 <= s.size(); i += 8) {
            std::memcpy(&eight, s.data() + i, 8);
            if (eight & 0x8080808080808080u) break;
        }
        if (i == s.size()) break;
        size_t n = utf8_sequence_length(s, i);
        if (n == 0) return i;
        multibyte = multibyte || n > 1;
        i += n;
    }
    return std::string_view::npos;
}

// GB18030 structure: ASCII, two-byte (81-FE, 40-7E|80-FE) or four-byte
// (81-FE, 30-39, 81-FE, 30-39) sequences.
size_t first_bad_gb18030(std::string_view s) {
    auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    for (size_t i = 0; i < s.size();) {
        unsigned c = at(i);
        if (c < 0x80) { ++i; continue; }
        if (c == 0x80 || c == 0xFF) return i;
        unsigned c2 = at(i + 1);
        if ((c2 >= 0x40 && c2 <= 0x7E) || (c2 >= 0x80 && c2 <= 0xFE)) { i += 2; continue; }
        bool four = c2 >= 0x30 && c2 <= 0x39 && at(i + 2) >= 0x81 && at(i + 2) <= 0xFE && at(i + 3) >= 0x30 &&
                    at(i + 3) <= 0x39;
        if (!four) return i;
        i += 4;
    }
    return std::string_view::npos;
}

std::string declared_encoding(std::string_view bytes) {
    if (bytes.substr(0, 5) != "<?xml") return "";
    size_t end = bytes.find("?>");
    if (end == std::string_view::npos || end > 512) return "";
    std::string_view decl = bytes.substr(0, end);
    size_t key = decl.find("encoding");
    if (key == std::string_view::npos) return "";
    size_t quote = decl.find_first_of("\"'", key);
    if (quote == std::string_view::npos) return "";
    size_t close = decl.find(decl[quote], quote + 1);
    if (close == std::string_view::npos) return "";
    return lower(decl.substr(quote + 1, close - quote - 1));
}

bool is_gb_family(const std::string &encoding) {
    return encoding == "gbk" || encoding == "gb2312" || encoding == "gb18030" || encoding == "cp936" ||
           encoding == "x-gbk" || encoding == "gb_2312-80";
}

std::string decode_gb(std::string_view bytes, const std::string &declared) {
    bool multibyte = false;
    if (first_bad_utf8(bytes, multibyte) == std::string_view::npos && multibyte)
        fail(MEDLINT_EPARSE, "request declares encoding \"" + declared +
                                 "\" but its bytes are UTF-8; declare UTF-8 or send " + declared + " bytes");
    size_t bad = first_bad_gb18030(bytes);
    if (bad != std::string_view::npos) bad_byte(bytes, bad, declared.c_str());
    try {
        return boost::locale::conv::to_utf<char>(bytes.data(), bytes.data() + bytes.size(), "GB18030",
                                                 boost::locale::conv::stop);
    } catch (const boost::locale::conv::conversion_error &) {
        fail(MEDLINT_EPARSE, "request is not valid " + declared + ": a character has no Unicode equivalent");
    }
}

// The value of a decimal or hexadecimal character reference "&#...;" at `at`, or nullopt.
std::optional<unsigned long> character_reference(std::string_view text, size_t at) {
    if (text.substr(at, 2) != "&#") return std::nullopt;
    bool hex = at + 2 < text.size() && text[at + 2] == 'x';
    size_t digits = at + 2 + (hex ? 1 : 0), end = text.find(';', digits);
    if (end == std::string_view::npos || end == digits || end - digits > 8) return std::nullopt;
    std::string number(text.substr(digits, end - digits));
    if (number.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoul(number, nullptr, hex ? 16 : 10);
}

std::string decode_to_utf8(std::string_view bytes) {
    std::string encoding = declared_encoding(bytes);
    if (is_gb_family(encoding)) return decode_gb(bytes, encoding);
    if (!encoding.empty() && encoding != "utf-8" && encoding != "utf8")
        fail(MEDLINT_EPARSE, "request declares unsupported encoding \"" + encoding +
                                 "\"; use UTF-8, GBK, GB2312 or GB18030");
    bool multibyte = false;
    size_t bad = first_bad_utf8(bytes, multibyte);
    if (bad != std::string_view::npos) bad_byte(bytes, bad, "UTF-8");
    return std::string(bytes);
}

void refuse_control_characters(std::string_view utf8) {
    for (size_t i = 0; i < utf8.size(); ++i) {
        auto byte = static_cast<unsigned char>(utf8[i]);
        if (byte >= 0x20 && byte != '&') continue;  // nearly every byte
        std::optional<unsigned long> reference = byte == '&' ? character_reference(utf8, i) : std::nullopt;
        if (!is_forbidden_control(byte) && !(reference && is_forbidden_control(*reference))) continue;
        fail(MEDLINT_EPARSE, std::string("request has ") + (reference ? "a character reference to " : "") +
                                 "control character " + hex_byte(reference ? *reference : byte) + " at " +
                                 position(utf8, i) + "; XML 1.0 allows no control character but tab, line feed "
                                 "and carriage return");
    }
}

}  // namespace

bool is_forbidden_control(unsigned long code) { return code < 0x20 && code != '\t' && code != '\n' && code != '\r'; }

bool has_control_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return is_forbidden_control(static_cast<unsigned char>(c)); });
}

std::optional<std::string> utf8_problem(std::string_view bytes) {
    bool multibyte = false;
    size_t bad = first_bad_utf8(bytes, multibyte);
    if (bad == std::string_view::npos) return std::nullopt;
    return describe_bad_byte(bytes, bad, "UTF-8");
}

std::string decode_request(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
        fail(MEDLINT_EPARSE, "request is UTF-16; send UTF-8, GBK, GB2312 or GB18030");
    // XML has no NUL character, and the parser would silently stop at one.
    if (size_t nul = bytes.find('\0'); nul != std::string_view::npos) bad_byte(bytes, nul, "XML");
    std::string utf8 = decode_to_utf8(bytes);
    refuse_control_characters(utf8);
    return utf8;
}

std::optional<std::string> canonical_response_encoding(std::string_view encoding) {
    std::string name = lower(encoding);
    if (name == "utf-8") return "UTF-8";
    if (name == "gb18030") return "GB18030";
    return std::nullopt;
}

std::string encode_response(std::string utf8, std::string_view encoding) {
    if (lower(encoding) != "gb18030") return utf8;
    return boost::locale::conv::from_utf<char>(utf8, "GB18030", boost::locale::conv::stop);
}

}  // namespace medlint
