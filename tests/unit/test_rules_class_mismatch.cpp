// CLASS-MISMATCH: a line whose item/@insurance-class differs from the class a
// loaded catalogue gives its code.
#include "support.hpp"

using test::attr;
using test::check;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;

namespace {

// 小儿布洛芬栓: class A in the 2024 national drug catalogue (西药部分 973).
std::string ibuprofen(const char *insurance_class) {
    return std::string(R"(<item id="1" kind="drug" code="XM01AEX094D001010101792" name="小儿布洛芬栓")") +
           (insurance_class ? std::string(" insurance-class=\"") + insurance_class + "\"" : "") +
           R"( quantity="1" price="18.00" days="3" date="2026-11-23"/>)";
}

Doc child_with(const std::string &item) {
    Doc doc;
    doc.id = "522701201905060315";
    doc.name = "杨小乐";
    doc.birth = "2019-05-06";
    doc.diagnoses = {R"(<diagnosis code="R50.900" name="发热" primary="true"/>)"};
    doc.items = {item};
    return doc;
}

}  // namespace

TEST_CASE("CLASS-MISMATCH: a clean document does not fire it", "[rules][CLASS-MISMATCH]") {
    Scratch scratch;
    Engine engine(scratch.config);
    CHECK_FALSE(check(engine, Doc{}.str()).fired("CLASS-MISMATCH"));
}

TEST_CASE("CLASS-MISMATCH: the HIS's class against the catalogue's", "[rules][CLASS-MISMATCH]") {
    Scratch scratch;
    Engine engine(scratch.config);

    SECTION("the same class, or none given: nothing") {
        CHECK_FALSE(check(engine, child_with(ibuprofen("A"))).fired("CLASS-MISMATCH"));
        CHECK_FALSE(check(engine, child_with(ibuprofen(nullptr))).fired("CLASS-MISMATCH"));
    }
    SECTION("B against the national A: info, no points, the texts quote both classes") {
        Reply reply = check(engine, child_with(ibuprofen("B")));
        auto finding = reply.finding("CLASS-MISMATCH");
        CHECK(attr(finding, "severity") == "info");
        CHECK(attr(finding, "points") == "0");
        CHECK(attr(finding, "items") == "1");
        CHECK(attr(finding.child("suggestion"), "action") == "fix-mapping");
        CHECK(reply.message("CLASS-MISMATCH") ==
              "小儿布洛芬栓 is class B in the hospital's catalogue mapping, class A in the insurance catalogue");
        CHECK(reply.attr("status") == "info");
    }
    SECTION("C against A: the HIS's class decides, so consent is asked for too") {
        Reply reply = check(engine, child_with(ibuprofen("C")));
        CHECK(reply.fired("CLASS-MISMATCH"));
        CHECK(reply.fired("CONSENT-MISSING"));
    }
    SECTION("a code no catalogue gives a class: nothing to compare") {
        Doc doc = child_with(R"(<item id="1" kind="material" code="C9999990000000000001" name="院内自购敷料" insurance-class="B" date="2026-11-23"/>)");
        CHECK_FALSE(check(engine, doc).fired("CLASS-MISMATCH"));
    }
}
