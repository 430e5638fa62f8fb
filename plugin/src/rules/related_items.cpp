#include <algorithm>

#include "rule.hpp"

namespace medlint {

bool CodeMatch::matches(const std::string &code) const {
    if (!prefix.empty()) return code.compare(0, prefix.size(), prefix) == 0;
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::string item_label(const Item &item) { return item.name.empty() ? item.code : item.name; }

std::vector<PastItem> related_items(const RuleContext &context, const Item &item, const CodeMatch &match, Date from,
                                    Date to, std::optional<Date> lasting_on) {
    const Document &document = context.document;
    std::vector<PastItem> out;
    auto committed = [&](const std::string &code, bool prefix) {
        for (auto &past : context.history.items(context.patient_key, {code, prefix, from, to, lasting_on}))
            if (!is_document_line(document, past)) out.push_back(std::move(past));
    };
    if (!match.prefix.empty()) committed(match.prefix, true);
    for (const auto &code : match.codes) committed(code, false);

    // Lines of this document count when earlier by date, or on the same date and higher up.
    const size_t position = static_cast<size_t>(&item - document.items.data());
    for (size_t i = 0; i < document.items.size(); ++i) {
        const Item &line = document.items[i];
        bool earlier = line.date < item.date || (line.date == item.date && i < position);
        bool lasting = !lasting_on || *lasting_on < line.date + line.days;
        if (earlier && lasting && match.matches(line.code) && from <= line.date && line.date <= to)
            out.push_back({document.encounter.id, document.institution.code, line.id, line.kind, line.code, line.name,
                           line.date, line.days, line.quantity});
    }
    return out;
}

}  // namespace medlint
