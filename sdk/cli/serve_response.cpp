#include "serve_response.hpp"

#include <medlint/medlint.h>

namespace medlint::cli {
namespace {

constexpr std::string_view kBlanks = " \t\r\n";

std::string_view after_blanks(std::string_view text) {
    size_t first = text.find_first_not_of(kBlanks);
    return first == std::string_view::npos ? std::string_view() : text.substr(first);
}

// The value of attribute `name` inside the markup `tag`, "" when absent.
std::string_view attribute_of(std::string_view tag, std::string_view name) {
    for (size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
        size_t equals = at + name.size();
        bool whole_name = at > 0 && kBlanks.find(tag[at - 1]) != std::string_view::npos;
        if (!whole_name || equals + 1 >= tag.size() || tag[equals] != '=') continue;
        char quote = tag[equals + 1];
        if (quote != '"' && quote != '\'') continue;
        size_t end = tag.find(quote, equals + 2);
        if (end == std::string_view::npos) return {};
        return tag.substr(equals + 2, end - equals - 2);
    }
    return {};
}

// The root element's start tag, after the declaration, comments and
// processing instructions.
std::string_view root_tag(std::string_view document) {
    for (size_t at = document.find('<'); at != std::string_view::npos; at = document.find('<', at + 1)) {
        if (at + 1 >= document.size()) break;
        char next = document[at + 1];
        if (next == '?' || next == '!') continue;
        size_t end = document.find('>', at);
        return document.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    }
    return {};
}

}  // namespace

bool is_json(std::string_view response) {
    std::string_view text = after_blanks(response);
    return !text.empty() && text.front() == '{';
}

std::string content_type_of(std::string_view response) {
    if (is_json(response)) return "application/json";
    std::string_view text = after_blanks(response);
    std::string_view encoding;
    if (text.substr(0, 5) == "<?xml") encoding = attribute_of(text.substr(0, text.find("?>")), "encoding");
    return "application/xml; charset=" + std::string(encoding.empty() ? "UTF-8" : encoding);
}

std::string operation_of(std::string_view response) {
    if (is_json(response)) return "json";
    std::string_view tag = root_tag(response);
    if (tag.empty()) return "";
    std::string_view name = tag.substr(1, tag.find_first_of(" \t\r\n/>") - 1);
    constexpr std::string_view kResult = "-result";
    if (name.size() > kResult.size() && name.substr(name.size() - kResult.size()) == kResult)
        name.remove_suffix(kResult.size());
    return std::string(name);
}

unsigned http_status_of(int code, std::string_view response) {
    if (code == MEDLINT_OK || is_json(response)) return 200;
    if (code == MEDLINT_EPARSE || code == MEDLINT_EINVAL) return 400;
    if (code == MEDLINT_ESTORE) return 503;
    return 500;
}

std::vector<std::string> finding_rules(std::string_view response) {
    std::vector<std::string> rules;
    if (is_json(response)) {
        // The library writes its envelope compactly; a quote inside a string is escaped, so
        // only a result's own rule_id member matches.
        constexpr std::string_view kRuleId = "\"rule_id\":\"";
        for (size_t at = response.find(kRuleId); at != std::string_view::npos; at = response.find(kRuleId, at + 1)) {
            size_t start = at + kRuleId.size(), end = response.find('"', start);
            if (end != std::string_view::npos) rules.emplace_back(response.substr(start, end - start));
        }
        return rules;
    }
    constexpr std::string_view kFinding = "<finding ";
    for (size_t at = response.find(kFinding); at != std::string_view::npos; at = response.find(kFinding, at + 1)) {
        std::string_view tag = response.substr(at, response.find('>', at) - at);
        std::string_view rule = attribute_of(tag, "rule");
        if (!rule.empty()) rules.emplace_back(rule);
    }
    return rules;
}

}  // namespace medlint::cli
