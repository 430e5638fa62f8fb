// LIMIT-COURSE (paid_courses.csv) on real knowledge points of 药品限支付疗程
// and 医疗服务项目限支付疗程: the default pack's sample rows, and the national
// pack configured by folder.
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

namespace {

// KP-f7bc18815cfdb21a (update 2026-01): 住院方可支付，单次支付不超过3天 (scope stay).
const char *const kNesiritide = "XC01EBC109B001010102049";
// KP-a047cfca42dd5903 (update 2026-01): 支付不超过14天 (scope course).
const char *const kGastrodin = "XN07XXT050B002010100239";
// KP-18042d638d9108a3 (batch 8): 减重支持系统训练，支付不超过30天 (national pack only).
const char *const kWeightSupport = "003402000210000";

std::string nesiritide(const std::string &id, const std::string &date, const std::string &extra = "") {
    return item(id, "drug", kNesiritide, "注射用重组人脑利钠肽", date, 0, extra);
}
std::string gastrodin(const std::string &id, const std::string &date, int days, const std::string &extra = "") {
    return item(id, "drug", kGastrodin, "天麻素注射液", date, days, extra);
}

// An inpatient stay admitted on 2026-11-21.
Doc stay(const std::string &encounter, std::vector<std::string> items) {
    Doc doc;
    doc.type = "inpatient";
    doc.encounter = encounter;
    doc.admitted = "2026-11-21";
    doc.diagnoses = {"<diagnosis code=\"I50.900\" name=\"心力衰竭\" primary=\"true\"/>"};
    doc.items = std::move(items);
    return doc;
}

Doc visit(const std::string &encounter, const std::string &date, std::vector<std::string> items) {
    Doc doc;
    doc.encounter = encounter;
    doc.time = date + "T09:30:00+08:00";
    doc.admitted = date;
    doc.items = std::move(items);
    return doc;
}

// A date `days` after 2026-11-01 (the tests stay within November and December).
std::string day(int days) {
    int month = days < 30 ? 11 : 12, of_month = days < 30 ? days + 1 : days - 29;
    return "2026-" + std::to_string(month) + "-" + (of_month < 10 ? "0" : "") + std::to_string(of_month);
}

}  // namespace

TEST_CASE("LIMIT-COURSE: a clean document does not fire it", "[rules][LIMIT-COURSE]") {
    Scratch scratch;
    Engine engine(scratch.config);
    CHECK_FALSE(check(engine, Doc{}.str()).fired("LIMIT-COURSE"));
}

TEST_CASE("LIMIT-COURSE stay: the days of one stay beyond the paid days", "[rules][LIMIT-COURSE]") {
    Scratch scratch;
    Engine engine(scratch.config);
    std::vector<std::string> three = {nesiritide("1", "2026-11-21"), nesiritide("2", "2026-11-22"),
                                      nesiritide("3", "2026-11-23")};

    SECTION("three days of a 3-day course pass") {
        CHECK_FALSE(check(engine, stay("ZY20261121001", three)).fired("LIMIT-COURSE"));
    }
    SECTION("the fourth day is flagged, and only it") {
        auto lines = three;
        lines.push_back(nesiritide("4", "2026-11-24"));
        Reply reply = check(engine, stay("ZY20261121001", lines));
        REQUIRE(reply.count("LIMIT-COURSE") == 1);
        auto finding = reply.finding("LIMIT-COURSE");
        CHECK(attr(finding, "items") == "4");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "points") == "1");
        CHECK(contains(finding.child_value("message"), "paid by the insurance for 3 days of use"));
        CHECK(contains(finding.child_value("message"), "this stay since 2026-11-21 has 4"));
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "KP-f7bc18815cfdb21a, batch 2026-01"));
        CHECK(contains(evidence, "单次支付不超过3天"));
        CHECK(std::string(finding.find_child_by_attribute("basis", "kp", "KP-f7bc18815cfdb21a").attribute("batch").value()) == "2026-01");
    }
    SECTION("two lines of one day are one day of use") {
        auto lines = three;
        lines.push_back(nesiritide("4", "2026-11-23"));
        CHECK_FALSE(check(engine, stay("ZY20261121001", lines)).fired("LIMIT-COURSE"));
    }
    SECTION("a signed consent lowers it to info with no points") {
        auto lines = three;
        lines.push_back(nesiritide("4", "2026-11-24"));
        Doc doc = stay("ZY20261121001", lines);
        doc.extra = test::signed_consent("4");
        Reply reply = check(engine, doc);
        auto finding = reply.finding("LIMIT-COURSE");
        CHECK(attr(finding, "severity") == "info");
        CHECK(attr(finding, "points") == "0");
        CHECK(std::string(finding.child("suggestion").attribute("action").value()) == "keep-self-paid");
    }
    SECTION("a class C line is the patient's own") {
        auto lines = three;
        lines.push_back(nesiritide("4", "2026-11-24", " insurance-class=\"C\""));
        CHECK_FALSE(check(engine, stay("ZY20261121001", lines)).fired("LIMIT-COURSE"));
    }
}

TEST_CASE("LIMIT-COURSE stay: the stay's committed days count, other stays' do not", "[rules][LIMIT-COURSE]") {
    Scratch scratch;
    Engine engine(scratch.config);
    check(engine, stay("ZY20261121001", {nesiritide("1", "2026-11-21"), nesiritide("2", "2026-11-22")}).commit());

    SECTION("the same stay committed day by day") {
        Reply reply = check(engine, stay("ZY20261121001", {nesiritide("3", "2026-11-23"), nesiritide("4", "2026-11-24")}));
        REQUIRE(reply.count("LIMIT-COURSE") == 1);
        CHECK(attr(reply.finding("LIMIT-COURSE"), "items") == "4");
    }
    SECTION("another stay is a course of its own") {
        Doc next = stay("ZY20261123002", {nesiritide("1", "2026-11-23"), nesiritide("2", "2026-11-24")});
        next.admitted = "2026-11-23";
        CHECK_FALSE(check(engine, next).fired("LIMIT-COURSE"));
    }
}

TEST_CASE("LIMIT-COURSE course: the run of use over visits and history", "[rules][LIMIT-COURSE]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("two weeks of supply pass, a day more is flagged") {
        Reply reply = check(engine, visit("MZ1", day(0), {gastrodin("1", day(0), 7), gastrodin("2", day(7), 7),
                                                          gastrodin("3", day(14), 1)}));
        REQUIRE(reply.count("LIMIT-COURSE") == 1);
        auto finding = reply.finding("LIMIT-COURSE");
        CHECK(attr(finding, "items") == "3");
        CHECK(contains(finding.child_value("message"), "the course since 2026-11-01 has 15"));
        CHECK(contains(finding.child_value("evidence"), "KP-a047cfca42dd5903"));
    }
    SECTION("a supply overlapping an earlier one counts its dates once") {
        CHECK_FALSE(check(engine, visit("MZ1", day(0), {gastrodin("1", day(0), 7), gastrodin("2", day(3), 7)}))
                        .fired("LIMIT-COURSE"));
    }
    SECTION("committed visits add up") {
        check(engine, visit("MZ1", day(0), {gastrodin("1", day(0), 7)}).commit());
        check(engine, visit("MZ2", day(10), {gastrodin("1", day(10), 5)}).commit());
        CHECK_FALSE(check(engine, visit("MZ3", day(20), {gastrodin("1", day(20), 2)})).fired("LIMIT-COURSE"));
        Reply reply = check(engine, visit("MZ3", day(20), {gastrodin("1", day(20), 3)}));
        REQUIRE(reply.count("LIMIT-COURSE") == 1);
        CHECK(contains(reply.message("LIMIT-COURSE"), "the course since 2026-11-01 has 15"));
    }
    SECTION("a break of more than course_gap_days starts a new course") {
        check(engine, visit("MZ1", day(0), {gastrodin("1", day(0), 7), gastrodin("2", day(7), 7)}).commit());
        // Use ends on day 13; day 45 follows 31 days without it.
        CHECK_FALSE(check(engine, visit("MZ2", day(45), {gastrodin("1", day(45), 7)})).fired("LIMIT-COURSE"));
        // Day 44 follows 30 days without it: the same course.
        CHECK(check(engine, visit("MZ2", day(44), {gastrodin("1", day(44), 7)})).fired("LIMIT-COURSE"));
    }
}

TEST_CASE("LIMIT-COURSE leaves a line LIMIT-DAYS reports alone to it", "[rules][LIMIT-COURSE]") {
    NationalScratch scratch;
    Engine engine(scratch.config);
    // The national catalog gives 天麻素注射液 max_days 14 from the same point.
    Doc doc = visit("ZY1", day(0), {gastrodin("1", day(0), 20)});
    doc.type = "inpatient";
    Reply reply = check(engine, doc);
    CHECK(reply.fired("LIMIT-DAYS"));
    CHECK_FALSE(reply.fired("LIMIT-COURSE"));
}

TEST_CASE("LIMIT-COURSE on a national service: dates of use, not quantities", "[rules][LIMIT-COURSE]") {
    NationalScratch scratch;
    Engine engine(scratch.config);
    std::vector<std::string> lines;
    for (int i = 0; i < 30; ++i)
        lines.push_back(item(std::to_string(i + 1), "treatment", kWeightSupport, "减重支持系统训练", day(i), 0,
                             " quantity=\"2\""));
    Doc doc = visit("ZY1", day(0), lines);
    doc.type = "inpatient";
    SECTION("30 days of a 30-day course pass") { CHECK_FALSE(check(engine, doc).fired("LIMIT-COURSE")); }
    SECTION("the 31st day is flagged, citing batch 8") {
        doc.items.push_back(item("31", "treatment", kWeightSupport, "减重支持系统训练", day(30)));
        Reply reply = check(engine, doc);
        REQUIRE(reply.count("LIMIT-COURSE") == 1);
        CHECK(attr(reply.finding("LIMIT-COURSE"), "items") == "31");
        CHECK(contains(reply.finding("LIMIT-COURSE").child_value("evidence"), "KP-18042d638d9108a3, batch 8"));
    }
}

TEST_CASE("LIMIT-COURSE: a paid course the pack gets wrong is refused with its place", "[rules][LIMIT-COURSE]") {
    Scratch scratch;
    std::string message = test::refused_table(scratch, MEDLINT_DEFAULT_PACK, "paid_courses.csv",
                                              "code,days,scope\nX1,14,episode\n");
    CHECK(contains(message, "paid_courses.csv"));
    CHECK(contains(message, "scope"));
    message = test::refused_table(scratch, MEDLINT_DEFAULT_PACK, "paid_courses.csv", "code,days,scope\nX1,0,stay\n");
    CHECK(contains(message, "days"));
}
