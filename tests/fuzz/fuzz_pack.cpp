// The rule-pack loader.  The input is a pack folder in one text: pack.xml,
// then each further file after a line "--- <file name>", e.g.
//
//   <pack id="p" version="1"><table file="catalog.csv"/></pack>
//   --- catalog.csv
//   code,name,kind
//
// The pack is loaded alone, as a configuration naming only it (or
// <pack-validate>) would, and on top of the built-in pack.  A bad pack must
// be refused with MEDLINT_ECONFIG; anything else escaping is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "error.hpp"
#include "knowledge.hpp"
#include "rules/rule.hpp"

namespace {

using medlint::Knowledge;

constexpr std::string_view kFileMarker = "\n--- ";

medlint::PackFiles pack_files(std::string_view input) {
    medlint::PackFiles files;
    std::string name = "pack.xml";
    for (;;) {
        size_t marker = input.find(kFileMarker);
        files[name] += input.substr(0, marker);
        if (marker == std::string_view::npos) return files;
        input.remove_prefix(marker + kFileMarker.size());
        size_t line_end = input.find('\n');
        name = input.substr(0, line_end);
        input.remove_prefix(line_end == std::string_view::npos ? input.size() : line_end + 1);
    }
}

const Knowledge &built_in() {
    static const Knowledge knowledge = [] {
        Knowledge loaded;
        loaded.add_pack(medlint::embedded_default_pack(), "built-in pack");
        return loaded;
    }();
    return knowledge;
}

// What an engine asks of its packs once they are loaded.
void use(const Knowledge &knowledge) {
    medlint::require_registered_rules(knowledge);
    knowledge.describe_packs();
    knowledge.table_sizes();
    auto monday = *medlint::Date::parse("2026-11-23");
    knowledge.add_working_days(monday, 15);
    for (const auto &[name, profile] : knowledge.profiles())
        for (const auto &rule : medlint::registered_rules()) knowledge.points(name, rule->id());
}

void load(Knowledge knowledge, const medlint::PackFiles &files) {
    try {
        knowledge.add_pack(files, "fuzz pack");
        use(knowledge);
    } catch (const medlint::Error &e) {
        if (e.code() != MEDLINT_ECONFIG) {
            std::fprintf(stderr, "medlint fuzz finding: the pack loader failed with code %d: %s\n", e.code(), e.what());
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    auto files = pack_files({reinterpret_cast<const char *>(data), size});
    load(Knowledge(), files);
    load(built_in(), files);
    return 0;
}
