#include "knowledge.hpp"

#include <pugixml.hpp>

#include <dirent.h>

#include <algorithm>

#include <fstream>
#include <sstream>

#include "csv.hpp"
#include "error.hpp"
#include "xml_input.hpp"

namespace medlint {
namespace {

std::string points_key(std::string_view profile, std::string_view rule_id) {
    return std::string(profile) + '\n' + std::string(rule_id);
}

bool is_text_file(const std::string &name) {
    auto ends_with = [&](const char *suffix) {
        std::string s(suffix);
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends_with(".csv") || name == "pack.xml";
}

PackInfo read_pack_xml(const PackFiles &files, const std::string &origin) {
    auto found = files.find("pack.xml");
    if (found == files.end()) fail(MEDLINT_ECONFIG, origin + ": rule pack has no pack.xml");
    XmlSource source(found->second, origin + "/pack.xml", MEDLINT_ECONFIG);
    Element root(source, source.root(), MEDLINT_ECONFIG);
    if (std::string(root.name()) != "pack") root.error("is not <pack>; pack.xml must have a <pack> root");
    return {root.required("id"), root.required("version"), root.optional("jurisdiction"), origin};
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

}  // namespace

PackFiles read_pack_directory(const std::string &directory) {
    DIR *dir = opendir(directory.c_str());
    if (!dir) fail(MEDLINT_ECONFIG, directory + ": rule pack folder cannot be opened");
    PackFiles files;
    while (dirent *entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (!is_text_file(name)) continue;
        std::ifstream in(directory + "/" + name, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        if (!in) {
            closedir(dir);
            fail(MEDLINT_ECONFIG, directory + "/" + name + ": cannot be read");
        }
        files[name] = content.str();
    }
    closedir(dir);
    return files;
}

void Knowledge::add_pack(const PackFiles &files, const std::string &origin) {
    Knowledge next = *this;  // all or nothing: build beside, then swap
    next.packs_.push_back(read_pack_xml(files, origin));

    std::optional<CsvTable> rules_csv, messages_csv, points_csv;
    if (auto csv = table(files, "rules.csv", rules_csv, origin)) {
        csv->require_columns({"rule", "severity", "certainty"});
        for (const auto &row : csv->rows())
            next.rules_[nonempty(*csv, row, "rule")] =
                RuleMeta{checked(*csv, row, "severity", {"info", "warning", "block"}),
                         checked(*csv, row, "certainty", {"definite", "suspected"}), csv->cell(row, "basis_zh"),
                         csv->cell(row, "basis_en")};
    }
    if (auto csv = table(files, "messages.csv", messages_csv, origin)) {
        csv->require_columns({"key", "zh", "en"});
        for (const auto &row : csv->rows())
            next.texts_[nonempty(*csv, row, "key")] = Texts{nonempty(*csv, row, "zh"), nonempty(*csv, row, "en")};
    }
    if (auto csv = table(files, "points.csv", points_csv, origin)) {
        csv->require_columns({"profile", "rule", "points"});
        for (const auto &row : csv->rows()) {
            next.points_[points_key(nonempty(*csv, row, "profile"), nonempty(*csv, row, "rule"))] =
                PointValue{whole_points(*csv, row), csv->cell(row, "clause")};
        }
    }
    std::optional<CsvTable> thresholds_csv;
    if (auto csv = table(files, "thresholds.csv", thresholds_csv, origin)) {
        csv->require_columns({"profile", "points", "standing"});
        for (const auto &row : csv->rows()) {
            auto &list = next.thresholds_[nonempty(*csv, row, "profile")];
            int points = whole_points(*csv, row);
            std::string standing = checked(*csv, row, "standing", {"warned", "suspended", "terminated"});
            list.erase(std::remove_if(list.begin(), list.end(), [&](const Threshold &t) { return t.points == points; }),
                       list.end());
            list.push_back({points, standing});
            std::sort(list.begin(), list.end(), [](const Threshold &a, const Threshold &b) { return a.points < b.points; });
        }
    }
    *this = std::move(next);
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

const std::string *Knowledge::text(std::string_view key, std::string_view lang) const {
    auto found = texts_.find(key);
    if (found == texts_.end()) return nullptr;
    return lang == "en" ? &found->second.en : &found->second.zh;
}

std::optional<PointValue> Knowledge::points(std::string_view profile, std::string_view rule_id) const {
    auto found = points_.find(points_key(profile, rule_id));
    if (found == points_.end()) return std::nullopt;
    return found->second;
}

bool Knowledge::has_profile(std::string_view profile) const { return thresholds_.find(profile) != thresholds_.end(); }

std::string Knowledge::standing_for_points(std::string_view profile, int points) const {
    std::string standing = "active";
    auto found = thresholds_.find(profile);
    if (found == thresholds_.end()) return standing;
    for (const auto &threshold : found->second)
        if (points >= threshold.points) standing = threshold.standing;
    return standing;
}

void Knowledge::require_rules(const std::vector<std::string> &rule_ids) const {
    for (const auto &id : rule_ids)
        if (!rule(id))
            fail(MEDLINT_ECONFIG, "no loaded rule pack describes rule " + id + " (rules.csv has no row for it)");
}

}  // namespace medlint
