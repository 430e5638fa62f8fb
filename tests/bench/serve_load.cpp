// medlint_serve_load: N keep-alive clients send M 20-item checks each to a
// `medlint serve` it starts on a free loopback port with a fresh store, and
// it reports the throughput, the latency percentiles and the errors.  The
// clients are connections driven by one thread, so that they take little of
// the machine from the server.  See README.md beside this file.
//
//   medlint_serve_load MEDLINT [--clients N] [--checks M] [--server-threads T]
//                      [--max-seconds S] [--deferred] [--keep]
//
// It is bounded: at most 1024 clients and 1,000,000 checks each, and every
// client stops at the time limit (default 300 s).  Only loopback: the server
// it starts listens on 127.0.0.1.  It prints the server's resident memory
// at the start, every minute and at the end, for a soak.  Exit status: 0
// when every check sent was answered 200 with a passing check result and the
// server exited 0 on SIGTERM, 1 when not, 2 on a usage or setup error; a run
// stopped at the time limit is no error.  It never judges the times.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "visit_request.hpp"

extern char **environ;

namespace {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string medlint;
    long clients = 32, checks = 1000, server_threads = 0, max_seconds = 300;
    bool deferred = false, keep = false;
};

[[noreturn]] void usage_error(const std::string &message) {
    std::fprintf(stderr,
                 "medlint_serve_load: %s\n"
                 "usage: medlint_serve_load MEDLINT [--clients N (32)] [--checks M per client (1000)]\n"
                 "       [--server-threads T (serve's default)] [--max-seconds S (300)]\n"
                 "       [--deferred: audit=\"deferred\" checks] [--keep: keep the scratch folder]\n",
                 message.c_str());
    std::exit(2);
}

long number(const char *text, long most) {
    char *end = nullptr;
    long value = text ? std::strtol(text, &end, 10) : 0;
    if (!text || !*text || *end || value < 1 || value > most) usage_error(std::string("bad number: ") + (text ? text : "(none)"));
    return value;
}

Options parse(int argc, char **argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (argument == "--clients") options.clients = number(value, 1024), ++i;
        else if (argument == "--checks") options.checks = number(value, 1000000), ++i;
        else if (argument == "--server-threads") options.server_threads = number(value, 256), ++i;
        else if (argument == "--max-seconds") options.max_seconds = number(value, 86400), ++i;
        else if (argument == "--deferred") options.deferred = true;
        else if (argument == "--keep") options.keep = true;
        else if (options.medlint.empty() && argument[0] != '-') options.medlint = argument;
        else usage_error("unknown argument " + argument);
    }
    if (options.medlint.empty()) usage_error("no MEDLINT program given");
    return options;
}

// `medlint serve` on 127.0.0.1 with a port of its choosing, its log in a file.
class Server {
public:
    Server(const Options &options, const fs::path &folder) : log_(folder / "serve.log") {
        std::ofstream(folder / "medlint.xml") << "<medlint><store path=\"medlint.db\"/></medlint>\n";
        std::vector<std::string> arguments = {options.medlint, "serve", "--config", (folder / "medlint.xml").string(),
                                              "--listen", "127.0.0.1:0", "--max-connections", "2048"};
        if (options.server_threads) arguments.insert(arguments.end(), {"--threads", std::to_string(options.server_threads)});
        std::vector<char *> argv;
        for (auto &argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int error = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (error) throw std::runtime_error("cannot start " + options.medlint);
        port_ = wait_for_port();
    }
    ~Server() { stop(); }

    unsigned short port() const { return port_; }
    pid_t pid() const { return pid_; }

    // SIGTERM, and the exit status (-1 when it did not exit normally).
    int stop() {
        if (pid_ <= 0) return status_;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = 0;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return status_;
    }

private:
    unsigned short wait_for_port() {
        const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
        for (auto deadline = Clock::now() + std::chrono::seconds(60); Clock::now() < deadline;) {
            std::ifstream file(log_);
            std::stringstream text;
            text << file.rdbuf();
            std::smatch found;
            std::string log = text.str();
            if (std::regex_search(log, found, listening)) return static_cast<unsigned short>(std::stoi(found[1]));
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = 0;
                throw std::runtime_error("medlint serve did not start: " + log);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("medlint serve did not say where it listens within 60 s");
    }

    fs::path log_;
    pid_t pid_ = 0;
    int status_ = -1;
    unsigned short port_ = 0;
};

struct ClientResult {
    std::vector<double> latencies_us;
    long answered = 0;  // 200 with a passing check result
    long errors = 0;
    std::string first_error;
};

// One keep-alive connection sending its checks one after another, on the
// load test's single client thread, so that the clients take as little of
// the machine as they can from the server; it reconnects when the server
// closes the connection or a check fails.
class Client : public std::enable_shared_from_this<Client> {
public:
    Client(boost::asio::io_context &io, unsigned short port, const http::request<http::string_body> &request,
           long checks, Clock::time_point deadline, ClientResult &result)
        : socket_(io), server_(boost::asio::ip::address_v4::loopback(), port), request_(request),
          remaining_(checks), deadline_(deadline), result_(result) {
        result_.latencies_us.reserve(static_cast<size_t>(checks));
    }

    void start() { next(); }

private:
    void next() {
        if (remaining_ == 0 || Clock::now() >= deadline_) return;
        --remaining_;
        if (socket_.is_open()) return send();
        buffer_.clear();
        socket_.async_connect(server_, [self = shared_from_this()](beast::error_code error) {
            if (error) return self->fail("connect: " + error.message());
            self->socket_.set_option(tcp::no_delay(true), error);
            self->send();
        });
    }

    void send() {
        sent_ = Clock::now();
        http::async_write(socket_, request_, [self = shared_from_this()](beast::error_code error, size_t) {
            if (error) return self->fail("write: " + error.message());
            self->response_ = {};
            http::async_read(self->socket_, self->buffer_, self->response_,
                             [self](beast::error_code read_error, size_t) { self->on_response(read_error); });
        });
    }

    void on_response(beast::error_code error) {
        if (error) return fail("read: " + error.message());
        result_.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent_).count());
        if (response_.result_int() != 200 || response_.body().find("<check-result status=\"pass\"") == std::string::npos)
            return fail("HTTP " + std::to_string(response_.result_int()) + ": " + response_.body().substr(0, 300));
        ++result_.answered;
        if (!response_.keep_alive()) close();
        next();
    }

    void fail(const std::string &what) {
        if (result_.errors++ == 0) result_.first_error = what;
        close();
        next();
    }

    void close() {
        beast::error_code ignored;
        socket_.close(ignored);
    }

    tcp::socket socket_;
    tcp::endpoint server_;
    const http::request<http::string_body> &request_;
    long remaining_;
    Clock::time_point deadline_;
    ClientResult &result_;
    beast::flat_buffer buffer_;
    http::response<http::string_body> response_;
    Clock::time_point sent_;
};

// The checks of every client, all sent from this thread.
std::vector<ClientResult> run_clients(const Options &options, unsigned short port, const std::string &body,
                                      Clock::time_point deadline) {
    http::request<http::string_body> request{http::verb::post, "/v1/call", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/xml");
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    boost::asio::io_context io;
    std::vector<ClientResult> results(static_cast<size_t>(options.clients));
    for (auto &result : results) std::make_shared<Client>(io, port, request, options.checks, deadline, result)->start();
    io.run();
    return results;
}

// The resident memory of a process, in MiB; 0 when it cannot be read.
double resident_mib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
    return 0;
}

// The server's resident memory at the start and then every minute, for a
// soak: a long run must not grow.
class MemorySampler {
public:
    explicit MemorySampler(pid_t pid) : pid_(pid), thread_([this] { sample(); }) {}
    ~MemorySampler() { stop(); }

    // Stops and returns "start X, 60 s Y, ..., end Z".
    std::string stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopped_) return series_;
            stopped_ = true;
        }
        woken_.notify_all();
        thread_.join();
        char end[64];
        std::snprintf(end, sizeof end, ", end %.1f", resident_mib(pid_));
        return series_ + end;
    }

private:
    void sample() {
        char text[64];
        std::snprintf(text, sizeof text, "start %.1f", resident_mib(pid_));
        std::unique_lock<std::mutex> lock(mutex_);
        series_ = text;
        for (int minute = 1; !woken_.wait_for(lock, std::chrono::minutes(1), [this] { return stopped_; }); ++minute) {
            std::snprintf(text, sizeof text, ", %d min %.1f", minute, resident_mib(pid_));
            series_ += text;
        }
    }

    pid_t pid_;
    std::mutex mutex_;
    std::condition_variable woken_;
    bool stopped_ = false;
    std::string series_;
    std::thread thread_;
};

double percentile(const std::vector<double> &sorted, double fraction) {
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(fraction * static_cast<double>(sorted.size())))];
}

fs::path scratch_folder() {
    const char *tmp = std::getenv("TMPDIR");
    std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/medlint-serve-load-XXXXXX";
    if (!::mkdtemp(name.data())) throw std::runtime_error("cannot make a scratch folder: " + name);
    return name;
}

}  // namespace

int main(int argc, char **argv) {
    Options options = parse(argc, argv);
    fs::path folder;
    try {
        folder = scratch_folder();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "medlint_serve_load: %s\n", e.what());
        return 2;
    }
    std::string body = check_request();
    if (options.deferred) body.replace(body.find("<check "), 7, "<check audit=\"deferred\" ");
    int status = 1;
    try {
        Server server(options, folder);
        auto deadline = Clock::now() + std::chrono::seconds(options.max_seconds);
        MemorySampler memory(server.pid());
        auto start = Clock::now();
        std::vector<ClientResult> results = run_clients(options, server.port(), body, deadline);
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        std::string resident = memory.stop();
        int server_status = server.stop();

        std::vector<double> latencies;
        long errors = 0, answered = 0;
        std::string first_error;
        for (auto &result : results) {
            latencies.insert(latencies.end(), result.latencies_us.begin(), result.latencies_us.end());
            answered += result.answered;
            errors += result.errors;
            if (first_error.empty()) first_error = result.first_error;
        }
        std::sort(latencies.begin(), latencies.end());
        long expected = options.clients * options.checks;
        std::printf("clients %ld, checks %ld each%s, server threads %s\n", options.clients, options.checks,
                    options.deferred ? " (audit=\"deferred\")" : "",
                    options.server_threads ? std::to_string(options.server_threads).c_str() : "default");
        std::printf("checks answered: %ld of %ld in %.2f s: %.0f checks/s\n", answered, expected, seconds,
                    static_cast<double>(answered) / seconds);
        std::printf("latency: p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us\n", percentile(latencies, 0.50),
                    percentile(latencies, 0.90), percentile(latencies, 0.99), latencies.empty() ? 0 : latencies.back());
        std::printf("errors: %ld%s%s\n", errors, first_error.empty() ? "" : "; first: ", first_error.c_str());
        if (answered + errors < expected) std::printf("stopped at the time limit of %ld s\n", options.max_seconds);
        std::printf("server resident memory, MiB: %s\n", resident.c_str());
        std::printf("server exit status after SIGTERM: %d\n", server_status);
        status = errors == 0 && server_status == 0 ? 0 : 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "medlint_serve_load: %s\n", e.what());
        status = 2;
    }
    if (!options.keep) fs::remove_all(folder);
    else std::printf("kept %s\n", folder.c_str());
    return status;
}
