#include "store_copy.hpp"

#include <medlint/medlint.hpp>
#include <pugixml.hpp>

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "render.hpp"

namespace medlint::cli {
namespace {

bool is_url(const std::string &store) {
    return store.rfind("postgresql://", 0) == 0 || store.rfind("postgres://", 0) == 0;
}

// A private folder (mode 0700: a URI may hold a password) for the two
// configurations the copy is made with, removed with them.
class PrivateFolder {
public:
    PrivateFolder() {
        std::string pattern = (std::filesystem::temp_directory_path() / "medlint-store-copy-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("cannot make a temporary folder: " + std::string(std::strerror(errno)));
        path_ = pattern;
    }
    ~PrivateFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    PrivateFolder(const PrivateFolder &) = delete;
    PrivateFolder &operator=(const PrivateFolder &) = delete;
    std::string file(const char *name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// Writes to `path` a configuration whose <store> is `store`, with the key
// file `key`, else, for a SQLite file, the one beside it; the options'
// names say which store an error is about.  Paths are made absolute: the
// configuration lies in another folder.
std::string write_config(const std::string &path, const std::string &store, const std::optional<std::string> &key,
                         const char *store_option, const char *key_option) {
    pugi::xml_document document;
    pugi::xml_node element = document.append_child("medlint").append_child("store");
    if (is_url(store)) {
        if (!key)
            throw UsageError(std::string(store_option) + " is a PostgreSQL URI: " + key_option +
                             " FILE must name its key file on this machine");
        element.append_attribute("url") = store.c_str();
    } else {
        element.append_attribute("path") = std::filesystem::absolute(store).c_str();
    }
    if (key) element.append_attribute("key") = std::filesystem::absolute(*key).c_str();
    if (!document.save_file(path.c_str())) throw std::runtime_error("cannot write the configuration " + path);
    return path;
}

}  // namespace

int copy_store(const Invocation &invocation) {
    if (!invocation.from || !invocation.to)
        throw UsageError("store copy needs --from FILE_OR_URL and --to FILE_OR_URL, the store to copy and the new one");
    // Opening a store file that is not there would make a new, empty one.
    if (!is_url(*invocation.from) && !std::filesystem::is_regular_file(*invocation.from))
        throw std::runtime_error("--from " + *invocation.from + ": there is no store file there");
    PrivateFolder folder;
    std::string source = write_config(folder.file("from.xml"), *invocation.from, invocation.from_key, "--from", "--from-key");
    std::string target = write_config(folder.file("to.xml"), *invocation.to, invocation.key, "--to", "--key");
    medlint::engine engine = open_engine(source);
    pugi::xml_document response;
    pugi::xml_node result =
        response_root(engine.call(operation_request("store-copy", {{"to", target}})), response, "store-copy-result");
    print_store_copy(std::cout, result, Palette::for_stdout());
    return result.attribute("intact").as_bool() ? kExitPass : kExitBlock;
}

}  // namespace medlint::cli
