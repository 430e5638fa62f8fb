// The duplicate rules: DUP-TEST (a test or exam repeated within its retest
// interval) and DUP-DRUG (a drug prescribed while an earlier supply lasts), in
// the document and against committed history, with their exemptions,
// retraction and re-commit, boundaries, evidence, feedback and texts.
#include <cstdio>

#include "../civil_date.hpp"
#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::replaced;
using test::Reply;
using test::Scratch;

namespace {

// Codes of the default pack (rules/default/catalog.csv and retest.csv).
const char *const kCreatinine = "002503070020000";     // creatinine, 7 days
const char *const kUrea = "002503070010000";           // urea, 7 days, a group of its own
const char *const kAlt = "002503050040000";            // alt, 7 days
const char *const kBloodCount = "002501010150000";     // blood-count, 3 days
const char *const kHaemoglobin = "002501010010000";    // blood-count, 3 days
const char *const kHba1c = "002503020030000";          // hba1c, 90 days
const char *const kHba1cHplc = "002503020030100";      // hba1c, 90 days
const char *const kGlucose = "002503020010000";        // glucose, 1 day
const char *const kCtPlain = "002103000010000";        // ct-plain, 30 days (an exam)
const char *const kBMode = "002202010010000";          // ultrasound, 7 days (an exam)
const char *const kDoppler = "002203010010000";        // ultrasound, 7 days (an exam)
const char *const kProstateFluid = "002501040130000";  // a catalog test without a retest row

const char *const kMetformin = "XA10BAA002A001010101445";      // 二甲双胍片
const char *const kMetforminXr = "XA10BAA002A001010201445";    // 二甲双胍缓释片: the same generic
const char *const kMetforminEmpa = "XA10BDE083A001010104522";  // another generic of the same class
const char *const kAmlodipine = "XC08CAA033A001010100237";     // 苯磺酸氨氯地平片
const char *const kAngong = "ZA07AAA0061010100166";            // 安宫牛黄丸, a patent medicine
const char *const kAngongOther = "ZA07AAA0061010100999";       // a patent medicine sharing its first 10 characters

// An attribute of the one finding of `rule` (the reply may be a temporary: it
// lives until the end of the caller's full expression).
std::string finding_attr(const Reply &reply, std::string_view rule, const char *name) {
    return attr(reply.finding(rule), name);
}

using test_dates::days_from_civil;
using test_dates::iso_date;

// 2026-11-01 plus `offset` days.
std::string day(int offset) { return iso_date(days_from_civil(2026, 11, 1) + offset); }

std::string test_line(const std::string &id, const std::string &code, const std::string &name, const std::string &date,
                      const std::string &kind = "test", const std::string &extra = "") {
    return "<item id=\"" + id + "\" kind=\"" + kind + "\" code=\"" + code + "\" name=\"" + name +
           "\" quantity=\"1\" price=\"10.00\" date=\"" + date + "\"" + extra + "/>";
}

std::string drug_line(const std::string &id, const std::string &code, const std::string &name, const std::string &date,
                      int days) {
    std::string out = "<item id=\"" + id + "\" kind=\"drug\" code=\"" + code + "\" name=\"" + name +
                      "\" quantity=\"1\" unit=\"盒\" price=\"12.50\"";
    if (days > 0) out += " days=\"" + std::to_string(days) + "\"";
    return out + " date=\"" + date + "\"/>";
}

// An outpatient visit of the default patient (李四) with these lines.
Doc visit(const std::string &encounter, std::vector<std::string> items) {
    Doc doc;
    doc.encounter = encounter;
    doc.admitted = "";
    doc.items = std::move(items);
    return doc;
}

// The document's text with another department, or marked as rescue care.
std::string in_dept(const Doc &doc, const std::string &dept) {
    return replaced(doc.str(), "dept=\"内科\"", "dept=\"" + dept + "\"");
}
std::string as_rescue(const Doc &doc) { return replaced(doc.str(), "rescue=\"false\"", "rescue=\"true\""); }

Reply commit(const Engine &engine, Doc doc) { return check(engine, doc.commit().str()); }

// The number of characters (code points) of UTF-8 text.
size_t characters(const std::string &text) {
    size_t count = 0;
    for (unsigned char c : text) count += (c & 0xC0) != 0x80;
    return count;
}

std::string feedback(const std::string &finding_id, const std::string &attributes) {
    return "<feedback physician=\"D522701000123\" time=\"2026-11-23T09:31:00+08:00\"><finding id=\"" + finding_id +
           "\" " + attributes + "/></feedback>";
}

}  // namespace

TEST_CASE("the test's own date arithmetic", "[rules][dup]") {
    CHECK(day(0) == "2026-11-01");
    CHECK(day(29) == "2026-11-30");
    CHECK(day(30) == "2026-12-01");
    CHECK(day(61) == "2027-01-01");
    CHECK(day(-1) == "2026-10-31");
    CHECK(days_from_civil(1970, 1, 1) == 0);
}

// ---------------------------------------------------------------- DUP-TEST

TEST_CASE("DUP-TEST within the document", "[rules][dup][dup-test]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("the same code twice on one day: the lower line, definite") {
        Reply reply = check(engine, visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                                            test_line("2", kCreatinine, "肌酐测定", day(22))}));
        auto finding = reply.finding("DUP-TEST");
        CHECK(attr(finding, "items") == "2");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "points") == "1");
        CHECK(attr(finding, "overridden") == "false");
        CHECK(attr(finding.child("suggestion"), "action") == "remove");
        std::string message = finding.child_value("message");
        CHECK(contains(message, "肌酐测定"));
        CHECK(contains(message, "2026-11-23"));
        CHECK(contains(message, "0 days ago"));
        CHECK(contains(message, "7-day retest interval"));
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "Encounter MZ20261123001, item 1"));
        CHECK(contains(evidence, "2026-11-23"));
        CHECK(reply.attr("status") == "warning");
        CHECK(reply.root().child("physician").attribute("at-risk").as_int() == 1);
    }
    SECTION("distinct tests do not fire, nor does a quantity above 1") {
        Reply reply = check(engine, visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                                            test_line("2", kUrea, "尿素测定", day(22)),
                                                            test_line("3", kAlt, "丙氨酸氨基转移酶测定", day(22)),
                                                            test_line("4", kBloodCount, "血常规", day(22))}));
        CHECK_FALSE(reply.fired("DUP-TEST"));
        std::string three = test_line("1", kGlucose, "葡萄糖测定", day(22));
        three = replaced(three, "quantity=\"1\"", "quantity=\"3\"");
        CHECK_FALSE(check(engine, visit("MZ20261123001", {three})).fired("DUP-TEST"));
    }
    SECTION("a line earlier by date counts even when it is lower down") {
        Reply reply = check(engine, visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                                            test_line("2", kCreatinine, "肌酐测定", day(20))}));
        auto finding = reply.finding("DUP-TEST");
        CHECK(attr(finding, "items") == "1");
        CHECK(contains(finding.child_value("evidence"), "item 2"));
        CHECK(contains(finding.child_value("evidence"), "2026-11-21"));
        CHECK(contains(finding.child_value("message"), "2 days ago"));
    }
    SECTION("three of one test: each repeat names the nearest earlier one") {
        Reply reply = check(engine, visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(16)),
                                                            test_line("2", kCreatinine, "肌酐测定", day(19)),
                                                            test_line("3", kCreatinine, "肌酐测定", day(21))}));
        auto findings = reply.findings("DUP-TEST");
        REQUIRE(findings.size() == 2);
        CHECK(attr(findings[0], "items") == "2");
        CHECK(contains(findings[0].child_value("evidence"), "item 1"));
        CHECK(attr(findings[1], "items") == "3");
        CHECK(contains(findings[1].child_value("evidence"), "item 2"));
        CHECK(contains(findings[1].child_value("message"), "2 days ago"));
    }
    SECTION("drugs, services and treatments are not tests") {
        Reply reply =
            check(engine, visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22), "treatment"),
                                                  test_line("2", kCreatinine, "肌酐测定", day(22), "treatment")}));
        CHECK_FALSE(reply.fired("DUP-TEST"));
    }
}

TEST_CASE("DUP-TEST: a look-alike of the group is suspected, the same code definite", "[rules][dup][dup-test]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("haemoglobin after a full blood count") {
        Reply reply =
            check(engine, visit("MZ20261123001", {test_line("1", kBloodCount, "血细胞分析（血常规）", day(22)),
                                                  test_line("2", kHaemoglobin, "血红蛋白测定", day(22))}));
        auto finding = reply.finding("DUP-TEST");
        CHECK(attr(finding, "items") == "2");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(contains(finding.child_value("message"), "same kind of test as 血细胞分析（血常规）"));
        CHECK(contains(finding.child_value("evidence"), "interval 3 days"));
    }
    SECTION("colour Doppler after B-mode ultrasound: exams too") {
        Reply reply = check(
            engine, visit("MZ20261123001", {test_line("1", kBMode, "B超常规检查", day(20), "exam"),
                                            test_line("2", kDoppler, "彩色多普勒超声常规检查", day(22), "exam")}));
        CHECK(attr(reply.finding("DUP-TEST"), "certainty") == "suspected");
    }
    SECTION("HbA1c by another method within 90 days, from history") {
        commit(engine, visit("MZ20260901001", {test_line("1", kHba1c, "糖化血红蛋白测定", day(-60))}));
        Reply result =
            check(engine, visit("MZ20261123001", {test_line("1", kHba1cHplc, "糖化血红蛋白测定(色谱法)", day(22))}));
        auto finding = result.finding("DUP-TEST");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(contains(finding.child_value("evidence"), "MZ20260901001"));
    }
    SECTION("the same code is named before a nearer look-alike") {
        Reply reply =
            check(engine, visit("MZ20261123001", {test_line("1", kBloodCount, "血细胞分析（血常规）", day(20)),
                                                  test_line("2", kHaemoglobin, "血红蛋白测定", day(21)),
                                                  test_line("3", kBloodCount, "血细胞分析（血常规）", day(22))}));
        auto findings = reply.findings("DUP-TEST");
        REQUIRE(findings.size() == 2);
        CHECK(attr(findings[0], "items") == "2");
        CHECK(attr(findings[0], "certainty") == "suspected");
        CHECK(attr(findings[1], "items") == "3");
        CHECK(attr(findings[1], "certainty") == "definite");
        CHECK(contains(findings[1].child_value("evidence"), "item 1"));
        CHECK(contains(findings[1].child_value("message"), "2 days ago"));
    }
    SECTION("tests of other groups are no look-alikes") {
        Reply reply = check(engine, visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                                            test_line("2", kUrea, "尿素测定", day(22)),
                                                            test_line("3", kBloodCount, "血常规", day(22)),
                                                            test_line("4", kGlucose, "葡萄糖测定", day(22))}));
        CHECK_FALSE(reply.fired("DUP-TEST"));
    }
}

TEST_CASE("DUP-TEST against committed history", "[rules][dup][dup-test]") {
    Scratch scratch;
    Engine engine(scratch.config);
    // 2026-11-20: creatinine ordered by the surgery department at another visit.
    Doc earlier = visit("MZ20261120015", {test_line("1", kAlt, "丙氨酸氨基转移酶测定", day(19)),
                                          test_line("2", kCreatinine, "肌酐测定", day(19))});
    earlier.physician = std::string("D522701000456");
    REQUIRE(
        check(engine, replaced(Doc(earlier).commit().str(), "dept=\"内科\"", "dept=\"普外科\"")).attr("committed") ==
        "2");
    Doc later = visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22))});

    SECTION("another encounter and department of the same patient: fires, evidence names the earlier order") {
        Reply reply = check(engine, in_dept(later, "肾内科"));
        auto finding = reply.finding("DUP-TEST");
        CHECK(attr(finding, "items") == "1");
        CHECK(attr(finding, "certainty") == "definite");
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "MZ20261120015"));
        CHECK(contains(evidence, "item 2"));
        CHECK(contains(evidence, "2026-11-20"));
        CHECK(contains(finding.child_value("message"), "3 days ago"));
    }
    SECTION("another patient does not") {
        CHECK_FALSE(check(engine, test::for_another_patient(later)).fired("DUP-TEST"));
    }
    SECTION("the same patient under another id type does not (history is keyed by id type and id)") {
        later.id_type = "passport";
        CHECK_FALSE(check(engine, later).fired("DUP-TEST"));
    }
    SECTION("a committed order dated after the new one counts too: days apart, either way") {
        later.items = {test_line("1", kCreatinine, "肌酐测定", day(14))};  // 2026-11-15, 5 days before
        Reply result = check(engine, later);
        auto finding = result.finding("DUP-TEST");
        CHECK(contains(finding.child_value("message"), "5 days ago"));
        later.items = {test_line("1", kCreatinine, "肌酐测定", day(12))};  // 7 days before: outside
        CHECK_FALSE(check(engine, later).fired("DUP-TEST"));
    }
    SECTION("a commit of the repeat records it and reports it too") {
        Reply reply = commit(engine, later);
        CHECK(reply.attr("committed") == "1");
        CHECK(reply.fired("DUP-TEST"));
        // A third visit names the nearer of the two committed orders.
        Reply result = check(engine, visit("MZ20261124002", {test_line("1", kCreatinine, "肌酐测定", day(23))}));
        auto finding = result.finding("DUP-TEST");
        CHECK(contains(finding.child_value("evidence"), "MZ20261123001"));
        CHECK(contains(finding.child_value("message"), "1 days ago"));
    }
}

TEST_CASE("DUP-TEST boundaries: a repeat is fewer days apart than the interval", "[rules][dup][dup-test]") {
    struct Case {
        const char *code, *name;
        int interval;
    };
    // A code without a retest row may not repeat on the same day: an interval of 1.
    const Case cases[] = {{kCreatinine, "肌酐测定", 7},     {kBloodCount, "血常规", 3},
                          {kHba1c, "糖化血红蛋白测定", 90}, {kCtPlain, "CT平扫", 30},
                          {kGlucose, "葡萄糖测定", 1},      {kProstateFluid, "前列腺液常规检查", 1}};
    for (const auto &c : cases) {
        INFO(c.code << " interval " << c.interval);
        const char *kind = std::string(c.code) == kCtPlain ? "exam" : "test";
        SECTION(std::string("in history: ") + c.code) {
            Scratch scratch;
            Engine engine(scratch.config);
            commit(engine, visit("MZ-EARLIER", {test_line("1", c.code, c.name, day(0), kind)}));
            Reply inside =
                check(engine, visit("MZ-LATER", {test_line("1", c.code, c.name, day(c.interval - 1), kind)}));
            auto finding = inside.finding("DUP-TEST");
            CHECK(contains(finding.child_value("message"), std::to_string(c.interval - 1) + " days ago"));
            if (c.interval > 1)
                CHECK(contains(finding.child_value("message"), std::to_string(c.interval) + "-day retest interval"));
            Reply outside = check(engine, visit("MZ-LATER", {test_line("1", c.code, c.name, day(c.interval), kind)}));
            CHECK_FALSE(outside.fired("DUP-TEST"));
        }
        SECTION(std::string("in the document: ") + c.code) {
            Scratch scratch;
            Engine engine(scratch.config);
            CHECK(check(engine, visit("MZ-ONE", {test_line("1", c.code, c.name, day(0), kind),
                                                 test_line("2", c.code, c.name, day(c.interval - 1), kind)}))
                      .fired("DUP-TEST"));
            CHECK_FALSE(check(engine, visit("MZ-ONE", {test_line("1", c.code, c.name, day(0), kind),
                                                       test_line("2", c.code, c.name, day(c.interval), kind)}))
                            .fired("DUP-TEST"));
        }
    }
}

TEST_CASE("DUP-TEST exemptions", "[rules][dup][dup-test]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("rescue care: neither in the document nor against history") {
        Doc doc = visit("JZ20261123001", {test_line("1", kBloodCount, "血常规", day(22)),
                                          test_line("2", kBloodCount, "血常规", day(22))});
        doc.type = "emergency";
        CHECK(check(engine, doc).fired("DUP-TEST"));  // emergency alone is not exempt
        CHECK_FALSE(check(engine, as_rescue(doc)).fired("DUP-TEST"));
        commit(engine, visit("MZ-EARLIER", {test_line("1", kBloodCount, "血常规", day(21))}));
        Doc rescue = visit("JZ20261123002", {test_line("1", kBloodCount, "血常规", day(22))});
        rescue.type = "emergency";
        CHECK(check(engine, rescue).fired("DUP-TEST"));
        CHECK_FALSE(check(engine, as_rescue(rescue)).fired("DUP-TEST"));
    }
    SECTION("a retracted earlier order") {
        commit(engine, visit("MZ20261120015", {test_line("1", kCreatinine, "肌酐测定", day(19)),
                                               test_line("2", kAlt, "丙氨酸氨基转移酶测定", day(19))}));
        Doc later = visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                            test_line("2", kAlt, "丙氨酸氨基转移酶测定", day(22))});
        CHECK(check(engine, later).count("DUP-TEST") == 2);
        // The creatinine order was cancelled and refunded.
        CHECK(check(engine, R"(<retract encounter="MZ20261120015" items="1"/>)").attr("removed") == "1");
        Reply reply = check(engine, later);
        auto finding = reply.finding("DUP-TEST");
        CHECK(attr(finding, "items") == "2");  // the ALT order still stands
        // The whole encounter retracted: nothing left to repeat.
        check(engine, R"(<retract encounter="MZ20261120015"/>)");
        CHECK_FALSE(check(engine, later).fired("DUP-TEST"));
    }
}

TEST_CASE("DUP-TEST: re-committing an encounter replaces its items", "[rules][dup][dup-test]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc earlier = visit("MZ20261120015", {test_line("1", kCreatinine, "肌酐测定", day(19))});
    commit(engine, earlier);
    Doc later = visit("MZ20261123001",
                      {test_line("1", kCreatinine, "肌酐测定", day(22)), test_line("2", kUrea, "尿素测定", day(22))});
    REQUIRE(finding_attr(check(engine, later), "DUP-TEST", "items") == "1");

    SECTION("its own re-commit is no repeat") {
        CHECK_FALSE(commit(engine, earlier).fired("DUP-TEST"));
        CHECK_FALSE(check(engine, earlier).fired("DUP-TEST"));
        CHECK(check(engine, later).count("DUP-TEST") == 1);
    }
    SECTION("line 1 corrected to urea") {
        earlier.items = {test_line("1", kUrea, "尿素测定", day(19))};
        commit(engine, earlier);
        Reply result = check(engine, later);
        auto finding = result.finding("DUP-TEST");
        CHECK(attr(finding, "items") == "2");
        CHECK(contains(finding.child_value("message"), "尿素测定"));
    }
    SECTION("line 1 corrected to an earlier date") {
        earlier.items = {test_line("1", kCreatinine, "肌酐测定", day(12))};
        commit(engine, earlier);
        CHECK_FALSE(check(engine, later).fired("DUP-TEST"));
    }
    SECTION("a re-commit and re-check of the later encounter sees only the other encounter") {
        commit(engine, later);
        Reply result = check(engine, later);
        auto finding = result.finding("DUP-TEST");
        CHECK(contains(finding.child_value("evidence"), "MZ20261120015"));
    }
}

// ---------------------------------------------------------------- DUP-DRUG

TEST_CASE("DUP-DRUG within the document", "[rules][dup][dup-drug]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("the same national code twice: definite, on the lower line") {
        Reply reply = check(engine, visit("MZ20261123002", {drug_line("1", kMetformin, "二甲双胍片", day(22), 7),
                                                            drug_line("2", kAmlodipine, "苯磺酸氨氯地平片", day(22), 7),
                                                            drug_line("3", kMetformin, "二甲双胍片", day(22), 7)}));
        auto finding = reply.finding("DUP-DRUG");
        CHECK(attr(finding, "items") == "3");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "points") == "1");
        CHECK(attr(finding.child("suggestion"), "action") == "remove");
        std::string message = finding.child_value("message");
        CHECK(contains(message, "二甲双胍片 was prescribed on 2026-11-23 for 7 days (MZ20261123002)"));
        CHECK(contains(message, "lasts until 2026-11-29, 7 days more"));
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "Encounter MZ20261123002, item 1"));
        CHECK(contains(evidence, "2026-11-23 for 7 days"));
    }
    SECTION("the same generic in another form: suspected") {
        Reply reply =
            check(engine, visit("MZ20261123002", {drug_line("1", kMetformin, "二甲双胍片", day(22), 7),
                                                  drug_line("2", kMetforminXr, "二甲双胍缓释片", day(22), 7)}));
        auto finding = reply.finding("DUP-DRUG");
        CHECK(attr(finding, "items") == "2");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(contains(finding.child_value("message"), "same generic as 二甲双胍片"));
        CHECK(contains(finding.child_value("evidence"), "first 10 characters"));
    }
    SECTION("other generics, or a drug without days, do not fire") {
        CHECK_FALSE(
            check(engine, visit("MZ20261123002", {drug_line("1", kMetformin, "二甲双胍片", day(22), 7),
                                                  drug_line("2", kMetforminEmpa, "二甲双胍恩格列净片(Ⅲ)", day(22), 7),
                                                  drug_line("3", kAmlodipine, "苯磺酸氨氯地平片", day(22), 7)}))
                .fired("DUP-DRUG"));
        CHECK_FALSE(check(engine, visit("MZ20261123002", {drug_line("1", kMetformin, "二甲双胍片", day(22), 0),
                                                          drug_line("2", kMetformin, "二甲双胍片", day(22), 7)}))
                        .fired("DUP-DRUG"));
    }
    SECTION("patent medicines: the same 20-character code is definite, another code never") {
        Reply result = check(engine, visit("MZ20261123002", {drug_line("1", kAngong, "安宫牛黄丸", day(22), 3),
                                                             drug_line("2", kAngong, "安宫牛黄丸", day(23), 3)}));
        auto finding = result.finding("DUP-DRUG");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(contains(finding.child_value("message"), "lasts until 2026-11-25, 2 days more"));
        CHECK_FALSE(check(engine, visit("MZ20261123002", {drug_line("1", kAngong, "安宫牛黄丸", day(22), 3),
                                                          drug_line("2", kAngongOther, "某牛黄丸", day(22), 3)}))
                        .fired("DUP-DRUG"));
    }
    SECTION("a line earlier by date counts even when it is lower down") {
        Reply result = check(engine, visit("MZ20261123002", {drug_line("1", kMetformin, "二甲双胍片", day(24), 7),
                                                             drug_line("2", kMetformin, "二甲双胍片", day(22), 7)}));
        auto finding = result.finding("DUP-DRUG");
        CHECK(attr(finding, "items") == "1");
        CHECK(contains(finding.child_value("evidence"), "item 2"));
    }
}

TEST_CASE("DUP-DRUG against committed history and the last day of a supply", "[rules][dup][dup-drug]") {
    Scratch scratch;
    Engine engine(scratch.config);
    // 2026-11-16: a 7-day supply of metformin, lasting through 2026-11-22.
    Doc earlier = visit("MZ20261116008", {drug_line("1", kAmlodipine, "苯磺酸氨氯地平片", day(15), 14),
                                          drug_line("2", kMetformin, "二甲双胍片", day(15), 7)});
    REQUIRE(
        check(engine, replaced(Doc(earlier).commit().str(), "dept=\"内科\"", "dept=\"内分泌科\"")).attr("committed") ==
        "2");

    SECTION("the supply's last day fires, the day after does not") {
        Reply last = check(engine, visit("MZ20261122001", {drug_line("1", kMetformin, "二甲双胍片", day(21), 7)}));
        auto finding = last.finding("DUP-DRUG");
        CHECK(attr(finding, "certainty") == "definite");
        std::string message = finding.child_value("message");
        CHECK(contains(message, "prescribed on 2026-11-16 for 7 days (MZ20261116008)"));
        CHECK(contains(message, "lasts until 2026-11-22, 1 days more"));
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "Encounter MZ20261116008, item 2"));
        CHECK(contains(evidence, "2026-11-16 for 7 days"));
        CHECK_FALSE(check(engine, visit("MZ20261123001", {drug_line("1", kMetformin, "二甲双胍片", day(22), 7)}))
                        .fired("DUP-DRUG"));
    }
    SECTION("at another department, another generic form") {
        Doc later = visit("MZ20261118003", {drug_line("1", kMetforminXr, "二甲双胍缓释片", day(17), 7)});
        Reply result = check(engine, in_dept(later, "心血管内科"));
        auto finding = result.finding("DUP-DRUG");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(contains(finding.child_value("message"), "lasts until 2026-11-22"));
    }
    SECTION("a prescription dated before the earlier supply started is not covered by it") {
        CHECK_FALSE(check(engine, visit("MZ20261110001", {drug_line("1", kMetformin, "二甲双胍片", day(9), 7)}))
                        .fired("DUP-DRUG"));
    }
    SECTION("another patient does not") {
        Doc other = test::for_another_patient(visit("MZ20261118003", {drug_line("1", kMetformin, "二甲双胍片", day(17), 7)}));
        CHECK_FALSE(check(engine, other).fired("DUP-DRUG"));
    }
    SECTION("same code before another form, then the supply lasting longest") {
        commit(engine, visit("MZ20261117002", {drug_line("1", kMetforminXr, "二甲双胍缓释片", day(16), 30)}));
        commit(engine, visit("MZ20261118004", {drug_line("1", kMetformin, "二甲双胍片", day(17), 3)}));
        // 11-19: the 11-16 supply lasts to 11-22, the 11-18 one to 11-20, the XR to 12-16.
        Reply result = check(engine, visit("MZ20261119001", {drug_line("1", kMetformin, "二甲双胍片", day(18), 7)}));
        auto finding = result.finding("DUP-DRUG");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(contains(finding.child_value("evidence"), "MZ20261116008"));
        // 11-23: both metformin supplies are used up; the XR still lasts.
        Reply used_up = check(engine, visit("MZ20261123001", {drug_line("1", kMetformin, "二甲双胍片", day(22), 7)}));
        finding = used_up.finding("DUP-DRUG");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(contains(finding.child_value("message"), "lasts until 2026-12-16"));
    }
    SECTION("a long supply lasts as long as its days say") {
        commit(engine, visit("MZ20251101001", {drug_line("1", kAmlodipine, "苯磺酸氨氯地平片", day(-365), 400)}));
        // 2026-11-30 is day 395 of a 400-day supply (and after the 14-day supply of 2026-11-16).
        Reply result =
            check(engine, visit("MZ20261130001", {drug_line("1", kAmlodipine, "苯磺酸氨氯地平片", day(29), 7)}));
        auto finding = result.finding("DUP-DRUG");
        CHECK(contains(finding.child_value("evidence"), "MZ20251101001"));
        // The longest supply a request may carry, 3650 days: its last day still fires.
        const char *aspirin = "XB01ACA056A001010106789";
        commit(engine, visit("MZ20161104001", {drug_line("1", aspirin, "阿司匹林肠溶片", day(-3649), 3650)}));
        Reply last_day = check(engine, visit("MZ20261101001", {drug_line("1", aspirin, "阿司匹林肠溶片", day(0), 30)}));
        CHECK(contains(last_day.message("DUP-DRUG"), "lasts until 2026-11-01, 1 days more"));
        CHECK_FALSE(check(engine, visit("MZ20261102001", {drug_line("1", aspirin, "阿司匹林肠溶片", day(1), 30)}))
                        .fired("DUP-DRUG"));
    }
}

TEST_CASE("DUP-DRUG: retraction and re-commit", "[rules][dup][dup-drug]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc earlier = visit("MZ20261116008", {drug_line("1", kMetformin, "二甲双胍片", day(15), 7),
                                          drug_line("2", kAmlodipine, "苯磺酸氨氯地平片", day(15), 7)});
    commit(engine, earlier);
    Doc later = visit("MZ20261120001", {drug_line("1", kMetformin, "二甲双胍片", day(19), 7),
                                        drug_line("2", kAmlodipine, "苯磺酸氨氯地平片", day(19), 7)});
    REQUIRE(check(engine, later).count("DUP-DRUG") == 2);

    SECTION("a retracted earlier prescription") {
        check(engine, R"(<retract encounter="MZ20261116008" items="1"/>)");
        CHECK(finding_attr(check(engine, later), "DUP-DRUG", "items") == "2");
    }
    SECTION("a re-commit with a shorter supply replaces the longer one") {
        earlier.items[0] = drug_line("1", kMetformin, "二甲双胍片", day(15), 3);  // to 11-18
        commit(engine, earlier);
        CHECK(finding_attr(check(engine, later), "DUP-DRUG", "items") == "2");
    }
    SECTION("the encounter's own re-commit is no repeat") {
        CHECK_FALSE(commit(engine, earlier).fired("DUP-DRUG"));
        CHECK(check(engine, later).count("DUP-DRUG") == 2);
    }
}

// ------------------------------------------------- feedback, ids and texts

TEST_CASE("DUP-TEST and DUP-DRUG: an override sticks, an unknown reason code is refused", "[rules][dup][feedback]") {
    Scratch scratch;
    Doc doc = visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                      drug_line("2", kMetformin, "二甲双胍片", day(22), 7)});
    std::string test_id, drug_id;
    {
        Engine engine(scratch.config);
        commit(engine, visit("MZ20261120015", {test_line("1", kCreatinine, "肌酐测定", day(19)),
                                               drug_line("2", kMetformin, "二甲双胍片", day(19), 7)}));
        Reply reply = check(engine, doc);
        test_id = attr(reply.finding("DUP-TEST"), "id");
        drug_id = attr(reply.finding("DUP-DRUG"), "id");
        CHECK(reply.attr("status") == "warning");
        CHECK(reply.root().child("physician").attribute("at-risk").as_int() == 2);
    }
    Engine engine(scratch.config);

    SECTION("override with a reason and a reason code, seen by a later check of another engine") {
        Reply recorded = check(engine, feedback(test_id,
                                                "action=\"override\" reason=\"术后肾功能恶化，需复查\" "
                                                "reason-code=\"condition-changed\""));
        CHECK(recorded.attr("recorded") == "1");
        Reply reply = check(engine, doc);
        auto finding = reply.finding("DUP-TEST");
        CHECK(attr(finding, "id") == test_id);
        CHECK(attr(finding, "overridden") == "true");
        CHECK(attr(finding, "feedback") == "override");
        CHECK(attr(finding, "reason") == "术后肾功能恶化，需复查");
        CHECK(attr(finding, "reason-code") == "condition-changed");
        CHECK(attr(reply.finding("DUP-DRUG"), "overridden") == "false");
        CHECK(reply.root().child("physician").attribute("at-risk").as_int() == 1);
        CHECK(reply.attr("status") == "warning");  // DUP-DRUG still stands

        check(engine, feedback(drug_id, "action=\"override\" reason-code=\"dose-adjusted\""));
        Reply both = check(engine, doc);
        CHECK(attr(both.finding("DUP-DRUG"), "overridden") == "true");
        CHECK(attr(both.finding("DUP-DRUG"), "reason-code") == "dose-adjusted");
        CHECK(both.attr("status") == "pass");
        CHECK(both.root().child("physician").attribute("at-risk").as_int() == 0);
        // In settlement an overridden warning no longer blocks; the commit keeps the override.
        Doc settle = doc;
        settle.mode = "settlement";
        Reply settled = commit(engine, settle);
        CHECK(settled.attr("status") == "pass");
        CHECK(attr(settled.finding("DUP-TEST"), "overridden") == "true");
        Reply again = check(engine, doc);
        CHECK(attr(again.finding("DUP-TEST"), "reason") == "术后肾功能恶化，需复查");
    }
    SECTION("an unknown reason code is refused with an error, and nothing is recorded") {
        Reply refused =
            engine.call(feedback(test_id, "action=\"override\" reason=\"x\" reason-code=\"doctor-knows-best\""));
        INFO(refused.text);
        CHECK(refused.code == MEDLINT_EPARSE);
        CHECK(refused.root_name() == "error");
        CHECK(contains(refused.error(), "reason-code"));
        CHECK(contains(refused.error(), "doctor-knows-best"));
        CHECK(contains(refused.error(), "override_reasons.csv"));
        Reply result = check(engine, doc);
        auto finding = result.finding("DUP-TEST");
        CHECK(attr(finding, "overridden") == "false");
        CHECK(finding.attribute("feedback").empty());
    }
    SECTION("an override without any reason is refused") {
        Reply refused = engine.call(feedback(drug_id, "action=\"override\""));
        CHECK(refused.code == MEDLINT_EPARSE);
        CHECK(contains(refused.error(), "reason"));
        CHECK(finding_attr(check(engine, doc), "DUP-DRUG", "overridden") == "false");
    }
}

TEST_CASE("DUP-TEST and DUP-DRUG finding ids are stable across rechecks", "[rules][dup][ids]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc = visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                      drug_line("2", kMetformin, "二甲双胍片", day(22), 7)});
    commit(engine, visit("MZ20261120015", {test_line("1", kCreatinine, "肌酐测定", day(19)),
                                           drug_line("2", kMetformin, "二甲双胍片", day(19), 7)}));
    Reply first = check(engine, doc);
    std::string test_id = attr(first.finding("DUP-TEST"), "id"), drug_id = attr(first.finding("DUP-DRUG"), "id");
    CHECK(test_id != drug_id);

    SECTION("again, in another mode and language, with the lines in another order") {
        Doc other = doc;
        other.mode = "preaudit";
        other.lang = "zh";
        std::swap(other.items[0], other.items[1]);
        Reply again = check(engine, other);
        CHECK(attr(again.finding("DUP-TEST"), "id") == test_id);
        CHECK(attr(again.finding("DUP-DRUG"), "id") == drug_id);
    }
    SECTION("when the earlier order it names changes") {
        commit(engine, visit("MZ20261122003", {test_line("1", kCreatinine, "肌酐测定", day(21)),
                                               drug_line("2", kMetformin, "二甲双胍片", day(21), 7)}));
        Reply again = check(engine, doc);
        CHECK(contains(again.finding("DUP-TEST").child_value("evidence"), "MZ20261122003"));
        CHECK(attr(again.finding("DUP-TEST"), "id") == test_id);
        CHECK(attr(again.finding("DUP-DRUG"), "id") == drug_id);
    }
    SECTION("another encounter of the repeat gives other ids") {
        Doc other = doc;
        other.encounter = "MZ20261123009";
        Reply again = check(engine, other);
        CHECK(attr(again.finding("DUP-TEST"), "id") != test_id);
        CHECK(attr(again.finding("DUP-DRUG"), "id") != drug_id);
    }
}

TEST_CASE("DUP-TEST and DUP-DRUG texts in zh and en: at most 140 characters, with a suggestion",
          "[rules][dup][texts]") {
    Scratch scratch;
    Engine engine(scratch.config);
    commit(engine, visit("MZ20261120015", {test_line("1", kCreatinine, "肌酐测定", day(19)),
                                           test_line("2", kBloodCount, "血细胞分析（血常规）", day(21)),
                                           drug_line("3", kMetformin, "二甲双胍片", day(19), 7)}));
    // Every variant: same-code and same-group tests, same-code and same-generic drugs.
    Doc doc = visit("MZ20261123001", {test_line("1", kCreatinine, "肌酐测定", day(22)),
                                      test_line("2", kHaemoglobin, "血红蛋白测定", day(22)),
                                      drug_line("3", kMetformin, "二甲双胍片", day(22), 7),
                                      drug_line("4", kMetforminXr, "二甲双胍缓释片", day(22), 7)});
    for (const char *lang : {"zh", "en"}) {
        INFO("lang " << lang);
        doc.lang = lang;
        Reply reply = check(engine, doc);
        auto findings = reply.findings();
        REQUIRE(reply.findings("DUP-TEST").size() == 2);
        REQUIRE(reply.findings("DUP-DRUG").size() == 2);
        std::set<std::string> certainties;
        for (auto finding : findings) {
            std::string message = finding.child_value("message");
            INFO(message);
            CHECK(!message.empty());
            CHECK(characters(message) <= 140);
            CHECK(!std::string(finding.child_value("evidence")).empty());
            CHECK(!std::string(finding.child_value("suggestion")).empty());
            CHECK(!std::string(finding.child_value("basis")).empty());
            CHECK(attr(finding.child("suggestion"), "action") == "remove");
            certainties.insert(attr(finding, "rule") + " " + attr(finding, "certainty"));
            // No placeholder left unfilled.
            for (const char *part : {"message", "evidence", "suggestion"})
                CHECK_FALSE(contains(finding.child_value(part), "{"));
            bool chinese = contains(message, "重复");
            CHECK(chinese == (std::string(lang) == "zh"));
        }
        CHECK(certainties == std::set<std::string>{"DUP-DRUG definite", "DUP-DRUG suspected", "DUP-TEST definite",
                                                   "DUP-TEST suspected"});
    }
    doc.lang = "zh";
    Reply zh = check(engine, doc);
    CHECK(std::string(zh.findings("DUP-TEST")[0].child_value("message")) ==
          "肌酐测定 已于 2026-11-20 检查（MZ20261120015），相隔 3 天，在 7 天复查间隔内，属重复检查");
    CHECK(std::string(zh.findings("DUP-DRUG")[0].child_value("message")) ==
          "二甲双胍片 已于 2026-11-20 开具 7 天（MZ20261120015），可用至 2026-11-26，尚余 4 天，属重复开药");
}
