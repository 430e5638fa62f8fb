// The progress line of an audit on standard error.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace medlint::cli {

// While it lives, redraws a line on standard error four times a second:
// documents done of all, documents per second and the time left, or that the
// run is stopping after Ctrl-C.  Only on a terminal: a log file or a pipe
// gets nothing.
class ProgressBar {
public:
    ProgressBar(size_t total, const std::atomic<size_t> &done, const std::atomic<bool> &interrupted);
    ~ProgressBar();  // clears the line
    ProgressBar(const ProgressBar &) = delete;
    ProgressBar &operator=(const ProgressBar &) = delete;

private:
    void redraw_until_stopped();
    std::string line(double seconds) const;

    size_t total_;
    const std::atomic<size_t> &done_;
    const std::atomic<bool> &interrupted_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stop_ = false;
    std::thread thread_;  // last: it starts once the members it reads are ready
};

}  // namespace medlint::cli
