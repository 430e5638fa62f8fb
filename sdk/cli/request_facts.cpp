#include "request_facts.hpp"

#include <iconv.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace medlint::cli {
namespace {

constexpr auto npos = std::string_view::npos;

// The encoding the XML declaration names, in lower case; "" when none.
std::string declared_encoding(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    if (bytes.substr(0, 5) != "<?xml") return "";
    std::string_view declaration = bytes.substr(0, bytes.find("?>"));
    size_t name = declaration.find("encoding");
    size_t open = declaration.find_first_of("\"'", name == npos ? declaration.size() : name);
    if (open == npos) return "";
    size_t close = declaration.find(declaration[open], open + 1);
    std::string encoding(declaration.substr(open + 1, close == npos ? 0 : close - open - 1));
    std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return encoding;
}

// The names the engine accepts for the GB family, all read as GB18030, their superset.
bool is_gb_family(const std::string &encoding) {
    for (const char *name : {"gbk", "gb2312", "gb18030", "cp936", "x-gbk", "gb_2312-80"})
        if (encoding == name) return true;
    return false;
}

std::optional<std::string> gb18030_to_utf8(std::string_view bytes) {
    iconv_t converter = iconv_open("UTF-8", "GB18030");
    if (converter == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    // A GB18030 character of 1, 2 or 4 bytes takes at most 1, 3 or 4 in UTF-8.
    std::string utf8(bytes.size() * 2, '\0');
    char *from = const_cast<char *>(bytes.data());  // iconv's signature; it does not write there
    char *to = utf8.data();
    size_t from_left = bytes.size(), to_left = utf8.size();
    bool converted = iconv(converter, &from, &from_left, &to, &to_left) != static_cast<size_t>(-1);
    iconv_close(converter);
    if (!converted) return std::nullopt;
    utf8.resize(utf8.size() - to_left);
    return utf8;
}

std::string as_utf8(std::string_view bytes) {
    if (is_gb_family(declared_encoding(bytes)))
        if (std::optional<std::string> utf8 = gb18030_to_utf8(bytes)) return *utf8;
    return std::string(bytes);
}

double number_of(pugi::xml_attribute attribute) {
    std::string_view text = attribute.value();
    double number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    return number;
}

// Price × quantity, with the contract's defaults (price 0, quantity 1).  The engine
// has refused a document whose price or quantity is out of its bounds, so the
// product fits in fen.
long long amount_in_fen(pugi::xml_node item) {
    pugi::xml_attribute quantity = item.attribute("quantity");
    return std::llround(number_of(item.attribute("price")) * (quantity ? number_of(quantity) : 1.0) * 100);
}

}  // namespace

RequestFacts read_request_facts(std::string_view bytes, ItemFactsWanted items) {
    std::string utf8 = as_utf8(bytes);
    pugi::xml_document document;
    RequestFacts facts;
    if (!document.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8)) return facts;
    pugi::xml_node root = document.document_element();
    pugi::xml_node physician = root.child("physician");
    facts.encounter = root.child("encounter").attribute("id").value();
    facts.physician = physician.attribute("code").value();
    facts.physician_name = physician.attribute("name").value();
    facts.department = physician.attribute("dept").value();
    if (items == ItemFactsWanted::no) return facts;
    for (pugi::xml_node item : root.children("item")) {
        pugi::xml_attribute own_physician = item.attribute("physician");
        facts.items[item.attribute("id").value()] = {item.attribute("name").value(),
                                                     own_physician ? own_physician.value() : facts.physician,
                                                     amount_in_fen(item)};
    }
    return facts;
}

}  // namespace medlint::cli
