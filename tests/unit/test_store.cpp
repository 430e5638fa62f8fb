// The store: failures to open or write it, commits that replace, retraction,
// feedback, stable finding ids, the audit log's hash chain and the ledger.
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "store_backends.hpp"
#include "support.hpp"

using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;
using test::store_exec;
using test::store_int;
using test::store_text;
using test::try_open;

namespace {

std::string random_bytes(size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (auto &byte : bytes) byte = static_cast<char>(generator() & 0xFF);
    return bytes;
}

// A test connection to the store that holds its write lock until destroyed.
class Locker {
public:
    Locker(const std::string &path, const char *sql) {
        REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
        char *error = nullptr;
        int code = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
        INFO((error ? error : ""));
        sqlite3_free(error);
        REQUIRE(code == SQLITE_OK);
    }
    ~Locker() {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db_);
    }
    Locker(const Locker &) = delete;
    Locker &operator=(const Locker &) = delete;

private:
    sqlite3 *db_ = nullptr;
};

Doc encounter_with_items(const std::string &encounter, std::initializer_list<const char *> item_ids) {
    Doc doc;
    doc.encounter = encounter;
    doc.items.clear();
    for (const char *id : item_ids)
        doc.items.push_back(std::string("<item id=\"") + id +
                            "\" kind=\"treatment\" code=\"001204000010000\" quantity=\"1\" date=\"2026-11-23\"/>");
    return doc;
}

// A blood count on 2026-11-23 at `institution`, under encounter `encounter`.
Doc blood_count_at(const std::string &institution, const std::string &encounter) {
    Doc doc;
    doc.institution = institution;
    doc.encounter = encounter;
    doc.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)"};
    return doc;
}

constexpr const char *kCountyHospital = "H52270100001", *kTownshipClinic = "H52272300001";

}  // namespace

TEST_CASE("a locked store is MEDLINT_ESTORE and the engine goes on afterwards", "[store][locked]") {
    // Both cases wait out the engine's busy timeout; they do it side by side.
    Scratch busy_writer;
    Engine engine(busy_writer.config);
    engine.ok(Doc{}.commit().str());

    Scratch busy_open;
    {
        Engine creator(busy_open.config);
    }

    Reply commit;
    test::OpenResult opened{};
    {
        Locker writer(busy_writer.store, "BEGIN EXCLUSIVE; DELETE FROM audit_log WHERE seq < 0;");
        Locker exclusive(busy_open.store, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; "
                                          "DELETE FROM audit_log WHERE seq < 0;");
        Doc second;
        second.encounter = "MZ-LOCKED";
        std::thread other([&] { opened = try_open(busy_open.config); });
        commit = engine.call(second.commit().str());
        other.join();
    }
    INFO(commit.text);
    CHECK(commit.code == MEDLINT_ESTORE);
    CHECK(commit.root_name() == "error");
    CHECK(contains(commit.error(), busy_writer.store));
    CHECK(contains(commit.error(), "locked"));
    INFO(opened.message);
    CHECK(opened.code == MEDLINT_ESTORE);
    CHECK(contains(opened.message, busy_open.store));
    CHECK(contains(opened.message, "locked"));

    // The lock is gone: the same engine commits, the refused commit left nothing.
    Doc third;
    third.encounter = "MZ-AFTER";
    engine.ok(third.commit().str());
    CHECK(store_int(busy_writer.store, "SELECT count(*) FROM encounters") == 2);
    CHECK(store_int(busy_writer.store, "SELECT count(*) FROM encounters WHERE encounter_id = 'MZ-LOCKED'") == 0);
    CHECK(engine.ok("<audit-log-verify/>").attr("intact") == "true");
    Engine reopened(busy_open.config);
    reopened.ok(Doc{}.str());
}

TEST_CASE("a read-only store is MEDLINT_ESTORE", "[store]") {
    Scratch scratch;
    {
        Engine engine(scratch.config);
        engine.ok(Doc{}.commit().str());
    }
    REQUIRE(chmod(scratch.store.c_str(), 0444) == 0);

    if (geteuid() != 0) {
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, "read-only"));
        CHECK(contains(result.message, scratch.store));
        return;
    }
    // Root writes whatever the mode says: open from a child that gave up root.
    REQUIRE(chmod(scratch.dir.path().c_str(), 0755) == 0);
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(pipe_ends[0]);
        const gid_t nobody_group = 65534;
        const uid_t nobody = 65534;
        if (setgroups(0, nullptr) != 0 || setgid(nobody_group) != 0 || setuid(nobody) != 0 ||
            access(scratch.config.c_str(), R_OK) != 0)
            _exit(77);
        medlint_engine *engine = nullptr;
        int code = medlint_open(scratch.config.c_str(), &engine);
        std::string report = std::to_string(code) + " " + medlint_last_error();
        medlint_close(engine);
        ssize_t written = write(pipe_ends[1], report.data(), report.size());
        _exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
    }
    close(pipe_ends[1]);
    std::string report;
    char buffer[512];
    for (ssize_t n; (n = read(pipe_ends[0], buffer, sizeof buffer)) > 0;) report.append(buffer, static_cast<size_t>(n));
    close(pipe_ends[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        WARN("running as root and cannot drop privileges: the read-only store is not tested");
        return;
    }
    INFO(report);
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(report.rfind(std::to_string(MEDLINT_ESTORE) + " ", 0) == 0);
    CHECK(contains(report, "read-only"));
    CHECK(contains(report, scratch.store));
}

TEST_CASE("a corrupt or foreign store is MEDLINT_ESTORE with a clear message", "[store]") {
    Scratch scratch;

    SECTION("random bytes") {
        test::write_file(scratch.store, random_bytes(64 * 1024, 7));
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, scratch.store));
        CHECK(contains(result.message, "corrupt"));
    }
    SECTION("a store whose pages were overwritten") {
        {
            Engine engine(scratch.config);
            for (int i = 0; i < 20; ++i) {
                Doc doc;
                doc.encounter = "MZ-" + std::to_string(i);
                engine.ok(doc.commit().str());
            }
        }
        std::string bytes = test::read_file(scratch.store);
        REQUIRE(bytes.size() > 4096);
        std::string junk = random_bytes(bytes.size() - 100, 11);
        bytes.replace(100, junk.size(), junk);  // keep only the 100-byte file header
        test::write_file(scratch.store, bytes);
        medlint_engine *engine = nullptr;
        int code = medlint_open(scratch.config.c_str(), &engine);
        std::string message = medlint_last_error();
        if (code == MEDLINT_OK) {  // the header alone may pass; the first read may not
            Reply reply = test::call_raw(engine, Doc{}.str().data(), Doc{}.str().size());
            code = reply.code;
            message = reply.error();
            CHECK(message == medlint_last_error());
        }
        medlint_close(engine);
        INFO(message);
        CHECK(code == MEDLINT_ESTORE);
        CHECK(contains(message, scratch.store));
        CHECK(contains(message, "corrupt"));
    }
    SECTION("a store of a newer medlint") {
        store_exec(scratch.store, "PRAGMA user_version = 99");
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, "99"));
        CHECK(contains(result.message, "newer"));
    }
    SECTION("a store in a folder that cannot be made") {
        test::write_file(scratch.dir.file("file"), "");
        test::write_file(scratch.config, test::config_xml(scratch.dir.file("file/store.db")));
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, "file/store.db"));
    }
    // Whatever failed, the process goes on and a good store works.
    Scratch fresh;
    Engine engine(fresh.config);
    CHECK(engine.ok(Doc{}.str()).attr("status") == "pass");
}

TEST_CASE("committing the same encounter and item ids again replaces the rows", "[store][commit]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Engine engine(scratch.config);
    Doc doc = encounter_with_items("MZ-1", {"1", "2"});
    engine.ok(doc.commit().str());
    doc.items[1] = R"(<item id="2" kind="treatment" code="001204000010000" quantity="3" date="2026-11-23"/>)";
    engine.ok(doc.str());
    engine.ok(doc.str());

    CHECK(scratch.integer("SELECT count(*) FROM items") == 2);
    CHECK(scratch.integer("SELECT count(*) FROM encounters") == 1);
    CHECK(scratch.integer("SELECT count(*) FROM patient_identities") == 1);
    CHECK(scratch.integer("SELECT quantity FROM items WHERE item_id = '2'") == 3);

    SECTION("an item id added later is added") {
        Doc more = encounter_with_items("MZ-1", {"1", "2", "3"});
        engine.ok(more.commit().str());
        CHECK(scratch.integer("SELECT count(*) FROM items") == 3);
    }
    SECTION("a re-check of the encounter does not see its own committed items as history") {
        Doc tests;
        tests.encounter = "MZ-2";
        tests.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)"};
        engine.ok(Doc(tests).commit().str());
        engine.ok(Doc(tests).commit().str());
        CHECK_FALSE(engine.ok(tests.str()).fired("DUP-TEST"));
        // Another encounter the same day repeats it, once.
        tests.encounter = "MZ-3";
        CHECK(engine.ok(tests.str()).count("DUP-TEST") == 1);
    }
    SECTION("a check stores nothing but its audit record") {
        Doc other = encounter_with_items("MZ-9", {"1"});
        engine.ok(other.str());
        CHECK(scratch.integer("SELECT count(*) FROM encounters") == 1);
        CHECK(scratch.integer("SELECT count(*) FROM audit_log WHERE operation = 'check'") == 1);
    }
}

// The findings of a check, as text: each finding's rule, id and evidence.
std::string findings_of(const Reply &reply) {
    std::string out;
    for (auto finding : reply.findings())
        out += std::string(finding.attribute("rule").value()) + " " + finding.attribute("id").value() + " " +
               finding.child_value("evidence") + "\n";
    return out;
}

TEST_CASE("a patient with a long history is checked as one with a short one", "[store][history]") {
    // A history of up to a few hundred items is read whole, a longer one
    // look-up by look-up (on PostgreSQL, the look-ups listed and read together).
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Engine engine(scratch.config);
    Doc earlier;
    earlier.encounter = "MZ-EARLIER";
    earlier.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)",
                     R"(<item id="2" kind="drug" code="XA10BAA002A001010101445" quantity="2" days="30" date="2026-11-20"/>)"};
    engine.ok(Doc(earlier).commit().str());
    Doc repeat;
    repeat.encounter = "MZ-REPEAT";
    repeat.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)",
                    R"(<item id="2" kind="drug" code="XA10BAA002A001010101445" quantity="2" days="7" date="2026-11-23"/>)"};
    Reply short_history = engine.ok(repeat.str());
    REQUIRE(short_history.fired("DUP-TEST"));
    REQUIRE(short_history.fired("DUP-DRUG"));

    Doc older = encounter_with_items("MZ-2016", {});
    for (int i = 1; i <= 300; ++i)
        older.items.push_back("<item id=\"" + std::to_string(i) +
                              "\" kind=\"treatment\" code=\"001204000010000\" quantity=\"1\" date=\"2016-01-04\"/>");
    engine.ok(older.commit().str());
    REQUIRE(scratch.integer("SELECT count(*) FROM items") == 302);
    Reply long_history = engine.ok(repeat.str());
    CHECK(findings_of(long_history) == findings_of(short_history));
}

TEST_CASE("retract removes items, or the whole encounter", "[store][retract]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Engine engine(scratch.config);
    Doc doc = encounter_with_items("MZ-1", {"1", "2", "3"});
    engine.ok(doc.commit().str());
    engine.ok(encounter_with_items("MZ-OTHER", {"1"}).commit().str());

    SECTION("some items") {
        Reply reply = engine.ok(R"(<retract encounter="MZ-1" items="2 3"/>)");
        CHECK(reply.attr("removed") == "2");
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE encounter_id = 'MZ-1'") == 1);
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE item_id = '1'") == 2);
        CHECK(scratch.integer("SELECT count(*) FROM encounters") == 2);
        // Again: nothing left to remove.
        CHECK(engine.ok(R"(<retract encounter="MZ-1" items="2,3"/>)").attr("removed") == "0");
    }
    SECTION("the whole encounter, and with it its identity") {
        Reply reply = engine.ok(R"(<retract encounter="MZ-1"/>)");
        CHECK(reply.attr("removed") == "3");
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE encounter_id = 'MZ-1'") == 0);
        CHECK(scratch.integer("SELECT count(*) FROM encounters WHERE encounter_id = 'MZ-1'") == 0);
        CHECK(scratch.integer("SELECT count(*) FROM patient_identities WHERE encounter_id = 'MZ-1'") == 0);
        CHECK(scratch.integer("SELECT count(*) FROM items") == 1);
        engine.ok(R"(<retract encounter="MZ-OTHER"/>)");
        Doc renamed;
        renamed.name = "王五";
        renamed.encounter = "MZ-NEW";
        CHECK_FALSE(engine.ok(renamed.str()).fired("ID-MISMATCH"));
    }
    SECTION("an encounter never committed") {
        CHECK(engine.ok(R"(<retract encounter="MZ-NONE"/>)").attr("removed") == "0");
        CHECK(scratch.integer("SELECT count(*) FROM items") == 4);
    }
}

TEST_CASE("feedback sticks to its finding", "[store][feedback]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Doc doc;
    doc.card = R"(name="李五")";
    std::string id;
    {
        Engine engine(scratch.config);
        Reply reply = engine.ok(doc.str());
        auto finding = reply.finding("ID-MISMATCH");
        id = finding.attribute("id").value();
        CHECK(std::string(finding.attribute("overridden").value()) == "false");
        CHECK(finding.attribute("feedback").empty());
        CHECK(finding.attribute("reason").empty());
    }
    Engine engine(scratch.config);

    SECTION("override with a reason") {
        engine.ok("<feedback physician=\"D522701000123\" time=\"2026-11-23T09:31:00+08:00\"><finding id=\"" + id +
                  "\" action=\"override\" reason=\"已当面核验&amp;更名\"/></feedback>");
        Reply reply = engine.ok(doc.str());
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("id").value()) == id);
        CHECK(std::string(finding.attribute("overridden").value()) == "true");
        CHECK(std::string(finding.attribute("feedback").value()) == "override");
        CHECK(std::string(finding.attribute("reason").value()) == "已当面核验&更名");
        CHECK(reply.attr("status") == "pass");
        CHECK(scratch.integer("SELECT count(*) FROM feedback WHERE finding_id = '" + id + "'") == 1);
    }
    SECTION("override with a coded reason") {
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id +
                  "\" action=\"override\" reason-code=\"patient-request\"/></feedback>");
        auto reply = engine.ok(doc.str());
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("overridden").value()) == "true");
        CHECK(std::string(finding.attribute("reason-code").value()) == "patient-request");
    }
    SECTION("accept is stored too") {
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id + "\" action=\"accept\"/></feedback>");
        Reply reply = engine.ok(doc.str());
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("feedback").value()) == "accept");
        CHECK(std::string(finding.attribute("overridden").value()) == "false");
        CHECK(finding.attribute("reason").empty());
        CHECK(reply.attr("status") == "warning");
        CHECK(scratch.text("SELECT action FROM feedback WHERE finding_id = '" + id + "'") == "accept");
    }
    SECTION("the latest feedback counts") {
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id +
                  "\" action=\"override\" reason=\"x\"/></feedback>");
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"" + id + "\" action=\"accept\"/></feedback>");
        auto reply = engine.ok(doc.str());
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("feedback").value()) == "accept");
        CHECK(std::string(finding.attribute("overridden").value()) == "false");
    }
    SECTION("feedback on another finding id changes nothing") {
        engine.ok("<feedback physician=\"D522701000123\"><finding id=\"f-0000000000000000\" action=\"override\" "
                  "reason=\"x\"/></feedback>");
        auto reply = engine.ok(doc.str());
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("overridden").value()) == "false");
    }
}

TEST_CASE("finding ids are stable", "[store][ids]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Doc doc;
    doc.physician.reset();  // PHYSICIAN-CODE about items 1 and 2
    doc.card = R"(name="李五" gender="F")";
    doc.items.push_back(R"(<item id="2" kind="treatment" code="001204000010000" date="2026-11-23"/>)");
    std::vector<std::string> first;
    {
        Engine engine(scratch.config);
        auto reply = engine.ok(doc.str());
        for (auto finding : reply.findings()) first.emplace_back(finding.attribute("id").value());
        REQUIRE(first.size() == 3);
        std::vector<std::string> again;
        auto recheck = engine.ok(doc.str());
        for (auto finding : recheck.findings()) again.emplace_back(finding.attribute("id").value());
        CHECK(again == first);
    }
    SECTION("across engines, commits and item order") {
        Engine engine(scratch.config);
        Doc reordered = doc;
        std::swap(reordered.items[0], reordered.items[1]);
        std::vector<std::string> later;
        auto reply = engine.ok(reordered.commit().str());
        for (auto finding : reply.findings())
            later.emplace_back(finding.attribute("id").value());
        CHECK(later == first);
    }
    SECTION("another encounter gives other ids") {
        Engine engine(scratch.config);
        Doc other = doc;
        other.encounter = "MZ-OTHER";
        auto reply = engine.ok(other.str());
        for (auto finding : reply.findings())
            CHECK(std::find(first.begin(), first.end(), finding.attribute("id").value()) == first.end());
    }
    SECTION("ids look like f- and 16 hex digits") {
        for (const auto &id : first) {
            CHECK(id.size() == 18);
            CHECK(id.rfind("f-", 0) == 0);
            CHECK(id.find_first_not_of("0123456789abcdef", 2) == std::string::npos);
        }
    }
}

TEST_CASE("the audit log records every operation and shows tampering", "[store][audit]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Engine engine(scratch.config);
    Doc doc;
    doc.card = R"(name="李五")";
    Reply checked = engine.ok(doc.str());
    engine.ok(Doc{}.commit().str());
    engine.ok(R"(<retract encounter="MZ20261123001" items="1"/>)");
    engine.ok("<feedback physician=\"D522701000123\"><finding id=\"f-1\" action=\"accept\"/></feedback>");
    engine.ok(R"(<ledger><deduction physician="D522701000123" date="2026-03-02" points="1" notice="N1"/></ledger>)");
    // Reads and refused requests leave no row.
    engine.ok(R"(<physician-status code="D522701000123" date="2026-11-23"/>)");
    engine.ok("<audit-log-verify/>");
    CHECK(engine.call("<check/>").code == MEDLINT_EPARSE);

    Reply verify = engine.ok("<audit-log-verify/>");
    CHECK(verify.attr("intact") == "true");
    CHECK(verify.attr("rows") == "5");
    CHECK(verify.root().attribute("first-bad-row").empty());
    CHECK(scratch.text("SELECT group_concat(operation, ' ') FROM (SELECT operation FROM audit_log "
                                    "ORDER BY seq) AS log") == "check commit retract feedback ledger");
    std::string finding_id = checked.finding("ID-MISMATCH").attribute("id").value();
    CHECK(contains(scratch.text("SELECT findings FROM audit_log WHERE seq = 1"), finding_id));
    CHECK(scratch.text("SELECT encounter FROM audit_log WHERE seq = 2") == "MZ20261123001");

    SECTION("an edited row") {
        scratch.exec("UPDATE audit_log SET findings = '' WHERE seq = 1");
        Reply after = engine.ok("<audit-log-verify/>");
        CHECK(after.attr("intact") == "false");
        CHECK(after.attr("first-bad-row") == "1");
        CHECK(contains(after.attr("problem"), "row 1"));
    }
    SECTION("an edited row with its hash recomputed by someone without the chain") {
        scratch.exec("UPDATE audit_log SET operation = 'check', hash = prev_hash WHERE seq = 3");
        Reply after = engine.ok("<audit-log-verify/>");
        CHECK(after.attr("intact") == "false");
        CHECK(after.attr("first-bad-row") == "3");
    }
    SECTION("a deleted row") {
        scratch.exec("DELETE FROM audit_log WHERE seq = 3");
        Reply after = engine.ok("<audit-log-verify/>");
        CHECK(after.attr("intact") == "false");
        CHECK(after.attr("first-bad-row") == "3");
        CHECK(contains(after.attr("problem"), "row 3"));
        CHECK(contains(after.attr("problem"), "missing"));
    }
    SECTION("the last row deleted") {
        scratch.exec("DELETE FROM audit_log WHERE seq = 5");
        Reply after = engine.ok("<audit-log-verify/>");
        CHECK(after.attr("intact") == "false");
        CHECK(after.attr("first-bad-row") == "5");
    }
    SECTION("the first row deleted") {
        scratch.exec("DELETE FROM audit_log WHERE seq = 1");
        Reply after = engine.ok("<audit-log-verify/>");
        CHECK(after.attr("intact") == "false");
        CHECK(after.attr("first-bad-row") == "1");
    }
    SECTION("later rows go on chaining after a verification") {
        engine.ok(doc.str());
        Reply after = engine.ok("<audit-log-verify/>");
        CHECK(after.attr("intact") == "true");
        CHECK(after.attr("rows") == "6");
    }
}

TEST_CASE("deferred audit rows: written in groups, in call order, and all of them by close", "[store][audit]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    auto deferred_check = [](const std::string &encounter) {
        Doc doc;
        doc.root_extra = " audit=\"deferred\"";
        doc.encounter = encounter;
        return doc.str();
    };
    auto encounters_in_log = [&] {
        return scratch.text("SELECT coalesce(group_concat(encounter, ' '), '') FROM "
                                         "(SELECT encounter FROM audit_log ORDER BY seq) AS log");
    };
    SECTION("a later write of another kind takes the waiting rows first") {
        Engine engine(scratch.config);
        engine.ok(deferred_check("A1"));
        engine.ok(deferred_check("A2"));
        CHECK(encounters_in_log() == "");  // still in memory
        Doc commit;
        commit.encounter = "C1";
        engine.ok(commit.commit().str());
        CHECK(encounters_in_log() == "A1 A2 C1");
    }
    SECTION("an ordinary check, and verifying the log, write them too") {
        Engine engine(scratch.config);
        engine.ok(deferred_check("A1"));
        Doc check;
        check.encounter = "B1";
        engine.ok(check.str());
        CHECK(encounters_in_log() == "A1 B1");
        engine.ok(deferred_check("A2"));
        Reply verify = engine.ok("<audit-log-verify/>");
        CHECK(verify.attr("rows") == "3");
        CHECK(verify.attr("intact") == "true");
    }
    SECTION("a full group is written at once; the rest when the engine closes") {
        const size_t rows = 300;  // more than one group of 256
        {
            Engine engine(scratch.config);
            for (size_t i = 0; i < rows; ++i) engine.ok(deferred_check("E" + std::to_string(i)));
            CHECK(scratch.integer("SELECT count(*) FROM audit_log") == 256);
        }
        CHECK(scratch.integer("SELECT count(*) FROM audit_log") == static_cast<long long>(rows));
        CHECK(scratch.text("SELECT encounter FROM audit_log WHERE seq = 300") == "E299");
        Engine engine(scratch.config);
        CHECK(engine.ok("<audit-log-verify/>").attr("intact") == "true");
    }
    SECTION("the attribute takes immediate or deferred only") {
        Engine engine(scratch.config);
        Doc doc;
        doc.root_extra = " audit=\"later\"";
        Reply reply = engine.call(doc.str());
        CHECK(reply.code == MEDLINT_EPARSE);
        CHECK(contains(reply.error(), "audit"));
    }
}

TEST_CASE("the ledger: importing twice changes nothing, physician-status sums it", "[store][ledger]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    Engine engine(scratch.config);
    const std::string ledger = R"(<ledger>
  <deduction physician="D522701000123" date="2026-03-02" points="3" notice="QN-1" violation="重复检查"/>
  <deduction physician="D522701000123" date="2026-04-01" points="4" notice="QN-2" violation="串换项目"/>
  <repair physician="D522701000123" date="2026-06-01" points="1" notice="TJ-1" reason="培训"/>
  <reversal notice="QN-1" date="2026-03-20"/>
  <deduction physician="D999999000001" date="2026-04-01" points="2" notice="QN-OTHER"/>
  <deduction physician="D522701000123" date="2025-12-30" points="5" notice="QN-OLD"/>
</ledger>)";
    Reply first = engine.ok(ledger);
    CHECK(first.attr("entries") == "6");
    CHECK(first.attr("changed") == "6");
    Reply second = engine.ok(ledger);
    CHECK(second.attr("changed") == "0");
    CHECK(second.attr("unchanged") == "6");
    CHECK(scratch.integer("SELECT count(*) FROM ledger") == 5);

    Reply status = engine.ok(R"(<physician-status code="D522701000123" date="2026-11-23"/>)");
    CHECK(status.attr("year") == "2026");
    CHECK(status.attr("deducted") == "3");  // 3 reversed, 4, less 1 repaired; last year's 5 do not count
    CHECK(status.attr("remaining") == "9");
    CHECK(status.attr("standing") == "active");
    std::vector<std::string> notices;
    for (auto entry : status.root().children("entry")) notices.emplace_back(entry.attribute("notice").value());
    CHECK(notices == std::vector<std::string>{"QN-1", "QN-2", "TJ-1"});
    auto reversed = status.root().find_child_by_attribute("entry", "notice", "QN-1");
    CHECK(std::string(reversed.attribute("reversed").value()) == "2026-03-20");
    CHECK(std::string(reversed.attribute("kind").value()) == "deduction");
    CHECK(std::string(reversed.attribute("points").value()) == "3");
    CHECK(std::string(reversed.child_value()) == "重复检查");

    SECTION("before the reversal the deduction counts") {
        Reply earlier = engine.ok(R"(<physician-status code="D522701000123" date="2026-03-10"/>)");
        CHECK(earlier.attr("deducted") == "3");
        CHECK(earlier.attr("remaining") == "9");
    }
    SECTION("another physician and another year") {
        CHECK(engine.ok(R"(<physician-status code="D999999000001" date="2026-11-23"/>)").attr("deducted") == "2");
        Reply old = engine.ok(R"(<physician-status code="D522701000123" date="2025-12-31"/>)");
        CHECK(old.attr("deducted") == "5");
        CHECK(old.attr("year") == "2025");
        Reply unknown = engine.ok(R"(<physician-status code="D110105000001" date="2026-11-23"/>)");
        CHECK(unknown.attr("deducted") == "0");
        CHECK(unknown.attr("remaining") == "12");
        CHECK(unknown.root().child("entry").empty());
    }
    SECTION("a sanction is authoritative for its dates") {
        engine.ok(R"(<ledger><sanction physician="D522701000123" kind="suspension" from="2026-09-01" to="2026-11-30" notice="QN-S"/></ledger>)");
        Reply during = engine.ok(R"(<physician-status code="D522701000123" date="2026-11-23"/>)");
        CHECK(during.attr("standing") == "suspended");
        CHECK(during.attr("until") == "2026-11-30");
        auto entry = during.root().find_child_by_attribute("entry", "notice", "QN-S");
        CHECK(std::string(entry.attribute("sanction").value()) == "suspension");
        CHECK(engine.ok(R"(<physician-status code="D522701000123" date="2026-12-01"/>)").attr("standing") == "active");
        // The check result carries the same standing.
        Reply check = engine.ok(Doc{}.str());
        CHECK(std::string(check.root().child("physician").attribute("standing").value()) == "suspended");
    }
    SECTION("a reversal imported twice changes nothing the second time") {
        Reply again = engine.ok(R"(<ledger><reversal notice="QN-2" date="2026-05-01"/></ledger>)");
        CHECK(again.attr("changed") == "1");
        again = engine.ok(R"(<ledger><reversal notice="QN-2" date="2026-05-02"/></ledger>)");
        CHECK(again.attr("changed") == "0");
        CHECK(engine.ok(R"(<physician-status code="D522701000123" date="2026-11-23"/>)").attr("deducted") == "0");
    }
}

namespace {

Doc test_ordered(const std::string &encounter) {
    Doc doc;
    doc.encounter = encounter;
    doc.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-23"/>)"};
    return doc;
}

}  // namespace

TEST_CASE("PostgreSQL: engines starting at once on an empty database migrate it once", "[store][postgresql]") {
    test::StoreScratch scratch(test::Backend::postgresql);
    if (!scratch.ready()) return;
    std::vector<std::thread> starts;
    std::atomic<int> opened{0};
    for (int i = 0; i < 8; ++i)
        starts.emplace_back([&] {
            if (try_open(scratch.config).code == MEDLINT_OK) ++opened;
        });
    for (auto &start : starts) start.join();
    CHECK(opened == 8);
    CHECK(scratch.integer("SELECT count(*) FROM medlint_schema") == 1);
    CHECK(scratch.integer("SELECT version FROM medlint_schema") == 3);
    CHECK(scratch.integer("SELECT count(*) FROM audit_head") == 1);
}

TEST_CASE("PostgreSQL: four workstations commit at once, see each other's tests and keep one audit chain",
          "[store][postgresql]") {
    test::StoreScratch scratch(test::Backend::postgresql);
    if (!scratch.ready()) return;
    const int workstations = 4, commits = 20;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int w = 0; w < workstations; ++w)
        threads.emplace_back([&, w] {
            Engine engine(scratch.config);
            for (int i = 0; i < commits; ++i) {
                Doc doc = test_ordered("W" + std::to_string(w) + "-" + std::to_string(i));
                if (engine.call(doc.commit().str()).code != MEDLINT_OK) ++failures;
            }
        });
    for (auto &thread : threads) thread.join();
    CHECK(failures == 0);
    CHECK(scratch.integer("SELECT count(*) FROM encounters") == workstations * commits);
    Engine other(scratch.config);
    CHECK(other.ok(test_ordered("W9-0").str()).fired("DUP-TEST"));
    Reply verify = other.ok("<audit-log-verify/>");
    CHECK(verify.attr("intact") == "true");
    CHECK(verify.attr("rows") == std::to_string(workstations * commits + 1));
}

TEST_CASE("PostgreSQL: a stopped server is MEDLINT_ESTORE at once, and the engine resumes when it is back",
          "[store][postgresql]") {
    test::StoreScratch scratch(test::Backend::postgresql);
    if (!scratch.ready()) return;
    Engine engine(scratch.config);
    engine.ok(test_ordered("BEFORE").commit().str());
    scratch.cluster().kill();
    Reply during = engine.call(test_ordered("DURING").commit().str());
    CHECK(during.code == MEDLINT_ESTORE);
    CHECK(contains(during.error(), "PostgreSQL store"));
    CHECK(engine.call(test_ordered("CHECK").str()).code == MEDLINT_ESTORE);
    scratch.cluster().start();
    engine.ok(test_ordered("AFTER").commit().str());
    CHECK(scratch.integer("SELECT count(*) FROM encounters WHERE encounter_id IN ('BEFORE', 'AFTER')") == 2);
    CHECK(scratch.integer("SELECT count(*) FROM encounters WHERE encounter_id = 'DURING'") == 0);
    CHECK(engine.ok("<audit-log-verify/>").attr("intact") == "true");
}

TEST_CASE("PostgreSQL: the configuration names the key file; another installation's key is refused",
          "[store][postgresql]") {
    test::StoreScratch scratch(test::Backend::postgresql);
    if (!scratch.ready()) return;
    { Engine first(scratch.config); }
    test::TempDir elsewhere;
    std::string config = elsewhere.file("config.xml");
    test::write_file(config, "<medlint><store url=\"" + scratch.url + "\" key=\"" + elsewhere.file("other.key") +
                                 "\"/></medlint>");
    test::OpenResult opened = try_open(config);
    CHECK(opened.code == MEDLINT_ESTORE);
    CHECK(contains(opened.message, "key"));
    test::write_file(config, "<medlint><store url=\"" + scratch.url + "\"/></medlint>");
    opened = try_open(config);
    CHECK(opened.code == MEDLINT_ECONFIG);
    CHECK(contains(opened.message, "key="));
}

TEST_CASE("two institutions sharing a store: each sees its own history, an alliance every one's",
          "[store][alliance]") {
    test::StoreScratch scratch(STORE_BACKEND());
    if (!scratch.ready()) return;
    SECTION("by default a test at one institution is no duplicate test at the other") {
        Engine engine(scratch.config);
        engine.ok(blood_count_at(kCountyHospital, "MZ-1").commit().str());
        CHECK_FALSE(engine.ok(blood_count_at(kTownshipClinic, "MZ-2").str()).fired("DUP-TEST"));
        CHECK(engine.ok(blood_count_at(kCountyHospital, "MZ-2").str()).count("DUP-TEST") == 1);
        // Nor is an identity committed there another's at this institution.
        Doc renamed = blood_count_at(kTownshipClinic, "MZ-2");
        renamed.name = "王五";
        CHECK_FALSE(engine.ok(renamed.str()).fired("ID-MISMATCH"));
    }
    SECTION("with share=\"alliance\" it is one, whose evidence names the institution of the earlier test") {
        test::share_by_alliance(scratch.config);
        Engine engine(scratch.config);
        engine.ok(blood_count_at(kCountyHospital, "MZ-1").commit().str());
        // The same encounter id at another institution is another encounter.
        Reply reply = engine.ok(blood_count_at(kTownshipClinic, "MZ-1").str());
        REQUIRE(reply.count("DUP-TEST") == 1);
        CHECK(contains(reply.finding("DUP-TEST").child_value("evidence"), std::string(kCountyHospital) + "/MZ-1"));
        // At the institution that committed it, the encounter is named by its id alone.
        Reply own = engine.ok(blood_count_at(kCountyHospital, "MZ-2").str());
        REQUIRE(own.count("DUP-TEST") == 1);
        CHECK(contains(own.finding("DUP-TEST").child_value("evidence"), "MZ-1"));
        CHECK_FALSE(contains(own.finding("DUP-TEST").child_value("evidence"), kCountyHospital));
        Doc renamed = blood_count_at(kTownshipClinic, "MZ-2");
        renamed.name = "王五";
        Reply mismatch = engine.ok(renamed.str());
        REQUIRE(mismatch.count("ID-MISMATCH") == 1);
        CHECK(contains(mismatch.finding("ID-MISMATCH").child_value("evidence"),
                       std::string(kCountyHospital) + "/MZ-1"));
    }
    SECTION("both commit encounter MZ-1: both keep their items, and a retraction at one leaves the other's") {
        Engine engine(scratch.config);
        Doc county = encounter_with_items("MZ-1", {"1", "2"}), clinic = encounter_with_items("MZ-1", {"1"});
        county.institution = kCountyHospital;
        clinic.institution = kTownshipClinic;
        engine.ok(Doc(county).commit().str());
        engine.ok(Doc(clinic).commit().str());
        engine.ok(Doc(county).commit().str());  // a re-commit replaces its own institution's rows only
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE encounter_id = 'MZ-1'") == 3);
        CHECK(scratch.integer("SELECT count(*) FROM encounters WHERE encounter_id = 'MZ-1'") == 2);
        CHECK(scratch.integer("SELECT count(*) FROM patient_identities WHERE encounter_id = 'MZ-1'") == 2);
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE institution = 'H52272300001'") == 1);

        CHECK(engine.ok(R"(<retract encounter="MZ-1" institution="H52272300001"/>)").attr("removed") == "1");
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE institution = 'H52270100001'") == 2);
        CHECK(scratch.integer("SELECT count(*) FROM items WHERE institution = 'H52272300001'") == 0);
        CHECK(scratch.text("SELECT group_concat(institution, ',') FROM encounters") == kCountyHospital);
        CHECK(scratch.integer("SELECT count(*) FROM patient_identities") == 1);
        CHECK(engine.ok(R"(<retract encounter="MZ-1" institution="H52270100001" items="2"/>)").attr("removed") == "1");
        // Without an institution, the encounter id at every institution, as before stores were shared.
        engine.ok(Doc(clinic).commit().str());
        CHECK(engine.ok(R"(<retract encounter="MZ-1"/>)").attr("removed") == "2");
        CHECK(scratch.integer("SELECT count(*) FROM encounters") == 0);
    }
}

TEST_CASE("PostgreSQL: a database of schema 2 is brought forward: its rows keep their institution",
          "[store][postgresql][alliance]") {
    test::StoreScratch scratch(test::Backend::postgresql);
    if (!scratch.ready()) return;
    {
        Engine engine(scratch.config);
        engine.ok(blood_count_at(kCountyHospital, "MZ-1").commit().str());
        engine.ok(blood_count_at(kTownshipClinic, "MZ-2").commit().str());
    }
    // Back to schema 2, keyed by the encounter id alone, as a database made before it.
    scratch.exec(R"sql(
        ALTER TABLE items DROP CONSTRAINT items_pkey;
        ALTER TABLE items DROP COLUMN institution;
        ALTER TABLE items ADD PRIMARY KEY (encounter_id, item_id);
        CREATE INDEX items_by_patient ON items (patient_key, code, date)
            INCLUDE (encounter_id, item_id, kind, days, name, quantity);
        ALTER TABLE patient_identities DROP CONSTRAINT patient_identities_pkey;
        ALTER TABLE patient_identities DROP COLUMN institution;
        ALTER TABLE patient_identities ADD PRIMARY KEY (patient_key, encounter_id);
        CREATE INDEX identities_by_encounter ON patient_identities (encounter_id);
        ALTER TABLE encounters DROP CONSTRAINT encounters_pkey, ADD PRIMARY KEY (encounter_id);
        UPDATE medlint_schema SET version = 2;
    )sql");
    Engine engine(scratch.config);
    CHECK(scratch.integer("SELECT version FROM medlint_schema") == 3);
    CHECK(scratch.text("SELECT institution FROM items WHERE encounter_id = 'MZ-2'") == kTownshipClinic);
    CHECK(scratch.text("SELECT institution FROM patient_identities WHERE encounter_id = 'MZ-1'") == kCountyHospital);
    CHECK(engine.ok(blood_count_at(kCountyHospital, "MZ-3").str()).count("DUP-TEST") == 1);
    engine.ok(blood_count_at(kTownshipClinic, "MZ-1").commit().str());
    CHECK(scratch.integer("SELECT count(*) FROM items WHERE encounter_id = 'MZ-1'") == 2);
}
