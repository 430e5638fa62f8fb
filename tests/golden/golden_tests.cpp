// Golden tests: every sample in samples/ and every example in rules/docs/
// runs through the engine on a fresh store, and the full response must equal
// the result checked in beside it.  Only the elapsed-us attribute's value,
// which differs from run to run, is normalised before comparing.
//
//   samples/NAME.xml                  one request; its golden is NAME.result.xml
//   samples/SCENARIO/NN-....xml       requests run in name order on one store;
//                                     each has its NN-....result.xml
//   rules/docs/RULE-ID.md             ```xml blocks in pairs: a request, then its
//                                     result; the pairs run in order on one store
//
// MEDLINT_UPDATE_GOLDEN=1 rewrites the goldens (and the docs' result blocks)
// that differ from what the engine answers now, instead of failing.  Read the
// diff before keeping it: a golden must be right, not just today's answer.
//
// A host like any other: only the public headers and the shared library.
#include <catch2/catch.hpp>
#include <medlint/medlint.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../files.hpp"
#include "../unit/pg_cluster.hpp"

#ifndef MEDLINT_SOURCE_DIR
#error "MEDLINT_SOURCE_DIR must name the source tree (set by tests/golden/CMakeLists.txt)"
#endif

namespace {

namespace fs = std::filesystem;
using test_files::ends_with;
using test_files::read_file;
using test_files::write_file;

const fs::path kSourceDir = MEDLINT_SOURCE_DIR;
const char *const kResultSuffix = ".result.xml";

bool update_mode() {
    const char *value = std::getenv("MEDLINT_UPDATE_GOLDEN");
    return value && std::string(value) == "1";
}

// The project-relative path, for messages.
std::string shown(const fs::path &path) { return path.lexically_relative(kSourceDir).generic_string(); }

// What varies between runs: the elapsed-us value.
std::string normalise(const std::string &response) {
    static const std::regex elapsed(R"re(elapsed-us="[0-9]+")re");
    return std::regex_replace(response, elapsed, "elapsed-us=\"N\"");
}

// "" when equal, else where the two texts first differ.
std::string first_difference(const std::string &expected, const std::string &actual) {
    if (expected == actual) return "";
    std::istringstream want(expected), got(actual);
    std::string want_line, got_line;
    for (int line = 1;; ++line) {
        bool more_want = static_cast<bool>(std::getline(want, want_line));
        bool more_got = static_cast<bool>(std::getline(got, got_line));
        if (!more_want && !more_got) return "the texts differ only in their final newline";
        if (!more_want || !more_got || want_line != got_line)
            return "first difference on line " + std::to_string(line) + "\n  golden: " +
                   (more_want ? want_line : "(end of text)") + "\n  engine: " + (more_got ? got_line : "(end of text)");
    }
}

// An engine on a store of its own, in a scratch folder removed afterwards:
// a SQLite file, or the PostgreSQL database at `url`.
class FreshEngine {
public:
    explicit FreshEngine(const std::string &url = "") {
        std::string pattern = (fs::temp_directory_path() / "medlint-golden-XXXXXX").string();
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
        dir_ = buffer.data();
        // The store path is relative to the configuration file: <dir>/medlint.db.
        // The samples' institutions are one alliance sharing the store
        // (samples/README.md): a scenario may span two of them.
        std::string store = url.empty() ? "<store path=\"medlint.db\" share=\"alliance\"/>"
                                        : "<store url=\"" + url + "\" key=\"" + (dir_ / "store.key").string() +
                                              "\" share=\"alliance\"/>";
        fs::path config = dir_ / "medlint.xml";
        write_file(config, "<medlint>" + store + "<policy profile=\"national-2024\"/></medlint>\n");
        engine_.emplace(config.string());
    }
    ~FreshEngine() {
        engine_.reset();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    FreshEngine(const FreshEngine &) = delete;
    FreshEngine &operator=(const FreshEngine &) = delete;

    // The response document, also when the call fails (then an <error>).
    std::string call(const std::string &request) {
        std::string response;
        engine_->try_call(request, response);
        return response;
    }

private:
    fs::path dir_;
    std::optional<medlint::engine> engine_;
};

// Compares a response with its golden; in update mode rewrites a golden
// that is missing or differs.  Returns "" or what is wrong.
std::string check_golden_file(const fs::path &golden, const std::string &response) {
    bool exists = fs::exists(golden);
    std::string difference =
        exists ? first_difference(normalise(read_file(golden)), normalise(response)) : "golden file is missing";
    if (difference.empty()) return "";
    if (update_mode()) {
        write_file(golden, response);
        WARN("rewrote " << shown(golden));
        return "";
    }
    return shown(golden) + ": " + difference +
           "\n(if the engine is right, run with MEDLINT_UPDATE_GOLDEN=1 and review the diff)";
}

fs::path golden_of(const fs::path &request) {
    fs::path golden = request;
    golden.replace_extension(kResultSuffix);
    return golden;
}

bool is_request(const fs::path &path) {
    std::string name = path.filename().string();
    return fs::is_regular_file(path) && ends_with(name, ".xml") && !ends_with(name, kResultSuffix);
}

std::vector<fs::path> sorted_entries(const fs::path &dir) {
    std::vector<fs::path> entries;
    for (const auto &entry : fs::directory_iterator(dir)) entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    return entries;
}

// A sample: one request, or a scenario folder's requests in name order.
struct Sample {
    std::string name;
    std::vector<fs::path> steps;
};

// Folders of samples/ that hold no scenario: host programs and audit reports.
bool is_scenario_folder(const fs::path &path) {
    std::string name = path.filename().string();
    return fs::is_directory(path) && name != "hosts" && name != "reports";
}

std::vector<Sample> samples() {
    std::vector<Sample> out;
    for (const auto &path : sorted_entries(kSourceDir / "samples")) {
        if (is_request(path)) {
            out.push_back({path.filename().string(), {path}});
        } else if (is_scenario_folder(path)) {
            Sample scenario{path.filename().string() + "/", {}};
            for (const auto &step : sorted_entries(path))
                if (is_request(step)) scenario.steps.push_back(step);
            out.push_back(std::move(scenario));
        }
    }
    return out;
}

// A doc's ```xml blocks, in order, each with its first line in the doc.
struct Block {
    int line;
    size_t begin, end;  // byte offsets of the block's content in the doc
    std::string text;
};

std::vector<Block> xml_blocks(const std::string &doc) {
    std::vector<Block> blocks;
    size_t at = 0;
    int line = 1;
    std::optional<Block> open;
    while (at < doc.size()) {
        size_t eol = doc.find('\n', at);
        size_t next = eol == std::string::npos ? doc.size() : eol + 1;
        std::string text = doc.substr(at, next - at);
        std::string trimmed = text.substr(0, text.find_last_not_of(" \t\r\n") + 1);
        if (!open && trimmed == "```xml") {
            open = Block{line + 1, next, next, ""};
        } else if (open && trimmed == "```") {
            open->end = at;
            open->text = doc.substr(open->begin, open->end - open->begin);
            blocks.push_back(*open);
            open.reset();
        }
        at = next;
        ++line;
    }
    return blocks;
}

}  // namespace

// Runs every sample on a fresh store, which `new_store_url` makes ("" for a SQLite file).
template <class NewStoreUrl>
void check_every_sample(NewStoreUrl &&new_store_url) {
    std::vector<Sample> all = samples();
    REQUIRE(!all.empty());
    for (const auto &sample : all) {
        INFO("sample " << sample.name);
        CHECK(!sample.steps.empty());
        FreshEngine engine(new_store_url());
        for (const auto &step : sample.steps) {
            std::string problem = check_golden_file(golden_of(step), engine.call(read_file(step)));
            if (!problem.empty()) FAIL_CHECK(problem);
        }
    }
}

TEST_CASE("every sample's response equals its golden", "[samples]") {
    check_every_sample([] { return std::string(); });
}

// The goldens hold on both backends: the history rules read a PostgreSQL
// store differently (their look-ups read together), and find the same.
TEST_CASE("every sample's response on a PostgreSQL store equals its golden", "[samples][postgresql]") {
    test::PgCluster *cluster = test::PgCluster::shared();
    if (!cluster) return;
    check_every_sample([&] { return cluster->new_database(); });
}

TEST_CASE("every golden in samples/ belongs to a sample", "[samples]") {
    std::vector<fs::path> folders{kSourceDir / "samples"};
    for (const auto &path : sorted_entries(kSourceDir / "samples"))
        if (is_scenario_folder(path)) folders.push_back(path);
    for (const auto &folder : folders)
        for (const auto &path : sorted_entries(folder)) {
            std::string name = path.filename().string();
            if (!ends_with(name, kResultSuffix)) continue;
            fs::path request = path.parent_path() / (name.substr(0, name.size() - std::string(kResultSuffix).size()) + ".xml");
            if (!fs::exists(request)) FAIL_CHECK(shown(path) + " is left over: " + shown(request) + " does not exist");
        }
}

TEST_CASE("samples/README.md describes every sample", "[samples]") {
    std::string readme = read_file(kSourceDir / "samples" / "README.md");
    for (const auto &sample : samples()) {
        INFO("sample " << sample.name);
        CHECK(readme.find("`" + sample.name + "`") != std::string::npos);
    }
}

TEST_CASE("rules/docs/README.md links every doc and calls no documented rule planned", "[docs]") {
    std::string readme = read_file(kSourceDir / "rules" / "docs" / "README.md");
    for (const auto &path : sorted_entries(kSourceDir / "rules" / "docs")) {
        if (path.extension() != ".md" || path.filename() == "README.md") continue;
        std::string rule = path.stem().string();
        INFO("doc " << shown(path));
        CHECK(readme.find("](" + rule + ".md)") != std::string::npos);
        size_t row = readme.find("| `" + rule + "` |");
        if (row == std::string::npos) {
            FAIL_CHECK("rules/docs/README.md has no table row for " + rule);
            continue;
        }
        std::string line = readme.substr(row, readme.find('\n', row) - row);
        CHECK(line.find("planned") == std::string::npos);
    }
}

TEST_CASE("every rule doc's example gives the result the doc shows", "[docs]") {
    std::vector<fs::path> docs;
    for (const auto &path : sorted_entries(kSourceDir / "rules" / "docs"))
        if (path.extension() == ".md" && path.filename() != "README.md") docs.push_back(path);
    REQUIRE(!docs.empty());
    for (const auto &path : docs) {
        INFO("doc " << shown(path));
        std::string doc = read_file(path);
        std::vector<Block> blocks = xml_blocks(doc);
        // At least one request and its result, in pairs.
        if (blocks.size() < 2 || blocks.size() % 2 != 0) {
            FAIL_CHECK(shown(path) + " has " + std::to_string(blocks.size()) +
                       " ```xml blocks; an example is a request block followed by its result block");
            continue;
        }
        FreshEngine engine;
        std::string updated = doc;
        std::string last_response;
        // Back to front when rewriting, so earlier offsets stay valid.
        std::vector<std::pair<const Block *, std::string>> rewrites;
        for (size_t i = 0; i < blocks.size(); i += 2) {
            const Block &request = blocks[i], &result = blocks[i + 1];
            std::string response = engine.call(request.text);
            last_response = response;
            std::string difference = first_difference(normalise(result.text), normalise(response));
            if (difference.empty()) continue;
            if (update_mode()) {
                if (response.empty() || response.back() != '\n') response += '\n';  // the closing fence's line
                rewrites.emplace_back(&result, response);
            } else {
                FAIL_CHECK(shown(path) + ": the result block at line " + std::to_string(result.line) +
                           " is not what the request block at line " + std::to_string(request.line) +
                           " gives: " + difference +
                           "\n(if the engine is right, run with MEDLINT_UPDATE_GOLDEN=1 and review the diff)");
            }
        }
        for (auto it = rewrites.rbegin(); it != rewrites.rend(); ++it)
            updated.replace(it->first->begin, it->first->end - it->first->begin, it->second);
        if (!rewrites.empty()) {
            write_file(path, updated);
            WARN("rewrote the result blocks of " << shown(path));
        }
        // A rule's doc shows its rule firing.
        std::string rule = path.stem().string();
        INFO("the example's last result should have a finding of rule " << rule);
        CHECK(last_response.find("rule=\"" + rule + "\"") != std::string::npos);
    }
}
