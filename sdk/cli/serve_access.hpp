// Who may call medlint serve: the bearer tokens of the token file.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace medlint::cli {

class AccessTokens {
public:
    // Reads the token file: one token a line, or its SHA-256 as 64 hex
    // digits; blank lines and lines starting with # are skipped.  Throws
    // std::runtime_error when the file is readable or writable by its group
    // or others, cannot be read, holds no token, or holds a token shorter
    // than 16 characters (too easy to guess).
    static AccessTokens from_file(const std::string &path);

    // Whether an Authorization header value, "Bearer TOKEN", names a token of
    // the file.  Compares digests in constant time, against every token.
    bool admits(std::string_view authorization) const;

private:
    using Digest = std::array<unsigned char, 32>;
    std::vector<Digest> digests_;
};

// Throws std::runtime_error when the file at `path` is readable or writable
// by its group or others: it holds a secret.  `what` names it in the message.
void require_private_file(const std::string &path, const char *what);

}  // namespace medlint::cli
