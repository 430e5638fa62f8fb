// Every operation of contract section 2 is parsed, validated and answered;
// schema errors are MEDLINT_EPARSE naming the element, attribute, problem and line.
#include "disguises.hpp"
#include "support.hpp"

using test::contains;
using test::Doc;
using test::Engine;
using test::line_of;
using test::Reply;
using test::Scratch;

namespace {

// A request that must fail as not the schema: the exact code, an <error>
// document agreeing with medlint_last_error(), and a message naming the line
// of `marker` and each of `parts`.
void expect_schema_error(const Engine &engine, const std::string &request, const std::string &marker,
                         std::initializer_list<const char *> parts) {
    Reply reply = engine.call(request);
    INFO("request:\n" << request);
    INFO("response: " << reply.text);
    CHECK(reply.code == MEDLINT_EPARSE);
    REQUIRE(reply.well_formed);
    CHECK(reply.root_name() == "error");
    CHECK(reply.attr("code") == "-2");
    CHECK(reply.error() == medlint_last_error());
    int line = line_of(request, marker);
    REQUIRE(line > 0);
    CHECK(contains(reply.error(), "line " + std::to_string(line)));
    for (const char *part : parts) CHECK(contains(reply.error(), part));
    // The line as an attribute too, and what is wrong without it; a request is no file.
    CHECK(reply.attr("line") == std::to_string(line));
    CHECK(reply.attr("file").empty());
    CHECK_FALSE(reply.attr("problem").empty());
    CHECK(contains(reply.error(), reply.attr("problem")));
}

std::string replace(std::string text, const std::string &from, const std::string &to) {
    size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

const char *const kLedger = R"(<ledger>
  <deduction physician="D522701000123" date="2026-03-02" points="3" notice="QN-2026-015" violation="重复检查"/>
  <bonus physician="D522701000123" date="2026-05-10" points="2" notice="QN-2026-031" reason="表彰"/>
  <repair physician="D522701000123" date="2026-06-01" points="1" notice="TJ-2026-100" reason="培训"/>
  <reversal notice="QN-2026-015" date="2026-03-20"/>
  <sanction physician="D522701000123" kind="suspension" from="2026-09-01" to="2026-11-30" notice="QN-2026-077"/>
</ledger>)";

}  // namespace

TEST_CASE("every operation is answered with its result document", "[requests]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("check") {
        Reply reply = engine.ok(Doc{}.str());
        CHECK(reply.root_name() == "check-result");
        CHECK(reply.attr("status") == "pass");
        CHECK(reply.attr("mode") == "prescribing");
        CHECK(reply.attr("engine") == medlint_version());
        CHECK(reply.attr("rules") == "default 2026.11; national 2026.06");
        CHECK_FALSE(reply.attr("elapsed-us").empty());
        CHECK(reply.root().attribute("committed").empty());
        CHECK(reply.findings().empty());
        auto physician = reply.root().child("physician");
        CHECK(std::string(physician.attribute("code").value()) == "D522701000123");
        CHECK(std::string(physician.attribute("year").value()) == "2026");
        CHECK(std::string(physician.attribute("remaining").value()) == "12");
        CHECK(std::string(physician.attribute("standing").value()) == "active");
        CHECK(std::string(physician.attribute("at-risk").value()) == "0");
        CHECK(std::string(physician.attribute("projected").value()) == "active");
    }
    SECTION("check in every mode") {
        for (const char *mode : {"prescribing", "preaudit", "settlement"}) {
            Doc doc;
            doc.mode = mode;
            CHECK(engine.ok(doc.str()).attr("mode") == mode);
        }
    }
    SECTION("commit") {
        Doc doc;
        doc.items.push_back(
            R"(<item id="2" kind="test" code="002501010150000" name="血常规" quantity="1" price="20" date="2026-11-23"/>)");
        Reply reply = engine.ok(doc.commit().str());
        CHECK(reply.root_name() == "check-result");
        CHECK(reply.attr("committed") == "2");
        CHECK(test::store_int(scratch.store, "SELECT count(*) FROM items") == 2);
    }
    SECTION("retract") {
        engine.ok(Doc{}.commit().str());
        Reply reply = engine.ok(R"(<retract encounter="MZ20261123001"/>)");
        CHECK(reply.root_name() == "retract-result");
        CHECK(reply.attr("encounter") == "MZ20261123001");
        CHECK(reply.attr("removed") == "1");
    }
    SECTION("feedback") {
        Reply reply = engine.ok(R"(<feedback physician="D522701000123" time="2026-11-23T09:31:00+08:00">
  <finding id="f-0123456789abcdef" action="override" reason="病情变化，需复查"/>
  <finding id="f-fedcba9876543210" action="accept"/>
  <finding id="f-0000000000000000" action="override" reason-code="condition-changed"/>
</feedback>)");
        CHECK(reply.root_name() == "feedback-result");
        CHECK(reply.attr("recorded") == "3");
    }
    SECTION("ledger") {
        Reply reply = engine.ok(kLedger);
        CHECK(reply.root_name() == "ledger-result");
        CHECK(reply.attr("entries") == "5");
        CHECK(reply.attr("changed") == "5");
        CHECK(reply.attr("unchanged") == "0");
    }
    SECTION("physician-status") {
        engine.ok(kLedger);
        Reply reply = engine.ok(R"(<physician-status code="D522701000123" date="2026-11-23"/>)");
        CHECK(reply.root_name() == "physician-status-result");
        CHECK(reply.attr("code") == "D522701000123");
        CHECK(reply.attr("year") == "2026");
        CHECK(reply.attr("standing") == "suspended");
        CHECK(reply.attr("until") == "2026-11-30");
        CHECK(std::distance(reply.root().children("entry").begin(), reply.root().children("entry").end()) == 4);
        CHECK(reply.root().attribute("at-risk").empty());
    }
    SECTION("audit-log-verify") {
        engine.ok(Doc{}.str());
        Reply reply = engine.ok("<audit-log-verify/>");
        CHECK(reply.root_name() == "audit-log-verify-result");
        CHECK(reply.attr("intact") == "true");
        CHECK(reply.attr("rows") == "1");
    }
    SECTION("lang chooses the message language") {
        Doc doc;
        doc.card = R"(id="522701198001010011" name="李五")";
        CHECK(contains(engine.ok(doc.str()).messages("ID-MISMATCH"), "differs from"));
        doc.lang = "zh";
        CHECK(contains(engine.ok(doc.str()).messages("ID-MISMATCH"), "不一致"));
        doc.lang = "";  // the configured default, zh
        CHECK(contains(engine.ok(doc.str()).messages("ID-MISMATCH"), "不一致"));
    }
}

TEST_CASE("schema errors name the element, the attribute, the problem and the line", "[requests][errors]") {
    Scratch scratch;
    Engine engine(scratch.config);
    const std::string doc = Doc{}.str();

    SECTION("an impossible date") {
        std::string request = replace(doc, "date=\"2026-11-23\"/>", "date=\"2026-02-30\"/>");
        expect_schema_error(engine, request, "2026-02-30", {"<item>", "attribute date", "2026-02-30", "not a real date"});
    }
    SECTION("a date in the wrong form") {
        std::string request = replace(doc, "admitted=\"2026-11-23\"", "admitted=\"2026/11/23\"");
        expect_schema_error(engine, request, "2026/11/23", {"<encounter>", "attribute admitted", "YYYY-MM-DD"});
    }
    SECTION("a time without offset") {
        std::string request = replace(doc, "time=\"2026-11-23T09:30:00+08:00\"", "time=\"2026-11-23T09:30:00\"");
        expect_schema_error(engine, request, "<check", {"<check>", "attribute time", "offset"});
    }
    SECTION("a missing required attribute") {
        std::string request = replace(doc, "code=\"XA10BAA002A001010101445\" ", "");
        expect_schema_error(engine, request, "<item", {"<item>", "attribute code", "required but missing"});
    }
    SECTION("an empty required attribute") {
        std::string request = replace(doc, "id=\"522701198001010011\" name", "id=\"\" name");
        expect_schema_error(engine, request, "<patient", {"<patient>", "attribute id", "empty"});
    }
    SECTION("a value outside its list") {
        std::string request = replace(doc, "type=\"outpatient\"", "type=\"clinic\"");
        expect_schema_error(engine, request, "<encounter", {"<encounter>", "attribute type", "clinic", "inpatient"});
    }
    SECTION("an unknown mode") {
        std::string request = replace(doc, "mode=\"prescribing\"", "mode=\"audit\"");
        expect_schema_error(engine, request, "<check", {"<check>", "attribute mode", "audit", "settlement"});
    }
    SECTION("an insurance class or institution level outside its list") {
        expect_schema_error(engine, replace(doc, "days=\"7\"", "days=\"7\" insurance-class=\"甲\""), "<item",
                            {"<item>", "attribute insurance-class", "甲", "A, B, C"});
        expect_schema_error(engine, replace(doc, "level=\"3\"", "level=\"三级\""), "<institution",
                            {"<institution>", "attribute level", "三级", "1, 2, 3"});
    }
    SECTION("an unknown gender") {
        std::string request = replace(doc, "gender=\"M\"", "gender=\"X\"");
        expect_schema_error(engine, request, "<patient", {"<patient>", "attribute gender", "\"X\""});
    }
    SECTION("a negative or non-numeric quantity, too many days") {
        expect_schema_error(engine, replace(doc, "quantity=\"2\"", "quantity=\"-2\""), "<item",
                            {"<item>", "attribute quantity", "not a number from 0 to 1000000"});
        expect_schema_error(engine, replace(doc, "quantity=\"2\"", "quantity=\"two\""), "<item",
                            {"<item>", "attribute quantity", "two"});
        expect_schema_error(engine, replace(doc, "days=\"7\"", "days=\"99999\""), "<item",
                            {"<item>", "attribute days", "99999"});
    }
    SECTION("a boolean that is not one") {
        expect_schema_error(engine, replace(doc, "rescue=\"false\"", "rescue=\"maybe\""), "<encounter",
                            {"<encounter>", "attribute rescue", "maybe"});
    }
    SECTION("a discharge before the admission") {
        Doc stay;
        stay.type = "inpatient";
        stay.admitted = "2026-11-20";
        stay.discharged = "2026-11-10";
        std::string request = stay.str();
        expect_schema_error(engine, request, "<encounter", {"<encounter>", "attribute discharged", "before"});
    }
    SECTION("an inpatient stay without admission") {
        Doc stay;
        stay.type = "inpatient";
        stay.admitted = "";
        expect_schema_error(engine, stay.str(), "<encounter", {"<encounter>", "attribute admitted", "required"});
    }
    SECTION("an unknown root, which the error names") {
        expect_schema_error(engine, "<query code=\"x\"/>", "<query", {"<query>", "is not an operation"});
        Reply query = engine.call("<query code=\"x\"/>");
        CHECK(query.attr("root") == "query");
        // Only a refusal for the root names it: a broken operation is a broken request.
        Reply broken = engine.call("<check/>");
        CHECK(broken.code == MEDLINT_EPARSE);
        CHECK(broken.attr("root").empty());
    }
    SECTION("a missing or repeated element") {
        std::string request = replace(doc, "<patient ", "<person ");
        request = replace(request, "</patient>", "</person>");
        expect_schema_error(engine, request, "<check", {"<check>", "<patient>", "required"});
        std::string twice = replace(doc, "<encounter ", "<encounter id=\"X\" type=\"outpatient\"/>\n  <encounter ");
        expect_schema_error(engine, twice, "<encounter id=\"MZ", {"<encounter>", "more than once"});
    }
    SECTION("a duplicate item id") {
        Doc two;
        two.items.push_back(R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)");
        std::string request = two.str();
        expect_schema_error(engine, request, "kind=\"test\"", {"<item>", "attribute id", "\"1\"", "earlier item"});
    }
    SECTION("a consent naming an unknown item") {
        Doc consent;
        consent.extra = "  <consent id=\"C1\" signer=\"patient\" signed=\"2026-11-23T09:10:00+08:00\" items=\"1 9\"/>\n";
        expect_schema_error(engine, consent.str(), "<consent", {"<consent>", "attribute items", "\"9\""});
    }
    SECTION("a consent with an unknown signer") {
        Doc consent;
        consent.extra = "  <consent id=\"C1\" signer=\"neighbour\" signed=\"2026-11-23T09:10:00+08:00\" items=\"1\"/>\n";
        expect_schema_error(engine, consent.str(), "<consent", {"<consent>", "attribute signer", "neighbour"});
    }
    SECTION("an item without a date in a document without time") {
        Doc undated;
        undated.time = "";
        undated.items = {R"(<item id="1" kind="drug" code="XA10BAA002A001010101445"/>)"};
        std::string request = replace(undated.str(), " time=\"\"", "");
        expect_schema_error(engine, request, "<item", {"<item>", "attribute date", "required"});
    }
    SECTION("override feedback without reason") {
        std::string request = "<feedback physician=\"D522701000123\">\n"
                               "  <finding id=\"f-1\" action=\"accept\"/>\n"
                               "  <finding id=\"f-2\" action=\"override\"/>\n</feedback>";
        expect_schema_error(engine, request, "f-2", {"<finding>", "attribute reason", "override"});
    }
    SECTION("feedback: other needs a reason, codes must be known, actions are two") {
        expect_schema_error(engine,
                            "<feedback physician=\"D1\">\n<finding id=\"f\" action=\"override\" reason-code=\"other\"/>"
                            "</feedback>",
                            "<finding", {"<finding>", "attribute reason", "other"});
        expect_schema_error(engine,
                            "<feedback physician=\"D1\">\n<finding id=\"f\" action=\"override\" "
                            "reason-code=\"bored\"/></feedback>",
                            "<finding", {"<finding>", "reason-code", "bored"});
        expect_schema_error(engine, "<feedback physician=\"D1\">\n<finding id=\"f\" action=\"ignore\"/></feedback>",
                            "<finding", {"<finding>", "attribute action", "ignore"});
        expect_schema_error(engine, "<feedback physician=\"D1\"/>", "<feedback", {"<feedback>", "<finding>"});
        expect_schema_error(engine, "<feedback>\n<finding id=\"f\" action=\"accept\"/></feedback>", "<feedback",
                            {"<feedback>", "attribute physician"});
    }
    SECTION("a reversal of an unknown notice, and nothing of that ledger is kept") {
        std::string request = "<ledger>\n"
                              "  <deduction physician=\"D522701000123\" date=\"2026-03-02\" points=\"3\" "
                              "notice=\"QN-1\"/>\n"
                              "  <reversal notice=\"QN-404\" date=\"2026-03-20\"/>\n</ledger>";
        expect_schema_error(engine, request, "QN-404", {"<reversal>", "notice", "QN-404", "not in the ledger"});
        Reply status = engine.ok(R"(<physician-status code="D522701000123" date="2026-11-23"/>)");
        CHECK(status.root().child("entry").empty());
        CHECK(status.attr("deducted") == "0");
    }
    SECTION("ledger entries: points, kinds and dates") {
        expect_schema_error(engine,
                            "<ledger>\n<deduction physician=\"D1\" date=\"2026-03-02\" points=\"13\" notice=\"N\"/>"
                            "</ledger>",
                            "<deduction", {"<deduction>", "attribute points", "13"});
        expect_schema_error(engine,
                            "<ledger>\n<deduction physician=\"D1\" date=\"2026-03-02\" notice=\"N\"/></ledger>",
                            "<deduction", {"<deduction>", "attribute points", "missing"});
        expect_schema_error(engine, "<ledger>\n<fine physician=\"D1\" notice=\"N\"/></ledger>", "<fine",
                            {"<fine>", "not a ledger entry"});
        expect_schema_error(engine,
                            "<ledger>\n<sanction physician=\"D1\" kind=\"suspension\" from=\"2026-09-01\" "
                            "to=\"2026-08-01\" notice=\"N\"/></ledger>",
                            "<sanction", {"<sanction>", "attribute to", "before"});
        expect_schema_error(engine,
                            "<ledger>\n<sanction physician=\"D1\" kind=\"fine\" from=\"2026-09-01\" notice=\"N\"/>"
                            "</ledger>",
                            "<sanction", {"<sanction>", "attribute kind", "fine"});
        expect_schema_error(engine, "<ledger/>", "<ledger", {"<ledger>", "no entries"});
    }
    SECTION("physician-status and retract") {
        expect_schema_error(engine, "<physician-status code=\"D522701000123\" date=\"2026-02-29\"/>",
                            "<physician-status", {"<physician-status>", "attribute date", "2026-02-29"});
        expect_schema_error(engine, "<physician-status date=\"2026-02-28\"/>", "<physician-status",
                            {"<physician-status>", "attribute code"});
        expect_schema_error(engine, "<retract items=\"1\"/>", "<retract", {"<retract>", "attribute encounter"});
    }
    SECTION("root attributes: language and response encoding") {
        expect_schema_error(engine, replace(doc, "lang=\"en\"", "lang=\"fr\""), "<check",
                            {"<check>", "attribute lang", "fr"});
        expect_schema_error(engine, replace(doc, "lang=\"en\"", "lang=\"en\" response-encoding=\"Big5\""), "<check",
                            {"<check>", "attribute response-encoding", "Big5"});
    }
    SECTION("a request that is not well-formed names line and column") {
        std::string request = "<check>\n  <patient id=\"1\">\n  </patent>\n</check>";
        expect_schema_error(engine, request, "</patent>", {"not well-formed", "column"});
    }
    SECTION("nothing is recorded for a refused request") {
        std::string request = replace(Doc{}.commit().str(), "date=\"2026-11-23\"/>", "date=\"2026-11-31\"/>");
        CHECK(engine.call(request).code == MEDLINT_EPARSE);
        Reply verify = engine.ok("<audit-log-verify/>");
        CHECK(verify.attr("rows") == "0");
        CHECK(test::store_int(scratch.store, "SELECT count(*) FROM encounters") == 0);
    }
}

TEST_CASE("optional parts of a document take their documented defaults", "[requests]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("GB/T 2261.1 gender codes are accepted") {
        Doc doc;
        doc.gender = "1";
        doc.card = R"(id="522701198001010011" gender="M")";
        Reply reply = engine.ok(doc.str());
        CHECK_FALSE(reply.fired("ID-INVALID"));
        CHECK_FALSE(reply.fired("ID-MISMATCH"));
        doc.gender = "2";  // female: contradicts the id and the card
        reply = engine.ok(doc.str());
        CHECK(reply.fired("ID-INVALID"));
        CHECK(reply.fired("ID-MISMATCH"));
    }
    SECTION("items take the document's date and physician") {
        Doc doc;
        doc.items = {R"(<item id="1" kind="drug" code="XA10BAA002A001010101445" days="7"/>)"};
        engine.ok(doc.commit().str());
        CHECK(test::store_int(scratch.store,
                              "SELECT count(*) FROM items WHERE date = '2026-11-23' AND physician = 'D522701000123'") ==
              1);
    }
    SECTION("herbal pieces, prescriptions, insurance classes and levels are accepted, empty or absent") {
        Doc doc;
        doc.items = {R"(<item id="1" kind="herb" code="T0001" prescription="RX1" insurance-class="C"/>)",
                     R"(<item id="2" kind="drug" code="XA10BAA002A001010101445" prescription="" insurance-class=""/>)"};
        engine.ok(doc.str());
        engine.ok(replace(doc.str(), "level=\"3\"", "level=\"\""));
        engine.ok(replace(doc.str(), " level=\"3\"", ""));
    }
    SECTION("a minimal check") {
        Reply reply = engine.ok(R"(<check><patient id-type="other" id="X1"/><encounter id="E1" type="emergency"/></check>)");
        CHECK(reply.attr("mode") == "prescribing");
        CHECK(reply.fired("PHYSICIAN-CODE"));  // no physician at all
    }
}

TEST_CASE("medlint_call_as performs only the operation it names, however the request is disguised",
          "[requests][call-as]") {
    Scratch scratch;
    Engine engine(scratch.config);
    engine.ok(test::ascii_commit(test::kCommittedEncounter));
    std::string before = test::store_rows(scratch.store);
    REQUIRE(contains(before, "items 1,"));

    SECTION("check refuses every other write and only checks a commit, and the store keeps every row") {
        for (const auto &request : test::disguised_writes()) {
            INFO(request.name << ":\n" << request.bytes);
            Reply reply = engine.call_as("check", request.bytes);
            INFO(reply.text);
            std::string operation = request.name.substr(0, request.name.find('-'));
            if (operation == "commit") {
                CHECK(reply.code == MEDLINT_OK);
                CHECK(reply.root_name() == "check-result");
                CHECK(reply.attr("committed").empty());
            } else {
                CHECK(reply.code == MEDLINT_EPARSE);
                // The engine read the real root: the refusal names it, not a parse error.
                CHECK(reply.error() == "request is <" + operation + ">; this call performs only <check>");
                CHECK(reply.attr("root") == operation);
            }
            CHECK(test::store_rows(scratch.store) == before);
        }
        Reply verify = engine.ok("<audit-log-verify/>");
        CHECK(verify.attr("intact") == "true");
        Reply status = engine.ok(R"(<physician-status code="D522701000123" date="2026-11-02"/>)");
        CHECK(status.attr("deducted") == "0");
        CHECK(status.attr("standing") == "active");
    }
    SECTION("a <check> document sent as a commit is recorded") {
        std::string check = replace(replace(test::ascii_commit("MZ-RECORDED"), "<commit", "<check"), "</commit>",
                                    "</check>");
        Reply reply = engine.call_as("commit", check);
        REQUIRE(reply.code == MEDLINT_OK);
        CHECK(reply.attr("committed") == "1");
        CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM items") == 2);
    }
    SECTION("ledger refuses a disguised commit, and performs a ledger") {
        Reply commit = engine.call_as("ledger", "<!DOCTYPE l [<!ENTITY x \"><ledger>\">]>\n" +
                                                    test::ascii_commit("MZ-NOT-A-LEDGER"));
        CHECK(commit.code == MEDLINT_EPARSE);
        CHECK(commit.error() == "request is <commit>; this call performs only <ledger>");
        CHECK(commit.attr("root") == "commit");
        CHECK(test::store_rows(scratch.store) == before);
        Reply ledger = engine.call_as("ledger", R"(<ledger><deduction notice="N1" physician="D522701000123" )"
                                                R"(date="2026-11-01" points="2"/></ledger>)");
        CHECK(ledger.code == MEDLINT_OK);
        CHECK(ledger.attr("changed") == "1");
    }
    SECTION("another root is refused before the rest of the request is read") {
        // An empty ledger, a result: what a folder of records may hold besides them.
        for (const std::string root : {"ledger", "check-result"}) {
            Reply reply = engine.call_as("check", "<" + root + "/>");
            INFO(reply.text);
            CHECK(reply.code == MEDLINT_EPARSE);
            CHECK(reply.error() == "request is <" + root + ">; this call performs only <check>");
            CHECK(reply.attr("root") == root);
        }
        // A broken check is not refused for its root.
        Reply broken = engine.call_as("check", "<check/>");
        CHECK(contains(broken.error(), "<patient> is required"));
        CHECK(broken.attr("root").empty());
    }
    SECTION("a list of operations performs each as itself and refuses the others, naming them all") {
        const char *served = "check commit retract";
        Reply commit = engine.call_as(served, test::ascii_commit("MZ-LISTED"));
        REQUIRE(commit.code == MEDLINT_OK);
        CHECK(commit.attr("committed") == "1");
        Reply check = engine.call_as("retract  check", test::ascii_commit("MZ-AS-CHECK"));
        REQUIRE(check.code == MEDLINT_OK);
        CHECK(check.root_name() == "check-result");
        for (const std::string root : {"ledger", "store-copy", "pack-validate"}) {
            Reply refused = engine.call_as(served, "<!-- <check/> --><" + root + " to=\"x.xml\" path=\"/\"/>");
            CHECK(refused.code == MEDLINT_EPARSE);
            CHECK(refused.error() == "request is <" + root + ">; this call performs only <check>, <commit> or <retract>");
            CHECK(refused.attr("root") == root);
        }
        CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM items") == 2);
    }
    SECTION("a NULL operation is refused") {
        std::string request = test::ascii_commit("MZ-NULL");
        char *response = nullptr;
        CHECK(medlint_call_as(engine.get(), nullptr, request.data(), request.size(), &response) == MEDLINT_EINVAL);
        CHECK(contains(medlint_last_error(), "operation is NULL"));
        CHECK(response != nullptr);  // the <error> document
        medlint_free(response);
        CHECK(test::store_rows(scratch.store) == before);
    }
}

TEST_CASE("a finding says its line, whose points it risks and whether it stands; a result its service date",
          "[requests]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.admitted = "";
    doc.id = "522701198001010012";  // a wrong check digit: ID-INVALID, about the whole document
    doc.items.push_back(R"(<item id="2" kind="drug" code="XA10BAA002A001010101445" name="二甲双胍片" quantity="1" )"
                        R"(price="12.50" days="7" date="2026-11-21" physician="X1"/>)");
    std::string request = doc.str();
    Reply reply = engine.ok(request);
    // Without an admission date, the earliest item's date.
    CHECK(reply.attr("service-date") == "2026-11-21");
    pugi::xml_node invalid = reply.finding("ID-INVALID");
    CHECK(std::string(invalid.attribute("line").value()) == std::to_string(line_of(request, "<patient")));
    CHECK(std::string(invalid.attribute("physician").value()) == "D522701000123");
    CHECK(std::string(invalid.attribute("stands").value()) == "true");
    // The malformed code of item 2's own physician falls on that physician, at item 2's line.
    pugi::xml_node code = reply.finding("PHYSICIAN-CODE");
    CHECK(std::string(code.attribute("items").value()) == "2");
    CHECK(std::string(code.attribute("line").value()) == std::to_string(line_of(request, "<item id=\"2\"")));
    CHECK(std::string(code.attribute("physician").value()) == "X1");

    // An override lifts a warning: it no longer stands.
    engine.ok(R"(<feedback physician="D522701000123"><finding id=")" +
              std::string(invalid.attribute("id").value()) + R"(" action="override" reason="verified"/></feedback>)");
    Reply again = engine.ok(request);
    CHECK(std::string(again.finding("ID-INVALID").attribute("stands").value()) == "false");
}

TEST_CASE("a result names its encounter and physician, and each finding its items' names and amounts", "[requests]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.physician = "0457";  // not a national code: PHYSICIAN-CODE names every item of the document's physician
    // Without a quantity, once; the largest price and quantity, exact in fen.
    doc.items.push_back(R"(<item id="2" kind="service" code="001101000010000" name="普通门诊诊查费" price="7.30" )"
                        R"(date="2026-11-23"/>)");
    doc.items.push_back(R"(<item id="3" kind="material" code="C9999990000000000001" name="敷料" quantity="1000000" )"
                        R"(price="1000000" date="2026-11-23"/>)");
    Reply reply = engine.ok(doc.str());
    CHECK(reply.attr("encounter") == "MZ20261123001");
    pugi::xml_node physician = reply.root().child("physician");
    CHECK(test::attr(physician, "code") == "0457");
    CHECK(test::attr(physician, "name") == "王敏");
    CHECK(test::attr(physician, "dept") == "内科");
    pugi::xml_node finding = reply.finding("PHYSICIAN-CODE");
    REQUIRE(test::attr(finding, "items") == "1 2 3");
    std::vector<std::string> items;
    for (pugi::xml_node item : finding.children("item"))
        items.push_back(test::attr(item, "id") + " " + test::attr(item, "name") + " " + test::attr(item, "amount"));
    CHECK(items == std::vector<std::string>{"1 二甲双胍片 25.00", "2 普通门诊诊查费 7.30", "3 敷料 1000000000000.00"});

    SECTION("a document without a physician gives empty names") {
        doc.physician.reset();
        Reply anonymous = engine.ok(doc.str());
        CHECK(test::attr(anonymous.root().child("physician"), "name").empty());
        CHECK(test::attr(anonymous.root().child("physician"), "dept").empty());
    }
    SECTION("a finding about the whole document names no items") {
        doc.id = "522701198001010012";  // a wrong check digit: ID-INVALID
        Reply invalid = engine.ok(doc.str());
        CHECK_FALSE(invalid.finding("ID-INVALID").child("item"));
    }
}
