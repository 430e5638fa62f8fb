// What the workload generator knows of a rule pack: the catalog (from any
// file, so a hospital's own catalog can be used) and, from the pack folder,
// the retest intervals, the code sets and the limits.  Read at run time, so
// a clean document respects the same tables the engine checks against.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace workload {

struct CatalogRow {
    std::string code, name, kind, item_class, gender;  // gender: "", "M" or "F"
    std::optional<int> min_age, max_age, max_days;
    std::vector<std::string> indications;  // ICD-10 prefixes
    bool in_code_table = false;            // a code table of a loaded pack restricts it (LIMIT-LEVEL, …)

    bool paid() const { return item_class != "C"; }
    bool is_test() const { return kind == "test" || kind == "exam"; }  // what DUP-TEST looks at
    // Restrictions bind only what the fund pays (LIMIT-GENDER, LIMIT-AGE, LIMIT-INDICATION).
    bool gender_restricted() const { return paid() && !gender.empty(); }
    bool age_restricted() const { return paid() && (min_age || max_age); }
    bool indication_restricted() const { return paid() && !indications.empty(); }
    bool restricted() const {
        return gender_restricted() || age_restricted() || indication_restricted() || in_code_table;
    }
};

// LIMIT-FREQUENCY: the most of a service billed in any `period_days` days running.
struct FrequencyLimit {
    int max_quantity = 1, period_days = 1;
};

// Codes compare as the engine compares them: dots and spaces removed, upper case.
std::string normalised_code(const std::string &code);

class Pack {
public:
    // Throws std::runtime_error naming the file and line of a bad row.
    // `stacked_dirs`: the packs the library stacks after `pack_dir` (the
    // national pack), whose code tables restrict codes too.
    Pack(const std::string &catalog_file, const std::string &pack_dir, const std::vector<std::string> &stacked_dirs);

    const std::vector<CatalogRow> &catalog() const { return catalog_; }
    const CatalogRow *find(const std::string &code) const;

    // DUP-TEST: a code's retest interval (1, same day only, without a row) and
    // the key its look-alikes share.
    int retest_interval(const std::string &code) const;
    std::string retest_key(const std::string &code) const;

    bool in_code_set(const std::string &set, const std::string &code) const;
    const std::vector<std::string> &code_set(const std::string &set) const;  // its prefixes, in file order
    int limit(const std::string &name) const;  // the pack's value, else the engine's default
    // DUP-CHARGE: the codes a code may not be billed with on one day (charge_pairs.csv, either side).
    const std::vector<std::string> &charge_partners(const std::string &code) const;
    const std::vector<std::pair<std::string, std::string>> &charge_pairs() const { return charge_pairs_; }

    // LIMIT-FREQUENCY: a code's limit (service_frequencies.csv of any pack, a
    // later pack's row replacing an earlier one's, as in the engine); nullptr when none.
    const FrequencyLimit *frequency_limit(const std::string &code) const;
    // The codes `pack_dir`'s service_frequencies.csv limits, in file order: what a plant bills.
    const std::vector<std::string> &frequency_codes() const { return frequency_codes_; }

    // A code table of the national classes (drug_levels.csv, herbs_single.csv, …,
    // and paid_courses.csv with its days): its rows in file order, each code
    // with its value ("" for the tables without one).
    const std::vector<std::pair<std::string, std::string>> &code_table(const std::string &file) const;
    // Whether any code table restricts the code: a clean document leaves it out.
    bool in_code_table(const std::string &code) const { return code_table_codes_.count(code) > 0; }
    // Whether a stacked pack's catalog restricts the code (gender, age, days,
    // indications): a plant of another rule leaves it out.
    bool stacked_catalog_restricts(const std::string &code) const { return stacked_restricted_.count(code) > 0; }

private:
    void load_catalog(const std::string &file);
    void load_retest(const std::string &file);
    void load_code_sets(const std::string &file);
    void load_limits(const std::string &file);
    void load_code_tables(const std::string &pack_dir, bool to_plant);
    void load_stacked_restrictions(const std::string &catalog_file);
    void load_charge_pairs(const std::string &file);
    void load_frequencies(const std::string &pack_dir, bool to_plant);

    std::vector<CatalogRow> catalog_;
    std::map<std::string, size_t> by_code_;
    std::map<std::string, std::pair<std::string, int>> retest_;  // code -> group, interval
    std::map<std::string, std::vector<std::string>> code_sets_;  // set -> normalised prefixes
    std::map<std::string, int> limits_;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> code_tables_;  // file -> rows
    std::set<std::string> code_table_codes_;
    std::set<std::string> stacked_restricted_;
    std::vector<std::pair<std::string, std::string>> charge_pairs_;     // code, paired code
    std::map<std::string, std::vector<std::string>> charge_partners_;  // both ways
    std::map<std::string, FrequencyLimit> frequency_limits_;
    std::vector<std::string> frequency_codes_;
};

// DUP-DRUG's notion of one drug: a western drug's generic (the first 10 of
// its 23 characters), else the code itself.
std::string generic_key(const std::string &code);

}  // namespace workload
