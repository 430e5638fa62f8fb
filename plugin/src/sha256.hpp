// SHA-256 (FIPS 180-4) for the audit-log hash chain and stable finding ids,
// and HMAC-SHA-256 (RFC 2104) for the store's keyed identity digests.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace medlint {

using Sha256Digest = std::array<unsigned char, 32>;

// A digest fed in pieces, so that a message need not be copied into one
// string first, and a keyed HMAC can start from its key's hashed block.
class Sha256 {
public:
    Sha256 &update(std::string_view data);
    Sha256Digest finish() const;

private:
    std::array<uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    unsigned char block_[64] = {};
    size_t buffered_ = 0;  // bytes of block_ filled
    uint64_t length_ = 0;  // bytes fed in all
};

// HMAC-SHA-256 under one key: the key's inner and outer blocks are hashed
// once, not again for every message.
class HmacSha256 {
public:
    explicit HmacSha256(std::string_view key);
    // The keyed digest of `message`, as 64 lower-case hex digits.
    std::string hex(std::string_view message) const;

private:
    Sha256 inner_, outer_;
};

Sha256Digest sha256(std::string_view data);
// The digest of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);
// The keyed digest of `message` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace medlint
