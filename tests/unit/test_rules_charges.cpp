// The rules fed by the national pack's tables of their own: DUP-CHARGE
// (charge_pairs.csv) and LIMIT-FREQUENCY (frequency_limits.csv), on real
// knowledge points: the default pack's sample rows, and the national pack
// configured by folder.
#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::NationalScratch;
using test::item;
using test::Reply;
using test::Scratch;

#ifndef MEDLINT_NATIONAL_PACK
#error "MEDLINT_NATIONAL_PACK must name rules/national (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

// KP-29bbfb394bdf2439 (医疗服务项目重复收费, batch 7): 葡萄糖耐量试验(口服)×葡萄糖测定, 含5次血糖测定.
const char *const kGlucoseTolerance = "003102050010100";
const char *const kGlucose = "002503020010000";

std::string tolerance_line(const std::string &id, const std::string &date = "2026-11-23") {
    return item(id, "test", kGlucoseTolerance, "葡萄糖耐量试验(口服)", date);
}
std::string glucose_line(const std::string &id, const std::string &date = "2026-11-23") {
    return item(id, "test", kGlucose, "葡萄糖测定", date);
}

Doc visit(const std::string &encounter, std::vector<std::string> items) {
    Doc doc;
    doc.encounter = encounter;
    doc.items = std::move(items);
    return doc;
}

Reply commit(const Engine &engine, Doc doc) { return check(engine, doc.commit()); }

}  // namespace

TEST_CASE("DUP-CHARGE: a clean document does not fire it", "[rules][DUP-CHARGE]") {
    Scratch scratch;
    Engine engine(scratch.config);
    CHECK_FALSE(check(engine, Doc{}.str()).fired("DUP-CHARGE"));
}

TEST_CASE("DUP-CHARGE within the document: both lines named, the including item kept", "[rules][DUP-CHARGE]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("the glucose tolerance test and a glucose measurement on one day") {
        Reply reply = check(engine, visit("MZ20261123001", {tolerance_line("1"), glucose_line("2")}));
        CHECK(reply.rules() == std::vector<std::string>{"DUP-CHARGE"});
        auto finding = reply.finding("DUP-CHARGE");
        CHECK(attr(finding, "items") == "1 2");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(attr(finding, "points") == "1");
        CHECK(contains(finding.child_value("message"), "葡萄糖测定 and 葡萄糖耐量试验(口服) (MZ20261123001) on the same day"));
        CHECK(contains(finding.child_value("message"), "葡萄糖耐量试验(口服) includes the other"));
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "KP-29bbfb394bdf2439 (batch 7)"));
        CHECK(contains(evidence, "含5次血糖测定"));
        CHECK(std::string(finding.child("suggestion").attribute("action").value()) == "remove");
    }
    SECTION("in the other order the finding is on the later line all the same") {
        Reply reply = check(engine, visit("MZ20261123001", {glucose_line("1"), tolerance_line("2")}));
        auto finding = reply.finding("DUP-CHARGE");
        CHECK(attr(finding, "items") == "1 2");
        CHECK(contains(finding.child_value("message"), "葡萄糖耐量试验(口服) includes the other"));
    }
    SECTION("zh texts") {
        Doc doc = visit("MZ20261123001", {tolerance_line("1"), glucose_line("2")});
        doc.lang = "zh";
        Reply reply = check(engine, doc);
        CHECK(contains(reply.message("DUP-CHARGE"), "不得同时收费：葡萄糖耐量试验(口服) 已包含其内容"));
    }
    SECTION("compliant twins: another day, or one item of the pair alone") {
        CHECK_FALSE(check(engine, visit("MZ20261123001", {tolerance_line("1"), glucose_line("2", "2026-11-24")}))
                        .fired("DUP-CHARGE"));
        CHECK_FALSE(check(engine, visit("MZ20261123001", {tolerance_line("1")})).fired("DUP-CHARGE"));
        CHECK_FALSE(check(engine, visit("MZ20261123001", {glucose_line("1"), glucose_line("2", "2026-11-24")}))
                        .fired("DUP-CHARGE"));
    }
}

TEST_CASE("DUP-CHARGE against committed history", "[rules][DUP-CHARGE]") {
    Scratch scratch;
    Engine engine(scratch.config);
    REQUIRE(commit(engine, visit("MZ20261123001", {tolerance_line("1")})).attr("committed") == "1");

    SECTION("a glucose measurement at another visit the same day: only the new line, the earlier one cited") {
        Reply reply = check(engine, visit("MZ20261123009", {glucose_line("1")}));
        auto finding = reply.finding("DUP-CHARGE");
        CHECK(attr(finding, "items") == "1");
        CHECK(contains(finding.child_value("evidence"), "Encounter MZ20261123001, item 1"));
    }
    SECTION("the next day it is billed on its own") {
        CHECK_FALSE(check(engine, visit("MZ20261124002", {glucose_line("1", "2026-11-24")})).fired("DUP-CHARGE"));
    }
    SECTION("another patient is not this one") {
        Doc other = visit("MZ20261123009", {glucose_line("1")});
        other.id = test::resident_id("52270119900202003");
        other.birth = "1990-02-02";
        CHECK_FALSE(check(engine, other).fired("DUP-CHARGE"));
    }
    SECTION("a retracted earlier line no longer counts") {
        check(engine, std::string("<retract encounter=\"MZ20261123001\"/>"));
        CHECK_FALSE(check(engine, visit("MZ20261123009", {glucose_line("1")})).fired("DUP-CHARGE"));
    }
    SECTION("re-committing the encounter with the glucose added finds the pair in the document, once") {
        Reply reply = commit(engine, visit("MZ20261123001", {tolerance_line("1"), glucose_line("2")}));
        CHECK(reply.count("DUP-CHARGE") == 1);
        CHECK(attr(reply.finding("DUP-CHARGE"), "items") == "1 2");
    }
}

TEST_CASE("DUP-CHARGE on the national pack's pairs", "[rules][DUP-CHARGE][national]") {
    NationalScratch scratch;
    Engine engine(scratch.config);
    // KP-017a71e49fce8d3b: 经皮冠状动脉内支架置入术(STENT)×经皮动脉内球囊扩张术, 含为放置冠脉内支架而进行的球囊预扩张….
    Doc doc = visit("ZY20261123001", {item("1", "treatment", "003205000030000", "经皮冠状动脉内支架置入术"),
                                      item("2", "treatment", "003202000090000", "经皮动脉内球囊扩张术")});
    Reply reply = check(engine, doc);
    auto finding = reply.finding("DUP-CHARGE");
    CHECK(attr(finding, "items") == "1 2");
    CHECK(contains(finding.child_value("evidence"), "KP-017a71e49fce8d3b (batch 7)"));
    CHECK(contains(finding.child_value("evidence"), "球囊预扩张"));

    SECTION("the balloon dilatation on another day is its own procedure") {
        doc.items[1] = item("2", "treatment", "003202000090000", "经皮动脉内球囊扩张术", "2026-11-25");
        CHECK_FALSE(check(engine, doc).fired("DUP-CHARGE"));
    }
}
