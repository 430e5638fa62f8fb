// The installation's secret that the store hashes patient identities under
// (docs/privacy.md): a stolen store without its key file does not say who
// the patients are.  The key file and every digest are made here, so that any
// store backend hashes alike.
#pragma once
#include <string>

#include "request.hpp"
#include "sha256.hpp"

namespace medlint {

// An identity as the store records it: keyed digests, "" where the field is
// not known (no name, gender U, no birth date), so that it is not compared.
struct IdentityDigest {
    std::string name, gender, birth_date;
};

class IdentityKey {
public:
    static constexpr size_t kBytes = 32;

    // The key in the file at `path`.  When there is no file and `may_create`,
    // a new random key is written there first, with mode 0600; two processes
    // that make one at once end up with the same.  Throws MEDLINT_ESTORE.
    static IdentityKey load(const std::string &path, bool may_create);

    // Writes this key to a new key file at `path` (mode 0600), for a copy of
    // the store; true when it made the file, false when the file there
    // holds this key already.  Throws MEDLINT_ESTORE when it holds another.
    bool write_to(const std::string &path) const;

    // How the store knows a patient: a digest of the id type and number.
    std::string patient_key(const std::string &id_type, const std::string &id) const;
    // The same from a patient key as schema 3 stored it, "<id-type>:<id>".
    std::string patient_key(const std::string &plain_key) const;
    // The patient's identity fields, each digested with the patient key so
    // that equal names of different patients do not show as equal.
    IdentityDigest digest(const std::string &patient_key, const Identity &identity) const;
    // One field ("name", "gender" or "birth-date") of digest(), from its text.
    std::string digest_field(const std::string &field, const std::string &patient_key, const std::string &value) const;
    // A value that tells this key from another and says nothing about it.
    std::string check_value() const;
    const std::string &path() const { return path_; }

private:
    IdentityKey(std::string path, std::string secret)
        : path_(std::move(path)), secret_(std::move(secret)), keyed_(secret_) {}
    std::string path_, secret_;
    HmacSha256 keyed_;  // under secret_
};

// Names compare without ASCII or ideographic spaces, which HIS entry adds freely.
std::string comparable_name(const std::string &name);

}  // namespace medlint
