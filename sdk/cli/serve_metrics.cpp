#include "serve_metrics.hpp"

#include <algorithm>
#include <sstream>

namespace medlint::cli {
namespace {

// A label value as the text format needs it.
std::string escaped(const std::string &value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void header(std::ostringstream &out, const char *name, const char *type, const char *help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::record(const std::string &path, const std::string &operation, unsigned status,
                     std::chrono::microseconds duration, const std::vector<std::string> &finding_rules) {
    double seconds = static_cast<double>(duration.count()) / 1e6;
    size_t bucket = static_cast<size_t>(
        std::lower_bound(kBucketSeconds.begin(), kBucketSeconds.end(), seconds) - kBucketSeconds.begin());
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{path, operation, status}];
    for (const auto &rule : finding_rules) ++findings_[rule];
    if (bucket < buckets_.size()) ++buckets_[bucket];
    ++count_;
    sum_seconds_ += seconds;
}

std::string Metrics::text(size_t open_connections) const {
    std::ostringstream out;
    std::lock_guard<std::mutex> lock(mutex_);
    header(out, "medlint_http_requests_total", "counter",
           "Requests answered, by path, operation (the response's root element without -result) and status.");
    for (const auto &[key, count] : requests_) {
        const auto &[path, operation, status] = key;
        out << "medlint_http_requests_total{path=\"" << escaped(path) << "\",operation=\"" << escaped(operation)
            << "\",status=\"" << status << "\"} " << count << '\n';
    }
    header(out, "medlint_http_request_duration_seconds", "histogram",
           "Time from a request's last byte read to its response ready to send.");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBucketSeconds.size(); ++i) {
        cumulative += buckets_[i];
        out << "medlint_http_request_duration_seconds_bucket{le=\"" << kBucketSeconds[i] << "\"} " << cumulative
            << '\n';
    }
    out << "medlint_http_request_duration_seconds_bucket{le=\"+Inf\"} " << count_ << '\n'
        << "medlint_http_request_duration_seconds_sum " << sum_seconds_ << '\n'
        << "medlint_http_request_duration_seconds_count " << count_ << '\n';
    header(out, "medlint_findings_total", "counter", "Findings in the results of calls, by rule.");
    for (const auto &[rule, count] : findings_)
        out << "medlint_findings_total{rule=\"" << escaped(rule) << "\"} " << count << '\n';
    header(out, "medlint_open_connections", "gauge", "Client connections open now.");
    out << "medlint_open_connections " << open_connections << '\n';
    return out.str();
}

}  // namespace medlint::cli
