// Rule packs (contract section 4) as a hospital uses them: packs merge in
// configuration order, a later pack overriding and adding rows; a bad row is
// refused with its file, line, column and why, and a <reload/> that meets one
// keeps the packs the engine had; a catalog exported from a spreadsheet, its
// columns reordered among others, works; <pack-validate/> says what a pack
// holds or what is wrong with it.  (test_config.cpp covers opening with a bad
// pack and a later pack's rules.csv row.)

#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "support.hpp"

using test::attr;
using test::check;
using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;
using test::use_packs;
using test::write_file;
using test::write_pack;

#ifndef MEDLINT_DEFAULT_PACK
#error "MEDLINT_DEFAULT_PACK must name rules/default (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

const char *const kMetformin =
    R"(<item id="1" kind="drug" code="XA10BAA002A001010101445" name="二甲双胍片" quantity="1" price="12.50" days="7" date="2026-11-23"/>)";
const char *const kMixture =
    R"(<item id="2" kind="drug" code="H52270100010001" name="复方甘草合剂（院内制剂）" quantity="1" price="15.00" days="5" date="2026-11-23"/>)";

Doc with_items(std::vector<std::string> items) {
    Doc doc;
    doc.admitted = "";
    doc.items = std::move(items);
    return doc;
}

std::string creatinine(const std::string &id, const std::string &date) {
    return "<item id=\"" + id + "\" kind=\"test\" code=\"002503070020000\" name=\"肌酐测定\" price=\"10\" date=\"" +
           date + "\"/>";
}

// The hospital's pack: one catalog row added, one overridden; a retest
// interval shortened and one added; a message text replaced.
const char *const kHospitalPackXml = "<pack id=\"hospital\" version=\"2026.12\" jurisdiction=\"CN-52\"/>";
const char *const kHospitalCatalog =
    "code,name,kind,class\n"
    "H52270100010001,复方甘草合剂（院内制剂）,drug,B\n"
    "XA10BAA002A001010101445,二甲双胍片,drug,C\n";
const char *const kHospitalRetest =
    "code,group,interval_days,basis\n"
    "002503070020000,creatinine,3,local: renal ward\n"
    "H52270100020001,h-panel,5,local panel\n";
const char *const kHospitalMessages =
    "key,zh,en\n"
    "DUP-TEST.same-code.suggestion,先电话询问检验科是否已有结果,Call the laboratory for the earlier result first\n";

std::string hospital_pack(const Scratch &scratch) {
    return write_pack(scratch, "hospital",
                      {{"pack.xml", kHospitalPackXml},
                       {"catalog.csv", kHospitalCatalog},
                       {"retest.csv", kHospitalRetest},
                       {"messages.csv", kHospitalMessages}});
}

std::string panel(const std::string &id, const std::string &date) {
    return "<item id=\"" + id +
           "\" kind=\"test\" code=\"H52270100020001\" name=\"院内肾功能组合\" price=\"30\" date=\"" + date + "\"/>";
}

// The data rows of a CSV file without quoted fields.
size_t data_rows(const std::string &path) {
    std::istringstream in(test::read_file(path));
    std::string line;
    size_t rows = 0;
    while (std::getline(in, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) ++rows;
    return rows - 1;
}

}  // namespace

TEST_CASE("packs merge in configuration order: a later pack overrides and adds rows", "[packs]") {
    Scratch scratch;
    hospital_pack(scratch);

    SECTION("default, then the hospital's pack") {
        use_packs(scratch, {MEDLINT_DEFAULT_PACK, "hospital"});
        Engine engine(scratch.config);
        Reply reply = check(engine, with_items({kMetformin, kMixture}).str());
        CHECK(reply.attr("rules") == "default 2026.11; hospital 2026.12");
        // Metformin is class C now; the hospital's own preparation is in the catalog.
        auto consent = reply.finding("CONSENT-MISSING");
        CHECK(attr(consent, "items") == "1");
        CHECK(contains(consent.child_value("message"), "class C"));
        // Creatinine: 3 days instead of 7, and the replaced suggestion.
        CHECK_FALSE(check(engine, with_items({creatinine("1", "2026-11-20"), creatinine("2", "2026-11-23")}).str())
                        .fired("DUP-TEST"));
        Reply repeated =
            check(engine, with_items({creatinine("1", "2026-11-21"), creatinine("2", "2026-11-23")}).str());
        auto dup = repeated.finding("DUP-TEST");
        CHECK(contains(dup.child_value("message"), "3-day retest interval"));
        CHECK(std::string(dup.child_value("suggestion")) == "Call the laboratory for the earlier result first");
        // The added retest row: 5 days.
        CHECK(check(engine, with_items({panel("1", "2026-11-19"), panel("2", "2026-11-23")}).str()).fired("DUP-TEST"));
        CHECK_FALSE(
            check(engine, with_items({panel("1", "2026-11-18"), panel("2", "2026-11-23")}).str()).fired("DUP-TEST"));
        // What the hospital's pack does not touch is the default pack's.
        CHECK(
            check(
                engine,
                with_items(
                    {R"(<item id="1" kind="drug" code="XD11AXM098G001010100123" name="米诺地尔搽剂" days="7" date="2026-11-23"/>)"})
                    .str())
                .fired("CONSENT-MISSING"));
        Reply same_day =
            check(engine, with_items({creatinine("1", "2026-11-23"), creatinine("2", "2026-11-23")}).str());
        auto texts = same_day.finding("DUP-TEST");
        CHECK(contains(texts.child_value("evidence"), "Encounter MZ20261123001, item 1"));
    }
    SECTION("the hospital's pack, then default: default's rows win, the added rows stay") {
        use_packs(scratch, {"hospital", MEDLINT_DEFAULT_PACK});
        Engine engine(scratch.config);
        Reply reply = check(engine, with_items({kMetformin, kMixture}).str());
        CHECK(reply.attr("rules") == "hospital 2026.12; default 2026.11");
        CHECK_FALSE(reply.fired("CONSENT-MISSING"));  // metformin class A again; the preparation still listed
        Reply repeated =
            check(engine, with_items({creatinine("1", "2026-11-20"), creatinine("2", "2026-11-23")}).str());
        auto dup = repeated.finding("DUP-TEST");
        CHECK(contains(dup.child_value("message"), "7-day retest interval"));
        CHECK(contains(dup.child_value("suggestion"), "use the earlier result"));
        CHECK(check(engine, with_items({panel("1", "2026-11-19"), panel("2", "2026-11-23")}).str()).fired("DUP-TEST"));
    }
    SECTION("a pack of pack.xml alone is complete") {
        write_pack(scratch, "empty", {{"pack.xml", "<pack id=\"empty\" version=\"1\"/>"}});
        use_packs(scratch, {MEDLINT_DEFAULT_PACK, "empty"});
        Engine engine(scratch.config);
        Reply reply = check(engine, with_items({kMetformin}).str());
        CHECK(reply.attr("rules") == "default 2026.11; empty 1");
        CHECK(reply.attr("status") == "pass");
    }
}

TEST_CASE("a bad row is refused with file, line, column and why, and reload keeps the packs it had", "[packs][reload]") {
    Scratch scratch;
    std::string hospital = hospital_pack(scratch);
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, "hospital"});
    Engine engine(scratch.config);
    Doc doc = with_items({kMetformin, kMixture});
    Reply before = check(engine, doc.str());
    REQUIRE(attr(before.finding("CONSENT-MISSING"), "items") == "1");

    auto expect_refused = [&](const std::string &file, std::initializer_list<std::string> parts) {
        Reply reply = engine.call("<reload/>");
        INFO(reply.text);
        CHECK(reply.code == MEDLINT_ECONFIG);
        CHECK(reply.root_name() == "error");
        CHECK(contains(reply.error(), hospital + "/" + file));
        for (const auto &part : parts) CHECK(contains(reply.error(), part));
        // The engine goes on with the packs it had: metformin is still class C,
        // and the refused pack's good rows are not half applied.
        Reply after = check(engine, doc.str());
        CHECK(after.attr("rules") == "default 2026.11; hospital 2026.12");
        CHECK(attr(after.finding("CONSENT-MISSING"), "items") == "1");
        CHECK_FALSE(check(engine, with_items({creatinine("1", "2026-11-20"), creatinine("2", "2026-11-23")}).str())
                        .fired("DUP-TEST"));
    };

    SECTION("a class that is none, in catalog.csv") {
        write_pack(scratch, "hospital",
                   {{"pack.xml", "<pack id=\"hospital\" version=\"2026.13\"/>"},
                    {"catalog.csv",
                     "code,name,kind,class\n"
                     "H52270100010001,复方甘草合剂（院内制剂）,drug,B\n"
                     "XA10BAA002A001010101445,二甲双胍片,drug,A\n"
                     "H52270100010002,院内自制软膏,drug,D\n"}});
        expect_refused("catalog.csv", {"catalog.csv:4, column 4 (class)", "\"D\" is not one of"});
    }
    SECTION("a severity, a certainty and a standing that are none") {
        write_pack(scratch, "hospital",
                   {{"pack.xml", "<pack id=\"hospital\" version=\"2026.13\"/>"},
                    {"rules.csv", "rule,severity,mitigated_severity,certainty\nDUP-TEST,critical,,definite\n"}});
        expect_refused("rules.csv", {"rules.csv:2, column 2 (severity)", "\"critical\" is not one of info, warning, block"});
        write_pack(scratch, "hospital", {{"rules.csv", "rule,severity,mitigated_severity,certainty\nDUP-TEST,block,pass,definite\n"}});
        expect_refused("rules.csv", {"rules.csv:2, column 3 (mitigated_severity)", "\"pass\" is not one of info, warning, block"});
        write_pack(scratch, "hospital", {{"rules.csv", "rule,severity,mitigated_severity,certainty\nDUP-TEST,block,,likely\n"}});
        expect_refused("rules.csv", {"rules.csv:2, column 4 (certainty)", "\"likely\" is not one of definite, suspected"});
        write_pack(scratch, "hospital",
                   {{"rules.csv", "rule,severity,mitigated_severity,certainty\nDUP-TEST,block,,definite\n"},
                    {"thresholds.csv", "profile,scope,years,points,standing,months,bar_years\n"
                                       "national-2024,year,1,9,banned,1,0\n"}});
        expect_refused("thresholds.csv", {"thresholds.csv:2, column 5 (standing)",
                                          "\"banned\" is not one of warned, suspended, terminated"});
    }
    SECTION("an interval of 0 days after a quoted cell that spans two lines, in retest.csv") {
        write_pack(scratch, "hospital",
                   {{"retest.csv",
                     "code,group,interval_days,basis\r\n"
                     "002503070020000,creatinine,7,\"local: \"\"renal ward\"\"\r\nrecheck after dialysis\"\r\n"
                     "002503070010000,urea,0,local\r\n"}});
        expect_refused("retest.csv", {"retest.csv:4, column 3 (interval_days)", "at least 1 day"});
    }
    SECTION("a negative age, in a column moved to the front") {
        write_pack(scratch, "hospital",
                   {{"catalog.csv",
                     "min_age,code,class\n"
                     "0,XA10BAA002A001010101445,A\n"
                     "-1,H52270100010002,B\n"}});
        expect_refused("catalog.csv", {"catalog.csv:3, column 1 (min_age)", "\"-1\" is not a whole number"});
    }
    SECTION("a table saved as GBK, as Excel on Chinese Windows does") {
        // "复方" in GBK: 0xB8 0xB4 0xB7 0xBD, never valid UTF-8.
        write_pack(scratch, "hospital",
                   {{"catalog.csv", "code,name,kind,class\n"
                                    "XA10BAA002A001010101445,metformin,drug,A\n"
                                    "H52270100010001,\xB8\xB4\xB7\xBD,drug,B\n"}});
        expect_refused("catalog.csv", {"catalog.csv: byte 0xB8 at line 3, column 17 is not valid UTF-8", "CSV UTF-8"});
    }
    SECTION("a required column missing") {
        write_pack(scratch, "hospital", {{"retest.csv", "code,group,days\n002503070020000,creatinine,3\n"}});
        expect_refused("retest.csv", {"retest.csv:1", "interval_days"});
    }
    SECTION("fixed, the pack reloads and applies") {
        write_pack(scratch, "hospital",
                   {{"pack.xml", "<pack id=\"hospital\" version=\"2026.13\"/>"},
                    {"catalog.csv",
                     "code,name,kind,class\n"
                     "H52270100010001,复方甘草合剂（院内制剂）,drug,B\n"
                     "XA10BAA002A001010101445,二甲双胍片,drug,A\n"
                     "H52270100010002,院内自制软膏,drug,D\n"}});
        CHECK(engine.call("<reload/>").code == MEDLINT_ECONFIG);
        write_pack(scratch, "hospital",
                   {{"catalog.csv",
                     "code,name,kind,class\n"
                     "H52270100010001,复方甘草合剂（院内制剂）,drug,B\n"
                     "XA10BAA002A001010101445,二甲双胍片,drug,A\n"
                     "H52270100010002,院内自制软膏,drug,C\n"}});
        Reply reloaded = check(engine, "<reload/>");
        CHECK(reloaded.root_name() == "reload-result");
        CHECK(reloaded.attr("rules") == "default 2026.11; hospital 2026.13");
        Reply after = check(engine, doc.str());
        CHECK(after.attr("rules") == "default 2026.11; hospital 2026.13");
        CHECK_FALSE(after.fired("CONSENT-MISSING"));
    }
}

TEST_CASE("a pack set lacking a rule's rows is refused at open and at reload, and stacked packs count together",
          "[packs][reload]") {
    Scratch scratch;
    // A hospital's copy of the default pack that lost the Qiannan points of DUP-TEST.
    std::string copy = scratch.dir.file("copy");
    std::filesystem::copy(MEDLINT_DEFAULT_PACK, copy);
    std::string points = test::read_file(copy + "/points.csv");
    size_t row = points.find("\nqiannan-2023,DUP-TEST,");
    REQUIRE(row != std::string::npos);
    write_file(copy + "/points.csv", points.erase(row + 1, points.find('\n', row + 1) - row));

    use_packs(scratch, {"copy"});
    test::OpenResult refused = test::try_open(scratch.config);
    CHECK(refused.code == MEDLINT_ECONFIG);
    CHECK(contains(refused.message, "copy/points.csv: no row for rule DUP-TEST under profile qiannan-2023 "
                                    "(every rule needs points under every profile)"));

    // A pack stacked on it that adds the row completes the set.
    write_pack(scratch, "hospital",
               {{"pack.xml", kHospitalPackXml}, {"points.csv", "profile,rule,points\nqiannan-2023,DUP-TEST,2\n"}});
    use_packs(scratch, {"copy", "hospital"});
    Engine engine(scratch.config);
    CHECK(check(engine, with_items({kMetformin}).str()).attr("rules") == "default 2026.11; hospital 2026.12");

    // A reload that meets the hole again is refused; the engine keeps its packs.
    write_pack(scratch, "hospital", {{"points.csv", "profile,rule,points\n"}});
    Reply reply = engine.call("<reload/>");
    CHECK(reply.code == MEDLINT_ECONFIG);
    CHECK(contains(reply.error(), "copy/points.csv, "));
    CHECK(contains(reply.error(), "hospital/points.csv: no row for rule DUP-TEST under profile qiannan-2023"));
    CHECK(check(engine, with_items({kMetformin}).str()).attr("rules") == "default 2026.11; hospital 2026.12");
}

TEST_CASE("a catalog.csv exported from a spreadsheet: columns reordered among others", "[packs]") {
    Scratch scratch;
    // A BOM, CRLF line ends, the hospital's own columns around the contract's,
    // header names padded, classes in Chinese, quoted cells with commas and a
    // line break, empty cells.
    std::string catalog =
        "\xEF\xBB\xBF序号, 医保目录名称 ,indications,备注, class ,code,单价（元）,kind,max_days,name\r\n"
        "1,复方甘草合剂,,\"院内制剂, 按乙类支付\",乙,H52270100010001,15.00,drug,7,复方甘草合剂（院内制剂）\r\n"
        "2,美容祛斑霜,,\"全自费\r\n（丙类）\",丙,H52270100010002,\"1,280.00\",drug,,美容祛斑霜\r\n"
        "3,院内肾功能组合,,,甲,H52270100020001,30.00,test,,院内肾功能组合\r\n"
        "\r\n";
    std::string pack =
        write_pack(scratch, "export",
                   {{"pack.xml", "<pack id=\"his-export\" version=\"2026-11-20\" complete=\"true\"/>"},
                    {"catalog.csv", catalog}});
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, "export"});
    Engine engine(scratch.config);

    Reply reply = check(
        engine,
        with_items(
            {kMixture,
             R"(<item id="3" kind="drug" code="H52270100010002" name="美容祛斑霜" price="1280" date="2026-11-23"/>)",
             panel("4", "2026-11-23"),
             R"(<item id="5" kind="drug" code="H52270100010003" name="未登记制剂" price="9" date="2026-11-23"/>)"})
            .str());
    CHECK(reply.attr("rules") == "default 2026.11; his-export 2026-11-20");
    auto findings = reply.findings("CONSENT-MISSING");
    REQUIRE(findings.size() == 2);
    CHECK(attr(findings[0], "items") == "3");
    CHECK(contains(findings[0].child_value("message"), "class C"));
    CHECK(attr(findings[1], "items") == "5");
    CHECK(contains(findings[1].child_value("message"), "not in the insurance catalog"));

    Reply validated = check(engine, "<pack-validate path=\"" + pack + "\"/>");
    CHECK(validated.attr("id") == "his-export");
    bool seen = false;
    for (auto table : validated.root().children("table"))
        if (attr(table, "file") == "catalog.csv") {
            seen = true;
            CHECK(attr(table, "rows") == "3");
        }
    CHECK(seen);
}

TEST_CASE("<pack-validate/> says what a pack holds, or what is wrong with it", "[packs][validate]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("the default pack") {
        Reply reply = check(engine, "<pack-validate path=\"" MEDLINT_DEFAULT_PACK "\"/>");
        CHECK(reply.root_name() == "pack-validate-result");
        CHECK(reply.attr("id") == "default");
        CHECK(reply.attr("version") == "2026.11");
        CHECK(reply.attr("jurisdiction") == "CN");
        std::map<std::string, std::string> rows;
        for (auto table : reply.root().children("table")) rows[attr(table, "file")] = attr(table, "rows");
        const std::string pack = MEDLINT_DEFAULT_PACK;
        // Whether these rows cover every registered rule is test_rule_inventory's.
        for (const char *file : {"catalog.csv", "retest.csv", "override_reasons.csv", "calendar.csv", "rules.csv",
                                 "messages.csv", "points.csv"}) {
            INFO(file);
            REQUIRE(rows.count(file) == 1);
            CHECK(rows[file] == std::to_string(data_rows(pack + "/" + file)));
        }
    }
    SECTION("validating a pack does not load it") {
        std::string hospital = hospital_pack(scratch);
        Reply reply = check(engine, "<pack-validate path=\"" + hospital + "\"/>");
        CHECK(reply.attr("id") == "hospital");
        CHECK(reply.attr("version") == "2026.12");
        CHECK(reply.attr("jurisdiction") == "CN-52");
        std::map<std::string, std::string> rows;
        for (auto table : reply.root().children("table")) rows[attr(table, "file")] = attr(table, "rows");
        CHECK(rows["catalog.csv"] == "2");
        CHECK(rows["retest.csv"] == "2");
        CHECK(rows["messages.csv"] == "1");
        CHECK(rows["rules.csv"] == "0");
        Reply after = check(engine, with_items({kMetformin}).str());
        CHECK(after.attr("rules") == "default 2026.11; national 2026.06");
        CHECK_FALSE(after.fired("CONSENT-MISSING"));
    }
    SECTION("a bad pack: ECONFIG with file, line, column and why; the engine goes on") {
        std::string bad = write_pack(scratch, "bad",
                                     {{"pack.xml", "<pack id=\"bad\" version=\"1\"/>"},
                                      {"points.csv",
                                       "profile,rule,points,clause\n"
                                       "national-2024,DUP-TEST,1,ok\n"
                                       "national-2024,DUP-DRUG,one,not a number\n"}});
        Reply reply = engine.call("<pack-validate path=\"" + bad + "\"/>");
        INFO(reply.text);
        CHECK(reply.code == MEDLINT_ECONFIG);
        CHECK(reply.root_name() == "error");
        CHECK(contains(reply.error(), bad + "/points.csv:3, column 3 (points)"));
        CHECK(contains(reply.error(), "\"one\" is not a whole number"));
        // The same place as attributes, so that a host need not read the message.
        CHECK(reply.attr("file") == bad + "/points.csv");
        CHECK(reply.attr("line") == "3");
        CHECK(reply.attr("column") == "3");
        CHECK(reply.attr("problem") == "points: \"one\" is not a whole number from 0 to 99");
        CHECK(std::string(medlint_last_error()) == reply.error());
        CHECK(check(engine, with_items({kMetformin}).str()).attr("status") == "pass");
    }
    SECTION("a folder that is none, or has no pack.xml, or a pack.xml of another root") {
        Reply missing = engine.call("<pack-validate path=\"" + scratch.dir.file("no-such-pack") + "\"/>");
        CHECK(missing.code == MEDLINT_ECONFIG);
        CHECK(contains(missing.error(), "no-such-pack"));

        std::string bare = write_pack(scratch, "bare", {{"catalog.csv", "code\nX\n"}});
        Reply no_pack_xml = engine.call("<pack-validate path=\"" + bare + "\"/>");
        CHECK(no_pack_xml.code == MEDLINT_ECONFIG);
        CHECK(contains(no_pack_xml.error(), "pack.xml"));

        std::string other = write_pack(scratch, "other", {{"pack.xml", "<rules id=\"x\" version=\"1\"/>"}});
        Reply wrong_root = engine.call("<pack-validate path=\"" + other + "\"/>");
        CHECK(wrong_root.code == MEDLINT_ECONFIG);
        CHECK(contains(wrong_root.error(), other + "/pack.xml"));
        CHECK(contains(wrong_root.error(), "<pack>"));

        std::string no_id = write_pack(scratch, "no-id", {{"pack.xml", "<pack version=\"1\"/>"}});
        Reply without_id = engine.call("<pack-validate path=\"" + no_id + "\"/>");
        CHECK(without_id.code == MEDLINT_ECONFIG);
        CHECK(contains(without_id.error(), no_id + "/pack.xml"));
        CHECK(contains(without_id.error(), "attribute id"));
    }
    SECTION("a request without path is a parse error") {
        Reply reply = engine.call("<pack-validate/>");
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "path"));
    }
}

// A table is read only from a regular file of at most 64 MiB: a link to a
// device would be read until memory runs out, and a FIFO would block
// medlint_open for ever.
TEST_CASE("a pack table that is no regular file, or too large, is refused", "[packs]") {
    Scratch scratch;
    std::string pack = write_pack(scratch, "odd", {{"pack.xml", "<pack id=\"odd\" version=\"1\"/>"}});
    std::string catalog = pack + "/catalog.csv";
    use_packs(scratch, {MEDLINT_DEFAULT_PACK, "odd"});
    auto refused = [&](const std::string &why) {
        test::OpenResult opened = test::try_open(scratch.config);
        CHECK(opened.code == MEDLINT_ECONFIG);
        CHECK(contains(opened.message, catalog));
        CHECK(contains(opened.message, why));
    };
    SECTION("a link to /dev/zero") {
        std::filesystem::create_symlink("/dev/zero", catalog);
        refused("is not a regular file");
    }
    SECTION("a FIFO") {
        REQUIRE(mkfifo(catalog.c_str(), 0600) == 0);
        refused("is not a regular file");
    }
    SECTION("a folder") {
        std::filesystem::create_directory(catalog);
        refused("is not a regular file");
    }
    SECTION("a file one byte over 64 MiB (sparse, so it costs no disk)") {
        write_file(catalog, "code\n");
        std::filesystem::resize_file(catalog, (64u << 20) + 1);
        refused("is larger than 64 MiB");
    }
    SECTION("a link to a regular file is read") {
        write_file(scratch.dir.file("catalog.csv"), "code,name\nX1,linked\n");
        std::filesystem::create_symlink(scratch.dir.file("catalog.csv"), catalog);
        CHECK(test::try_open(scratch.config).code == MEDLINT_OK);
    }
}
