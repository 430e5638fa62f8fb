// Physician points under each policy profile, scenario by scenario (issue 4):
// every threshold on its boundary and just below it, bonus and repair and
// their limits, reversals after appeal, the consecutive-year rules, the
// Qiannan blacklist, the year-end reset, working-day appeal deadlines across
// holidays, recorded sanctions, idempotent imports, points across
// institutions, the <physician> element and threshold messages of check
// results, and PHYSICIAN-SUSPENDED.
//
// Every expected value is worked out by hand from the seed texts in
// shared/seeds (000 Fengtai, 001 national 2024, 003 Qiannan 2023), whose
// clause each scenario cites; the profile is chosen in the configuration file
// (<policy profile="…"/>, contract section 3).  Where a policy gives a range
// (1-6 months, 1-5 years) the shortest is expected, as rules/default/README.md says.
#include <filesystem>
#include <map>

#include "support.hpp"

using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;
using test::store_int;
using test::write_file;
using test_files::ends_with;

namespace {

const std::string kDoctor = "D522701000123";     // the physician whose points the scenarios follow
const std::string kColleague = "D522701000456";  // another physician of the same hospital, in good standing

std::string deduction(const std::string &notice, const std::string &date, int points,
                      const std::string &physician = kDoctor, const std::string &extra = "") {
    return "<deduction physician=\"" + physician + "\" date=\"" + date + "\" points=\"" + std::to_string(points) +
           "\" notice=\"" + notice + "\"" + extra + " violation=\"违规\"/>";
}
std::string bonus(const std::string &notice, const std::string &date, int points) {
    return "<bonus physician=\"" + kDoctor + "\" date=\"" + date + "\" points=\"" + std::to_string(points) +
           "\" notice=\"" + notice + "\" reason=\"合理化建议被采纳\"/>";
}
std::string repair(const std::string &notice, const std::string &date, int points = 1) {
    return "<repair physician=\"" + kDoctor + "\" date=\"" + date + "\" points=\"" + std::to_string(points) +
           "\" notice=\"" + notice + "\" reason=\"医保政策培训\"/>";
}
std::string reversal(const std::string &notice, const std::string &date) {
    return "<reversal notice=\"" + notice + "\" date=\"" + date + "\"/>";
}
std::string sanction(const std::string &kind, const std::string &from, const std::string &to,
                     const std::string &notice) {
    return "<sanction physician=\"" + kDoctor + "\" kind=\"" + kind + "\" from=\"" + from + "\" to=\"" + to +
           "\" notice=\"" + notice + "\"/>";
}

// The points and standing of a <physician-status-result> or a check's
// <physician>, on one line: "year=2026 deducted=9 bonus=0 remaining=3
// suspended until 2026-07-14".
std::string summary(pugi::xml_node node) {
    std::string out = std::string("year=") + node.attribute("year").value() +
                      " deducted=" + node.attribute("deducted").value() + " bonus=" + node.attribute("bonus").value() +
                      " remaining=" + node.attribute("remaining").value() + " " + node.attribute("standing").value();
    std::string until = node.attribute("until").value();
    return until.empty() ? out : out + " until " + until;
}

// An engine under one policy profile, on a store of its own.
struct Physicians {
    Scratch scratch;
    Engine engine;

    explicit Physicians(const std::string &profile) : scratch(profile), engine(scratch.config) {}

    Reply import(const std::vector<std::string> &entries) const {
        std::string ledger = "<ledger>\n";
        for (const auto &entry : entries) ledger += "  " + entry + "\n";
        return engine.ok(ledger + "</ledger>\n");
    }
    Reply status(const std::string &date, const std::string &code = kDoctor) const {
        return engine.ok("<physician-status code=\"" + code + "\" date=\"" + date + "\"/>");
    }
    std::string standing(const std::string &date) const {
        Reply reply = status(date);
        return summary(reply.root());
    }
    Reply check(const Doc &doc) const { return test::check(engine, doc); }
};

// The appeal-by date physician-status gives a deduction entry ("" when none).
std::string appeal_by(const Reply &status, const std::string &notice) {
    auto entry = status.root().find_child_by_attribute("entry", "notice", notice.c_str());
    REQUIRE(entry);
    return entry.attribute("appeal-by").value();
}

// A prescription checked on 2026-11-23 whose card read gives another name:
// ID-MISMATCH card-name, 6 points under every shipped profile.
Doc impersonation() {
    Doc doc;
    doc.card = R"(name="李五")";
    return doc;
}

// A class C drug (米诺地尔搽剂, wholly self-paid) without consent, ordered by
// `physician`: CONSENT-MISSING on item 2, 1 point.
std::string self_paid_item(const std::string &physician) {
    return "<item id=\"2\" kind=\"drug\" code=\"XD11AXM098G001010100123\" name=\"米诺地尔搽剂\" quantity=\"1\" "
           "unit=\"瓶\" price=\"98.00\" days=\"7\" date=\"2026-11-23\" physician=\"" +
           physician + "\"/>";
}

std::string message_of(const pugi::xml_node &finding) { return finding.child_value("message"); }


}  // namespace

// ---------------------------------------------------------------------------
// national-2024 (seed 001)
// ---------------------------------------------------------------------------

TEST_CASE("national-2024: 9 points in a year suspend, 12 terminate", "[points][national-2024]") {
    // Seed 001: "Those who score 9 points within a calendar year will have
    // their medical insurance payment eligibility suspended for 1 to 6 months"
    // (1 month assumed); "If the score reaches 12 points within a calendar
    // year, the eligibility ... will be terminated"; "not allowed to register
    // and file again within one year from the date of termination".
    Physicians national("national-2024");
    national.import({deduction("GJ-1", "2026-03-02", 5), deduction("GJ-2", "2026-05-11", 3)});

    SECTION("8 points: still active; the national system has no interview threshold") {
        CHECK(national.standing("2026-05-11") == "year=2026 deducted=8 bonus=0 remaining=4 active");
        CHECK(national.standing("2026-12-31") == "year=2026 deducted=8 bonus=0 remaining=4 active");
    }
    SECTION("9 points: suspended for a month from the day they are reached") {
        national.import({deduction("GJ-3", "2026-06-15", 1)});
        CHECK(national.standing("2026-06-14") == "year=2026 deducted=8 bonus=0 remaining=4 active");
        CHECK(national.standing("2026-06-15") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-07-14");
        CHECK(national.standing("2026-07-14") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-07-14");
        CHECK(national.standing("2026-07-15") == "year=2026 deducted=9 bonus=0 remaining=3 active");
    }
    SECTION("11 points: suspended; 12: terminated, re-registration barred for a year") {
        national.import({deduction("GJ-3", "2026-06-15", 3)});
        CHECK(national.standing("2026-06-15") == "year=2026 deducted=11 bonus=0 remaining=1 suspended until 2026-07-14");
        CHECK(national.standing("2026-08-02") == "year=2026 deducted=11 bonus=0 remaining=1 active");
        national.import({deduction("GJ-4", "2026-08-03", 1)});
        CHECK(national.standing("2026-08-03") == "year=2026 deducted=12 bonus=0 remaining=0 terminated until 2027-08-03");
        // The bar outlasts the year although the points start again at 0.
        CHECK(national.standing("2027-01-04") == "year=2027 deducted=0 bonus=0 remaining=12 terminated until 2027-08-03");
        CHECK(national.standing("2027-08-04") == "year=2027 deducted=0 bonus=0 remaining=12 active");
    }
}

TEST_CASE("national-2024: 12 points at once bar re-registration for 3 years", "[points][national-2024]") {
    // Seed 001: "For those who accumulate 12 points at once, they are not
    // allowed to register and file again within 3 years from the date of
    // termination."
    Physicians national("national-2024");
    SECTION("12 at once") {
        national.import({deduction("GJ-1", "2026-03-02", 12)});
        CHECK(national.standing("2026-03-02") == "year=2026 deducted=12 bonus=0 remaining=0 terminated until 2029-03-02");
        CHECK(national.standing("2028-12-31") == "year=2028 deducted=0 bonus=0 remaining=12 terminated until 2029-03-02");
    }
    SECTION("11 at once and 1 later: 12 accumulated, a 1-year bar") {
        national.import({deduction("GJ-1", "2026-03-02", 11)});
        CHECK(national.standing("2026-03-02") == "year=2026 deducted=11 bonus=0 remaining=1 suspended until 2026-04-01");
        national.import({deduction("GJ-2", "2026-04-10", 1)});
        CHECK(national.standing("2026-04-10") == "year=2026 deducted=12 bonus=0 remaining=0 terminated until 2027-04-10");
    }
}

TEST_CASE("national-2024: repair takes at most 4 points off a year", "[points][national-2024][repair]") {
    // Seed 001: "Encourage correction and establish a repair mechanism";
    // profiles.csv repair_cap: 1 point per repair activity, at most 4 a year.
    Physicians national("national-2024");
    national.import({deduction("GJ-1", "2026-03-02", 6), deduction("GJ-2", "2026-03-20", 2)});
    national.import({repair("TJ-1", "2026-04-01"), repair("TJ-2", "2026-05-06"), repair("TJ-3", "2026-06-01")});
    CHECK(national.standing("2026-06-01") == "year=2026 deducted=5 bonus=0 remaining=7 active");
    national.import({repair("TJ-4", "2026-07-01")});
    CHECK(national.standing("2026-07-01") == "year=2026 deducted=4 bonus=0 remaining=8 active");
    Reply fifth = national.import({repair("TJ-5", "2026-08-03")});
    CHECK(fifth.attr("changed") == "1");  // recorded, but over the cap
    Reply status = national.status("2026-08-03");
    CHECK(summary(status.root()) == "year=2026 deducted=4 bonus=0 remaining=8 active");
    CHECK(status.root().find_child_by_attribute("entry", "notice", "TJ-5"));

    SECTION("the cap is per year") {
        national.import({deduction("GJ-3", "2027-03-01", 3), repair("TJ-6", "2027-04-01")});
        CHECK(national.standing("2027-04-01") == "year=2027 deducted=2 bonus=0 remaining=10 active");
    }
}

TEST_CASE("national-2024: a reversal after appeal takes the deduction and its suspension away",
          "[points][national-2024][reversal]") {
    // Seed 001: "Smooth the channels for objections and appeals"; contract 2.4:
    // reversals after a successful appeal.
    Physicians national("national-2024");
    national.import({deduction("GJ-1", "2026-03-02", 6), deduction("GJ-2", "2026-03-05", 3)});
    CHECK(national.standing("2026-03-10") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-04-04");

    Reply reversed = national.import({reversal("GJ-2", "2026-03-20")});
    CHECK(reversed.attr("changed") == "1");
    // Before the appeal was decided the deduction stood; from then on it never happened.
    CHECK(national.standing("2026-03-19") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-04-04");
    Reply status = national.status("2026-03-20");
    CHECK(summary(status.root()) == "year=2026 deducted=6 bonus=0 remaining=6 active");
    auto entry = status.root().find_child_by_attribute("entry", "notice", "GJ-2");
    CHECK(std::string(entry.attribute("reversed").value()) == "2026-03-20");

    SECTION("an earlier deduction reversed: the later one alone reaches nothing") {
        Physicians other("national-2024");
        other.import({deduction("GJ-1", "2026-03-02", 3), deduction("GJ-2", "2026-03-05", 6)});
        CHECK(other.standing("2026-03-10") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-04-04");
        other.import({reversal("GJ-1", "2026-03-20")});
        CHECK(other.standing("2026-03-20") == "year=2026 deducted=6 bonus=0 remaining=6 active");
    }
    SECTION("a reversal of a notice never imported is an error, and the whole import is refused") {
        Reply unknown = national.engine.call("<ledger>\n  " + deduction("GJ-3", "2026-04-01", 1) + "\n  " +
                                             reversal("GJ-404", "2026-04-02") + "\n</ledger>\n");
        INFO(unknown.text);
        CHECK(unknown.code == MEDLINT_EPARSE);
        CHECK(unknown.root_name() == "error");
        CHECK(contains(unknown.error(), "GJ-404"));
        CHECK(contains(unknown.error(), "line 3"));
        CHECK(store_int(national.scratch.store, "SELECT count(*) FROM ledger") == 2);
        CHECK(national.standing("2026-04-02") == "year=2026 deducted=6 bonus=0 remaining=6 active");
    }
}

TEST_CASE("national-2024: last year's points do not count in January", "[points][national-2024][year-end]") {
    // Seed 001: points count "within a calendar year".
    Physicians national("national-2024");
    national.import({deduction("GJ-1", "2026-12-21", 8)});
    CHECK(national.standing("2026-12-31") == "year=2026 deducted=8 bonus=0 remaining=4 active");
    Reply january = national.status("2027-01-01");
    CHECK(summary(january.root()) == "year=2027 deducted=0 bonus=0 remaining=12 active");
    CHECK(january.root().child("entry").empty());
    national.import({deduction("GJ-2", "2027-01-11", 1)});
    CHECK(national.standing("2027-01-11") == "year=2027 deducted=1 bonus=0 remaining=11 active");  // 1, not 9
}

TEST_CASE("national-2024: the agency's recorded sanction rules its dates", "[points][national-2024][sanction]") {
    // Seed 001: suspension for "1 to 6 months": the agency decides how long;
    // Contract 2.4: a recorded sanction replaces the computed one of its kind in its year.
    Physicians national("national-2024");
    national.import({deduction("GJ-1", "2026-03-02", 6), deduction("GJ-2", "2026-03-05", 3)});
    CHECK(national.standing("2026-03-10") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-04-04");

    SECTION("a suspension of 6 months from April replaces the computed month from March") {
        national.import({sanction("suspension", "2026-04-01", "2026-09-30", "GJ-S1")});
        CHECK(national.standing("2026-03-10") == "year=2026 deducted=9 bonus=0 remaining=3 active");
        CHECK(national.standing("2026-04-01") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-09-30");
        CHECK(national.standing("2026-09-30") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-09-30");
        CHECK(national.standing("2026-10-01") == "year=2026 deducted=9 bonus=0 remaining=3 active");
        // The sanction itself reversed on appeal: no longer suspended from that day.
        national.import({reversal("GJ-S1", "2026-05-20")});
        CHECK(national.standing("2026-05-19") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-09-30");
        CHECK(national.standing("2026-05-20") == "year=2026 deducted=9 bonus=0 remaining=3 active");
    }
    SECTION("a sanction of another kind leaves the computed suspension") {
        national.import({sanction("interview", "2026-03-06", "2026-03-06", "GJ-I1")});
        CHECK(national.standing("2026-03-10") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-04-04");
    }
}

TEST_CASE("points accumulate across institutions", "[points][national-2024][institutions]") {
    // Seed 001: "Once the medical insurance payment eligibility is suspended
    // or terminated in a designated medical institution, corresponding
    // measures will also be taken in other designated medical institutions";
    // seed 003 三: 多点执业的医师，扣分累加计算.
    Physicians national("national-2024");
    national.import({deduction("GJ-1", "2026-10-12", 5, kDoctor, " institution=\"H52270100001\""),
                     deduction("GY-1", "2026-11-02", 4, kDoctor, " institution=\"H52272300001\"")});
    CHECK(national.standing("2026-11-23") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-12-01");

    // A prescription at the second institution sees the same points and is blocked.
    Doc doc;
    doc.institution = "H52272300001";
    Reply reply = national.check(doc);
    CHECK(summary(reply.root().child("physician")) ==
          "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-12-01");
    CHECK(reply.attr("status") == "block");
    CHECK(reply.fired("PHYSICIAN-SUSPENDED"));
}

TEST_CASE("importing the same ledger twice changes nothing", "[points][qiannan-2023][idempotent]") {
    // Contract 2.4: importing the same notice twice changes nothing.
    Physicians qiannan("qiannan-2023");
    const std::vector<std::string> ledger{deduction("QN-1", "2026-03-02", 3), deduction("QN-2", "2026-04-01", 6),
                                          bonus("QN-B1", "2026-05-11", 2), deduction("QN-3", "2026-06-01", 2),
                                          reversal("QN-3", "2026-06-05"),
                                          sanction("suspension", "2026-12-01", "2026-12-31", "QN-S1")};
    Reply first = qiannan.import(ledger);
    CHECK(first.attr("entries") == "6");
    CHECK(first.attr("changed") == "6");
    Reply before = qiannan.status("2026-11-23");
    long long rows = store_int(qiannan.scratch.store, "SELECT count(*) FROM ledger");

    Reply second = qiannan.import(ledger);
    CHECK(second.attr("changed") == "0");
    CHECK(second.attr("unchanged") == "6");
    CHECK(store_int(qiannan.scratch.store, "SELECT count(*) FROM ledger") == rows);
    Reply after = qiannan.status("2026-11-23");
    CHECK(after.text == before.text);  // entries and totals identical
    CHECK(summary(after.root()) == "year=2026 deducted=9 bonus=2 remaining=5 warned until 2026-12-31");
    // The reversal keeps its first date.
    auto entry = after.root().find_child_by_attribute("entry", "notice", "QN-3");
    CHECK(std::string(entry.attribute("reversed").value()) == "2026-06-05");
}

// ---------------------------------------------------------------------------
// qiannan-2023 (seed 003)
// ---------------------------------------------------------------------------

TEST_CASE("qiannan-2023: interviews at 6 and 10 points, a 3-month penalty period at 12",
          "[points][qiannan-2023]") {
    // Seed 003 三(二)1: 累计扣分满6分的，由执业所在定点医疗机构对其进行约谈；
    // 累计扣分满10分的，由属地医保经办机构对其进行约谈告诫；
    // 累计扣分满12分的，设置3个自然月的责罚期.
    Physicians qiannan("qiannan-2023");
    SECTION("5 points: active; 6: the institution's interview") {
        qiannan.import({deduction("QN-1", "2026-02-02", 3), deduction("QN-2", "2026-03-02", 2)});
        CHECK(qiannan.standing("2026-03-31") == "year=2026 deducted=5 bonus=0 remaining=7 active");
        qiannan.import({deduction("QN-3", "2026-04-01", 1)});
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=6 bonus=0 remaining=6 warned until 2026-12-31");
    }
    SECTION("9, 10 and 11 points: interviews; 12: the penalty period") {
        qiannan.import({deduction("QN-1", "2026-02-02", 6), deduction("QN-2", "2026-03-02", 3)});
        CHECK(qiannan.standing("2026-03-02") == "year=2026 deducted=9 bonus=0 remaining=3 warned until 2026-12-31");
        qiannan.import({deduction("QN-3", "2026-04-01", 1)});
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=10 bonus=0 remaining=2 warned until 2026-12-31");
        qiannan.import({deduction("QN-4", "2026-05-04", 1)});
        CHECK(qiannan.standing("2026-05-10") == "year=2026 deducted=11 bonus=0 remaining=1 warned until 2026-12-31");
        qiannan.import({deduction("QN-5", "2026-05-11", 1)});
        CHECK(qiannan.standing("2026-05-11") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-08-10");
        CHECK(qiannan.standing("2026-08-10") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-08-10");
        // After the penalty period the year's interview standing is what is left.
        CHECK(qiannan.standing("2026-08-11") == "year=2026 deducted=12 bonus=0 remaining=0 warned until 2026-12-31");
    }
    SECTION("a penalty period crosses the year end") {
        // 三(二)3: 医保医师因扣分承担相应责任的期限可跨年执行.
        qiannan.import({deduction("QN-1", "2026-10-12", 6), deduction("QN-2", "2026-12-01", 6)});
        CHECK(qiannan.standing("2027-01-15") == "year=2027 deducted=0 bonus=0 remaining=12 suspended until 2027-02-28");
        CHECK(qiannan.standing("2027-03-01") == "year=2027 deducted=0 bonus=0 remaining=12 active");
    }
}

TEST_CASE("qiannan-2023: bonus points and their limits", "[points][qiannan-2023][bonus]") {
    // Seed 003 四(一): 一个自然年度内，所加分值累计不得超过6分，且在积分年度内有效，
    // 跨年自动清零 ... 所加分值可以用于抵扣扣分标准中"1、2、3"条所列情形的扣分
    // (the 1-, 2- and 3-point kinds of 三(一)).
    Physicians qiannan("qiannan-2023");
    SECTION("a bonus offsets a 3-point deduction but not a 6-point one") {
        qiannan.import({deduction("QN-1", "2026-03-02", 3), deduction("QN-2", "2026-04-01", 6)});
        qiannan.import({bonus("QN-B1", "2026-05-11", 2)});
        CHECK(qiannan.standing("2026-05-11") == "year=2026 deducted=9 bonus=2 remaining=5 warned until 2026-12-31");
        qiannan.import({bonus("QN-B2", "2026-06-01", 5)});
        // 7 credited is capped at 6, of which only 3 find a deduction they may offset.
        CHECK(qiannan.standing("2026-06-01") == "year=2026 deducted=9 bonus=6 remaining=6 warned until 2026-12-31");
    }
    SECTION("never a 6- or 12-point deduction") {
        qiannan.import({bonus("QN-B1", "2026-02-02", 5), deduction("QN-1", "2026-03-02", 6)});
        CHECK(qiannan.standing("2026-03-02") == "year=2026 deducted=6 bonus=5 remaining=6 warned until 2026-12-31");
        qiannan.import({deduction("QN-2", "2026-04-01", 12)});
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=18 bonus=5 remaining=0 terminated until 2029-07-01");
    }
    SECTION("at most 6 a year") {
        qiannan.import({bonus("QN-B1", "2026-01-12", 5), bonus("QN-B2", "2026-01-20", 2),
                        deduction("QN-1", "2026-03-02", 3), deduction("QN-2", "2026-04-01", 3),
                        deduction("QN-3", "2026-05-06", 2), deduction("QN-4", "2026-06-01", 1)});
        // 9 deducted less 6 (not 7) offset: 3 count, never 6 on any day.
        CHECK(qiannan.standing("2026-06-01") == "year=2026 deducted=9 bonus=6 remaining=9 active");
    }
    SECTION("a bonus earned before keeps the physician below the interview") {
        qiannan.import({bonus("QN-B1", "2026-02-02", 1), deduction("QN-1", "2026-03-02", 3),
                        deduction("QN-2", "2026-04-01", 3)});
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=6 bonus=1 remaining=7 active");
    }
    SECTION("bonus points lapse at the year end") {
        qiannan.import({bonus("QN-B1", "2026-11-02", 5), deduction("QN-1", "2027-02-01", 3)});
        CHECK(qiannan.standing("2026-12-31") == "year=2026 deducted=0 bonus=5 remaining=12 active");
        CHECK(qiannan.standing("2027-02-01") == "year=2027 deducted=3 bonus=0 remaining=9 active");
    }
}

TEST_CASE("qiannan-2023: a reversal after appeal lifts the penalty period", "[points][qiannan-2023][reversal]") {
    // Seed 003 三(二)4: 医保医师对本人扣分情况有异议的 ... 申请复核.
    Physicians qiannan("qiannan-2023");
    qiannan.import({deduction("QN-1", "2026-02-02", 6), deduction("QN-2", "2026-03-02", 3),
                    deduction("QN-3", "2026-04-01", 3)});
    CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-06-30");
    qiannan.import({reversal("QN-3", "2026-04-10")});
    CHECK(qiannan.standing("2026-04-10") == "year=2026 deducted=9 bonus=0 remaining=3 warned until 2026-12-31");
}

TEST_CASE("qiannan-2023: consecutive years lengthen the penalty period to 12 months",
          "[points][qiannan-2023][consecutive]") {
    // Seed 003 三(二)1: 医保医师连续两年内每年累计扣分满12分或连续三年每年累计扣分达10分以上的，
    // 设置12个自然月的责罚期.
    Physicians qiannan("qiannan-2023");
    SECTION("12 points in each of two years") {
        qiannan.import({deduction("QN25-1", "2025-03-03", 6), deduction("QN25-2", "2025-06-02", 6),
                        deduction("QN-1", "2026-03-02", 6), deduction("QN-2", "2026-04-01", 6)});
        CHECK(qiannan.standing("2025-06-02") == "year=2025 deducted=12 bonus=0 remaining=0 suspended until 2025-09-01");
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2027-03-31");
        CHECK(qiannan.standing("2027-03-31") == "year=2027 deducted=0 bonus=0 remaining=12 suspended until 2027-03-31");
    }
    SECTION("12 points in the first year until a December deduction is reversed in January") {
        qiannan.import({deduction("QN25-1", "2025-03-03", 6), deduction("QN25-2", "2025-12-15", 6),
                        deduction("QN-1", "2026-03-02", 6), deduction("QN-2", "2026-04-01", 6)});
        qiannan.import({reversal("QN25-2", "2026-01-12")});
        CHECK(qiannan.standing("2025-12-31") == "year=2025 deducted=12 bonus=0 remaining=0 suspended until 2026-03-14");
        CHECK(qiannan.standing("2026-01-12") == "year=2026 deducted=0 bonus=0 remaining=12 active");
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-06-30");
    }
    SECTION("11 points, then 12: only the 3-month period") {
        qiannan.import({deduction("QN25-1", "2025-03-03", 6), deduction("QN25-2", "2025-06-02", 3),
                        deduction("QN25-3", "2025-07-01", 2), deduction("QN-1", "2026-03-02", 6),
                        deduction("QN-2", "2026-04-01", 6)});
        CHECK(qiannan.standing("2026-04-01") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-06-30");
    }
    SECTION("10 points or more in each of three years") {
        qiannan.import({deduction("QN24-1", "2024-05-06", 6), deduction("QN24-2", "2024-06-03", 3),
                        deduction("QN24-3", "2024-07-01", 1), deduction("QN25-1", "2025-05-06", 6),
                        deduction("QN25-2", "2025-06-03", 3), deduction("QN25-3", "2025-07-01", 2),
                        deduction("QN-1", "2026-03-02", 6), deduction("QN-2", "2026-04-01", 3)});
        CHECK(qiannan.standing("2026-05-03") == "year=2026 deducted=9 bonus=0 remaining=3 warned until 2026-12-31");
        qiannan.import({deduction("QN-3", "2026-05-04", 1)});
        CHECK(qiannan.standing("2026-05-04") == "year=2026 deducted=10 bonus=0 remaining=2 suspended until 2027-05-03");
    }
    SECTION("9 points in the first of the three years: no penalty period") {
        qiannan.import({deduction("QN24-1", "2024-05-06", 6), deduction("QN24-2", "2024-06-03", 3),
                        deduction("QN25-1", "2025-05-06", 6), deduction("QN25-2", "2025-06-03", 3),
                        deduction("QN25-3", "2025-07-01", 1), deduction("QN-1", "2026-03-02", 6),
                        deduction("QN-2", "2026-04-01", 3), deduction("QN-3", "2026-05-04", 1)});
        CHECK(qiannan.standing("2026-05-04") == "year=2026 deducted=10 bonus=0 remaining=2 warned until 2026-12-31");
    }
}

TEST_CASE("qiannan-2023: the blacklist", "[points][qiannan-2023][blacklist]") {
    // Seed 003 四(二): 将年度内一次性扣12分或累计扣分满18分以上的医保医师，纳入医保医师黑名单管理
    // ... 在责罚期满后，3年内不得重新申请医保医师资格 (the 3-month period of 三(二)1, then 3 years).
    Physicians qiannan("qiannan-2023");
    SECTION("12 points at once") {
        // 三(一)5: 虚构医疗服务，骗取医疗保险基金, 12 per case.
        qiannan.import({deduction("QN-1", "2026-03-02", 12)});
        CHECK(qiannan.standing("2026-03-02") == "year=2026 deducted=12 bonus=0 remaining=0 terminated until 2029-06-02");
    }
    SECTION("12 points in two deductions: the penalty period, not the blacklist") {
        qiannan.import({deduction("QN-1", "2026-02-02", 6), deduction("QN-2", "2026-03-02", 6)});
        CHECK(qiannan.standing("2026-03-02") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-06-01");
    }
    SECTION("18 points in the year") {
        qiannan.import({deduction("QN-1", "2026-02-02", 6), deduction("QN-2", "2026-04-01", 6),
                        deduction("QN-3", "2026-06-01", 6)});
        CHECK(qiannan.standing("2026-05-15") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-06-30");
        CHECK(qiannan.standing("2026-06-01") == "year=2026 deducted=18 bonus=0 remaining=0 terminated until 2029-09-01");
    }
    SECTION("17 points in the year: no blacklist") {
        qiannan.import({deduction("QN-1", "2026-02-02", 6), deduction("QN-2", "2026-04-01", 6),
                        deduction("QN-3", "2026-06-01", 3), deduction("QN-4", "2026-06-08", 2)});
        CHECK(qiannan.standing("2026-06-08") == "year=2026 deducted=17 bonus=0 remaining=0 suspended until 2026-06-30");
        CHECK(qiannan.standing("2026-07-01") == "year=2026 deducted=17 bonus=0 remaining=0 warned until 2026-12-31");
    }
}

TEST_CASE("qiannan-2023: last year's points do not count in January", "[points][qiannan-2023][year-end]") {
    // Seed 003 三: 扣分在自然年度内累加计算，不跨年累计 ... 扣分不满12分的，次年扣分重新累计.
    Physicians qiannan("qiannan-2023");
    qiannan.import({deduction("QN-1", "2026-11-02", 6), deduction("QN-2", "2026-12-01", 3)});
    CHECK(qiannan.standing("2026-12-31") == "year=2026 deducted=9 bonus=0 remaining=3 warned until 2026-12-31");
    CHECK(qiannan.standing("2027-01-04") == "year=2027 deducted=0 bonus=0 remaining=12 active");
    qiannan.import({deduction("QN-3", "2027-01-11", 3)});
    CHECK(qiannan.standing("2027-01-11") == "year=2027 deducted=3 bonus=0 remaining=9 active");  // 3, not 12
}

TEST_CASE("qiannan-2023: 7 working days to appeal, on the State Council's holiday calendar",
          "[points][qiannan-2023][appeal]") {
    // Seed 003 三(二)4: 可在定点医疗机构接到书面通知之日起7个工作日以内 ... 申请复核.
    // Holidays and make-up working days: 国务院办公厅关于2025年部分节假日安排的通知
    // (国办发明电〔2024〕12号) and 关于2026年部分节假日安排的通知 (2025-11-04),
    // as in rules/default/calendar.csv.
    Physicians qiannan("qiannan-2023");
    qiannan.import({deduction("QN-1", "2026-09-25", 1), deduction("QN-2", "2026-09-18", 1),
                    deduction("QN-3", "2026-02-13", 1), deduction("QN-4", "2026-11-02", 1),
                    deduction("QN25-1", "2025-09-26", 1)});
    Reply status = qiannan.status("2026-12-31");
    // Notified on Mid-Autumn Friday: 9-28, 9-29, 9-30; National Day 10-1..10-7;
    // 10-8, 10-9, Saturday 10-10 (worked), Monday 10-12 is the 7th working day.
    CHECK(appeal_by(status, "QN-1") == "2026-10-12");
    // Sunday 9-20 is worked; Mid-Autumn 9-25 is not: 9-20..9-24, 9-28, 9-29.
    CHECK(appeal_by(status, "QN-2") == "2026-09-29");
    // Saturday 2-14 worked, Spring Festival 2-15..2-23, 2-24..2-27, Saturday 2-28 worked, Monday 3-2.
    CHECK(appeal_by(status, "QN-3") == "2026-03-02");
    // No holiday: Monday to the Wednesday of the next week.
    CHECK(appeal_by(status, "QN-4") == "2026-11-11");
    // 2025: Sunday 9-28 worked, 9-29, 9-30; National Day and Mid-Autumn 10-1..10-8;
    // 10-9, 10-10, Saturday 10-11 worked, Monday 10-13.
    CHECK(appeal_by(qiannan.status("2025-12-31"), "QN25-1") == "2025-10-13");

    SECTION("no deadline under profiles that set none") {
        for (const char *profile : {"national-2024", "fengtai"}) {
            Physicians other(profile);
            other.import({deduction("GJ-1", "2026-09-25", 1)});
            INFO(profile);
            CHECK(appeal_by(other.status("2026-12-31"), "GJ-1").empty());
        }
    }
}

TEST_CASE("qiannan-2023: the agency's recorded penalty period rules its dates", "[points][qiannan-2023][sanction]") {
    // Seed 003 三(二)1 sets the period; the agency's notice (三(二)4) fixes its dates.
    Physicians qiannan("qiannan-2023");
    qiannan.import({deduction("QN-1", "2026-02-02", 6), deduction("QN-2", "2026-05-11", 6),
                    sanction("suspension", "2026-06-01", "2026-08-31", "QN-S1")});
    CHECK(qiannan.standing("2026-05-20") == "year=2026 deducted=12 bonus=0 remaining=0 warned until 2026-12-31");
    CHECK(qiannan.standing("2026-08-20") == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2026-08-31");
    CHECK(qiannan.standing("2026-09-01") == "year=2026 deducted=12 bonus=0 remaining=0 warned until 2026-12-31");
}

// ---------------------------------------------------------------------------
// fengtai (seed 000)
// ---------------------------------------------------------------------------

TEST_CASE("fengtai: interview at 6, suspension at 9 to 11, cancellation at 12", "[points][fengtai]") {
    // Seed 000: "if the cumulative deduction ... reaches 6 points, the handling
    // agency shall conduct an interview"; "if the cumulative deduction of 9 to
    // 11 points, the service agreement shall be suspended for 1 to 3 Monthly"
    // (1 month assumed); "if the cumulative deduction reaches 12 points ...
    // cancel the service agreement ... will not accept the doctor to re-sign
    // the agreement within one year".
    Physicians fengtai("fengtai");
    SECTION("5 points: active; 6: interview") {
        fengtai.import({deduction("FT-1", "2026-03-02", 5)});
        CHECK(fengtai.standing("2026-03-02") == "year=2026 deducted=5 bonus=0 remaining=7 active");
        fengtai.import({deduction("FT-2", "2026-04-01", 1)});
        CHECK(fengtai.standing("2026-04-01") == "year=2026 deducted=6 bonus=0 remaining=6 warned until 2026-12-31");
    }
    SECTION("8 points: interview; 9: suspended") {
        fengtai.import({deduction("FT-1", "2026-03-02", 8)});
        CHECK(fengtai.standing("2026-03-02") == "year=2026 deducted=8 bonus=0 remaining=4 warned until 2026-12-31");
        fengtai.import({deduction("FT-2", "2026-04-01", 1)});
        CHECK(fengtai.standing("2026-04-01") == "year=2026 deducted=9 bonus=0 remaining=3 suspended until 2026-04-30");
        CHECK(fengtai.standing("2026-05-01") == "year=2026 deducted=9 bonus=0 remaining=3 warned until 2026-12-31");
    }
    SECTION("11 points: suspended; 12: cancelled for a year") {
        fengtai.import({deduction("FT-1", "2026-03-02", 6), deduction("FT-2", "2026-04-01", 5)});
        CHECK(fengtai.standing("2026-04-01") == "year=2026 deducted=11 bonus=0 remaining=1 suspended until 2026-04-30");
        fengtai.import({deduction("FT-3", "2026-04-15", 1)});
        CHECK(fengtai.standing("2026-04-15") == "year=2026 deducted=12 bonus=0 remaining=0 terminated until 2027-04-15");
    }
    SECTION("12 points at once: cancelled, no new agreement for 1 to 5 years") {
        fengtai.import({deduction("FT-1", "2026-03-02", 12)});
        CHECK(fengtai.standing("2026-03-02") == "year=2026 deducted=12 bonus=0 remaining=0 terminated until 2027-03-02");
    }
}

TEST_CASE("fengtai: more than 9 points in each of three years cancel the agreement", "[points][fengtai][consecutive]") {
    // Seed 000: "if the deduction points exceed 9 points for three consecutive
    // years, the handling agency shall cancel the service agreement".
    Physicians fengtai("fengtai");
    const std::vector<std::string> last_two{deduction("FT25-1", "2025-06-02", 10), deduction("FT-1", "2026-03-02", 6),
                                            deduction("FT-2", "2026-04-01", 4)};
    SECTION("10, 10, 10") {
        fengtai.import(last_two);
        fengtai.import({deduction("FT24-1", "2024-06-03", 10)});
        CHECK(fengtai.standing("2026-03-31") == "year=2026 deducted=6 bonus=0 remaining=6 warned until 2026-12-31");
        CHECK(fengtai.standing("2026-04-01") == "year=2026 deducted=10 bonus=0 remaining=2 terminated until 2027-04-01");
    }
    SECTION("9, 10, 10: suspended, not cancelled") {
        fengtai.import(last_two);
        fengtai.import({deduction("FT24-1", "2024-06-03", 9)});
        CHECK(fengtai.standing("2026-04-01") == "year=2026 deducted=10 bonus=0 remaining=2 suspended until 2026-04-30");
    }
}

TEST_CASE("the same ledger under each profile: bonus and repair only where the policy has them",
          "[points][fengtai][qiannan-2023][national-2024]") {
    // Seed 000 names neither bonus nor repair; seed 003 四(一) has bonus points,
    // no repair; seed 001 has repair ("establish a repair mechanism"), no bonus.
    const std::vector<std::string> ledger{bonus("B-1", "2026-02-02", 1), deduction("D-1", "2026-03-02", 3),
                                          deduction("D-2", "2026-04-01", 3), repair("R-1", "2026-05-06")};
    Physicians fengtai("fengtai"), qiannan("qiannan-2023"), national("national-2024");
    for (const auto *engine : {&fengtai, &qiannan, &national}) engine->import(ledger);
    CHECK(fengtai.standing("2026-05-06") == "year=2026 deducted=6 bonus=0 remaining=6 warned until 2026-12-31");
    CHECK(qiannan.standing("2026-05-06") == "year=2026 deducted=6 bonus=1 remaining=7 active");
    CHECK(national.standing("2026-05-06") == "year=2026 deducted=5 bonus=0 remaining=7 active");
}

// ---------------------------------------------------------------------------
// check results
// ---------------------------------------------------------------------------

TEST_CASE("a check result carries the physician's points and says which threshold a finding would reach",
          "[points][check]") {
    // Contract 2.1: <physician deducted bonus remaining standing until at-risk
    // projected>; every finding's points under the active profile; and a
    // finding that would carry the physician over a threshold says so.
    struct Expected {
        const char *profile, *projected, *suffix;
    };
    // 4 points so far; ID-MISMATCH puts 6 more at risk: 10.
    const Expected expected[] = {
        // seed 001: 9 points suspend
        {"national-2024", "suspended", "; if deducted, this would bring you to 10 points: payment eligibility suspended "
                                       "for 1 to 6 months"},
        // seed 003 三(二)1: 10 points, the agency's interview
        {"qiannan-2023", "warned", "; if deducted, this would bring you to 10 points: an interview by the insurance agency"},
        // seed 000: 9 to 11 points suspend the agreement
        {"fengtai", "suspended", "; if deducted, this would bring you to 10 points: the service agreement suspended "
                                 "for 1 to 3 months"},
    };
    SECTION("4 points and an ID-MISMATCH under each profile") {
        for (const auto &want : expected) {
            INFO(want.profile);
            Physicians physicians(want.profile);
            physicians.import({deduction("N-1", "2026-03-02", 3), deduction("N-2", "2026-06-01", 1)});
            Reply reply = physicians.check(impersonation());
            auto physician = reply.root().child("physician");
            CHECK(std::string(physician.attribute("code").value()) == kDoctor);
            CHECK(summary(physician) == "year=2026 deducted=4 bonus=0 remaining=8 active");
            CHECK(std::string(physician.attribute("at-risk").value()) == "6");
            CHECK(std::string(physician.attribute("projected").value()) == want.projected);
            auto finding = reply.finding("ID-MISMATCH");
            CHECK(std::string(finding.attribute("points").value()) == "6");
            CHECK(ends_with(message_of(finding), want.suffix));
        }
    }
    SECTION("in Chinese") {
        Physicians qiannan("qiannan-2023");
        qiannan.import({deduction("N-1", "2026-03-02", 4)});
        Doc doc = impersonation();
        doc.lang = "zh";
        CHECK(ends_with(qiannan.check(doc).message("ID-MISMATCH"),
                        "；若扣分，累计将达 10 分：由医保经办机构约谈告诫并通报"));
    }
    SECTION("a finding that reaches no threshold says nothing of one") {
        // From 0: national has nothing at 6; qiannan and fengtai interview at 6.
        Physicians national("national-2024"), qiannan("qiannan-2023");
        Reply plain = national.check(impersonation());
        CHECK(message_of(plain.finding("ID-MISMATCH")) ==
              "The record's name 李四 differs from 李五 on the card: possible impersonation");
        CHECK(std::string(plain.root().child("physician").attribute("projected").value()) == "active");
        Reply interview = qiannan.check(impersonation());
        CHECK(ends_with(message_of(interview.finding("ID-MISMATCH")),
                        "; if deducted, this would bring you to 6 points: an interview at your institution"));
        CHECK(std::string(interview.root().child("physician").attribute("projected").value()) == "warned");
    }
    SECTION("qiannan: 9 points to 10 reaches the agency's interview, 8 to 9 reaches nothing") {
        Physicians eight("qiannan-2023"), nine("qiannan-2023");
        eight.import({deduction("N-1", "2026-03-02", 6), deduction("N-2", "2026-04-01", 2)});
        nine.import({deduction("N-1", "2026-03-02", 6), deduction("N-2", "2026-04-01", 3)});
        Doc doc;
        doc.items.push_back(self_paid_item(kDoctor));  // CONSENT-MISSING, 1 point
        Reply below = eight.check(doc);
        CHECK(std::string(below.finding("CONSENT-MISSING").attribute("points").value()) == "1");
        CHECK_FALSE(contains(below.message("CONSENT-MISSING"), "if deducted"));
        CHECK(ends_with(nine.check(doc).message("CONSENT-MISSING"),
                        "; if deducted, this would bring you to 10 points: an interview by the insurance agency"));
    }
    SECTION("an overridden finding puts nothing at risk") {
        Physicians national("national-2024");
        national.import({deduction("N-1", "2026-03-02", 4)});
        Reply first = national.check(impersonation());
        std::string id = first.finding("ID-MISMATCH").attribute("id").value();
        national.engine.ok("<feedback physician=\"" + kDoctor + "\" time=\"2026-11-23T09:31:00+08:00\"><finding id=\"" +
                           id + "\" action=\"override\" reason=\"患者持本人身份证，读卡错误\"/></feedback>");
        Reply reply = national.check(impersonation());
        auto physician = reply.root().child("physician");
        CHECK(std::string(physician.attribute("at-risk").value()) == "0");
        CHECK(std::string(physician.attribute("projected").value()) == "active");
        CHECK_FALSE(contains(message_of(reply.finding("ID-MISMATCH")), "if deducted"));
    }
    SECTION("a colleague's item is not at the responsible physician's risk") {
        Physicians qiannan("qiannan-2023");
        qiannan.import({deduction("N-1", "2026-03-02", 5)});
        Doc doc;
        doc.items.push_back(self_paid_item(kColleague));
        Reply reply = qiannan.check(doc);
        auto finding = reply.finding("CONSENT-MISSING");
        CHECK(std::string(finding.attribute("items").value()) == "2");
        CHECK(std::string(finding.attribute("points").value()) == "1");
        auto physician = reply.root().child("physician");
        CHECK(std::string(physician.attribute("at-risk").value()) == "0");
        CHECK(std::string(physician.attribute("projected").value()) == "active");
        // Nor does its message speak of the responsible physician's 6-point interview.
        CHECK_FALSE(contains(message_of(finding), "if deducted"));
    }
}

TEST_CASE("a finding's points follow the active profile's table", "[points][check][pack]") {
    // points.csv is per profile; the shipped tables agree on every rule
    // implemented so far, so a hospital pack stacked on the default pack
    // changes the Qiannan value of ID-MISMATCH and not the national one.
    std::filesystem::path default_pack =
        std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "rules" / "default";
    REQUIRE(std::filesystem::exists(default_pack / "pack.xml"));
    test::TempDir dir;
    std::filesystem::create_directory(dir.file("local"));
    write_file(dir.file("local/pack.xml"), "<pack id=\"local\" version=\"1\"/>\n");
    write_file(dir.file("local/points.csv"), "profile,rule,points,clause\nqiannan-2023,ID-MISMATCH,3,local value\n");
    std::string rules = "  <rules path=\"" + default_pack.string() + "\"/>\n  <rules path=\"local\"/>\n";
    std::map<std::string, std::string> points;
    for (const char *profile : {"national-2024", "qiannan-2023", "fengtai"}) {
        std::string config = dir.file(std::string(profile) + ".xml");
        write_file(config, test::config_xml(dir.file(std::string(profile) + ".db"), profile, rules));
        Engine engine(config);
        Reply reply = engine.ok(impersonation().str());
        INFO(reply.text);
        points[profile] = reply.finding("ID-MISMATCH").attribute("points").value();
        CHECK(std::string(reply.root().child("physician").attribute("at-risk").value()) == points[profile]);
    }
    CHECK(points["national-2024"] == "6");
    CHECK(points["qiannan-2023"] == "3");
    CHECK(points["fengtai"] == "6");
}

// ---------------------------------------------------------------------------
// PHYSICIAN-SUSPENDED
// ---------------------------------------------------------------------------

TEST_CASE("PHYSICIAN-SUSPENDED blocks a suspended physician's items outside emergency and rescue",
          "[points][rules][PHYSICIAN-SUSPENDED]") {
    // Seed 003 三(二)2: 医师在责罚期内为参保人员服务发生的医疗费用 ... 不予结算
    // （急诊、抢救、公共卫生事件应急处置等情况除外）; seed 001: "not be settled
    // (except for first aid and rescue)".  12 points on 2026-11-02 under
    // qiannan-2023: a penalty period to 2027-02-01, computed, not recorded.
    Physicians qiannan("qiannan-2023");
    qiannan.import({deduction("QN-1", "2026-10-12", 6), deduction("QN-2", "2026-11-02", 6)});

    SECTION("an outpatient prescription is blocked") {
        Reply reply = qiannan.check(Doc{});
        CHECK(reply.attr("status") == "block");
        auto finding = reply.finding("PHYSICIAN-SUSPENDED");
        CHECK(std::string(finding.attribute("severity").value()) == "block");
        CHECK(std::string(finding.attribute("points").value()) == "0");
        CHECK(std::string(finding.attribute("items").value()) == "1");
        CHECK(contains(message_of(finding), "until 2027-02-01"));
        auto physician = reply.root().child("physician");
        CHECK(summary(physician) == "year=2026 deducted=12 bonus=0 remaining=0 suspended until 2027-02-01");
        CHECK(std::string(physician.attribute("at-risk").value()) == "0");
        CHECK(std::string(physician.attribute("projected").value()) == "suspended");
    }
    SECTION("the same prescription under rescue care is not") {
        Doc doc;
        std::string request = doc.str();
        size_t at = request.find("rescue=\"false\"");
        REQUIRE(at != std::string::npos);
        request.replace(at, 14, "rescue=\"true\"");
        Reply reply = qiannan.engine.ok(request);
        INFO(reply.text);
        CHECK_FALSE(reply.fired("PHYSICIAN-SUSPENDED"));
        CHECK(reply.attr("status") == "pass");
        // The standing is still shown.
        CHECK(std::string(reply.root().child("physician").attribute("standing").value()) == "suspended");
    }
    SECTION("nor under an emergency encounter") {
        Doc doc;
        doc.type = "emergency";
        doc.encounter = "JZ20261123001";
        doc.items = {R"(<item id="1" kind="drug" code="XA10BAA002A001010101445" name="二甲双胍片" days="3" date="2026-11-23"/>)"};
        Reply reply = qiannan.check(doc);
        CHECK_FALSE(reply.fired("PHYSICIAN-SUSPENDED"));
        CHECK(reply.attr("status") == "pass");
    }
    SECTION("an item ordered by an active colleague is not blocked") {
        Doc doc;
        doc.items.push_back("<item id=\"2\" kind=\"test\" code=\"002503020030000\" name=\"糖化血红蛋白测定\" price=\"60\" "
                            "date=\"2026-11-23\" physician=\"" + kColleague + "\"/>");
        Reply reply = qiannan.check(doc);
        CHECK(std::string(reply.finding("PHYSICIAN-SUSPENDED").attribute("items").value()) == "1");
    }
    SECTION("a document of the colleague with one item of the suspended physician blocks that item") {
        Doc doc;
        doc.physician = kColleague;
        doc.items.push_back("<item id=\"2\" kind=\"test\" code=\"002503020030000\" name=\"糖化血红蛋白测定\" price=\"60\" "
                            "date=\"2026-11-23\" physician=\"" + kDoctor + "\"/>");
        Reply reply = qiannan.check(doc);
        auto finding = reply.finding("PHYSICIAN-SUSPENDED");
        CHECK(std::string(finding.attribute("items").value()) == "2");
        CHECK(contains(message_of(finding), kDoctor));
        CHECK(summary(reply.root().child("physician")) == "year=2026 deducted=0 bonus=0 remaining=12 active");
    }
    SECTION("after the penalty period nothing is blocked") {
        Doc doc;
        doc.time = "2027-02-02T09:30:00+08:00";
        doc.admitted = "2027-02-02";
        doc.encounter = "MZ20270202001";
        doc.items = {"<item id=\"1\" kind=\"drug\" code=\"XA10BAA002A001010101445\" name=\"二甲双胍片\" quantity=\"2\" "
                     "unit=\"盒\" price=\"12.50\" days=\"7\" date=\"2027-02-02\"/>"};
        Reply reply = qiannan.check(doc);
        CHECK_FALSE(reply.fired("PHYSICIAN-SUSPENDED"));
        CHECK(summary(reply.root().child("physician")) == "year=2027 deducted=0 bonus=0 remaining=12 active");
    }
    SECTION("a terminated physician is blocked too") {
        // Seed 001: 12 points terminate; "medical insurance fees incurred for
        // the services provided during the termination period will not be settled".
        Physicians national("national-2024");
        national.import({deduction("GJ-1", "2026-11-02", 12)});
        Reply reply = national.check(Doc{});
        auto finding = reply.finding("PHYSICIAN-SUSPENDED");
        CHECK(std::string(finding.attribute("severity").value()) == "block");
        CHECK(contains(message_of(finding), "re-registration after 2029-11-02"));
    }
}
