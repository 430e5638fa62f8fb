// SHA-256 (FIPS 180-4) for the audit-log hash chain and stable finding ids.
#pragma once
#include <string>
#include <string_view>

namespace medlint {

// The digest of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace medlint
