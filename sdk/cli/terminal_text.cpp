#include "terminal_text.hpp"

namespace medlint::cli {
namespace {

std::string hex_escape(const char *prefix, unsigned code, int digits) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out = prefix;
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += hex[(code >> shift) & 15];
    return out;
}

// The length of a colour sequence "ESC [ 0;1;31 m" at `at`, or 0.
size_t colour_sequence_length(std::string_view text, size_t at) {
    if (text.substr(at, 2) != "\033[") return 0;
    size_t end = text.find_first_not_of("0123456789;", at + 2);
    return end != std::string_view::npos && text[end] == 'm' ? end + 1 - at : 0;
}

}  // namespace

std::string escape_controls(std::string_view text, bool allow_colours) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (size_t colour = allow_colours ? colour_sequence_length(text, i) : 0) {
            out.append(text.substr(i, colour));
            i += colour - 1;
        } else if ((byte < 0x20 && byte != '\t' && byte != '\n') || byte == 0x7F) {
            out += hex_escape("\\x", byte, 2);
        } else if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
            out += hex_escape("\\u00", static_cast<unsigned char>(text[++i]), 2);
        } else {
            out += text[i];
        }
    }
    return out;
}

ControlEscaper::ControlEscaper(std::ostream &stream, bool allow_colours)
    : stream_(stream), target_(stream.rdbuf(this)), allow_colours_(allow_colours) {}

ControlEscaper::~ControlEscaper() {
    flush_line();
    target_->pubsync();
    stream_.rdbuf(target_);
}

ControlEscaper::int_type ControlEscaper::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    line_ += traits_type::to_char_type(c);
    if (c == '\n') flush_line();
    return c;
}

std::streamsize ControlEscaper::xsputn(const char *text, std::streamsize count) {
    for (std::streamsize i = 0; i < count; ++i) overflow(traits_type::to_int_type(text[i]));
    return count;
}

int ControlEscaper::sync() {
    flush_line();
    return target_->pubsync();
}

void ControlEscaper::flush_line() {
    std::string escaped = escape_controls(line_, allow_colours_);
    target_->sputn(escaped.data(), static_cast<std::streamsize>(escaped.size()));
    line_.clear();
}

}  // namespace medlint::cli
