// The medlint tool run as a user runs it: each test starts the built binary
// with a scratch configuration and store and checks its output and exit
// status.  Dates are always given, so nothing depends on the day it runs.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/disguises.hpp"
#include "run_medlint.hpp"

namespace {

using test::contains;
using test::medlint;
using test::Run;
using test::Scratch;

const std::string kSamples = MEDLINT_SAMPLES;

// The line of `text` that holds `part`, "" when none does.
std::string line_with(const std::string &text, std::string_view part) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (contains(line, part)) return line;
    return "";
}

// A copy of the default pack in the scratch folder, to be spoiled by a test.
std::string copy_of_default_pack(const Scratch &scratch) {
    std::string pack = scratch.dir.file("pack");
    std::filesystem::copy(MEDLINT_DEFAULT_PACK, pack);
    return pack;
}

// Line 3 of a CSV file with its third cell replaced.
void spoil_third_cell_of_line_3(const std::string &csv, const std::string &value) {
    std::istringstream lines(test::read_file(csv));
    std::string out;
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        if (++number == 3) {
            size_t first = line.find(','), second = line.find(',', first + 1), third = line.find(',', second + 1);
            line = line.substr(0, second + 1) + value + line.substr(third);
        }
        out += line + "\n";
    }
    test::write_file(csv, out);
}

// Under qiannan-2023: a deduction of 3 on Monday 2026-03-02 (7 working days
// to appeal, none of them a holiday: 2026-03-11), a bonus of 2 that offsets
// it, a deduction of 6; and another physician suspended by the agency.
const char kLedger[] = R"(<ledger>
  <deduction physician="D522701000123" date="2026-03-02" points="3" notice="QN-2026-015" violation="重复检查"/>
  <bonus physician="D522701000123" date="2026-05-10" points="2" notice="QN-2026-031" reason="义诊"/>
  <deduction physician="D522701000123" date="2026-11-16" points="6" notice="QN-2026-090" violation="冒名就医"/>
  <sanction physician="D522701000456" kind="suspension" from="2026-09-01" to="2026-11-30" notice="QN-2026-077"/>
</ledger>
)";

}  // namespace

TEST_CASE("check prints each finding at its file:line with its rule, and exits with the worst status", "[cli]") {
    Scratch scratch;
    SECTION("a warning") {
        std::string sample = kSamples + "/id-mismatch-card-of-relative.xml";
        Run run = medlint(scratch, {"check", sample});
        INFO(run.out << run.err);
        CHECK(run.status == 1);
        // Findings about the patient, not an item, point at <patient>.
        std::string where = sample + ":" + std::to_string(test::line_of(test::read_file(sample), "<patient")) + ":";
        CHECK(contains(line_with(run.out, "ID-MISMATCH"), where));
        CHECK(contains(line_with(run.out, "ID-MISMATCH"), "warning"));
        CHECK(contains(run.out, sample + ": warning; physician D522701000315"));
    }
    SECTION("a clean document passes") {
        Run run = medlint(scratch, {"check", kSamples + "/clean-outpatient-prescription.xml"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(run.out, "clean-outpatient-prescription.xml: pass"));
    }
    SECTION("a missing file is an error, never a pass") {
        std::string missing = scratch.dir.file("missing.xml");
        Run run = medlint(scratch, {"check", missing});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.out, missing + ": check failed, review by hand: cannot open"));
    }
}

TEST_CASE("check and audit without --commit never change the store, whatever operation a file disguises",
          "[cli][read-only]") {
    Scratch scratch;
    std::string committed = scratch.dir.file("committed.xml");
    test::write_file(committed, test::ascii_commit(test::kCommittedEncounter));
    REQUIRE(medlint(scratch, {"commit", committed}).status == 0);
    std::string before = test::store_rows(scratch.store);
    REQUIRE(contains(before, "items 1,"));
    std::vector<std::string> files;
    for (const auto &request : test::disguised_writes()) {
        files.push_back(scratch.dir.file(request.name + ".xml"));
        test::write_file(files.back(), request.bytes);
    }
    SECTION("check") {
        std::vector<std::string> arguments{"check"};
        arguments.insert(arguments.end(), files.begin(), files.end());
        Run run = medlint(scratch, arguments);
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        for (const auto &file : files) {
            std::string operation = std::filesystem::path(file).stem().string();
            operation = operation.substr(0, operation.find('-'));
            // A commit is checked like any document; every other operation is refused.
            std::string expected = operation == "commit" ? file + ": warning"
                                                         : file + ": check failed, review by hand: request is <" +
                                                               operation + ">; this call performs only <check>";
            CHECK(contains(run.out, expected));
        }
    }
    SECTION("audit") {
        std::vector<std::string> arguments{"audit"};
        arguments.insert(arguments.end(), files.begin(), files.end());
        Run run = medlint(scratch, arguments);
        INFO(run.out << run.err);
        CHECK(contains(run.out, "documents: 9 checked"));
    }
    CHECK(test::store_rows(scratch.store) == before);
    Run points = medlint(scratch, {"points", "D522701000123", "--date", "2026-11-23"});
    CHECK(contains(points.out, "no ledger entries in 2026"));
    CHECK(contains(points.out, "standing: active"));
}

TEST_CASE("pack validate prints what a pack holds, or refuses it naming file:line:column", "[cli]") {
    Scratch scratch;
    SECTION("the default pack") {
        Run run = medlint(scratch, {"pack", "validate", MEDLINT_DEFAULT_PACK});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(run.out, "valid rule pack default 2026.11, jurisdiction CN"));
        for (const char *table : {"catalog.csv", "retest.csv", "rules.csv", "messages.csv", "points.csv",
                                  "thresholds.csv", "profiles.csv", "calendar.csv", "override_reasons.csv"})
            CHECK(contains(run.out, table));
        // rules.csv: one row per rule, every line after the header.
        std::string rules = test::read_file(std::string(MEDLINT_DEFAULT_PACK) + "/rules.csv");
        long rows = std::count(rules.begin(), rules.end(), '\n') - 1;
        CHECK(contains(line_with(run.out, "rules.csv"), " " + std::to_string(rows)));
        CHECK(contains(run.out, "profiles: fengtai, national-2024, qiannan-2023"));
    }
    SECTION("a pack with a bad row is refused whole") {
        std::string pack = copy_of_default_pack(scratch);
        spoil_third_cell_of_line_3(pack + "/points.csv", "x");
        Run run = medlint(scratch, {"pack", "validate", pack});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.out, pack + "/points.csv:3:3: points: \"x\" is not a whole number"));
        CHECK(contains(run.out, pack + ": rule pack refused"));
        CHECK_FALSE(contains(run.out, "valid"));
    }
    SECTION("a pack.xml that is not well-formed") {
        std::string pack = copy_of_default_pack(scratch);
        test::write_file(pack + "/pack.xml", "<pack id=\"x\"\n version=2026/>\n");
        Run run = medlint(scratch, {"pack", "validate", pack});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.out, pack + "/pack.xml:2:"));
    }
    SECTION("a folder that is not there") {
        Run run = medlint(scratch, {"pack", "validate", scratch.dir.file("nowhere")});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.out, "nowhere: rule pack folder cannot be opened"));
    }
}

TEST_CASE("ledger import reports new and present entries, and a second import changes nothing", "[cli]") {
    Scratch scratch("qiannan-2023");
    std::string ledger = scratch.dir.file("ledger.xml");
    test::write_file(ledger, kLedger);
    const std::vector<std::string> points{"points", "D522701000123", "--date", "2026-11-23"};

    Run first = medlint(scratch, {"ledger", "import", ledger});
    INFO(first.out << first.err);
    CHECK(first.status == 0);
    CHECK(contains(first.out, ledger + ": 4 entries: 4 new, 0 already present"));
    // Then the year's table of each physician the file names.
    CHECK(contains(first.out, "physician D522701000123, 2026"));
    CHECK(contains(first.out, "physician D522701000456, 2026"));
    CHECK(contains(first.out, "QN-2026-090"));
    Run before = medlint(scratch, points);

    Run second = medlint(scratch, {"ledger", "import", ledger});
    INFO(second.out << second.err);
    CHECK(second.status == 0);
    CHECK(contains(second.out, ledger + ": 4 entries: 0 new, 4 already present"));
    Run after = medlint(scratch, points);
    CHECK(after.status == before.status);
    CHECK(after.out == before.out);
    CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM ledger") == 4);
}

TEST_CASE("store copy copies a store into a new file under its key, and refuses to copy over one", "[cli][copy]") {
    Scratch scratch("qiannan-2023");
    std::string ledger = scratch.dir.file("ledger.xml");
    test::write_file(ledger, kLedger);
    REQUIRE(medlint(scratch, {"ledger", "import", ledger}).status == 0);
    std::string copy = scratch.dir.file("copy.db");
    const test::Medlint::Options alone{"/dev/null", "", false};

    Run copied = medlint(scratch, {"store", "copy", "--from", scratch.store, "--to", copy}, alone);
    INFO(copied.out << copied.err);
    CHECK(copied.status == 0);
    std::string ledger_row = copied.out.substr(copied.out.find("    ledger "));
    ledger_row = ledger_row.substr(0, ledger_row.find('\n'));
    CHECK(ledger_row.back() == '4');
    CHECK(contains(copied.out, "hash chain intact"));
    CHECK(test::read_file(copy + ".key") == test::read_file(scratch.store + ".key"));
    CHECK(test::store_int(copy, "SELECT COUNT(*) FROM ledger") == 4);

    Run again = medlint(scratch, {"store", "copy", "--from", scratch.store, "--to", copy}, alone);
    CHECK(again.status == 3);
    CHECK(contains(again.err, "is not empty"));
    Run missing = medlint(scratch, {"store", "copy", "--from", scratch.dir.file("none.db"), "--to", copy}, alone);
    CHECK(missing.status == 3);
    CHECK(contains(missing.err, "there is no store file there"));
    CHECK_FALSE(std::filesystem::exists(scratch.dir.file("none.db")));
    Run url = medlint(scratch, {"store", "copy", "--from", "postgresql://medlint@/x", "--to", copy}, alone);
    CHECK(url.status == 3);
    CHECK(contains(url.err, "--from-key FILE"));
}

TEST_CASE("ledger import of a GBK file shows its texts in UTF-8", "[cli]") {
    Scratch scratch("qiannan-2023");
    std::string ledger = scratch.dir.file("gbk.xml");
    // 重复开药 in GBK.
    test::write_file(ledger,
                     "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<ledger>\n"
                     "  <deduction physician=\"D522701000789\" date=\"2026-04-01\" points=\"2\" notice=\"QN-2026-040\" "
                     "violation=\"\xD6\xD8\xB8\xB4\xBF\xAA\xD2\xA9\"/>\n</ledger>\n");
    Run run = medlint(scratch, {"ledger", "import", ledger});
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(contains(run.out, "1 entry: 1 new, 0 already present"));
    CHECK(contains(line_with(run.out, "QN-2026-040"), "重复开药"));
}

TEST_CASE("catalog import turns a hospital's mapping export into a pack the engine loads", "[cli][catalog]") {
    Scratch scratch;
    std::string pack = scratch.dir.file("hospital");
    SECTION("UTF-8 with a BOM, columns in any order, a quoted name and restriction") {
        std::string export_csv = scratch.dir.file("mapping.csv");
        test::write_file(export_csv,
                         "\xEF\xBB\xBF医院编码,项目名称,医保编码,医保类别,限制条件\r\n"
                         "H001,阿托伐他汀钙片,XC10AAA143A001010104522,乙,\r\n"
                         "H002,\"院内敷料, 大\",C9999990000000000001,丙类,\"自费\r\n项目\"\r\n"
                         "H003,布洛芬片,XM01AEB094A001010101231,01,\r\n");
        Run run = medlint(scratch, {"catalog", "import", export_csv, "--out", pack, "--complete"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(run.out, "3 national codes written"));
        CHECK(contains(run.out, "valid rule pack hospital"));
        CHECK(test::read_file(pack + "/catalog.csv") ==
              "code,name,class,hospital_code,restriction\n"
              "C9999990000000000001,\"院内敷料, 大\",C,H002,\"自费\r\n项目\"\n"
              "XC10AAA143A001010104522,阿托伐他汀钙片,B,H001,\n"
              "XM01AEB094A001010101231,布洛芬片,A,H003,\n");
        CHECK(contains(test::read_file(pack + "/pack.xml"), "complete=\"true\""));
    }
    SECTION("GBK, national interface headers") {
        std::string export_csv = scratch.dir.file("gbk.csv");
        // 乙 in GBK.
        test::write_file(export_csv, "hilist_code,hilist_lv,hilist_name\nXC10AAA143A001010104522,\xD2\xD2,x\n");
        Run run = medlint(scratch, {"catalog", "import", export_csv, "--out", pack, "--id", "qn-hospital"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(test::read_file(pack + "/catalog.csv"), "XC10AAA143A001010104522,x,B,,"));
        CHECK(contains(test::read_file(pack + "/pack.xml"), "id=\"qn-hospital\""));
    }
    SECTION("bad rows: each with its line and reason, and nothing written") {
        std::string export_csv = scratch.dir.file("bad.csv");
        test::write_file(export_csv, "hilist_code,hilist_lv\r\nX1,05\r\n,01\r\nX2,02\r\nX2,03\r\nX3,A\r\n");
        Run run = medlint(scratch, {"catalog", "import", export_csv, "--out", pack});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.err, "not imported, nothing written"));
        CHECK(contains(run.err, "line 2: class \"05\" is not one of 甲/乙/丙, A/B/C, 01/02/03"));
        CHECK(contains(run.err, "line 3: no national code"));
        CHECK(contains(run.err, "line 5: national code X2 has class C here and B on line 4"));
        CHECK_FALSE(std::filesystem::exists(pack));
    }
    SECTION("a file without the required columns, and a bad pack id") {
        std::string export_csv = scratch.dir.file("columns.csv");
        test::write_file(export_csv, "名称,类别\n布洛芬片,甲\n");
        Run run = medlint(scratch, {"catalog", "import", export_csv, "--out", pack});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "line 1: no national code column"));
        run = medlint(scratch, {"catalog", "import", export_csv, "--out", pack, "--id", "a\"b"});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "--id"));
    }
}

TEST_CASE("ledger import refuses what is not a ledger, and a bad entry imports nothing", "[cli]") {
    Scratch scratch("qiannan-2023");
    SECTION("a check document is not committed") {
        Run run = medlint(scratch, {"ledger", "import", kSamples + "/clean-outpatient-prescription.xml"});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.err, "request is <check>; this call performs only <ledger>"));
        CHECK(test::store_int(scratch.store, "SELECT COUNT(*) FROM items") == 0);
    }
    SECTION("an entry with too many points") {
        std::string ledger = scratch.dir.file("bad.xml");
        test::write_file(ledger, R"(<ledger>
  <deduction physician="D522701000123" date="2026-03-02" points="3" notice="A"/>
  <deduction physician="D522701000123" date="2026-03-09" points="13" notice="B"/>
</ledger>
)");
        Run run = medlint(scratch, {"ledger", "import", ledger});
        INFO(run.out << run.err);
        CHECK(run.status == 3);
        CHECK(contains(run.err, ledger + ": line 3: <deduction>: attribute points"));
        Run points = medlint(scratch, {"points", "D522701000123", "--date", "2026-11-23"});
        CHECK(contains(points.out, "no ledger entries in 2026"));
    }
    SECTION("a missing file") {
        Run run = medlint(scratch, {"ledger", "import", scratch.dir.file("missing.xml")});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "cannot open"));
    }
}

TEST_CASE("points prints the year's entries, appeal deadlines, totals, standing and profile", "[cli]") {
    Scratch scratch("qiannan-2023");
    std::string ledger = scratch.dir.file("ledger.xml");
    test::write_file(ledger, kLedger);
    REQUIRE(medlint(scratch, {"ledger", "import", ledger}).status == 0);

    SECTION("a warned physician exits 1") {
        Run run = medlint(scratch, {"points", "D522701000123", "--date", "2026-11-23"});
        INFO(run.out << run.err);
        CHECK(run.status == 1);
        CHECK(contains(run.out, "physician D522701000123, 2026, as of 2026-11-23"));
        std::string deduction = line_with(run.out, "QN-2026-015");
        CHECK(contains(deduction, "2026-03-02"));
        CHECK(contains(deduction, "deduction"));
        CHECK(contains(deduction, "2026-03-11"));  // appeal by
        CHECK(contains(deduction, "重复检查"));
        CHECK(contains(line_with(run.out, "QN-2026-031"), "bonus"));
        // 3 + 6 deducted, the bonus of 2 offsets the 3-point deduction: 7 net, 5 remaining;
        // 6 points call for an interview until the year ends.
        CHECK(contains(run.out, "totals: 9 points deducted, 2 bonus, 5 remaining"));
        CHECK(contains(run.out, "standing: warned until 2026-12-31"));
        CHECK(contains(run.out, "profile: qiannan-2023"));
    }
    SECTION("on an earlier day, later entries are listed but not counted") {
        Run run = medlint(scratch, {"points", "D522701000123", "--date", "2026-04-01"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(line_with(run.out, "QN-2026-090"), "after 2026-04-01, not counted yet"));
        CHECK_FALSE(contains(line_with(run.out, "QN-2026-015"), "not counted"));
        CHECK(contains(run.out, "totals: 3 points deducted, 0 bonus, 9 remaining"));
    }
    SECTION("a deduction reversed after appeal") {
        std::string reversal = scratch.dir.file("reversal.xml");
        test::write_file(reversal, "<ledger>\n  <reversal notice=\"QN-2026-015\" date=\"2026-03-20\"/>\n</ledger>\n");
        Run import = medlint(scratch, {"ledger", "import", reversal});
        INFO(import.out << import.err);
        CHECK(import.status == 0);
        CHECK(contains(import.out, "1 entry: 1 new, 0 already present"));
        Run run = medlint(scratch, {"points", "D522701000123", "--date", "2026-11-23"});
        INFO(run.out << run.err);
        CHECK(contains(line_with(run.out, "QN-2026-015"), "reversed on 2026-03-20 after appeal"));
        CHECK(contains(run.out, "totals: 6 points deducted"));
    }
    SECTION("a suspended physician exits 2") {
        Run run = medlint(scratch, {"points", "D522701000456", "--date=2026-10-01"});
        INFO(run.out << run.err);
        CHECK(run.status == 2);
        CHECK(contains(line_with(run.out, "QN-2026-077"), "suspension until 2026-11-30"));
        CHECK(contains(run.out, "standing: suspended until 2026-11-30"));
    }
    SECTION("after the suspension ends the physician is active again") {
        Run run = medlint(scratch, {"points", "D522701000456", "--date", "2026-12-01"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(run.out, "standing: active"));
    }
    SECTION("another year holds none of these entries") {
        Run run = medlint(scratch, {"points", "D522701000123", "--date", "2027-01-04"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(run.out, "no ledger entries in 2027"));
        CHECK(contains(run.out, "12 remaining"));
    }
    SECTION("a day that does not exist is a usage error") {
        for (std::string day : {"2026-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-11-00"}) {
            Run run = medlint(scratch, {"points", "D522701000123", "--date", day});
            CHECK(run.status == 3);
            CHECK(contains(run.err, "--date is '" + day + "'"));
            CHECK(run.out.empty());
        }
    }
    SECTION("a leap day is a day") {
        Run run = medlint(scratch, {"points", "D522701000123", "--date", "2028-02-29"});
        INFO(run.out << run.err);
        CHECK(run.status == 0);
        CHECK(contains(run.out, "no ledger entries in 2028"));
    }
}

TEST_CASE("check shows the control characters of a file name or a document escaped, never raw", "[cli]") {
    Scratch scratch;
    test::Doc doc;
    doc.items.push_back("<item id=\"7\" kind=\"material\" code=\"C9999990000000000001\" insurance-class=\"C\" name=\"敷料\xC2\x9B" "2J\" "
                        "quantity=\"1\" price=\"1.00\" date=\"2026-11-23\"/>");
    std::string path = scratch.dir.file("\x1b]0;owned\x07\x1b[2J.xml");
    test::write_file(path, doc.str());
    Run run = medlint(scratch, {"check", path, scratch.dir.file("\x1b[31mmissing.xml")});
    INFO(run.out << run.err);
    CHECK(run.status == 3);
    for (const std::string &printed : {run.out, run.err}) {
        CHECK_FALSE(contains(printed, "\x1b"));
        CHECK_FALSE(contains(printed, "\x07"));
        CHECK_FALSE(contains(printed, "\xC2\x9B"));
    }
    CHECK(contains(run.out, "\\x1B]0;owned\\x07\\x1B[2J.xml:"));
    CHECK(contains(run.out, "敷料\\u009B2J"));
    CHECK(contains(run.out, "\\x1B[31mmissing.xml: check failed"));
}

TEST_CASE("check refuses what is not a regular file, and a document past the limit as soon as it passes it", "[cli]") {
    Scratch scratch;
    std::string fifo = scratch.dir.file("fifo.xml");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    Run run = medlint(scratch, {"check", fifo, "/dev/zero", scratch.dir.path()});
    INFO(run.out << run.err);
    CHECK(run.status == 3);
    CHECK(contains(run.out, fifo + ": check failed, review by hand: cannot read " + fifo + ": it is a FIFO"));
    CHECK(contains(run.out, "/dev/zero: check failed, review by hand: cannot read /dev/zero: it is a character device"));
    CHECK(contains(run.out, "cannot read " + scratch.dir.path() + ": it is a folder, not a regular file"));

    std::string large = scratch.dir.file("large.xml");
    test::write_file(large, "<check>" + std::string(33u << 20, ' ') + "</check>");
    Run too_large = medlint(scratch, {"check", large});
    CHECK(too_large.status == 3);
    CHECK(contains(too_large.out, large + " holds a document over the 32 MiB limit"));
    Run from_stdin = medlint(scratch, {"check", "-"}, {large, ""});
    CHECK(contains(from_stdin.out, "standard input holds a document over the 32 MiB limit"));
    Run endless = medlint(scratch, {"check", "-"}, {"/dev/zero", ""});
    CHECK(contains(endless.out, "standard input holds a document over the 32 MiB limit"));
}

TEST_CASE("audit refuses an endless standard input at once", "[cli]") {
    Scratch scratch;
    Run zeros = medlint(scratch, {"audit", "-"}, {"/dev/zero", ""});
    INFO(zeros.out << zeros.err);
    CHECK(zeros.status == 3);
    CHECK(contains(zeros.err, "standard input holds an empty document before the NUL byte at offset 0"));
    std::string spaces = scratch.dir.file("spaces.xml");
    test::write_file(spaces, "<?xml version=\"1.0\"?><check>" + std::string(33u << 20, ' '));
    Run large = medlint(scratch, {"audit", "-"}, {spaces, ""});
    CHECK(large.status == 3);
    CHECK(contains(large.err, "standard input holds a document over the 32 MiB limit"));
}

TEST_CASE("translate prints the check a national 3101 request maps to, and check checks the JSON as it", "[cli][national]") {
    Scratch scratch;
    Run translated = medlint(scratch, {"translate", MEDLINT_NHSA_EXAMPLE});
    INFO(translated.out << translated.err);
    CHECK(translated.status == 0);
    pugi::xml_document xml;
    REQUIRE(xml.load_string(translated.out.c_str()));
    pugi::xml_node check = xml.document_element();
    CHECK(std::string(check.name()) == "check");
    CHECK(test::attr(check.child("patient"), "gender") == "M");
    CHECK(check.find_child_by_attribute("item", "id", "6374"));

    std::string translation = scratch.dir.file("example.xml");
    test::write_file(translation, translated.out);
    Run from_json = medlint(scratch, {"check", MEDLINT_NHSA_EXAMPLE});
    Run from_xml = medlint(scratch, {"check", translation});
    INFO(from_json.out << from_json.err);
    CHECK(from_json.status == 1);
    CHECK(contains(from_json.out, "LIMIT-GENDER"));
    CHECK(test::renamed(from_json.out, {{MEDLINT_NHSA_EXAMPLE, translation}}) == from_xml.out);

    SECTION("a 3103, or a field it cannot read, is not translated, and the message names the field") {
        std::string answer = scratch.dir.file("answer.json");
        test::write_file(answer, R"({"infno": "3103", "input": {"data": {"warns": []}}})");
        Run run = medlint(scratch, {"translate", answer});
        CHECK(run.status == 3);
        CHECK(run.out.empty());
        CHECK(contains(run.err, answer + ": not translated: infno: is \"3103\" (<feedback>)"));
        std::string broken = scratch.dir.file("broken.json");
        test::write_file(broken, test::replaced(test::read_file(MEDLINT_NHSA_EXAMPLE), "\"gend\": \"1\"", "\"gend\": \"男\""));
        run = medlint(scratch, {"translate", broken});
        CHECK(run.status == 3);
        CHECK(contains(run.err, "input.data.patient_dtos[0].gend: is \"男\""));
    }
}
