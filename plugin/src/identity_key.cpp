#include "identity_key.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "sha256.hpp"

namespace medlint {
namespace {

[[noreturn]] void key_failure(const std::string &path, const std::string &problem) {
    fail(MEDLINT_ESTORE, "store key " + path + " " + problem);
}

std::string random_secret(const std::string &path) {
    std::string secret(IdentityKey::kBytes, '\0');
    size_t filled = 0;
    while (filled < secret.size()) {
        ssize_t got = getrandom(&secret[filled], secret.size() - filled, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) key_failure(path, std::string("cannot be made: no random bytes (") + std::strerror(errno) + ")");
        filled += static_cast<size_t>(got);
    }
    return secret;
}

std::string directory_of(const std::string &path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

// Writes the new key to a file of its own and links it in place: a process
// that reads the key never sees half of it, and when two processes make one
// at once the first link wins and both use its key.
void create_key_file(const std::string &path, const std::string &secret) {
    std::string temporary = path + ".new-" + std::to_string(getpid()) + "-" + sha256_hex(secret).substr(0, 8);
    int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) key_failure(path, std::string("cannot be created: ") + std::strerror(errno));
    bool written = write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) && fsync(fd) == 0;
    int error = errno;
    close(fd);
    int linked = written ? link(temporary.c_str(), path.c_str()) : -1;
    if (linked != 0 && written) error = errno;
    unlink(temporary.c_str());
    if (!written || (linked != 0 && error != EEXIST))
        key_failure(path, std::string("cannot be written: ") + std::strerror(error));
    // Losing the key makes the history unmatchable: make its name durable too.
    int directory = open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        fsync(directory);
        close(directory);
    }
}

// The key file's bytes; "" when there is no file.
std::string read_key_file(const std::string &path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT) return "";
    if (fd < 0) key_failure(path, std::string("cannot be read: ") + std::strerror(errno));
    struct stat info {};
    char buffer[IdentityKey::kBytes + 1];
    ssize_t got = fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? read(fd, buffer, sizeof buffer) : -1;
    close(fd);
    if (got != static_cast<ssize_t>(IdentityKey::kBytes))
        key_failure(path, "is not a medlint store key (a regular file of " + std::to_string(IdentityKey::kBytes) +
                              " bytes)");
    return std::string(buffer, IdentityKey::kBytes);
}

}  // namespace

IdentityKey IdentityKey::load(const std::string &path, bool may_create) {
    std::string secret = read_key_file(path);
    if (secret.empty() && may_create) {
        create_key_file(path, random_secret(path));
        secret = read_key_file(path);
    }
    if (secret.empty())
        key_failure(path, "is missing, and the store's identities were hashed with it: restore the key file from "
                          "its backup (a new key could not match the patients already in the store)");
    return IdentityKey(path, secret);
}

bool IdentityKey::write_to(const std::string &path) const {
    bool made = read_key_file(path).empty();
    if (made) create_key_file(path, secret_);
    if (read_key_file(path) != secret_)
        key_failure(path, "holds another key than the store being copied, whose patients it could not match: name a "
                          "key file that does not exist yet, or a copy of the store's own");
    return made;
}

std::string IdentityKey::patient_key(const std::string &id_type, const std::string &id) const {
    return patient_key(id_type + ":" + id);
}

std::string IdentityKey::patient_key(const std::string &plain_key) const {
    return keyed_.hex("patient\x1f" + plain_key);
}

IdentityDigest IdentityKey::digest(const std::string &patient_key, const Identity &identity) const {
    return {digest_field("name", patient_key, identity.name), digest_field("gender", patient_key, identity.gender),
            digest_field("birth-date", patient_key, identity.birth_date ? identity.birth_date->str() : "")};
}

std::string IdentityKey::digest_field(const std::string &field, const std::string &patient_key,
                                      const std::string &value) const {
    std::string comparable = field == "name" ? comparable_name(value) : value;
    if (comparable.empty() || (field == "gender" && comparable == "U")) return "";
    return keyed_.hex(field + '\x1f' + patient_key + '\x1f' + comparable);
}

std::string IdentityKey::check_value() const { return keyed_.hex("medlint store key check"); }

std::string comparable_name(const std::string &name) {
    std::string out;
    for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] == ' ' || name[i] == '\t') continue;
        if (name.compare(i, 3, "\xE3\x80\x80") == 0) {
            i += 2;
            continue;
        }
        out += name[i];
    }
    return out;
}

}  // namespace medlint
