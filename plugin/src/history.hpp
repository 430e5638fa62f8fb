// What later checks read of the committed records: the patient's earlier
// items, identities and stays.  The store provides it; rules read it.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "dates.hpp"
#include "identity_key.hpp"

namespace medlint {

// Whose committed records a check reads: the requesting document's
// institution's only (its institution/@code, "" for a document without one),
// or with `alliance` (<store share="alliance"/>) every institution's in the
// store.  An encounter is known by its institution and its id.
struct HistoryScope {
    std::string institution;
    bool alliance = false;
};

// An identity committed at another encounter, as the store keeps it: digests.
struct SeenIdentity {
    std::string encounter, institution;
    Date date;  // the encounter's: its admission, else its first item
    IdentityDigest digest;
};

struct Stay {
    std::string encounter, institution;
    Date admitted;
    std::optional<Date> discharged;
    std::string primary_diagnosis;
};

// An item of the patient's: committed earlier, or on an earlier line of this document.
struct PastItem {
    std::string encounter, institution, item_id, kind, code, name;
    Date date;
    int days = 0;
    double quantity = 1;
};

// A look-up of the patient's committed items: those with this code, or whose
// code starts with it when `prefix`, dated within [from, to]; with
// `lasting_on`, only those whose supply (date + days) still lasts on that day.
struct ItemQuery {
    std::string code;
    bool prefix = false;
    Date from, to;
    std::optional<Date> lasting_on;
    // Whether the item is one the query asks for, as the stores' SQL decides
    // it: a code from `code` to `code` + "~" for a prefix ('~' sorts after
    // every ASCII code that starts with it), which is `code` and then at
    // most "~".
    bool matches(const PastItem &item) const {
        std::string_view item_code = item.code;
        bool code_matches = prefix ? item_code.substr(0, code.size()) == code && item_code.substr(code.size()) <= "~"
                                   : item_code == code;
        return code_matches && from <= item.date && item.date <= to &&
               (!lasting_on || item.days > *lasting_on - item.date);
    }
    friend bool operator<(const ItemQuery &a, const ItemQuery &b) {
        return std::tie(a.code, a.prefix, a.from, a.to, a.lasting_on) <
               std::tie(b.code, b.prefix, b.from, b.to, b.lasting_on);
    }
};

// Committed records of other encounters, as the store holds them, within the
// scope of the check (HistoryScope): `except_encounter` is an encounter of the
// requesting institution.
class History {
public:
    virtual ~History() = default;
    // The patient's committed items that the query asks for, by date.
    virtual std::vector<PastItem> items(const std::string &patient_key, const ItemQuery &query) = 0;
    // Each name, gender and birth date the patient was committed under at
    // other encounters, once, with its latest encounter; latest first.
    virtual std::vector<SeenIdentity> identities(const std::string &patient_key,
                                                 const std::string &except_encounter) = 0;
    // An identity in the form identities() gives, to compare with them.
    virtual IdentityDigest digest(const std::string &patient_key, const Identity &identity) = 0;
    virtual std::vector<Stay> inpatient_stays(const std::string &patient_key, const std::string &except_encounter) = 0;
    // The items committed earlier under this encounter id at the requesting
    // institution (a stay committed day by day).
    virtual std::vector<PastItem> encounter_items(const std::string &encounter) = 0;
};

}  // namespace medlint
