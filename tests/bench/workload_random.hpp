// The workload generator's random numbers: xoshiro256** seeded by splitmix64,
// and integer-only mapping onto ranges.  std:: engines are portable but the
// std:: distributions are not (each standard library maps differently), so
// nothing here uses them: the same seed gives the same bytes on any machine.
#pragma once
#include <cstdint>
#include <vector>

namespace workload {

class Random {
public:
    explicit Random(std::uint64_t seed) {
        for (auto &word : state_) word = splitmix64(seed);
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, n), n > 0: rejection keeps it exactly uniform.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
        for (;;) {
            std::uint64_t r = next();
            if (r >= threshold) return r % n;
        }
    }

    // Uniform in [low, high], both included.
    long between(long low, long high) {
        return low + static_cast<long>(below(static_cast<std::uint64_t>(high - low) + 1));
    }

    // True with probability per_mille / 1000.
    bool chance(unsigned per_mille) { return below(1000) < per_mille; }

    template <class T>
    const T &pick(const std::vector<T> &from) {
        return from[static_cast<size_t>(below(from.size()))];
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    static std::uint64_t splitmix64(std::uint64_t &x) {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_[4];
};

}  // namespace workload
