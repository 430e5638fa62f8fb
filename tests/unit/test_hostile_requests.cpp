// Requests and stores from a fault campaign: each case here once hung the
// engine, produced a response that XML parsers refuse, or lost commits.
#include <unistd.h>

#include "support.hpp"

using namespace test;

namespace {

const char *kPhysician = "D522701000123";

std::string deduction(const std::string &date, int points, const std::string &notice) {
    return "<deduction physician=\"" + std::string(kPhysician) + "\" date=\"" + date + "\" points=\"" +
           std::to_string(points) + "\" notice=\"" + notice + "\"/>";
}

std::string status_on(const std::string &date) {
    return "<physician-status code=\"" + std::string(kPhysician) + "\" date=\"" + date + "\"/>";
}

}  // namespace

TEST_CASE("dates the policy arithmetic cannot carry are refused with line and attribute", "[hostile][dates]") {
    Scratch scratch;
    Engine engine(scratch.config);
    SECTION("a deduction in 9997 (its 3-year bar ends past 9999) and the status a day later") {
        Reply ledger = engine.call("<ledger>\n" + deduction("9997-06-01", 12, "N1") + "\n</ledger>");
        CHECK(ledger.code == MEDLINT_EPARSE);
        CHECK(contains(ledger.error(), "line 2: <deduction>: attribute date is \"9997-06-01\", outside the "
                                       "supported dates 1900-01-01 to 9899-12-31"));
        Reply status = engine.call(status_on("9997-06-02"));
        CHECK(status.code == MEDLINT_EPARSE);
        CHECK(contains(status.error(), "attribute date"));
    }
    SECTION("the first and last supported days: every ledger and standing operation finishes") {
        for (const char *day : {"1900-01-01", "9899-12-31"}) {
            INFO(day);
            engine.ok(std::string("<ledger>") + deduction(day, 12, std::string("E-") + day) + "</ledger>");
            Reply status = engine.ok(status_on(day));
            CHECK(status.attr("deducted") == "12");
            CHECK(status.attr("standing") == "terminated");
            Doc doc;
            doc.time = std::string(day) + "T09:30:00+08:00";
            doc.admitted = day;
            check(engine, doc);
        }
        Doc before;
        before.time = "1899-12-31T23:59:59+08:00";
        Reply early = engine.call(before.str());
        CHECK(early.code == MEDLINT_EPARSE);
        CHECK(contains(early.error(), "attribute time"));
        Doc after;
        after.admitted = "9900-01-01";
        Reply late = engine.call(after.str());
        CHECK(late.code == MEDLINT_EPARSE);
        CHECK(contains(late.error(), "attribute admitted"));
    }
}

