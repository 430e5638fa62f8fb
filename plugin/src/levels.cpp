#include "levels.hpp"

#include <array>
#include <cstddef>

namespace medlint {
namespace {

// The names of each enum, in the order of its values.
constexpr std::array<const char *, 4> kSeverities{"pass", "info", "warning", "block"};
constexpr std::array<const char *, 2> kCertainties{"definite", "suspected"};
constexpr std::array<const char *, 4> kStandings{"active", "warned", "suspended", "terminated"};

template <class Level, size_t count>
std::optional<Level> named(const std::array<const char *, count> &names, std::string_view name) {
    for (size_t value = 0; value < count; ++value)
        if (name == names[value]) return static_cast<Level>(value);
    return std::nullopt;
}

}  // namespace

const char *to_string(Severity severity) { return kSeverities.at(static_cast<size_t>(severity)); }
const char *to_string(Certainty certainty) { return kCertainties.at(static_cast<size_t>(certainty)); }
const char *to_string(Standing standing) { return kStandings.at(static_cast<size_t>(standing)); }

template <>
std::optional<Severity> level_named(std::string_view name) {
    return named<Severity>(kSeverities, name);
}
template <>
std::optional<Certainty> level_named(std::string_view name) {
    return named<Certainty>(kCertainties, name);
}
template <>
std::optional<Standing> level_named(std::string_view name) {
    return named<Standing>(kStandings, name);
}

}  // namespace medlint
