// Every rule lives in several places: its class and declaration in the
// registry, its rows in the default pack (rules.csv, messages.csv in zh and
// en, points.csv under every profile), its doc in rules/docs, its row in the
// README's and the rule docs' tables, and the workload generator's list.
// These tests check that they agree, and that loading a pack refuses one
// that lacks a row, naming the file and what is missing.
#include "error.hpp"
#include "knowledge.hpp"
#include "rules/rule.hpp"

#include <cstdio>
#include <functional>
#include <map>
#include <regex>

#include "support.hpp"

#ifndef MEDLINT_SOURCE_DIR
#error "MEDLINT_SOURCE_DIR must name the source tree (set by tests/unit/CMakeLists.txt)"
#endif

using namespace medlint;
using test::contains;
using test::read_file;

namespace {

namespace fs = std::filesystem;

const fs::path kSource = MEDLINT_SOURCE_DIR;
const fs::path kDefaultPack = kSource / "rules" / "default";

std::set<std::string> registered_ids() {
    std::set<std::string> ids;
    for (const auto &rule : registered_rules()) ids.emplace(rule->id());
    return ids;
}

// How the tables write a rule's modes: "all", or the modes it runs in.
std::string modes_text(const RuleDeclaration &declaration) {
    if (declaration.modes == kEveryMode) return "all";
    std::string out;
    for (Mode mode : declaration.modes) out += (out.empty() ? "" : ", ") + std::string(to_string(mode));
    return out;
}

// The cells of each row of the table after `heading` in a Markdown file, by
// rule id (the first cell, in backticks).
std::map<std::string, std::vector<std::string>> rules_table(const fs::path &file, const std::string &heading) {
    std::istringstream in(read_file(file.string()));
    std::map<std::string, std::vector<std::string>> rows;
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("#", 0) == 0) inside = line == heading;
        if (!inside || line.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        std::istringstream row(line.substr(1));
        for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell.substr(1, cell.size() - 2));
        REQUIRE(cells.size() >= 3);
        std::string id = cells[0].substr(1, cells[0].size() - 2);
        INFO(file << ": " << line);
        CHECK(rows.count(id) == 0);
        rows[id] = cells;
    }
    return rows;
}

template <class Map>
std::set<std::string> keys(const Map &map) {
    std::set<std::string> out;
    for (const auto &entry : map) out.insert(entry.first);
    return out;
}

// Whitespace runs as one space: how Markdown reads a wrapped line.
std::string collapsed(const std::string &text) {
    return std::regex_replace(text, std::regex("\\s+"), " ");
}

// The merged packs as the engine loads them, checked against the registry;
// the medlint::Error's message, or "" when they are accepted.
std::string load_error(const std::vector<std::pair<PackFiles, std::string>> &packs) {
    try {
        Knowledge knowledge;
        for (const auto &[files, origin] : packs) knowledge.add_pack(files, origin);
        require_registered_rules(knowledge);
    } catch (const Error &e) {
        CHECK(e.code() == MEDLINT_ECONFIG);
        return e.what();
    }
    return "";
}

// `csv` without its line that starts with `start`, which it must have.
std::string without_row(const std::string &csv, const std::string &start) {
    size_t at = csv.find("\n" + start);
    REQUIRE(at != std::string::npos);
    size_t end = csv.find('\n', at + 1);
    return csv.substr(0, at + 1) + (end == std::string::npos ? "" : csv.substr(end + 1));
}

// `csv` with `from` replaced by `to` on its lines that start with `start`.
std::string replaced_in_rows(const std::string &csv, const std::string &start, const std::string &from,
                             const std::string &to) {
    std::istringstream in(csv);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(start, 0) == 0)
            for (size_t at = line.find(from); at != std::string::npos; at = line.find(from, at + to.size()))
                line.replace(at, from.size(), to);
        out += line + "\n";
    }
    return out;
}

// A copy of the default pack in a scratch folder, as a hospital would start one.
struct ScratchPack {
    test::TempDir dir;
    std::string path = dir.file("default");
    ScratchPack() { fs::copy(kDefaultPack, path); }
    void edit(const std::string &file, const std::function<std::string(const std::string &)> &change) const {
        test::write_file(path + "/" + file, change(read_file(path + "/" + file)));
    }
    std::string load_error() const { return ::load_error({{read_pack_directory(path), path}}); }
};

}  // namespace

TEST_CASE("the registry, the rule docs, the READMEs and the workload generator name the same rules",
          "[rules][inventory]") {
    const std::set<std::string> ids = registered_ids();
    REQUIRE(ids.size() == registered_rules().size());  // no id registered twice

    SECTION("one doc per rule in rules/docs, and no other") {
        std::set<std::string> docs;
        for (const auto &entry : fs::directory_iterator(kSource / "rules" / "docs"))
            if (entry.path().extension() == ".md" && entry.path().filename() != "README.md")
                docs.insert(entry.path().stem().string());
        CHECK(docs == ids);
    }
    SECTION("each doc's summary line gives the rule's declared modes") {
        for (const auto &rule : registered_rules()) {
            const RuleDeclaration &declaration = rule->declaration();
            fs::path doc = kSource / "rules" / "docs" / (declaration.id + ".md");
            std::string text = collapsed(read_file(doc.string()).substr(0, 600));
            INFO(doc);
            CHECK(text.rfind("# " + declaration.id + ": ", 0) == 0);
            CHECK(contains(text, "**modes** " + modes_text(declaration)));
        }
    }
    SECTION("the README's and the rule docs' tables: a row per rule, its modes, a link to its doc") {
        auto check_table = [&](const fs::path &file, const std::string &heading,
                               const std::function<std::string(const std::string &)> &link) {
            auto table = rules_table(file, heading);
            CHECK(keys(table) == ids);
            for (const auto &rule : registered_rules()) {
                const RuleDeclaration &declaration = rule->declaration();
                const auto &cells = table[declaration.id];
                INFO(file << ": " << declaration.id);
                REQUIRE(cells.size() >= 3);
                CHECK(cells[cells.size() - 2] == modes_text(declaration));
                CHECK(cells.back() == link(declaration.id));
            }
        };
        check_table(kSource / "README.md", "## Rules",
                    [](const std::string &id) { return "[doc](rules/docs/" + id + ".md)"; });
        check_table(kSource / "rules" / "docs" / "README.md", "## The rules",
                    [](const std::string &id) { return "[" + id + ".md](" + id + ".md)"; });
    }
    SECTION("the contract's rule ids: a row per rule and its modes") {
        auto table = rules_table(kSource / "docs" / "contract.md", "## 5. Rule ids");
        CHECK(keys(table) == ids);
        for (const auto &rule : registered_rules()) {
            const RuleDeclaration &declaration = rule->declaration();
            INFO(declaration.id);
            CHECK(std::regex_replace(table[declaration.id].back(), std::regex("`"), "") == modes_text(declaration));
        }
    }
#ifdef MEDLINT_WORKLOAD
    SECTION("the workload generator plants every rule") {
        std::FILE *pipe = popen("\"" MEDLINT_WORKLOAD "\" --list-rules", "r");
        REQUIRE(pipe);
        std::string output;
        char buffer[256];
        while (size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
        CHECK(pclose(pipe) == 0);
        std::set<std::string> planted;
        std::istringstream lines(output);
        for (std::string line; std::getline(lines, line);) planted.insert(line);
        CHECK(planted == ids);
    }
#endif
}

TEST_CASE("the default pack holds every rule's rows, texts and points, and each doc gives its points",
          "[rules][inventory][packs]") {
    CHECK(load_error({{read_pack_directory(kDefaultPack.string()), kDefaultPack.string()}}) == "");
    CHECK(load_error({{embedded_default_pack(), "built-in pack"}}) == "");

    Knowledge knowledge;
    knowledge.add_pack(read_pack_directory(kDefaultPack.string()), kDefaultPack.string());
    REQUIRE(knowledge.profiles().size() == 3);
    for (const auto &rule : registered_rules()) {
        const std::string id(rule->id());
        std::string doc = read_file((kSource / "rules" / "docs" / (id + ".md")).string());
        for (const auto &[profile, settings] : knowledge.profiles()) {
            INFO(id << " under " << profile);
            CHECK(contains(doc, "| " + profile + " | " + std::to_string(knowledge.points(profile, id).points) + " |"));
        }
    }
}

TEST_CASE("a pack set that lacks a rule's row is refused, naming the file and what is missing",
          "[rules][inventory][packs]") {
    ScratchPack pack;
    REQUIRE(pack.load_error() == "");

    SECTION("a points row") {
        pack.edit("points.csv", [](const std::string &csv) { return without_row(csv, "fengtai,BED-IDLE,"); });
        std::string error = pack.load_error();
        CHECK(error == pack.path + "/points.csv: no row for rule BED-IDLE under profile fengtai "
                                   "(every rule needs points under every profile)");
    }
    SECTION("a message row") {
        pack.edit("messages.csv",
                  [](const std::string &csv) { return without_row(csv, "DUP-DRUG.same-generic.evidence,"); });
        CHECK(pack.load_error() == pack.path + "/messages.csv: no row DUP-DRUG.same-generic.evidence (rule DUP-DRUG, "
                                               "variant same-generic needs message, evidence and suggestion in zh "
                                               "and en)");
    }
    SECTION("a consented variant's text") {
        pack.edit("messages.csv",
                  [](const std::string &csv) { return without_row(csv, "LIMIT-AGE.above-max-consented.message,"); });
        CHECK(contains(pack.load_error(), "/messages.csv: no row LIMIT-AGE.above-max-consented.message"));
    }
    SECTION("the threshold warning's text, which is no rule's") {
        pack.edit("messages.csv", [](const std::string &csv) { return without_row(csv, "threshold.suffix,"); });
        CHECK(contains(pack.load_error(), "/messages.csv: no row threshold.suffix (the threshold warning needs"));
    }
    SECTION("a rules.csv row") {
        pack.edit("rules.csv", [](const std::string &csv) { return without_row(csv, "SPLIT-ADMISSION,"); });
        CHECK(pack.load_error() == pack.path + "/rules.csv: no row for rule SPLIT-ADMISSION (every rule needs one)");
    }
    SECTION("a placeholder the variant does not give, with the row's line") {
        std::string messages = read_file(pack.path + "/messages.csv");
        int line = test::line_of(messages, "\nBED-IDLE.run.evidence,") + 1;
        pack.edit("messages.csv", [](const std::string &csv) {
            // Only the en text: the zh one still quotes {days}.
            return replaced_in_rows(csv, "BED-IDLE.run.evidence,", "Those {days} days", "Those {day} days");
        });
        CHECK(pack.load_error() == pack.path + "/messages.csv:" + std::to_string(line) +
                                       ": the en text of BED-IDLE.run.evidence quotes {day}, which rule BED-IDLE, "
                                       "variant run does not give (its parameters: {from}, {to}, {days}, "
                                       "{threshold})");
    }
    SECTION("a parameter no text of a language quotes") {
        std::string messages = read_file(pack.path + "/messages.csv");
        int line = test::line_of(messages, "\nDATE-OUTSIDE-STAY.after-discharge.message,") + 1;
        pack.edit("messages.csv", [](const std::string &csv) {
            return replaced_in_rows(csv, "DATE-OUTSIDE-STAY.after-discharge.", "{discharged}", "the discharge");
        });
        CHECK(pack.load_error() == pack.path + "/messages.csv:" + std::to_string(line) +
                                       ": no zh text of rule DATE-OUTSIDE-STAY, variant after-discharge quotes "
                                       "{discharged} (its parameters: {item}, {date}, {discharged})");
    }
    SECTION("a text of no rule's variant: a misspelt key") {
        pack.edit("messages.csv", [](const std::string &csv) {
            return csv + "DUP-TEST.same-cod.suggestion,先电话询问检验科,Call the laboratory first\n";
        });
        std::string error = pack.load_error();
        CHECK(contains(error, pack.path + "/messages.csv:"));
        CHECK(contains(error, ": key DUP-TEST.same-cod.suggestion is the text of no rule's variant"));
    }
}

TEST_CASE("the check runs on the merged packs: a later pack may add what an earlier one lacks",
          "[rules][inventory][packs]") {
    ScratchPack pack;
    pack.edit("points.csv", [](const std::string &csv) { return without_row(csv, "qiannan-2023,DUP-TEST,"); });
    PackFiles hospital{{"pack.xml", "<pack id=\"hospital\" version=\"1\"/>"},
                       {"points.csv", "profile,rule,points,clause\nqiannan-2023,DUP-TEST,2,local\n"}};
    std::string incomplete = read_file(pack.path + "/points.csv");

    CHECK(contains(load_error({{read_pack_directory(pack.path), pack.path}}), "no row for rule DUP-TEST"));
    CHECK(load_error({{read_pack_directory(pack.path), pack.path}, {hospital, "hospital"}}) == "");

    // A profile added by a later pack needs points for every rule, in any of the packs.
    PackFiles new_profile{{"pack.xml", "<pack id=\"county\" version=\"1\"/>"},
                          {"profiles.csv", "profile,setting,value\ncounty,year_points,12\n"}};
    CHECK(load_error({{embedded_default_pack(), "built-in pack"}, {new_profile, "county"}}) ==
          "built-in pack/points.csv, county/points.csv: no row for rule DUP-TEST under profile county "
          "(every rule needs points under every profile)");
    std::string points = "profile,rule,points,clause\n";
    for (const auto &rule : registered_rules()) points += "county," + std::string(rule->id()) + ",1,local\n";
    new_profile["points.csv"] = points;
    CHECK(load_error({{embedded_default_pack(), "built-in pack"}, {new_profile, "county"}}) == "");
}

TEST_CASE("every variant a rule declares has its texts, and each text quotes only its parameters",
          "[rules][inventory][packs]") {
    // Each variant's message row removed in turn from an in-memory copy of
    // the default pack: the load names that very row.
    PackFiles files = read_pack_directory(kDefaultPack.string());
    for (const auto &rule : registered_rules()) {
        const RuleDeclaration &declaration = rule->declaration();
        CHECK_FALSE(declaration.variants.empty());
        CHECK_FALSE(declaration.modes.empty());
        for (const auto &variant : declaration.variants) {
            std::string key = declaration.id + "." + variant.name + ".message";
            PackFiles broken = files;
            broken["messages.csv"] = without_row(files["messages.csv"], key + ",");
            INFO(key);
            CHECK(contains(load_error({{broken, "pack"}}), "pack/messages.csv: no row " + key + " ("));
        }
    }
}

namespace {

// Committed records of no one: a rule under test sees no history.
class NoHistory : public History {
public:
    std::vector<PastItem> items(const std::string &, const ItemQuery &) override { return {}; }
    std::vector<SeenIdentity> identities(const std::string &, const std::string &) override { return {}; }
    IdentityDigest digest(const std::string &, const Identity &) override { return {}; }
    std::vector<Stay> inpatient_stays(const std::string &, const std::string &) override { return {}; }
    std::vector<PastItem> encounter_items(const std::string &) override { return {}; }
};

// A rule that reports one finding of `variant` with `params`; it declares "found", quoting {item}.
class OneFinding : public Rule {
public:
    OneFinding(std::string variant, std::vector<std::pair<std::string, std::string>> params)
        : Rule({"TEST-ONE", {{"found", {"item"}}}, kEveryMode}), variant_(std::move(variant)),
          params_(std::move(params)) {}
    void check(const RuleContext &, std::vector<Finding> &findings) const override {
        findings.push_back({"TEST-ONE", variant_, {}, std::nullopt, "review", params_});
    }

private:
    std::string variant_;
    std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace

TEST_CASE("a finding must be of a declared variant and give its parameters", "[rules][inventory]") {
    Document document;
    Knowledge knowledge;
    NoHistory history;
    RuleContext context{document, knowledge, history, "", Date{0}, {}};
    auto run = [&](const OneFinding &rule) {
        std::vector<Finding> findings;
        try {
            rule.run(context, findings);
        } catch (const Error &e) {
            CHECK(e.code() == MEDLINT_EINTERNAL);
            return std::string(e.what());
        }
        CHECK(findings.size() == 1);
        return std::string();
    };
    CHECK(run(OneFinding("found", {{"item", "x"}, {"extra", "y"}})) == "");
    CHECK(run(OneFinding("found", {{"code", "x"}})) == "rule TEST-ONE, variant found gave no {item}");
    CHECK(run(OneFinding("lost", {{"item", "x"}})) ==
          "rule TEST-ONE reported TEST-ONE, variant lost, which it does not declare");
}
