// What every medlint test needs and none repeats: a scratch folder with its
// own configuration and store, request documents, calls through the C ABI,
// the response read back with pugixml, and direct looks into a store file.
#pragma once

#include <catch2/catch.hpp>
#include <medlint/medlint.h>
#include <pugixml.hpp>
#include <sqlite3.h>

#include <iconv.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../files.hpp"
#include "../resident_id.hpp"

namespace test {

// A fresh folder under $TMPDIR (else /tmp), removed with its contents.
class TempDir {
public:
    TempDir() {
        const char *base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/medlint-test-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
        path_ = buffer.data();
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return path_; }
    std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

using test_files::read_file;
using test_files::write_file;

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// `text` with the first `from` (which must be there) replaced by `to`.
inline std::string replaced(std::string text, const std::string &from, const std::string &to) {
    size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// `bytes` from one encoding to another with the C library's iconv, independent of the engine.
inline std::string convert(const std::string &bytes, const char *from, const char *to) {
    iconv_t converter = iconv_open(to, from);
    REQUIRE(converter != reinterpret_cast<iconv_t>(-1));
    std::string in = bytes, out(bytes.size() * 4 + 16, '\0');
    char *in_at = in.data(), *out_at = out.data();
    size_t in_left = in.size(), out_left = out.size();
    size_t done = iconv(converter, &in_at, &in_left, &out_at, &out_left);
    iconv_close(converter);
    REQUIRE(done != static_cast<size_t>(-1));
    out.resize(out.size() - out_left);
    return out;
}

// An attribute of a response element, "" when absent.
inline std::string attr(pugi::xml_node node, const char *name) { return node.attribute(name).value(); }

// The 1-based line of `text` on which `needle` first occurs (0 when absent).
inline int line_of(std::string_view text, std::string_view needle) {
    size_t at = text.find(needle);
    if (at == std::string_view::npos) return 0;
    int line = 1;
    for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
    return line;
}

// A configuration file of contract section 3; no <rules> means the built-in pack.
inline std::string config_xml(const std::string &store_path, const std::string &profile = "national-2024",
                              const std::string &extra = "") {
    return "<medlint>\n  <store path=\"" + store_path + "\"/>\n  <policy profile=\"" + profile + "\"/>\n" + extra +
           "</medlint>\n";
}

// The configuration file at `config` with <store share="alliance">: checks
// read the history of every institution in the store.
inline void share_by_alliance(const std::string &config) {
    write_file(config, replaced(read_file(config), "<store ", "<store share=\"alliance\" "));
}

// A scratch folder holding config.xml, whose store is store.db beside it.
struct Scratch {
    TempDir dir;
    std::string config = dir.file("config.xml");
    std::string store = dir.file("store.db");

    explicit Scratch(const std::string &profile = "national-2024", const std::string &extra = "") {
        write_file(config, config_xml(store, profile, extra));
    }
};

// A rule pack folder `name` in `parent`, with these files (written over what it held).
using PackFileList = std::initializer_list<std::pair<const char *, std::string>>;
inline std::string write_pack(const TempDir &parent, const std::string &name, PackFileList files) {
    std::string path = parent.file(name);
    std::filesystem::create_directories(path);
    for (const auto &[file, content] : files) write_file(path + "/" + file, content);
    return path;
}
// The same beside the configuration.
inline std::string write_pack(const Scratch &scratch, const std::string &name, PackFileList files) {
    return write_pack(scratch.dir, name, files);
}

// The configuration with these packs, by path relative to it, in this order.
inline void use_packs(const Scratch &scratch, std::initializer_list<std::string> packs) {
    std::string rules;
    for (const auto &pack : packs) rules += "  <rules path=\"" + pack + "\"/>\n";
    write_file(scratch.config, config_xml(scratch.store, "national-2024", rules));
}

#if defined(MEDLINT_DEFAULT_PACK) && defined(MEDLINT_NATIONAL_PACK)
// A scratch configuration with the default pack and the national pack stacked on it, by folder.
struct NationalScratch : Scratch {
    NationalScratch() { use_packs(*this, {MEDLINT_DEFAULT_PACK, MEDLINT_NATIONAL_PACK}); }
};
#endif

// A response as the C ABI gave it, and as pugixml reads it (UTF-8 responses).
struct Reply {
    int code = MEDLINT_EINTERNAL;
    bool null_response = true;
    std::string text;
    pugi::xml_document xml;
    bool well_formed = false;

    // Nodes point into `xml`: they are only for a Reply that outlives them,
    // so these are deleted for a temporary (name the reply first).
    pugi::xml_node root() const & { return xml.document_element(); }
    pugi::xml_node root() const && = delete;
    std::string root_name() const { return root().name(); }
    std::string attr(const char *name) const { return root().attribute(name).value(); }
    // The <error> document's message.
    std::string error() const { return attr("message"); }
    // Findings, all or of one rule.
    std::vector<pugi::xml_node> findings(std::string_view rule = {}) const && = delete;
    std::vector<pugi::xml_node> findings(std::string_view rule = {}) const & {
        std::vector<pugi::xml_node> out;
        for (auto node : root().children("finding"))
            if (rule.empty() || rule == node.attribute("rule").value()) out.push_back(node);
        return out;
    }
    bool fired(std::string_view rule) const { return !findings(rule).empty(); }
    size_t count(std::string_view rule = {}) const { return findings(rule).size(); }
    // The message of the one finding of `rule`.
    std::string message(std::string_view rule) const { return finding(rule).child_value("message"); }
    // The one finding of `rule`; fails the test unless there is exactly one.
    pugi::xml_node finding(std::string_view rule) const && = delete;
    pugi::xml_node finding(std::string_view rule) const & {
        auto found = findings(rule);
        INFO(text);
        REQUIRE(found.size() == 1);
        return found.front();
    }
    std::vector<std::string> rules() const {
        std::vector<std::string> out;
        for (auto node : findings()) out.emplace_back(node.attribute("rule").value());
        return out;
    }
    // The messages of a rule's findings, joined.
    std::string messages(std::string_view rule = {}) const {
        std::string out;
        for (auto node : findings(rule)) out += std::string(node.child_value("message")) + "\n";
        return out;
    }
};

// The return code and response of a call; the response is copied and released.
inline Reply reply_of(int code, char *response) {
    Reply reply;
    reply.code = code;
    reply.null_response = response == nullptr;
    if (response) reply.text = response;
    medlint_free(response);
    reply.well_formed = static_cast<bool>(reply.xml.load_string(reply.text.c_str()));
    return reply;
}

// One medlint_call, or medlint_call_as when `only` names an operation.
inline Reply call_raw(medlint_engine *engine, const char *request, size_t length, const char *only = nullptr) {
    char *response = nullptr;
    int code = only ? medlint_call_as(engine, only, request, length, &response)
                    : medlint_call(engine, request, length, &response);
    return reply_of(code, response);
}

// One medlint_translate: the <check> document or the <error> document.
inline Reply translate_raw(medlint_engine *engine, const char *request, size_t length) {
    char *response = nullptr;
    int code = medlint_translate(engine, request, length, &response);
    return reply_of(code, response);
}

// An open engine, closed when it goes out of scope.
class Engine {
public:
    explicit Engine(const std::string &config) {
        int code = medlint_open(config.c_str(), &engine_);
        if (code != MEDLINT_OK)
            throw std::runtime_error("medlint_open(" + config + ") = " + std::to_string(code) + ": " +
                                     medlint_last_error());
    }
    ~Engine() { medlint_close(engine_); }
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    medlint_engine *get() const { return engine_; }
    Reply call(std::string_view request) const { return call_raw(engine_, request.data(), request.size()); }
    // medlint_call_as: only `operation` may be performed.
    Reply call_as(const char *operation, std::string_view request) const {
        return call_raw(engine_, request.data(), request.size(), operation);
    }
    // A call that must succeed.
    Reply ok(std::string_view request) const {
        Reply reply = call(request);
        INFO(request);
        INFO(reply.text);
        REQUIRE(reply.code == MEDLINT_OK);
        REQUIRE(reply.well_formed);
        return reply;
    }

private:
    medlint_engine *engine_ = nullptr;
};

// The result of medlint_open with `config`: code and last error; closes any engine.
struct OpenResult {
    int code;
    std::string message;
};
inline OpenResult try_open(const std::string &config) {
    medlint_engine *engine = nullptr;
    int code = medlint_open(config.c_str(), &engine);
    OpenResult result{code, medlint_last_error()};
    medlint_close(engine);
    return result;
}

// The error medlint_open gives for the configuration of `scratch` with
// `base` and, on top, a new pack holding only the table `file`, which must
// refuse it (MEDLINT_ECONFIG).
inline std::string refused_table(const Scratch &scratch, const std::string &base, const char *file,
                                 const std::string &content) {
    static int packs = 0;
    std::string name = "table" + std::to_string(++packs);
    write_pack(scratch, name, {{"pack.xml", "<pack id=\"table\" version=\"1\"/>"}, {file, content}});
    use_packs(scratch, {base, name});
    OpenResult opened = try_open(scratch.config);
    CHECK(opened.code == MEDLINT_ECONFIG);
    return opened.message;
}

// A <check> or <commit> document, clean by default: a valid resident id whose
// card agrees, a valid physician code and one catalog drug.
struct Doc {
    std::string op = "check";
    std::string mode = "prescribing";
    std::string lang = "en";
    std::string time = "2026-11-23T09:30:00+08:00";
    std::string root_extra;  // more attributes of the root
    std::string institution = "H52270100001";
    std::optional<std::string> physician = std::string("D522701000123");
    std::string id_type = "resident-id";
    std::string id = "522701198001010011";
    std::string name = "李四";
    std::string gender = "M";
    std::string birth = "1980-01-01";
    std::optional<std::string> card;  // attributes of <card>, e.g. "name=\"李四\""
    std::string encounter = "MZ20261123001";
    std::string type = "outpatient";
    std::string admitted = "2026-11-23";
    std::string discharged;
    std::vector<std::string> diagnoses{"<diagnosis code=\"E11.900\" name=\"2型糖尿病\" primary=\"true\"/>"};
    std::vector<std::string> items{
        "<item id=\"1\" kind=\"drug\" code=\"XA10BAA002A001010101445\" name=\"二甲双胍片\" quantity=\"2\" "
        "unit=\"盒\" price=\"12.50\" days=\"7\" date=\"2026-11-23\"/>"};
    std::string extra;  // more child elements, e.g. <consent>

    Doc &commit() {
        op = "commit";
        return *this;
    }

    std::string str() const {
        std::string out = "<" + op + " mode=\"" + mode + "\" time=\"" + time + "\"";
        if (!lang.empty()) out += " lang=\"" + lang + "\"";
        out += root_extra + ">\n";
        out += "  <institution code=\"" + institution + "\" level=\"3\"/>\n";
        if (physician) out += "  <physician code=\"" + *physician + "\" name=\"王敏\" dept=\"内科\"/>\n";
        out += "  <patient id-type=\"" + id_type + "\" id=\"" + id + "\" name=\"" + name + "\" gender=\"" + gender +
               "\"";
        if (!birth.empty()) out += " birth-date=\"" + birth + "\"";
        out += " insurance-no=\"52000000000000000001\">\n";
        if (card) out += "    <card source=\"insurance-card\" " + *card + "/>\n";
        out += "  </patient>\n";
        out += "  <encounter id=\"" + encounter + "\" type=\"" + type + "\"";
        if (!admitted.empty()) out += " admitted=\"" + admitted + "\"";
        out += " discharged=\"" + discharged + "\" rescue=\"false\">\n";
        for (const auto &diagnosis : diagnoses) out += "    " + diagnosis + "\n";
        out += "  </encounter>\n";
        for (const auto &item : items) out += "  " + item + "\n";
        out += extra;
        out += "</" + op + ">\n";
        return out;
    }
};

// An <item> priced 10 yuan; `extra` holds more attributes.
inline std::string item(const std::string &id, const std::string &kind, const std::string &code,
                        const std::string &name, const std::string &date = "2026-11-23", int days = 0,
                        const std::string &extra = "") {
    std::string out = "<item id=\"" + id + "\" kind=\"" + kind + "\" code=\"" + code + "\" name=\"" + name +
                      "\" price=\"10\" date=\"" + date + "\"";
    if (days > 0) out += " days=\"" + std::to_string(days) + "\"";
    return out + extra + "/>";
}

// A <consent> the patient signed, covering these space-separated item ids.
inline std::string signed_consent(const std::string &items) {
    return "  <consent id=\"C1\" signer=\"patient\" signed=\"2026-11-23T09:10:00+08:00\" items=\"" + items + "\"/>\n";
}

// A call that must succeed, its response shown with any later failed
// assertion of the test.
inline Reply check(const Engine &engine, std::string_view request) {
    Reply reply = engine.ok(request);
    UNSCOPED_INFO(reply.text);
    return reply;
}
inline Reply check(const Engine &engine, const Doc &doc) { return check(engine, doc.str()); }

#if defined(MEDLINT_DEFAULT_PACK) && defined(MEDLINT_NATIONAL_PACK)
// An engine on the default pack with the national pack on top, both by folder.
struct National {
    Scratch scratch;
    std::optional<Engine> engine;
    National() {
        use_packs(scratch, {MEDLINT_DEFAULT_PACK, MEDLINT_NATIONAL_PACK});
        engine.emplace(scratch.config);
    }
    Reply check(const std::string &request) const { return test::check(*engine, request); }
    Reply check(const Doc &doc) const { return test::check(*engine, doc); }
    Reply commit(Doc doc) const { return test::check(*engine, doc.commit()); }
};
#endif

// A GB 11643 number of these 17 digits and their check character.
inline std::string resident_id(std::string_view first17) {
    return std::string(first17) + test_ids::check_character(first17);
}

// The document as billed for another patient (a valid id born 1990-02-02),
// whom history does not take for the default one.
inline Doc for_another_patient(Doc doc) {
    doc.id = resident_id("52270119900202003");
    doc.birth = "1990-02-02";
    return doc;
}

// The first column of the first row of `sql` on the store file, as text,
// through a read-only SQLite connection of the test's own.
inline std::string store_text(const std::string &store, const std::string &sql) {
    sqlite3 *db = nullptr;
    std::optional<std::string> value;
    if (sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        sqlite3_stmt *statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            const unsigned char *text = sqlite3_column_text(statement, 0);
            value = text ? reinterpret_cast<const char *>(text) : "";
        }
        sqlite3_finalize(statement);
    }
    std::string problem = db ? sqlite3_errmsg(db) : "no connection";
    sqlite3_close(db);
    if (!value) throw std::runtime_error("store query failed: " + sql + ": " + problem);
    return *value;
}

inline long long store_int(const std::string &store, const std::string &sql) {
    return std::stoll(store_text(store, sql));
}

// Runs `sql` on the store file through a read-write connection of the test's own.
inline void store_exec(const std::string &store, const std::string &sql) {
    sqlite3 *db = nullptr;
    int code = sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    char *error = nullptr;
    if (code == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    }
    std::string problem = error ? error : db ? sqlite3_errmsg(db) : "no connection";
    sqlite3_free(error);
    sqlite3_close(db);
    if (code != SQLITE_OK) throw std::runtime_error("store statement failed: " + sql + ": " + problem);
}

}  // namespace test
