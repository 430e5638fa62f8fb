// medlint audit run as a hospital's insurance department runs it: the built
// binary over folders of documents, with each test looking at the reports it
// writes (read back with parsers of their own: an RFC 4180 reader below,
// Boost.JSON and pugixml), at its exit status and at the store.
#include <boost/json/src.hpp>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "../unit/disguises.hpp"
#include "run_medlint.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::contains;
using test::Medlint;
using test::medlint;
using test::Run;
using test::Doc;
using test::Scratch;

const std::string kSamples = MEDLINT_SAMPLES;

using CsvRows = std::vector<std::vector<std::string>>;

// RFC 4180: fields separated by commas, rows ending in CRLF, quoted fields
// with doubled quotes.  Fails the test on anything else.
CsvRows parse_csv(const std::string &text) {
    CsvRows rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, was_quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c != '"') field += c;
            else if (i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
            else quoted = false;
        } else if (c == '"') {
            REQUIRE(field.empty());  // a quote opens a field or is doubled inside a quoted one
            quoted = was_quoted = true;
        } else if (c == ',' || c == '\r') {
            if (c == '\r') REQUIRE(text.substr(i + 1, 1) == "\n");
            row.push_back(field);
            field.clear();
            was_quoted = false;
            if (c == '\r') {
                rows.push_back(row);
                row.clear();
                ++i;
            }
        } else {
            REQUIRE(!was_quoted);  // nothing may follow a closing quote but a separator
            REQUIRE(c != '\n');    // a line feed outside quotes must end a CRLF
            field += c;
        }
    }
    REQUIRE(!quoted);
    REQUIRE((row.empty() && field.empty()));  // the last row ends with CRLF too
    return rows;
}

// The report's rows as maps from the header's names.
std::vector<std::map<std::string, std::string>> csv_records(const std::string &path) {
    CsvRows rows = parse_csv(test::read_file(path));
    REQUIRE(!rows.empty());
    std::vector<std::map<std::string, std::string>> records;
    for (size_t i = 1; i < rows.size(); ++i) {
        REQUIRE(rows[i].size() == rows[0].size());
        std::map<std::string, std::string> record;
        for (size_t column = 0; column < rows[0].size(); ++column) record[rows[0][column]] = rows[i][column];
        records.push_back(record);
    }
    return records;
}

json::object json_report(const std::string &path) { return json::parse(test::read_file(path)).as_object(); }

long long total(const json::object &report, const char *name) { return report.at("totals").at(name).as_int64(); }

// The page, which is polyglot markup, read as XML.
struct Page {
    pugi::xml_document xml;
    explicit Page(const std::string &path) {
        pugi::xml_parse_result parsed = xml.load_file(path.c_str());
        INFO(parsed.description() << " at byte " << parsed.offset);
        REQUIRE(parsed);
    }
    std::string text_of(const std::string &id) const {
        return xml.select_node(("//*[@id='" + id + "']").c_str()).node().child_value();
    }
    size_t count(const char *xpath) const { return xml.select_nodes(xpath).size(); }
};

// The report files of a run in the scratch folder, named by `prefix`.
struct Reports {
    std::string html, csv, json;
    Reports(const Scratch &scratch, const std::string &prefix)
        : html(scratch.dir.file(prefix + ".html")),
          csv(scratch.dir.file(prefix + ".csv")),
          json(scratch.dir.file(prefix + ".json")) {}
    std::vector<std::string> options() const { return {"--html", html, "--csv", csv, "--json", json}; }
};

// Compared as a whole, not shown: a report is too long to read in a failure.
bool same_bytes(const std::string &path, const std::string &other) {
    INFO(path << " and " << other);
    return test::read_file(path) == test::read_file(other);
}

std::vector<std::string> joined(std::vector<std::string> first, const std::vector<std::string> &second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

// A clean outpatient prescription of its own patient and encounter.
Doc clean_document(int number) {
    Doc doc;
    doc.id_type = "passport";
    doc.id = "E" + std::to_string(10000000 + number);
    doc.encounter = "MZ" + std::to_string(20260000000LL + number);
    return doc;
}

// A document whose item the HIS maps to class C (self-paid) and has no
// consent, so that CONSENT-MISSING names it.
Doc document_with_unconsented_item(const std::string &item_name_xml) {
    Doc doc = clean_document(1);
    doc.items.push_back("<item id=\"7\" kind=\"material\" code=\"C9999990000000000001\" insurance-class=\"C\" name=\"" + item_name_xml +
                        "\" quantity=\"3\" price=\"15.50\" date=\"2026-11-23\"/>");
    return doc;
}

std::string with_physician_name(std::string document, const std::string &name_xml) {
    const std::string plain = "name=\"王敏\"";
    document.replace(document.find(plain), plain.size(), "name=\"" + name_xml + "\"");
    return document;
}

void write_documents(const std::string &folder, int count, int items_each) {
    fs::create_directories(folder);
    for (int number = 0; number < count; ++number) {
        Doc doc = clean_document(number);
        doc.items.clear();
        for (int item = 1; item <= items_each; ++item)
            doc.items.push_back("<item id=\"" + std::to_string(item) +
                                "\" kind=\"service\" code=\"001101000010000\" name=\"普通门诊诊查费\" quantity=\"1\" "
                                "price=\"10.00\" date=\"2026-11-23\"/>");
        char name[32];
        std::snprintf(name, sizeof name, "/%05d.xml", number);
        test::write_file(folder + name, doc.str());
    }
}

}  // namespace

TEST_CASE("audit checks what it can, reports each document it cannot with its error, and goes on", "[audit]") {
    Scratch scratch;
    std::string folder = scratch.dir.file("day");
    fs::create_directories(folder + "/ward");
    test::write_file(folder + "/1-clean.xml", clean_document(1).str());
    test::write_file(folder + "/2-malformed.xml", "<check mode=\"preaudit\">\n  <patient id=\"1\"\n</check>\n");
    test::write_file(folder + "/3-latin1.xml", "<check mode=\"preaudit\">\n  <physician name=\"M\xFCller\"/>\n</check>\n");
    test::write_file(folder + "/ward/4-unconsented.xml", document_with_unconsented_item("院内自购敷料").str());
    test::write_file(folder + "/5-result.xml", "<check-result status=\"pass\"/>\n");
    test::write_file(folder + "/notes.txt", "not a document");
    Reports reports(scratch, "mixed");

    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {folder}));
    INFO(run.out << run.err);
    CHECK(run.status == 3);
    CHECK(contains(run.out, folder + "/2-malformed.xml: check failed, review by hand: "));
    CHECK(contains(run.out, folder + "/3-latin1.xml: check failed, review by hand: "));
    CHECK(contains(run.out, "not valid UTF-8"));
    CHECK(contains(run.out, "documents: 2 checked, 2 failed, 1 skipped (not <check> or <commit>), of 5"));

    json::object report = json_report(reports.json);
    CHECK(total(report, "documents") == 5);
    CHECK(total(report, "checked") == 2);
    CHECK(total(report, "failed") == 2);
    CHECK(total(report, "skipped") == 1);
    CHECK(report.at("interrupted").as_bool() == false);
    const json::array &failed = report.at("failed").as_array();
    REQUIRE(failed.size() == 2);
    CHECK(failed[0].at("document").as_string() == folder + "/2-malformed.xml");
    CHECK(contains(failed[0].at("reason").as_string().c_str(), "line"));
    CHECK(failed[1].at("document").as_string() == folder + "/3-latin1.xml");
    CHECK(report.at("skipped").as_array()[0].at("document").as_string() == folder + "/5-result.xml");

    auto rows = csv_records(reports.csv);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["document"] == folder + "/ward/4-unconsented.xml");
    CHECK(rows[0]["rule"] == "CONSENT-MISSING");
    CHECK(rows[0]["item names"] == "院内自购敷料");
    CHECK(rows[0]["amount"] == "46.50");  // 3 × 15.50
    CHECK(rows[0]["line"] == std::to_string(test::line_of(test::read_file(folder + "/ward/4-unconsented.xml"),
                                                          "id=\"7\"")));
    CHECK(total(report, "findings") == 1);
    CHECK(report.at("totals").at("amount_at_risk").as_double() == 46.5);

    Page page(reports.html);
    CHECK(page.text_of("documents-checked") == std::string("2"));
    CHECK(page.count("//section[@id='failed']//li") == 2);
}

TEST_CASE("audit reads a stream of documents on standard input", "[audit]") {
    Scratch scratch;
    std::string first = clean_document(1).str(), second = document_with_unconsented_item("敷料").str();
    Reports reports(scratch, "stream");
    std::string stream = scratch.dir.file("stream.xml");
    SECTION("each beginning with its XML declaration") {
        const std::string declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        test::write_file(stream, declaration + first + declaration + second);
    }
    SECTION("separated by NUL bytes") { test::write_file(stream, first + std::string(1, '\0') + second + '\n'); }
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {"-"}), {stream, ""});
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    json::object report = json_report(reports.json);
    CHECK(total(report, "checked") == 2);
    const json::array &findings = report.at("findings").as_array();
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].at("document").as_string() == "<stdin>#2");
}

TEST_CASE("CSV fields with commas, quotes and line breaks are quoted, and JSON and HTML carry them exactly", "[audit]") {
    Scratch scratch;
    const std::string item_name = "敷料, \"特大号\"\n第二行", physician_name = "王, \"敏\"\n主任";
    std::string document = with_physician_name(
        document_with_unconsented_item("敷料, &quot;特大号&quot;&#10;第二行").str(), "王, &quot;敏&quot;&#10;主任");
    std::string path = scratch.dir.file("names.xml");
    test::write_file(path, document);
    Reports reports(scratch, "names");

    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {path}));
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    std::string csv = test::read_file(reports.csv);
    CHECK(contains(csv, "\"敷料, \"\"特大号\"\"\n第二行\""));
    auto rows = csv_records(reports.csv);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["item names"] == item_name);
    CHECK(rows[0]["physician name"] == physician_name);
    CHECK(contains(rows[0]["message"], item_name));

    json::object report = json_report(reports.json);
    const json::array &findings = report.at("findings").as_array();
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].at("item_names").as_string() == item_name);
    CHECK(findings[0].at("physician_name").as_string() == physician_name);

    Page page(reports.html);
    CHECK(contains(page.xml.select_node("//table[@id='findings-table']/tbody/tr/td[3]").node().child_value(),
                   item_name));
}

TEST_CASE("the same input gives the same report bytes, whatever the number of threads", "[audit]") {
    Scratch scratch;
    std::string folder = scratch.dir.file("month");
    write_documents(folder, 40, 2);
    for (const char *sample : {"id-mismatch-card-of-relative.xml", "consent-missing-self-pay.xml",
                               "dup-test-within-document.xml", "gbk-id-mismatch-card-name.xml"})
        fs::copy_file(kSamples + "/" + sample, folder + "/" + sample);
    fs::copy(kSamples + "/inpatient-record", folder + "/inpatient-record");
    Reports first(scratch, "first"), again(scratch, "again"), parallel(scratch, "parallel");

    Run one = medlint(scratch, joined(joined({"audit", "--jobs", "1"}, first.options()), {folder}));
    Run two = medlint(scratch, joined(joined({"audit", "--jobs", "1"}, again.options()), {folder}));
    Run four = medlint(scratch, joined(joined({"audit", "--jobs", "4"}, parallel.options()), {folder}));
    INFO(one.out << one.err << four.err);
    CHECK(one.status == 1);
    CHECK(json_report(first.json).at("findings").as_array().size() > 10);
    for (const Reports *other : {&again, &parallel}) {
        CHECK(same_bytes(other->csv, first.csv));
        CHECK(same_bytes(other->json, first.json));
        CHECK(same_bytes(other->html, first.html));
    }
    CHECK(four.out == one.out);
}

TEST_CASE("audit --commit records the documents in date order, so a later one meets an earlier one as history",
          "[audit]") {
    Scratch scratch;
    std::string folder = scratch.dir.file("batch");
    fs::create_directories(folder);
    // The later visit comes first in path order.
    auto creatinine_visit = [](const std::string &encounter, const std::string &date) {
        Doc doc;
        doc.encounter = encounter;
        doc.admitted = date;
        doc.items = {"<item id=\"2\" kind=\"test\" code=\"002503070020000\" name=\"肌酐测定\" quantity=\"1\" "
                     "price=\"10.00\" date=\"" +
                     date + "\"/>"};
        return doc.str();
    };
    test::write_file(folder + "/a-later.xml", creatinine_visit("MZ20261123062", "2026-11-23"));
    test::write_file(folder + "/b-earlier.xml", creatinine_visit("MZ20261120015", "2026-11-20"));
    Reports reports(scratch, "commit");

    SECTION("with --commit, the repeat 3 days later is a duplicate test") {
        Run run = medlint(scratch, joined(joined({"audit", "--commit"}, reports.options()), {folder}));
        INFO(run.out << run.err);
        CHECK(run.status == 1);
        auto rows = csv_records(reports.csv);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0]["document"] == folder + "/a-later.xml");
        CHECK(rows[0]["rule"] == "DUP-TEST");
        CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM encounters") == 2);
        CHECK(json_report(reports.json).at("committed").as_bool());
    }
    SECTION("without it, nothing is recorded and each document stands alone") {
        Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {folder}));
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(csv_records(reports.csv).empty());
        CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM encounters") == 0);
    }
}

TEST_CASE("Ctrl-C stops after the documents in hand: reports of those done, and a store without half a document",
          "[audit]") {
    Scratch scratch;
    std::string folder = scratch.dir.file("month");
    constexpr int kDocuments = 3000, kItems = 3;
    write_documents(folder, kDocuments, kItems);
    Reports reports(scratch, "interrupted");

    Medlint process(scratch, joined(joined({"audit", "--commit"}, reports.options()), {folder}), {});
    // Interrupted once the first commit is in the store; no time is assumed.
    auto committed = [&]() -> long long {
        try {
            return test::store_int(scratch.store, "SELECT COUNT(*) FROM encounters");
        } catch (const std::exception &) {
            return 0;  // the store or its tables are not there yet
        }
    };
    while (committed() == 0 && process.running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    process.interrupt();
    Run run = process.wait();
    INFO(run.out << run.err);
    REQUIRE(run.status == 130);
    CHECK(contains(run.out, "interrupted:"));

    json::object report = json_report(reports.json);
    CHECK(report.at("interrupted").as_bool());
    long long checked = total(report, "checked"), left = total(report, "left");
    CHECK(left > 0);
    CHECK(checked + left + total(report, "failed") == kDocuments);
    CHECK(csv_records(reports.csv).size() == static_cast<size_t>(total(report, "findings")));
    Page page(reports.html);
    CHECK(contains(page.text_of("interrupted"), std::to_string(left) + " documents left unchecked"));
    CHECK(page.text_of("documents-checked") == std::to_string(checked));

    // Every document checked was committed whole, and nothing else.
    CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM encounters") == checked);
    CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM items") == checked * kItems);
    CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM encounters e WHERE (SELECT COUNT(*) FROM items i "
                                         "WHERE i.encounter_id = e.encounter_id) <> " +
                                             std::to_string(kItems)) == 0);
    Run verify = medlint(scratch, {"audit-log", "verify"});
    INFO(verify.out);
    CHECK(verify.status == 0);
    CHECK(contains(verify.out, "hash chain intact"));
}

TEST_CASE("audit's options are checked before any document is read", "[audit]") {
    Scratch scratch;
    SECTION("--jobs takes a whole number from 1") {
        Run run = medlint(scratch, {"audit", "--jobs", "0", kSamples});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "--jobs is '0'"));
    }
    SECTION("--commit takes no value") {
        Run run = medlint(scratch, {"audit", "--commit=yes", kSamples});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "--commit takes no value"));
    }
    SECTION("check does not take audit's options") {
        Run run = medlint(scratch, {"check", "--html", "x.html", kSamples + "/clean-outpatient-prescription.xml"});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "check does not take --html"));
    }
    SECTION("the help names the exit statuses") {
        Run run = medlint(scratch, {"audit", "--help"});
        CHECK(run.status == 0);
        CHECK(contains(run.out, "130 interrupted"));
    }
}

// samples/reports/ holds the reports of the samples that docs/cli.md shows.
// Regenerate them with MEDLINT_UPDATE_GOLDEN=1 when the engine or the
// reports change on purpose (and the screenshot beside them by hand).
TEST_CASE("the sample reports are what audit --commit writes over the samples", "[audit][samples]") {
    Scratch scratch;
    // A copy, so that the run's paths, and the links of its page, are those
    // of a run from the repository's root.
    std::string root = scratch.dir.file("repository");
    fs::create_directories(root);
    fs::copy(kSamples, root + "/samples", fs::copy_options::recursive);
    // The samples' institutions are one alliance sharing the store (samples/README.md).
    test::write_file(root + "/medlint.xml", "<medlint><store path=\"medlint.db\" share=\"alliance\"/></medlint>\n");
    const std::vector<std::string> names = {"audit-report.html", "audit-report.csv", "audit-report.json"};
    Run run = medlint(scratch,
                      {"--config", "medlint.xml", "audit", "--commit", "--html", "samples/reports/audit-report.html", "--csv",
                       "samples/reports/audit-report.csv", "--json", "samples/reports/audit-report.json", "samples"},
                      {"/dev/null", root});
    INFO(run.out << run.err);
    CHECK(run.status == 2);  // LIMIT-CHANNEL blocks a narcotic of the internet-visit sample
    bool update = std::getenv("MEDLINT_UPDATE_GOLDEN") != nullptr;
    for (const auto &name : names) {
        std::string written = test::read_file(root + "/samples/reports/" + name);
        std::string golden = kSamples + "/reports/" + name;
        if (update && test::read_file(golden) != written) {
            test::write_file(golden, written);
            WARN("rewrote " << golden);
        }
        INFO(golden << " differs from what audit writes now (if audit is right, run with MEDLINT_UPDATE_GOLDEN=1)");
        CHECK(same_bytes(golden, root + "/samples/reports/" + name));
    }
}

TEST_CASE("CSV cells that a spreadsheet would run as formulas start with a quote, and the page runs no names", "[audit]") {
    Scratch scratch;
    const std::string formula = "=HYPERLINK(\"http://x.example/\",\"open\")", command = "@cmd|' /C calc'!A0";
    std::string folder = scratch.dir.file("<script>alert(1)<");
    fs::create_directories(folder);
    std::string document = with_physician_name(
        document_with_unconsented_item("=HYPERLINK(&quot;http://x.example/&quot;,&quot;open&quot;)").str(),
        "@cmd|&apos; /C calc&apos;!A0");
    test::write_file(folder + "/\"><img src=x onerror=alert(2)>.xml", document);
    Reports reports(scratch, "hostile");

    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {folder}));
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    auto rows = csv_records(reports.csv);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["item names"] == "'" + formula);
    CHECK(rows[0]["physician name"] == "'" + command);
    for (const auto &[column, value] : rows[0]) {
        INFO(column << ": " << value);
        CHECK(std::string_view("=+-@\t\r").find(value.empty() ? ' ' : value.front()) == std::string_view::npos);
    }

    std::string html = test::read_file(reports.html);
    CHECK_FALSE(contains(html, "<script>alert"));
    CHECK_FALSE(contains(html, "<img"));
    Page page(reports.html);
    CHECK(page.count("//*[local-name()='script']") == 1);  // the page's own sorting script
    CHECK(page.count("//*[local-name()='img']") == 0);
    CHECK(contains(pugi::xpath_query("string(//table[@id='findings-table']/tbody/tr/td[1])").evaluate_string(page.xml),
                   "\"><img src=x onerror=alert(2)>.xml"));
}

TEST_CASE("the reports take a document's encounter, physician, department and items from the engine's result",
          "[audit]") {
    Scratch scratch;
    // In GBK, which the engine decodes: the reports show the names it read.
    Doc doc = document_with_unconsented_item("院内自购敷料");
    std::string path = scratch.dir.file("gbk.xml");
    test::write_file(path, "<?xml version=\"1.0\" encoding=\"GBK\"?>\n" + test::convert(doc.str(), "UTF-8", "GBK"));
    Reports reports(scratch, "gbk");
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {path}));
    INFO(run.out << run.err);
    auto rows = csv_records(reports.csv);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["encounter"] == doc.encounter);
    CHECK(rows[0]["item names"] == "院内自购敷料");
    CHECK(rows[0]["physician name"] == "王敏");
    CHECK(rows[0]["department"] == "内科");
    CHECK(rows[0]["amount"] == "46.50");  // 3 × 15.50
    json::object report = json_report(reports.json);
    CHECK(report.at("by_department").as_array()[0].at("department").as_string() == "内科");
}

TEST_CASE("audit skips what the engine refuses for its root element, however disguised, and fails a broken check",
          "[audit]") {
    Scratch scratch;
    std::string folder = scratch.dir.file("day");
    fs::create_directories(folder);
    size_t others = 0;
    for (const auto &request : test::disguised_writes()) {
        if (request.name.rfind("commit-", 0) == 0) continue;  // a commit is audited as a check
        test::write_file(folder + "/" + request.name + ".xml", request.bytes);
        ++others;
    }
    test::write_file(folder + "/result.xml", "<!-- <check> -->\n<check-result status=\"pass\"/>\n");
    test::write_file(folder + "/settings.xml", "<medlint><store path=\"elsewhere.db\"/></medlint>\n");
    test::write_file(folder + "/broken.xml", "<check mode=\"preaudit\"/>\n");
    test::write_file(folder + "/clean.xml", clean_document(1).str());
    Reports reports(scratch, "refused");
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {folder}));
    INFO(run.out << run.err);
    CHECK(run.status == 3);
    json::object report = json_report(reports.json);
    CHECK(total(report, "checked") == 1);
    CHECK(total(report, "failed") == 1);
    CHECK(total(report, "skipped") == static_cast<long long>(others + 2));
    CHECK(report.at("failed").as_array()[0].at("document").as_string() == folder + "/broken.xml");
    std::map<std::string, std::string> reasons;
    for (const auto &skipped : report.at("skipped").as_array())
        reasons[skipped.at("document").as_string().c_str()] = skipped.at("reason").as_string().c_str();
    CHECK(reasons[folder + "/ledger-doctype-entity.xml"] == "the root element is <ledger>, not <check> or <commit>");
    CHECK(reasons[folder + "/feedback-gbk.xml"] == "the root element is <feedback>, not <check> or <commit>");
    CHECK(reasons[folder + "/result.xml"] == "the root element is <check-result>, not <check> or <commit>");
    CHECK(reasons[folder + "/settings.xml"] == "the root element is <medlint>, not <check> or <commit>");
}

TEST_CASE("an item without a quantity counts once, as the engine counts it", "[audit]") {
    Scratch scratch;
    Doc doc = clean_document(1);
    doc.items.push_back("<item id=\"7\" kind=\"material\" code=\"C9999990000000000001\" insurance-class=\"C\" name=\"敷料\" price=\"15.50\" "
                        "date=\"2026-11-23\"/>");
    std::string path = scratch.dir.file("no-quantity.xml");
    test::write_file(path, doc.str());
    Reports reports(scratch, "amounts");
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {path}));
    INFO(run.out << run.err);
    auto rows = csv_records(reports.csv);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["amount"] == "15.50");
    CHECK(contains(run.out, "at risk: 15.50 yuan"));
}

TEST_CASE("audit lists the codes no loaded catalogue knows, with their lines", "[audit]") {
    Scratch scratch;
    auto with_unknown = [&](int number, std::vector<const char *> codes) {
        Doc doc = clean_document(number);
        int id = 7;
        for (const char *code : codes)
            doc.items.push_back("<item id=\"" + std::to_string(id++) + "\" kind=\"test\" code=\"" + code +
                                "\" name=\"院内检验\" price=\"10\" date=\"2026-11-23\"/>");
        std::string path = scratch.dir.file("unknown-" + std::to_string(number) + ".xml");
        test::write_file(path, doc.str());
        return path;
    };
    std::string first = with_unknown(1, {"H52270100020007", "H52270100020008"});
    std::string second = with_unknown(2, {"H52270100020007"});
    Reports reports(scratch, "unknown");
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {first, second}));
    INFO(run.out << run.err);
    CHECK(contains(run.out, "unknown codes: 2 codes on 3 lines no loaded catalogue knows"));
    json::object report = json_report(reports.json);
    CHECK(total(report, "findings") == 0);  // unknown, not self-paid
    const json::array &codes = report.at("unknown_codes").as_array();
    REQUIRE(codes.size() == 2);
    CHECK(codes[0].at("code").as_string() == "H52270100020007");
    CHECK(codes[0].at("lines").as_int64() == 2);
    CHECK(codes[1].at("code").as_string() == "H52270100020008");
    CHECK(Page(reports.html).count("//*[@id='unknown-codes']//tbody/*[local-name()='tr']") == 2);
}

namespace {

// Folders nested below `folder` until a path is longer than the system allows
// (PATH_MAX), made through descriptors: a folder that cannot be searched
// even by root.  Returns the first such path.
std::string folder_past_path_max(const std::string &folder) {
    const std::string name(200, 'd');
    fs::create_directories(folder);
    std::string path = folder;
    int parent = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(parent >= 0);
    std::string first_too_long;
    while (path.size() <= PATH_MAX + name.size()) {
        REQUIRE(::mkdirat(parent, name.c_str(), 0700) == 0);
        int child = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY);
        ::close(parent);
        REQUIRE(child >= 0);
        parent = child;
        path += "/" + name;
        if (first_too_long.empty() && path.size() >= PATH_MAX) first_too_long = path;
    }
    ::close(parent);
    return first_too_long;
}

}  // namespace

TEST_CASE("a subfolder that cannot be searched is listed as not checked, and the audit goes on", "[audit]") {
    Scratch scratch;
    std::string month = scratch.dir.file("month");
    write_documents(month, 2, 1);
    std::string unreadable = folder_past_path_max(month + "/deep");
    Reports reports(scratch, "partial");
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {month}));
    INFO(run.out << run.err);
    CHECK(run.status == 3);  // not everything could be checked
    json::object report = json_report(reports.json);
    CHECK(total(report, "checked") == 2);
    const json::array &failed = report.at("failed").as_array();
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].at("document").as_string() == unreadable);
    CHECK(contains(std::string(failed[0].at("reason").as_string()), "cannot search folder " + unreadable));
    // remove_all works by path, which is too long here; rm works by descriptors.
    CHECK(std::system(("rm -rf '" + month + "'").c_str()) == 0);
}

namespace {

// A small 3101 request (the national JSON, docs/nhsa.md) for an outpatient
// man: a clean drug, and a female-only one of the national pack.
const char *const kNational3101 = R"({"infno": "3101", "inf_time": "2026-11-23 09:30:00", "input": {"data": {
  "trig_scen": "2", "patient_dtos": [{"patn_id": "43000000000000000001", "patn_name": "张三", "gend": "1",
  "brdy": "1980-01-01", "fsi_encounter_dtos": [{"mdtrt_id": "MZ001", "med_type": "11", "insutype": "310",
    "dr_codg": "D430799000001", "dr_name": "王敏", "adm_dept_name": "内科",
    "fsi_diagnose_dtos": [{"maindise_flag": 1, "dise_codg": "E11.900", "dise_name": "2型糖尿病"}],
    "fsi_order_dtos": [
      {"rx_id": "R1", "hilist_type": "101", "hilist_code": "XA10BAA002A001010101445", "hilist_name": "二甲双胍片",
       "hilist_lv": "01", "cnt": 2, "pric": "12.50"},
      {"rx_id": "R2", "hilist_type": "101", "hilist_code": "XG02BAZ061Z007010279543",
       "hilist_name": "左炔诺孕酮宫内节育系统", "hilist_lv": "--", "cnt": "1", "pric": 1153}]}]}]}}})";

}  // namespace

TEST_CASE("audit checks national 3101 JSON files as the XML they translate to: the same reports", "[audit][national]") {
    Scratch scratch;
    std::string mixed = scratch.dir.file("mixed"), xml = scratch.dir.file("xml");
    fs::create_directories(mixed);
    fs::create_directories(xml);
    const std::vector<std::pair<std::string, std::string>> national{
        {"1-example", test::read_file(MEDLINT_NHSA_EXAMPLE)}, {"2-small", kNational3101}};
    for (const auto &[name, envelope] : national) {
        test::write_file(mixed + "/" + name + ".json", envelope);
        Run translated = medlint(scratch, {"translate", mixed + "/" + name + ".json"});
        INFO(translated.err);
        REQUIRE(translated.status == 0);
        test::write_file(xml + "/" + name + ".xml", translated.out);
    }
    for (const std::string &folder : {mixed, xml}) {
        test::write_file(folder + "/3-clean.xml", clean_document(1).str());
        test::write_file(folder + "/4-unconsented.xml", document_with_unconsented_item("敷料").str());
    }
    Reports from_mixed(scratch, "mixed"), from_xml(scratch, "xml");
    Run run = medlint(scratch, joined(joined({"audit"}, from_mixed.options()), {mixed}));
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    Run xml_run = medlint(scratch, joined(joined({"audit"}, from_xml.options()), {xml}));
    CHECK(xml_run.status == run.status);
    CHECK(test::renamed(run.out, {{mixed, xml}}) == xml_run.out);

    json::object report = json_report(from_mixed.json);
    CHECK(total(report, "checked") == 4);
    bool example_limit_gender = false;
    for (const auto &finding : report.at("findings").as_array())
        if (finding.at("document").as_string() == mixed + "/1-example.json" && finding.at("rule").as_string() == "LIMIT-GENDER")
            example_limit_gender = true;
    CHECK(example_limit_gender);
    // The page links each document by its path relative to the page.
    const std::vector<std::pair<std::string, std::string>> renames{
        {mixed, xml}, {"href=\"mixed/", "href=\"xml/"}, {"example.json", "example.xml"}, {"small.json", "small.xml"}};
    for (const auto &[path, other] : {std::pair{from_mixed.csv, from_xml.csv}, std::pair{from_mixed.json, from_xml.json},
                                      std::pair{from_mixed.html, from_xml.html}}) {
        INFO(path);
        CHECK(test::renamed(test::read_file(path), renames) == test::read_file(other));
    }
}

TEST_CASE("audit skips a 3103 or JSON that is no envelope, and fails a broken one, naming the file and the JSON field",
          "[audit][national]") {
    Scratch scratch;
    std::string folder = scratch.dir.file("day");
    fs::create_directories(folder);
    test::write_file(folder + "/answer.json",
                     R"({"infno": "3103", "opter": "D1", "input": {"data": {"warns": [{"warn_rslt_id": "f-1", "dspo_way": "2"}]}}})");
    test::write_file(folder + "/broken.json", test::replaced(kNational3101, "\"cnt\": 2", "\"cnt\": \"abc\""));
    test::write_file(folder + "/truncated.json", std::string(kNational3101).substr(0, 100));
    test::write_file(folder + "/ok.json", kNational3101);
    test::write_file(folder + "/report.json", R"({"engine": "1.0.0", "totals": {"checked": 1}})");
    Reports reports(scratch, "day");
    Run run = medlint(scratch, joined(joined({"audit"}, reports.options()), {folder}));
    INFO(run.out << run.err);
    CHECK(run.status == 3);
    json::object report = json_report(reports.json);
    CHECK(total(report, "checked") == 1);
    CHECK(total(report, "skipped") == 2);
    CHECK(total(report, "failed") == 2);
    CHECK(report.at("skipped").as_array()[1].at("reason").as_string() ==
          "not a 3101 or 3102 check: infno: is required but missing");
    const json::object &skipped = report.at("skipped").as_array()[0].as_object();
    CHECK(skipped.at("document").as_string() == folder + "/answer.json");
    CHECK(skipped.at("reason").as_string() ==
          "not a 3101 or 3102 check: infno: is \"3103\" (<feedback>); this call performs only <check>");
    std::map<std::string, std::string> reasons;
    for (const auto &failed : report.at("failed").as_array())
        reasons[failed.at("document").as_string().c_str()] = failed.at("reason").as_string().c_str();
    CHECK(reasons[folder + "/broken.json"] ==
          "input.data.patient_dtos[0].fsi_encounter_dtos[0].fsi_order_dtos[0].cnt: \"abc\" is not a number");
    CHECK(contains(reasons[folder + "/truncated.json"], "request is not well-formed JSON"));
    CHECK(contains(run.out, folder + "/broken.json"));
    CHECK(contains(run.out, "fsi_order_dtos[0].cnt"));
}
