#include "knowledge.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "csv.hpp"
#include "error.hpp"
#include "request.hpp"
#include "xml_input.hpp"

namespace medlint {
namespace {

std::string points_key(std::string_view profile, std::string_view rule_id) {
    return std::string(profile) + '\n' + std::string(rule_id);
}

// The classification level by which a drug code and the drug catalogue are
// matched: X and the ATC anatomical group and subgroup (XL01), or Z and its
// two levels; below it the codes' classification is older than the 2024
// catalogue's.
constexpr size_t kClassificationLength = 4;

bool is_text_file(const std::string &name) {
    auto ends_with = [&](const char *suffix) {
        std::string s(suffix);
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends_with(".csv") || name == "pack.xml";
}

// A table of a pack, refused unless it is a regular file (or a link to one)
// of at most kMaxPackFileBytes: a link to /dev/zero would be read until
// memory runs out, and a FIFO would block medlint_open for ever.  The read
// stops past the limit too, in case the file changed after the check.
std::string read_pack_file(const std::string &path) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::file_status status = fs::status(path, error);
    if (error) fail(MEDLINT_ECONFIG, path + ": cannot be read: " + error.message());
    if (!fs::is_regular_file(status))
        fail(MEDLINT_ECONFIG, path + ": is not a regular file (a device, FIFO, socket or folder); "
                                     "a rule pack table must be a file");
    auto too_large = [&] {
        fail(MEDLINT_ECONFIG, path + ": is larger than " + std::to_string(kMaxPackFileBytes >> 20) +
                                  " MiB, the limit for one rule pack table");
    };
    if (fs::file_size(path, error) > kMaxPackFileBytes && !error) too_large();
    std::ifstream in(path, std::ios::binary);
    std::string content;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        content.append(buffer, static_cast<size_t>(in.gcount()));
        if (content.size() > kMaxPackFileBytes) too_large();
    }
    if (in.bad() || !in.eof()) fail(MEDLINT_ECONFIG, path + ": cannot be read");
    return content;
}

PackInfo read_pack_xml(const PackFiles &files, const std::string &origin) {
    auto found = files.find("pack.xml");
    if (found == files.end()) fail(MEDLINT_ECONFIG, origin + ": rule pack has no pack.xml");
    XmlSource source(found->second, origin + "/pack.xml", origin + "/pack.xml", MEDLINT_ECONFIG);
    Element root(source, source.root(), MEDLINT_ECONFIG);
    try {  // an element's error says the line; the file is said here
        if (std::string(root.name()) != "pack") root.error("is not <pack>; pack.xml must have a <pack> root");
        return {root.required("id"), root.required("version"), root.optional("jurisdiction"), origin,
                root.boolean("complete", false)};
    } catch (const Error &e) {
        Place place = e.place();
        place.file = origin + "/pack.xml";
        fail(MEDLINT_ECONFIG, place.file + ": " + e.what(), place);
    }
}

const CsvTable *table(const PackFiles &files, const char *name, std::optional<CsvTable> &slot,
                      const std::string &origin) {
    auto found = files.find(name);
    if (found == files.end()) return nullptr;
    slot.emplace(found->second, origin + "/" + name);
    return &*slot;
}

std::string checked(const CsvTable &csv, const CsvTable::Row &row, const char *column,
                    std::initializer_list<const char *> allowed) {
    std::string value = csv.cell(row, column);
    for (const char *candidate : allowed)
        if (value == candidate) return value;
    std::string list;
    for (const char *candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
    csv.row_error(row, column, "\"" + value + "\" is not one of " + list);
}

// A severity, certainty or standing, which must be one of `allowed`.
template <class Level>
Level level(const CsvTable &csv, const CsvTable::Row &row, const char *column,
            std::initializer_list<const char *> allowed) {
    return *level_named<Level>(checked(csv, row, column, allowed));
}

std::string nonempty(const CsvTable &csv, const CsvTable::Row &row, const char *column) {
    std::string value = csv.cell(row, column);
    if (value.empty()) csv.row_error(row, column, "is empty");
    return value;
}

int whole_points(const CsvTable &csv, const CsvTable::Row &row) {
    std::string points = nonempty(csv, row, "points");
    if (points.find_first_not_of("0123456789") != std::string::npos || points.size() > 2)
        csv.row_error(row, "points", "\"" + points + "\" is not a whole number from 0 to 99");
    return std::stoi(points);
}

std::optional<int> optional_whole(const CsvTable &csv, const CsvTable::Row &row, const char *column, int max) {
    std::string value = csv.cell(row, column);
    if (value.empty()) return std::nullopt;
    if (value.find_first_not_of("0123456789") != std::string::npos || value.size() > 5 || std::stoi(value) > max)
        csv.row_error(row, column, "\"" + value + "\" is not a whole number from 0 to " + std::to_string(max));
    return std::stoi(value);
}

int whole(const CsvTable &csv, const CsvTable::Row &row, const char *column, int max) {
    auto value = optional_whole(csv, row, column, max);
    if (!value) csv.row_error(row, column, "is empty");
    return *value;
}

// Sets `field` from the cell when the cell says something; an empty cell keeps
// what an earlier pack gave the code.
template <class Value>
bool overlay(Value &field, Value cell) {
    if (cell == Value{}) return false;
    field = std::move(cell);
    return true;
}

// A restriction and the knowledge points it comes from: a pack that restates
// the restriction restates its source too (none when its kp cell is empty).
template <class Value>
void overlay_restriction(const CsvTable &csv, const CsvTable::Row &row, Value &field, Value cell,
                         std::vector<std::string> &points, const char *points_column) {
    if (overlay(field, std::move(cell))) points = words(csv.cell(row, points_column));
}

// The row over `entry`, the code's row in the packs loaded before (a default
// entry when none has it).
CatalogEntry catalog_row(const CsvTable &csv, const CsvTable::Row &row, CatalogEntry entry) {
    entry.code = nonempty(csv, row, "code");
    overlay(entry.name, csv.cell(row, "name"));
    overlay(entry.kind, checked(csv, row, "kind", {"", "drug", "herb", "test", "exam", "treatment", "material", "service"}));
    std::string item_class = checked(csv, row, "class", {"", "A", "B", "C", "甲", "乙", "丙"});
    if (item_class == "甲") item_class = "A";
    if (item_class == "乙") item_class = "B";
    if (item_class == "丙") item_class = "C";
    overlay(entry.item_class, item_class);
    overlay_restriction(csv, row, entry.gender, checked(csv, row, "gender", {"", "M", "F"}), entry.gender_kp,
                        "gender_kp");
    bool aged = overlay(entry.min_age, optional_whole(csv, row, "min_age", 150));
    aged = overlay(entry.max_age, optional_whole(csv, row, "max_age", 150)) || aged;
    aged = overlay(entry.max_age_days, optional_whole(csv, row, "max_age_days", 366)) || aged;
    if (aged) entry.age_kp = words(csv.cell(row, "age_kp"));
    if (entry.min_age && entry.max_age && *entry.max_age < *entry.min_age)
        csv.row_error(row, "max_age", "is below min_age");
    overlay_restriction(csv, row, entry.max_days, optional_whole(csv, row, "max_days", 3650), entry.days_kp,
                        "days_kp");
    overlay_restriction(csv, row, entry.indications, words(csv.cell(row, "indications")), entry.indications_kp,
                        "indications_kp");
    return entry;
}

RetestEntry retest_row(const CsvTable &csv, const CsvTable::Row &row) {
    RetestEntry entry{nonempty(csv, row, "code"), csv.cell(row, "group"), 0, csv.cell(row, "basis")};
    entry.interval_days = whole(csv, row, "interval_days", 3650);
    if (entry.interval_days < 1) csv.row_error(row, "interval_days", "must be at least 1 day");
    if (entry.group.empty()) entry.group = entry.code;
    return entry;
}

Threshold threshold_row(const CsvTable &csv, const CsvTable::Row &row) {
    Threshold threshold;
    threshold.scope = checked(csv, row, "scope", {"year", "single", "consecutive"});
    threshold.years = optional_whole(csv, row, "years", 10).value_or(1);
    if (threshold.years < 1) csv.row_error(row, "years", "must be at least 1");
    threshold.points = whole_points(csv, row);
    threshold.standing = level<Standing>(csv, row, "standing", {"warned", "suspended", "terminated"});
    threshold.months = optional_whole(csv, row, "months", 120).value_or(0);
    threshold.bar_years = optional_whole(csv, row, "bar_years", 20).value_or(0);
    threshold.consequence_zh = csv.cell(row, "consequence_zh");
    threshold.consequence_en = csv.cell(row, "consequence_en");
    threshold.clause = csv.cell(row, "clause");
    return threshold;
}

// The knowledge point a row cites ("" when the row gives none).
KnowledgePoint cited_point(const CsvTable &csv, const CsvTable::Row &row) {
    return {csv.cell(row, "kp"), csv.cell(row, "batch"), ""};
}

ChargePair charge_pair_row(const CsvTable &csv, const CsvTable::Row &row) {
    ChargePair pair{nonempty(csv, row, "code"), nonempty(csv, row, "paired_code"), csv.cell(row, "name"),
                    csv.cell(row, "includes"), cited_point(csv, row)};
    if (pair.code == pair.paired_code) csv.row_error(row, "paired_code", "is the code itself");
    return pair;
}

PaidCourse paid_course_row(const CsvTable &csv, const CsvTable::Row &row) {
    PaidCourse course{nonempty(csv, row, "code"), csv.cell(row, "name"), whole(csv, row, "days", 3650),
                      checked(csv, row, "scope", {"stay", "course"}) == "stay", csv.cell(row, "restriction"),
                      cited_point(csv, row)};
    if (course.days < 1) csv.row_error(row, "days", "must be at least 1 day");
    return course;
}

// The largest max_quantity of service_frequencies.csv: far above a day's 24 hours.
constexpr int kMaxFrequencyQuantity = 10000;

ServiceFrequency service_frequency_row(const CsvTable &csv, const CsvTable::Row &row) {
    ServiceFrequency limit{nonempty(csv, row, "code"), csv.cell(row, "name"), 0, 0, csv.cell(row, "restriction"),
                           cited_point(csv, row)};
    limit.max_quantity = whole(csv, row, "max_quantity", kMaxFrequencyQuantity);
    limit.period_days = whole(csv, row, "period_days", kMaxSupplyDays);
    if (limit.max_quantity < 1) csv.row_error(row, "max_quantity", "must be at least 1");
    if (limit.period_days < 1) csv.row_error(row, "period_days", "must be at least 1 day");
    return limit;
}

// The limits limits.csv may set, and the values each may take.
struct LimitRange {
    const char *name;
    int min, max;
};
constexpr LimitRange kLimitRanges[] = {
    {"supply_days_outpatient", 1, 3650},  {"supply_days_emergency", 1, 3650},
    {"supply_days_discharge", 1, 3650},   {"supply_days_long_term", 1, 3650},
    {"supply_days_long_term_max", 1, 3650}, {"split_admission_days", 7, 31},
    {"split_admission_diagnosis_depth", 1, 7}, {"bed_idle_days", 1, 365},
    {"later_surgery_percent", 1, 100},
    {"course_gap_days", 1, 365},
};

std::pair<std::string, int> limit_row(const CsvTable &csv, const CsvTable::Row &row) {
    std::string name = nonempty(csv, row, "limit");
    for (const auto &range : kLimitRanges) {
        if (name != range.name) continue;
        int value = whole(csv, row, "value", range.max);
        if (value < range.min)
            csv.row_error(row, "value", std::to_string(value) + " is below " + std::to_string(range.min));
        return {name, value};
    }
    std::string known;
    for (const auto &range : kLimitRanges) known += (known.empty() ? "" : ", ") + std::string(range.name);
    csv.row_error(row, "limit", "\"" + name + "\" is not one of " + known);
}

// The code tables: each file, its value column (nullptr: none), the words a
// value is made of (none listed: any words, e.g. the names of surgery groups),
// and whether the value lists code prefixes instead, and may be empty.
struct CodeTableFile {
    CodeTable table;
    const char *file, *column;
    std::initializer_list<const char *> words;
    bool code_prefixes = false;
};
const CodeTableFile kCodeTableFiles[] = {
    {CodeTable::drug_levels, "drug_levels.csv", "min_level", {"2", "3"}},
    {CodeTable::drug_settings, "drug_settings.csv", "settings", {"inpatient", "emergency"}},
    {CodeTable::drug_insurances, "drug_insurances.csv", "insurance", {"work-injury", "maternity"}},
    {CodeTable::internet_excluded, "internet_excluded.csv", nullptr, {}},
    {CodeTable::herbs_excluded, "herbs_excluded.csv", nullptr, {}},
    {CodeTable::herbs_single, "herbs_single.csv", nullptr, {}},
    {CodeTable::surgery_groups, "surgery_groups.csv", "group", {}},
    {CodeTable::second_line_drugs, "second_line_drugs.csv", "first_line_prefixes", {}, true},
};

bool is_code_prefix(const std::string &word) {
    return std::all_of(word.begin(), word.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

CodeRestriction code_restriction_row(const CsvTable &csv, const CsvTable::Row &row, const CodeTableFile &file) {
    CodeRestriction entry{nonempty(csv, row, "code"), csv.cell(row, "name"), "", csv.cell(row, "kp"),
                          csv.cell(row, "batch"), csv.cell(row, "restriction")};
    if (!file.column) return entry;
    if (file.code_prefixes) {
        entry.value = csv.cell(row, file.column);
        for (const auto &word : words(entry.value))
            if (!is_code_prefix(word))
                csv.row_error(row, file.column, "\"" + word + "\" is not a code prefix (capital letters and digits)");
        return entry;
    }
    entry.value = nonempty(csv, row, file.column);
    if (file.words.size() == 0) return entry;
    for (const auto &word : words(entry.value)) {
        auto allowed = [&](const char *candidate) { return word == candidate; };
        if (std::none_of(file.words.begin(), file.words.end(), allowed)) checked(csv, row, file.column, file.words);
    }
    return entry;
}

// The {names} a text quotes, in order.
std::vector<std::string> placeholders(const std::string &text) {
    std::vector<std::string> names;
    for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
        size_t close = text.find('}', open);
        if (close == std::string::npos) break;
        names.push_back(text.substr(open + 1, close - open - 1));
    }
    return names;
}

}  // namespace

std::vector<std::string> words(const std::string &text) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text + ' ') {
        if (c == ' ' || c == '\t' || c == ',' || c == ';') {
            if (!word.empty()) out.push_back(std::move(word));
            word.clear();
        } else {
            word += c;
        }
    }
    return out;
}

std::string normalised_code(std::string_view code) {
    std::string out;
    for (char c : code) {
        if (c == '.' || c == ' ') continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

bool is_icd10(std::string_view code) {
    std::string normalised = normalised_code(code);
    auto digit = [&](size_t at) { return normalised[at] >= '0' && normalised[at] <= '9'; };
    return normalised.size() >= 3 && normalised[0] >= 'A' && normalised[0] <= 'Z' && digit(1) && digit(2) &&
           normalised.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+*") == std::string::npos;
}

PackFiles read_pack_directory(const std::string &directory) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::directory_iterator entry(directory, error), end;
    if (error) fail(MEDLINT_ECONFIG, directory + ": rule pack folder cannot be opened: " + error.message());
    PackFiles files;
    for (; !error && entry != end; entry.increment(error)) {
        std::string name = entry->path().filename().string();
        if (is_text_file(name)) files[name] = read_pack_file(directory + "/" + name);
    }
    if (error) fail(MEDLINT_ECONFIG, directory + ": rule pack folder cannot be read: " + error.message());
    return files;
}

void Knowledge::add_pack(const PackFiles &files, const std::string &origin) {
    Knowledge next = *this;  // all or nothing: build beside, then swap
    next.packs_.push_back(read_pack_xml(files, origin));

    std::optional<CsvTable> rules_csv, messages_csv, points_csv, catalog_csv, retest_csv, reasons_csv, limits_csv,
        code_sets_csv, knowledge_points_csv, drug_catalogue_csv, dosage_forms_csv;
    if (auto csv = table(files, "catalog.csv", catalog_csv, origin)) {
        csv->require_columns({"code"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows()) {
            CatalogEntry &entry = next.catalog_[csv->cell(row, "code")];
            entry = catalog_row(*csv, row, entry);
        }
    }
    if (auto csv = table(files, "knowledge_points.csv", knowledge_points_csv, origin)) {
        csv->require_columns({"kp", "batch", "constraint"});
        csv->require_unique({"kp"});
        for (const auto &row : csv->rows()) {
            KnowledgePoint point{nonempty(*csv, row, "kp"), csv->cell(row, "batch"), csv->cell(row, "constraint")};
            next.knowledge_points_[point.kp] = std::move(point);
        }
    }
    if (auto csv = table(files, "drug_catalogue.csv", drug_catalogue_csv, origin)) {
        csv->require_columns({"cat_code", "class", "drug_name", "dosage_form"});
        next.catalogue_drugs_.clear();  // a later catalogue replaces the earlier one whole
        for (const auto &row : csv->rows()) {
            CatalogueDrug drug{nonempty(*csv, row, "cat_code"), checked(*csv, row, "class", {"A", "B"}),
                               nonempty(*csv, row, "drug_name"), csv->cell(row, "dosage_form")};
            next.catalogue_drugs_[drug.cat_code.substr(0, kClassificationLength)].push_back(std::move(drug));
        }
    }
    if (auto csv = table(files, "dosage_forms.csv", dosage_forms_csv, origin)) {
        csv->require_columns({"word", "forms"});
        next.dosage_words_.clear();
        for (const auto &row : csv->rows())
            next.dosage_words_.push_back({nonempty(*csv, row, "word"), checked(*csv, row, "at_end", {"", "true"}) == "true",
                                          words(nonempty(*csv, row, "forms"))});
    }
    if (auto csv = table(files, "retest.csv", retest_csv, origin)) {
        csv->require_columns({"code", "interval_days"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows()) {
            RetestEntry entry = retest_row(*csv, row);
            next.retest_[entry.code] = std::move(entry);
        }
        next.retest_groups_.clear();
        for (const auto &[code, entry] : next.retest_) next.retest_groups_[entry.group].push_back(code);
    }
    for (const auto &file : kCodeTableFiles) {
        std::optional<CsvTable> slot;
        auto csv = table(files, file.file, slot, origin);
        if (!csv) continue;
        if (file.column) csv->require_columns({"code", file.column});
        else csv->require_columns({"code"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows()) {
            CodeRestriction entry = code_restriction_row(*csv, row, file);
            next.code_tables_[file.table][entry.code] = std::move(entry);
        }
    }
    if (auto csv = table(files, "limits.csv", limits_csv, origin)) {
        csv->require_columns({"limit", "value"});
        csv->require_unique({"limit"});
        for (const auto &row : csv->rows()) {
            auto [name, value] = limit_row(*csv, row);
            next.limits_[name] = value;
        }
    }
    if (auto csv = table(files, "code_sets.csv", code_sets_csv, origin)) {
        csv->require_columns({"set", "code"});
        csv->require_unique({"code", "set"});
        for (const auto &row : csv->rows()) {
            auto &codes = next.code_sets_[checked(*csv, row, "set", {"long_term_drug", "planned_cycle", "stay_charge"})];
            std::string code = normalised_code(nonempty(*csv, row, "code"));
            if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
        }
    }
    if (auto csv = table(files, "override_reasons.csv", reasons_csv, origin)) {
        csv->require_columns({"code", "zh", "en"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows())
            next.override_reasons_[nonempty(*csv, row, "code")] = Texts{nonempty(*csv, row, "zh"), nonempty(*csv, row, "en")};
    }
    if (auto csv = table(files, "rules.csv", rules_csv, origin)) {
        csv->require_columns({"rule", "severity", "certainty"});
        csv->require_unique({"rule"});
        for (const auto &row : csv->rows()) {
            bool mitigated = !csv->cell(row, "mitigated_severity").empty();
            RuleMeta meta{level<Severity>(*csv, row, "severity", {"info", "warning", "block"}),
                          mitigated ? level<Severity>(*csv, row, "mitigated_severity", {"info", "warning", "block"})
                                    : Severity::info,
                          level<Certainty>(*csv, row, "certainty", {"definite", "suspected"}),
                          csv->cell(row, "basis_zh"), csv->cell(row, "basis_en")};
            next.rules_[nonempty(*csv, row, "rule")] = std::move(meta);
        }
    }
    if (auto csv = table(files, "messages.csv", messages_csv, origin)) {
        csv->require_columns({"key", "zh", "en"});
        csv->require_unique({"key"});
        for (const auto &row : csv->rows())
            next.texts_[nonempty(*csv, row, "key")] = Texts{nonempty(*csv, row, "zh"), nonempty(*csv, row, "en"),
                                                            csv->file_name() + ":" + std::to_string(row.line)};
    }
    if (auto csv = table(files, "points.csv", points_csv, origin)) {
        csv->require_columns({"profile", "rule", "points"});
        csv->require_unique({"rule", "profile"});
        for (const auto &row : csv->rows()) {
            next.points_[points_key(nonempty(*csv, row, "profile"), nonempty(*csv, row, "rule"))] =
                PointValue{whole_points(*csv, row), csv->cell(row, "clause")};
        }
    }
    std::optional<CsvTable> profiles_csv, thresholds_csv, calendar_csv, charge_pairs_csv, diagnosis_codes_csv,
        paid_courses_csv, frequencies_csv;
    if (auto csv = table(files, "diagnosis_codes.csv", diagnosis_codes_csv, origin)) {
        csv->require_columns({"code", "insurance_code"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows())
            next.diagnosis_codes_[nonempty(*csv, row, "code")] = nonempty(*csv, row, "insurance_code");
    }
    if (auto csv = table(files, "service_frequencies.csv", frequencies_csv, origin)) {
        csv->require_columns({"code", "max_quantity", "period_days"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows()) {
            ServiceFrequency limit = service_frequency_row(*csv, row);
            next.service_frequencies_[limit.code] = std::move(limit);
        }
    }
    if (auto csv = table(files, "charge_pairs.csv", charge_pairs_csv, origin)) {
        csv->require_columns({"code", "paired_code"});
        csv->require_unique({"code", "paired_code"});
        for (const auto &row : csv->rows()) {
            ChargePair pair = charge_pair_row(*csv, row);
            next.charge_pairs_[{pair.code, pair.paired_code}] = std::move(pair);
        }
    }
    if (auto csv = table(files, "paid_courses.csv", paid_courses_csv, origin)) {
        csv->require_columns({"code", "days", "scope"});
        csv->require_unique({"code"});
        for (const auto &row : csv->rows()) {
            PaidCourse course = paid_course_row(*csv, row);
            next.paid_courses_[course.code] = std::move(course);
        }
    }
    if (auto csv = table(files, "profiles.csv", profiles_csv, origin)) {
        csv->require_columns({"profile", "setting", "value"});
        csv->require_unique({"setting", "profile"});
        for (const auto &row : csv->rows())
            next.profiles_[nonempty(*csv, row, "profile")].settings[nonempty(*csv, row, "setting")] =
                whole(*csv, row, "value", 100);
    }
    if (auto csv = table(files, "thresholds.csv", thresholds_csv, origin)) {
        csv->require_columns({"profile", "scope", "points", "standing"});
        csv->require_unique({"points", "profile", "scope", "years"});
        for (const auto &row : csv->rows()) {
            Threshold threshold = threshold_row(*csv, row);
            auto &list = next.profiles_[nonempty(*csv, row, "profile")].thresholds;
            auto same = [&](const Threshold &t) {
                return t.scope == threshold.scope && t.years == threshold.years && t.points == threshold.points;
            };
            list.erase(std::remove_if(list.begin(), list.end(), same), list.end());
            list.push_back(std::move(threshold));
            std::stable_sort(list.begin(), list.end(),
                             [](const Threshold &a, const Threshold &b) { return a.points < b.points; });
        }
    }
    if (auto csv = table(files, "calendar.csv", calendar_csv, origin)) {
        csv->require_columns({"date", "kind"});
        csv->require_unique({"date"});
        for (const auto &row : csv->rows()) {
            auto date = Date::parse(csv->cell(row, "date"));
            if (!date) csv->row_error(row, "date", "\"" + csv->cell(row, "date") + "\" is not a date YYYY-MM-DD");
            next.calendar_[date->days] = checked(*csv, row, "kind", {"holiday", "workday"}) == "workday";
        }
    }
    *this = std::move(next);
    index_charge_pairs();
}

// Each pair under both its codes, once the packs have replaced what they replace.
void Knowledge::index_charge_pairs() {
    charge_pairs_by_code_.clear();
    for (const auto &[key, pair] : charge_pairs_) {
        charge_pairs_by_code_[pair.code].push_back(pair);
        charge_pairs_by_code_[pair.paired_code].push_back(pair);
    }
}

std::string Knowledge::describe_packs() const {
    std::string out;
    for (const auto &pack : packs_) out += (out.empty() ? "" : "; ") + pack.id + " " + pack.version;
    return out;
}

const RuleMeta *Knowledge::rule(std::string_view rule_id) const {
    auto found = rules_.find(rule_id);
    return found == rules_.end() ? nullptr : &found->second;
}

const std::string &Knowledge::text(std::string_view key, std::string_view lang) const {
    auto found = texts_.find(key);
    if (found == texts_.end()) fail(MEDLINT_EINTERNAL, "no loaded rule pack has the text " + std::string(key));
    return lang == "en" ? found->second.en : found->second.zh;
}

const CatalogEntry *Knowledge::catalog(std::string_view code) const {
    thread_local std::string key;  // C++17 finds no string_view in an unordered_map; and no allocation per look-up
    key.assign(code);
    auto found = catalog_.find(key);
    return found == catalog_.end() ? nullptr : &found->second;
}

bool Knowledge::catalog_complete() const {
    return std::any_of(packs_.begin(), packs_.end(), [](const PackInfo &pack) { return pack.complete; });
}

const CatalogueDrug *Knowledge::catalogue_drug(std::string_view code, std::string_view name) const {
    auto candidates = catalogue_drugs_.find(code.substr(0, kClassificationLength));
    if (candidates == catalogue_drugs_.end() || name.empty()) return nullptr;
    const std::vector<std::string> *forms = nullptr;
    for (const auto &form : dosage_words_) {
        size_t at = name.find(form.word);
        if (at != std::string_view::npos && (!form.at_end || at + form.word.size() == name.size())) {
            forms = &form.forms;
            break;
        }
    }
    auto has_form = [&](const std::string &form) {
        return forms && std::find(forms->begin(), forms->end(), form) != forms->end();
    };
    const CatalogueDrug *best = nullptr;
    for (const auto &drug : candidates->second) {
        bool fits = drug.dosage_form.empty() ? name == drug.drug_name
                                             : name.find(drug.drug_name) != std::string_view::npos && has_form(drug.dosage_form);
        if (fits && (!best || drug.drug_name.size() > best->drug_name.size())) best = &drug;
    }
    return best;
}

const KnowledgePoint *Knowledge::knowledge_point(std::string_view kp) const {
    auto found = knowledge_points_.find(kp);
    return found == knowledge_points_.end() ? nullptr : &found->second;
}

const RetestEntry *Knowledge::retest(std::string_view code) const {
    auto found = retest_.find(code);
    return found == retest_.end() ? nullptr : &found->second;
}

const CodeRestriction *Knowledge::restriction(CodeTable table, std::string_view code) const {
    auto rows = code_tables_.find(table);
    if (rows == code_tables_.end()) return nullptr;
    auto found = rows->second.find(code);
    return found == rows->second.end() ? nullptr : &found->second;
}

const std::vector<std::string> &Knowledge::retest_group(std::string_view group) const {
    static const std::vector<std::string> none;
    auto found = retest_groups_.find(group);
    return found == retest_groups_.end() ? none : found->second;
}

const std::string *Knowledge::insurance_diagnosis(std::string_view code) const {
    auto found = diagnosis_codes_.find(code);
    return found == diagnosis_codes_.end() ? nullptr : &found->second;
}

const std::vector<ChargePair> &Knowledge::charge_pairs(std::string_view code) const {
    static const std::vector<ChargePair> none;
    auto found = charge_pairs_by_code_.find(code);
    return found == charge_pairs_by_code_.end() ? none : found->second;
}

const PaidCourse *Knowledge::paid_course(std::string_view code) const {
    auto found = paid_courses_.find(code);
    return found == paid_courses_.end() ? nullptr : &found->second;
}

const ServiceFrequency *Knowledge::service_frequency(std::string_view code) const {
    auto found = service_frequencies_.find(code);
    return found == service_frequencies_.end() ? nullptr : &found->second;
}

std::optional<int> Knowledge::limit(std::string_view name) const {
    auto found = limits_.find(name);
    if (found == limits_.end()) return std::nullopt;
    return found->second;
}

bool Knowledge::in_code_set(std::string_view set, std::string_view code) const {
    auto found = code_sets_.find(set);
    if (found == code_sets_.end()) return false;
    std::string normalised = normalised_code(code);
    for (const auto &start : found->second)
        if (normalised.compare(0, start.size(), start) == 0) return true;
    return false;
}

bool Knowledge::is_override_reason(std::string_view code) const { return override_reasons_.count(code) > 0; }

std::map<std::string, size_t> Knowledge::table_sizes() const {
    size_t thresholds = 0, settings = 0, codes = 0;
    for (const auto &[set, list] : code_sets_) codes += list.size();
    for (const auto &[name, profile] : profiles_) {
        thresholds += profile.thresholds.size();
        settings += profile.settings.size();
    }
    std::map<std::string, size_t> sizes = {{"catalog.csv", catalog_.size()},   {"retest.csv", retest_.size()},
            {"knowledge_points.csv", knowledge_points_.size()},
            {"rules.csv", rules_.size()},       {"messages.csv", texts_.size()},
            {"points.csv", points_.size()},     {"thresholds.csv", thresholds},
            {"profiles.csv", settings},         {"calendar.csv", calendar_.size()},
            {"override_reasons.csv", override_reasons_.size()},
            {"limits.csv", limits_.size()},     {"code_sets.csv", codes},
            {"charge_pairs.csv", charge_pairs_.size()}, {"diagnosis_codes.csv", diagnosis_codes_.size()},
            {"paid_courses.csv", paid_courses_.size()},
            {"service_frequencies.csv", service_frequencies_.size()}};
    for (const auto &file : kCodeTableFiles) {
        auto rows = code_tables_.find(file.table);
        sizes[file.file] = rows == code_tables_.end() ? 0 : rows->second.size();
    }
    return sizes;
}

const PointValue &Knowledge::points(std::string_view profile, std::string_view rule_id) const {
    auto found = points_.find(points_key(profile, rule_id));
    if (found == points_.end())
        fail(MEDLINT_EINTERNAL, "no loaded rule pack gives rule " + std::string(rule_id) + " points under profile " +
                                    std::string(profile));
    return found->second;
}

const Profile *Knowledge::profile(std::string_view name) const {
    auto found = profiles_.find(name);
    return found == profiles_.end() ? nullptr : &found->second;
}

bool Knowledge::is_working_day(Date date) const {
    auto found = calendar_.find(date.days);
    if (found != calendar_.end()) return found->second;
    int weekday = ((date.days % 7) + 11) % 7;  // 1970-01-01 was a Thursday; 0 is Sunday
    return weekday != 0 && weekday != 6;
}

Date Knowledge::add_working_days(Date from, int count) const {
    Date day = from;
    while (count > 0) {
        day = day + 1;
        if (is_working_day(day)) --count;
    }
    return day;
}

std::string Knowledge::table_files(const std::string &file) const {
    std::string out;
    for (const auto &pack : packs_) out += (out.empty() ? "" : ", ") + pack.origin + "/" + file;
    return out;
}

void Knowledge::require(const std::vector<std::string> &rule_ids, const std::vector<TextRequirement> &texts) const {
    for (const auto &id : rule_ids) {
        if (!rule(id))
            fail(MEDLINT_ECONFIG, table_files("rules.csv") + ": no row for rule " + id + " (every rule needs one)");
        for (const auto &[profile, settings] : profiles_)
            if (!points_.count(points_key(profile, id)))
                fail(MEDLINT_ECONFIG, table_files("points.csv") + ": no row for rule " + id + " under profile " +
                                          profile + " (every rule needs points under every profile)");
    }
    for (const auto &requirement : texts) require_texts(requirement);
    for (const auto &[key, row] : texts_) {
        auto quoted = [&key = key](const TextRequirement &r) {
            return std::find(r.keys.begin(), r.keys.end(), key) != r.keys.end();
        };
        if (std::none_of(texts.begin(), texts.end(), quoted))
            fail(MEDLINT_ECONFIG, row.where + ": key " + key + " is the text of no rule's variant");
    }
}

void Knowledge::require_texts(const TextRequirement &requirement) const {
    const std::string &owner = requirement.owner;
    std::string params;
    for (const auto &param : requirement.params) params += (params.empty() ? "{" : ", {") + param + "}";
    params = params.empty() ? "none" : params;
    for (const auto &key : requirement.keys)
        if (!texts_.count(key))
            fail(MEDLINT_ECONFIG, table_files("messages.csv") + ": no row " + key + " (" + owner +
                                      " needs message, evidence and suggestion in zh and en)");
    for (const char *lang : {"zh", "en"}) {
        std::vector<std::string> quoted;
        for (const auto &key : requirement.keys) {
            const Texts &row = texts_.find(key)->second;
            for (const auto &name : placeholders(lang == std::string("en") ? row.en : row.zh)) {
                if (std::find(requirement.params.begin(), requirement.params.end(), name) == requirement.params.end())
                    fail(MEDLINT_ECONFIG, row.where + ": the " + lang + " text of " + key + " quotes {" + name +
                                              "}, which " + owner + " does not give (its parameters: " + params + ")");
                quoted.push_back(name);
            }
        }
        for (const auto &param : requirement.params)
            if (std::find(quoted.begin(), quoted.end(), param) == quoted.end())
                fail(MEDLINT_ECONFIG, texts_.find(requirement.keys.front())->second.where + ": no " + lang +
                                          " text of " + owner + " quotes {" + param + "} (its parameters: " + params +
                                          ")");
    }
}

}  // namespace medlint
