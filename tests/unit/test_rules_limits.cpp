// Catalog restrictions and supply limits: LIMIT-GENDER, LIMIT-AGE,
// LIMIT-INDICATION (an item outside its restriction is self-paid: a signed
// consent lowers the finding, never removes it) and LIMIT-DAYS (the catalog's
// max_days, else the pack's limit for the encounter type, discharge
// medication or a long-term prescription).  Each at its boundary, with its
// exemptions and a hospital pack's override.
#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::item;
using test::Reply;
using test::Scratch;
using test::signed_consent;
using test::use_packs;
using test::write_pack;

#ifndef MEDLINT_DEFAULT_PACK
#error "MEDLINT_DEFAULT_PACK must name rules/default (set by tests/unit/CMakeLists.txt)"
#endif
#ifndef MEDLINT_NATIONAL_PACK
#error "MEDLINT_NATIONAL_PACK must name rules/national (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

// Codes of the default pack's catalog.
const char *const kFinasteride = "XG04CBF019A006010100320";  // B, men only, for N40
const char *const kProgesterone = "XG03DAH124B002010103315";  // B, women only
const char *const kProstateFluid = "002501040130000";         // test, men only
const char *const kClonidine = "XN06BAK062A010010180923";     // B, ages 6 to 17, for F90
const char *const kSacubitril = "XC09DXS255A001010101606";    // B, for I50 or I10
const char *const kGinkgolide = "ZA12HAY0771010101463";       // B, at most 14 days, for I63
const char *const kMetformin = "XA10BAA002A001010101445";     // A, long-term drug
const char *const kAmoxicillin = "XJ01CAA040E001010101234";   // A, no restriction
const char *const kMinoxidil = "XD11AXM098G001010100123";     // C

// The severity of the one finding of `rule` that the document gives.
std::string severity_of(const Engine &engine, const Doc &doc, std::string_view rule) {
    Reply reply = check(engine, doc);
    return attr(reply.finding(rule), "severity");
}

Doc with_items(std::vector<std::string> items) {
    Doc doc;
    doc.items = std::move(items);
    return doc;
}

// A patient born on `birth`, with a resident id that agrees.
Doc child_born(const std::string &birth, std::vector<std::string> items) {
    Doc doc = with_items(std::move(items));
    doc.birth = birth;
    doc.id = test::resident_id("522701" + birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2) + "001");
    doc.diagnoses = {R"(<diagnosis code="F90.001" name="注意缺陷多动障碍" primary="true"/>)"};
    return doc;
}

}  // namespace

TEST_CASE("LIMIT-GENDER: an item paid for one gender only, billed for the other", "[rules][limits]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("a women-only drug for a man fires, and says consent is needed") {
        Reply reply = check(engine, with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)}));
        auto finding = reply.finding("LIMIT-GENDER");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(attr(finding, "items") == "1");
        CHECK(attr(finding, "points") == "1");
        CHECK(attr(finding.child("suggestion"), "action") == "obtain-consent");
        CHECK(reply.message("LIMIT-GENDER") ==
              "黄体酮注射液(Ⅱ) is paid by the insurance for women only and the patient is a man: it is self-paid and "
              "needs the patient's signed consent");
    }
    SECTION("a men-only test for a woman fires as male-only") {
        Doc doc = with_items({item("1", "test", kProstateFluid, "前列腺液常规检查")});
        doc.gender = "F";
        Reply reply = check(engine, doc);
        CHECK(contains(reply.message("LIMIT-GENDER"), "for men only and the patient is a woman"));
    }
    SECTION("the gender it is paid for passes") {
        Doc doc = with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)});
        doc.gender = "F";
        CHECK_FALSE(check(engine, doc).fired("LIMIT-GENDER"));
    }
    SECTION("a record of unknown gender takes it from the resident id") {
        Doc unknown = with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)});
        unknown.gender = "U";
        CHECK(check(engine, unknown).fired("LIMIT-GENDER"));  // 522701198001010011: a man
    }
    SECTION("exempt: a patient of unknown gender, and an item without a gender restriction") {
        Doc unknown = with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)});
        unknown.gender = "U";
        unknown.id_type = "passport";
        unknown.id = "E12345678";
        CHECK_FALSE(check(engine, unknown).fired("LIMIT-GENDER"));
        CHECK_FALSE(check(engine, with_items({item("1", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", 3)}))
                        .fired("LIMIT-GENDER"));
    }
    SECTION("a signed consent keeps the finding, as info, and the document passes") {
        Doc doc = with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)});
        doc.extra = signed_consent("1");
        Reply reply = check(engine, doc);
        auto finding = reply.finding("LIMIT-GENDER");
        CHECK(attr(finding, "severity") == "info");
        CHECK(attr(finding, "points") == "0");  // the patient pays, with consent: nothing at risk
        CHECK(reply.root().child("physician").attribute("at-risk").as_int() == 0);
        CHECK(attr(finding.child("suggestion"), "action") == "keep-self-paid");
        CHECK(contains(reply.message("LIMIT-GENDER"), "the patient signed the self-pay consent"));
        CHECK(reply.attr("status") == "info");
        // A consent for another line does not count.
        doc.items.push_back(item("2", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", 3));
        doc.extra = signed_consent("2");
        Reply other = check(engine, doc);
        CHECK(attr(other.finding("LIMIT-GENDER"), "severity") == "warning");
        // Nor does a consent form not yet signed.
        doc.extra = "  <consent id=\"C1\" signer=\"patient\" items=\"1\"/>\n";
        Reply unsigned_form = check(engine, doc);
        CHECK(attr(unsigned_form.finding("LIMIT-GENDER"), "severity") == "warning");
    }
    SECTION("in settlement an unconsented finding blocks, a consented one stays info") {
        Doc doc = with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)});
        doc.mode = "settlement";
        CHECK(check(engine, doc).attr("status") == "block");
        doc.extra = signed_consent("1");
        CHECK(check(engine, doc).attr("status") == "info");
    }
}

TEST_CASE("LIMIT-AGE: ages in full years on the item's date, at each bound", "[rules][limits]") {
    Scratch scratch;
    Engine engine(scratch.config);
    auto clonidine_on = [](const std::string &date) {
        return item("1", "drug", kClonidine, "盐酸可乐定缓释片", date, 7);
    };

    SECTION("the day before the 6th birthday fires below-min; the birthday passes") {
        Reply before = check(engine, child_born("2020-06-15", {clonidine_on("2026-06-14")}));
        auto finding = before.finding("LIMIT-AGE");
        CHECK(attr(finding, "items") == "1");
        CHECK(before.message("LIMIT-AGE") ==
              "盐酸可乐定缓释片 is paid by the insurance for ages 6 and over and the patient is 5 on 2026-06-14: it is "
              "self-paid and needs a signed consent");
        CHECK(contains(finding.child_value("evidence"), "Born 2020-06-15"));
        CHECK_FALSE(check(engine, child_born("2020-06-15", {clonidine_on("2026-06-15")})).fired("LIMIT-AGE"));
    }
    SECTION("the day before the 18th birthday passes (17); the birthday fires above-max") {
        CHECK_FALSE(check(engine, child_born("2008-12-01", {clonidine_on("2026-11-30")})).fired("LIMIT-AGE"));
        Reply on_the_day = check(engine, child_born("2008-12-01", {clonidine_on("2026-12-01")}));
        CHECK(contains(on_the_day.message("LIMIT-AGE"), "for ages 17 and under and the patient is 18 on 2026-12-01"));
    }
    SECTION("a leap-day birth is a year older on 1 March") {
        CHECK(check(engine, child_born("2020-02-29", {clonidine_on("2026-02-28")})).fired("LIMIT-AGE"));  // still 5
        CHECK_FALSE(check(engine, child_born("2020-02-29", {clonidine_on("2026-03-01")})).fired("LIMIT-AGE"));
    }
    SECTION("each line is judged on its own date") {
        Reply reply = check(engine, child_born("2020-06-15", {clonidine_on("2026-06-14"),
                                                              item("2", "drug", kClonidine, "盐酸可乐定缓释片",
                                                                   "2026-06-15", 7)}));
        CHECK(attr(reply.finding("LIMIT-AGE"), "items") == "1");
    }
    SECTION("without a recorded birth date, the resident id's is used") {
        Doc doc = child_born("2020-06-15", {clonidine_on("2026-06-14")});
        doc.birth = "";
        CHECK(check(engine, doc).fired("LIMIT-AGE"));
    }
    SECTION("exempt: no birth date known at all") {
        Doc doc = child_born("2020-06-15", {clonidine_on("2026-06-14")});
        doc.birth = "";
        doc.id_type = "passport";
        doc.id = "E12345678";
        CHECK_FALSE(check(engine, doc).fired("LIMIT-AGE"));
    }
    SECTION("a signed consent lowers it to info") {
        Doc doc = child_born("2020-06-15", {clonidine_on("2026-06-14")});
        doc.extra = "  <consent id=\"C1\" signer=\"guardian\" signed=\"2026-06-14T09:00:00+08:00\" items=\"1\"/>\n";
        Reply reply = check(engine, doc);
        CHECK(attr(reply.finding("LIMIT-AGE"), "severity") == "info");
    }
}

TEST_CASE("LIMIT-INDICATION: a restricted item without a diagnosis among its indications", "[rules][limits]") {
    Scratch scratch;
    Engine engine(scratch.config);
    const std::string sacubitril = item("1", "drug", kSacubitril, "沙库巴曲缬沙坦钠片", "2026-11-23", 7);

    SECTION("a diabetes visit fires; the texts quote indications and diagnoses") {
        Reply reply = check(engine, with_items({sacubitril}));
        auto finding = reply.finding("LIMIT-INDICATION");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(reply.message("LIMIT-INDICATION") ==
              "沙库巴曲缬沙坦钠片 is paid by the insurance only for diagnoses I10 I50, and none of this visit's "
              "(E11.900) is one: it is self-paid and needs a signed consent");
    }
    SECTION("any diagnosis of the encounter that starts with a prefix passes, primary or not, dotted or not") {
        for (const char *code : {"I10.x00", "I50", "i50.900", "I5090"}) {
            Doc doc = with_items({sacubitril});
            doc.diagnoses.push_back(std::string("<diagnosis code=\"") + code + "\" name=\"心血管\"/>");
            INFO(code);
            CHECK_FALSE(check(engine, doc).fired("LIMIT-INDICATION"));
        }
    }
    SECTION("a code that only shares the first letters does not match") {
        Doc doc = with_items({sacubitril});
        doc.diagnoses = {R"(<diagnosis code="I11.900" name="高血压性心脏病" primary="true"/>)"};
        CHECK(check(engine, doc).fired("LIMIT-INDICATION"));
    }
    SECTION("no diagnosis at all is its own variant") {
        Doc doc = with_items({sacubitril});
        doc.diagnoses.clear();
        CHECK(contains(check(engine, doc).message("LIMIT-INDICATION"), "and this visit has no diagnosis"));
    }
    SECTION("exempt: items without indications, and class C items") {
        CHECK_FALSE(check(engine, with_items({item("1", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", 3)}))
                        .fired("LIMIT-INDICATION"));
        CHECK_FALSE(check(engine, with_items({item("1", "drug", kMinoxidil, "米诺地尔搽剂", "2026-11-23", 7)}))
                        .fired("LIMIT-INDICATION"));
    }
    SECTION("a signed consent lowers it to info, in both variants") {
        Doc doc = with_items({sacubitril});
        doc.extra = signed_consent("1");
        CHECK(severity_of(engine, doc, "LIMIT-INDICATION") == "info");
        doc.diagnoses.clear();
        Reply reply = check(engine, doc);
        CHECK(attr(reply.finding("LIMIT-INDICATION"), "severity") == "info");
        CHECK(contains(reply.message("LIMIT-INDICATION"), "a consent is signed"));
    }
}

TEST_CASE("LIMIT-DAYS: a supply beyond its limit", "[rules][limits]") {
    Scratch scratch;
    Engine engine(scratch.config);
    auto amoxicillin = [](int days) { return item("1", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", days); };

    SECTION("outpatient: 7 days pass, 8 fire") {
        CHECK_FALSE(check(engine, with_items({amoxicillin(7)})).fired("LIMIT-DAYS"));
        Reply reply = check(engine, with_items({amoxicillin(8)}));
        auto finding = reply.finding("LIMIT-DAYS");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "points") == "1");
        CHECK(attr(finding.child("suggestion"), "action") == "reduce-days");
        CHECK(reply.message("LIMIT-DAYS") ==
              "阿莫西林胶囊 is prescribed at an outpatient visit for 8 days, beyond the limit of 7 days");
    }
    SECTION("emergency: 3 days pass, 4 fire") {
        Doc doc = with_items({amoxicillin(3)});
        doc.type = "emergency";
        CHECK_FALSE(check(engine, doc).fired("LIMIT-DAYS"));
        doc.items = {amoxicillin(4)};
        CHECK(contains(check(engine, doc).message("LIMIT-DAYS"), "in emergency care for 4 days, beyond the limit of 3"));
    }
    SECTION("the catalog's max_days rules over the encounter type's limit") {
        Doc doc = with_items({item("1", "drug", kGinkgolide, "银杏二萜内酯葡胺注射液", "2026-11-23", 14)});
        doc.type = "inpatient";
        doc.diagnoses = {R"(<diagnosis code="I63.900" name="脑梗死" primary="true"/>)"};
        CHECK_FALSE(check(engine, doc).fired("LIMIT-DAYS"));
        doc.items = {item("1", "drug", kGinkgolide, "银杏二萜内酯葡胺注射液", "2026-11-23", 15)};
        CHECK(contains(check(engine, doc).message("LIMIT-DAYS"), "for 15 days, beyond the limit of 14 days"));
    }
    SECTION("inpatient orders have no limit; discharge medication has the pack's 7 days") {
        Doc doc = with_items({amoxicillin(10)});
        doc.type = "inpatient";
        doc.admitted = "2026-11-20";
        CHECK_FALSE(check(engine, doc).fired("LIMIT-DAYS"));
        doc.items = {item("1", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", 8, " discharge-medication=\"true\"")};
        CHECK(contains(check(engine, doc).message("LIMIT-DAYS"), "as discharge medication for 8 days, beyond the limit of 7"));
        doc.items = {item("1", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", 7, " discharge-medication=\"true\"")};
        CHECK_FALSE(check(engine, doc).fired("LIMIT-DAYS"));
    }
    SECTION("a long-term drug: 28 days pass, 29 to 84 are info and suspected, 85 fire") {
        auto metformin = [](int days) { return item("1", "drug", kMetformin, "二甲双胍片", "2026-11-23", days); };
        CHECK_FALSE(check(engine, with_items({metformin(28)})).fired("LIMIT-DAYS"));
        for (int days : {29, 84}) {
            Reply reply = check(engine, with_items({metformin(days)}));
            auto finding = reply.finding("LIMIT-DAYS");
            CHECK(attr(finding, "severity") == "info");
            CHECK(attr(finding, "certainty") == "suspected");
            CHECK(attr(finding, "points") == "0");
            CHECK(contains(reply.message("LIMIT-DAYS"), "beyond the usual 28: the condition must be stable"));
        }
        Reply over = check(engine, with_items({metformin(85)}));
        auto finding = over.finding("LIMIT-DAYS");
        CHECK(attr(finding, "severity") == "warning");
        CHECK(attr(finding, "certainty") == "definite");
        CHECK(contains(over.message("LIMIT-DAYS"), "long-term for 85 days, beyond the limit of 84 days"));
    }
    SECTION("exempt: self-paid drugs, non-drugs and lines without days") {
        CHECK_FALSE(check(engine, with_items({item("1", "drug", kMinoxidil, "米诺地尔搽剂", "2026-11-23", 30)}))
                        .fired("LIMIT-DAYS"));
        CHECK_FALSE(check(engine, with_items({item("1", "drug", "X9999999999999999999999", "院外药", "2026-11-23", 30)}))
                        .fired("LIMIT-DAYS"));
        CHECK_FALSE(check(engine, with_items({item("1", "drug", kAmoxicillin, "阿莫西林胶囊")})).fired("LIMIT-DAYS"));
    }
    SECTION("runs at order entry") {
        Reply reply = check(engine, with_items({amoxicillin(8)}));
        CHECK(reply.attr("mode") == "prescribing");
        CHECK(reply.fired("LIMIT-DAYS"));
    }
}

TEST_CASE("a hospital pack changes the limits and restrictions", "[rules][limits][packs]") {
    Scratch scratch;
    write_pack(scratch, "hospital",
               {{"pack.xml", "<pack id=\"hospital\" version=\"2026.12\"/>"},
                {"limits.csv", "limit,value,basis\nsupply_days_outpatient,14,provincial rule for rural clinics\n"},
                {"code_sets.csv", "set,code,name\nlong_term_drug,XJ01CAA040,阿莫西林（本院试点）\n"},
                {"catalog.csv", "code,name,kind,class,min_age,gender,indications\n"
                                "XA10BAA002A001010101445,二甲双胍片,drug,A,18,,\n"
                                // 医疗服务项目限适应症, 医用耗材限疾病使用, 医用耗材与性别不符: classes
                                // with no national points, fed by a pack's rows like any drug's.
                                "003107020010000,高压氧舱治疗,treatment,B,,,T58 T59 T65.8\n"
                                "C0301010000000000001,心脏封堵器,material,B,,,Q21\n"
                                "C1401020000000000001,宫内节育器,material,A,,F,\n"},
                {"rules.csv", "rule,severity,mitigated_severity,certainty,basis_zh,basis_en\n"
                              "LIMIT-GENDER,block,warning,definite,本院规定,hospital rule\n"}});
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, "hospital"});
    Engine engine(scratch.config);

    SECTION("an outpatient limit of 14 days") {
        auto cefuroxime = [](int days) {
            return item("1", "drug", "XJ01DCT056A001010100611", "头孢呋辛酯片", "2026-11-23", days);
        };
        CHECK_FALSE(check(engine, with_items({cefuroxime(14)})).fired("LIMIT-DAYS"));
        CHECK(contains(check(engine, with_items({cefuroxime(15)})).message("LIMIT-DAYS"), "beyond the limit of 14"));
    }
    SECTION("a drug marked long-term by the hospital gets 28 days") {
        CHECK_FALSE(check(engine, with_items({item("1", "drug", kAmoxicillin, "阿莫西林胶囊", "2026-11-23", 28)}))
                        .fired("LIMIT-DAYS"));
    }
    SECTION("a catalog row of its own adds an age bound") {
        Doc doc = child_born("2015-01-01", {item("1", "drug", kMetformin, "二甲双胍片", "2026-11-23", 7)});
        CHECK(contains(check(engine, doc).message("LIMIT-AGE"), "for ages 18 and over and the patient is 11"));
    }
    SECTION("services and materials restricted by indication or gender, as drugs are") {
        auto diagnosed = [](const std::string &line, const char *code) {
            Doc doc = with_items({line});
            doc.diagnoses = {std::string("<diagnosis code=\"") + code + "\" name=\"诊断\" primary=\"true\"/>"};
            return doc;
        };
        std::string oxygen = item("1", "treatment", "003107020010000", "高压氧舱治疗", "2026-11-23");
        CHECK(check(engine, diagnosed(oxygen, "E11.900")).fired("LIMIT-INDICATION"));
        CHECK_FALSE(check(engine, diagnosed(oxygen, "T58.x00")).fired("LIMIT-INDICATION"));
        std::string occluder = item("1", "material", "C0301010000000000001", "心脏封堵器", "2026-11-23");
        CHECK(check(engine, diagnosed(occluder, "I10.x00")).fired("LIMIT-INDICATION"));
        CHECK_FALSE(check(engine, diagnosed(occluder, "Q21.100")).fired("LIMIT-INDICATION"));
        std::string device = item("1", "material", "C1401020000000000001", "宫内节育器", "2026-11-23");
        CHECK(check(engine, with_items({device})).fired("LIMIT-GENDER"));  // the sample patient is a man
    }
    SECTION("severities of its own: block, and warning with consent") {
        Doc doc = with_items({item("1", "drug", kProgesterone, "黄体酮注射液(Ⅱ)", "2026-11-23", 3)});
        CHECK(severity_of(engine, doc, "LIMIT-GENDER") == "block");
        doc.extra = signed_consent("1");
        CHECK(severity_of(engine, doc, "LIMIT-GENDER") == "warning");
    }
}

TEST_CASE("limits.csv and code_sets.csv refuse bad rows with file, line and column", "[rules][limits][packs]") {
    Scratch scratch;
    auto refused = [&](const char *file, const std::string &content) {
        return test::refused_table(scratch, MEDLINT_DEFAULT_PACK, file, content);
    };
    CHECK(contains(refused("limits.csv", "limit,value\nsupply_days_outpatient,7\nsplit_admission_days,6\n"),
                   "limits.csv:3, column 2 (value): 6 is below 7"));
    CHECK(contains(refused("limits.csv", "limit,value\nsplit_admission_days,32\n"),
                   "limits.csv:2, column 2 (value): \"32\" is not a whole number from 0 to 31"));
    CHECK(contains(refused("limits.csv", "limit,value\nsupply_days_outpatent,7\n"),
                   "\"supply_days_outpatent\" is not one of supply_days_outpatient"));
    CHECK(contains(refused("code_sets.csv", "set,code\nchronic,XA10BAA002\n"),
                   "code_sets.csv:2, column 1 (set): \"chronic\" is not one of long_term_drug, planned_cycle, stay_charge"));
    CHECK(contains(refused("rules.csv", "rule,severity,mitigated_severity,certainty\nLIMIT-AGE,warning,low,definite\n"),
                   "rules.csv:2, column 3 (mitigated_severity)"));
}

TEST_CASE("The national pack stacked on the default pack: a male-only drug of the knowledge points for a woman",
          "[rules][limits][packs][national]") {
    Scratch scratch;
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, MEDLINT_NATIONAL_PACK});
    Engine engine(scratch.config);
    // 阿帕他胺片, knowledge point KP-9d2200dd87d22a1a (药品区分性别使用): 限转移性激素敏感性前列腺癌(mHSPC)患者.
    Doc doc = with_items({item("1", "drug", "XL02BBA326A001010102180", "阿帕他胺片", "2026-11-23", 7)});
    doc.gender = "F";
    doc.id = test::resident_id("52270119800101002");  // a woman's
    doc.diagnoses = {R"(<diagnosis code="C61.x00" name="前列腺恶性肿瘤" primary="true"/>)"};
    Reply reply = check(engine, doc);
    CHECK(reply.attr("rules") == "default 2026.11; national 2026.06");
    CHECK(reply.rules() == std::vector<std::string>{"LIMIT-GENDER"});
    CHECK(contains(reply.message("LIMIT-GENDER"), "for men only and the patient is a woman"));

    SECTION("the same drug for a man with its indication passes") {
        doc.gender = "M";
        doc.id = "522701198001010011";
        CHECK(check(engine, doc).rules().empty());
    }
}
