#include "xml_input.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "error.hpp"

namespace medlint {

XmlSource::XmlSource(std::string utf8, const std::string &what, const std::string &file, int error_code) : text_(std::move(utf8)) {
    line_starts_.push_back(0);
    for (size_t at = text_.find('\n'); at != std::string::npos; at = text_.find('\n', at + 1))
        line_starts_.push_back(at + 1);
    // Parsed where it lies, not copied first: the text is this source's own and read for nothing else.
    auto result = document_.load_buffer_inplace(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        size_t offset = static_cast<size_t>(std::max<ptrdiff_t>(result.offset, 0));
        auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - line_starts_.begin();
        size_t column = offset - line_starts_[static_cast<size_t>(line - 1)] + 1;
        fail(error_code,
             what + " is not well-formed XML: " + result.description() + " at line " + std::to_string(line) +
                 ", column " + std::to_string(column),
             {file, line, static_cast<long>(column), std::string("not well-formed XML: ") + result.description()});
    }
    if (!root()) fail(error_code, what + " has no root element");
    // pugixml accepts more than one top-level element; a second document would be silently lost.
    for (auto node = root().next_sibling(); node; node = node.next_sibling()) {
        if (node.type() != pugi::node_element && node.type() != pugi::node_cdata) continue;
        std::string found = node.type() == pugi::node_element ? "a second root element <" + std::string(node.name()) + ">"
                                                              : "character data after the root element";
        std::string problem = "not well-formed XML: " + found + " (a document has exactly one root)";
        fail(error_code, what + " is not well-formed XML: " + found + " at line " + std::to_string(line_of(node)) +
                             " (a document has exactly one root)",
             {file, line_of(node), 0, problem});
    }
}

int XmlSource::line_of(pugi::xml_node node) const {
    ptrdiff_t offset = node.offset_debug();
    if (offset < 0) return 0;
    return static_cast<int>(std::upper_bound(line_starts_.begin(), line_starts_.end(), size_t(offset)) -
                            line_starts_.begin());
}

void Element::error(const std::string &problem) const {
    fail_at_line(error_code_, line(), "<" + std::string(node_.name()) + ">: " + problem);
}

void Element::attribute_error(const char *attribute, const std::string &problem) const {
    error("attribute " + std::string(attribute) + " " + problem);
}

std::string Element::required(const char *attribute) const {
    auto value = node_.attribute(attribute);
    if (value.empty()) attribute_error(attribute, "is required but missing");
    std::string text = value.value();
    if (text.empty()) attribute_error(attribute, "is required but empty");
    return text;
}

std::string Element::optional(const char *attribute, const char *fallback) const {
    return node_.attribute(attribute).as_string(fallback);
}

std::string Element::one_of(const char *attribute, std::initializer_list<const char *> allowed,
                            const char *fallback) const {
    if (!has(attribute) && fallback) return fallback;
    std::string value = required(attribute);
    std::string list;
    for (const char *candidate : allowed) {
        if (value == candidate) return value;
        list += list.empty() ? candidate : std::string(", ") + candidate;
    }
    attribute_error(attribute, "is \"" + value + "\"; expected one of " + list);
}

std::optional<Date> Element::date(const char *attribute, bool is_required) const {
    std::string text = is_required ? required(attribute) : optional(attribute);
    if (text.empty()) return std::nullopt;
    auto parsed = Date::parse(text);
    if (!parsed) attribute_error(attribute, "is \"" + text + "\", not a real date in the form YYYY-MM-DD");
    require_supported(attribute, text, *parsed);
    return parsed;
}

void Element::require_supported(const char *attribute, const std::string &text, Date date) const {
    if (!is_supported(date))
        attribute_error(attribute, "is \"" + text + "\", outside the supported dates " + kFirstSupportedDate +
                                       " to " + kLastSupportedDate);
}

std::string Element::timestamp(const char *attribute, bool is_required) const {
    std::string text = is_required ? required(attribute) : optional(attribute);
    if (text.empty()) return text;
    auto date = parse_timestamp_date(text);
    if (!date)
        attribute_error(attribute, "is \"" + text + "\", not an ISO 8601 time with offset such as "
                                                    "2026-11-23T09:30:00+08:00");
    require_supported(attribute, text, *date);
    return text;
}

double Element::number(const char *attribute, double fallback, double max) const {
    std::string text = optional(attribute);
    if (text.empty()) return fallback;
    char *end = nullptr;
    errno = 0;
    double value = std::strtod(text.c_str(), &end);
    if (*end != '\0' || errno != 0 || !std::isfinite(value) || value < 0 || value > max) {
        char limit[32];
        std::snprintf(limit, sizeof limit, "%.0f", max);
        attribute_error(attribute, "is \"" + text + "\", not a number from 0 to " + limit);
    }
    return value;
}

int Element::whole_number(const char *attribute, int fallback, int min, int max) const {
    std::string text = optional(attribute);
    if (text.empty()) return fallback;
    char *end = nullptr;
    errno = 0;
    long value = std::strtol(text.c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || value < min || value > max)
        attribute_error(attribute, "is \"" + text + "\", not a whole number from " + std::to_string(min) +
                                       " to " + std::to_string(max));
    return static_cast<int>(value);
}

bool Element::boolean(const char *attribute, bool fallback) const {
    std::string text = optional(attribute);
    if (text.empty()) return fallback;
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    attribute_error(attribute, "is \"" + text + "\"; expected true or false");
}

std::vector<std::string> Element::id_list(const char *attribute) const {
    std::vector<std::string> ids;
    std::string text = optional(attribute);
    size_t pos = 0;
    while (pos < text.size()) {
        size_t start = text.find_first_not_of(" \t\r\n,", pos);
        if (start == std::string::npos) break;
        size_t end = text.find_first_of(" \t\r\n,", start);
        ids.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        pos = end == std::string::npos ? text.size() : end;
    }
    return ids;
}

std::vector<Element> Element::children(const char *element_name) const {
    std::vector<Element> out;
    for (auto node : node_.children(element_name)) out.emplace_back(*source_, node, error_code_);
    return out;
}

std::optional<Element> Element::child(const char *element_name) const {
    auto node = node_.child(element_name);
    if (!node) return std::nullopt;
    if (node.next_sibling(element_name)) Element(*source_, node.next_sibling(element_name), error_code_)
        .error("appears more than once; only one is allowed");
    return Element(*source_, node, error_code_);
}

}  // namespace medlint
