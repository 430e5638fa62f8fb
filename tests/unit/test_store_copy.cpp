// <store-copy to="CONFIG"/>: a store's every row into an empty store of
// either backend, SQLite to PostgreSQL and back, under the same key.
#include <string>

#include "store_backends.hpp"
#include "support.hpp"

using test::Backend;
using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::StoreScratch;

namespace {

const char kPhysician[] = "D522701000123";

Doc test_ordered(const std::string &encounter) {
    Doc doc;
    doc.encounter = encounter;
    doc.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)"};
    return doc;
}

// A document whose card names another person: an ID-MISMATCH to give feedback on.
Doc mismatched_card() {
    Doc doc = test_ordered("MZ-CARD");
    doc.card = R"(name="李五")";
    return doc;
}

std::string copy_request(const StoreScratch &target) { return "<store-copy to=\"" + target.config + "\"/>"; }

// What a store holds, row by row, in a form both backends print alike.
std::string contents(StoreScratch &store) {
    return store.text("SELECT group_concat(encounter_id || '/' || item_id || '/' || patient_key || '/' || "
                      "CAST(quantity * 1000 AS INTEGER), ' ') FROM (SELECT * FROM items ORDER BY encounter_id, item_id) AS i") +
           "|" + store.text("SELECT group_concat(name_digest, ' ') FROM (SELECT * FROM patient_identities "
                            "ORDER BY encounter_id) AS p") +
           "|" + store.text("SELECT group_concat(id || action || reason, ' ') FROM (SELECT * FROM feedback ORDER BY id) AS f") +
           "|" + store.text("SELECT group_concat(notice || '/' || coalesce(reversed_on, '-'), ' ') FROM "
                            "(SELECT * FROM ledger ORDER BY notice) AS l") +
           "|" + store.text("SELECT seq || hash FROM audit_head");
}

// The case's source: a test ordered, an identity, feedback, a ledger with a
// reversal, and a check's audit row.
void fill_source(const Engine &engine) {
    engine.ok(test_ordered("MZ-1").commit().str());
    Reply card = engine.ok(mismatched_card().commit().str());
    std::string finding = card.finding("ID-MISMATCH").attribute("id").value();
    engine.ok(std::string("<feedback physician=\"") + kPhysician + "\"><finding id=\"" + finding +
              "\" action=\"override\" reason=\"已当面核验\"/></feedback>");
    engine.ok(std::string("<ledger><deduction physician=\"") + kPhysician +
              "\" date=\"2026-03-02\" points=\"3\" notice=\"QN-1\" violation=\"重复检查\"/>"
              "<deduction physician=\"" + kPhysician + "\" date=\"2026-04-01\" points=\"4\" notice=\"QN-2\"/>"
              "<reversal notice=\"QN-1\" date=\"2026-03-20\"/></ledger>");
    engine.ok(test_ordered("MZ-2").str());
}

// What the copy must still answer as its source did.
void require_history(const Engine &engine) {
    CHECK(engine.ok(test_ordered("MZ-3").str()).fired("DUP-TEST"));
    Reply card = engine.ok(mismatched_card().str());
    CHECK(std::string(card.finding("ID-MISMATCH").attribute("overridden").value()) == "true");
    CHECK(engine.ok(std::string("<physician-status code=\"") + kPhysician + "\" date=\"2026-11-23\"/>")
              .attr("deducted") == "4");
    CHECK(engine.ok("<audit-log-verify/>").attr("intact") == "true");
}

// Feedback given after a copy numbers on from the copied rows, on either backend.
void override_card_finding_again(const Engine &engine) {
    Reply card = engine.ok(mismatched_card().str());
    engine.ok(std::string("<feedback physician=\"") + kPhysician + "\"><finding id=\"" +
              card.finding("ID-MISMATCH").attribute("id").value() + "\" action=\"override\" reason=\"再次核验\"/></feedback>");
}

}  // namespace

TEST_CASE("store copy: SQLite to PostgreSQL and back, every row under the same key, the source unchanged",
          "[store][copy][postgresql]") {
    StoreScratch source(Backend::sqlite), middle(Backend::postgresql), back(Backend::sqlite);
    if (!middle.ready()) return;
    Engine original(source.config);
    fill_source(original);
    std::string before = contents(source);

    Reply there = original.ok(copy_request(middle));
    CHECK(there.attr("intact") == "true");
    CHECK(there.attr("rows") == std::to_string(source.integer("SELECT count(*) FROM audit_log")));
    CHECK(std::string(there.root().find_child_by_attribute("table", "name", "items").attribute("rows").value()) == "2");
    CHECK(contents(middle) == before);
    CHECK(contents(source) == before);
    {
        Engine copy(middle.config);
        require_history(copy);
        override_card_finding_again(copy);
        CHECK(middle.integer("SELECT count(*) FROM feedback") == 2);
        Reply copied_back = copy.ok(copy_request(back));
        CHECK(copied_back.attr("intact") == "true");
    }
    CHECK(contents(back) == contents(middle));
    Engine last(back.config);
    require_history(last);
    override_card_finding_again(last);
    CHECK(back.integer("SELECT count(*) FROM feedback") == 3);
    CHECK(contents(source) == before);
}

TEST_CASE("store copy refuses a target that holds anything, and a key file of another key", "[store][copy]") {
    StoreScratch source(Backend::sqlite), target(STORE_BACKEND());
    if (!target.ready()) return;
    Engine original(source.config);
    fill_source(original);
    std::string before = contents(source);

    SECTION("a target that holds anything, even under the source's key") {
        test::write_file(target.key, test::read_file(source.key));
        Engine(target.config).ok(test_ordered("MZ-OTHER").str());  // one check's audit row
        std::string held = contents(target);
        Reply refused = original.call(copy_request(target));
        CHECK(refused.code == MEDLINT_ESTORE);
        CHECK(contains(refused.error(), "not empty"));
        CHECK(contents(target) == held);
    }
    SECTION("a key file of another key") {
        std::string other_key(32, 'k');
        test::write_file(target.key, other_key);
        Reply refused = original.call(copy_request(target));
        CHECK(refused.code == MEDLINT_ESTORE);
        CHECK(contains(refused.error(), "another key"));
        CHECK(test::read_file(target.key) == other_key);
    }
    CHECK(contents(source) == before);
}
