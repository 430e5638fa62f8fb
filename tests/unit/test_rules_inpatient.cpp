// Inpatient-record checks: DATE-OUTSIDE-STAY (items dated outside the stay),
// SPLIT-ADMISSION (a readmission soon after a discharge with the same primary
// diagnosis, against committed history) and BED-IDLE (runs of days billing no
// care), each at its boundary, with its exemptions and a hospital pack's
// override; and which rules each mode runs.
#include <algorithm>
#include <map>

#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::item;
using test::Reply;
using test::Scratch;
using test::use_packs;
using test::write_pack;

#ifndef MEDLINT_DEFAULT_PACK
#error "MEDLINT_DEFAULT_PACK must name rules/default (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

std::string bed(const std::string &id, const std::string &date) {
    return item(id, "service", "001109000010000", "普通病房床位费", date);
}
std::string infusion(const std::string &id, const std::string &date) {
    return item(id, "treatment", "001204000010000", "静脉输液", date);
}

// 2026-11-DD
std::string nov(int day) { return "2026-11-" + std::string(day < 10 ? "0" : "") + std::to_string(day); }

// An inpatient stay at the default institution with a primary diagnosis.
Doc stay(const std::string &encounter, const std::string &admitted, const std::string &discharged,
         const std::string &diagnosis = "E11.900") {
    Doc doc;
    doc.mode = "preaudit";
    doc.type = "inpatient";
    doc.encounter = encounter;
    doc.admitted = admitted;
    doc.discharged = discharged;
    doc.diagnoses = {"<diagnosis code=\"" + diagnosis + "\" name=\"主要诊断\" primary=\"true\"/>"};
    doc.items = {infusion("1", admitted)};
    return doc;
}

// Daily care from `first` to `last` of November, except bed-only days in `idle`.
std::vector<std::string> days_of_care(int first, int last, std::set<int> idle) {
    std::vector<std::string> items;
    for (int day = first; day <= last; ++day) {
        items.push_back(bed("b" + std::to_string(day), nov(day)));
        if (!idle.count(day)) items.push_back(infusion("t" + std::to_string(day), nov(day)));
    }
    return items;
}

}  // namespace

TEST_CASE("DATE-OUTSIDE-STAY: an inpatient item dated before admission or after discharge", "[rules][inpatient]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc = stay("ZY20261110001", nov(10), nov(20));

    SECTION("the day before admission and the day after discharge fire; both ends of the stay pass") {
        doc.items = {infusion("1", nov(9)), infusion("2", nov(10)), infusion("3", nov(20)), infusion("4", nov(21))};
        Reply reply = check(engine, doc);
        auto findings = reply.findings("DATE-OUTSIDE-STAY");
        REQUIRE(findings.size() == 2);
        CHECK(attr(findings[0], "items") == "1");
        CHECK(attr(findings[1], "items") == "4");
        CHECK(attr(findings[0], "severity") == "warning");
        CHECK(attr(findings[0], "points") == "6");
        CHECK(attr(findings[0].child("suggestion"), "action") == "correct-date");
        CHECK(findings[0].child_value("message") ==
              std::string("静脉输液 is billed on 2026-11-09, before the admission on 2026-11-10: it is not part of this stay"));
        CHECK(findings[1].child_value("message") ==
              std::string("静脉输液 is billed on 2026-11-21, after the discharge on 2026-11-20: it is not part of this stay"));
    }
    SECTION("a stay not yet discharged has no end") {
        doc.discharged = "";
        doc.items = {infusion("1", "2026-12-31")};
        CHECK_FALSE(check(engine, doc).fired("DATE-OUTSIDE-STAY"));
    }
    SECTION("exempt: outpatient and emergency encounters, whatever their dates") {
        Doc visit;
        visit.items = {infusion("1", nov(1))};
        CHECK_FALSE(check(engine, visit).fired("DATE-OUTSIDE-STAY"));
    }
    SECTION("runs at order entry") {
        doc.mode = "prescribing";
        doc.items = {infusion("1", nov(21))};
        CHECK(check(engine, doc).fired("DATE-OUTSIDE-STAY"));
    }
}

TEST_CASE("SPLIT-ADMISSION: a readmission soon after a discharge with the same primary diagnosis",
          "[rules][inpatient]") {
    Scratch scratch;
    Engine engine(scratch.config);
    engine.ok(stay("ZY20261001001", "2026-10-01", "2026-10-10").commit().str());
    auto readmission = [](const std::string &admitted, const std::string &diagnosis = "E11.100") {
        Doc doc = stay("ZY-NEW", admitted, "", diagnosis);
        return doc;
    };

    SECTION("the 15th day after discharge fires, the 16th does not") {
        Reply reply = check(engine, readmission("2026-10-25"));
        auto finding = reply.finding("SPLIT-ADMISSION");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(attr(finding, "items") == "");
        CHECK(attr(finding, "points") == "3");
        CHECK(reply.message("SPLIT-ADMISSION") ==
              "The patient left this hospital on 2026-10-10 (ZY20261001001, E11.900) and is readmitted 15 days later "
              "with a primary diagnosis of the same category, E11.100: a split stay is suspected");
        CHECK(contains(finding.child_value("evidence"), "primary diagnosis E11.900, ended 2026-10-10"));
        CHECK_FALSE(check(engine, readmission("2026-10-26")).fired("SPLIT-ADMISSION"));
    }
    SECTION("a readmission on the day of discharge fires") {
        CHECK(contains(check(engine, readmission("2026-10-10")).message("SPLIT-ADMISSION"), "readmitted 0 days later"));
    }
    SECTION("the diagnosis is compared by its ICD-10 category, dots and case aside") {
        CHECK(check(engine, readmission("2026-10-20", "e11")).fired("SPLIT-ADMISSION"));
        CHECK_FALSE(check(engine, readmission("2026-10-20", "I10.x00")).fired("SPLIT-ADMISSION"));
        CHECK_FALSE(check(engine, readmission("2026-10-20", "E10.900")).fired("SPLIT-ADMISSION"));
    }
    SECTION("the primary diagnosis counts, not the others") {
        Doc doc = readmission("2026-10-20", "I10.x00");
        doc.diagnoses.push_back(R"(<diagnosis code="E11.900" name="2型糖尿病"/>)");
        CHECK_FALSE(check(engine, doc).fired("SPLIT-ADMISSION"));
    }
    SECTION("of several earlier stays, the latest discharge is named") {
        engine.ok(stay("ZY20261012001", "2026-10-12", "2026-10-18").commit().str());
        CHECK(contains(check(engine, readmission("2026-10-20")).message("SPLIT-ADMISSION"), "on 2026-10-18 (ZY20261012001,"));
    }
    SECTION("exempt: another institution's stay (a transfer), and planned cycles") {
        Doc elsewhere = readmission("2026-10-20");
        elsewhere.institution = "H52270100002";
        CHECK_FALSE(check(engine, elsewhere).fired("SPLIT-ADMISSION"));

        engine.ok(stay("ZY20261101001", "2026-11-01", "2026-11-05", "Z51.100").commit().str());
        CHECK_FALSE(check(engine, readmission("2026-11-19", "Z51.100")).fired("SPLIT-ADMISSION"));
        engine.ok(stay("ZY20261106001", "2026-11-06", "2026-11-07", "Z49.101").commit().str());
        CHECK_FALSE(check(engine, readmission("2026-11-08", "Z49.101")).fired("SPLIT-ADMISSION"));
        // After a chemotherapy cycle, other planned care of the same category (Z51.8) is exempt too.
        engine.ok(stay("ZY20261110001", "2026-11-10", "2026-11-12", "Z51.100").commit().str());
        CHECK_FALSE(check(engine, readmission("2026-11-20", "Z51.800")).fired("SPLIT-ADMISSION"));
    }
    SECTION("exempt: an earlier stay not yet discharged (that is ID-CONCURRENT's), and the stay itself") {
        engine.ok(stay("ZY20261015001", "2026-10-15", "").commit().str());
        Reply reply = check(engine, readmission("2026-10-16"));
        CHECK(reply.count("SPLIT-ADMISSION") == 1);
        CHECK(contains(reply.message("SPLIT-ADMISSION"), "(ZY20261001001,"));
        Doc again = stay("ZY20261001001", "2026-10-01", "2026-10-10");
        CHECK_FALSE(check(engine, again).fired("SPLIT-ADMISSION"));
    }
    SECTION("only in preaudit and settlement, where it blocks until resolved") {
        Doc doc = readmission("2026-10-20");
        doc.mode = "prescribing";
        CHECK_FALSE(check(engine, doc).fired("SPLIT-ADMISSION"));
        doc.mode = "settlement";
        Reply blocked = check(engine, doc);
        CHECK(attr(blocked.finding("SPLIT-ADMISSION"), "severity") == "block");
        std::string id = attr(blocked.finding("SPLIT-ADMISSION"), "id");
        engine.ok("<feedback physician=\"D522701000123\" time=\"2026-10-20T10:00:00+08:00\"><finding id=\"" + id +
                  "\" action=\"override\" reason-code=\"condition-changed\" reason=\"酮症酸中毒，新发急症\"/></feedback>");
        Reply resolved = check(engine, doc);
        CHECK(attr(resolved.finding("SPLIT-ADMISSION"), "overridden") == "true");
        CHECK(resolved.attr("status") == "pass");
    }
}

TEST_CASE("SPLIT-ADMISSION: a hospital pack's window, depth and planned cycles", "[rules][inpatient][packs]") {
    Scratch scratch;
    auto with_limits = [&](const std::string &limits, const std::string &code_sets = "set,code\n") {
        write_pack(scratch, "hospital",
                   {{"pack.xml", "<pack id=\"hospital\" version=\"1\"/>"},
                    {"limits.csv", "limit,value\n" + limits},
                    {"code_sets.csv", code_sets}});
        use_packs(scratch, {MEDLINT_DEFAULT_PACK, "hospital"});
    };
    auto fires = [&](const std::string &admitted, const std::string &diagnosis = "E11.100") {
        Engine engine(scratch.config);
        engine.ok(stay("ZY20261001001", "2026-10-01", "2026-10-10").commit().str());
        Reply reply = check(engine, stay("ZY-NEW", admitted, "", diagnosis));
        return reply.fired("SPLIT-ADMISSION");
    };

    SECTION("a window of 7 days") {
        with_limits("split_admission_days,7\n");
        CHECK(fires("2026-10-17"));
        CHECK_FALSE(fires("2026-10-18"));
    }
    SECTION("a window of 31 days") {
        with_limits("split_admission_days,31\n");
        CHECK(fires("2026-11-10"));
        CHECK_FALSE(fires("2026-11-11"));
    }
    SECTION("compared to 4 characters, E11.9 and E11.1 differ") {
        with_limits("split_admission_diagnosis_depth,4\n");
        CHECK_FALSE(fires("2026-10-20", "E11.100"));
        CHECK(fires("2026-10-20", "E11.901"));
    }
    SECTION("a planned cycle of the hospital's own") {
        with_limits("", "set,code,name\nplanned_cycle,E11,糖尿病强化治疗周期\n");
        CHECK_FALSE(fires("2026-10-20"));
    }
}

TEST_CASE("BED-IDLE: a run of days billing no treatment, drug, test or exam", "[rules][inpatient]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc = stay("ZY20261101001", nov(1), nov(20));

    SECTION("a 2-day run passes, a 3-day run fires and lists its bed lines") {
        doc.items = days_of_care(1, 19, {5, 6, 10, 11, 12});
        Reply reply = check(engine, doc);
        auto finding = reply.finding("BED-IDLE");
        CHECK(attr(finding, "items") == "b10 b11 b12");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "certainty") == "suspected");
        CHECK(attr(finding, "points") == "3");
        CHECK(attr(finding.child("suggestion"), "action") == "review-stay");
        CHECK(reply.message("BED-IDLE") ==
              "From 2026-11-10 to 2026-11-12, 3 days running, the stay bills no treatment, drug, test or exam: the bed "
              "may be held without care");
    }
    SECTION("two runs are two findings, with their own ids") {
        doc.items = days_of_care(1, 19, {3, 4, 5, 10, 11, 12, 13});
        Reply reply = check(engine, doc);
        auto findings = reply.findings("BED-IDLE");
        REQUIRE(findings.size() == 2);
        CHECK(contains(findings[1].child_value("message"), "From 2026-11-10 to 2026-11-13, 4 days"));
        CHECK(attr(findings[0], "id") != attr(findings[1], "id"));
    }
    SECTION("nursing billed as a treatment is a stay charge, not care") {
        doc.items = days_of_care(1, 19, {});
        for (int day : {7, 8, 9}) {
            auto at = std::find(doc.items.begin(), doc.items.end(), infusion("t" + std::to_string(day), nov(day)));
            *at = item("n" + std::to_string(day), "treatment", "001201000030000", "一级护理", nov(day));
        }
        Reply reply = check(engine, doc);
        CHECK(attr(reply.finding("BED-IDLE"), "items") == "b7 n7 b8 n8 b9 n9");
        // 001103000010000 is emergency monitoring (急诊监护费) in the national codes, not a bed charge: care.
        doc.items.push_back(item("m8", "treatment", "001103000010000", "急诊监护费", nov(8)));
        CHECK_FALSE(check(engine, doc).fired("BED-IDLE"));
    }
    SECTION("a drug, a test or an exam is care; a day billing nothing ends a run") {
        doc.items = days_of_care(1, 19, {5, 6, 7, 8});
        doc.items.push_back(item("d6", "drug", "XA10BAA002A001010101445", "二甲双胍片", nov(6)));
        CHECK_FALSE(check(engine, doc).fired("BED-IDLE"));
        doc.items = days_of_care(1, 19, {5, 6, 8, 9});
        doc.items.erase(std::find(doc.items.begin(), doc.items.end(), infusion("t7", nov(7))));
        doc.items.erase(std::find(doc.items.begin(), doc.items.end(), bed("b7", nov(7))));
        CHECK_FALSE(check(engine, doc).fired("BED-IDLE"));
    }
    SECTION("the discharge day is not a bed day") {
        doc.items = days_of_care(1, 20, {18, 19, 20});
        CHECK_FALSE(check(engine, doc).fired("BED-IDLE"));
        doc.items = days_of_care(1, 20, {17, 18, 19, 20});
        CHECK(contains(check(engine, doc).message("BED-IDLE"), "From 2026-11-17 to 2026-11-19, 3 days"));
    }
    SECTION("a stay committed day by day: the earlier days count") {
        Doc first_days = stay("ZY20261101001", nov(1), "");
        first_days.items = days_of_care(1, 4, {3, 4});
        engine.ok(first_days.commit().str());
        Doc today = stay("ZY20261101001", nov(1), "");
        today.items = days_of_care(5, 5, {5});
        Reply reply = check(engine, today);
        CHECK(attr(reply.finding("BED-IDLE"), "items") == "b5");
        CHECK(contains(reply.message("BED-IDLE"), "From 2026-11-03 to 2026-11-05"));
        // The document's own lines replace the committed ones with the same ids.
        today.items = days_of_care(3, 5, {5});
        CHECK_FALSE(check(engine, today).fired("BED-IDLE"));
    }
    SECTION("only in preaudit and settlement") {
        doc.items = days_of_care(1, 19, {10, 11, 12});
        doc.mode = "prescribing";
        CHECK_FALSE(check(engine, doc).fired("BED-IDLE"));
        doc.mode = "settlement";
        CHECK(check(engine, doc).attr("status") == "block");
    }
    SECTION("exempt: outpatient encounters") {
        Doc visit;
        visit.items = {bed("1", nov(1)), bed("2", nov(2)), bed("3", nov(3))};
        visit.mode = "preaudit";
        CHECK_FALSE(check(engine, visit).fired("BED-IDLE"));
    }
}

TEST_CASE("BED-IDLE: a hospital pack's threshold and stay charges", "[rules][inpatient][packs]") {
    Scratch scratch;
    write_pack(scratch, "hospital",
               {{"pack.xml", "<pack id=\"hospital\" version=\"1\"/>"},
                {"limits.csv", "limit,value\nbed_idle_days,2\n"},
                {"code_sets.csv", "set,code,name\nstay_charge,001204,输液（本院按护理计）\n"}});
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, "hospital"});
    Engine engine(scratch.config);
    Doc doc = stay("ZY20261101001", nov(1), nov(20));

    SECTION("a 2-day run fires") {
        doc.items.clear();
        for (int day = 1; day <= 19; ++day) {
            doc.items.push_back(bed("b" + std::to_string(day), nov(day)));
            if (day != 5 && day != 6)
                doc.items.push_back(item("d" + std::to_string(day), "drug", "XA10BAA002A001010101445", "二甲双胍片", nov(day)));
        }
        Reply reply = check(engine, doc);
        CHECK(attr(reply.finding("BED-IDLE"), "items") == "b5 b6");
    }
    SECTION("its own stay charges: infusions alone are idle days") {
        doc.items = days_of_care(1, 19, {});
        CHECK(check(engine, doc).fired("BED-IDLE"));
    }
}

TEST_CASE("modes: prescribing runs the item-level rules, preaudit and settlement all of them", "[rules][modes]") {
    Scratch scratch;
    Engine engine(scratch.config);
    engine.ok(stay("ZY20261001001", "2026-10-01", "2026-10-10").commit().str());
    Doc doc = stay("ZY20261015001", "2026-10-15", "2026-10-25");
    doc.items = {infusion("1", "2026-10-14"), bed("2", "2026-10-16"), bed("3", "2026-10-17"), bed("4", "2026-10-18"),
                 item("5", "drug", "XJ01CAA040E001010101234", "阿莫西林胶囊", "2026-10-15")};
    doc.items.back().insert(doc.items.back().size() - 2, " days=\"10\" discharge-medication=\"true\"");

    std::map<std::string, std::set<std::string>> fired;
    for (const char *mode : {"prescribing", "preaudit", "settlement"}) {
        doc.mode = mode;
        Reply reply = check(engine, doc);
        for (const auto &rule : reply.rules()) fired[mode].insert(rule);
    }
    CHECK(fired["prescribing"] == std::set<std::string>{"DATE-OUTSIDE-STAY", "LIMIT-DAYS"});
    CHECK(fired["preaudit"] == std::set<std::string>{"DATE-OUTSIDE-STAY", "LIMIT-DAYS", "SPLIT-ADMISSION", "BED-IDLE"});
    CHECK(fired["settlement"] == fired["preaudit"]);
}
