// LIMIT-SECOND-LINE on real records of the national pack (second_line_drugs.csv,
// class 药品限二线使用): it fires on a second-line drug with no sign of a failed
// first line, and is silent when the hospital approved the line or the
// patient had a first-line drug of the point's text, earlier in the document
// or in committed history.  A text naming no first-line drug it can map is
// cleared by the approval alone.
#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::item;
using test::National;
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

// KP-54376dd0f9919008: 限既往接受含铂化疗治疗失败的PD-L1表达阳性(CPS≥1)的复发或转移性宫颈癌患者。 (first line XL01XA)
std::string anti_pd1(const std::string &id, const std::string &extra = "") {
    return item(id, "drug", "XL01FFE099B002010183422", "恩朗苏拜单抗注射液", "2026-11-23", 0, extra);
}
// A cisplatin injection: the knowledge file names no platinum code, so its code is built on the
// classification XL01XA (铂化合物) of the drug catalogue.
std::string cisplatin(const std::string &id, const std::string &date = "2026-11-23") {
    return item(id, "drug", "XL01XAS052B002010100001", "顺铂注射液", date);
}
// KP-73b2edf121a845e5: 限二线用药。 (no first-line drug named)
std::string ertugliflozin(const std::string &id, const std::string &extra = "") {
    return item(id, "drug", "XA10BKA338A001010580716", "艾托格列净片", "2026-11-23", 0, extra);
}
// KP-679dacae8a450533: 限接受过棕榈帕利哌酮酯注射液(3M)至少3个月充分治疗的成人精神分裂症患者。
std::string paliperidone_6m(const std::string &id) {
    return item(id, "drug", "XN05AXZ114B002010178537", "棕榈帕利哌酮酯注射液(6M)");
}
std::string paliperidone_3m(const std::string &id, const std::string &date) {
    return item(id, "drug", "XN05AXZ101B002010182023", "棕榈帕利哌酮酯注射液(3M)", date);
}

Doc visit(std::vector<std::string> items, const std::string &encounter = "MZ20261123001") {
    Doc doc;
    doc.items = std::move(items);
    doc.encounter = encounter;
    return doc;
}

}  // namespace

TEST_CASE("LIMIT-SECOND-LINE: a drug for patients whose platinum chemotherapy failed, with no platinum before",
          "[rules][national][LIMIT-SECOND-LINE]") {
    National national;
    Reply reply = national.check(visit({anti_pd1("1")}));
    REQUIRE(reply.count("LIMIT-SECOND-LINE") == 1);
    pugi::xml_node finding = reply.finding("LIMIT-SECOND-LINE");
    CHECK(attr(finding, "severity") == "warning");
    CHECK(attr(finding, "certainty") == "suspected");
    CHECK(attr(finding, "points") == "1");
    CHECK(attr(finding, "items") == "1");
    CHECK(contains(finding.child_value("evidence"), "限既往接受含铂化疗治疗失败"));
    CHECK(attr(finding.child("basis").next_sibling("basis"), "kp") == "KP-54376dd0f9919008");

    SECTION("the hospital's approval clears it") {
        CHECK_FALSE(national.check(visit({anti_pd1("1", " approved=\"true\"")})).fired("LIMIT-SECOND-LINE"));
        CHECK(national.check(visit({anti_pd1("1", " approved=\"false\"")})).fired("LIMIT-SECOND-LINE"));
    }
    SECTION("a platinum drug higher up in the document clears it; one further down does not") {
        CHECK_FALSE(national.check(visit({cisplatin("1"), anti_pd1("2")})).fired("LIMIT-SECOND-LINE"));
        CHECK(national.check(visit({anti_pd1("1"), cisplatin("2")})).fired("LIMIT-SECOND-LINE"));
    }
    SECTION("a platinum drug committed months before clears it, for this patient only") {
        REQUIRE(national.commit(visit({cisplatin("1", "2026-03-02")}, "ZY20260301007")).attr("committed") == "1");
        CHECK_FALSE(national.check(visit({anti_pd1("1")})).fired("LIMIT-SECOND-LINE"));
        Doc other = visit({anti_pd1("1")});
        other.id = test::resident_id("52270119900202003");
        other.birth = "1990-02-02";
        CHECK(national.check(other).fired("LIMIT-SECOND-LINE"));
    }
    SECTION("a signed consent lowers it to info with no points") {
        Doc consented = visit({anti_pd1("1")});
        consented.extra = signed_consent("1");
        Reply lowered_reply = national.check(consented);
        pugi::xml_node lowered = lowered_reply.finding("LIMIT-SECOND-LINE");
        CHECK(attr(lowered, "severity") == "info");
        CHECK(attr(lowered, "points") == "0");
    }
    SECTION("a line the HIS bills as self-paid (class C) is not restricted") {
        CHECK_FALSE(national.check(visit({anti_pd1("1", " insurance-class=\"C\"")})).fired("LIMIT-SECOND-LINE"));
    }
}

TEST_CASE("LIMIT-SECOND-LINE: 限二线用药 names no first-line drug, so only the approval clears it",
          "[rules][national][LIMIT-SECOND-LINE]") {
    National national;
    // Metformin (the default document's first line) is a first-line drug of other points, not of this one.
    Doc doc;
    doc.items.push_back(ertugliflozin("2"));
    Reply reply = national.check(doc);
    REQUIRE(reply.fired("LIMIT-SECOND-LINE"));
    CHECK(attr(reply.finding("LIMIT-SECOND-LINE"), "items") == "2");
    CHECK(contains(reply.finding("LIMIT-SECOND-LINE").child_value("evidence"), "KP-73b2edf121a845e5"));

    Doc approved;
    approved.items.push_back(ertugliflozin("2", " approved=\"1\""));
    CHECK_FALSE(national.check(approved).fired("LIMIT-SECOND-LINE"));
}

TEST_CASE("LIMIT-SECOND-LINE: a GLP-1 analogue after metformin, and not after another GLP-1 analogue",
          "[rules][national][LIMIT-SECOND-LINE]") {
    National national;
    // KP-3760956e4b0d5a22: 限二甲双胍等口服降糖药或胰岛素控制效果不佳的BMI≥25的患者…
    std::string lixisenatide = item("2", "drug", "XA10BJL366B002010181708", "利司那肽注射液");
    Doc after_metformin;  // the default document's line 1 is 二甲双胍片
    after_metformin.items.push_back(lixisenatide);
    CHECK_FALSE(national.check(after_metformin).fired("LIMIT-SECOND-LINE"));

    // 度拉糖肽 (XA10BJ, the GLP-1 analogues) is no oral glucose-lowering drug: the text's first line is not it.
    std::string dulaglutide = item("1", "drug", "XA10BJD332B002010178403", "度拉糖肽注射液", "2026-10-01");
    CHECK(national.check(visit({dulaglutide, lixisenatide})).count("LIMIT-SECOND-LINE") == 2);
}

TEST_CASE("LIMIT-SECOND-LINE: the 6-month paliperidone injection after the 3-month one in history",
          "[rules][national][LIMIT-SECOND-LINE]") {
    National national;
    CHECK(national.check(visit({paliperidone_6m("1")})).fired("LIMIT-SECOND-LINE"));
    REQUIRE(national.commit(visit({paliperidone_3m("1", "2026-05-10")}, "MZ20260510003")).attr("committed") == "1");
    CHECK_FALSE(national.check(visit({paliperidone_6m("1")})).fired("LIMIT-SECOND-LINE"));
}

TEST_CASE("second_line_drugs.csv refuses a first-line prefix that is no code prefix",
          "[rules][national][packs][LIMIT-SECOND-LINE]") {
    Scratch scratch;
    std::string refused = test::refused_table(scratch, MEDLINT_DEFAULT_PACK, "second_line_drugs.csv",
                                              "code,first_line_prefixes\nXL01FFE099B002010183422,XL01XA xl01\n");
    CHECK(contains(refused, "second_line_drugs.csv:2, column 2 (first_line_prefixes): \"xl01\" is not a code prefix"));
}
