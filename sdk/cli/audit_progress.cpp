#include "audit_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace medlint::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(250);
constexpr size_t kBarWidth = 24;

// "1:05" or "2:03:07"
std::string duration_text(long long seconds) {
    char text[32];
    if (seconds >= 3600)
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
    else std::snprintf(text, sizeof text, "%lld:%02lld", seconds / 60, seconds % 60);
    return text;
}

}  // namespace

ProgressBar::ProgressBar(size_t total, const std::atomic<size_t> &done, const std::atomic<bool> &interrupted)
    : total_(total), done_(done), interrupted_(interrupted) {
    if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { redraw_until_stopped(); });
}

ProgressBar::~ProgressBar() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    stop_requested_.notify_one();
    thread_.join();
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
}

void ProgressBar::redraw_until_stopped() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_requested_.wait_for(lock, kRedrawEvery, [this] { return stop_; })) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        // \033[K clears what a longer earlier line left.
        std::fprintf(stderr, "\r%s\033[K", line(seconds).c_str());
        std::fflush(stderr);
    }
}

std::string ProgressBar::line(double seconds) const {
    size_t done = done_.load();
    if (interrupted_.load())
        return "interrupted: finishing the documents in hand, then writing the reports (Ctrl-C again to quit now)";
    size_t filled = total_ ? kBarWidth * done / total_ : kBarWidth;
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    std::string text = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " +
                       std::to_string(done) + "/" + std::to_string(total_) + " documents, " +
                       std::to_string(static_cast<long long>(rate)) + "/s";
    if (rate > 0)
        text += ", " + duration_text(static_cast<long long>(static_cast<double>(total_ - done) / rate)) + " left";
    return text;
}

}  // namespace medlint::cli
