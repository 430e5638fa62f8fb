#include "serve_access.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace medlint::cli {
namespace {

constexpr size_t kShortestToken = 16;

std::array<unsigned char, 32> sha256(std::string_view text) {
    std::array<unsigned char, 32> digest{};
    SHA256(reinterpret_cast<const unsigned char *>(text.data()), text.size(), digest.data());
    return digest;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A line of 64 hex digits is a token's SHA-256, so that the file need not
// hold the secret itself.
bool read_hex_digest(std::string_view line, std::array<unsigned char, 32> &digest) {
    if (line.size() != 64) return false;
    for (size_t i = 0; i < 32; ++i) {
        int high = hex_value(line[2 * i]), low = hex_value(line[2 * i + 1]);
        if (high < 0 || low < 0) return false;
        digest[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return true;
}

std::string_view trimmed(std::string_view text) {
    const char *blanks = " \t\r";
    size_t first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace

void require_private_file(const std::string &path, const char *what) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0)
        throw std::runtime_error(std::string("cannot read the ") + what + " " + path + ": " + std::strerror(errno));
    if (status.st_mode & (S_IRWXG | S_IRWXO)) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        throw std::runtime_error("the " + std::string(what) + " " + path + " has mode " + mode +
                                 ": its group and others may read it; chmod 600 it");
    }
}

AccessTokens AccessTokens::from_file(const std::string &path) {
    require_private_file(path, "token file");
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot read the token file " + path + ": " + std::strerror(errno));
    AccessTokens tokens;
    int number = 0;
    for (std::string text; std::getline(file, text);) {
        ++number;
        std::string_view line = trimmed(text);
        if (line.empty() || line.front() == '#') continue;
        Digest digest;
        if (!read_hex_digest(line, digest)) {
            if (line.size() < kShortestToken)
                throw std::runtime_error(path + ":" + std::to_string(number) + ": a token of " +
                                         std::to_string(line.size()) + " characters; at least " +
                                         std::to_string(kShortestToken) + " are needed");
            digest = sha256(line);
        }
        tokens.digests_.push_back(digest);
    }
    if (tokens.digests_.empty()) throw std::runtime_error("the token file " + path + " holds no token");
    return tokens;
}

bool AccessTokens::admits(std::string_view authorization) const {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.substr(0, kScheme.size()) != kScheme) return false;
    Digest presented = sha256(trimmed(authorization.substr(kScheme.size())));
    // Every digest is compared, so the time taken says nothing of which matched.
    bool admitted = false;
    for (const auto &digest : digests_)
        admitted |= CRYPTO_memcmp(presented.data(), digest.data(), digest.size()) == 0;
    return admitted;
}

}  // namespace medlint::cli
