// An engine: configuration, merged rule packs and the store.  Immutable after
// opening except for the store, which guards itself, so many host threads
// may call one engine at once.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"
#include "knowledge.hpp"
#include "store.hpp"

namespace medlint {

class Engine {
public:
    explicit Engine(const Config &config);  // throws MEDLINT_ECONFIG or MEDLINT_ESTORE

    // Performs one operation; returns the response document.  Throws Error
    // with the code and message for the <error> document.  With `only`, the
    // request must be that operation (a root element name), else it is
    // refused before anything is read or written; a <check> or <commit>
    // document is performed as `only` says.
    std::string call(std::string_view request_bytes, std::optional<std::string_view> only = std::nullopt);
    // The contract's <check> request for a national 3101 or 3102 envelope
    // (medlint_translate): what call() would check, as XML.  Throws Error
    // MEDLINT_EPARSE for any other request, naming the JSON path at fault.
    std::string translate(std::string_view request_bytes) const;

    const Config &config() const { return config_; }
    Store &store() { return *store_; }
    // The rule packs as loaded now; a call keeps the snapshot it started with.
    std::shared_ptr<const Knowledge> knowledge() const { return std::atomic_load(&knowledge_); }
    // Reads the configured packs again.  On failure throws MEDLINT_ECONFIG and
    // keeps the packs it had.
    void reload();

private:
    Config config_;
    std::shared_ptr<const Knowledge> knowledge_;
    std::unique_ptr<Store> store_;
};

}  // namespace medlint
