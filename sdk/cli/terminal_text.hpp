// What the tool prints goes through a filter: a document, a file name or a
// pack may hold control characters that a terminal would obey (clear the
// screen, move the cursor, set the title, open a hyperlink).
#pragma once
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace medlint::cli {

// `text` with C0 controls other than tab and line feed, DEL and the C1
// controls (U+0080..U+009F) written as visible escapes such as \x1B and
// \u009B.  When `allow_colours`, the colour sequences "ESC [ digits;... m"
// that the tool's own palette writes pass unchanged.
std::string escape_controls(std::string_view text, bool allow_colours);

// Replaces a stream's buffer with one that escapes what is written to it,
// line by line, and puts the old buffer back when it goes.
class ControlEscaper : public std::streambuf {
public:
    ControlEscaper(std::ostream &stream, bool allow_colours);
    ~ControlEscaper() override;
    ControlEscaper(const ControlEscaper &) = delete;
    ControlEscaper &operator=(const ControlEscaper &) = delete;

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char *text, std::streamsize count) override;
    int sync() override;

private:
    void flush_line();

    std::ostream &stream_;
    std::streambuf *target_;
    bool allow_colours_;
    std::string line_;
};

}  // namespace medlint::cli
