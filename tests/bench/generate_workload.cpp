// medlint_workload: synthetic hospitals for the audit benchmark and the
// recall test.  Patients with valid resident ids, outpatient visits and
// inpatient stays billed from the rule pack's catalog, consents, and a share
// of documents each carrying one planted violation, spread evenly over every
// rule it can plant.  The same seed and options give the same bytes on any
// machine.  See README.md beside this file.
//
//   medlint_workload --documents N [--seed S] [--inpatient-share F] [--violation-share F]
//                    (--out DIR | --stdout) [--manifest FILE] [--ledger FILE]
//                    [--catalog FILE] [--pack DIR]
//   medlint_workload --list-rules
//
// Exit status: 0 written, 2 a usage or setup error.

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "workload_csv.hpp"
#include "workload_story.hpp"

namespace {

namespace fs = std::filesystem;
using namespace workload;

struct Options {
    std::uint64_t seed = 1;
    long documents = 0;
    long inpatient_per_mille = 200;
    long violation_per_million = 100000;
    std::string out, manifest, ledger;
    bool to_stdout = false;
    bool list_rules = false;
    std::string catalog = MEDLINT_DEFAULT_PACK_DIR "/catalog.csv";
    std::string pack = MEDLINT_DEFAULT_PACK_DIR;
};

void usage(std::FILE *out) {
    std::fputs(
        "usage: medlint_workload --documents N (--out DIR | --stdout) [options]\n"
        "  --documents N          how many request documents (<check mode=\"preaudit\">)\n"
        "  --out DIR              one file per document, 1000 to a folder: DIR/00012/00012345.xml;\n"
        "                         DIR must be new or empty\n"
        "  --stdout               the documents one after another on stdout, each from its <?xml\n"
        "  --seed S               the random seed, a whole number (default 1)\n"
        "  --inpatient-share F    share of inpatient stays among the documents, 0 to 1 (default 0.2)\n"
        "  --violation-share F    share of documents with one planted violation, 0 to 1 (default 0.1);\n"
        "                         a planted document is its patient's last, after at least one clean one\n"
        "  --manifest FILE        CSV: document,items,rule,item,depends_on,note; one row per document,\n"
        "                         rule \"\" for a clean one\n"
        "  --ledger FILE          the agency's <ledger> of suspensions, to import before the documents;\n"
        "                         without it PHYSICIAN-SUSPENDED is not planted\n"
        "  --catalog FILE         the catalog to bill from (default: the default pack's catalog.csv)\n"
        "  --pack DIR             the folder of retest.csv, code_sets.csv and limits.csv\n"
        "                         (default: the default pack)\n"
        "  --list-rules           print every rule the generator knows how to plant, one a line\n",
        out);
}

bool parse_whole(const char *text, long long low, long long high, long long &out) {
    char *end = nullptr;
    errno = 0;
    long long value = std::strtoll(text, &end, 10);
    if (!*text || *end || errno || value < low || value > high) return false;
    out = value;
    return true;
}

// A share from 0 to 1, as whole parts of `scale`: integers from here on.
bool parse_share(const char *text, long scale, long &out) {
    char *end = nullptr;
    double value = std::strtod(text, &end);
    if (!*text || *end || !(value >= 0 && value <= 1)) return false;
    out = std::lround(value * static_cast<double>(scale));
    return true;
}

bool parse_options(int argc, char **argv, Options &options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : nullptr;
        long long number = 0;
        if (arg == "-h" || arg == "--help") {
            usage(stdout);
            std::exit(0);
        } else if (arg == "--stdout") {
            options.to_stdout = true;
            continue;
        } else if (arg == "--list-rules") {
            options.list_rules = true;
            continue;
        } else if (!value) {
            return false;
        } else if (arg == "--documents") {
            if (!parse_whole(value, 1, 99999999, number)) return false;
            options.documents = static_cast<long>(number);
        } else if (arg == "--seed") {
            if (!parse_whole(value, 0, INT64_MAX, number)) return false;
            options.seed = static_cast<std::uint64_t>(number);
        } else if (arg == "--inpatient-share") {
            if (!parse_share(value, 1000, options.inpatient_per_mille)) return false;
        } else if (arg == "--violation-share") {
            if (!parse_share(value, 1000000, options.violation_per_million)) return false;
        } else if (arg == "--out") {
            options.out = value;
        } else if (arg == "--manifest") {
            options.manifest = value;
        } else if (arg == "--ledger") {
            options.ledger = value;
        } else if (arg == "--catalog") {
            options.catalog = value;
        } else if (arg == "--pack") {
            options.pack = value;
        } else {
            return false;
        }
        ++i;
    }
    return options.list_rules || (options.documents > 0 && options.to_stdout != !options.out.empty());
}

// As --out's folder is made, so are the folders of --manifest and --ledger.
void make_parent_folder(const std::string &path) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
}

void write_file(const std::string &path, const std::string &text) {
    make_parent_folder(path);
    std::FILE *file = std::fopen(path.c_str(), "wb");
    if (!file || std::fwrite(text.data(), 1, text.size(), file) != text.size() || std::fclose(file) != 0)
        throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
}

// Numbers the stories' documents in order, writes them and the manifest, and counts.
class Output {
public:
    explicit Output(const Options &options) : dir_(options.out) {
        if (!dir_.empty()) {
            if (fs::exists(dir_) && !fs::is_empty(dir_)) throw std::runtime_error(dir_ + ": not empty");
            fs::create_directories(dir_);
        }
        if (!options.manifest.empty()) {
            make_parent_folder(options.manifest);
            manifest_.open(options.manifest, std::ios::binary);
            if (!manifest_) throw std::runtime_error(options.manifest + ": cannot write");
            manifest_ << "document,items,rule,item,depends_on,note\n";
        }
    }

    void write(Story &story) {
        for (auto &document : story.documents) document.number = documents_++;
        for (const auto &document : story.documents) {
            write_document(document);
            items_ += static_cast<long>(document.lines.size());
            inpatient_ += document.inpatient;
            const bool planted = story.planted && &document == &story.documents.back();
            if (planted) ++planted_by_rule_[story.planted->rule];
            if (!manifest_.is_open()) continue;
            manifest_ << document.path() << ',' << document.lines.size() << ',';
            if (planted) {
                const Planted &p = *story.planted;
                manifest_ << p.rule << ',' << p.item << ','
                          << (p.depends_on ? story.documents[*p.depends_on].path() : "") << ',' << csv_field(p.note);
            } else {
                manifest_ << ",,,";
            }
            manifest_ << '\n';
        }
        ++patients_;
    }

    void finish() {
        if (manifest_.is_open() && !manifest_.flush()) throw std::runtime_error("cannot write the manifest");
    }

    long documents() const { return documents_; }
    void print_summary(std::FILE *out, const std::vector<std::pair<std::string, std::string>> &skipped) const {
        long planted = 0;
        for (const auto &entry : planted_by_rule_) planted += entry.second;
        std::fprintf(out, "medlint_workload: %ld documents (%ld outpatient, %ld inpatient), %ld items, %ld patients\n",
                     documents_, documents_ - inpatient_, inpatient_, items_, patients_);
        std::fprintf(out, "planted: %ld documents with one violation each (share %.3f)\n", planted,
                     documents_ ? static_cast<double>(planted) / static_cast<double>(documents_) : 0.0);
        for (const auto &[rule, count] : planted_by_rule_) std::fprintf(out, "  %-20s %ld\n", rule.c_str(), count);
        for (const auto &[rule, reason] : skipped)
            std::fprintf(out, "not planted: %s: %s\n", rule.c_str(), reason.c_str());
    }

private:
    void write_document(const Document &document) {
        const std::string xml = document_xml(document);
        if (dir_.empty()) {
            std::fwrite(xml.data(), 1, xml.size(), stdout);
            return;
        }
        const long folder = document.number / 1000;
        if (folder != folder_) fs::create_directories(dir_ + "/" + document.path().substr(0, 5));
        folder_ = folder;
        write_file(dir_ + "/" + document.path(), xml);
    }

    std::string dir_;
    std::ofstream manifest_;
    long documents_ = 0, items_ = 0, inpatient_ = 0, patients_ = 0, folder_ = -1;
    std::map<std::string, long> planted_by_rule_;
};

// How many planted documents the first `documents` should hold, rounded.
long planted_target(long documents, long per_million) {
    return static_cast<long>((static_cast<long long>(documents) * per_million + 500000) / 1000000);
}

int run(const Options &options) {
    Pack pack(options.catalog, options.pack, {MEDLINT_NATIONAL_PACK_DIR});
    Random random(options.seed);
    World world(random);
    Storyteller teller(pack, world, random,
                       {static_cast<unsigned>(options.inpatient_per_mille), !options.ledger.empty()});
    std::vector<std::pair<std::string, std::string>> skipped;
    const std::vector<std::string> rules = teller.plantable_rules(skipped);
    if (options.list_rules) {  // those it can plant with these options, then the others
        for (const auto &rule : rules) std::printf("%s\n", rule.c_str());
        for (const auto &entry : skipped) std::printf("%s\n", entry.first.c_str());
        return std::fflush(stdout) == 0 ? 0 : 2;
    }
    if (!options.ledger.empty()) write_file(options.ledger, world.ledger_xml());

    Output output(options);
    long planted = 0;
    while (output.documents() < options.documents) {
        const long remaining = options.documents - output.documents();
        long length = std::min(remaining, 1 + static_cast<long>(random.below(3) + random.below(3)));  // 1 to 5
        const long needed = planted_target(output.documents() + std::max(length, 2L), options.violation_per_million);
        Story story;
        if (!rules.empty() && remaining >= 2 && planted < needed) {
            // Behind the share: the shortest planted story, one clean document and the planted one.
            length = planted + 1 < needed ? 2 : std::max(length, 2L);
            const auto count = static_cast<long>(rules.size());
            story = teller.planted(rules[static_cast<size_t>(planted % count)], planted / count, length);
            ++planted;
        } else {
            story = teller.clean(length);
        }
        output.write(story);
    }
    output.finish();
    if (options.to_stdout && std::fflush(stdout) != 0) throw std::runtime_error("cannot write to stdout");
    output.print_summary(stderr, skipped);
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
        std::fprintf(stderr, "medlint_workload: %s\n", e.what());
        return 2;
    }
}
