#include "serve_settings.hpp"

#include <algorithm>
#include <thread>

namespace medlint::cli {
namespace {

bool is_digits(const std::string &text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `value` as a whole number from `least` to `most`, or `fallback` when not given.
long whole_number(const std::optional<std::string> &value, const char *option, long least, long most, long fallback) {
    if (!value) return fallback;
    if (!is_digits(*value) || value->size() > 9 || std::stol(*value) < least || std::stol(*value) > most)
        throw UsageError(std::string(option) + " is '" + *value + "'; expected a whole number from " +
                         std::to_string(least) + " to " + std::to_string(most));
    return std::stol(*value);
}

// HOST:PORT, or [IPv6]:PORT.
void read_listen_address(const std::string &listen, ServeSettings &settings) {
    auto refuse = [&] {
        throw UsageError("--listen is '" + listen + "'; expected HOST:PORT, e.g. 127.0.0.1:8787 or [::1]:8787");
    };
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) refuse();
    std::string host = listen.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') refuse();
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        refuse();  // an IPv6 address needs its brackets
    }
    settings.host = host;
    settings.port = listen.substr(colon + 1);
    if (!is_digits(settings.port) || settings.port.size() > 5 || std::stol(settings.port) > 65535) refuse();
}

}  // namespace

ServeSettings serve_settings(const Invocation &invocation) {
    ServeSettings settings;
    if (!invocation.listen) throw UsageError("serve needs --listen HOST:PORT");
    read_listen_address(*invocation.listen, settings);
    long cores = std::max(1u, std::thread::hardware_concurrency());
    settings.threads = static_cast<int>(whole_number(invocation.threads, "--threads", 1, 256, cores));
    settings.max_connections =
        static_cast<size_t>(whole_number(invocation.max_connections, "--max-connections", 1, 100000, 256));
    settings.read_timeout = std::chrono::seconds(whole_number(invocation.read_timeout, "--read-timeout", 1, 3600, 10));
    settings.idle_timeout = std::chrono::seconds(whole_number(invocation.idle_timeout, "--idle-timeout", 1, 3600, 30));
    if (invocation.tls_cert.has_value() != invocation.tls_key.has_value())
        throw UsageError("--tls-cert and --tls-key go together");
    settings.config = invocation.config;
    settings.token_file = invocation.token_file;
    settings.tls_cert = invocation.tls_cert;
    settings.tls_key = invocation.tls_key;
    settings.insecure_no_auth = invocation.insecure_no_auth;
    return settings;
}

}  // namespace medlint::cli
