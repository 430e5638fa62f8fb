#include "request_text.hpp"

#include <algorithm>

namespace medlint::cli {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

struct Attribute {
    std::string_view name;
    std::string_view value;  // raw: entity references are left as they are
    size_t value_offset = 0;
};

struct Tag {
    bool closing = false;  // </name>
    std::string_view name;
    size_t name_offset = 0;
    size_t close_offset = 0;  // of its '>' or "/>"
    size_t line = 1;
    int depth = 0;  // 0 for the root element
    std::vector<Attribute> attributes;

    const Attribute *attribute(std::string_view wanted) const {
        for (const auto &candidate : attributes)
            if (candidate.name == wanted) return &candidate;
        return nullptr;
    }
};

// What ends the markup starting at `rest` when it is not an element tag; ""
// for an element tag.  A DOCTYPE's internal subset needs no special case:
// its declarations are skipped one by one like the DOCTYPE itself.
std::string_view end_of_other_markup(std::string_view rest) {
    if (starts_with(rest, "<!--")) return "-->";
    if (starts_with(rest, "<![CDATA[")) return "]]>";
    if (starts_with(rest, "<?")) return "?>";
    if (starts_with(rest, "<!")) return ">";
    return "";
}

// The element start and end tags of a document, in order.  Comments, CDATA
// sections, processing instructions and the DOCTYPE are skipped, so an
// <item> in a comment is not taken for one.  Stops at the first tag it
// cannot read.
class TagScanner {
public:
    explicit TagScanner(std::string_view bytes) : bytes_(bytes) {}

    std::optional<Tag> next() {
        while ((at_ = bytes_.find('<', at_)) != npos) {
            std::string_view end = end_of_other_markup(bytes_.substr(at_));
            if (end.empty()) return read_tag();
            size_t found = bytes_.find(end, at_ + 2);
            if (found == npos) return std::nullopt;
            at_ = found + end.size();
        }
        return std::nullopt;
    }

private:
    std::optional<Tag> read_tag() {
        Tag tag;
        tag.closing = bytes_.compare(at_, 2, "</") == 0;
        tag.line = line_at(at_);
        tag.name_offset = at_ + (tag.closing ? 2 : 1);
        tag.name = read_name(tag.name_offset);
        bool self_closing = false;
        if (tag.name.empty() || !read_attributes(tag, self_closing)) return std::nullopt;
        tag.depth = tag.closing ? --depth_ : depth_;
        if (!tag.closing && !self_closing) ++depth_;
        return tag;
    }

    // Reads up to and past the tag's '>' or "/>"; false when the tag is malformed.
    bool read_attributes(Tag &tag, bool &self_closing) {
        for (;;) {
            skip_space();
            if (at_ >= bytes_.size()) return false;
            self_closing = bytes_.compare(at_, 2, "/>") == 0;
            if (bytes_[at_] == '>' || self_closing) {
                tag.close_offset = at_;
                at_ += self_closing ? 2 : 1;
                return true;
            }
            if (tag.closing) return false;
            Attribute attribute;
            attribute.name = read_name(at_);
            if (attribute.name.empty() || !read_value(attribute)) return false;
            tag.attributes.push_back(attribute);
        }
    }

    // Reads `= "value"` or `= 'value'`.
    bool read_value(Attribute &attribute) {
        skip_space();
        if (at_ >= bytes_.size() || bytes_[at_] != '=') return false;
        ++at_;
        skip_space();
        if (at_ >= bytes_.size() || (bytes_[at_] != '"' && bytes_[at_] != '\'')) return false;
        size_t close = bytes_.find(bytes_[at_], at_ + 1);
        if (close == npos) return false;
        attribute.value_offset = at_ + 1;
        attribute.value = bytes_.substr(attribute.value_offset, close - attribute.value_offset);
        at_ = close + 1;
        return true;
    }

    // Reads the name at `from` and moves past it; "" when there is none.
    std::string_view read_name(size_t from) {
        size_t end = from;
        while (end < bytes_.size() && !is_space(bytes_[end]) && bytes_[end] != '/' && bytes_[end] != '>' &&
               bytes_[end] != '=')
            ++end;
        at_ = end;
        return bytes_.substr(from, end - from);
    }

    void skip_space() {
        while (at_ < bytes_.size() && is_space(bytes_[at_])) ++at_;
    }

    // Offsets only grow, so the newlines are counted once.
    size_t line_at(size_t offset) {
        line_ += static_cast<size_t>(std::count(bytes_.begin() + counted_to_, bytes_.begin() + offset, '\n'));
        counted_to_ = offset;
        return line_;
    }

    std::string_view bytes_;
    size_t at_ = 0;
    size_t counted_to_ = 0;
    size_t line_ = 1;
    int depth_ = 0;
};

std::optional<Tag> root_start_tag(std::string_view bytes) {
    std::optional<Tag> first = TagScanner(bytes).next();
    if (first && first->closing) return std::nullopt;
    return first;
}

}  // namespace

bool is_national_request(std::string_view bytes) {
    if (starts_with(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
    size_t first = bytes.find_first_not_of(" \t\r\n");
    return first != npos && bytes[first] == '{';
}

bool has_root_attribute(std::string_view bytes, std::string_view name) {
    std::optional<Tag> root = root_start_tag(bytes);
    return root && root->attribute(name);
}

namespace {

// The year of a YYYY-MM-DD attribute; nullopt when it does not start so.
std::optional<int> year_of(const Attribute *date) {
    if (!date || date->value.size() < 4) return std::nullopt;
    int year = 0;
    for (char digit : date->value.substr(0, 4)) {
        if (digit < '0' || digit > '9') return std::nullopt;
        year = year * 10 + (digit - '0');
    }
    return year;
}

}  // namespace

std::vector<LedgerPhysician> ledger_physicians(std::string_view bytes) {
    std::vector<LedgerPhysician> physicians;
    TagScanner scanner(bytes);
    while (std::optional<Tag> tag = scanner.next()) {
        const Attribute *code = tag->attribute("physician");
        if (tag->closing || tag->depth != 1 || !code) continue;
        auto same_code = [&](const LedgerPhysician &known) { return known.code == code->value; };
        auto found = std::find_if(physicians.begin(), physicians.end(), same_code);
        if (found == physicians.end()) found = physicians.insert(physicians.end(), {std::string(code->value), {}});
        const Attribute *date = tag->attribute(tag->name == "sanction" ? "from" : "date");
        if (std::optional<int> year = year_of(date)) found->years.insert(*year);
    }
    return physicians;
}

std::string with_root_attribute(std::string_view bytes, std::string_view name, std::string_view value) {
    std::string request(bytes);
    std::optional<Tag> root = root_start_tag(bytes);
    if (!root) return request;
    if (const Attribute *present = root->attribute(name))
        return request.replace(present->value_offset, present->value.size(), value);
    // At the end of the tag, so that the engine's error columns for the tag hold.
    std::string added = " " + std::string(name) + "=\"" + std::string(value) + "\"";
    return request.insert(root->close_offset, added);
}

}  // namespace medlint::cli
