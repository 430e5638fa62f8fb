#include "workload_pack.hpp"

#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "workload_csv.hpp"

namespace workload {

namespace {

std::optional<int> whole_number(const CsvTable &table, size_t row, const std::string &column) {
    const std::string &text = table.cell(row, column);
    if (text.empty()) return std::nullopt;
    size_t used = 0;
    int value = -1;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception &) {
    }
    if (used != text.size() || value < 0)
        throw std::runtime_error(table.where(row) + ": " + column + " is \"" + text + "\", not a whole number");
    return value;
}

std::vector<std::string> words(const std::string &text) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text + " ") {
        if (c != ' ') word += c;
        else if (!word.empty()) out.push_back(std::move(word)), word.clear();
    }
    return out;
}

bool starts_with(const std::string &text, const std::string &prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::string normalised_code(const std::string &code) {
    std::string out;
    for (char c : code)
        if (c != '.' && c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string generic_key(const std::string &code) {
    return code.size() == 23 && code[0] == 'X' ? code.substr(0, 10) : code;
}

Pack::Pack(const std::string &catalog_file, const std::string &pack_dir, const std::vector<std::string> &stacked_dirs) {
    load_catalog(catalog_file);
    // The other tables are optional, as in a pack.
    auto optional_table = [&](const char *name, void (Pack::*load)(const std::string &)) {
        std::string path = pack_dir + "/" + name;
        if (std::filesystem::exists(path)) (this->*load)(path);
    };
    optional_table("retest.csv", &Pack::load_retest);
    optional_table("code_sets.csv", &Pack::load_code_sets);
    optional_table("limits.csv", &Pack::load_limits);
    optional_table("charge_pairs.csv", &Pack::load_charge_pairs);
    load_code_tables(pack_dir, true);
    load_frequencies(pack_dir, true);
    for (const auto &dir : stacked_dirs) {
        load_code_tables(dir, false);
        load_frequencies(dir, false);
        if (std::filesystem::exists(dir + "/catalog.csv")) load_stacked_restrictions(dir + "/catalog.csv");
    }
    for (auto &row : catalog_) row.in_code_table = in_code_table(row.code);
}

void Pack::load_stacked_restrictions(const std::string &catalog_file) {
    CsvTable table(catalog_file);
    for (size_t row = 0; row < table.rows(); ++row)
        for (const char *column : {"gender", "min_age", "max_age", "max_age_days", "max_days", "indications"})
            if (table.has(column) && !table.cell(row, column).empty()) stacked_restricted_.insert(table.cell(row, "code"));
}

// The plants come from `pack_dir`'s own rows (`to_plant`); every pack's rows are avoided by clean documents.
void Pack::load_code_tables(const std::string &pack_dir, bool to_plant) {
    const std::pair<const char *, const char *> code_tables[] = {
        {"drug_levels.csv", "min_level"}, {"drug_settings.csv", "settings"}, {"drug_insurances.csv", "insurance"},
        {"internet_excluded.csv", ""},    {"herbs_excluded.csv", ""},        {"herbs_single.csv", ""},
        {"surgery_groups.csv", "group"},
        {"paid_courses.csv", "days"},
        {"second_line_drugs.csv", "first_line_prefixes"}};
    for (const auto &[file, column] : code_tables) {
        std::string path = pack_dir + "/" + file;
        if (!std::filesystem::exists(path)) continue;
        CsvTable table(path);
        for (size_t row = 0; row < table.rows(); ++row) {
            if (to_plant) code_tables_[file].emplace_back(table.cell(row, "code"), *column ? table.cell(row, column) : "");
            code_table_codes_.insert(table.cell(row, "code"));
        }
    }
}

const std::vector<std::pair<std::string, std::string>> &Pack::code_table(const std::string &file) const {
    static const std::vector<std::pair<std::string, std::string>> none;
    auto at = code_tables_.find(file);
    return at == code_tables_.end() ? none : at->second;
}

void Pack::load_catalog(const std::string &file) {
    CsvTable table(file);
    for (const char *column : {"code", "kind", "class"})
        if (!table.has(column)) throw std::runtime_error(file + ": no column \"" + column + "\"");
    for (size_t row = 0; row < table.rows(); ++row) {
        CatalogRow entry;
        entry.code = table.cell(row, "code");
        entry.name = table.cell(row, "name");
        entry.kind = table.cell(row, "kind");
        entry.item_class = table.cell(row, "class");
        // The engine reads 甲乙丙 as A, B, C.
        if (entry.item_class == "甲") entry.item_class = "A";
        if (entry.item_class == "乙") entry.item_class = "B";
        if (entry.item_class == "丙") entry.item_class = "C";
        entry.gender = table.cell(row, "gender");
        entry.min_age = whole_number(table, row, "min_age");
        entry.max_age = whole_number(table, row, "max_age");
        entry.max_days = whole_number(table, row, "max_days");
        entry.indications = words(table.cell(row, "indications"));
        if (entry.code.empty()) throw std::runtime_error(table.where(row) + ": empty code");
        by_code_[entry.code] = catalog_.size();
        catalog_.push_back(std::move(entry));
    }
    if (catalog_.empty()) throw std::runtime_error(file + ": no catalog rows");
}

void Pack::load_retest(const std::string &file) {
    CsvTable table(file);
    for (size_t row = 0; row < table.rows(); ++row)
        retest_[table.cell(row, "code")] = {table.cell(row, "group"),
                                            whole_number(table, row, "interval_days").value_or(1)};
}

void Pack::load_code_sets(const std::string &file) {
    CsvTable table(file);
    for (size_t row = 0; row < table.rows(); ++row)
        code_sets_[table.cell(row, "set")].push_back(normalised_code(table.cell(row, "code")));
}

void Pack::load_limits(const std::string &file) {
    CsvTable table(file);
    for (size_t row = 0; row < table.rows(); ++row)
        if (auto value = whole_number(table, row, "value")) limits_[table.cell(row, "limit")] = *value;
}

void Pack::load_charge_pairs(const std::string &file) {
    CsvTable table(file);
    for (size_t row = 0; row < table.rows(); ++row) {
        const std::string &code = table.cell(row, "code"), &paired = table.cell(row, "paired_code");
        charge_pairs_.emplace_back(code, paired);
        charge_partners_[code].push_back(paired);
        charge_partners_[paired].push_back(code);
    }
}

const std::vector<std::string> &Pack::charge_partners(const std::string &code) const {
    static const std::vector<std::string> none;
    auto at = charge_partners_.find(code);
    return at == charge_partners_.end() ? none : at->second;
}

void Pack::load_frequencies(const std::string &pack_dir, bool to_plant) {
    const std::string path = pack_dir + "/service_frequencies.csv";
    if (!std::filesystem::exists(path)) return;
    CsvTable table(path);
    for (size_t row = 0; row < table.rows(); ++row) {
        const std::string &code = table.cell(row, "code");
        frequency_limits_[code] = {whole_number(table, row, "max_quantity").value_or(1),
                                   whole_number(table, row, "period_days").value_or(1)};
        if (to_plant) frequency_codes_.push_back(code);
    }
}

const FrequencyLimit *Pack::frequency_limit(const std::string &code) const {
    auto at = frequency_limits_.find(code);
    return at == frequency_limits_.end() ? nullptr : &at->second;
}

const CatalogRow *Pack::find(const std::string &code) const {
    auto at = by_code_.find(code);
    return at == by_code_.end() ? nullptr : &catalog_[at->second];
}

int Pack::retest_interval(const std::string &code) const {
    auto at = retest_.find(code);
    return at == retest_.end() ? 1 : at->second.second;
}

std::string Pack::retest_key(const std::string &code) const {
    auto at = retest_.find(code);
    // As the engine: an empty group is the code's own.
    return at == retest_.end() || at->second.first.empty() ? code : at->second.first;
}

bool Pack::in_code_set(const std::string &set, const std::string &code) const {
    auto at = code_sets_.find(set);
    if (at == code_sets_.end()) return false;
    const std::string normal = normalised_code(code);
    for (const auto &prefix : at->second)
        if (starts_with(normal, prefix)) return true;
    return false;
}

const std::vector<std::string> &Pack::code_set(const std::string &set) const {
    static const std::vector<std::string> none;
    auto at = code_sets_.find(set);
    return at == code_sets_.end() ? none : at->second;
}

int Pack::limit(const std::string &name) const {
    auto at = limits_.find(name);
    if (at != limits_.end()) return at->second;
    // rules/default/limits.csv's values, for a pack folder without the table.
    static const std::map<std::string, int> defaults = {
        {"supply_days_outpatient", 7}, {"supply_days_discharge", 7},    {"supply_days_long_term", 28},
        {"supply_days_long_term_max", 84}, {"split_admission_days", 15}, {"bed_idle_days", 3}};
    return defaults.at(name);
}

}  // namespace workload
