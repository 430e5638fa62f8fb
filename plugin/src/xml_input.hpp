// A parsed XML document that remembers where each element stands, and typed
// attribute readers whose errors name the element, the attribute and the line.
#pragma once
#include <pugixml.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "dates.hpp"

namespace medlint {

class XmlSource {
public:
    // Parses `utf8`; throws `error_code` with `what` (e.g. "request") and the
    // line, and with the place in `file` ("" for a request).
    XmlSource(std::string utf8, const std::string &what, const std::string &file, int error_code);
    XmlSource(const XmlSource &) = delete;
    XmlSource &operator=(const XmlSource &) = delete;

    pugi::xml_node root() const { return document_.document_element(); }
    int line_of(pugi::xml_node node) const;

private:
    std::string text_;
    pugi::xml_document document_;
    std::vector<size_t> line_starts_;
};

// One element of a request, read attribute by attribute.
class Element {
public:
    Element(const XmlSource &source, pugi::xml_node node, int error_code)
        : source_(&source), node_(node), error_code_(error_code) {}

    int line() const { return source_->line_of(node_); }
    const char *name() const { return node_.name(); }
    bool has(const char *attribute) const { return !node_.attribute(attribute).empty(); }

    std::string required(const char *attribute) const;
    std::string optional(const char *attribute, const char *fallback = "") const;
    // A value from `allowed`; `fallback` when absent, or an error when fallback is null.
    std::string one_of(const char *attribute, std::initializer_list<const char *> allowed,
                       const char *fallback) const;
    std::optional<Date> date(const char *attribute, bool is_required) const;
    std::string timestamp(const char *attribute, bool is_required) const;
    // A number from 0 to `max`.
    double number(const char *attribute, double fallback, double max) const;
    int whole_number(const char *attribute, int fallback, int min, int max) const;
    bool boolean(const char *attribute, bool fallback) const;
    std::vector<std::string> id_list(const char *attribute) const;

    std::vector<Element> children(const char *element_name) const;
    std::optional<Element> child(const char *element_name) const;

    [[noreturn]] void error(const std::string &problem) const;
    [[noreturn]] void attribute_error(const char *attribute, const std::string &problem) const;

private:
    void require_supported(const char *attribute, const std::string &text, Date date) const;

    const XmlSource *source_;
    pugi::xml_node node_;
    int error_code_;
};

}  // namespace medlint
