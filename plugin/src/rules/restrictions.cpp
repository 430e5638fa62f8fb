// What the consent and catalog-restriction rules share.
#include <algorithm>

#include "../resident_id.hpp"
#include "rule.hpp"

namespace medlint {
namespace {

std::optional<ResidentIdFacts> valid_resident_id(const RuleContext &context) {
    const Patient &patient = context.document.patient;
    if (patient.id_type != "resident-id") return std::nullopt;
    ResidentIdFacts facts = inspect_resident_id(patient.id, context.today);
    if (facts.problem != ResidentIdFacts::Problem::none) return std::nullopt;
    return facts;
}

}  // namespace

std::string known_gender(const RuleContext &context) {
    const std::string &gender = context.document.patient.gender;
    if (gender == "M" || gender == "F") return gender;
    auto facts = valid_resident_id(context);
    return facts ? facts->gender : "";
}

std::optional<Date> known_birth_date(const RuleContext &context) {
    if (context.document.patient.birth_date) return context.document.patient.birth_date;
    auto facts = valid_resident_id(context);
    return facts ? facts->birth_date : std::nullopt;
}

ConsentState consent_for(const Document &document, const Item &item) {
    ConsentState state = ConsentState::none;
    for (const auto &consent : document.consents) {
        if (std::find(consent.items.begin(), consent.items.end(), item.id) == consent.items.end()) continue;
        // A consent without signer or signing time is a form not yet signed.
        if (!consent.signer.empty() && !consent.signed_time.empty()) return ConsentState::is_signed;
        state = ConsentState::unsigned_only;
    }
    return state;
}

LineClass line_class(const Knowledge &knowledge, const Item &item) {
    LineClass line;
    line.entry = knowledge.catalog(item.code);
    if (line.entry) line.catalogue_class = line.entry->item_class;
    else if (item.kind == "drug") line.catalogue_drug = knowledge.catalogue_drug(item.code, item.name);
    if (line.catalogue_drug) line.catalogue_class = line.catalogue_drug->item_class;
    line.item_class = to_string(item.insurance_class);
    if (line.item_class.empty()) line.item_class = line.catalogue_class;
    return line;
}

bool is_unknown_code(const Knowledge &knowledge, const Item &item) {
    return !knowledge.catalog_complete() && !line_class(knowledge, item).known();
}

const CatalogEntry *paid_catalog_entry(const Knowledge &knowledge, const Item &item) {
    if (!knowledge.catalog(item.code)) return nullptr;  // no restriction to break, and no drug to match by name
    LineClass line = line_class(knowledge, item);
    return line.item_class != "C" ? line.entry : nullptr;
}

const CodeRestriction *paid_restriction(const Knowledge &knowledge, CodeTable table, const Item &item) {
    return line_class(knowledge, item).item_class == "C" ? nullptr : knowledge.restriction(table, item.code);
}

std::vector<std::pair<std::string, std::string>> knowledge_point_params(const Item &item, const CodeRestriction &row) {
    return {{"code", item.code}, {"kp", row.kp}, {"batch", row.batch}};
}

std::vector<VariantDeclaration> restriction_variants(std::vector<VariantDeclaration> variants) {
    size_t declared = variants.size();
    for (size_t i = 0; i < declared; ++i) variants.push_back({variants[i].name + "-consented", variants[i].params});
    return variants;
}

Finding restriction_finding(const Document &document, const Item &item, const std::string &rule,
                            const std::string &variant, std::vector<std::pair<std::string, std::string>> params,
                            const std::vector<std::string> &points) {
    params.insert(params.begin(), {"item", item_label(item)});
    return restriction_finding(document, std::vector<const Item *>{&item}, rule, variant, std::move(params), points);
}

Finding restriction_finding(const Document &document, const std::vector<const Item *> &items, const std::string &rule,
                            const std::string &variant, std::vector<std::pair<std::string, std::string>> params,
                            const std::vector<std::string> &points) {
    auto is_signed = [&](const Item *item) { return consent_for(document, *item) == ConsentState::is_signed; };
    bool consented = std::all_of(items.begin(), items.end(), is_signed);
    std::vector<std::string> ids;
    for (const Item *item : items) ids.push_back(item->id);
    Finding finding{rule, consented ? variant + "-consented" : variant, std::move(ids), std::nullopt,
                    consented ? "keep-self-paid" : "obtain-consent", std::move(params)};
    finding.mitigated = consented;
    finding.knowledge_points = points;
    return finding;
}

}  // namespace medlint
