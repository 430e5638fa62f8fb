// medlint serve's counters, in the Prometheus text format for GET /metrics.
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace medlint::cli {

class Metrics {
public:
    // One answered request.  `path` is one of the served paths or "other";
    // `operation` is the response's, "" for requests other than calls.
    void record(const std::string &path, const std::string &operation, unsigned status,
                std::chrono::microseconds duration, const std::vector<std::string> &finding_rules);

    // The exposition, with the open connections at the time of asking.
    std::string text(size_t open_connections) const;

private:
    static constexpr std::array<double, 14> kBucketSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                              0.025,  0.05,    0.1,    0.25,  0.5,   1.0,   5.0};
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> requests_;
    std::map<std::string, uint64_t> findings_;
    std::array<uint64_t, kBucketSeconds.size()> buckets_{};  // not cumulative; summed when shown
    uint64_t count_ = 0;
    double sum_seconds_ = 0;
};

}  // namespace medlint::cli
