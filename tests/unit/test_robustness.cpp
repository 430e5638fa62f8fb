// Hostile input through the C ABI: every call answers with a result or an
// <error> document and a negative code, never a crash; the last error is per thread.
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "support.hpp"

using test::call_raw;
using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;

namespace {

// A failure as the contract describes it: the code, an <error> document with
// the same code, and a message equal to this thread's last error.
void expect_error(const Reply &reply, int code) {
    INFO("response: " << reply.text.substr(0, 2000));
    CHECK(reply.code == code);
    REQUIRE_FALSE(reply.null_response);
    REQUIRE(reply.well_formed);
    CHECK(reply.root_name() == "error");
    CHECK(reply.attr("code") == std::to_string(code));
    CHECK_FALSE(reply.error().empty());
    CHECK(reply.error() == medlint_last_error());
}

std::string nested(const std::string &name, size_t depth) {
    std::string out;
    out.reserve(depth * (2 * name.size() + 5));
    for (size_t i = 0; i < depth; ++i) out += "<" + name + ">";
    for (size_t i = 0; i < depth; ++i) out += "</" + name + ">";
    return out;
}

}  // namespace

TEST_CASE("NULL and empty arguments", "[robustness][abi]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("an empty request") {
        expect_error(call_raw(engine.get(), "", 0), MEDLINT_EPARSE);
        expect_error(call_raw(engine.get(), nullptr, 0), MEDLINT_EPARSE);
        expect_error(engine.call("   \n\t "), MEDLINT_EPARSE);
    }
    SECTION("a NULL request with a length") { expect_error(call_raw(engine.get(), nullptr, 10), MEDLINT_EINVAL); }
    SECTION("a NULL response pointer") {
        const std::string request = Doc{}.str();
        CHECK(medlint_call(engine.get(), request.data(), request.size(), nullptr) == MEDLINT_EINVAL);
        CHECK(contains(medlint_last_error(), "response"));
        CHECK(medlint_call(nullptr, request.data(), request.size(), nullptr) == MEDLINT_EINVAL);
    }
    SECTION("a NULL engine") {
        const std::string request = Doc{}.str();
        Reply reply = call_raw(nullptr, request.data(), request.size());
        expect_error(reply, MEDLINT_EINVAL);
        CHECK(contains(reply.error(), "engine"));
    }
    SECTION("NULL is fine to free and to close") {
        medlint_free(nullptr);
        medlint_close(nullptr);
        SUCCEED();
    }
    SECTION("the request is exactly `length` bytes and needs no NUL") {
        const std::string text = "<audit-log-verify/><garbage";
        std::vector<char> exact(text.begin(), text.begin() + 19);  // no terminator anywhere
        Reply reply = call_raw(engine.get(), exact.data(), exact.size());
        CHECK(reply.code == MEDLINT_OK);
        CHECK(reply.root_name() == "audit-log-verify-result");
        expect_error(call_raw(engine.get(), text.data(), text.size()), MEDLINT_EPARSE);
    }
    SECTION("version and ABI") {
        CHECK(medlint_abi_version() == MEDLINT_ABI_VERSION);
        CHECK(medlint_abi_version() == 1);
        std::string version = medlint_version();
        CHECK(std::count(version.begin(), version.end(), '.') == 2);
        CHECK(version.find_first_not_of("0123456789.") == std::string::npos);
    }
}

TEST_CASE("oversized and deeply nested requests", "[robustness][size]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("50 MB") {
        std::string request = "<check>" + std::string(50u << 20, ' ') + "</check>";
        Reply reply = engine.call(request);
        expect_error(reply, MEDLINT_EPARSE);
        CHECK(contains(reply.error(), std::to_string(request.size())));
        CHECK(contains(reply.error(), "limit"));
        // Nor does any of it reach the store.
        CHECK(engine.ok("<audit-log-verify/>").attr("rows") == "0");
    }
    SECTION("a large request within the limit is answered") {
        Doc doc;
        doc.extra = "<!--" + std::string(20u << 20, 'c') + "-->\n";
        std::string request = doc.str();
        Reply reply = engine.call(request);
        INFO(reply.text.substr(0, 500));
        CHECK(reply.code == MEDLINT_OK);
    }
    SECTION("100,000 levels of unknown elements as the root") {
        Reply reply = engine.call(nested("x", 100000));
        expect_error(reply, MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "<x>"));
    }
    SECTION("100,000 levels inside a document are ignored like any unknown element") {
        Doc doc;
        doc.extra = nested("note", 100000) + "\n";
        Reply reply = engine.call(doc.str());
        CHECK(reply.code == MEDLINT_OK);
        CHECK(reply.attr("status") == "pass");
    }
    SECTION("100,000 levels never closed") {
        std::string request = "<check>";
        for (int i = 0; i < 100000; ++i) request += "<patient>";
        expect_error(engine.call(request), MEDLINT_EPARSE);
    }
    SECTION("100,000 levels of ledger entries") {
        expect_error(engine.call("<ledger>" + nested("deduction", 100000) + "</ledger>"), MEDLINT_EPARSE);
    }
    SECTION("many items in one document are each checked") {
        Doc doc;
        doc.items.clear();
        for (int i = 0; i < 2000; ++i)
            doc.items.push_back("<item id=\"" + std::to_string(i) +
                                "\" kind=\"test\" code=\"002501010150000\" date=\"2026-11-23\"/>");
        Reply reply = engine.ok(doc.str());
        CHECK(reply.findings("DUP-TEST").size() == 1999);
    }
}

TEST_CASE("bytes that are no request", "[robustness][bytes]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("invalid UTF-8") {
        for (std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\xE6\x9D", "\x80"}) {
            std::string request = "<check>\n<patient id=\"1\" name=\"" + bad + "\"/></check>";
            Reply reply = engine.call(request);
            expect_error(reply, MEDLINT_EPARSE);
            CHECK(contains(reply.error(), "line 2"));
            CHECK(contains(reply.error(), "UTF-8"));
        }
        // Cut off at the very end.
        expect_error(engine.call("<audit-log-verify/>\xE6"), MEDLINT_EPARSE);
    }
    SECTION("a GBK declaration on UTF-8 bytes") {
        Doc doc;
        Reply reply = engine.call("<?xml version=\"1.0\" encoding=\"GBK\"?>\n" + doc.str());
        expect_error(reply, MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "UTF-8"));
    }
    SECTION("NUL bytes") {
        Reply reply = engine.call(std::string("<audit-log-verify/>\0<junk/>", 26));
        expect_error(reply, MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "0x00"));
        expect_error(engine.call(std::string("<check mode=\"pre\0audit\"/>", 25)), MEDLINT_EPARSE);
        expect_error(engine.call(std::string(1000, '\0')), MEDLINT_EPARSE);
    }
    SECTION("binary junk") {
        std::mt19937 generator(20261123);
        for (int round = 0; round < 200; ++round) {
            std::string junk(static_cast<size_t>(generator() % 4096) + 1, '\0');
            for (auto &byte : junk) byte = static_cast<char>(generator() & 0xFF);
            if (round % 3 == 1) junk = "<?xml version=\"1.0\" encoding=\"GB18030\"?>" + junk;
            if (round % 3 == 2) junk = "<check mode=\"preaudit\">" + junk;
            Reply reply = engine.call(junk);
            INFO("round " << round);
            CHECK(reply.code < 0);
            CHECK(reply.root_name() == "error");
        }
    }
    SECTION("structurally odd but well-formed XML") {
        for (const char *request :
             {"<check/>", "<check><patient/><encounter/></check>", "<commit><patient id=\"1\"/></commit>",
              "<!DOCTYPE check [<!ENTITY x \"y\">]><check>&x;</check>", "<retract encounter=\"&amp;\"/><x/>",
              "<?pi?><!-- only a comment -->", "<check xmlns=\"urn:x\"><patient id=\"1\"/></check>",
              "<check><patient id=\"1\" id=\"2\"/></check>", "<ledger><reversal/></ledger>",
              "<feedback physician=\"D\"><finding/></feedback>"}) {
            INFO(request);
            Reply reply = engine.call(request);
            CHECK(reply.code == MEDLINT_EPARSE);
            CHECK(reply.root_name() == "error");
        }
        // Nothing of these reached the audit log.
        CHECK(engine.ok("<audit-log-verify/>").attr("rows") == "0");
    }
    SECTION("two documents in one request are refused, not half done") {
        Doc first, second;
        first.encounter = "MZ-FIRST";
        second.encounter = "MZ-SECOND";
        const std::string first_text = first.commit().str();
        Reply reply = engine.call(first_text + second.commit().str());
        expect_error(reply, MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "second root element <commit>"));
        auto second_line = 1 + std::count(first_text.begin(), first_text.end(), '\n');
        CHECK(contains(reply.error(), "line " + std::to_string(second_line)));
        CHECK(test::store_int(scratch.store, "SELECT count(*) FROM encounters") == 0);
    }
    SECTION("an <error> message quoting reserved characters is still well-formed") {
        Reply reply = engine.call("<physician-status code=\"D1\" date=\"&lt;&amp;&quot;'&gt;\"/>");
        expect_error(reply, MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "<&\"'>"));
    }
    SECTION("the engine is unharmed by all of it") {
        engine.call("\xFF\xFE");
        engine.call(nested("x", 1000));
        CHECK(engine.ok(Doc{}.str()).attr("status") == "pass");
    }
}

TEST_CASE("medlint_last_error is per thread", "[robustness][threads]") {
    Scratch scratch;
    Engine engine(scratch.config);

    Reply mine = engine.call("");
    REQUIRE(mine.code == MEDLINT_EPARSE);
    const std::string main_error = medlint_last_error();
    CHECK(main_error == mine.error());

    std::string before, after, reported;
    std::thread other([&] {
        before = medlint_last_error();
        char *response = nullptr;
        medlint_call(engine.get(), "<unknown/>", 10, &response);
        pugi::xml_document xml;
        if (response && xml.load_string(response)) reported = xml.document_element().attribute("message").value();
        medlint_free(response);
        after = medlint_last_error();
    });
    other.join();
    CHECK(before.empty());
    CHECK(contains(after, "<unknown>"));
    CHECK(after == reported);
    CHECK(medlint_last_error() == main_error);

    SECTION("a success does not disturb another thread's error") {
        std::thread succeeding([&] {
            char *response = nullptr;
            medlint_call(engine.get(), "<audit-log-verify/>", 19, &response);
            medlint_free(response);
        });
        succeeding.join();
        CHECK(medlint_last_error() == main_error);
    }
    SECTION("many threads failing at once each see their own message") {
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 200; ++i) {
                    std::string name = "t" + std::to_string(t) + "x" + std::to_string(i);
                    std::string request = "<" + name + "/>";
                    char *response = nullptr;
                    int code = medlint_call(engine.get(), request.data(), request.size(), &response);
                    medlint_free(response);
                    if (code != MEDLINT_EPARSE || !contains(medlint_last_error(), "<" + name + ">")) ++wrong;
                }
            });
        for (auto &thread : threads) thread.join();
        CHECK(wrong == 0);
    }
}
