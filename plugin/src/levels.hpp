// The ranked words of the contract: a finding's severity and certainty, a
// physician's standing.  Each is an enum whose order is its rank, parsed
// once where it enters (rule packs) and printed by to_string().
#pragma once
#include <optional>
#include <string_view>

namespace medlint {

// A finding's severity, and a result's status (the worst of its findings' severities, or pass).
enum class Severity { pass, info, warning, block };
enum class Certainty { definite, suspected };
// A physician's standing under the policy profile, from no sanction to the worst.
enum class Standing { active, warned, suspended, terminated };

const char *to_string(Severity severity);
const char *to_string(Certainty certainty);
const char *to_string(Standing standing);

// The value of `Level` whose to_string() is `name`; nullopt for any other text.
template <class Level>
std::optional<Level> level_named(std::string_view name);
template <>
std::optional<Severity> level_named(std::string_view name);
template <>
std::optional<Certainty> level_named(std::string_view name);
template <>
std::optional<Standing> level_named(std::string_view name);

}  // namespace medlint
