#include "sha256.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace medlint {
namespace {

constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t big_endian(const unsigned char *bytes) {
    return uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | uint32_t(bytes[3]);
}

// The message schedule in a ring of sixteen words: word i of the 64 from the sixteen before it.
inline void schedule(uint32_t (&w)[16], int i) {
    uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
    uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
    uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
    w[i & 15] += s0 + w[(i - 7) & 15] + s1;
}

// Round I.  The working variables are not shifted along: round I finds its
// a at v[-I mod 8], so every index is a constant and the compiler keeps
// the eight in registers.
template <int I>
inline void one_round(uint32_t (&v)[8], uint32_t (&w)[16]) {
    if constexpr (I >= 16) schedule(w, I);
    uint32_t a = v[(0 - I) & 7], b = v[(1 - I) & 7], c = v[(2 - I) & 7], e = v[(4 - I) & 7];
    uint32_t f = v[(5 - I) & 7], g = v[(6 - I) & 7], h = v[(7 - I) & 7];
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + (g ^ (e & (f ^ g))) + kRound[I] + w[I & 15];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) | (c & (a | b)));
    v[(3 - I) & 7] += t1;      // d
    v[(7 - I) & 7] = t1 + t2;  // h, the next round's a
}

template <int... I>
inline void all_rounds(uint32_t (&v)[8], uint32_t (&w)[16], std::integer_sequence<int, I...>) {
    (one_round<I>(v, w), ...);
}

void compress(std::array<uint32_t, 8> &state, const unsigned char *block) {
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) w[i] = big_endian(block + 4 * i);
    uint32_t v[8];
    std::copy(state.begin(), state.end(), v);
    all_rounds(v, w, std::make_integer_sequence<int, 64>());
    for (int i = 0; i < 8; ++i) state[i] += v[i];
}

constexpr size_t kBlock = 64;

std::string to_hex(const Sha256Digest &digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex(2 * digest.size(), '\0');
    for (size_t i = 0; i < digest.size(); ++i) {
        hex[2 * i] = kDigits[digest[i] >> 4];
        hex[2 * i + 1] = kDigits[digest[i] & 15];
    }
    return hex;
}

}  // namespace

Sha256 &Sha256::update(std::string_view data) {
    if (data.empty()) return *this;
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    size_t size = data.size();
    length_ += size;
    if (buffered_ > 0) {
        size_t taken = std::min(size, kBlock - buffered_);
        std::memcpy(block_ + buffered_, bytes, taken);
        buffered_ += taken, bytes += taken, size -= taken;
        if (buffered_ < kBlock) return *this;
        compress(state_, block_);
        buffered_ = 0;
    }
    for (; size >= kBlock; bytes += kBlock, size -= kBlock) compress(state_, bytes);
    if (size > 0) std::memcpy(block_, bytes, size);
    buffered_ = size;
    return *this;
}

Sha256Digest Sha256::finish() const {
    Sha256 last = *this;
    unsigned char tail[2 * kBlock] = {0x80};
    size_t padding = (buffered_ < kBlock - 8 ? kBlock : 2 * kBlock) - buffered_ - 8;
    uint64_t bits = length_ * 8;
    for (int i = 0; i < 8; ++i) tail[padding + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    last.update(std::string_view(reinterpret_cast<const char *>(tail), padding + 8));
    Sha256Digest digest;
    for (int i = 0; i < 32; ++i) digest[i] = static_cast<unsigned char>(last.state_[i / 4] >> (24 - 8 * (i % 4)));
    return digest;
}

Sha256Digest sha256(std::string_view data) { return Sha256().update(data).finish(); }

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

// RFC 2104: H((K ^ opad) || H((K ^ ipad) || message)), K padded to the 64-byte block.
HmacSha256::HmacSha256(std::string_view key) {
    unsigned char block[kBlock] = {};
    if (key.size() > kBlock) {
        Sha256Digest hashed = sha256(key);
        std::copy(hashed.begin(), hashed.end(), block);
    } else {
        std::copy(key.begin(), key.end(), block);
    }
    unsigned char inner[kBlock], outer[kBlock];
    for (size_t i = 0; i < kBlock; ++i) inner[i] = block[i] ^ 0x36, outer[i] = block[i] ^ 0x5c;
    inner_.update(std::string_view(reinterpret_cast<const char *>(inner), kBlock));
    outer_.update(std::string_view(reinterpret_cast<const char *>(outer), kBlock));
}

std::string HmacSha256::hex(std::string_view message) const {
    Sha256Digest inner_digest = Sha256(inner_).update(message).finish();
    return to_hex(Sha256(outer_)
                      .update(std::string_view(reinterpret_cast<const char *>(inner_digest.data()), inner_digest.size()))
                      .finish());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) { return HmacSha256(key).hex(message); }

}  // namespace medlint
