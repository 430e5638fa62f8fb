// SHA-256 (FIPS 180-4) for the audit-log hash chain and stable finding ids,
// and HMAC-SHA-256 (RFC 2104) for the store's keyed identity digests.
#pragma once
#include <array>
#include <string>
#include <string_view>

namespace medlint {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);
// The digest of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);
// The keyed digest of `message` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace medlint
