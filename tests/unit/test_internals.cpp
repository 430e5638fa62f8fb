// Engine internals that the ABI tests reach only indirectly: dates, GB 11643
// numbers, SHA-256, CSV tables, rule-pack loading, request decoding and XML
// sources.
#include "csv.hpp"
#include "dates.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "knowledge.hpp"
#include "levels.hpp"
#include "resident_id.hpp"
#include "sha256.hpp"
#include "xml_input.hpp"

#include <cstdio>
#include <set>

#include "support.hpp"

using namespace medlint;
using test::contains;

namespace {

// The code and message of the medlint::Error that `work` throws.
template <class Work>
std::pair<int, std::string> error_of(Work &&work) {
    try {
        work();
    } catch (const Error &e) {
        return {e.code(), e.what()};
    }
    return {MEDLINT_OK, ""};
}

const Date kToday = *Date::parse("2026-11-23");

}  // namespace

TEST_CASE("dates are strict YYYY-MM-DD and count days", "[internals][dates]") {
    CHECK(Date::parse("2026-11-23"));
    CHECK(Date::parse("2024-02-29"));
    CHECK(Date::parse("2000-02-29"));
    for (const char *bad : {"2026-02-30", "2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-11-00",
                            "2026-11-31", "2026-1-23", "26-11-23", "2026/11/23", "2026-11-23 ", "", "２０２６-11-23"})
        CHECK_FALSE(Date::parse(bad));
    CHECK(*Date::parse("2026-03-01") - *Date::parse("2026-02-28") == 1);
    CHECK(*Date::parse("2024-03-01") - *Date::parse("2024-02-28") == 2);
    CHECK(Date::parse("1970-01-01")->days == 0);
    CHECK(Date::parse("2026-11-23")->str() == "2026-11-23");
    CHECK((*Date::parse("2026-12-31") + 1).str() == "2027-01-01");
    CHECK(Date::parse("2026-12-31")->year() == 2026);
    CHECK(Date::parse("2026-12-31")->month() == 12);
    CHECK(Date::parse("2024-02-29")->day() == 29);
    CHECK(Date::parse("1800-01-01")->month() == 1);
    CHECK(Date::parse("9999-12-31")->day() == 31);

    CHECK(parse_timestamp_date("2026-11-23T09:30:00+08:00") == Date::parse("2026-11-23"));
    CHECK(parse_timestamp_date("2026-11-23T23:59:59.123Z"));
    CHECK(parse_timestamp_date("2026-11-23T09:30-05:00"));
    for (const char *bad : {"2026-11-23", "2026-11-23T09:30:00", "2026-11-23T24:00:00Z", "2026-11-23T09:60:00Z",
                            "2026-11-23T09:30:00+8:00", "2026-02-30T09:30:00Z", "2026-11-23T09:30:00.Z"})
        CHECK_FALSE(parse_timestamp_date(bad));
}

// Finding ids and the audit chain are stored for ever: the digest must be
// SHA-256 exactly, so it is held to the FIPS 180-4 examples (one block, two
// blocks, many blocks) and to the empty message.
TEST_CASE("SHA-256 gives the known answers", "[internals][sha256]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// The audit row and the identity digests feed the digest in pieces: every
// split, across and at the block's edges, gives the digest of the whole.
TEST_CASE("SHA-256 fed in pieces gives the digest of the whole", "[internals][sha256]") {
    std::string message;
    for (int i = 0; i < 200; ++i) message += static_cast<char>('a' + i % 26);
    for (size_t size : {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200}) {
        std::string_view whole(message.data(), size);
        Sha256Digest expected = sha256(whole);
        for (size_t split = 0; split <= size; ++split) {
            CAPTURE(size, split);
            Sha256 pieces;
            pieces.update(whole.substr(0, split)).update(whole.substr(split));
            CHECK(pieces.finish() == expected);
        }
    }
    Sha256 twice;
    twice.update("ab").update("c");
    CHECK(twice.finish() == twice.finish());  // finishing does not change what was fed
    CHECK(twice.update("").finish() == sha256("abc"));
}

TEST_CASE("every date operation finishes at the calendar's edges", "[internals][dates]") {
    const Date first = *Date::parse("1800-01-01"), last = *Date::parse("9999-12-31");
    CHECK(first.str() == "1800-01-01");
    CHECK(last.str() == "9999-12-31");
    CHECK(last.year() == 9999);
    CHECK(last.full_years_since(first) == 8199);
    CHECK((last + 1).str() == "10000-01-01");
    CHECK((first - 1).str() == "1799-12-31");
    // A bar of 30 years from the last day runs past 9999 and still ends.
    CHECK(add_months(last, 360).str() == "10029-12-31");
    CHECK(add_months(first, -1).str() == "1799-12-01");
    CHECK(add_months(*Date::parse("2024-01-31"), 1).str() == "2024-02-29");
    CHECK(add_months(*Date::parse("2026-01-31"), 13).str() == "2027-02-28");
    CHECK(is_supported(*Date::parse(kFirstSupportedDate)));
    CHECK(is_supported(*Date::parse(kLastSupportedDate)));
    CHECK_FALSE(is_supported(*Date::parse(kFirstSupportedDate) - 1));
    CHECK_FALSE(is_supported(*Date::parse(kLastSupportedDate) + 1));
}

// Dates are written by hand, not by printf: the same text as "%04d-%02u-%02u",
// from the year -2191 to past 9999.
TEST_CASE("a date is written as printf writes its year, month and day", "[internals][dates]") {
    for (int days = -1520000; days < 3000000; days += 997) {
        Date date{days};
        char expected[32];
        std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", date.year(), date.month(), date.day());
        CAPTURE(days);
        CHECK(date.str() == expected);
    }
}

// Identities in the store are HMAC-SHA-256 digests, held to the published answers.
TEST_CASE("HMAC-SHA-256 gives the RFC 4231 answers", "[internals][sha256]") {
    // RFC 4231 test cases 1-4, 6 and 7 (5 is a truncated output).
    std::string key_1_to_25;
    for (char c = 1; c <= 25; ++c) key_1_to_25 += c;
    std::string long_key(131, '\xaa');
    CHECK(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hmac_sha256_hex(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    CHECK(hmac_sha256_hex(key_1_to_25, std::string(50, '\xcd')) ==
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    CHECK(hmac_sha256_hex(long_key, "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(hmac_sha256_hex(long_key, "This is a test using a larger than block-size key and a larger than block-size "
                                    "data. The key needs to be hashed before being used by the HMAC algorithm.") ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    // One key, many messages: the store's digests under its key.
    HmacSha256 jefe("Jefe");
    CHECK(jefe.hex("what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(jefe.hex("what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(jefe.hex("") == hmac_sha256_hex("Jefe", ""));
}

TEST_CASE("GB 11643 numbers are inspected field by field", "[internals][id]") {
    using Problem = ResidentIdFacts::Problem;
    auto facts = inspect_resident_id("522701198001010011", kToday);
    CHECK(facts.problem == Problem::none);
    CHECK(facts.gender == "M");
    CHECK(facts.birth_date == Date::parse("1980-01-01"));
    CHECK(inspect_resident_id("11010519491231002X", kToday).problem == Problem::none);
    CHECK(inspect_resident_id("11010519491231002x", kToday).problem == Problem::none);
    CHECK(inspect_resident_id("11010519491231002X", kToday).gender == "F");

    auto wrong = inspect_resident_id("522701198001010012", kToday);
    CHECK(wrong.problem == Problem::check_digit);
    CHECK(wrong.expected_check == '1');
    CHECK(inspect_resident_id("", kToday).problem == Problem::malformed);
    CHECK(inspect_resident_id("52270119800101001", kToday).problem == Problem::malformed);
    CHECK(inspect_resident_id(test::resident_id("99270119800101001"), kToday).problem == Problem::region);
    CHECK(inspect_resident_id(test::resident_id("52270119800230001"), kToday).problem == Problem::birth_date);
    // Born tomorrow is not possible yet; born today is.
    CHECK(inspect_resident_id(test::resident_id("52270120261124001"), kToday).problem == Problem::birth_date);
    CHECK(inspect_resident_id(test::resident_id("52270120261123001"), kToday).problem == Problem::none);

    // Every check character the algorithm can give, from the test's own computation.
    std::set<char> seen;
    for (int sequence = 0; sequence < 200; ++sequence) {
        char digits[8];
        std::snprintf(digits, sizeof digits, "%03d", sequence);
        std::string id = test::resident_id(std::string("52270119800101") + digits);
        INFO(id);
        CHECK(inspect_resident_id(id, kToday).problem == Problem::none);
        seen.insert(id.back());
    }
    CHECK(seen.size() == 11);
    CHECK(is_province_code("52"));
    CHECK_FALSE(is_province_code("00"));
}

TEST_CASE("CSV tables as spreadsheets export them", "[internals][csv]") {
    CsvTable table("\xEF\xBB\xBF" "code, name ,note\r\n"
                   "A1,\"Aspirin, 100 mg\",\"say \"\"hi\"\"\"\r\n"
                   "\r\n"
                   "B2,\"two\nlines\",\n"
                   "C3\n",
                   "t.csv");
    REQUIRE(table.rows().size() == 3);
    CHECK(table.cell(table.rows()[0], "name") == "Aspirin, 100 mg");
    CHECK(table.cell(table.rows()[0], "note") == "say \"hi\"");
    CHECK(table.cell(table.rows()[1], "name") == "two\nlines");
    CHECK(table.rows()[1].line == 4);
    CHECK(table.rows()[2].line == 6);
    CHECK(table.cell(table.rows()[2], "name").empty());  // a short row
    CHECK(table.cell(table.rows()[0], "absent").empty());
    CHECK(table.column("code") == 0u);

    auto [code, message] = error_of([] { CsvTable("a,b,a\n1,2,3\n", "dup.csv"); });
    CHECK(code == MEDLINT_ECONFIG);
    CHECK(contains(message, "dup.csv:1"));
    std::tie(code, message) = error_of([] { CsvTable("a\n\"open\n", "q.csv"); });
    CHECK(code == MEDLINT_ECONFIG);
    CHECK(contains(message, "q.csv:"));
    std::tie(code, message) = error_of([] { CsvTable("a,b\n\"x\"y,1\n", "after.csv"); });
    CHECK(contains(message, "after.csv:2"));
    std::tie(code, message) = error_of([] { CsvTable("", "empty.csv"); });
    CHECK(contains(message, "empty.csv"));
}

TEST_CASE("a rule pack is added all or nothing", "[internals][packs]") {
    Knowledge knowledge;
    knowledge.add_pack(embedded_default_pack(), "built-in pack");
    REQUIRE(knowledge.rule("ID-MISMATCH"));
    CHECK(knowledge.rule("ID-MISMATCH")->severity == Severity::warning);
    CHECK(knowledge.describe_packs() == "default 2026.11");

    PackFiles bad{{"pack.xml", "<pack id=\"bad\" version=\"1\"/>"},
                  {"rules.csv", "rule,severity,certainty\nID-MISMATCH,block,definite\nID-INVALID,severe,definite\n"}};
    auto [code, message] = error_of([&] { knowledge.add_pack(bad, "bad-pack"); });
    CHECK(code == MEDLINT_ECONFIG);
    CHECK(contains(message, "bad-pack/rules.csv:3"));
    CHECK(contains(message, "severity"));
    // The good row before the bad one did not stick.
    CHECK(knowledge.rule("ID-MISMATCH")->severity == Severity::warning);
    CHECK(knowledge.describe_packs() == "default 2026.11");

    PackFiles good{{"pack.xml", "<pack id=\"good\" version=\"2\"/>"},
                   {"rules.csv", "rule,severity,certainty\nID-MISMATCH,block,definite\n"}};
    knowledge.add_pack(good, "good-pack");
    CHECK(knowledge.rule("ID-MISMATCH")->severity == Severity::block);
    CHECK(knowledge.rule("ID-INVALID")->severity == Severity::warning);
    CHECK(knowledge.describe_packs() == "default 2026.11; good 2");

    std::tie(code, message) = error_of([&] { knowledge.add_pack({{"rules.csv", ""}}, "no-manifest"); });
    CHECK(code == MEDLINT_ECONFIG);
    CHECK(contains(message, "no-manifest"));
    std::tie(code, message) = error_of([&] { knowledge.add_pack({{"pack.xml", "<pack id=\"x\"/>"}}, "no-version"); });
    CHECK(contains(message, "version"));
}

TEST_CASE("CSV tables a hostile pack holds are refused with file, line and column", "[internals][csv]") {
    auto message_of = [](const std::string &text) {
        auto [code, message] = error_of([&] { CsvTable(text, "t.csv"); });
        CHECK(code == MEDLINT_ECONFIG);
        return message;
    };
    CHECK(contains(message_of("a,b\n1,\"x\ny\n2,3\n"), "t.csv:2, column 2: a quoted field opened here is not closed"));
    CHECK(contains(message_of(std::string("a,b\n1,x\0y\n", 10)), "t.csv:2, column 2: holds control character 0x00 (a NUL byte)"));
    CHECK(contains(message_of("a,b\n1,\"x\x1b[2J\"\n"), "t.csv:2, column 2: holds control character 0x1B"));
    CHECK(contains(message_of("a,b\n1,\"x\"y\n"), "t.csv:2, column 2: text follows a closing quote"));
    CHECK(contains(message_of("a,b,a\n"), "t.csv:1, column 3: column \"a\" appears twice"));
    CHECK(contains(message_of(""), "t.csv:1, column 1: has no header row"));
    CHECK(contains(message_of("a\n" + std::string((64u << 10) + 1, 'x') + "\n"), "t.csv:2, column 1: holds more than 64 KiB"));
    CHECK(contains(message_of("a\n" + std::string(1000000, ',') + "\n"), "t.csv:2, column 1025: a row has more than 1024 columns"));
    CsvTable table("a,b\n1,2\n", "t.csv");
    auto [code, message] = error_of([&] { table.require_columns({"a", "c"}); });
    CHECK(contains(message, "t.csv:1, column 3: the header has no column \"c\""));
}

TEST_CASE("a key appears once in a table, and a later pack overrides it", "[internals][packs]") {
    Knowledge knowledge;
    knowledge.add_pack(embedded_default_pack(), "built-in pack");
    PackFiles twice{{"pack.xml", "<pack id=\"twice\" version=\"1\"/>"},
                    {"rules.csv", "rule,severity,certainty\nID-MISMATCH,block,definite\nID-MISMATCH,info,definite\n"}};
    auto [code, message] = error_of([&] { knowledge.add_pack(twice, "twice"); });
    CHECK(code == MEDLINT_ECONFIG);
    CHECK(contains(message, "twice/rules.csv:3, column 1 (rule): \"ID-MISMATCH\" is already the key of line 2"));
    PackFiles calendar{{"pack.xml", "<pack id=\"days\" version=\"1\"/>"},
                       {"calendar.csv", "date,kind\n2026-10-01,holiday\n2026-10-01,workday\n"}};
    std::tie(code, message) = error_of([&] { knowledge.add_pack(calendar, "days"); });
    CHECK(contains(message, "days/calendar.csv:3, column 1 (date)"));
    PackFiles once{{"pack.xml", "<pack id=\"once\" version=\"1\"/>"},
                   {"rules.csv", "rule,severity,certainty\nID-MISMATCH,block,definite\n"}};
    knowledge.add_pack(once, "once");
    CHECK(knowledge.rule("ID-MISMATCH")->severity == Severity::block);
}

TEST_CASE("catalog packs stack cell by cell: a later pack's empty cell keeps the earlier value", "[internals][packs]") {
    Knowledge knowledge;
    knowledge.add_pack(embedded_default_pack(), "built-in pack");
    knowledge.add_pack(embedded_national_pack(), "built-in national pack");
    // The default sample gives the prostate-fluid test its kind and class, the
    // national pack only its gender and the point it comes from.
    const CatalogEntry *prostate = knowledge.catalog("002501040130000");
    REQUIRE(prostate);
    CHECK(prostate->kind == "test");
    CHECK(prostate->item_class == "A");
    CHECK(prostate->gender == "M");
    CHECK(prostate->gender_kp == std::vector<std::string>{"KP-142283c2369382e5"});
    // The national row has no gender for finasteride; the default's stays, without a point.
    const CatalogEntry *finasteride = knowledge.catalog("XG04CBF019A006010100320");
    REQUIRE(finasteride);
    CHECK(finasteride->gender == "M");
    CHECK(finasteride->gender_kp.empty());
    CHECK(finasteride->indications == std::vector<std::string>{"N40"});
    CHECK(finasteride->indications_kp == std::vector<std::string>{"KP-4a176aa6c627265a"});

    // A hospital pack restating a restriction restates its source: none here.
    PackFiles hospital{{"pack.xml", "<pack id=\"hospital\" version=\"1\"/>"},
                       {"catalog.csv", "code,name,gender,max_days\n002501040130000,,,\nXG04CBF019A006010100320,,F,30\n"}};
    knowledge.add_pack(hospital, "hospital");
    CHECK(knowledge.catalog("002501040130000")->name == "前列腺液常规检查");
    CHECK(knowledge.catalog("002501040130000")->gender_kp == std::vector<std::string>{"KP-142283c2369382e5"});
    CHECK(knowledge.catalog("XG04CBF019A006010100320")->gender == "F");
    CHECK(knowledge.catalog("XG04CBF019A006010100320")->max_days == 30);
    CHECK(knowledge.catalog("XG04CBF019A006010100320")->days_kp.empty());
}

TEST_CASE("request bytes are decoded to UTF-8", "[internals][encoding]") {
    CHECK(decode_request("<a/>") == "<a/>");
    CHECK(decode_request("\xEF\xBB\xBF<a/>") == "<a/>");
    CHECK(decode_request("<?xml version=\"1.0\" encoding=\"GBK\"?><a n=\"\xC0\xEE\xCB\xC4\"/>") ==
          "<?xml version=\"1.0\" encoding=\"GBK\"?><a n=\"李四\"/>");
    CHECK(decode_request("<?xml version='1.0' encoding='gb2312'?><a n='\xE9\x46'/>") ==
          "<?xml version='1.0' encoding='gb2312'?><a n='镕'/>");
    CHECK(encode_response("<a n=\"喆\"/>", "GB18030") == "<a n=\"\x86\xB4\"/>");
    CHECK(encode_response("<a/>", "UTF-8") == "<a/>");
    CHECK(canonical_response_encoding("gb18030") == "GB18030");
    CHECK(canonical_response_encoding("utf-8") == "UTF-8");
    CHECK_FALSE(canonical_response_encoding("GBK"));

    auto [code, message] = error_of([] { decode_request("<a>\n<b n=\"\xFF\"/></a>"); });
    CHECK(code == MEDLINT_EPARSE);
    CHECK(contains(message, "0xFF"));
    CHECK(contains(message, "line 2, column 7"));
    std::tie(code, message) = error_of([] { decode_request(std::string_view("<a/>\n\n\0", 7)); });
    CHECK(contains(message, "0x00"));
    CHECK(contains(message, "line 3"));
}

TEST_CASE("XML sources name lines and refuse a second root", "[internals][xml]") {
    XmlSource source("<a>\n  <b x=\"1\"/>\n  <b x=\"2\"/>\n</a>", "request", "", MEDLINT_EPARSE);
    Element root(source, source.root(), MEDLINT_EPARSE);
    auto children = root.children("b");
    REQUIRE(children.size() == 2);
    CHECK(children[1].line() == 3);
    auto [code, message] = error_of([&] { root.child("b"); });
    CHECK(code == MEDLINT_EPARSE);
    CHECK(contains(message, "line 3"));
    CHECK(contains(message, "more than once"));
    std::tie(code, message) = error_of([&] { children[0].whole_number("x", 0, 2, 5); });
    CHECK(contains(message, "line 2: <b>: attribute x is \"1\""));

    std::tie(code, message) = error_of([] { XmlSource("<a/>\n<b/>", "request", "", MEDLINT_EPARSE); });
    CHECK(code == MEDLINT_EPARSE);
    CHECK(contains(message, "second root element <b> at line 2"));
    std::tie(code, message) = error_of([] { XmlSource("<a/><![CDATA[x]]>", "config.xml", "config.xml", MEDLINT_ECONFIG); });
    CHECK(code == MEDLINT_ECONFIG);
    CHECK(contains(message, "config.xml"));
    // Comments and processing instructions after the root are fine.
    std::tie(code, message) = error_of([] { XmlSource("<a/>\n<!-- end -->\n<?pi x?>\n", "request", "", MEDLINT_EPARSE); });
    CHECK(code == MEDLINT_OK);
}

TEST_CASE("severities, certainties and standings rank by their order and print and parse by one name", "[levels]") {
    CHECK(Severity::pass < Severity::info);
    CHECK(Severity::info < Severity::warning);
    CHECK(Severity::warning < Severity::block);
    CHECK(Standing::active < Standing::warned);
    CHECK(Standing::warned < Standing::suspended);
    CHECK(Standing::suspended < Standing::terminated);
    for (Severity severity : {Severity::pass, Severity::info, Severity::warning, Severity::block})
        CHECK(level_named<Severity>(to_string(severity)) == severity);
    for (Certainty certainty : {Certainty::definite, Certainty::suspected})
        CHECK(level_named<Certainty>(to_string(certainty)) == certainty);
    for (Standing standing : {Standing::active, Standing::warned, Standing::suspended, Standing::terminated})
        CHECK(level_named<Standing>(to_string(standing)) == standing);
    CHECK(std::string(to_string(Severity::block)) == "block");
    CHECK(std::string(to_string(Standing::terminated)) == "terminated");
    CHECK_FALSE(level_named<Severity>("Block"));
    CHECK_FALSE(level_named<Standing>(""));
}
