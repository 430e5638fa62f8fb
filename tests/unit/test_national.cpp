// The national pack as the library embeds it, class by class, on real records
// of the NHSA knowledge-point file (rules/national/knowledge_points.csv): each
// finding is the rule the class feeds, and it cites its point.
#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::item;
using test::Reply;
using test::Scratch;

namespace {

// A visit of a patient born on `birth`, of `gender`, with one line and these diagnoses.
Doc visit(const std::string &line, const std::string &gender, const std::string &birth,
          std::vector<std::string> diagnoses = {R"(<diagnosis code="R69.x00" name="待查" primary="true"/>)"}) {
    Doc doc;
    doc.gender = gender;
    doc.birth = birth;
    doc.id_type = "passport";  // the record's gender and birth date, without a resident-id number to compare
    doc.id = "E12345678";
    doc.diagnoses = std::move(diagnoses);
    doc.items = {line};
    return doc;
}

// The <basis kp> elements of a rule's finding, as "KP-… batch: constraint".
std::vector<std::string> citations(const Reply &reply, const char *rule) {
    std::vector<std::string> out;
    for (auto basis : reply.finding(rule).children("basis"))
        if (!basis.attribute("kp").empty())
            out.push_back(attr(basis, "kp") + " " + attr(basis, "batch") + ": " + basis.child_value());
    return out;
}

}  // namespace

TEST_CASE("national gender classes feed LIMIT-GENDER and cite their point", "[national][gender]") {
    Scratch scratch;  // the built-in packs: default, then national
    Engine engine(scratch.config);

    SECTION("药品区分性别使用: 阿帕他胺片, male only, for a woman") {
        Reply reply = check(engine, visit(item("1", "drug", "XL02BBA326A001010102180", "阿帕他胺片", "2026-11-23", 7),
                                          "F", "1966-03-15",
                                          {R"(<diagnosis code="C61.x00" name="前列腺恶性肿瘤" primary="true"/>)"}));
        CHECK(reply.rules() == std::vector<std::string>{"LIMIT-GENDER"});
        CHECK(citations(reply, "LIMIT-GENDER") ==
              std::vector<std::string>{"KP-9d2200dd87d22a1a 2026-01: 限转移性激素敏感性前列腺癌(mHSPC)患者。"});
    }
    SECTION("医疗服务项目区分性别使用: 前列腺注射 for a woman, 子宫造影 for a man") {
        Reply prostate = check(engine, visit(item("1", "treatment", "003111000160000", "前列腺注射"), "F", "1970-01-01"));
        CHECK(attr(prostate.finding("LIMIT-GENDER"), "items") == "1");
        CHECK(citations(prostate, "LIMIT-GENDER") ==
              std::vector<std::string>{"KP-00022af80a240940 1: 男性泌尿生殖系统相关诊疗操作"});
        Reply uterus = check(engine, visit(item("1", "exam", "002101030300000", "子宫造影"), "M", "1970-01-01"));
        CHECK(contains(uterus.message("LIMIT-GENDER"), "for women only"));
        CHECK(citations(uterus, "LIMIT-GENDER") == std::vector<std::string>{"KP-9b8b91c402985a25 1: 女性泌尿生殖系统相关检查"});
        CHECK_FALSE(check(engine, visit(item("1", "exam", "002101030300000", "子宫造影"), "F", "1970-01-01"))
                        .fired("LIMIT-GENDER"));
    }
}

TEST_CASE("national age classes feed LIMIT-AGE, neonates in days", "[national][age]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("药品儿童专用: 小儿清热止咳口服液 under 18, for an adult") {
        std::string line = item("1", "drug", "ZA06DAX0489010100430", "小儿清热止咳口服液", "2026-11-23", 3);
        Reply adult = check(engine, visit(line, "M", "1990-05-01"));
        CHECK(contains(adult.message("LIMIT-AGE"), "ages 17 and under"));
        CHECK(citations(adult, "LIMIT-AGE").size() == 2);  // two points restrict it alike
        CHECK_FALSE(check(engine, visit(line, "M", "2020-05-01")).fired("LIMIT-AGE"));
    }
    SECTION("药品限儿童使用: 复方聚乙二醇(3350)电解质散, 2 to 11 years") {
        std::string line = item("1", "drug", "XA06ADF336P001010100233", "复方聚乙二醇(3350)电解质散", "2026-11-23", 3);
        CHECK(contains(check(engine, visit(line, "F", "2025-06-01")).message("LIMIT-AGE"), "ages 2 and over"));
        CHECK(contains(check(engine, visit(line, "F", "2014-06-01")).message("LIMIT-AGE"), "ages 11 and under"));
        CHECK_FALSE(check(engine, visit(line, "F", "2019-06-01")).fired("LIMIT-AGE"));
    }
    SECTION("医疗服务项目儿童专用: 新生儿护理 up to 28 days, counted in days") {
        std::string line = item("1", "service", "001201000070000", "新生儿护理");
        CHECK_FALSE(check(engine, visit(line, "F", "2026-10-26")).fired("LIMIT-AGE"));  // 28 days old
        Reply older = check(engine, visit(line, "F", "2026-10-25"));                    // 29 days, 0 in full years
        CHECK(attr(older.finding("LIMIT-AGE"), "points") == "1");
        CHECK(older.message("LIMIT-AGE") ==
              "新生儿护理 is paid by the insurance for neonates up to 28 days old and the patient is 29 days old on "
              "2026-11-23: it is self-paid and needs a signed consent");
        CHECK(citations(older, "LIMIT-AGE").size() == 1);
    }
    SECTION("医疗服务项目限年龄: 职业功能训练 from 16") {
        std::string line = item("1", "treatment", "003402000320000", "职业功能训练");
        Reply young = check(engine, visit(line, "M", "2012-01-01"));
        CHECK(citations(young, "LIMIT-AGE") == std::vector<std::string>{"KP-f102932ae2793bef 8: 限法定就业年龄段患者"});
        CHECK_FALSE(check(engine, visit(line, "M", "1980-01-01")).fired("LIMIT-AGE"));
    }
}

TEST_CASE("national indications feed LIMIT-INDICATION; local diagnosis codes cannot be judged", "[national][indication]") {
    Scratch scratch;
    Engine engine(scratch.config);
    // 注射用奥扎格雷钠: 限新发的急性血栓性脑梗死 (KP-83c69d1119b9e3b8), mapped to I63 among others.
    std::string line = item("1", "drug", "XB01AXA223B001010100269", "注射用奥扎格雷钠", "2026-11-23", 7);

    Reply outside = check(engine, visit(line, "M", "1950-01-01",
                                        {R"(<diagnosis code="E11.900" name="2型糖尿病" primary="true"/>)"}));
    CHECK(attr(outside.finding("LIMIT-INDICATION"), "severity") == "warning");
    CHECK(citations(outside, "LIMIT-INDICATION") ==
          std::vector<std::string>{"KP-83c69d1119b9e3b8 13: 限新发的急性血栓性脑梗死，支付不超过14天。"});
    CHECK_FALSE(check(engine, visit(line, "M", "1950-01-01",
                                    {R"(<diagnosis code="I63.900" name="脑梗死" primary="true"/>)"}))
                    .fired("LIMIT-INDICATION"));

    // The HIS's own diagnosis code: one info finding, no points, never a missing indication.
    Doc local = visit(line, "M", "1950-01-01", {R"(<diagnosis code="NK0231" name="脑梗死" primary="true"/>)"});
    local.items.push_back(item("2", "drug", "XC09DXS255A001010101606", "沙库巴曲缬沙坦钠片", "2026-11-23", 7));
    Reply unjudged = check(engine, local);
    REQUIRE(unjudged.count("LIMIT-INDICATION") == 1);
    auto finding = unjudged.finding("LIMIT-INDICATION");
    CHECK(attr(finding, "severity") == "info");
    CHECK(attr(finding, "points") == "0");
    CHECK(attr(finding, "items") == "1 2");
    CHECK(unjudged.message("LIMIT-INDICATION") ==
          "注射用奥扎格雷钠、沙库巴曲缬沙坦钠片 are paid by the insurance only for some diagnoses, but this visit's "
          "diagnoses (NK0231) are not ICD-10 codes, so whether they qualify cannot be judged");
    CHECK(citations(unjudged, "LIMIT-INDICATION").size() == 2);
    CHECK(unjudged.attr("status") == "info");
}

TEST_CASE("diagnosis_codes.csv reads a hospital's local codes as ICD-10; a code left is reported, not guessed",
          "[national][indication][diagnosis-codes]") {
    Scratch scratch;
    test::write_pack(scratch, "hospital",
                     {{"pack.xml", "<pack id=\"hospital\" version=\"2026.12\"/>"},
                      {"diagnosis_codes.csv", "code,insurance_code\nNK0231,I63.900\n"}});
    test::use_packs(scratch, {MEDLINT_DEFAULT_PACK, MEDLINT_NATIONAL_PACK, "hospital"});
    Engine engine(scratch.config);
    // 注射用奥扎格雷钠: 限新发的急性血栓性脑梗死 (I63 among others).
    std::string line = item("1", "drug", "XB01AXA223B001010100269", "注射用奥扎格雷钠", "2026-11-23", 7);

    SECTION("a mapped local code is judged as its ICD-10 code") {
        Reply mapped = check(engine, visit(line, "M", "1950-01-01", {R"(<diagnosis code="NK0231" name="脑梗死" primary="true"/>)"}));
        CHECK_FALSE(mapped.fired("LIMIT-INDICATION"));
        CHECK(mapped.root().child("unknown-diagnosis").empty());
    }
    SECTION("an unmapped local code is listed once, after the findings") {
        Reply unmapped = check(engine, visit(line, "M", "1950-01-01",
                                             {R"(<diagnosis code="XYZD018987" name="痛风性关节炎" primary="true"/>)",
                                              R"(<diagnosis code="XYZD018987" name="痛风性关节炎"/>)",
                                              R"(<diagnosis code="E11.900" name="2型糖尿病"/>)"}));
        CHECK(attr(unmapped.finding("LIMIT-INDICATION"), "severity") == "info");  // unjudged
        std::vector<std::string> listed;
        for (auto node : unmapped.root().children("unknown-diagnosis")) listed.push_back(attr(node, "code"));
        CHECK(listed == std::vector<std::string>{"XYZD018987"});
        CHECK(std::string(unmapped.root().last_child().name()) == "unknown-diagnosis");
    }
    SECTION("the national pack reads clinical-edition codes as the insurance edition's") {
        Doc doc = visit(line, "M", "1950-01-01", {R"(<diagnosis code="A01.000x002" name="伤寒" primary="true"/>)"});
        check(engine, doc.commit());
        CHECK(test::store_text(scratch.store, "SELECT primary_diagnosis FROM encounters") == "A01.003");
    }
    SECTION("a dagger code with its asterisk code is an ICD-10 code") {
        Reply dagger = check(engine, visit(line, "M", "1950-01-01",
                                           {R"(<diagnosis code="A01.002+G01*" name="伤寒性脑膜炎" primary="true"/>)"}));
        CHECK(dagger.root().child("unknown-diagnosis").empty());
        CHECK(attr(dagger.finding("LIMIT-INDICATION"), "severity") == "warning");
    }
}

TEST_CASE("national courses feed LIMIT-DAYS", "[national][days]") {
    Scratch scratch;
    Engine engine(scratch.config);
    // 注射用奥扎格雷钠: 支付不超过14天 (KP-a5943ceff07935cf), for an inpatient's order of 15 days.
    Doc doc = visit(item("1", "drug", "XB01AXA223B001010100269", "注射用奥扎格雷钠", "2026-11-23", 15), "M", "1950-01-01",
                    {R"(<diagnosis code="I63.900" name="脑梗死" primary="true"/>)"});
    doc.type = "inpatient";
    doc.encounter = "ZY20261123001";
    Reply reply = check(engine, doc);
    CHECK(reply.rules() == std::vector<std::string>{"LIMIT-DAYS"});
    CHECK(reply.message("LIMIT-DAYS") == "注射用奥扎格雷钠 is prescribed for 15 days, beyond the limit of 14 days");
    CHECK(citations(reply, "LIMIT-DAYS") ==
          std::vector<std::string>{"KP-a5943ceff07935cf 2026-01: 限新发的急性血栓性脑梗死，支付不超过14天。"});
    doc.items = {item("1", "drug", "XB01AXA223B001010100269", "注射用奥扎格雷钠", "2026-11-23", 14)};
    CHECK_FALSE(check(engine, doc).fired("LIMIT-DAYS"));
}

TEST_CASE("a drug no catalog row holds takes its class from the national drug catalogue by name and form",
          "[national][catalogue]") {
    Scratch scratch;
    Engine engine(scratch.config);
    auto line = [](const char *code, const char *name, const char *insurance_class) {
        return item("1", "drug", code, name, "2026-11-23", 7, std::string(" insurance-class=\"") + insurance_class + "\"");
    };
    // 瑞舒伐他汀钙片 of a code no catalogue row holds: 瑞舒伐他汀, 口服常释剂型, class B (西药部分 460).
    Reply known = check(engine, visit(line("XC10AAR999A001010199999", "瑞舒伐他汀钙片", "A"), "M", "1960-01-01"));
    CHECK(known.attr("unknown-codes") == "0");
    CHECK(known.message("CLASS-MISMATCH") ==
          "瑞舒伐他汀钙片 is class A in the hospital's catalogue mapping, class B in the insurance catalogue");
    CHECK(check(engine, visit(line("XC10AAR999A001010199999", "瑞舒伐他汀钙片", "B"), "M", "1960-01-01")).rules().empty());
    // The same generic name as an injection: the catalogue has no such form, so the code stays unknown.
    Reply injection = check(engine, visit(line("XC10AAR999B002010199999", "瑞舒伐他汀钙注射液", "A"), "M", "1960-01-01"));
    CHECK(injection.attr("unknown-codes") == "1");
    CHECK_FALSE(injection.fired("CLASS-MISMATCH"));
    // Another classification: no match, whatever the name.
    CHECK(check(engine, visit(line("XA10BAR999A001010199999", "瑞舒伐他汀钙片", "A"), "M", "1960-01-01"))
              .attr("unknown-codes") == "1");
    // A name that is the catalogue's whole name, its form included: 沙库巴曲缬沙坦钠片, class B.
    Reply whole = check(engine, visit(line("XC09DXS255A001010199999", "沙库巴曲缬沙坦钠片", "A"), "M", "1960-01-01",
                                      {R"(<diagnosis code="I10.x00" name="原发性高血压" primary="true"/>)"}));
    CHECK(whole.rules() == std::vector<std::string>{"CLASS-MISMATCH"});
}
