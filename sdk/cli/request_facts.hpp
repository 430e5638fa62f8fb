// What an audit's reports need from a request document besides its
// response: the engine's findings name items by id, so the names, prices,
// physicians and dates come from the request itself.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace medlint::cli {

struct ItemFacts {
    std::string name;
    std::string physician;  // the item's own, else the document's (the contract's default)
    long long amount_fen = 0;  // price × quantity, in fen (0.01 yuan) so that sums are exact
};

struct RequestFacts {
    std::string encounter;
    std::string physician, physician_name, department;  // of the document's <physician>
    std::map<std::string, ItemFacts> items;               // by id, when wanted
};

// Whether `items` is wanted: only findings name items.
enum class ItemFactsWanted { no, yes };

// Reads the facts of a UTF-8, GBK, GB2312 or GB18030 document into UTF-8.
// Never throws: what cannot be read stays empty, since the engine, not this
// reading, decides whether a document is valid.
RequestFacts read_request_facts(std::string_view bytes, ItemFactsWanted items);

}  // namespace medlint::cli
