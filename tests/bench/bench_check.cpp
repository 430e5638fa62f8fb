// medlint_bench: how long a <check> of a 20-item outpatient prescription (or,
// with --inpatient, the pre-audit of a 30-day, 600-item inpatient record)
// takes through the public C ABI, next to a pugixml-only parse of the same bytes.
//
// It is a host like any other: it includes only <medlint/medlint.h>, opens an
// engine on a fresh store in a temporary folder, and times medlint_call()
// one call at a time on one thread.  See README.md beside this file.
//
//   medlint_bench [N] [--warmup W] [--history H] [--history-items K] [--dir PARENT] [--store FILE]
//                 [--expect STATUS] [--inpatient] [--keep]
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
#include <sys/vfs.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
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
    std::string parent;  // where the temporary folder goes; "" = $TMPDIR or /tmp
    std::string store;   // a store file to use and keep; "" = a fresh one in the temporary folder
    std::string expect = "pass";
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
        "  --dir PARENT       make the temporary store folder in PARENT (default $TMPDIR or /tmp)\n"
        "  --store FILE       use this store file and keep it: fill it once with --history,\n"
        "                     then time checks against it in later runs\n"
        "  --expect STATUS    the check-result status every call must give (default pass)\n"
        "  --inpatient        time the preaudit of a 30-day inpatient record of 600 items instead\n"
        "  --keep             keep the temporary folder (config and store) afterwards\n",
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

// History encounter k: a distinct patient (valid resident id, never the
// benchmark's patient) with `items` catalogue items within the year before the
// benchmark's visit, so that they share codes and dates with it.  Every
// 1000th is the benchmark patient's own visit, more than a year earlier: the
// check's queries then walk real rows of its patient without a finding.
std::string history_request(long k, long items) {
    const long visit_day = 20780;  // 2026-11-23
    const bool own = k % 1000 == 999;
    const long birth_day = -10958 + k / 1000;  // 1940-01-01 onwards: never the 1980-born benchmark patient
    const unsigned sequence = static_cast<unsigned>(k % 1000);
    std::string birth = own ? "1980-01-01" : iso_date(birth_day);
    std::string id = own ? "522701198001010011" : resident_id("522701", birth, sequence);
    std::string name = own ? "李四" : "患者" + std::to_string(k);
    const char *gender = own || sequence % 2 == 1 ? "M" : "F";
    std::string date = iso_date(own ? visit_day - 400 - k / 1000 % 300 : visit_day - 1 - k % 360);
    char encounter[40];
    std::snprintf(encounter, sizeof encounter, "MZH%09ld", k);
    char physician[40];
    std::snprintf(physician, sizeof physician, "D522701%06ld", 100 + k % 50);

    std::string xml = std::string("<commit mode=\"prescribing\" time=\"") + date + "T10:00:00+08:00\">\n" +
                      "  <institution code=\"H52270100001\" level=\"3\"/>\n" + "  <physician code=\"" + physician +
                      "\" dept=\"内科\"/>\n" + "  <patient id-type=\"resident-id\" id=\"" + id + "\" name=\"" + name +
                      "\" gender=\"" + gender + "\" birth-date=\"" + birth + "\"/>\n" + "  <encounter id=\"" +
                      encounter + "\" type=\"outpatient\" admitted=\"" + date + "\" rescue=\"false\">\n" +
                      "    <diagnosis code=\"E11.900\" name=\"2型糖尿病\" primary=\"true\"/>\n" +
                      "  </encounter>\n";
    const long size = static_cast<long>(sizeof kVisit / sizeof kVisit[0]);
    for (long i = 0; i < items; ++i)
        append_item(xml, static_cast<int>(i + 1), kVisit[(k * 7 + i * 3) % size], date, physician);
    xml += "</commit>\n";
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
};

Verdict inspect(const char *response, const char *expected_root) {
    Verdict verdict;
    if (!response) return verdict;
    pugi::xml_document document;
    if (!document.load_string(response)) return verdict;
    pugi::xml_node root = document.document_element();
    verdict.status = root.attribute("status").as_string();
    verdict.elapsed_us = root.attribute("elapsed-us").as_llong(-1);
    verdict.ok = std::strcmp(root.name(), expected_root) == 0;
    return verdict;
}

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

void print_row(const char *label, const Summary &s) {
    std::printf("  %-24s %9.1f %9.1f %9.1f %9.1f %9.1f\n", label, s.median, s.p90, s.p99, s.max, s.mean);
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
    const std::string db = options.store.empty() ? folder.path + "/medlint.db" : options.store;
    const std::string config = folder.path + "/medlint.xml";
    {
        std::ofstream out(config, std::ios::binary);
        out << "<medlint><store path=\"" << db << "\"/><policy profile=\"national-2024\"/></medlint>\n";
        if (!out) {
            std::fprintf(stderr, "medlint_bench: cannot write %s\n", config.c_str());
            return 2;
        }
    }

    medlint_engine *engine = nullptr;
    if (int code = medlint_open(config.c_str(), &engine); code != MEDLINT_OK) {
        std::fprintf(stderr, "medlint_bench: medlint_open failed (%d): %s\n", code, medlint_last_error());
        return 2;
    }

    const std::string request = options.inpatient ? inpatient_request() : check_request();
    long failures = 0;
    auto report_failure = [&](const char *what, long index, int code, const char *response) {
        if (++failures <= 3)
            std::fprintf(stderr, "medlint_bench: %s %ld: code %d, response:\n%s\n", what, index, code,
                         response ? response : "(null)");
    };

    std::printf("medlint %s (ABI %d), pugixml %d.%d\n", medlint_version(), medlint_abi_version(),
                PUGIXML_VERSION / 1000, PUGIXML_VERSION / 10 % 100);
    std::printf("machine: %u hardware threads, %u available to this process; %s\n",
                std::thread::hardware_concurrency(), available_cores(), cpu_model().c_str());
    std::printf("store:   %s (%s)\n", db.c_str(), filesystem_type(folder.path).c_str());
    std::printf("request: <check mode=\"%s\">, %zu items, %zu bytes; expected status \"%s\"\n",
                options.inpatient ? "preaudit" : "prescribing", count_items(request), request.size(),
                options.expect.c_str());

    // 1. History: distinct patients committed first, so the store is not empty.
    if (options.history > 0) {
        std::vector<double> commit_us;
        commit_us.reserve(static_cast<size_t>(options.history));
        auto started = Clock::now();
        for (long k = 0; k < options.history; ++k) {
            std::string commit = history_request(k, options.history_items);
            char *response = nullptr;
            auto t0 = Clock::now();
            int code = medlint_call(engine, commit.data(), commit.size(), &response);
            auto t1 = Clock::now();
            commit_us.push_back(micros(t1 - t0));
            if (code != MEDLINT_OK || !inspect(response, "check-result").ok)
                report_failure("history commit", k, code, response);
            medlint_free(response);
        }
        Summary s = summarize(commit_us);
        std::printf("history: %ld encounters, %ld items, committed in %.1f s (median %.1f us, p99 %.1f us per commit)\n",
                    options.history, options.history * options.history_items, micros(Clock::now() - started) / 1e6, s.median, s.p99);
        std::printf("         store now %s\n", store_size(db).c_str());
    }

    // 2. Warm-up: untimed, through the same paths.
    for (long i = 0; i < options.warmup; ++i) {
        char *response = nullptr;
        int code = medlint_call(engine, request.data(), request.size(), &response);
        Verdict verdict = inspect(response, "check-result");
        if (code != MEDLINT_OK || !verdict.ok || verdict.status != options.expect)
            report_failure("warm-up check", i, code, response);
        medlint_free(response);
        pugi::xml_document document;
        document.load_buffer(request.data(), request.size());
    }

    // 3. Timed checks through the ABI, one at a time; each response is verified after its clock stops.
    const size_t n = static_cast<size_t>(options.iterations);
    std::vector<double> check_us, parse_us, engine_us;
    check_us.reserve(n);
    parse_us.reserve(n);
    engine_us.reserve(n);
    auto checks_started = Clock::now();
    for (size_t i = 0; i < n; ++i) {
        char *response = nullptr;
        auto t0 = Clock::now();
        int code = medlint_call(engine, request.data(), request.size(), &response);
        auto t1 = Clock::now();
        check_us.push_back(micros(t1 - t0));
        Verdict verdict = inspect(response, "check-result");
        if (code != MEDLINT_OK || !verdict.ok || verdict.status != options.expect)
            report_failure("check", static_cast<long>(i), code, response);
        if (verdict.elapsed_us >= 0) engine_us.push_back(static_cast<double>(verdict.elapsed_us));
        medlint_free(response);
    }
    double checks_wall = micros(Clock::now() - checks_started);

    // 4. Timed parses of the same bytes with pugixml alone: a fresh document each, as the engine
    //    uses, built, loaded and destroyed inside the clock.
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
        if (!result || !has_root) report_failure("parse", static_cast<long>(i), -1, result.description());
    }

    std::string size_open = store_size(db);
    medlint_close(engine);

    Summary check = summarize(check_us), parse = summarize(parse_us), inside = summarize(engine_us);
    std::printf("\n%zu timed calls of each kind after %ld warm-up calls, one thread (microseconds):\n", n,
                options.warmup);
    std::printf("  %-24s %9s %9s %9s %9s %9s\n", "", "median", "p90", "p99", "max", "mean");
    print_row("check (medlint_call)", check);
    print_row("  engine's elapsed-us", inside);
    // Does latency drift as the store grows during the run?  First tenth against last tenth.
    const size_t tenth = std::max<size_t>(n / 10, 1);
    Summary first = summarize(std::vector<double>(check_us.begin(), check_us.begin() + static_cast<long>(tenth)));
    Summary last = summarize(std::vector<double>(check_us.end() - static_cast<long>(tenth), check_us.end()));
    std::printf("  %-24s %9.1f %9.1f %9.1f %9.1f %9.1f\n", "check, first tenth", first.median, first.p90, first.p99,
                first.max, first.mean);
    std::printf("  %-24s %9.1f %9.1f %9.1f %9.1f %9.1f\n", "check, last tenth", last.median, last.p90, last.p99,
                last.max, last.mean);
    print_row("parse (pugixml only)", parse);
    std::printf("\n  check/parse, medians:    %.1fx\n", parse.median > 0 ? check.median / parse.median : 0.0);
    std::printf("  checks per second:       %.0f (one thread, 1/mean); %.0f counting response checks\n",
                check.mean > 0 ? 1e6 / check.mean : 0.0, checks_wall > 0 ? 1e6 * static_cast<double>(n) / checks_wall : 0.0);
    std::printf("  parses per second:       %.0f (one thread, 1/mean)\n", parse.mean > 0 ? 1e6 / parse.mean : 0.0);
    std::printf("  cores:                   %u hardware threads, %u available\n", std::thread::hardware_concurrency(),
                available_cores());
    std::printf("  store after the run:     %s open; %s closed\n", size_open.c_str(), store_size(db).c_str());
    if (options.keep) std::printf("  kept:                    %s\n", folder.path.c_str());

    if (failures) {
        std::printf("\nFAILED: %ld call(s) did not return MEDLINT_OK with status \"%s\"\n", failures,
                    options.expect.c_str());
        return 1;
    }
    std::printf("\nall %zu checks returned MEDLINT_OK with status \"%s\"\n", n + static_cast<size_t>(options.warmup),
                options.expect.c_str());
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
