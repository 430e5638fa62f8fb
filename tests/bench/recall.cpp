// medlint_recall: runs a generated workload through the library as `medlint
// audit --commit` will, and checks what the generator's manifest promises:
// every planted violation is found (its rule fires on its document, on its
// line where the manifest names one), no clean document has a finding, and a
// planted document has no finding of another rule.
//
// A host like any other: it includes only <medlint/medlint.h>.  It opens an
// engine on a fresh store in a temporary folder, imports the agency's ledger
// first (--ledger), then sends every document of the manifest as a <commit>
// in document-date order: the admission date, else the earliest item date,
// ties by path.  With --jobs J, J threads share the engine, each taking whole
// patients, so every patient's history still arrives in date order.
//
//   medlint_recall DIR --manifest FILE [--ledger FILE] [--rules DIR]... [--jobs J]
//                      [--check-only [--immediate-audit]] [--dir PARENT] [--keep]
//   medlint_recall DIR --manifest FILE --audit-csv FILE
//
// --audit-csv judges, instead of sending anything, the findings report of
// `medlint audit --commit --csv FILE DIR`, run over the same documents after
// importing the ledger: the same promises, kept by the command-line tool.
//
// --check-only sends <check audit="deferred">, as `medlint audit` without
// --commit does, and judges nothing (history-based violations need the
// commits): it only times.  Each run also sums the engine's own elapsed-us,
// to tell the engine's time from the rest.  Exit status: 0 all found and all
// clean documents passed, 1 not, 2 a usage or setup error.

#include <medlint/medlint.h>

#include <pugixml.hpp>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "workload_csv.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test_files::read_file;

struct Options {
    std::string documents, manifest, ledger, parent, audit_csv;
    std::vector<std::string> rules;  // rule pack folders, in order; none: the built-in pack
    long jobs = 1;
    bool check_only = false;
    bool immediate_audit = false;
    bool keep = false;
};

void usage(std::FILE *out) {
    std::fputs(
        "usage: medlint_recall DIR --manifest FILE [options]\n"
        "  DIR              the folder medlint_workload --out wrote\n"
        "  --manifest FILE  the manifest it wrote\n"
        "  --ledger FILE    the ledger it wrote: imported before any document\n"
        "  --rules DIR      a rule pack for the engine, repeatable, in order, as <rules> in a\n"
        "                   configuration (default: the built-in pack); give the tables the\n"
        "                   workload was generated from\n"
        "  --jobs J         threads sharing the engine, each taking whole patients (default 1)\n"
        "  --check-only     send <check audit=\"deferred\">, not <commit>: time only, judge nothing\n"
        "  --immediate-audit  with --check-only: each check's audit row in a transaction of its own\n"
        "  --dir PARENT     make the temporary store folder in PARENT (default $TMPDIR or /tmp)\n"
        "  --keep           keep the temporary folder (configuration and store)\n"
        "  --audit-csv FILE judge this CSV report of `medlint audit --commit` over DIR instead\n",
        out);
}

bool parse_options(int argc, char **argv, Options &options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (arg == "-h" || arg == "--help") {
            usage(stdout);
            std::exit(0);
        } else if (arg == "--check-only") {
            options.check_only = true;
        } else if (arg == "--immediate-audit") {
            options.immediate_audit = true;
        } else if (arg == "--keep") {
            options.keep = true;
        } else if (arg[0] != '-') {
            if (!options.documents.empty()) return false;
            options.documents = arg;
        } else if (!value) {
            return false;
        } else {
            if (arg == "--manifest") options.manifest = value;
            else if (arg == "--ledger") options.ledger = value;
            else if (arg == "--audit-csv") options.audit_csv = value;
            else if (arg == "--rules") options.rules.push_back(fs::absolute(value).string());
            else if (arg == "--dir") options.parent = value;
            else if (arg == "--jobs") options.jobs = std::strtol(value, nullptr, 10);
            else return false;
            ++i;
        }
    }
    return !options.documents.empty() && !options.manifest.empty() && options.jobs >= 1 && options.jobs <= 64 &&
           (options.check_only || !options.immediate_audit) && (options.audit_csv.empty() || !options.check_only);
}

// ---------------------------------------------------------------- the manifest and the documents

struct Entry {
    std::string path, rule, item;  // rule "": a clean document
    long items = 0;
    std::string date;              // the document's date: admission, else its earliest item
    size_t patient = 0;            // a hash of the patient's id: which thread takes it
    // The verdict, after the call.
    bool found = false;
    long other_findings = 0;       // of another rule than the planted one (all of them for a clean document)
    std::string seen;              // what the response said, kept when the document fails
};

std::vector<Entry> read_manifest(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read");
    std::string line;
    if (!std::getline(in, line) || workload::csv_fields(line).at(0) != "document")
        throw std::runtime_error(path + ": not a medlint_workload manifest");
    std::vector<Entry> entries;
    while (std::getline(in, line)) {
        auto fields = workload::csv_fields(line);
        if (fields.size() < 4) throw std::runtime_error(path + ": short line: " + line);
        Entry entry;
        entry.path = fields[0];
        entry.items = std::strtol(fields[1].c_str(), nullptr, 10);
        entry.rule = fields[2];
        entry.item = fields[3];
        entries.push_back(std::move(entry));
    }
    return entries;
}


// The order `medlint audit --commit` commits in: the admission date, else the earliest item date.
void read_date_and_patient(const std::string &dir, Entry &entry) {
    pugi::xml_document document;
    const std::string path = dir + "/" + entry.path;
    if (!document.load_file(path.c_str(), pugi::parse_minimal)) throw std::runtime_error(path + ": not XML");
    const pugi::xml_node root = document.document_element();
    entry.date = root.child("encounter").attribute("admitted").as_string();
    if (entry.date.empty())
        for (const auto item : root.children("item")) {
            const std::string date = item.attribute("date").as_string();
            if (entry.date.empty() || date < entry.date) entry.date = date;
        }
    entry.patient = std::hash<std::string>()(root.child("patient").attribute("id").as_string());
}

// The request as `root` ("commit", "check" or "check audit=\"deferred\""),
// whether the file holds a <check> or a <commit>.  The end tag takes the name alone.
std::string as_request(std::string text, const std::string &root) {
    for (const std::string name : {"check", "commit"}) {
        const size_t open = text.find("<" + name + " ");
        const size_t close = text.rfind("</" + name + ">");
        if (open == std::string::npos || close == std::string::npos) continue;
        text.replace(close + 2, name.size(), root.substr(0, root.find(' ')));
        text.replace(open + 1, name.size(), root);
        break;
    }
    return text;
}

// ---------------------------------------------------------------- judging one response

// A document that could not be sent or checked fails, whatever the manifest says.
void fail(Entry &entry, const std::string &why) {
    entry.other_findings = 1;
    entry.seen = why;
}

// One finding of `rule` on the space-separated item ids `items`.
void judge_finding(Entry &entry, const std::string &rule, const std::string &items) {
    std::istringstream ids(items);
    std::string id;
    bool names_item = entry.item.empty();
    while (!names_item && ids >> id) names_item = id == entry.item;
    if (!entry.rule.empty() && rule == entry.rule) entry.found = entry.found || names_item;
    else ++entry.other_findings;
    entry.seen += "; " + rule + (items.empty() ? "" : " [" + items + "]");
}

// After its findings: a failed document keeps what was seen, a good one nothing.
void conclude(Entry &entry) {
    const bool failed = entry.rule.empty() ? entry.other_findings > 0 : !entry.found || entry.other_findings > 0;
    if (!failed) entry.seen.clear();
}

void judge(Entry &entry, const char *response) {
    pugi::xml_document document;
    if (!document.load_string(response)) return fail(entry, std::string("unreadable response: ") + response);
    const pugi::xml_node result = document.document_element();
    const std::string status = result.attribute("status").as_string();
    entry.seen = "status " + status;
    for (const auto finding : result.children("finding"))
        judge_finding(entry, finding.attribute("rule").as_string(), finding.attribute("items").as_string());
    if (entry.rule.empty() && status != "pass") ++entry.other_findings;
    conclude(entry);
}

// The findings of `medlint audit --commit --csv FILE DIR`, document by
// document; its document column is DIR/ and the manifest's path.
void judge_audit_csv(std::vector<Entry> &entries, const Options &options) {
    std::map<std::string, Entry *> by_path;
    for (auto &entry : entries) {
        by_path[entry.path] = &entry;
        entry.seen = "the audit's CSV";
    }
    const workload::CsvTable report(options.audit_csv);
    for (const char *column : {"document", "rule", "items"})
        if (!report.has(column)) throw std::runtime_error(options.audit_csv + ": no column " + column);
    const std::string prefix = options.documents + "/";
    for (size_t row = 0; row < report.rows(); ++row) {
        std::string path = report.cell(row, "document");
        if (path.compare(0, prefix.size(), prefix) == 0) path.erase(0, prefix.size());
        const auto found = by_path.find(path);
        if (found == by_path.end()) throw std::runtime_error(report.where(row) + ": " + path + " is not in the manifest");
        judge_finding(*found->second, report.cell(row, "rule"), report.cell(row, "items"));
    }
    for (auto &entry : entries) conclude(entry);
}

// ---------------------------------------------------------------- the run

struct TempFolder {
    std::string path;
    bool keep = false;
    ~TempFolder() {
        std::error_code ignored;
        if (!path.empty() && !keep) fs::remove_all(path, ignored);
    }
};

medlint_engine *open_engine(const TempFolder &folder, const std::vector<std::string> &rules) {
    const std::string config = folder.path + "/medlint.xml";
    {
        std::ofstream out(config);
        // The workload's institutions are one alliance: its cross-institution cases plant findings.
        out << "<medlint><store path=\"" << folder.path << "/medlint.db\" share=\"alliance\"/>";
        for (const auto &pack : rules) out << "<rules path=\"" << pack << "\"/>";
        out << "<policy profile=\"national-2024\"/></medlint>\n";
    }
    medlint_engine *engine = nullptr;
    if (medlint_open(config.c_str(), &engine) != MEDLINT_OK)
        throw std::runtime_error(std::string("medlint_open failed: ") + medlint_last_error());
    return engine;
}

void import_ledger(medlint_engine *engine, const std::string &path) {
    const std::string ledger = read_file(path);
    char *response = nullptr;
    const int code = medlint_call(engine, ledger.data(), ledger.size(), &response);
    const std::string answer = response ? response : "";
    medlint_free(response);
    if (code != MEDLINT_OK || answer.find("<ledger-result") == std::string::npos)
        throw std::runtime_error(path + ": ledger import failed: " + answer);
}

// As `medlint audit`: checks write their audit rows in groups, commits one by one.
std::string request_root(const Options &options) {
    if (!options.check_only) return "commit";
    return options.immediate_audit ? "check" : "check audit=\"deferred\"";
}

// The engine's own time for a call, from its result's elapsed-us.
long long elapsed_us(const char *response) {
    const char *at = response ? std::strstr(response, "elapsed-us=\"") : nullptr;
    return at ? std::strtoll(at + std::strlen("elapsed-us=\""), nullptr, 10) : 0;
}

// Sends one thread's documents, in date order, and judges each answer.
// Returns the engine's time for them, in microseconds.
long long send_all(medlint_engine *engine, const Options &options, std::vector<Entry *> &queue) {
    long long engine_us = 0;
    for (Entry *entry : queue) {
        std::string request;
        try {
            request = read_file(options.documents + "/" + entry->path);
        } catch (const std::exception &e) {
            fail(*entry, e.what());
            continue;
        }
        request = as_request(request, request_root(options));
        char *response = nullptr;
        const int code = medlint_call(engine, request.data(), request.size(), &response);
        engine_us += elapsed_us(response);
        if (code != MEDLINT_OK) fail(*entry, std::string("call failed: ") + (response ? response : "(no response)"));
        else if (!options.check_only) judge(*entry, response);
        medlint_free(response);
    }
    return engine_us;
}

// Planted, found and missed per rule; the failures, a few of each kind.
bool report(const std::vector<Entry> &entries) {
    std::map<std::string, std::pair<long, long>> by_rule;  // planted, found
    long clean = 0, clean_fired = 0, collateral = 0, shown = 0;
    for (const auto &entry : entries) {
        if (entry.rule.empty()) {
            ++clean;
            clean_fired += entry.other_findings > 0;
        } else {
            auto &[planted, found] = by_rule[entry.rule];
            ++planted;
            found += entry.found;
            collateral += entry.other_findings > 0;
        }
        if (!entry.seen.empty() && shown++ < 12)
            std::printf("FAIL %s: expected %s%s; got %s\n", entry.path.c_str(),
                        entry.rule.empty() ? "no finding" : entry.rule.c_str(),
                        entry.item.empty() ? "" : (" on item " + entry.item).c_str(), entry.seen.c_str());
    }
    long planted_total = 0, found_total = 0;
    std::printf("\n  %-20s %8s %8s %8s\n", "rule", "planted", "found", "missed");
    for (const auto &[rule, counts] : by_rule) {
        const auto [planted, found] = counts;
        std::printf("  %-20s %8ld %8ld %8ld\n", rule.c_str(), planted, found, planted - found);
        planted_total += planted;
        found_total += found;
    }
    std::printf("  %-20s %8ld %8ld %8ld\n", "total", planted_total, found_total, planted_total - found_total);
    std::printf("  clean documents: %ld, with a finding: %ld\n", clean, clean_fired);
    std::printf("  planted documents with a finding of another rule: %ld\n", collateral);
    const bool ok = found_total == planted_total && clean_fired == 0 && collateral == 0;
    std::printf("\n%s\n", ok ? "RECALL OK: every planted violation found, no clean document fired"
                              : "RECALL FAILED");
    return ok;
}

int run(const Options &options) {
    std::vector<Entry> entries = read_manifest(options.manifest);
    if (!options.audit_csv.empty()) {
        judge_audit_csv(entries, options);
        std::printf("medlint_recall: %zu documents, judged from %s\n", entries.size(), options.audit_csv.c_str());
        return report(entries) ? 0 : 1;
    }
    long items = 0;
    for (auto &entry : entries) {
        read_date_and_patient(options.documents, entry);
        items += entry.items;
    }
    std::vector<std::vector<Entry *>> queues(static_cast<size_t>(options.jobs));
    for (auto &entry : entries) queues[entry.patient % queues.size()].push_back(&entry);
    auto in_date_order = [](const Entry *a, const Entry *b) {
        return std::tie(a->date, a->path) < std::tie(b->date, b->path);
    };
    for (auto &queue : queues) std::sort(queue.begin(), queue.end(), in_date_order);

    std::string parent = options.parent;
    if (parent.empty()) parent = std::getenv("TMPDIR") && *std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    std::string pattern = parent + "/medlint-recall-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a folder in " + parent);
    // Absolute: the configuration names the store relative to its own folder.
    TempFolder folder{fs::absolute(pattern).string(), options.keep};
    medlint_engine *engine = open_engine(folder, options.rules);
    if (!options.ledger.empty()) import_ledger(engine, options.ledger);

    const auto started = Clock::now();
    std::vector<long long> engine_us(queues.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < queues.size(); ++i)
        threads.emplace_back([&, i] { engine_us[i] = send_all(engine, options, queues[i]); });
    for (auto &thread : threads) thread.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    medlint_close(engine);
    long long engine_total_us = 0;
    for (long long us : engine_us) engine_total_us += us;

    std::printf("medlint_recall: %zu documents, %ld items, sent as <%s> in date order, %ld thread(s)\n", entries.size(),
                items, request_root(options).c_str(), options.jobs);
    std::printf("  %.2f s: %.0f documents/s, %.0f items/s\n", seconds, static_cast<double>(entries.size()) / seconds,
                static_cast<double>(items) / seconds);
    std::printf("  inside the engine (sum of elapsed-us): %.2f s, %.0f%% of the threads' %.2f s\n",
                static_cast<double>(engine_total_us) / 1e6,
                100.0 * static_cast<double>(engine_total_us) / 1e6 / (seconds * static_cast<double>(options.jobs)),
                seconds * static_cast<double>(options.jobs));
    if (options.keep) std::printf("  kept: %s\n", folder.path.c_str());
    if (options.check_only) {
        long failed = 0;
        for (const auto &entry : entries) {
            if (entry.seen.empty()) continue;
            ++failed;
            std::printf("FAIL %s: %s\n", entry.path.c_str(), entry.seen.c_str());
        }
        std::printf("recall not judged: --check-only commits no history; %ld document(s) failed\n", failed);
        return failed ? 1 : 0;
    }
    return report(entries) ? 0 : 1;
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
        std::fprintf(stderr, "medlint_recall: %s\n", e.what());
        return 2;
    }
}
