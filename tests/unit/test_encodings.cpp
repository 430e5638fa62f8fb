// Requests in GBK, GB2312 and GB18030 bytes; GB18030 responses; reserved
// characters in names.

#include "support.hpp"

using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;

namespace {

// Names as bytes.  镕 (E946) and 喆 (86B4) are GBK characters outside GB2312.
const std::string kLiSiGbk = "\xC0\xEE\xCB\xC4";                    // 李四
const std::string kZhuRongjiGbk = "\xD6\xEC\xE9\x46\xBB\xF9";       // 朱镕基
const std::string kZhangZheGbk = "\xD5\xC5\x86\xB4";                // 张喆
const std::string kWangMinGbk = "\xCD\xF5\xC3\xF4";                 // 王敏
const std::string kExtensionBGb18030 = "\x95\x32\x82\x36";          // U+20000, four bytes in GB18030
const std::string kLiSiUtf8 = "李四";
const std::string kZhuRongjiUtf8 = "朱镕基";
const std::string kZhangZheUtf8 = "张喆";
const std::string kExtensionBUtf8 = "\xF0\xA0\x80\x80";

// A check whose patient is called `name` and whose card reads `card_name`, in
// whatever bytes the caller gives, declared as `encoding`.
std::string gb_request(const std::string &encoding, const std::string &name, const std::string &card_name,
                       const std::string &root_extra = "") {
    return "<?xml version=\"1.0\" encoding=\"" + encoding + "\"?>\n"
           "<check lang=\"en\" time=\"2026-11-23T09:30:00+08:00\"" + root_extra + ">\n"
           "  <physician code=\"D522701000123\" name=\"" + kWangMinGbk + "\"/>\n"
           "  <patient id=\"522701198001010011\" name=\"" + name + "\" gender=\"M\" birth-date=\"1980-01-01\">\n"
           "    <card id=\"522701198001010011\" name=\"" + card_name + "\"/>\n"
           "  </patient>\n"
           "  <encounter id=\"E1\" type=\"outpatient\"/>\n"
           "</check>\n";
}

// GB18030 bytes to UTF-8 with the C library's iconv, independent of the engine.
std::string gb18030_to_utf8(const std::string &bytes) { return test::convert(bytes, "GB18030", "UTF-8"); }

}  // namespace

TEST_CASE("GBK, GB2312 and GB18030 requests are converted and names round-trip", "[encoding]") {
    Scratch scratch;
    Engine engine(scratch.config);
    const std::string declared = GENERATE(as<std::string>{}, "GBK", "gbk", "GB2312", "GB18030", "gb18030");
    INFO("declared " << declared);

    SECTION("GBK characters outside GB2312") {
        Reply reply = engine.ok(gb_request(declared, kLiSiGbk, kZhuRongjiGbk));
        auto finding = reply.finding("ID-MISMATCH");
        std::string message = finding.child_value("message");
        CHECK(contains(message, kLiSiUtf8));
        CHECK(contains(message, kZhuRongjiUtf8));
        reply = engine.ok(gb_request(declared, kLiSiGbk, kZhangZheGbk));
        CHECK(contains(reply.messages("ID-MISMATCH"), kZhangZheUtf8));
    }
    SECTION("the same name in GBK and on the card is no mismatch") {
        Reply reply = engine.ok(gb_request(declared, kZhuRongjiGbk, kZhuRongjiGbk));
        CHECK_FALSE(reply.fired("ID-MISMATCH"));
        CHECK(reply.attr("status") == "pass");
    }
    SECTION("the physician's GBK name is stored as UTF-8") {
        Reply reply = engine.ok(gb_request(declared, kLiSiGbk, kLiSiGbk));
        CHECK(reply.well_formed);  // the response is UTF-8 and parses
        CHECK_FALSE(contains(reply.text, kWangMinGbk));
    }
}

TEST_CASE("four-byte GB18030 characters convert", "[encoding]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Reply reply = engine.ok(gb_request("GB18030", kLiSiGbk, kExtensionBGb18030 + kLiSiGbk));
    CHECK(contains(reply.messages("ID-MISMATCH"), kExtensionBUtf8 + kLiSiUtf8));
}

TEST_CASE("response-encoding=GB18030 gives GB18030 bytes", "[encoding]") {
    Scratch scratch;
    Engine engine(scratch.config);
    const std::string lang = GENERATE(as<std::string>{}, "en", "zh");

    SECTION("from a UTF-8 request") {
        Doc doc;
        doc.lang = lang;
        doc.root_extra = " response-encoding=\"GB18030\"";
        doc.card = "id=\"522701198001010011\" name=\"" + kZhuRongjiUtf8 + "\"";
        Reply reply = engine.call(doc.str());
        REQUIRE(reply.code == MEDLINT_OK);
        CHECK(reply.text.rfind("<?xml version=\"1.0\" encoding=\"GB18030\"?>", 0) == 0);
        CHECK(contains(reply.text, kLiSiGbk));
        CHECK(contains(reply.text, kZhuRongjiGbk));
        CHECK_FALSE(contains(reply.text, kLiSiUtf8));
        // Decoded independently, it is the same response as a UTF-8 one.
        std::string utf8 = gb18030_to_utf8(reply.text);
        pugi::xml_document xml;
        REQUIRE(xml.load_string(utf8.c_str()));
        auto root = xml.document_element();
        CHECK(std::string(root.name()) == "check-result");
        CHECK(std::string(root.attribute("status").value()) == "warning");
        std::string message = root.child("finding").child_value("message");
        CHECK(contains(message, kLiSiUtf8));
        CHECK(contains(message, kZhuRongjiUtf8));
    }
    SECTION("from a GBK request") {
        Reply reply = engine.call(gb_request("GBK", kLiSiGbk, kZhangZheGbk, " response-encoding=\"GB18030\""));
        REQUIRE(reply.code == MEDLINT_OK);
        CHECK(contains(reply.text, "encoding=\"GB18030\""));
        CHECK(contains(reply.text, kZhangZheGbk));
        CHECK(contains(gb18030_to_utf8(reply.text), kZhangZheUtf8));
    }
    SECTION("for other operations too") {
        Reply reply = engine.call("<audit-log-verify response-encoding=\"GB18030\"/>");
        REQUIRE(reply.code == MEDLINT_OK);
        CHECK(contains(reply.text, "encoding=\"GB18030\""));
        CHECK(contains(reply.text, "intact=\"true\""));
    }
}

// The name is case-insensitive: a lower-case utf-8 once gave UTF-8 bytes under a GB18030 declaration.
TEST_CASE("response-encoding in lower case declares what its bytes are", "[encoding]") {
    Scratch scratch;
    Engine engine(scratch.config);
    // The name asked for, the declaration the response must carry, the card name's bytes in it.
    auto [asked, declared, name] = GENERATE(table<std::string, std::string, std::string>(
        {{"utf-8", "UTF-8", kZhuRongjiUtf8}, {"gb18030", "GB18030", kZhuRongjiGbk}}));
    Doc doc;
    doc.card = "id=\"522701198001010011\" name=\"" + kZhuRongjiUtf8 + "\"";
    doc.root_extra = " response-encoding=\"" + asked + "\"";
    Reply reply = engine.call(doc.str());
    REQUIRE(reply.code == MEDLINT_OK);
    CHECK(reply.text.rfind("<?xml version=\"1.0\" encoding=\"" + declared + "\"?>", 0) == 0);
    CHECK(contains(reply.text, name));
}

TEST_CASE("reserved characters in names round-trip safely", "[encoding]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc doc;
    doc.name = "李&lt;四&gt; &amp; &quot;O'Brien&quot;";
    doc.card = R"(id="522701198001010011" name='王&amp;五 "&lt;/message&gt;"')";

    SECTION("UTF-8 response") {
        Reply reply = engine.ok(doc.str());
        std::string message = reply.finding("ID-MISMATCH").child_value("message");
        CHECK(contains(message, "李<四> & \"O'Brien\""));
        CHECK(contains(message, "王&五 \"</message>\""));
    }
    SECTION("GB18030 response") {
        doc.root_extra = " response-encoding=\"GB18030\"";
        Reply reply = engine.call(doc.str());
        REQUIRE(reply.code == MEDLINT_OK);
        pugi::xml_document xml;
        REQUIRE(xml.load_string(gb18030_to_utf8(reply.text).c_str()));
        std::string message = xml.document_element().child("finding").child_value("message");
        CHECK(contains(message, "李<四> & \"O'Brien\""));
    }
    SECTION("committed and compared again from history") {
        engine.ok(Doc(doc).commit().str());
        Doc later = doc;
        later.encounter = "MZ2";
        later.card.reset();
        CHECK_FALSE(engine.ok(later.str()).fired("ID-MISMATCH"));
        Doc renamed = later;
        renamed.encounter = "MZ3";
        renamed.name = "李四";
        engine.ok(renamed.commit().str());
        Reply reply = engine.ok(later.str());
        CHECK(contains(reply.messages("ID-MISMATCH"), "李<四> & \"O'Brien\""));
    }
}

TEST_CASE("declarations and bytes that do not agree are refused", "[encoding][errors]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("a GBK declaration on UTF-8 bytes") {
        Doc doc;
        Reply reply = engine.call("<?xml version=\"1.0\" encoding=\"GBK\"?>\n" + doc.str());
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(reply.root_name() == "error");
        CHECK(contains(reply.error(), "UTF-8"));
        CHECK(contains(reply.error(), "gbk"));
    }
    SECTION("GBK bytes declared as UTF-8, or not declared") {
        std::string request = gb_request("UTF-8", kLiSiGbk, kLiSiGbk);
        Reply reply = engine.call(request);
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "0xCD"));  // 王, the first GBK byte
        CHECK(contains(reply.error(), "line 3"));
        request.erase(0, request.find('\n') + 1);
        reply = engine.call(request);
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "line 2"));
    }
    SECTION("bytes that are not GBK") {
        std::string request = gb_request("GBK", kLiSiGbk, "\x80\x80");
        Reply reply = engine.call(request);
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "0x80"));
        CHECK(contains(reply.error(), "line 5"));
        // A lead byte cut off at the end of a value.
        reply = engine.call(gb_request("GB18030", kLiSiGbk, "\xC0"));
        CHECK(reply.code == MEDLINT_EPARSE);
    }
    SECTION("an unsupported encoding") {
        Reply reply = engine.call("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<audit-log-verify/>");
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "shift_jis"));
    }
    SECTION("UTF-16 is refused, a UTF-8 byte order mark is not") {
        Reply reply = engine.call(std::string("\xFF\xFE<\0a\0/\0>\0", 10));
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "UTF-16"));
        reply = engine.call("\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?><audit-log-verify/>");
        CHECK(reply.code == MEDLINT_OK);
    }
}
