// A request document's raw bytes, read and edited without decoding them.  The
// markup of a request (element and attribute names, quotes, angle brackets)
// is ASCII, and no byte of a GBK or GB18030 character is one of the ASCII
// delimiters looked for here, so this works alike for UTF-8 and GB documents
// and leaves their text exactly as it was.
#pragma once
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace medlint::cli {

// A physician a <ledger> names, with the years of the entries naming him:
// the year of an entry's date, or of a sanction's from.
struct LedgerPhysician {
    std::string code;  // raw, as the file spells it
    std::set<int> years;
};

// The physicians of a <ledger>'s entries, in the order first named.  A
// <reversal> names only its notice, so a file of reversals names none.
std::vector<LedgerPhysician> ledger_physicians(std::string_view bytes);

// Whether the request is a national JSON envelope: its first character that
// is not blank (after a UTF-8 byte-order mark) is '{', as the contract
// tells a national request from an XML one.
bool is_national_request(std::string_view bytes);

bool has_root_attribute(std::string_view bytes, std::string_view name);

// The request with the root attribute `name` set to `value`, an ASCII token:
// replaced where present, added otherwise.  Unchanged when the root start tag
// cannot be read.
std::string with_root_attribute(std::string_view bytes, std::string_view name, std::string_view value);

}  // namespace medlint::cli
