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

namespace {

// Whether `text` holds a C0 control character that XML 1.0 forbids, raw or as a character reference.
bool has_forbidden_control(const std::string &text) {
    for (unsigned char c : text)
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
    for (int code = 0; code < 0x20; ++code)
        if (code != '\t' && code != '\n' && code != '\r' &&
            (contains(text, "&#" + std::to_string(code) + ";") || contains(text, "&#0" + std::to_string(code) + ";")))
            return true;
    return false;
}

}  // namespace

TEST_CASE("control characters are refused with line and column, and never answered", "[hostile][controls]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.name = "李\x04四";
    std::string request = doc.str();
    int line = line_of(request, "\x04");
    SECTION("as a byte in UTF-8") {
        Reply reply = engine.call(request);
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "control character 0x04 at line " + std::to_string(line) + ", column"));
        CHECK_FALSE(has_forbidden_control(reply.text));
    }
    SECTION("as a byte in GBK, found after decoding") {
        // 李 ESC 四 in GBK: the column counts the decoded text's bytes.
        Reply reply = engine.call("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<check>\n  <patient name=\"\xC0\xEE\x1b\xCB\xC4\"/>");
        INFO(reply.error());
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "control character 0x1B at line 3, column 21"));
    }
    SECTION("as a character reference") {
        doc.name = "李&#x1b;[31m四";
        Reply reply = engine.call(doc.str());
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "character reference to control character 0x1B at line " +
                                          std::to_string(line)));
        CHECK_FALSE(has_forbidden_control(reply.text));
    }
    SECTION("tab, line feed and carriage return stay allowed") {
        doc.name = "李&#9;四&#10;&#13;";
        CHECK(check(engine, doc).code == MEDLINT_OK);
    }
}

TEST_CASE("a rule pack's control characters do not reach a response", "[hostile][controls]") {
    Scratch scratch;
    write_pack(scratch, "hostile", {{"pack.xml", "<pack id=\"hostile\" version=\"1&#27;[2J&#4;\"/>"}});
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, "hostile"});
    Engine engine(scratch.config);
    Reply reply = check(engine, Doc{});
    CHECK(reply.attr("rules") == "default 2026.11; hostile 1[2J");
    CHECK_FALSE(has_forbidden_control(reply.text));
}

// A text's placeholders are filled in one pass: a hospital's name of a line
// that reads like a placeholder is the name, not a place for the code.
TEST_CASE("a line named like a placeholder is reported as named", "[hostile][texts]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.gender = "M";
    doc.items = {item("1", "exam", "002101030300000", "子宫造影{code}{nothing}")};
    Reply reply = check(engine, doc);
    CHECK(contains(reply.message("LIMIT-GENDER"), "子宫造影{code}{nothing}"));
    CHECK(contains(reply.message("LIMIT-GENDER"), "for women only"));
}

TEST_CASE("a store deleted or replaced while open refuses writes instead of losing them", "[hostile][store]") {
    Scratch scratch;
    Engine engine(scratch.config);
    engine.ok(Doc{}.commit().str());
    SECTION("deleted") {
        for (const char *suffix : {"", "-wal", "-shm"}) ::unlink((scratch.store + suffix).c_str());
    }
    SECTION("replaced by another file") {
        REQUIRE(std::rename(scratch.store.c_str(), (scratch.store + ".moved").c_str()) == 0);
        write_file(scratch.store, "");
    }
    Doc next;
    next.encounter = "MZ20261123002";
    Reply commit = engine.call(next.commit().str());
    CHECK(commit.code == MEDLINT_ESTORE);
    CHECK(contains(commit.error(), "store " + scratch.store + " was deleted, moved or replaced while open"));
    Reply ledger = engine.call("<ledger>" + deduction("2026-11-01", 2, "N-GONE") + "</ledger>");
    CHECK(ledger.code == MEDLINT_ESTORE);
}

TEST_CASE("absurd prices and quantities are refused with line and attribute", "[hostile][amounts]") {
    Scratch scratch;
    Engine engine(scratch.config);
    auto with_item = [](const std::string &amounts) {
        Doc doc;
        doc.items = {"<item id=\"1\" kind=\"service\" code=\"001101000010000\" name=\"普通门诊诊查费\" " + amounts +
                     " date=\"2026-11-23\"/>"};
        return doc.str();
    };
    for (const auto &[amounts, attribute] : std::vector<std::pair<std::string, std::string>>{
             {"price=\"1e300\" quantity=\"1e10\"", "quantity"},
             {"price=\"10\" quantity=\"1e10\"", "quantity"},
             {"price=\"1000000.01\"", "price"},
             {"quantity=\"-1\"", "quantity"}}) {
        std::string request = with_item(amounts);
        Reply reply = engine.call(request);
        INFO(amounts);
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "line " + std::to_string(line_of(request, "<item")) + ": <item>: attribute " +
                                          attribute + " is"));
        CHECK(contains(reply.error(), "not a number from 0 to 1000000"));
    }
    check(engine, with_item("price=\"1000000\" quantity=\"1000000\""));
}
