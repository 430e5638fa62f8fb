// serve's options, checked and given their defaults.
#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "options.hpp"

namespace medlint::cli {

struct ServeSettings {
    std::string host;  // a name or an address, without IPv6 brackets
    std::string port;  // digits; 0 lets the system choose
    int threads = 1;
    size_t max_connections = 256;
    std::chrono::seconds read_timeout{10};  // for a request's header, and again for its body
    std::chrono::seconds idle_timeout{30};  // for a kept-alive connection between requests
    std::optional<std::string> config, token_file, tls_cert, tls_key;
    bool insecure_no_auth = false;
};

// The largest request body served: larger ones get 413.
constexpr size_t kMaxRequestBody = 32u << 20;

// Throws UsageError naming the option that is missing or wrong.
ServeSettings serve_settings(const Invocation &invocation);

}  // namespace medlint::cli
