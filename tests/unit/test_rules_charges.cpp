// The rules fed by the national pack's tables of their own: DUP-CHARGE
// (charge_pairs.csv) and LIMIT-FREQUENCY (service_frequencies.csv), on real
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
        Doc other = test::for_another_patient(visit("MZ20261123009", {glucose_line("1")}));
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

namespace {

// KP-ea234a45c82f34d5 (医疗服务项目限定频次, batch 8): 普通病房床位费, 日: at most 1 a day.
const char *const kBed = "001109000010000";
// KP-0db951ad2405e179: 心电监测, 小时: billed by the hour, at most 24 a day.
const char *const kMonitoring = "003107010220000";
// KP-181abab50230ad8c (医疗服务项目周期超频次): 康复评定, 两次评定间隔时间不短于14天.
const char *const kRehabAssessment = "003402000390000";
// KP-c0af10da87f452bc: 儿童听力障碍语言训练, 每周最多支付一次.
const char *const kHearingTraining = "003402000350000";

std::string billed(const std::string &id, const char *code, const std::string &name, const std::string &quantity,
                   const std::string &date = "2026-11-23", int days = 0) {
    return item(id, "service", code, name, date, days, " quantity=\"" + quantity + "\"");
}
std::string bed(const std::string &id, const std::string &quantity, const std::string &date = "2026-11-23",
                int days = 0) {
    return billed(id, kBed, "普通病房床位费", quantity, date, days);
}
std::string assessment(const std::string &id, const std::string &date) {
    return billed(id, kRehabAssessment, "康复评定", "1", date);
}

// A stay from 2026-11-14, still running.
Doc stay(const std::string &encounter, std::vector<std::string> items) {
    Doc doc = visit(encounter, std::move(items));
    doc.type = "inpatient";
    doc.admitted = "2026-11-14";
    return doc;
}

}  // namespace

TEST_CASE("LIMIT-FREQUENCY: a clean document does not fire it", "[rules][LIMIT-FREQUENCY]") {
    Scratch scratch;
    Engine engine(scratch.config);
    CHECK_FALSE(check(engine, Doc{}.str()).fired("LIMIT-FREQUENCY"));
    CHECK_FALSE(check(engine, stay("ZY20261114001", {bed("1", "1"), bed("2", "1", "2026-11-24")})).fired("LIMIT-FREQUENCY"));
}

TEST_CASE("LIMIT-FREQUENCY a day: the quantities of one day add up", "[rules][LIMIT-FREQUENCY]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("two bed days billed on one day, on one line") {
        Reply reply = check(engine, stay("ZY20261114001", {bed("1", "2")}));
        CHECK(reply.rules() == std::vector<std::string>{"LIMIT-FREQUENCY"});
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(attr(finding, "items") == "1");
        CHECK(attr(finding, "points") == "1");
        CHECK(contains(finding.child_value("message"), "普通病房床位费 billed 2 on 2026-11-23, beyond the limit of 1 a day"));
        std::string evidence = finding.child_value("evidence");
        CHECK(contains(evidence, "ZY20261114001 #1 2026-11-23 ×2"));
        CHECK(contains(evidence, "KP-ea234a45c82f34d5 (batch 8): 日"));
        CHECK(std::string(finding.child("basis").next_sibling("basis").attribute("kp").value()) == "KP-ea234a45c82f34d5");
        CHECK(std::string(finding.child("suggestion").attribute("action").value()) == "reduce-quantity");
    }
    SECTION("on two lines of one day: the finding is on the second and names both") {
        Reply reply = check(engine, stay("ZY20261114001", {bed("1", "1"), bed("2", "1")}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(attr(finding, "items") == "1 2");
        CHECK(contains(finding.child_value("evidence"), "#1 2026-11-23 ×1, ZY20261114001 #2 2026-11-23 ×1"));
    }
    SECTION("zh texts") {
        Doc doc = stay("ZY20261114001", {bed("1", "2")});
        doc.lang = "zh";
        CHECK(contains(check(engine, doc).message("LIMIT-FREQUENCY"), "普通病房床位费 在 2026-11-23 共计 2，超过每日限定的 1"));
    }
    SECTION("a line with days spreads its quantity: 3 over 3 days is 1 a day, 4 is not") {
        CHECK_FALSE(check(engine, stay("ZY20261114001", {bed("1", "3", "2026-11-20", 3)})).fired("LIMIT-FREQUENCY"));
        Reply reply = check(engine, stay("ZY20261114001", {bed("1", "4", "2026-11-20", 3)}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(contains(finding.child_value("message"), "billed 1.33 on 2026-11-20"));
    }
    SECTION("a line of several days and a line on one of them") {
        Reply reply = check(engine, stay("ZY20261114001", {bed("1", "3", "2026-11-20", 3), bed("2", "1", "2026-11-22")}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(attr(finding, "items") == "1 2");
        CHECK(contains(finding.child_value("message"), "billed 2 on 2026-11-22"));
        CHECK_FALSE(check(engine, stay("ZY20261114001", {bed("1", "3", "2026-11-20", 3), bed("2", "1", "2026-11-23")}))
                        .fired("LIMIT-FREQUENCY"));
    }
    SECTION("by the hour: 24 hours of monitoring a day, not 25") {
        auto monitoring = [](const std::string &id, const std::string &hours) {
            return billed(id, kMonitoring, "心电监测", hours);
        };
        CHECK_FALSE(check(engine, stay("ZY20261114001", {monitoring("1", "24")})).fired("LIMIT-FREQUENCY"));
        CHECK_FALSE(check(engine, stay("ZY20261114001", {monitoring("1", "12"), monitoring("2", "12")}))
                        .fired("LIMIT-FREQUENCY"));
        Reply reply = check(engine, stay("ZY20261114001", {monitoring("1", "12"), monitoring("2", "12.5")}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(attr(finding, "items") == "1 2");
        CHECK(contains(finding.child_value("message"), "心电监测 billed 24.5 on 2026-11-23, beyond the limit of 24 a day"));
    }
}

TEST_CASE("LIMIT-FREQUENCY in a period of days running", "[rules][LIMIT-FREQUENCY]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("a rehabilitation assessment 13 days after the last, in one document") {
        Reply reply = check(engine, stay("ZY20261114001", {assessment("1", "2026-11-01"), assessment("2", "2026-11-14")}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(attr(finding, "items") == "1 2");
        CHECK(contains(finding.child_value("message"),
                       "康复评定 billed 2 in the 14 days from 2026-11-01 to 2026-11-14, beyond the limit of 1"));
        CHECK(contains(finding.child_value("evidence"), "KP-181abab50230ad8c (batch 8): 两次评定间隔时间不短于14天"));
    }
    SECTION("14 days after it, the interval has passed") {
        CHECK_FALSE(check(engine, stay("ZY20261114001", {assessment("1", "2026-11-01"), assessment("2", "2026-11-15")}))
                        .fired("LIMIT-FREQUENCY"));
    }
    SECTION("weekly hearing training: 6 days apart is twice in a week, 7 days apart is not") {
        auto training = [](const std::string &id, const std::string &date) {
            return billed(id, kHearingTraining, "儿童听力障碍语言训练", "1", date);
        };
        Reply reply = check(engine, visit("MZ20261123001", {training("1", "2026-11-17"), training("2", "2026-11-23")}));
        CHECK(contains(reply.message("LIMIT-FREQUENCY"), "in the 7 days from 2026-11-17 to 2026-11-23"));
        CHECK_FALSE(check(engine, visit("MZ20261123001", {training("1", "2026-11-16"), training("2", "2026-11-23")}))
                        .fired("LIMIT-FREQUENCY"));
    }
}

TEST_CASE("LIMIT-FREQUENCY against committed history", "[rules][LIMIT-FREQUENCY]") {
    Scratch scratch;
    Engine engine(scratch.config);
    REQUIRE(commit(engine, visit("MZ20261110001", {assessment("1", "2026-11-10")})).attr("committed") == "1");
    REQUIRE(commit(engine, stay("ZY20261114001", {bed("1", "10", "2026-11-14", 10)})).attr("committed") == "1");

    SECTION("an assessment at another visit 10 days later: only the new line, the earlier one counted") {
        Reply reply = check(engine, visit("MZ20261120001", {assessment("1", "2026-11-20")}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(attr(finding, "items") == "1");
        CHECK(contains(finding.child_value("evidence"), "MZ20261110001 #1 2026-11-10 ×1, MZ20261120001 #1 2026-11-20 ×1"));
    }
    SECTION("24 days later it is paid again") {
        CHECK_FALSE(check(engine, visit("MZ20261204001", {assessment("1", "2026-12-04")})).fired("LIMIT-FREQUENCY"));
    }
    SECTION("another patient is not this one") {
        Doc other = test::for_another_patient(visit("MZ20261120001", {assessment("1", "2026-11-20")}));
        CHECK_FALSE(check(engine, other).fired("LIMIT-FREQUENCY"));
    }
    SECTION("a retracted assessment no longer counts") {
        check(engine, std::string("<retract encounter=\"MZ20261110001\"/>"));
        CHECK_FALSE(check(engine, visit("MZ20261120001", {assessment("1", "2026-11-20")})).fired("LIMIT-FREQUENCY"));
    }
    SECTION("a committed line of 10 bed days covers 2026-11-20: a bed billed elsewhere that day is a second") {
        Reply reply = check(engine, stay("ZY20261120009", {bed("1", "1", "2026-11-20")}));
        auto finding = reply.finding("LIMIT-FREQUENCY");
        CHECK(contains(finding.child_value("evidence"), "ZY20261114001 #1 2026-11-14 ×1, ZY20261120009 #1 2026-11-20 ×1"));
        CHECK_FALSE(check(engine, stay("ZY20261124009", {bed("1", "1", "2026-11-24")})).fired("LIMIT-FREQUENCY"));
    }
    SECTION("re-committing the stay replaces its rows: nothing is counted twice") {
        CHECK_FALSE(commit(engine, stay("ZY20261114001", {bed("1", "10", "2026-11-14", 10)})).fired("LIMIT-FREQUENCY"));
    }
}

TEST_CASE("LIMIT-FREQUENCY on the national pack's limits", "[rules][LIMIT-FREQUENCY][national]") {
    NationalScratch scratch;
    Engine engine(scratch.config);
    // KP-95bd9a1c6b12d7d5: 呼吸机辅助呼吸, 小时.
    auto ventilation = [](const std::string &id, const std::string &hours, const std::string &date) {
        return item(id, "treatment", "003106030010000", "呼吸机辅助呼吸", date, 0, " quantity=\"" + hours + "\"");
    };
    Reply reply = check(engine, stay("ZY20261114001", {ventilation("1", "20", "2026-11-22"), ventilation("2", "20", "2026-11-22")}));
    auto finding = reply.finding("LIMIT-FREQUENCY");
    CHECK(contains(finding.child_value("message"), "billed 40 on 2026-11-22, beyond the limit of 24 a day"));
    CHECK(contains(finding.child_value("evidence"), "KP-95bd9a1c6b12d7d5 (batch 8): 小时"));
    CHECK_FALSE(check(engine, stay("ZY20261114001", {ventilation("1", "20", "2026-11-22"), ventilation("2", "20", "2026-11-23")}))
                    .fired("LIMIT-FREQUENCY"));

    SECTION("a balance test (KP-a99c6cfab5d611ab) twice within 14 days") {
        auto balance = [](const std::string &id, const std::string &date) {
            return item(id, "exam", "003104010220000", "平衡试验", date);
        };
        CHECK(check(engine, visit("MZ20261123001", {balance("1", "2026-11-12"), balance("2", "2026-11-23")}))
                  .fired("LIMIT-FREQUENCY"));
        CHECK_FALSE(check(engine, visit("MZ20261123001", {balance("1", "2026-11-09"), balance("2", "2026-11-23")}))
                        .fired("LIMIT-FREQUENCY"));
    }
    SECTION("glycated haemoglobin has no row: its text gives no number (left for curation)") {
        CHECK_FALSE(check(engine, visit("MZ20261123001", {item("1", "test", "002503020030000", "糖化血红蛋白测定"),
                                                          item("2", "test", "002503020030000", "糖化血红蛋白测定")}))
                        .fired("LIMIT-FREQUENCY"));
    }
}
