// CONSENT-MISSING: a class C (wholly self-paid) or non-catalog item without a
// signed <consent> covering it, outside emergency and rescue care; a code no
// catalogue knows is non-catalog only under a complete catalogue, else unknown.
#include <iterator>

#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::replaced;
using test::Reply;
using test::Scratch;

#ifndef MEDLINT_DEFAULT_PACK
#error "MEDLINT_DEFAULT_PACK must name rules/default (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

// Lines of the default pack's catalog (rules/default/catalog.csv).
const std::string kMetformin =  // class A
    R"(<item id="1" kind="drug" code="XA10BAA002A001010101445" name="二甲双胍片" quantity="1" price="12.50" days="7" date="2026-11-23"/>)";
const std::string kSacubitril =  // class B
    R"(<item id="2" kind="drug" code="XC09DXS255A001010101606" name="沙库巴曲缬沙坦钠片" quantity="1" price="98.00" days="7" date="2026-11-23"/>)";
const std::string kMinoxidil =  // class C drug
    R"(<item id="3" kind="drug" code="XD11AXM098G001010100123" name="米诺地尔搽剂" quantity="1" price="98.00" days="30" date="2026-11-23"/>)";
const std::string kGeneTest =  // class C test
    R"(<item id="4" kind="test" code="002505000990000" name="肿瘤多基因检测" price="3200.00" date="2026-11-23"/>)";
const std::string kLens =  // class C material
    R"(<item id="5" kind="material" code="C1403010020000000002" name="进口可折叠人工晶体" price="6800.00" date="2026-11-23"/>)";
const std::string kDressing =  // in no catalog
    R"(<item id="6" kind="material" code="C9999990000000000001" name="院内自购敷料" price="45.00" date="2026-11-23"/>)";
const std::string kNoName =  // in no catalog, and without a name
    R"(<item id="7" kind="service" code="009999000010000" price="30.00" date="2026-11-23"/>)";

// With a hypertension diagnosis, the indication 沙库巴曲缬沙坦钠片 is paid for (LIMIT-INDICATION).
Doc with_items(std::vector<std::string> items, std::string consents = "") {
    Doc doc;
    doc.diagnoses.push_back(R"(<diagnosis code="I10.x00" name="原发性高血压"/>)");
    doc.items = std::move(items);
    doc.extra = std::move(consents);
    return doc;
}

std::string consent(const std::string &attributes) { return "  <consent id=\"C1\" " + attributes + "/>\n"; }

// A scratch configuration whose catalogue is complete: the default pack and a
// hospital pack that declares complete="true" and adds no row, so a code the
// default sample lacks is non-catalog.
struct CompleteCatalogue : Scratch {
    CompleteCatalogue() {
        test::write_pack(*this, "hospital", {{"pack.xml", "<pack id=\"hospital\" version=\"1\" complete=\"true\"/>"}});
        test::use_packs(*this, {MEDLINT_DEFAULT_PACK, "hospital"});
    }
};


size_t characters(const std::string &text) {
    size_t count = 0;
    for (unsigned char c : text) count += (c & 0xC0) != 0x80;
    return count;
}

std::string items_of(const Reply &reply) {
    std::string out;
    for (auto finding : reply.findings("CONSENT-MISSING")) out += attr(finding, "items") + " ";
    return out;
}

}  // namespace

TEST_CASE("CONSENT-MISSING fires on class C and non-catalog items without consent", "[rules][consent]") {
    CompleteCatalogue scratch;
    Engine engine(scratch.config);

    SECTION("catalog items of class A and B need no consent") {
        Reply reply = check(engine, with_items({kMetformin, kSacubitril}));
        CHECK_FALSE(reply.fired("CONSENT-MISSING"));
        CHECK(reply.attr("status") == "pass");
    }
    SECTION("class C: a drug, a test and a material") {
        Reply reply = check(engine, with_items({kMetformin, kMinoxidil, kGeneTest, kLens}));
        CHECK(items_of(reply) == "3 4 5 ");
        for (auto finding : reply.findings("CONSENT-MISSING")) {
            CHECK(attr(finding, "severity") == "warning");
            CHECK(attr(finding, "certainty") == "definite");
            CHECK(attr(finding, "points") == "1");
            CHECK(attr(finding, "overridden") == "false");
            CHECK(attr(finding.child("suggestion"), "action") == "obtain-consent");
            CHECK(contains(finding.child_value("message"), "class C (wholly self-paid)"));
            CHECK(contains(finding.child_value("evidence"), "The class is C"));
        }
        CHECK(contains(reply.findings("CONSENT-MISSING")[0].child_value("message"), "米诺地尔搽剂"));
        CHECK(reply.attr("status") == "warning");
        CHECK(reply.root().child("physician").attribute("at-risk").as_int() == 3);  // one case per item
    }
    SECTION("a code that no catalog holds") {
        Reply reply = check(engine, with_items({kDressing, kNoName}));
        auto findings = reply.findings("CONSENT-MISSING");
        REQUIRE(findings.size() == 2);
        CHECK(attr(findings[0], "items") == "6");
        CHECK(std::string(findings[0].child_value("message")) ==
              "院内自购敷料 (C9999990000000000001) is not in the insurance catalog and has no consent signed by the "
              "patient");
        CHECK(contains(findings[0].child_value("evidence"), "No loaded catalog holds code C9999990000000000001"));
        CHECK(attr(findings[1], "items") == "7");
        CHECK(contains(findings[1].child_value("message"), "009999000010000"));
        CHECK(attr(findings[1].child("suggestion"), "action") == "obtain-consent");
    }
    SECTION("in every mode; in settlement it blocks") {
        Doc doc = with_items({kMinoxidil});
        for (const char *mode : {"prescribing", "preaudit", "settlement"}) {
            doc.mode = mode;
            CHECK(check(engine, doc).fired("CONSENT-MISSING"));
        }
        CHECK(check(engine, doc).attr("status") == "block");
    }
    SECTION("an inpatient stay is not exempt") {
        Doc doc = with_items({kLens});
        doc.type = "inpatient";
        doc.encounter = "ZY20261123001";
        CHECK(check(engine, doc).fired("CONSENT-MISSING"));
    }
}

TEST_CASE("CONSENT-MISSING: a signed consent covering the item", "[rules][consent]") {
    CompleteCatalogue scratch;
    Engine engine(scratch.config);
    const std::vector<std::string> items{kMetformin, kMinoxidil, kGeneTest, kDressing};

    SECTION("signer and signing time: covered items pass, the others still fire") {
        for (const char *signer : {"patient", "guardian", "relative"}) {
            INFO(signer);
            Reply reply =
                check(engine, with_items(items, consent(std::string("signer=\"") + signer +
                                                        "\" signed=\"2026-11-23T09:10:00+08:00\" items=\"3 6\"")));
            CHECK(items_of(reply) == "4 ");
        }
    }
    SECTION("every item covered: pass") {
        Reply reply = check(engine, with_items(items, consent("signer=\"patient\" signed=\"2026-11-23T09:10:00+08:00\" "
                                                              "items=\"3 4 6\"")));
        CHECK_FALSE(reply.fired("CONSENT-MISSING"));
        CHECK(reply.attr("status") == "pass");
    }
    SECTION("two consents, one per item") {
        Reply reply = check(
            engine, with_items(items, consent("signer=\"patient\" signed=\"2026-11-23T09:10:00+08:00\" items=\"3\"") +
                                          "  <consent id=\"C2\" signer=\"relative\" "
                                          "signed=\"2026-11-23T09:12:00+08:00\" items=\"4,6\"/>\n"));
        CHECK_FALSE(reply.fired("CONSENT-MISSING"));
    }
    SECTION("a consent for another item does not cover this one") {
        Reply reply = check(
            engine, with_items(items, consent("signer=\"patient\" signed=\"2026-11-23T09:10:00+08:00\" items=\"1\"")));
        CHECK(items_of(reply) == "3 4 6 ");
    }
    SECTION("without a signer, without a time, or without both: unsigned") {
        for (const char *attributes : {"signed=\"2026-11-23T09:10:00+08:00\" items=\"3 4 6\"",
                                       "signer=\"patient\" items=\"3 4 6\"", "items=\"3 4 6\""}) {
            INFO(attributes);
            Reply reply = check(engine, with_items(items, consent(attributes)));
            auto findings = reply.findings("CONSENT-MISSING");
            REQUIRE(findings.size() == 3);
            for (auto finding : findings) {
                CHECK(contains(finding.child_value("message"), "lacks a signer or a signing time"));
                CHECK(contains(finding.child_value("evidence"), "no signer or no signed time"));
                CHECK(attr(finding.child("suggestion"), "action") == "obtain-consent");
            }
        }
    }
    SECTION("an unsigned consent beside a signed one that covers the item: covered") {
        Reply reply = check(engine, with_items(items, consent("signer=\"patient\" items=\"3 4 6\"") +
                                                          "  <consent id=\"C2\" signer=\"relative\" "
                                                          "signed=\"2026-11-23T09:12:00+08:00\" items=\"3 4 6\"/>\n"));
        CHECK_FALSE(reply.fired("CONSENT-MISSING"));
    }
    SECTION("a consent naming an item the document lacks is a request error") {
        Reply reply = engine.call(
            with_items(items, consent("signer=\"patient\" signed=\"2026-11-23T09:10:00+08:00\" items=\"9\"")).str());
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "\"9\""));
    }
}

TEST_CASE("CONSENT-MISSING exemptions: emergency and rescue", "[rules][consent]") {
    CompleteCatalogue scratch;
    Engine engine(scratch.config);
    Doc doc = with_items({kMinoxidil, kGeneTest, kDressing});
    REQUIRE(check(engine, doc).count("CONSENT-MISSING") == 3);

    SECTION("an emergency encounter") {
        doc.type = "emergency";
        doc.encounter = "JZ20261123001";
        CHECK_FALSE(check(engine, doc).fired("CONSENT-MISSING"));
    }
    SECTION("rescue care of an outpatient or an inpatient") {
        CHECK_FALSE(check(engine, replaced(doc.str(), "rescue=\"false\"", "rescue=\"true\"")).fired("CONSENT-MISSING"));
        doc.type = "inpatient";
        doc.encounter = "ZY20261123001";
        CHECK(check(engine, doc).fired("CONSENT-MISSING"));
        CHECK_FALSE(check(engine, replaced(doc.str(), "rescue=\"false\"", "rescue=\"true\"")).fired("CONSENT-MISSING"));
    }
}

TEST_CASE("CONSENT-MISSING: a code no catalogue knows is unknown unless a catalogue is complete", "[rules][consent][packs]") {
    Scratch scratch;  // the built-in packs: default and national, neither complete
    Engine engine(scratch.config);
    Reply reply = check(engine, with_items({kMinoxidil, kDressing, kNoName, replaced(kDressing, "id=\"6\"", "id=\"8\"")}));
    CHECK(items_of(reply) == "3 ");
    CHECK(reply.attr("unknown-codes") == "3");
    auto unknown = reply.root().children("unknown-code");
    REQUIRE(std::distance(unknown.begin(), unknown.end()) == 2);
    CHECK(attr(*unknown.begin(), "code") == "C9999990000000000001");
    CHECK(attr(*unknown.begin(), "items") == "6 8");
    CHECK(attr(*std::next(unknown.begin()), "code") == "009999000010000");
    CHECK(check(engine, with_items({kMetformin})).attr("unknown-codes") == "0");

    // The same pack declared complete: the codes are non-catalog, and none is unknown.
    std::string pack = scratch.dir.file("complete");
    std::filesystem::copy(MEDLINT_DEFAULT_PACK, pack);
    test::write_file(pack + "/pack.xml", "<pack id=\"default\" version=\"2026.11\" complete=\"true\"/>");
    test::use_packs(scratch, {"complete"});
    Engine hospital(scratch.config);
    Reply complete = check(hospital, with_items({kMinoxidil, kDressing, kNoName}));
    CHECK(items_of(complete) == "3 6 7 ");
    CHECK(complete.attr("unknown-codes") == "0");
    CHECK(complete.root().children("unknown-code").begin() == complete.root().children("unknown-code").end());

    test::write_file(pack + "/pack.xml", "<pack id=\"default\" version=\"2026.11\" complete=\"yes\"/>");
    Reply refused = hospital.call("<reload/>");
    CHECK(refused.code == MEDLINT_ECONFIG);
    CHECK(contains(refused.error(), "attribute complete is \"yes\"; expected true or false"));
}

TEST_CASE("CONSENT-MISSING: the HIS's insurance-class decides whether a line needs consent", "[rules][consent]") {
    Scratch scratch;
    Engine engine(scratch.config);
    auto with_class = [](const std::string &item, const char *insurance_class) {
        return replaced(item, " name=", std::string(" insurance-class=\"") + insurance_class + "\" name=");
    };
    // Class C by the HIS: an unknown code and a class A drug need consent (class-c).
    Reply c = check(engine, with_items({with_class(kDressing, "C"), with_class(kMetformin, "C")}));
    CHECK(items_of(c) == "6 1 ");
    for (auto finding : c.findings("CONSENT-MISSING")) CHECK(contains(finding.child_value("message"), "class C"));
    CHECK(c.attr("unknown-codes") == "1");
    // Class A or B by the HIS: a class C drug and an unknown code need none.
    Reply ab = check(engine, with_items({with_class(kMinoxidil, "B"), with_class(kDressing, "A")}));
    CHECK_FALSE(ab.fired("CONSENT-MISSING"));
    // Under a complete catalogue too.
    CompleteCatalogue complete;
    Engine hospital(complete.config);
    CHECK_FALSE(check(hospital, with_items({with_class(kDressing, "B")})).fired("CONSENT-MISSING"));
    CHECK(items_of(check(hospital, with_items({with_class(kDressing, "C")}))) == "6 ");
}

TEST_CASE("CONSENT-MISSING texts in zh and en, its ids and an override", "[rules][consent][texts]") {
    CompleteCatalogue scratch;
    Engine engine(scratch.config);
    Doc doc = with_items({kMinoxidil, kGeneTest, kDressing},
                         consent("signer=\"relative\" items=\"4\""));  // 3 class C, 4 unsigned, 6 non-catalog

    for (const char *lang : {"zh", "en"}) {
        INFO("lang " << lang);
        doc.lang = lang;
        Reply reply = check(engine, doc);
        auto findings = reply.findings("CONSENT-MISSING");
        REQUIRE(findings.size() == 3);
        for (auto finding : findings) {
            std::string message = finding.child_value("message");
            INFO(message);
            CHECK(characters(message) <= 140);
            CHECK(attr(finding.child("suggestion"), "action") == "obtain-consent");
            CHECK(!std::string(finding.child_value("suggestion")).empty());
            CHECK(!std::string(finding.child_value("basis")).empty());
            for (const char *part : {"message", "evidence", "suggestion"})
                CHECK_FALSE(contains(finding.child_value(part), "{"));
            CHECK(contains(message, "同意") == (std::string(lang) == "zh"));
        }
    }
    doc.lang = "zh";
    Reply zh = check(engine, doc);
    auto findings = zh.findings("CONSENT-MISSING");
    CHECK(std::string(findings[0].child_value("message")) ==
          "米诺地尔搽剂 为丙类（全自费）项目，未见患者签署的自费知情同意书");
    CHECK(std::string(findings[1].child_value("message")) ==
          "肿瘤多基因检测 的自费知情同意书缺少签署人或签署时间，视为未签署");
    CHECK(std::string(findings[2].child_value("message")) ==
          "院内自购敷料（C9999990000000000001）不在医保目录内，未见患者签署的自费知情同意书");

    // Three variants, three ids, the same on a recheck; an override sticks to its own finding.
    std::set<std::string> ids;
    for (auto finding : findings) ids.insert(attr(finding, "id"));
    CHECK(ids.size() == 3);
    std::string id = attr(findings[0], "id");
    check(
        engine,
        "<feedback physician=\"D522701000123\"><finding id=\"" + id +
            "\" action=\"override\" reason=\"患者口头同意，书面补签中\" reason-code=\"patient-request\"/></feedback>");
    Reply after = check(engine, doc);
    auto again = after.findings("CONSENT-MISSING");
    REQUIRE(again.size() == 3);
    CHECK(attr(again[0], "id") == id);
    CHECK(attr(again[0], "overridden") == "true");
    CHECK(attr(again[0], "reason-code") == "patient-request");
    CHECK(attr(again[1], "overridden") == "false");
    CHECK(after.root().child("physician").attribute("at-risk").as_int() == 2);
}
