// SURGERY-DISCOUNT on real knowledge points of 手术项目未按规定折价收费: the
// default pack's three sample surgeries (built in), the national pack's by
// folder, and packs that set another discount or none.
#include <filesystem>

#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;

#ifndef MEDLINT_NATIONAL_PACK
#error "MEDLINT_NATIONAL_PACK must name rules/national (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

// The default pack's sample rows, from the national pack (batch 2).
// 阑尾切除术: 胃肠手术组 (KP-18c6c6b41a4c9b78), 经腹直肠手术组 (KP-967fd9074bdeb862).
const char *const kAppendectomy = "003310030220000";
// 肠粘连松解术: 胃肠, 经腹直肠, 肝胆 and 女性生殖系统手术组, four points.
const char *const kAdhesiolysis = "003310030080000";
// 胆囊切除术: 肝胆手术组 only (KP-5dd9bb341c0eb75a).
const char *const kCholecystectomy = "003310060020000";

// A surgical line; `extra` holds list-price, operation and date as the case needs.
std::string surgery(const std::string &id, const char *code, const std::string &price, const std::string &extra) {
    return "<item id=\"" + id + "\" kind=\"treatment\" code=\"" + code + "\" price=\"" + price + "\"" + extra + "/>";
}
std::string in_op(const std::string &operation, const std::string &date = "2026-11-23") {
    return " operation=\"" + operation + "\" date=\"" + date + "\"";
}
std::string listed(const std::string &list_price, const std::string &operation = "OP1") {
    return " list-price=\"" + list_price + "\"" + in_op(operation);
}

Doc operation(std::vector<std::string> items) {
    Doc doc;
    doc.mode = "preaudit";
    doc.type = "inpatient";
    doc.admitted = "2026-11-21";
    doc.diagnoses = {"<diagnosis code=\"K35.800\" name=\"急性阑尾炎\" primary=\"true\"/>"};
    doc.items = std::move(items);
    return doc;
}

std::string evidence(const pugi::xml_node &finding) { return finding.child_value("evidence"); }

std::string cited_points(const pugi::xml_node &finding) {
    std::string out;
    for (auto basis : finding.children("basis"))
        if (!basis.attribute("kp").empty()) out += std::string(basis.attribute("kp").value()) + " ";
    return out;
}

}  // namespace

TEST_CASE("SURGERY-DISCOUNT: a clean document does not fire it", "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    Engine engine(scratch.config);
    CHECK_FALSE(check(engine, Doc{}.str()).fired("SURGERY-DISCOUNT"));
}

TEST_CASE("SURGERY-DISCOUNT with list prices: a later surgery above half its price", "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("appendectomy and adhesiolysis through one incision, both in full") {
        Reply reply = check(engine, operation({surgery("1", kAppendectomy, "780", listed("780")),
                                               surgery("2", kAdhesiolysis, "640", listed("640"))}));
        CHECK(reply.rules() == std::vector<std::string>{"SURGERY-DISCOUNT"});
        auto finding = reply.finding("SURGERY-DISCOUNT");
        CHECK(attr(finding, "items") == "2");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "points") == "1");
        CHECK(contains(reply.message("SURGERY-DISCOUNT"), "charged at 50% of its price, but 640.00 yuan was billed"));
        CHECK(contains(reply.message("SURGERY-DISCOUNT"), "(胃肠手术组)"));
        CHECK(contains(evidence(finding), "Code 003310030080000 is priced 640.00 yuan (item/@list-price)"));
        CHECK(contains(evidence(finding), "320.00 yuan at most; the main surgery, charged in full, is item 1"));
        CHECK(std::string(finding.child("suggestion").attribute("action").value()) == "reprice");
        CHECK(contains(finding.child_value("suggestion"), "320.00"));
        // Of the adhesiolysis's four points, the one of the group it shares with the appendectomy.
        CHECK(cited_points(finding) == "KP-8e7c9350a802eee8 ");
        CHECK(contains(evidence(finding), "NHSA knowledge point KP-8e7c9350a802eee8 (batch 2)"));
    }
    SECTION("compliant twin: the adhesiolysis at half its price, or within a fen of it") {
        for (const char *price : {"320", "320.01", "200"}) {
            Reply reply = check(engine, operation({surgery("1", kAppendectomy, "780", listed("780")),
                                                   surgery("2", kAdhesiolysis, price, listed("640"))}));
            INFO(price);
            CHECK_FALSE(reply.fired("SURGERY-DISCOUNT"));
        }
        Reply above = check(engine, operation({surgery("1", kAppendectomy, "780", listed("780")),
                                               surgery("2", kAdhesiolysis, "320.05", listed("640"))}));
        CHECK(above.fired("SURGERY-DISCOUNT"));
    }
    SECTION("the main surgery is the dearer by list price, whatever the line order or the price billed") {
        Reply reply = check(engine, operation({surgery("1", kAdhesiolysis, "640", listed("640")),
                                               surgery("2", kAppendectomy, "390", listed("780"))}));
        auto finding = reply.finding("SURGERY-DISCOUNT");
        CHECK(attr(finding, "items") == "1");
        CHECK(contains(evidence(finding), "is item 2"));
    }
    SECTION("of equal prices the first line is the main one") {
        Reply reply = check(engine, operation({surgery("1", kAdhesiolysis, "700", listed("700")),
                                               surgery("2", kAppendectomy, "700", listed("700"))}));
        CHECK(attr(reply.finding("SURGERY-DISCOUNT"), "items") == "2");
    }
    SECTION("zh texts") {
        Doc doc = operation({surgery("1", kAppendectomy, "780", listed("780")),
                             surgery("2", kAdhesiolysis, "640", listed("640"))});
        doc.lang = "zh";
        Reply reply = check(engine, doc);
        CHECK(contains(reply.message("SURGERY-DISCOUNT"), "应按 50% 折价收费，却收取 640.00 元"));
        CHECK(contains(evidence(reply.finding("SURGERY-DISCOUNT")), "国家医保知识点 KP-8e7c9350a802eee8"));
    }
}

TEST_CASE("SURGERY-DISCOUNT without a list price compares with the main surgery's price, suspected",
          "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    Engine engine(scratch.config);

    Reply full = check(engine, operation({surgery("1", kAppendectomy, "780", in_op("OP1")),
                                          surgery("2", kAdhesiolysis, "640", in_op("OP1"))}));
    auto finding = full.finding("SURGERY-DISCOUNT");
    CHECK(attr(finding, "items") == "2");
    CHECK(attr(finding, "certainty") == "suspected");
    CHECK(contains(evidence(finding), "no list price for code 003310030080000"));
    CHECK(contains(evidence(finding), "charged in full at 780.00 yuan"));
    CHECK(contains(evidence(finding), "50% of that, 390.00 yuan, at most"));

    // A discounted adhesiolysis is under half the appendectomy's price.
    CHECK_FALSE(check(engine, operation({surgery("1", kAppendectomy, "780", in_op("OP1")),
                                         surgery("2", kAdhesiolysis, "320", in_op("OP1"))}))
                    .fired("SURGERY-DISCOUNT"));
    // A line's own list price, where it gives one, is what it is held to.
    Reply own = check(engine, operation({surgery("1", kAppendectomy, "780", in_op("OP1")),
                                         surgery("2", kAdhesiolysis, "380", listed("640"))}));
    CHECK(attr(own.finding("SURGERY-DISCOUNT"), "certainty") == "definite");
}

TEST_CASE("SURGERY-DISCOUNT: only different surgeries of one group in one operation count",
          "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    Engine engine(scratch.config);
    auto fired = [&](std::vector<std::string> items) {
        return check(engine, operation(std::move(items))).fired("SURGERY-DISCOUNT");
    };

    // Other operations, another day, no operation at all: nothing shared an incision.
    CHECK_FALSE(fired({surgery("1", kAppendectomy, "780", listed("780", "OP1")),
                       surgery("2", kAdhesiolysis, "640", listed("640", "OP2"))}));
    CHECK_FALSE(fired({surgery("1", kAppendectomy, "780", listed("780")),
                       surgery("2", kAdhesiolysis, "640",
                               " list-price=\"640\"" + in_op("OP1", "2026-11-24"))}));
    CHECK_FALSE(fired({surgery("1", kAppendectomy, "780", " list-price=\"780\" date=\"2026-11-23\""),
                       surgery("2", kAdhesiolysis, "640", " list-price=\"640\" date=\"2026-11-23\"")}));
    // Groups shared by none: an appendectomy (胃肠, 经腹直肠) and a cholecystectomy (肝胆).
    CHECK_FALSE(fired({surgery("1", kCholecystectomy, "900", listed("900")),
                       surgery("2", kAppendectomy, "780", listed("780"))}));
    // The same surgery twice is not two different surgeries.
    CHECK_FALSE(fired({surgery("1", kAppendectomy, "780", listed("780")),
                       surgery("2", kAppendectomy, "780", listed("780"))}));

    // A cholecystectomy and an adhesiolysis share 肝胆手术组.
    Reply liver = check(engine, operation({surgery("1", kCholecystectomy, "900", listed("900")),
                                           surgery("2", kAdhesiolysis, "640", listed("640"))}));
    CHECK(contains(liver.message("SURGERY-DISCOUNT"), "(肝胆手术组)"));
    CHECK(cited_points(liver.finding("SURGERY-DISCOUNT")) == "KP-57bc6cc8f99cdd6b ");

    // Three: the appendectomy and the cholecystectomy are each the main surgery of their own group,
    // and the adhesiolysis is later than the dearer one it shares a group with.
    Reply three = check(engine, operation({surgery("1", kAppendectomy, "780", listed("780")),
                                           surgery("2", kCholecystectomy, "900", listed("900")),
                                           surgery("3", kAdhesiolysis, "640", listed("640"))}));
    auto finding = three.finding("SURGERY-DISCOUNT");
    CHECK(attr(finding, "items") == "3");
    CHECK(contains(evidence(finding), "is item 2"));
}

TEST_CASE("SURGERY-DISCOUNT on the national pack's surgeries", "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    test::use_packs(scratch, {MEDLINT_DEFAULT_PACK, MEDLINT_NATIONAL_PACK});
    Engine engine(scratch.config);

    // KP-fc303c43b35a3dac 食管癌根治+结肠代食管术 and KP-7609f21f0a6a5261 食管裂孔疝修补术, both 胃肠手术组.
    Reply reply = check(engine, operation({surgery("1", "003310010140000", "2600", listed("2600")),
                                           surgery("2", "003307030340000", "1500", listed("1500"))}));
    auto finding = reply.finding("SURGERY-DISCOUNT");
    CHECK(attr(finding, "items") == "2");
    CHECK(cited_points(finding) == "KP-7609f21f0a6a5261 ");
    CHECK(contains(evidence(finding), "batch 2"));
    // Its compliant twin, and a bladder surgery (膀胱尿道手术组, KP-6660b2ce11d1cc30) in the same operation.
    CHECK_FALSE(check(engine, operation({surgery("1", "003310010140000", "2600", listed("2600")),
                                         surgery("2", "003307030340000", "750", listed("1500"))}))
                    .fired("SURGERY-DISCOUNT"));
    CHECK_FALSE(check(engine, operation({surgery("1", "003310010140000", "2600", listed("2600")),
                                         surgery("2", "003311030010000", "1200", listed("1200"))}))
                    .fired("SURGERY-DISCOUNT"));
}

TEST_CASE("SURGERY-DISCOUNT: the pack sets the discount, and without one the rule is silent",
          "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    const std::vector<std::string> items = {surgery("1", kAppendectomy, "780", listed("780")),
                                            surgery("2", kAdhesiolysis, "450", listed("640"))};

    SECTION("a province charging later surgeries at 70%") {
        test::write_pack(scratch, "province",
                         {{"pack.xml", "<pack id=\"province\" version=\"1\"/>"},
                          {"limits.csv", "limit,value\nlater_surgery_percent,70\n"}});
        test::use_packs(scratch, {MEDLINT_DEFAULT_PACK, "province"});
        Engine engine(scratch.config);
        Reply reply = check(engine, operation(items));  // 450 is above 70% of 640, 448
        CHECK(contains(reply.message("SURGERY-DISCOUNT"), "charged at 70% of its price"));
        CHECK_FALSE(check(engine, operation({items[0], surgery("2", kAdhesiolysis, "448", listed("640"))}))
                        .fired("SURGERY-DISCOUNT"));
    }
    SECTION("a copy of the default pack without later_surgery_percent") {
        std::string pack = scratch.dir.file("no-discount");
        std::filesystem::copy(MEDLINT_DEFAULT_PACK, pack);
        std::string limits = test::read_file(pack + "/limits.csv");
        limits.erase(limits.find("later_surgery_percent"));
        test::write_file(pack + "/limits.csv", limits);
        test::use_packs(scratch, {"no-discount"});
        Engine engine(scratch.config);
        CHECK_FALSE(check(engine, operation(items)).fired("SURGERY-DISCOUNT"));
        // With the rate back but no knowledge_points.csv loaded, every point of the row is cited.
        test::write_file(pack + "/limits.csv", limits + "later_surgery_percent,50\n");
        Engine restored(scratch.config);
        Reply reply = check(restored, operation(items));
        CHECK(cited_points(reply.finding("SURGERY-DISCOUNT")).empty());  // no loaded point to quote
        CHECK(contains(evidence(reply.finding("SURGERY-DISCOUNT")),
                       "KP-8e7c9350a802eee8 KP-38ccbb33141cb870 KP-57bc6cc8f99cdd6b KP-ffa43734e41f254e (batch 2 2 2 2)"));
    }
    SECTION("a percent out of range refuses the pack") {
        std::string error = test::refused_table(scratch, MEDLINT_DEFAULT_PACK, "limits.csv",
                                                "limit,value\nlater_surgery_percent,0\n");
        CHECK(contains(error, "limits.csv:2"));
        CHECK(contains(error, "is below 1"));
    }
    SECTION("a surgery without its group refuses the pack") {
        std::string error = test::refused_table(scratch, MEDLINT_DEFAULT_PACK, "surgery_groups.csv",
                                                "code,name,group\n003310030220000,阑尾切除术,\n");
        CHECK(contains(error, "surgery_groups.csv:2"));
        CHECK(contains(error, "group"));
    }
}

TEST_CASE("SURGERY-DISCOUNT: list-price is a number like price, and the rule runs at order entry too",
          "[rules][SURGERY-DISCOUNT]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Reply bad = engine.call(operation({surgery("1", kAppendectomy, "780", listed("七百八"))}).str());
    CHECK(bad.code == MEDLINT_EPARSE);
    CHECK(contains(bad.error(), "list-price"));
    CHECK(contains(bad.error(), "not a number from 0 to 1000000"));

    Doc order = operation({surgery("1", kAppendectomy, "780", listed("780")),
                           surgery("2", kAdhesiolysis, "640", listed("640"))});
    order.mode = "prescribing";
    CHECK(check(engine, order).fired("SURGERY-DISCOUNT"));
}
