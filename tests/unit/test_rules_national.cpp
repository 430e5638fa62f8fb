// The rules of the national classes read from code tables: LIMIT-LEVEL,
// LIMIT-SETTING, LIMIT-INSURANCE, LIMIT-CHANNEL, HERBAL-EXCLUDED and
// HERBAL-SINGLE.  Each fires on real records of the national pack (stacked on
// the default pack by folder) and stays silent on the compliant twin, when
// the request lacks the field it needs, and on self-paid lines; a signed
// consent lowers the payment restrictions.
#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::item;
using test::National;
using test::replaced;
using test::Reply;
using test::Scratch;
using test::signed_consent;

#ifndef MEDLINT_DEFAULT_PACK
#error "MEDLINT_DEFAULT_PACK must name rules/default (set by tests/unit/CMakeLists.txt)"
#endif
#ifndef MEDLINT_NATIONAL_PACK
#error "MEDLINT_NATIONAL_PACK must name rules/national (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

// The document with these lines, its institution of `level` ("" for none) and
// these more attributes of <encounter>.
std::string request(std::vector<std::string> items, const std::string &level = "3",
                    const std::string &encounter = "", const std::string &type = "outpatient",
                    const std::string &extra = "") {
    Doc doc;
    doc.items = std::move(items);
    doc.type = type;
    doc.extra = extra;
    std::string text = replaced(doc.str(), " level=\"3\"", level.empty() ? "" : " level=\"" + level + "\"");
    return replaced(text, " rescue=\"false\"", " rescue=\"false\"" + encounter);
}

}  // namespace

TEST_CASE("LIMIT-LEVEL: a drug for level-2 institutions and above, billed by a level-1 institution",
          "[rules][national][LIMIT-LEVEL]") {
    National national;
    // 红花注射液, KP-73b2fafb737a865e (药品限医疗机构级别): 限二级及以上医疗机构。
    std::string safflower = item("1", "drug", "ZA12GAH0121010101799", "红花注射液");
    Reply reply = national.check(request({safflower}, "1"));
    REQUIRE(reply.fired("LIMIT-LEVEL"));
    pugi::xml_node finding = reply.finding("LIMIT-LEVEL");
    CHECK(attr(finding, "severity") == "warning");
    CHECK(attr(finding, "points") == "1");
    CHECK(contains(reply.message("LIMIT-LEVEL"), "institutions of level 2 or above, and this one is level 1"));
    CHECK(contains(finding.child_value("evidence"), "KP-73b2fafb737a865e"));

    SECTION("the compliant twin: a level-2 or level-3 institution") {
        CHECK_FALSE(national.check(request({safflower}, "2")).fired("LIMIT-LEVEL"));
        CHECK_FALSE(national.check(request({safflower}, "3")).fired("LIMIT-LEVEL"));
    }
    SECTION("silent without institution/@level") { CHECK_FALSE(national.check(request({safflower}, "")).fired("LIMIT-LEVEL")); }
    SECTION("a signed consent lowers it to info with no points") {
        Reply consented = national.check(request({safflower}, "1", "", "outpatient", signed_consent("1")));
        CHECK(attr(consented.finding("LIMIT-LEVEL"), "severity") == "info");
        CHECK(attr(consented.finding("LIMIT-LEVEL"), "points") == "0");
    }
    SECTION("a line the HIS bills as self-paid (class C) is not restricted") {
        std::string self_paid = item("1", "drug", "ZA12GAH0121010101799", "红花注射液", "2026-11-23", 0,
                                     " insurance-class=\"C\"");
        CHECK_FALSE(national.check(request({self_paid}, "1", "", "outpatient", signed_consent("1"))).fired("LIMIT-LEVEL"));
    }
    SECTION("雷珠单抗: 三级医院眼科或二级及以上眼科专科医院 is level 2 at least") {
        std::string ranibizumab = item("1", "drug", "XS01LAL328B002010104021", "雷珠单抗注射液");
        CHECK(national.check(request({ranibizumab}, "1")).fired("LIMIT-LEVEL"));
        CHECK_FALSE(national.check(request({ranibizumab}, "2")).fired("LIMIT-LEVEL"));
    }
}

TEST_CASE("LIMIT-SETTING: an inpatient-only drug at an outpatient visit, with the rest of its restriction quoted",
          "[rules][national][LIMIT-SETTING]") {
    National national;
    // 银杏达莫注射液, KP-edb2f4ead33d42fa (药品限就医方式): 限缺血性心脑血管疾病急性期住院患者，支付不超过14天。
    std::string dipyridamole = item("1", "drug", "XC02CXY165B002010102918", "银杏达莫注射液");
    Reply reply = national.check(request({dipyridamole}));
    REQUIRE(reply.fired("LIMIT-SETTING"));
    CHECK(contains(reply.message("LIMIT-SETTING"), "for inpatients only"));
    CHECK(contains(reply.finding("LIMIT-SETTING").child_value("evidence"), "限缺血性心脑血管疾病急性期住院患者"));
    CHECK(contains(reply.finding("LIMIT-SETTING").child_value("evidence"), "KP-edb2f4ead33d42fa"));

    SECTION("the compliant twin: an inpatient stay") {
        CHECK_FALSE(national.check(request({dipyridamole}, "3", "", "inpatient")).fired("LIMIT-SETTING"));
    }
    SECTION("emergency care does not pay an inpatient-only drug") {
        CHECK(national.check(request({dipyridamole}, "3", "", "emergency")).fired("LIMIT-SETTING"));
    }
    SECTION("安宫牛黄丸 (KP-279cff6bbf15ebb3): 限急诊或住院患者") {
        std::string angong = item("1", "drug", "ZA07AAA0061010100169", "安宫牛黄丸");
        Reply outpatient = national.check(request({angong}));
        CHECK(contains(outpatient.message("LIMIT-SETTING"), "emergency and inpatient care only"));
        CHECK_FALSE(national.check(request({angong}, "3", "", "emergency")).fired("LIMIT-SETTING"));
        CHECK_FALSE(national.check(replaced(request({angong}), "rescue=\"false\"", "rescue=\"true\"")).fired("LIMIT-SETTING"));
    }
    SECTION("a signed consent lowers it") {
        Reply consented = national.check(request({dipyridamole}, "3", "", "outpatient", signed_consent("1")));
        CHECK(contains(consented.message("LIMIT-SETTING"), "the patient signed the self-pay consent"));
        CHECK(attr(consented.finding("LIMIT-SETTING"), "severity") == "info");
    }
}

TEST_CASE("LIMIT-INSURANCE: a drug only work-injury or maternity insurance pays, billed to another insurance",
          "[rules][national][LIMIT-INSURANCE]") {
    National national;
    // 冻干人用狂犬病疫苗(人二倍体细胞), KP-430fab3bfe06c64d (药品限工伤保险): 限工伤保险.
    std::string vaccine = item("1", "drug", "XJ07BGR077B001010179275", "冻干人用狂犬病疫苗(人二倍体细胞)");
    Reply reply = national.check(request({vaccine}, "3", " insurance=\"employee\""));
    REQUIRE(reply.fired("LIMIT-INSURANCE"));
    CHECK(contains(reply.message("LIMIT-INSURANCE"), "work-injury insurance only"));
    CHECK(contains(reply.finding("LIMIT-INSURANCE").child_value("evidence"), "KP-430fab3bfe06c64d"));

    SECTION("the compliant twin: work-injury insurance") {
        CHECK_FALSE(national.check(request({vaccine}, "3", " insurance=\"work-injury\"")).fired("LIMIT-INSURANCE"));
    }
    SECTION("silent without encounter/@insurance") { CHECK_FALSE(national.check(request({vaccine})).fired("LIMIT-INSURANCE")); }
    SECTION("地诺前列酮栓 (KP-e79468964f0ea6c5): maternity only; the national insutype 510 is maternity, 390 resident") {
        std::string dinoprostone = item("1", "drug", "XG02ADD082D003010179504", "地诺前列酮栓");
        Reply resident = national.check(request({dinoprostone}, "3", " insurance=\"390\""));
        CHECK(contains(resident.message("LIMIT-INSURANCE"), "maternity insurance only"));
        CHECK_FALSE(national.check(request({dinoprostone}, "3", " insurance=\"510\"")).fired("LIMIT-INSURANCE"));
        CHECK_FALSE(national.check(request({dinoprostone}, "3", " insurance=\"maternity\"")).fired("LIMIT-INSURANCE"));
    }
    SECTION("an insurance the contract does not know is refused, naming the attribute") {
        Doc doc;
        std::string bad = replaced(doc.str(), " rescue=\"false\"", " rescue=\"false\" insurance=\"410\"");
        Reply refused = national.engine->call(bad);
        CHECK(refused.code == MEDLINT_EPARSE);
        CHECK(contains(refused.error(), "insurance"));
    }
}

TEST_CASE("LIMIT-CHANNEL: a controlled drug prescribed in an internet-hospital visit", "[rules][national][LIMIT-CHANNEL]") {
    National national;
    // 磷酸可待因片, KP-891b23446ac469f3 (超互联网医院药品支付范围).
    std::string codeine = item("1", "drug", "XR05DAK058A001010100228", "磷酸可待因片");
    Reply reply = national.check(request({codeine}, "3", " channel=\"internet\""));
    REQUIRE(reply.fired("LIMIT-CHANNEL"));
    pugi::xml_node finding = reply.finding("LIMIT-CHANNEL");
    CHECK(attr(finding, "severity") == "block");
    CHECK(attr(finding, "points") == "1");
    CHECK(contains(finding.child_value("evidence"), "KP-891b23446ac469f3"));

    SECTION("the compliant twin: an onsite visit, stated or by default") {
        CHECK_FALSE(national.check(request({codeine}, "3", " channel=\"onsite\"")).fired("LIMIT-CHANNEL"));
        CHECK_FALSE(national.check(request({codeine})).fired("LIMIT-CHANNEL"));
    }
    SECTION("a consent does not answer it: the prescription must not be written") {
        Reply consented = national.check(request({codeine}, "3", " channel=\"internet\"", "outpatient", signed_consent("1")));
        CHECK(attr(consented.finding("LIMIT-CHANNEL"), "severity") == "block");
    }
}

TEST_CASE("HERBAL-EXCLUDED: a herbal piece the fund never pays, without consent", "[rules][national][HERBAL-EXCLUDED]") {
    National national;
    // 麝香, KP-271670ed2c6ec75f (中药饮片单复方均不予支付); 茯苓 is paid in a compound.
    std::string musk = item("1", "herb", "T001600693", "麝香");
    std::string poria = item("2", "herb", "T000600266", "茯苓");
    Reply reply = national.check(request({musk, poria}));
    CHECK(reply.fired("HERBAL-EXCLUDED"));
    CHECK(attr(reply.finding("HERBAL-EXCLUDED"), "items") == "1");
    CHECK(attr(reply.finding("HERBAL-EXCLUDED"), "severity") == "warning");
    CHECK(contains(reply.finding("HERBAL-EXCLUDED").child_value("evidence"), "KP-271670ed2c6ec75f"));

    SECTION("a signed consent lowers it to info with no points") {
        Reply consented = national.check(request({musk, poria}, "3", "", "outpatient", signed_consent("1")));
        CHECK(attr(consented.finding("HERBAL-EXCLUDED"), "severity") == "info");
        CHECK(attr(consented.finding("HERBAL-EXCLUDED"), "points") == "0");
    }
    SECTION("the compliant twin: the prescription without it") {
        CHECK_FALSE(national.check(request({poria})).fired("HERBAL-EXCLUDED"));
    }
}

TEST_CASE("HERBAL-SINGLE: a herbal prescription made only of pieces not paid alone", "[rules][national][HERBAL-SINGLE]") {
    National national;
    // 茯苓 KP-f420d8d3a8972be3 and 枸杞子 KP-da2ff8d1fb2fb2e5 (中药饮片单方使用不予支付).
    std::string poria = item("1", "herb", "T000600266", "茯苓", "2026-11-23", 0, " prescription=\"RX1\"");
    std::string wolfberry = item("2", "herb", "T001700294", "枸杞子", "2026-11-23", 0, " prescription=\"RX1\"");
    Reply reply = national.check(request({poria, wolfberry}));
    REQUIRE(reply.count("HERBAL-SINGLE") == 1);
    pugi::xml_node finding = reply.finding("HERBAL-SINGLE");
    CHECK(attr(finding, "items") == "1 2");
    CHECK(contains(reply.message("HERBAL-SINGLE"), "茯苓、枸杞子"));
    CHECK(contains(finding.child_value("evidence"), "KP-f420d8d3a8972be3 KP-da2ff8d1fb2fb2e5"));

    SECTION("the compliant twin: a piece not on the list makes it a compound prescription") {
        // 甘草 (a code of no knowledge point): the fund pays the whole prescription.
        std::string liquorice = item("3", "herb", "T000100001", "甘草", "2026-11-23", 0, " prescription=\"RX1\"");
        CHECK_FALSE(national.check(request({poria, wolfberry, liquorice})).fired("HERBAL-SINGLE"));
    }
    SECTION("a prescription is the lines sharing item/@prescription") {
        std::string liquorice = item("3", "herb", "T000100001", "甘草", "2026-11-23", 0, " prescription=\"RX2\"");
        Reply two = national.check(request({poria, wolfberry, liquorice}));
        CHECK(two.count("HERBAL-SINGLE") == 1);
        CHECK(attr(two.finding("HERBAL-SINGLE"), "items") == "1 2");
    }
    SECTION("without item/@prescription the document's herb lines are one prescription") {
        std::string alone = item("1", "herb", "T000600266", "茯苓");
        std::string liquorice = item("2", "herb", "T000100001", "甘草");
        CHECK(national.check(request({alone})).fired("HERBAL-SINGLE"));
        CHECK_FALSE(national.check(request({alone, liquorice})).fired("HERBAL-SINGLE"));
    }
    SECTION("a signed consent covering every piece lowers it; one covering a single piece does not") {
        Reply both = national.check(request({poria, wolfberry}, "3", "", "outpatient", signed_consent("1 2")));
        CHECK(attr(both.finding("HERBAL-SINGLE"), "severity") == "info");
        Reply one = national.check(request({poria, wolfberry}, "3", "", "outpatient", signed_consent("1")));
        CHECK(attr(one.finding("HERBAL-SINGLE"), "severity") == "warning");
    }
}

TEST_CASE("A code table with a value its column does not allow refuses the pack, naming file, line and column",
          "[rules][national][packs]") {
    Scratch scratch;
    auto refused = [&](const char *file, const std::string &content) {
        return test::refused_table(scratch, MEDLINT_DEFAULT_PACK, file, content);
    };
    CHECK(contains(refused("drug_levels.csv", "code,min_level\nZA12GAH0121010101799,4\n"),
                   "drug_levels.csv:2, column 2 (min_level): \"4\" is not one of 2, 3"));
    CHECK(contains(refused("drug_settings.csv", "code,settings\nZA07AAA0061010100169,emergency outpatient\n"),
                   "drug_settings.csv:2, column 2 (settings)"));
    CHECK(contains(refused("drug_insurances.csv", "code,name\nXJ07BGR077B001010179275,x\n"), "insurance"));
    CHECK(contains(refused("herbs_single.csv", "code,kp\n,KP-1\n"), "herbs_single.csv:2, column 1 (code): is empty"));
}

TEST_CASE("encounter/@channel takes onsite or internet", "[rules][national][LIMIT-CHANNEL]") {
    National national;
    Reply refused = national.engine->call(request({}, "3", " channel=\"app\""));
    CHECK(refused.code == MEDLINT_EPARSE);
    CHECK(contains(refused.error(), "channel"));
}
