// The identity and physician rules: ID-INVALID, ID-MISMATCH, ID-CONCURRENT,
// PHYSICIAN-CODE, and what settlement mode makes of a warning.
#include "support.hpp"

using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::resident_id;
using test::Scratch;

namespace {

// A check of `doc`; the findings of `rule`, with their messages in the log.
Doc with_id(std::string id, std::string gender = "U", std::string birth = "") {
    Doc doc;
    doc.id = std::move(id);
    doc.gender = std::move(gender);
    doc.birth = std::move(birth);
    return doc;
}

}  // namespace

TEST_CASE("the test's own check characters agree with GB 11643 examples", "[rules][id]") {
    CHECK(resident_id("52270119800101001") == "522701198001010011");
    CHECK(resident_id("11010519491231002") == "11010519491231002X");  // the standard's own example
    CHECK(resident_id("44052419800101001") == "440524198001010013");
}

TEST_CASE("ID-INVALID", "[rules][id]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("a valid number does not fire") {
        Reply reply = check(engine, Doc{});
        CHECK_FALSE(reply.fired("ID-INVALID"));
        CHECK(reply.attr("status") == "pass");
        CHECK_FALSE(check(engine, with_id(resident_id("44052419800101001"), "M", "1980-01-01")).fired("ID-INVALID"));
    }
    SECTION("malformed numbers") {
        for (const char *id : {"52270119800101001", "5227011980010100111", "52270119800101001Y", "5227011980O101001X",
                               "522701-98001010011", "X22701198001010011"}) {
            INFO(id);
            Reply reply = check(engine, with_id(id));
            auto finding = reply.finding("ID-INVALID");
            CHECK(contains(finding.child_value("message"), "malformed"));
            CHECK(contains(finding.child_value("message"), id));
            CHECK(std::string(finding.attribute("severity").value()) == "warning");
            CHECK(std::string(finding.attribute("certainty").value()) == "definite");
            CHECK(std::string(finding.attribute("points").value()) == "1");
            CHECK(std::string(finding.child("suggestion").attribute("action").value()) == "verify-identity");
        }
    }
    SECTION("a region that is none") {
        for (std::string first : {"00270119800101001", "99270119800101001", "10270119800101001"}) {
            Reply reply = check(engine, with_id(resident_id(first)));
            CHECK(contains(reply.finding("ID-INVALID").child_value("message"), "region code " + first.substr(0, 6)));
        }
    }
    SECTION("an impossible or future birth date") {
        for (std::string first : {"52270119800230001", "52270119801301001", "52270119790229001", "52270118790101001",
                                  "52270121000101001"}) {
            INFO(first);
            Reply reply = check(engine, with_id(resident_id(first)));
            std::string message = reply.finding("ID-INVALID").child_value("message");
            CHECK(contains(message, "birth date " + first.substr(6, 8)));  // the digits, not a date read from them
        }
        // 29 February of a leap year is a real date.
        CHECK_FALSE(check(engine, with_id(resident_id("52270119800229001"))).fired("ID-INVALID"));
    }
    SECTION("a wrong check digit") {
        Reply reply = check(engine, with_id("522701198001010012"));
        std::string message = reply.finding("ID-INVALID").child_value("message");
        CHECK(contains(message, "expected 1, found 2"));
        reply = check(engine, with_id("11010519491231002X"));
        CHECK_FALSE(reply.fired("ID-INVALID"));
        reply = check(engine, with_id("110105194912310021"));
        CHECK(contains(reply.finding("ID-INVALID").child_value("message"), "expected X, found 1"));
    }
    SECTION("a lowercase x check character is accepted") {
        CHECK_FALSE(check(engine, with_id("11010519491231002x", "F", "1949-12-31")).fired("ID-INVALID"));
    }
    SECTION("a gender that contradicts the 17th digit") {
        Doc doc;  // 17th digit 1: a man
        doc.gender = "F";
        std::string message = check(engine, doc).message("ID-INVALID");
        CHECK(contains(message, "says gender M"));
        CHECK(contains(message, "record says F"));
        // 17th digit 2: a woman.
        Doc woman = with_id(resident_id("52270119800101002"), "M");
        CHECK(check(engine, woman).fired("ID-INVALID"));
        woman.gender = "F";
        CHECK_FALSE(check(engine, woman).fired("ID-INVALID"));
        woman.gender = "U";
        CHECK_FALSE(check(engine, woman).fired("ID-INVALID"));
    }
    SECTION("a birth date that contradicts the number") {
        Doc doc;
        doc.birth = "1980-01-02";
        std::string message = check(engine, doc).message("ID-INVALID");
        CHECK(contains(message, "1980-01-01"));
        CHECK(contains(message, "1980-01-02"));
        doc.birth = "";
        CHECK_FALSE(check(engine, doc).fired("ID-INVALID"));
    }
    SECTION("both gender and birth date contradict: two findings") {
        Doc doc;
        doc.gender = "F";
        doc.birth = "1981-01-01";
        CHECK(check(engine, doc).count("ID-INVALID") == 2);
    }
    SECTION("other id types are not resident ids") {
        for (const char *type : {"passport", "permit", "birth-cert", "other"}) {
            Doc doc = with_id("E12345678", "F", "1980-01-02");
            doc.id_type = type;
            CHECK_FALSE(check(engine, doc).fired("ID-INVALID"));
        }
    }
    SECTION("its finding id is stable and differs by variant") {
        Reply first = check(engine, with_id("522701198001010012"));
        Reply again = check(engine, with_id("522701198001010012"));
        Reply other = check(engine, with_id("52270119800101001"));
        std::string id = first.finding("ID-INVALID").attribute("id").value();
        CHECK(id == again.finding("ID-INVALID").attribute("id").value());
        CHECK(id != other.finding("ID-INVALID").attribute("id").value());
    }
}

TEST_CASE("ID-MISMATCH against the card", "[rules][id]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;

    SECTION("a card that agrees, or no card, does not fire") {
        CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
        doc.card = R"(id="522701198001010011" name="李四" gender="M" birth-date="1980-01-01")";
        CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
        doc.card = R"(id="522701198001010011" gender="1")";
        CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
    }
    SECTION("another id number") {
        doc.card = R"(id="522701198001010029" name="李四")";
        Reply reply = check(engine, doc);
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(contains(finding.child_value("message"), "522701198001010029"));
        CHECK(contains(finding.child_value("evidence"), "insurance-card"));
        CHECK(std::string(finding.attribute("certainty").value()) == "definite");
        CHECK(std::string(finding.attribute("points").value()) == "6");
        CHECK(reply.attr("status") == "warning");
    }
    SECTION("another name") {
        doc.card = R"(name="李五")";
        CHECK(contains(check(engine, doc).message("ID-MISMATCH"), "李五"));
    }
    SECTION("names that differ only by spaces do not fire") {
        for (const char *name : {"李 四", " 李四 ", "李\xE3\x80\x80四", "李\t四"}) {
            doc.card = std::string("name=\"") + name + "\"";
            CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
        }
        doc.name = "Li Si";
        doc.id_type = "passport";
        doc.card = R"(name="LiSi")";
        CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
    }
    SECTION("another gender, unknown gender does not count") {
        doc.card = R"(gender="F")";
        CHECK(contains(check(engine, doc).message("ID-MISMATCH"), "gender"));
        doc.card = R"(gender="U")";
        CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
        doc.card = R"(gender="9")";
        CHECK_FALSE(check(engine, doc).fired("ID-MISMATCH"));
    }
    SECTION("another birth date") {
        doc.card = R"(birth-date="1980-10-01")";
        std::string message = check(engine, doc).message("ID-MISMATCH");
        CHECK(contains(message, "1980-10-01"));
        CHECK(contains(message, "1980-01-01"));
    }
    SECTION("every difference is its own finding with its own id") {
        doc.card = R"(id="522701198001010029" name="李五" gender="F" birth-date="1980-10-01")";
        auto reply = check(engine, doc);
        auto findings = reply.findings("ID-MISMATCH");
        REQUIRE(findings.size() == 4);
        std::set<std::string> ids;
        for (auto finding : findings) ids.insert(finding.attribute("id").value());
        CHECK(ids.size() == 4);
    }
}

TEST_CASE("ID-MISMATCH against history", "[rules][id]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc first;
    first.name = "张三";
    first.encounter = "MZ-A";
    engine.ok(Doc(first).commit().str());

    SECTION("the same id with another name in another encounter fires as suspected") {
        Doc later;
        later.encounter = "MZ-B";
        Reply reply = check(engine, later);
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("certainty").value()) == "suspected");
        CHECK(contains(finding.child_value("message"), "李四"));
        // The store keeps a digest of the earlier name: it is cited by encounter and date.
        CHECK_FALSE(contains(finding.child_value("message"), "张三"));
        CHECK(contains(finding.child_value("evidence"), "MZ-A"));
        CHECK(contains(finding.child_value("evidence"), "2026-11-23"));
    }
    SECTION("re-checking the committed encounter itself does not fire") {
        Doc same;
        same.encounter = "MZ-A";
        CHECK_FALSE(check(engine, same).fired("ID-MISMATCH"));
    }
    SECTION("the same name, spaced differently, does not fire") {
        Doc later;
        later.encounter = "MZ-B";
        later.name = "张 三";
        CHECK_FALSE(check(engine, later).fired("ID-MISMATCH"));
    }
    SECTION("another gender or birth date fires") {
        Doc later;
        later.encounter = "MZ-B";
        later.name = "张三";
        later.id_type = "resident-id";
        later.gender = "F";
        later.birth = "1980-02-01";
        auto reply = check(engine, later);
        auto findings = reply.findings("ID-MISMATCH");
        CHECK(findings.size() == 2);
    }
    SECTION("another patient, or the same number as another id type, does not fire") {
        Doc other;
        other.encounter = "MZ-B";
        other.id = resident_id("52270119800101003");
        CHECK_FALSE(check(engine, other).fired("ID-MISMATCH"));
        Doc passport;
        passport.encounter = "MZ-C";
        passport.id_type = "passport";
        CHECK_FALSE(check(engine, passport).fired("ID-MISMATCH"));
    }
    SECTION("several earlier encounters report each difference once") {
        Doc second = first;
        second.encounter = "MZ-A2";
        engine.ok(second.commit().str());
        Doc later;
        later.encounter = "MZ-B";
        CHECK(check(engine, later).count("ID-MISMATCH") == 1);
    }
    SECTION("a committed encounter with a new name replaces its identity") {
        Doc renamed = first;
        renamed.name = "李四";
        engine.ok(renamed.commit().str());
        Doc later;
        later.encounter = "MZ-B";
        CHECK_FALSE(check(engine, later).fired("ID-MISMATCH"));
    }
}

TEST_CASE("ID-CONCURRENT", "[rules][id]") {
    Scratch scratch;
    test::share_by_alliance(scratch.config);  // the earlier stay is another institution's
    Engine engine(scratch.config);
    auto stay = [](const std::string &encounter, const std::string &admitted, const std::string &discharged) {
        Doc doc;
        doc.type = "inpatient";
        doc.mode = "preaudit";
        doc.encounter = encounter;
        doc.admitted = admitted;
        doc.discharged = discharged;
        doc.items = {"<item id=\"1\" kind=\"service\" code=\"001109000010000\" date=\"" + admitted + "\"/>"};
        return doc;
    };
    Doc earlier = stay("ZY-A", "2026-11-01", "2026-11-10");
    earlier.institution = "H52270100099";
    engine.ok(Doc(earlier).commit().str());

    SECTION("an overlapping stay fires") {
        Reply reply = check(engine, stay("ZY-B", "2026-11-05", "2026-11-12"));
        auto finding = reply.finding("ID-CONCURRENT");
        std::string message = finding.child_value("message");
        CHECK(contains(message, "ZY-A"));
        CHECK(contains(message, "H52270100099"));
        CHECK(contains(message, "2026-11-01"));
        CHECK(std::string(finding.attribute("points").value()) == "6");
        // Inside, around, and a same-day stay within it.
        CHECK(check(engine, stay("ZY-B", "2026-11-02", "2026-11-03")).fired("ID-CONCURRENT"));
        CHECK(check(engine, stay("ZY-B", "2026-10-20", "2026-11-20")).fired("ID-CONCURRENT"));
        CHECK(check(engine, stay("ZY-B", "2026-11-04", "2026-11-04")).fired("ID-CONCURRENT"));
        CHECK(check(engine, stay("ZY-B", "2026-10-25", "2026-11-02")).fired("ID-CONCURRENT"));
        // Not yet discharged: open-ended.
        CHECK(check(engine, stay("ZY-B", "2026-10-25", "")).fired("ID-CONCURRENT"));
    }
    SECTION("a transfer: discharged the day the other is admitted") {
        CHECK_FALSE(check(engine, stay("ZY-B", "2026-11-10", "2026-11-15")).fired("ID-CONCURRENT"));
        CHECK_FALSE(check(engine, stay("ZY-B", "2026-10-25", "2026-11-01")).fired("ID-CONCURRENT"));
        CHECK_FALSE(check(engine, stay("ZY-B", "2026-11-11", "")).fired("ID-CONCURRENT"));
        CHECK_FALSE(check(engine, stay("ZY-B", "2026-10-01", "2026-10-05")).fired("ID-CONCURRENT"));
    }
    SECTION("outpatient and emergency visits do not fire") {
        for (const char *type : {"outpatient", "emergency"}) {
            Doc visit;
            visit.type = type;
            visit.mode = "preaudit";
            visit.encounter = "MZ-B";
            visit.admitted = "2026-11-05";
            CHECK_FALSE(check(engine, visit).fired("ID-CONCURRENT"));
        }
    }
    SECTION("re-checking the same stay, or another patient's, does not fire") {
        Doc again = stay("ZY-A", "2026-11-01", "2026-11-10");
        again.institution = "H52270100099";
        CHECK_FALSE(check(engine, again).fired("ID-CONCURRENT"));
        // The same encounter id at another institution is another stay.
        CHECK(check(engine, stay("ZY-A", "2026-11-01", "2026-11-10")).fired("ID-CONCURRENT"));
        Doc other = stay("ZY-B", "2026-11-05", "");
        other.id = resident_id("52270119800101003");
        CHECK_FALSE(check(engine, other).fired("ID-CONCURRENT"));
    }
    SECTION("an open-ended committed stay overlaps everything after it") {
        engine.ok(stay("ZY-C", "2026-12-01", "").commit().str());
        Reply reply = check(engine, stay("ZY-D", "2027-03-15", "2027-03-20"));
        auto finding = reply.finding("ID-CONCURRENT");
        CHECK(contains(finding.child_value("message"), "ZY-C"));
        CHECK_FALSE(check(engine, stay("ZY-D", "2026-11-20", "2026-12-01")).fired("ID-CONCURRENT"));
    }
    SECTION("two overlapping stays are two findings") {
        engine.ok(stay("ZY-C", "2026-11-10", "").commit().str());
        CHECK(check(engine, stay("ZY-D", "2026-11-08", "2026-11-12")).count("ID-CONCURRENT") == 2);
    }
    SECTION("a retracted stay no longer overlaps") {
        engine.ok(R"(<retract encounter="ZY-A"/>)");
        CHECK_FALSE(check(engine, stay("ZY-B", "2026-11-05", "2026-11-12")).fired("ID-CONCURRENT"));
    }
}

TEST_CASE("PHYSICIAN-CODE", "[rules][physician]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.items.push_back(R"(<item id="2" kind="test" code="002501010150000" date="2026-11-23"/>)");

    SECTION("valid codes do not fire") {
        CHECK_FALSE(check(engine, doc).fired("PHYSICIAN-CODE"));
        doc.items.push_back(R"(<item id="3" kind="exam" code="003107010010000" date="2026-11-23" physician="D110105000001"/>)");
        CHECK_FALSE(check(engine, doc).fired("PHYSICIAN-CODE"));
    }
    SECTION("no physician on the document") {
        doc.physician.reset();
        auto reply = check(engine, doc);
        auto finding = reply.finding("PHYSICIAN-CODE");
        CHECK(std::string(finding.attribute("items").value()) == "1 2");
        CHECK(contains(finding.child_value("message"), "no physician code"));
        CHECK(std::string(finding.child("suggestion").attribute("action").value()) == "add-physician");
        // No profile deducts for a missing code (Qiannan 五(一) withholds payment instead): the texts say so.
        CHECK(std::string(finding.attribute("points").value()) == "0");
        CHECK(std::string(reply.root().child("physician").attribute("at-risk").value()) == "0");
        CHECK(contains(finding.child_value("message"), "may withhold payment"));
        doc.physician = "";
        CHECK(check(engine, doc).fired("PHYSICIAN-CODE"));
    }
    SECTION("items with their own physician are not listed under a missing document physician") {
        doc.physician.reset();
        doc.items.push_back(R"(<item id="3" kind="exam" code="003107010010000" date="2026-11-23" physician="D110105000001"/>)");
        auto reply = check(engine, doc);
        CHECK(std::string(reply.finding("PHYSICIAN-CODE").attribute("items").value()) == "1 2");
    }
    SECTION("a malformed document physician") {
        for (const char *code : {"D52270100012", "D5227010001234", "X522701000123", "d522701000123", "D52270100012A",
                                 "D002701000123", "522701000123"}) {
            INFO(code);
            doc.physician = code;
            auto reply = check(engine, doc);
            auto finding = reply.finding("PHYSICIAN-CODE");
            CHECK(contains(finding.child_value("message"), code));
            CHECK(contains(finding.child_value("message"), "malformed"));
        }
    }
    SECTION("an item's own physician, malformed or empty") {
        doc.items.push_back(R"(<item id="3" kind="exam" code="003107010010000" date="2026-11-23" physician="DR-WANG"/>)");
        doc.items.push_back(R"(<item id="4" kind="exam" code="002202010010000" date="2026-11-23" physician=""/>)");
        Reply reply = check(engine, doc);
        auto findings = reply.findings("PHYSICIAN-CODE");
        REQUIRE(findings.size() == 2);
        CHECK(std::string(findings[0].attribute("items").value()) == "3");
        CHECK(contains(findings[0].child_value("message"), "DR-WANG"));
        CHECK(std::string(findings[1].attribute("items").value()) == "4");
        CHECK(contains(findings[1].child_value("message"), "empty"));
        for (const auto &finding : findings) {
            CHECK(std::string(finding.attribute("points").value()) == "0");
            CHECK(contains(finding.child_value("message"), "may withhold its payment"));
        }
    }
}

TEST_CASE("points, at-risk and projected standing", "[rules][points]") {
    Scratch scratch;
    Engine engine(scratch.config);
    engine.ok(R"(<ledger><deduction physician="D522701000123" date="2026-02-01" points="4" notice="N1"/></ledger>)");
    Doc doc;
    doc.card = R"(name="李五")";  // ID-MISMATCH: 6 points
    doc.physician = "D522701000123";
    Reply reply = check(engine, doc);
    auto physician = reply.root().child("physician");
    CHECK(std::string(physician.attribute("deducted").value()) == "4");
    CHECK(std::string(physician.attribute("remaining").value()) == "8");
    CHECK(std::string(physician.attribute("at-risk").value()) == "6");
    // 4 + 6 = 10 points reach the national suspension threshold of 9.
    CHECK(std::string(physician.attribute("standing").value()) == "active");
    CHECK(std::string(physician.attribute("projected").value()) == "suspended");

    std::string id = reply.finding("ID-MISMATCH").attribute("id").value();
    engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id +
              "\" action=\"override\" reason=\"本人已当面核验\"/></feedback>");
    auto after_feedback = check(engine, doc);
    physician = after_feedback.root().child("physician");
    CHECK(std::string(physician.attribute("at-risk").value()) == "0");
    CHECK(std::string(physician.attribute("projected").value()) == "active");
}

TEST_CASE("settlement mode blocks a warning that has no feedback", "[rules][settlement]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.card = R"(name="李五")";

    doc.mode = "preaudit";
    Reply preaudit = check(engine, doc);
    CHECK(preaudit.attr("status") == "warning");
    CHECK(std::string(preaudit.finding("ID-MISMATCH").attribute("severity").value()) == "warning");

    doc.mode = "settlement";
    Reply settlement = check(engine, doc);
    CHECK(settlement.attr("status") == "block");
    auto finding = settlement.finding("ID-MISMATCH");
    CHECK(std::string(finding.attribute("severity").value()) == "block");
    std::string id = finding.attribute("id").value();
    CHECK(id == preaudit.finding("ID-MISMATCH").attribute("id").value());

    SECTION("accepted: stays a warning") {
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id + "\" action=\"accept\"/></feedback>");
        Reply after = check(engine, doc);
        CHECK(after.attr("status") == "warning");
        CHECK(std::string(after.finding("ID-MISMATCH").attribute("severity").value()) == "warning");
        CHECK(std::string(after.finding("ID-MISMATCH").attribute("feedback").value()) == "accept");
    }
    SECTION("overridden: no longer counts") {
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id +
                  "\" action=\"override\" reason=\"已核验\"/></feedback>");
        Reply after = check(engine, doc);
        CHECK(after.attr("status") == "pass");
        CHECK(std::string(after.finding("ID-MISMATCH").attribute("overridden").value()) == "true");
    }
    SECTION("a clean document passes in settlement") {
        Doc clean;
        clean.mode = "settlement";
        CHECK(check(engine, clean).attr("status") == "pass");
    }
}
