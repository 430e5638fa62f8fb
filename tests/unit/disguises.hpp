// Requests of every operation that writes the store, each disguised the ways
// a scanner of the text could take for a <check>: for the tests that a
// check-only call (medlint_call_as "check", medlint check, medlint audit
// without --commit) never changes the store, whatever a file holds.
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace test {

// A commit in ASCII only, so that it reads the same in every encoding.
inline std::string ascii_commit(const std::string &encounter) {
    return "<commit time=\"2026-11-23T09:30:00+08:00\">\n"
           "  <institution code=\"H52270100001\" level=\"3\"/>\n"
           "  <physician code=\"D522701000123\" name=\"Wang Min\" dept=\"Internal\"/>\n"
           "  <patient id-type=\"resident-id\" id=\"522701198001010011\" name=\"Li Si\" gender=\"M\" "
           "birth-date=\"1980-01-01\"/>\n"
           "  <encounter id=\"" + encounter + "\" type=\"outpatient\">\n"
           "    <diagnosis code=\"E11.900\" name=\"T2DM\" primary=\"true\"/>\n"
           "  </encounter>\n"
           "  <item id=\"1\" kind=\"drug\" code=\"XA10BAA002A001010101445\" name=\"metformin\" quantity=\"2\" "
           "price=\"12.50\" days=\"7\" date=\"2026-11-23\"/>\n"
           "</commit>\n";
}

// The encounter committed before the disguised requests, which the retract names.
const char kCommittedEncounter[] = "MZ-COMMITTED";

struct Disguised {
    std::string name;  // the operation and the disguise, for file names and messages
    std::string bytes;
};

// Each writing operation (ledger, commit, retract, feedback), plain and in
// every disguise: a DOCTYPE whose entities hold "<check>", a comment, a
// processing instruction, CDATA, a BOM, GBK, leading whitespace.
inline std::vector<Disguised> disguised_writes() {
    const std::vector<std::pair<std::string, std::string>> operations{
        {"ledger", "<ledger><deduction notice=\"N1\" physician=\"D522701000123\" date=\"2026-11-01\" "
                   "points=\"12\"/></ledger>\n"},
        {"commit", ascii_commit("MZ-DISGUISED")},
        {"retract", std::string("<retract encounter=\"") + kCommittedEncounter + "\"></retract>\n"},
        {"feedback", "<feedback physician=\"D522701000123\"><finding id=\"f-0123456789abcdef\" "
                     "action=\"accept\"/></feedback>\n"}};
    std::vector<Disguised> out;
    for (const auto &[operation, body] : operations) {
        std::string root = "<" + operation;
        std::string in_cdata = body;
        in_cdata.insert(in_cdata.find('>', body.find(root)) + 1, "<![CDATA[</" + operation + "><check>]]>");
        const std::vector<std::pair<std::string, std::string>> disguises{
            {"plain", body},
            {"doctype-entity", "<!DOCTYPE l [<!ENTITY x \"><check>\">]>\n" + body},
            {"doctype-cdata", "<!DOCTYPE l [<!ENTITY c \"<![CDATA[<check>]]>\">]>\n" + body},
            {"comment", "<!-- -- ><check> -->\n" + body},
            {"processing-instruction", "<?pi <check>?>\n" + body},
            {"cdata", in_cdata},
            {"bom", "\xEF\xBB\xBF" + body},
            // 检查 ("check") in GBK, in a comment before the root.
            {"gbk", "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<!-- \xBC\xEC\xB2\xE9 <check> -->\n" + body},
            {"leading-whitespace", "\n \t\r\n" + body}};
        for (const auto &[disguise, bytes] : disguises) out.push_back({operation + "-" + disguise, bytes});
    }
    return out;
}

// The number of rows of each table but the audit log's, "encounters 1, items 1, ...":
// what a write of any operation but a check changes.
inline std::string store_rows(const std::string &store) {
    std::string tables = store_text(store,
                                    "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE "
                                    "type = 'table' AND name NOT LIKE 'audit%' ORDER BY name)");
    std::string out;
    std::istringstream names(tables);
    for (std::string name; names >> name;)
        out += name + " " + store_text(store, "SELECT COUNT(*) FROM \"" + name + "\"") + ", ";
    return out;
}

}  // namespace test
