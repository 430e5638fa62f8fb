// medlint_bench: how long a <check> of a 20-item outpatient prescription (or,
// with --inpatient, the pre-audit of a 30-day, 600-item inpatient record, or,
// with --noisy, a chronic patient's 23-item prescription with about twenty
// findings) takes through the public C ABI, next to a pugixml-only parse of
// the same bytes.
//
// It is a host like any other: it includes only <medlint/medlint.h>, opens an
// engine on a fresh store in a temporary folder, and times medlint_call(),
// one call at a time on each of one or more threads.  See README.md beside this file.
//
//   medlint_bench [N] [--warmup W] [--history H] [--history-items K] [--patients P] [--patient-items M]
//                 [--fill] [--noisy] [--threads T] [--mmap-mib N] [--cache-mib N] [--dir PARENT]
//                 [--store FILE] [--expect STATUS] [--inpatient] [--keep]
//
// Exit status: 0 when every call returned MEDLINT_OK and every check result
// had the expected status, 1 when one did not, 2 on a usage or setup error.
// It never judges the times: that is for the person reading the table.

#include <medlint/medlint.h>

#include <pugixml.hpp>

#include "../civil_date.hpp"
#include "../resident_id.hpp"
#include "visit_request.hpp"

#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- options

struct Options {
    long iterations = 20000;
    long warmup = -1;  // -1: derived from iterations
    long history = 0;
    long history_items = 10;
    long patients = 0;  // chronic patients the noisy checks go round
    long patient_items = 100;
    bool fill = false;   // commit the chronic patients' history first
    bool noisy = false;
    long threads = 1;
    long mmap_mib = -1;   // -1: the library's default
    long cache_mib = -1;  // -1: the library's default
    std::string parent;  // where the temporary folder goes; "" = $TMPDIR or /tmp
    std::string store;   // a store file to use and keep; "" = a fresh one in the temporary folder
    std::string url;     // a PostgreSQL store instead; then `store` names its key file
    std::string expect;  // "" = what the request is built to give
    std::vector<std::string> rules;  // <rules path> of the configuration; none: the packs built in
    bool inpatient = false;
    bool keep = false;
};

void usage(std::FILE *out) {
    std::fputs(
        "usage: medlint_bench [N] [options]\n"
        "  N, --iterations N  timed check calls and timed parses (default 20000)\n"
        "  --warmup W         untimed calls of each kind first (default N/10, 10 to 1000)\n"
        "  --history H        first commit H history encounters of distinct patients; every\n"
        "                     1000th is the benchmark patient's own, over a year old\n"
        "  --history-items K  items per history encounter, 1 to 20 (default 10)\n"
        "  --patients P       chronic patients (men born 1950 or later): with --noisy, each check\n"
        "                     is of the next of them in turn\n"
        "  --patient-items M  history items of each chronic patient (default 100), in encounters of\n"
        "                     up to 100 items dated within the 20 days before the checked visit\n"
        "  --fill             first commit the chronic patients' history (P x M items)\n"
        "  --noisy            time a chronic patient's 23-item prescription instead: repeats of his\n"
        "                     committed drugs and tests, a code no catalogue holds, a drug for women\n"
        "                     and a drug for children; 21 findings against a filled history\n"
        "  --threads T        check on T threads at once, N calls each (default 1)\n"
        "  --mmap-mib N       <store mmap-mib> of the configuration (default: the library's)\n"
        "  --cache-mib N      <store cache-mib> of the configuration (default: the library's)\n"
        "  --dir PARENT       make the temporary store folder in PARENT (default $TMPDIR or /tmp)\n"
        "  --store FILE       use this store file and keep it: fill it once with --history,\n"
        "                     then time checks against it in later runs\n"
        "  --expect STATUS    the check-result status every call must give (default pass;\n"
        "                     warning with --noisy)\n"
        "  --inpatient        time the preaudit of a 30-day inpatient record of 600 items instead\n"
        "  --rules DIR        a rule pack of the configuration, repeatable, in order (default:\n"
        "                     none, so the packs built into the library, default and national)\n"
        "  --keep             keep the temporary folder (config and store) afterwards\n"
        "  --url URI          a PostgreSQL store (a libpq URI) instead of a file; --store FILE then\n"
        "                     names its key file, to keep for a later run on the same database\n",
        out);
}

bool parse_count(const char *text, long &out) {
    char *end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (!*text || *end || value < 0) return false;
    out = value;
    return true;
}

bool parse_options(int argc, char **argv, Options &options) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
        const char *v = nullptr;
        if (arg == "-h" || arg == "--help") {
            usage(stdout);
            std::exit(0);
        } else if (arg == "--inpatient") {
            options.inpatient = true;
        } else if (arg == "--keep") {
            options.keep = true;
        } else if (arg == "--fill") {
            options.fill = true;
        } else if (arg == "--noisy") {
            options.noisy = true;
        } else if (arg == "--patients") {
            if (!(v = value()) || !parse_count(v, options.patients)) return false;
        } else if (arg == "--patient-items") {
            if (!(v = value()) || !parse_count(v, options.patient_items)) return false;
        } else if (arg == "--threads") {
            if (!(v = value()) || !parse_count(v, options.threads)) return false;
        } else if (arg == "--mmap-mib") {
            if (!(v = value()) || !parse_count(v, options.mmap_mib)) return false;
        } else if (arg == "--cache-mib") {
            if (!(v = value()) || !parse_count(v, options.cache_mib)) return false;
        } else if (arg == "--iterations" || arg == "-n") {
            if (!(v = value()) || !parse_count(v, options.iterations)) return false;
        } else if (arg == "--warmup") {
            if (!(v = value()) || !parse_count(v, options.warmup)) return false;
        } else if (arg == "--history") {
            if (!(v = value()) || !parse_count(v, options.history)) return false;
        } else if (arg == "--history-items") {
            if (!(v = value()) || !parse_count(v, options.history_items)) return false;
        } else if (arg == "--dir") {
            if (!(v = value())) return false;
            options.parent = v;
        } else if (arg == "--store") {
            if (!(v = value())) return false;
            options.store = v;
        } else if (arg == "--url") {
            if (!(v = value())) return false;
            options.url = v;
        } else if (arg == "--rules") {
            if (!(v = value())) return false;
            options.rules.push_back(fs::absolute(v).string());
        } else if (arg == "--expect") {
            if (!(v = value())) return false;
            options.expect = v;
        } else if (!arg.empty() && arg[0] != '-') {
            if (!parse_count(arg.c_str(), options.iterations)) return false;
        } else {
            return false;
        }
    }
    if (options.iterations < 1 || options.history_items < 1 || options.history_items > 20) return false;
    if (options.patient_items < 1 || options.threads < 1 || options.threads > 256) return false;
    if (options.noisy && options.inpatient) return false;
    if (options.expect.empty()) options.expect = options.noisy ? "warning" : "pass";
    if (options.warmup < 0) options.warmup = std::clamp(options.iterations / 10, 10L, 1000L);
    return true;
}

// ---------------------------------------------------------------- requests

using test_dates::iso_date;

using test_ids::resident_id;

// A 30-day stay of the same patient, pre-audited whole: 20 lines a day, 600
// in all.  Admission tests and an ECG on the first day; then every day a bed,
// nursing, infusions and the ten drugs as one-day inpatient orders (so no
// supply overlaps the next day's).  Every rule runs, none fires.
std::string inpatient_request() {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<check mode=\"preaudit\" time=\"2026-10-31T09:30:00+08:00\" lang=\"zh\">\n"
        "  <institution code=\"H52270100001\" level=\"3\"/>\n"
        "  <physician code=\"D522701000123\" name=\"王敏\" dept=\"内科\"/>\n"
        "  <patient id-type=\"resident-id\" id=\"522701198001010011\" name=\"李四\"\n"
        "           gender=\"M\" birth-date=\"1980-01-01\" insurance-no=\"52000000000000000001\"/>\n"
        "  <encounter id=\"ZY20261001001\" type=\"inpatient\" admitted=\"2026-10-01\"\n"
        "             discharged=\"2026-10-31\" rescue=\"false\">\n"
        "    <diagnosis code=\"E11.900\" name=\"2型糖尿病\" primary=\"true\"/>\n"
        "    <diagnosis code=\"I10.x00\" name=\"原发性高血压\" primary=\"false\"/>\n"
        "    <diagnosis code=\"I50.900\" name=\"心力衰竭\" primary=\"false\"/>\n"
        "  </encounter>\n";
    const CatalogLine bed{"service", "001109000010000", "普通病房床位费", "1", "日", "40", nullptr};
    const CatalogLine nursing{"service", "001201000030000", "一级护理", "1", "日", "28", nullptr};
    const CatalogLine infusion{"treatment", "001204000010000", "静脉输液", "1", "组", "15", nullptr};
    const size_t drugs = 10, tests = 8;  // kVisit: ten drugs, then eight lab tests
    int id = 1;
    for (int day = 0; day < 30; ++day) {
        std::string date = "2026-10-" + std::string(day < 9 ? "0" : "") + std::to_string(day + 1);
        append_item(xml, id++, bed, date, "D522701000123");
        append_item(xml, id++, nursing, date, "D522701000123");
        for (size_t i = 0; i < tests; ++i)
            append_item(xml, id++, day == 0 ? kVisit[drugs + i] : infusion, date, "D522701000123");
        for (size_t i = 0; i < drugs; ++i) {
            CatalogLine order = kVisit[i];
            order.days = "1";
            append_item(xml, id++, order, date, "D522701000123");
        }
    }
    xml += "</check>\n";
    return xml;
}

constexpr long kVisitDay = 20780;  // 2026-11-23, the day of every timed outpatient check

struct Patient {
    std::string id, name, gender, birth;
};

const char *const kDiabetic = "    <diagnosis code=\"E11.900\" name=\"2型糖尿病\" primary=\"true\"/>\n";
const char *const kChronicDiagnoses =
    "    <diagnosis code=\"E11.900\" name=\"2型糖尿病\" primary=\"true\"/>\n"
    "    <diagnosis code=\"I10.x00\" name=\"原发性高血压\" primary=\"false\"/>\n"
    "    <diagnosis code=\"I50.900\" name=\"心力衰竭\" primary=\"false\"/>\n";

// Everything of an outpatient <commit> or <check> on `date` before its items.
std::string outpatient_head(const char *root, const std::string &date, const std::string &physician,
                            const Patient &patient, const std::string &encounter, const char *diagnoses) {
    return std::string("<") + root + " mode=\"prescribing\" time=\"" + date + "T10:00:00+08:00\">\n" +
           "  <institution code=\"H52270100001\" level=\"3\"/>\n" + "  <physician code=\"" + physician +
           "\" dept=\"内科\"/>\n" + "  <patient id-type=\"resident-id\" id=\"" + patient.id + "\" name=\"" +
           patient.name + "\" gender=\"" + patient.gender + "\" birth-date=\"" + patient.birth + "\"/>\n" +
           "  <encounter id=\"" + encounter + "\" type=\"outpatient\" admitted=\"" + date + "\" rescue=\"false\">\n" +
           diagnoses + "  </encounter>\n";
}

std::string numbered(const char *format, long number) {
    char text[40];
    std::snprintf(text, sizeof text, format, number);
    return text;
}

// History encounter k: a distinct patient (valid resident id, never the
// benchmark's patient) with `items` catalogue items within the year before the
// benchmark's visit, so that they share codes and dates with it.  Every
// 1000th is the benchmark patient's own visit, more than a year earlier: the
// check's queries then walk real rows of its patient without a finding.
std::string history_request(long k, long items) {
    const bool own = k % 1000 == 999;
    const long birth_day = -10958 + k / 1000;  // 1940-01-01 onwards: never the 1980-born benchmark patient
    const unsigned sequence = static_cast<unsigned>(k % 1000);
    Patient patient;
    patient.birth = own ? "1980-01-01" : iso_date(birth_day);
    patient.id = own ? "522701198001010011" : resident_id("522701", patient.birth, sequence);
    patient.name = own ? "李四" : "患者" + std::to_string(k);
    patient.gender = own || sequence % 2 == 1 ? "M" : "F";
    std::string date = iso_date(own ? kVisitDay - 400 - k / 1000 % 300 : kVisitDay - 1 - k % 360);
    std::string physician = numbered("D522701%06ld", 100 + k % 50);

    std::string xml = outpatient_head("commit", date, physician, patient, numbered("MZH%09ld", k), kDiabetic);
    const long size = static_cast<long>(sizeof kVisit / sizeof kVisit[0]);
    for (long i = 0; i < items; ++i)
        append_item(xml, static_cast<int>(i + 1), kVisit[(k * 7 + i * 3) % size], date, physician);
    xml += "</commit>\n";
    return xml;
}

// Chronic patient p: a diabetic, hypertensive man with heart failure, born
// 1950 or later, never the light benchmark's patient nor a --history one.
Patient chronic_patient(long p) {
    std::string birth = iso_date(-7305 + p / 500);  // 1950-01-01 onwards
    return {resident_id("522701", birth, static_cast<unsigned>(p % 500 * 2 + 1)), "慢病" + std::to_string(p), "M",
            birth};
}

// A chronic patient's history is committed in encounters of up to 100
// items, so that a store of a million items fills in ten thousand commits.
constexpr long kEncounterItems = 100;

long chronic_encounters(long items) { return (items + kEncounterItems - 1) / kEncounterItems; }

// Encounter e (0: the latest) of chronic patient p's `items` history items:
// his usual visit, kVisit's 20 lines, again and again, each round four days
// before the next, all within the 20 days before the checked visit; so his
// drugs' supplies still last and his tests are within their retest intervals.
std::string chronic_commit(long p, long e, long items) {
    std::string physician = numbered("D522701%06ld", 100 + p % 50);
    std::string xml = outpatient_head("commit", iso_date(kVisitDay - 20), physician, chronic_patient(p),
                                      numbered("MZC%08ld", p) + "-" + std::to_string(e), kChronicDiagnoses);
    const long lines = static_cast<long>(sizeof kVisit / sizeof kVisit[0]);
    const long count = std::min(kEncounterItems, items - e * kEncounterItems);
    for (long i = 0; i < count; ++i) {
        const long round = (e * kEncounterItems + i) / lines;
        append_item(xml, static_cast<int>(i + 1), kVisit[i % lines], iso_date(kVisitDay - 1 - round * 4 % 20),
                    physician);
    }
    xml += "</commit>\n";
    return xml;
}

// What a chronic patient's visit adds to his usual twenty lines: a hospital
// preparation no catalogue holds (CONSENT-MISSING), a progesterone injection
// payable for women only (LIMIT-GENDER) and a children's suppository
// (LIMIT-AGE).
const CatalogLine kNoisyExtras[] = {
    {"drug", "XZ99ZZZ001A001010100001", "院内制剂补肾颗粒", "1", "盒", "30.00", "7"},
    {"drug", "XG03DAH124B002010103315", "黄体酮注射液(Ⅱ)", "1", "支", "8.50", "1"},
    {"drug", "XM01AEX094D001010101792", "小儿布洛芬栓", "1", "盒", "12.00", "3"},
};

// The noisy check of chronic patient p: 23 items, 21 findings against his
// filled history (ten drugs whose earlier supply lasts, eight tests and exams
// within their retest interval, and the three extras).
std::string noisy_request(long p) {
    const std::string date = iso_date(kVisitDay);
    std::string xml = outpatient_head("check", date, "D522701000123", chronic_patient(p), numbered("MZN%08ld", p),
                                      kChronicDiagnoses);
    int id = 1;
    for (const auto &line : kVisit) append_item(xml, id++, line, date, "D522701000123");
    for (const auto &line : kNoisyExtras) append_item(xml, id++, line, date, "D522701000123");
    xml += "</check>\n";
    return xml;
}

size_t count_items(const std::string &request) {
    size_t count = 0;
    for (size_t at = request.find("<item "); at != std::string::npos; at = request.find("<item ", at + 1)) ++count;
    return count;
}

// ---------------------------------------------------------------- checking responses

struct Verdict {
    bool ok = false;
    std::string status;
    long long elapsed_us = -1;
    long findings = 0;
};

Verdict inspect(const char *response, const char *expected_root) {
    Verdict verdict;
    if (!response) return verdict;
    pugi::xml_document document;
    if (!document.load_string(response)) return verdict;
    pugi::xml_node root = document.document_element();
    verdict.status = root.attribute("status").as_string();
    verdict.elapsed_us = root.attribute("elapsed-us").as_llong(-1);
    for (auto finding = root.child("finding"); finding; finding = finding.next_sibling("finding")) ++verdict.findings;
    verdict.ok = std::strcmp(root.name(), expected_root) == 0;
    return verdict;
}

// Counts the calls that failed, and shows the first three.  The checks of
// one run must all give the expected status and the same number of findings
// as the first.
class Verifier {
public:
    explicit Verifier(std::string expected_status) : expected_status_(std::move(expected_status)) {}

    void failed(const char *what, long index, int code, const char *response) {
        if (++failures_ > 3) return;
        std::lock_guard<std::mutex> guard(print_);
        std::fprintf(stderr, "medlint_bench: %s %ld: code %d, response:\n%s\n", what, index, code,
                     response ? response : "(null)");
    }
    Verdict check(const char *what, long index, int code, const char *response) {
        Verdict verdict = inspect(response, "check-result");
        long expected = -1;
        findings_.compare_exchange_strong(expected, verdict.findings);
        if (code != MEDLINT_OK || !verdict.ok || verdict.status != expected_status_ || verdict.findings != findings_)
            failed(what, index, code, response);
        return verdict;
    }
    void commit(long index, int code, const char *response) {
        if (code != MEDLINT_OK || !inspect(response, "check-result").ok) failed("history commit", index, code, response);
    }
    long failures() const { return failures_; }
    long findings() const { return findings_; }

private:
    const std::string expected_status_;
    std::atomic<long> failures_{0};
    std::atomic<long> findings_{-1};  // of every check; -1 before the first
    std::mutex print_;
};

// ---------------------------------------------------------------- figures

struct Summary {
    double median = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

// Nearest-rank percentiles, in microseconds.
Summary summarize(std::vector<double> us) {
    Summary s;
    if (us.empty()) return s;
    std::sort(us.begin(), us.end());
    auto rank = [&](double p) {
        size_t index = static_cast<size_t>(p * static_cast<double>(us.size()) + 0.999999);
        return us[std::min(us.size(), std::max<size_t>(index, 1)) - 1];
    };
    s.median = rank(0.50);
    s.p90 = rank(0.90);
    s.p99 = rank(0.99);
    s.max = us.back();
    s.mean = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(us.size());
    return s;
}

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

unsigned available_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return static_cast<unsigned>(CPU_COUNT(&set));
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            size_t colon = line.find(':');
            if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    return "unknown CPU";
}

std::string filesystem_type(const std::string &path) {
    struct statfs info;
    if (statfs(path.c_str(), &info) != 0) return "unknown filesystem";
    switch (static_cast<unsigned long>(info.f_type)) {
        case 0x01021994UL: return "tmpfs";
        case 0xEF53UL: return "ext2/3/4";
        case 0x58465342UL: return "xfs";
        case 0x9123683EUL: return "btrfs";
        case 0x794C7630UL: return "overlayfs";
        case 0x2FC12FC1UL: return "zfs";
        default: break;
    }
    char hex[32];
    std::snprintf(hex, sizeof hex, "filesystem 0x%lx", static_cast<unsigned long>(info.f_type));
    return hex;
}

// Bytes of the store: the database file and, while the engine is open, its WAL.
std::string store_size(const std::string &db) {
    auto size = [](const std::string &path) -> std::uintmax_t {
        std::error_code error;
        std::uintmax_t bytes = fs::file_size(path, error);
        return error ? 0 : bytes;
    };
    std::uintmax_t database = size(db), wal = size(db + "-wal");
    char text[96];
    std::snprintf(text, sizeof text, "%.2f MiB (database %ju bytes, WAL %ju bytes)",
                  static_cast<double>(database + wal) / (1024.0 * 1024.0), database, wal);
    return text;
}

void print_row(const std::string &label, const Summary &s) {
    std::printf("  %-24s %9.1f %9.1f %9.1f %9.1f %9.1f\n", label.c_str(), s.median, s.p90, s.p99, s.max, s.mean);
}

// What the kernel counts for the calling thread (getrusage RUSAGE_THREAD).
struct Usage {
    double user_us = 0, system_us = 0;
    long minor_faults = 0, voluntary_switches = 0, involuntary_switches = 0;

    static Usage of_this_thread() {
        struct rusage r;
        getrusage(RUSAGE_THREAD, &r);
        auto us = [](const timeval &t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
        return {us(r.ru_utime), us(r.ru_stime), r.ru_minflt, r.ru_nvcsw, r.ru_nivcsw};
    }
    // Adds what was counted between `before` and `after`.
    void add(const Usage &before, const Usage &after) {
        user_us += after.user_us - before.user_us;
        system_us += after.system_us - before.system_us;
        minor_faults += after.minor_faults - before.minor_faults;
        voluntary_switches += after.voluntary_switches - before.voluntary_switches;
        involuntary_switches += after.involuntary_switches - before.involuntary_switches;
    }
};

double resident_mib() {
    long pages = 0, resident = 0;
    if (std::FILE *statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(statm);
    }
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// ---------------------------------------------------------------- the run

struct TempFolder {
    std::string path;
    bool keep = false;
    ~TempFolder() {
        if (path.empty() || keep) return;
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

// What each call sends: the same request every time, or the noisy check of
// the next chronic patient in turn.
class Workload {
public:
    explicit Workload(const Options &options)
        : noisy_(options.noisy), patients_(std::max(options.patients, 1L)),
          fixed_(options.noisy ? "" : options.inpatient ? inpatient_request() : check_request()) {}

    // Call i's request; a built one is kept in `buffer`.
    const std::string &request(long i, std::string &buffer) const {
        if (!noisy_) return fixed_;
        buffer = noisy_request(i % patients_);
        return buffer;
    }

private:
    const bool noisy_;
    const long patients_;
    const std::string fixed_;
};

struct Timings {
    std::vector<double> check_us, engine_us;
    Usage usage;  // summed over the calls alone
};

// Times `count` calls, i = first, first + step, ..., one at a time on this
// thread; the kernel's counts are taken around each call, outside its clock,
// and each response is verified after.
Timings time_checks(medlint_engine *engine, const Workload &workload, Verifier &verifier, long first, long step,
                    size_t count) {
    Timings timings;
    timings.check_us.reserve(count);
    timings.engine_us.reserve(count);
    std::string buffer;
    for (size_t j = 0; j < count; ++j) {
        const long i = first + static_cast<long>(j) * step;
        const std::string &request = workload.request(i, buffer);
        char *response = nullptr;
        Usage before = Usage::of_this_thread();
        auto t0 = Clock::now();
        int code = medlint_call(engine, request.data(), request.size(), &response);
        auto t1 = Clock::now();
        timings.usage.add(before, Usage::of_this_thread());
        timings.check_us.push_back(micros(t1 - t0));
        Verdict verdict = verifier.check("check", i, code, response);
        if (verdict.elapsed_us >= 0) timings.engine_us.push_back(static_cast<double>(verdict.elapsed_us));
        medlint_free(response);
    }
    return timings;
}

// Commits `count` documents, request(k) for k = 0 .. count - 1, one at a
// time, and says how long they took.
template <class Request>
void commit_history(medlint_engine *engine, Verifier &verifier, long count, Request &&request) {
    std::vector<double> commit_us;
    commit_us.reserve(static_cast<size_t>(count));
    auto started = Clock::now();
    for (long k = 0; k < count; ++k) {
        std::string commit = request(k);
        char *response = nullptr;
        auto t0 = Clock::now();
        int code = medlint_call(engine, commit.data(), commit.size(), &response);
        commit_us.push_back(micros(Clock::now() - t0));
        verifier.commit(k, code, response);
        medlint_free(response);
    }
    Summary s = summarize(commit_us);
    std::printf("         %ld commits in %.1f s (median %.1f us, p99 %.1f us per commit)\n", count,
                micros(Clock::now() - started) / 1e6, s.median, s.p99);
}

// Every thread's figures of one part of its run: the first or last tenth of its calls.
Summary tenths(const std::vector<Timings> &threads, bool last) {
    std::vector<double> us;
    for (const auto &timings : threads) {
        const auto &all = timings.check_us;
        const long tenth = static_cast<long>(std::max<size_t>(all.size() / 10, 1));
        if (last) us.insert(us.end(), all.end() - tenth, all.end());
        else us.insert(us.end(), all.begin(), all.begin() + tenth);
    }
    return summarize(us);
}

// The <store> attributes given on the command line, each with a space before it.
std::string store_memory(const Options &options) {
    std::string attributes;
    if (options.mmap_mib >= 0) attributes += " mmap-mib=\"" + std::to_string(options.mmap_mib) + "\"";
    if (options.cache_mib >= 0) attributes += " cache-mib=\"" + std::to_string(options.cache_mib) + "\"";
    return attributes;
}

int run(const Options &options) {
    std::string parent = options.parent;
    if (parent.empty()) {
        const char *tmp = std::getenv("TMPDIR");
        parent = tmp && *tmp ? tmp : "/tmp";
    }
    std::string pattern = parent + "/medlint-bench-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) {
        std::fprintf(stderr, "medlint_bench: cannot make a folder in %s: %s\n", parent.c_str(), std::strerror(errno));
        return 2;
    }
    TempFolder folder{buffer.data(), options.keep};
    // Absolute: the configuration, in the temporary folder, resolves a relative path against that folder.
    const std::string db = options.store.empty() ? folder.path + "/medlint.db" : fs::absolute(options.store).string();
    const std::string config = folder.path + "/medlint.xml";
    {
        std::ofstream out(config, std::ios::binary);
        if (options.url.empty()) out << "<medlint><store path=\"" << db << "\"" << store_memory(options);
        else out << "<medlint><store url=\"" << options.url << "\" key=\"" << db << ".key\"";
        out << "/><policy profile=\"national-2024\"/>";
        for (const auto &pack : options.rules) out << "<rules path=\"" << pack << "\"/>";
        out << "</medlint>\n";
        if (!out) {
            std::fprintf(stderr, "medlint_bench: cannot write %s\n", config.c_str());
            return 2;
        }
    }

    medlint_engine *engine = nullptr;
    const auto open_start = std::chrono::steady_clock::now();
    if (int code = medlint_open(config.c_str(), &engine); code != MEDLINT_OK) {
        std::fprintf(stderr, "medlint_bench: medlint_open failed (%d): %s\n", code, medlint_last_error());
        return 2;
    }
    const double open_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - open_start).count();
    const double resident_after_open = resident_mib();

    const Workload workload(options);
    std::string sample_buffer;
    const std::string &request = workload.request(0, sample_buffer);
    Verifier verifier(options.expect);

    std::printf("medlint %s (ABI %d), pugixml %d.%d\n", medlint_version(), medlint_abi_version(),
                PUGIXML_VERSION / 1000, PUGIXML_VERSION / 10 % 100);
    std::printf("machine: %u hardware threads, %u available to this process; %s\n",
                std::thread::hardware_concurrency(), available_cores(), cpu_model().c_str());
    const std::string memory = store_memory(options);
    std::printf("open:    %.1f ms (the rule packs loaded and checked, the store opened); %.1f MiB resident "
                "after\n", open_ms, resident_after_open);
    std::printf("store:   %s (%s),%s\n", options.url.empty() ? db.c_str() : options.url.c_str(), filesystem_type(folder.path).c_str(),
                memory.empty() ? " the library's read memory" : memory.c_str());
    std::printf("request: <check mode=\"%s\">, %zu items, %zu bytes%s; expected status \"%s\"\n",
                options.inpatient ? "preaudit" : "prescribing", count_items(request), request.size(),
                options.noisy ? ", each call of the next chronic patient" : "", options.expect.c_str());

    // 1. History: distinct patients committed first, so the store is not empty.
    if (options.history > 0) {
        std::printf("history: %ld encounters of distinct patients, %ld items\n", options.history,
                    options.history * options.history_items);
        commit_history(engine, verifier, options.history,
                       [&](long k) { return history_request(k, options.history_items); });
        std::printf("         store now %s\n", store_size(db).c_str());
    }
    // 1b. Chronic patients: each one's encounters, the oldest first.
    if (options.fill && options.patients > 0) {
        const long encounters = chronic_encounters(options.patient_items);
        std::printf("chronic: %ld patients, %ld items each in %ld encounters, %ld items\n", options.patients,
                    options.patient_items, encounters, options.patients * options.patient_items);
        commit_history(engine, verifier, options.patients * encounters, [&](long k) {
            return chronic_commit(k / encounters, encounters - 1 - k % encounters, options.patient_items);
        });
        std::printf("         store now %s\n", store_size(db).c_str());
    }

    // 2. Warm-up: untimed, through the same paths.
    time_checks(engine, workload, verifier, 0, 1, static_cast<size_t>(options.warmup));
    for (long i = 0; i < options.warmup; ++i) {
        pugi::xml_document document;
        document.load_buffer(request.data(), request.size());
    }
    const double resident_after_warmup = resident_mib();

    // 3. Timed checks through the ABI, one at a time on each thread; thread t
    //    sends calls warmup + t, warmup + t + T, ...
    const size_t n = static_cast<size_t>(options.iterations);
    const long threads = options.threads;
    std::vector<Timings> per_thread(static_cast<size_t>(threads));
    auto checks_started = Clock::now();
    if (threads == 1) {
        per_thread[0] = time_checks(engine, workload, verifier, options.warmup, 1, n);
    } else {
        std::vector<std::thread> running;
        for (long t = 0; t < threads; ++t)
            running.emplace_back([&, t] {
                per_thread[static_cast<size_t>(t)] = time_checks(engine, workload, verifier, options.warmup + t, threads, n);
            });
        for (auto &thread : running) thread.join();
    }
    double checks_wall = micros(Clock::now() - checks_started);
    const double resident_after_checks = resident_mib();

    // 4. Timed parses of the same bytes with pugixml alone: a fresh document each, as the engine
    //    uses, built, loaded and destroyed inside the clock.
    std::vector<double> parse_us;
    parse_us.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        pugi::xml_parse_result result;
        bool has_root = false;
        auto t0 = Clock::now();
        {
            pugi::xml_document document;
            result = document.load_buffer(request.data(), request.size());
            has_root = static_cast<bool>(document.document_element());
        }
        auto t1 = Clock::now();
        parse_us.push_back(micros(t1 - t0));
        if (!result || !has_root) verifier.failed("parse", static_cast<long>(i), -1, result.description());
    }

    std::string size_open = store_size(db);
    medlint_close(engine);

    std::vector<double> check_us, engine_us;
    Usage usage;
    for (const auto &timings : per_thread) {
        check_us.insert(check_us.end(), timings.check_us.begin(), timings.check_us.end());
        engine_us.insert(engine_us.end(), timings.engine_us.begin(), timings.engine_us.end());
        usage.add(Usage{}, timings.usage);
    }
    const double calls = static_cast<double>(check_us.size());
    Summary check = summarize(check_us), parse = summarize(parse_us), inside = summarize(engine_us);
    std::printf("\n%zu timed calls of each kind after %ld warm-up calls, on %ld thread%s (microseconds):\n", n,
                options.warmup, threads, threads == 1 ? "" : "s, each");
    std::printf("  %-24s %9s %9s %9s %9s %9s\n", "", "median", "p90", "p99", "max", "mean");
    print_row("check (medlint_call)", check);
    print_row("  engine's elapsed-us", inside);
    if (threads > 1)
        for (long t = 0; t < threads; ++t)
            print_row("  on thread " + std::to_string(t + 1), summarize(per_thread[static_cast<size_t>(t)].check_us));
    // Does latency drift as the store grows during the run?  First tenth against last tenth.
    print_row("check, first tenth", tenths(per_thread, false));
    print_row("check, last tenth", tenths(per_thread, true));
    print_row("parse (pugixml only)", parse);
    if (options.noisy || verifier.findings() > 0)
        std::printf("\n  findings per check:      %ld\n", verifier.findings());
    std::printf("\n  check/parse, medians:    %.1fx\n", parse.median > 0 ? check.median / parse.median : 0.0);
    std::printf("  checks per second:       %.0f on each thread (1/mean); %.0f on %ld thread%s together, counting "
                "response checks\n",
                check.mean > 0 ? 1e6 / check.mean : 0.0, checks_wall > 0 ? 1e6 * calls / checks_wall : 0.0, threads,
                threads == 1 ? "" : "s");
    std::printf("  cpu per check:           %.1f us user + %.1f us system = %.1f us (getrusage); %.2f minor page "
                "faults, %.2f voluntary and %.2f involuntary context switches\n",
                usage.user_us / calls, usage.system_us / calls, (usage.user_us + usage.system_us) / calls,
                static_cast<double>(usage.minor_faults) / calls, static_cast<double>(usage.voluntary_switches) / calls,
                static_cast<double>(usage.involuntary_switches) / calls);
    std::printf("  parses per second:       %.0f (one thread, 1/mean)\n", parse.mean > 0 ? 1e6 / parse.mean : 0.0);
    std::printf("  resident memory:         %.1f MiB after the warm-up, %.1f MiB after the checks\n",
                resident_after_warmup, resident_after_checks);
    std::printf("  cores:                   %u hardware threads, %u available\n", std::thread::hardware_concurrency(),
                available_cores());
    std::printf("  store after the run:     %s open; %s closed\n", size_open.c_str(), store_size(db).c_str());
    if (options.keep) std::printf("  kept:                    %s\n", folder.path.c_str());

    const size_t all_checks = check_us.size() + static_cast<size_t>(options.warmup);
    if (verifier.failures()) {
        std::printf("\nFAILED: %ld call(s) did not return MEDLINT_OK with status \"%s\" and %ld findings\n",
                    verifier.failures(), options.expect.c_str(), verifier.findings());
        return 1;
    }
    std::printf("\nall %zu checks returned MEDLINT_OK with status \"%s\" and %ld findings\n", all_checks,
                options.expect.c_str(), verifier.findings());
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return 2;
    }
    try {
        return run(options);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "medlint_bench: %s\n", e.what());
        return 2;
    }
}
