// What a stolen store reveals (docs/privacy.md): identities are kept as keyed
// digests, the key file is made once and checked, the store's files are
// private, and stores of the layouts that held plain identities are brought
// forward in place.
#include <sys/stat.h>

#include "support.hpp"

using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;
using test::store_exec;
using test::store_int;
using test::try_open;

namespace {

const char *const kStoreSuffixes[] = {"", "-wal", "-shm", "-journal"};

// What a thief of the store's files would read: the database, its WAL, shared memory and journal.
std::vector<std::pair<std::string, std::string>> store_files(const std::string &store) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char *suffix : kStoreSuffixes)
        if (std::filesystem::exists(store + suffix)) out.emplace_back(store + suffix, test::read_file(store + suffix));
    return out;
}

// Where one of `texts` shows in the store's files, in UTF-8, GBK or UTF-16 of either byte order.
std::vector<std::string> plaintext_in_store(const std::string &store, const std::vector<std::string> &texts) {
    std::vector<std::string> found;
    for (const auto &[path, bytes] : store_files(store))
        for (const auto &text : texts)
            for (const char *encoding : {"UTF-8", "GBK", "UTF-16LE", "UTF-16BE"})
                if (contains(bytes, test::convert(text, "UTF-8", encoding)))
                    found.push_back(text + " in " + encoding + " in " + path);
    return found;
}

Doc patient(const std::string &id, const std::string &name, const std::string &gender, const std::string &birth) {
    Doc doc;
    doc.id = id;
    doc.name = name;
    doc.gender = gender;
    doc.birth = birth;
    doc.card = "id=\"" + id + "\" name=\"" + name + "\"";
    return doc;
}

// A store as medlint 1.0 (schema version 3) wrote it: identities in plain
// text, under patient keys "<id-type>:<id>".
void write_version_3_store(const std::string &store, const std::string &rows) {
    store_exec(store, R"sql(
        PRAGMA journal_mode=WAL;
        CREATE TABLE encounters (
            encounter_id TEXT PRIMARY KEY, institution TEXT NOT NULL, patient_key TEXT NOT NULL,
            type TEXT NOT NULL, admitted TEXT, discharged TEXT, rescue INTEGER NOT NULL,
            physician TEXT NOT NULL, dept TEXT NOT NULL, primary_diagnosis TEXT NOT NULL,
            committed_at TEXT NOT NULL);
        CREATE INDEX encounters_by_patient ON encounters (patient_key, type);
        CREATE TABLE items (
            encounter_id TEXT NOT NULL, item_id TEXT NOT NULL, patient_key TEXT NOT NULL,
            kind TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, quantity REAL NOT NULL,
            price REAL NOT NULL, days INTEGER NOT NULL, date TEXT NOT NULL, physician TEXT NOT NULL,
            discharge_medication INTEGER NOT NULL,
            PRIMARY KEY (encounter_id, item_id)) WITHOUT ROWID;
        CREATE INDEX items_by_patient ON items (patient_key, code, date, kind, days, name);
        CREATE TABLE patient_identities (
            patient_key TEXT NOT NULL, encounter_id TEXT NOT NULL, name TEXT NOT NULL,
            gender TEXT NOT NULL, birth_date TEXT, seen_at TEXT NOT NULL,
            PRIMARY KEY (patient_key, encounter_id)) WITHOUT ROWID;
        CREATE INDEX identities_by_encounter ON patient_identities (encounter_id);
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY, finding_id TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,
            physician TEXT NOT NULL, time TEXT NOT NULL, recorded_at TEXT NOT NULL,
            reason_code TEXT NOT NULL DEFAULT '');
        CREATE INDEX feedback_by_finding ON feedback (finding_id, id);
        CREATE TABLE ledger (
            notice TEXT PRIMARY KEY, kind TEXT NOT NULL, physician TEXT NOT NULL, date TEXT NOT NULL,
            until TEXT, points INTEGER NOT NULL, sanction_kind TEXT NOT NULL, text TEXT NOT NULL,
            reversed_on TEXT, imported_at TEXT NOT NULL);
        CREATE INDEX ledger_by_physician ON ledger (physician, date);
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY, time TEXT NOT NULL, operation TEXT NOT NULL, physician TEXT NOT NULL,
            encounter TEXT NOT NULL, findings TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
        INSERT INTO audit_head VALUES (1, 0, '');
        PRAGMA user_version = 3;
    )sql" + rows);
}

// Doc's patient 李四, seen on 2026-11-20 as 张三 (a test and a drug), and a
// forgotten identity of another patient, left in the file's free space.
const std::string kVersion3Rows = R"sql(
    INSERT INTO encounters VALUES ('MZ-OLD', 'H52270100001', 'resident-id:522701198001010011', 'outpatient',
        '2026-11-20', NULL, 0, 'D522701000123', '内科', 'E11.900', '2026-11-20T01:00:00.000000Z');
    INSERT INTO items VALUES ('MZ-OLD', '1', 'resident-id:522701198001010011', 'test', '002501010150000', '血常规',
        1, 20, 0, '2026-11-20', 'D522701000123', 0);
    INSERT INTO patient_identities VALUES ('resident-id:522701198001010011', 'MZ-OLD', '张三', 'M', '1980-01-01',
        '2026-11-20T01:00:00.000000Z');
    INSERT INTO patient_identities VALUES ('resident-id:110105194912310021', 'MZ-GONE', '欧阳娜娜', 'F', '1949-12-31',
        '2026-11-20T01:00:00.000000Z');
    DELETE FROM patient_identities WHERE encounter_id = 'MZ-GONE';
)sql";

mode_t mode_of(const std::string &path) {
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("the store's files hold no committed id number, name, birth date or card", "[store][privacy]") {
    Scratch scratch;
    std::vector<Doc> patients = {patient(test::resident_id("11010519491231002"), "王建国", "M", "1949-12-31"),
                                 patient("E12345678", "欧阳娜娜", "F", "1953-07-19")};
    patients[1].id_type = "passport";
    std::vector<std::string> secrets = {"王建军"};
    for (const auto &doc : patients) secrets.insert(secrets.end(), {doc.id, doc.name, doc.birth});
    {
        Engine engine(scratch.config);
        for (size_t i = 0; i < patients.size(); ++i) {
            Doc doc = patients[i];
            doc.encounter = "MZ-" + std::to_string(i) + "-A";
            engine.ok(doc.commit().str());
            doc.encounter = "MZ-" + std::to_string(i) + "-B";
            doc.name += "　";  // the same name, spaced
            CHECK_FALSE(engine.ok(doc.str()).fired("ID-MISMATCH"));
        }
        Doc renamed = patients[0];
        renamed.encounter = "MZ-0-A";
        renamed.name = "王建军";
        renamed.card.reset();
        engine.ok(renamed.commit().str());  // replaces the identity committed first
        engine.ok(R"(<retract encounter="MZ-1-B"/>)");
        INFO("while open");
        CHECK(plaintext_in_store(scratch.store, secrets) == std::vector<std::string>{});
    }
    INFO("after close");
    CHECK(plaintext_in_store(scratch.store, secrets) == std::vector<std::string>{});
}

TEST_CASE("the store's files and its key are made readable by their owner only", "[store][privacy]") {
    Scratch scratch;
    mode_t old_mask = umask(0);  // so that only medlint's own modes count
    {
        Engine engine(scratch.config);
        engine.ok(Doc{}.commit().str());
        for (const char *suffix : {"", "-wal", "-shm"}) {
            INFO(scratch.store + suffix);
            CHECK(mode_of(scratch.store + suffix) == 0600);
        }
        CHECK(mode_of(scratch.store + ".key") == 0600);
        CHECK(std::filesystem::file_size(scratch.store + ".key") == 32);
    }
    umask(old_mask);
}

TEST_CASE("the store key: made once, kept, and checked", "[store][privacy]") {
    Scratch scratch;
    {
        Engine engine(scratch.config);
        engine.ok(Doc{}.commit().str());
    }
    std::string key = test::read_file(scratch.store + ".key");

    SECTION("the next open uses the same key and history matches") {
        Engine engine(scratch.config);
        Doc later;
        later.encounter = "MZ-LATER";
        later.name = "张三";
        CHECK(engine.ok(later.str()).fired("ID-MISMATCH"));
        CHECK(test::read_file(scratch.store + ".key") == key);
    }
    SECTION("a store whose key is lost is refused, not given a new key") {
        std::filesystem::remove(scratch.store + ".key");
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, scratch.store + ".key"));
        CHECK(contains(result.message, "missing"));
        CHECK(contains(result.message, "backup"));
        CHECK_FALSE(std::filesystem::exists(scratch.store + ".key"));
    }
    SECTION("another installation's key is refused") {
        std::string other = key;
        other[0] = static_cast<char>(other[0] ^ 1);
        test::write_file(scratch.store + ".key", other);
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, "not made with the key"));
    }
    SECTION("a key file of another size is refused") {
        test::write_file(scratch.store + ".key", key + "\n");
        test::OpenResult result = try_open(scratch.config);
        INFO(result.message);
        CHECK(result.code == MEDLINT_ESTORE);
        CHECK(contains(result.message, "32 bytes"));
    }
    SECTION("the configuration can keep the key elsewhere") {
        Scratch elsewhere;
        std::filesystem::create_directories(elsewhere.dir.file("keys"));
        test::write_file(elsewhere.config, "<medlint><store path=\"store.db\" key=\"keys/medlint.key\"/></medlint>");
        {
            Engine engine(elsewhere.config);
            engine.ok(Doc{}.commit().str());
        }
        CHECK(std::filesystem::file_size(elsewhere.dir.file("keys/medlint.key")) == 32);
        CHECK_FALSE(std::filesystem::exists(elsewhere.store + ".key"));
    }
}

TEST_CASE("a store of schema version 3 is brought forward: its identities hashed in place", "[store][privacy]") {
    Scratch scratch;
    write_version_3_store(scratch.store, kVersion3Rows);
    {
        Engine engine(scratch.config);
        CHECK(store_int(scratch.store, "PRAGMA user_version") == 6);
        Doc later;
        later.encounter = "MZ-NEW";
        later.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-20"/>)"};
        Reply reply = engine.ok(later.str());
        CHECK(reply.count("DUP-TEST") == 1);
        REQUIRE(reply.count("ID-MISMATCH") == 1);
        CHECK(contains(reply.finding("ID-MISMATCH").child_value("evidence"), "MZ-OLD"));
        CHECK(contains(reply.finding("ID-MISMATCH").child_value("evidence"), "2026-11-20"));
        later.name = "张 三";
        CHECK_FALSE(engine.ok(later.str()).fired("ID-MISMATCH"));
    }
    CHECK(plaintext_in_store(scratch.store, {"张三", "欧阳娜娜", "522701198001010011", "110105194912310021",
                                             "1949-12-31"}) == std::vector<std::string>{});
}

TEST_CASE("a store of schema version 2 is brought forward and keeps its history", "[store]") {
    Scratch scratch;
    // Version 2 as it was: the narrow history index, no identity index.
    write_version_3_store(scratch.store, kVersion3Rows + R"sql(
        DROP INDEX identities_by_encounter; DROP INDEX items_by_patient;
        CREATE INDEX items_by_patient ON items (patient_key, code, date);
        PRAGMA user_version = 2;
    )sql");
    Engine engine(scratch.config);
    Doc again;
    again.encounter = "MZ-NEW";
    again.name = "张三";
    again.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-20"/>)"};
    Reply reply = engine.ok(again.str());
    CHECK(reply.count("DUP-TEST") == 1);
    CHECK_FALSE(reply.fired("ID-MISMATCH"));
    CHECK(store_int(scratch.store, "PRAGMA user_version") == 6);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM pragma_index_info('items_by_patient')") == 7);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM pragma_index_info('identities_by_encounter')") == 2);
}

TEST_CASE("a store of one encounter id per store is brought forward: its rows keep their institution",
          "[store][alliance]") {
    Scratch scratch;
    // Two institutions' encounters in a store keyed by the encounter id alone
    // (schema 5 and before): each item and identity takes its encounter's institution.
    write_version_3_store(scratch.store, kVersion3Rows + R"sql(
        INSERT INTO encounters VALUES ('MZ-CLINIC', 'H52272300001', 'resident-id:522701198001010011', 'outpatient',
            '2026-11-19', NULL, 0, 'D522723000031', '内科', 'E11.900', '2026-11-19T01:00:00.000000Z');
        INSERT INTO items VALUES ('MZ-CLINIC', '1', 'resident-id:522701198001010011', 'drug', 'XA10BAM001A001',
            '二甲双胍', 1, 20, 30, '2026-11-19', 'D522723000031', 0);
        INSERT INTO items VALUES ('MZ-CLINIC', '2', 'resident-id:522701198001010011', 'test', '002501010150000',
            '血常规', 1, 20, 0, '2026-11-19', 'D522723000031', 0);
        INSERT INTO patient_identities VALUES ('resident-id:522701198001010011', 'MZ-CLINIC', '张三', 'M',
            '1980-01-01', '2026-11-19T01:00:00.000000Z');
    )sql");
    Engine engine(scratch.config);
    Doc later;  // at the county hospital, H52270100001
    later.encounter = "MZ-NEW";
    later.items = {R"(<item id="1" kind="test" code="002501010150000" date="2026-11-20"/>)"};
    Reply reply = engine.ok(later.str());
    REQUIRE(reply.count("DUP-TEST") == 1);  // its own blood count of 2026-11-20, not the clinic's
    CHECK(contains(reply.finding("DUP-TEST").child_value("evidence"), "MZ-OLD"));
    CHECK(store_int(scratch.store, "SELECT count(*) FROM items") == 3);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM items WHERE institution = 'H52272300001'") == 2);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM items WHERE institution = 'H52270100001'") == 1);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM patient_identities WHERE institution = 'H52272300001' "
                                   "AND encounter_id = 'MZ-CLINIC'") == 1);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM patient_identities WHERE institution = 'H52270100001' "
                                   "AND encounter_id = 'MZ-OLD'") == 1);
    // The same encounter id may now be committed at the clinic too.
    Doc clinic = later;
    clinic.institution = "H52272300001";
    clinic.encounter = "MZ-OLD";
    engine.ok(clinic.commit().str());
    CHECK(store_int(scratch.store, "SELECT count(*) FROM encounters WHERE encounter_id = 'MZ-OLD'") == 2);
}
