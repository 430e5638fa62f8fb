// One engine under many threads; several processes on one store file; a
// process killed while committing.  No timing is asserted, only outcomes.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "support.hpp"

extern char **environ;

using test::contains;
using test::Engine;
using test::Reply;
using test::Scratch;
using test::store_int;
using test::store_text;

namespace {

// A document of its own patient unless one is given, so that threads do not share history.
std::string document(const std::string &op, const std::string &encounter, const std::string &patient = "",
                     const std::string &name = "N") {
    return "<" + op + " mode=\"preaudit\" time=\"2026-11-23T09:30:00+08:00\">"
           "<physician code=\"D522701000123\"/>"
           "<patient id-type=\"passport\" id=\"P-" + (patient.empty() ? encounter : patient) + "\" name=\"" +
           name + "\"/>"
           "<encounter id=\"" + encounter + "\" type=\"outpatient\"/>"
           "<item id=\"1\" kind=\"treatment\" code=\"001204000010000\" date=\"2026-11-23\"/>"
           "</" + op + ">";
}

std::set<std::string> committed_encounters(const std::string &store) {
    std::istringstream ids(store_text(store, "SELECT coalesce(group_concat(encounter_id, ' '), '') FROM encounters"));
    std::set<std::string> out;
    for (std::string id; ids >> id;) out.insert(id);
    return out;
}

// The commit worker, its stdout read line by line.
class Worker {
public:
    Worker(const std::string &config, const std::string &prefix, long count) {
        int ends[2];
        REQUIRE(pipe(ends) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, ends[0]);
        posix_spawn_file_actions_addclose(&actions, ends[1]);
        std::string worker = MEDLINT_COMMIT_WORKER, count_text = std::to_string(count);
        std::vector<char *> argv{worker.data(), const_cast<char *>(config.c_str()),
                                 const_cast<char *>(prefix.c_str()), count_text.data(), nullptr};
        int spawned = posix_spawn(&pid_, worker.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(ends[1]);
        out_ = ends[0];
        REQUIRE(spawned == 0);
    }
    ~Worker() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) close(out_);
    }
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    // Reads until `lines` lines have come (0: until end of output); false at end of output.
    bool read_lines(size_t lines = 0) {
        char buffer[4096];
        while (lines == 0 || acknowledged.size() < lines) {
            ssize_t n = read(out_, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            pending_.append(buffer, static_cast<size_t>(n));
            for (size_t end; (end = pending_.find('\n')) != std::string::npos; pending_.erase(0, end + 1))
                acknowledged.push_back(pending_.substr(0, end));
        }
        return true;
    }
    void kill_now() { REQUIRE(kill(pid_, SIGKILL) == 0); }
    // Waits for the worker; its wait status.
    int wait() {
        int status = 0;
        REQUIRE(waitpid(pid_, &status, 0) == pid_);
        pid_ = -1;
        return status;
    }

    std::vector<std::string> acknowledged;

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string pending_;
};

}  // namespace

TEST_CASE("8 threads x 1,000 calls on one engine", "[concurrency][threads]") {
    Scratch scratch;
    Engine engine(scratch.config);
    constexpr int kThreads = 8, kCalls = 1000, kCommitEvery = 4;
    std::atomic<int> failures{0};
    std::mutex first_failure_mutex;
    std::string first_failure;

    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kCalls; ++i) {
                std::string encounter = "T" + std::to_string(t) + "-" + std::to_string(i);
                bool commit = i % kCommitEvery == 0;
                std::string request = document(commit ? "commit" : "check", encounter);
                char *response = nullptr;
                int code = medlint_call(engine.get(), request.data(), request.size(), &response);
                bool good = code == MEDLINT_OK && response && contains(response, "<check-result status=\"pass\"");
                if (!good) {
                    ++failures;
                    std::lock_guard<std::mutex> lock(first_failure_mutex);
                    if (first_failure.empty()) first_failure = encounter + ": " + (response ? response : "(null)");
                }
                medlint_free(response);
            }
        });
    for (auto &thread : threads) thread.join();

    INFO(first_failure);
    CHECK(failures == 0);
    std::set<std::string> stored = committed_encounters(scratch.store);
    CHECK(stored.size() == kThreads * kCalls / kCommitEvery);
    for (int t = 0; t < kThreads; ++t)
        for (int i = 0; i < kCalls; i += kCommitEvery)
            if (!stored.count("T" + std::to_string(t) + "-" + std::to_string(i)))
                FAIL("committed encounter T" << t << "-" << i << " is not in the store");
    CHECK(store_int(scratch.store, "SELECT count(*) FROM items") == kThreads * kCalls / kCommitEvery);
    Reply verify = engine.ok("<audit-log-verify/>");
    CHECK(verify.attr("intact") == "true");
    CHECK(verify.attr("rows") == std::to_string(kThreads * kCalls));
}

TEST_CASE("two engines in one process share a store", "[concurrency][threads]") {
    Scratch scratch;
    Engine first(scratch.config), second(scratch.config);
    std::atomic<int> failures{0};
    auto work = [&](const Engine &engine, const std::string &prefix) {
        for (int i = 0; i < 100; ++i) {
            std::string request = document("commit", prefix + std::to_string(i));
            char *response = nullptr;
            if (medlint_call(engine.get(), request.data(), request.size(), &response) != MEDLINT_OK) ++failures;
            medlint_free(response);
        }
    };
    std::thread a(work, std::cref(first), "A"), b(work, std::cref(second), "B");
    a.join();
    b.join();
    CHECK(failures == 0);
    CHECK(committed_encounters(scratch.store).size() == 200);
    CHECK(first.ok("<audit-log-verify/>").attr("intact") == "true");
    CHECK(second.ok("<audit-log-verify/>").attr("rows") == "200");
}

TEST_CASE("each check reads the store as it is then, not as an earlier check saw it", "[concurrency][threads]") {
    // A check's reads share one snapshot, on a connection the next check reuses:
    // ending the snapshot is what lets the next check see later commits.
    Scratch scratch;
    Engine checker(scratch.config), committer(scratch.config);
    // The same passport under another name: ID-MISMATCH once the first name is on record.
    std::string check = document("check", "E2", "E1", "Other");
    Reply before = checker.ok(check);
    CHECK_FALSE(before.fired("ID-MISMATCH"));
    committer.ok(document("commit", "E1"));
    Reply after = checker.ok(check);
    CHECK(after.fired("ID-MISMATCH"));
}

TEST_CASE("engines opening a new store at the same moment all get it", "[concurrency][threads]") {
    // Switching a new file to WAL and creating its tables race here: no opener may fail.
    constexpr int kRounds = 20, kOpeners = 6;
    for (int round = 0; round < kRounds; ++round) {
        Scratch scratch;
        std::atomic<int> ready{0}, failures{0};
        std::string last_error;
        std::mutex error_mutex;
        auto open = [&] {
            ++ready;
            while (ready < kOpeners) std::this_thread::yield();
            medlint_engine *engine = nullptr;
            if (medlint_open(scratch.config.c_str(), &engine) != MEDLINT_OK) {
                ++failures;
                std::lock_guard<std::mutex> guard(error_mutex);
                last_error = medlint_last_error();
            }
            medlint_close(engine);
        };
        std::vector<std::thread> openers;
        for (int i = 0; i < kOpeners; ++i) openers.emplace_back(open);
        for (auto &opener : openers) opener.join();
        INFO("round " << round << ": " << last_error);
        REQUIRE(failures == 0);
        CHECK(store_int(scratch.store, "PRAGMA user_version") > 0);
    }
}

TEST_CASE("two processes commit to one store file at once", "[concurrency][processes]") {
    Scratch scratch;
    constexpr long kCount = 150;
    std::vector<std::string> acknowledged;
    {
        Worker a(scratch.config, "A", kCount), b(scratch.config, "B", kCount);
        a.read_lines();
        b.read_lines();
        int status_a = a.wait(), status_b = b.wait();
        CHECK(WIFEXITED(status_a));
        CHECK(WEXITSTATUS(status_a) == 0);
        CHECK(WIFEXITED(status_b));
        CHECK(WEXITSTATUS(status_b) == 0);
        CHECK(a.acknowledged.size() == kCount);
        CHECK(b.acknowledged.size() == kCount);
        acknowledged = a.acknowledged;
        acknowledged.insert(acknowledged.end(), b.acknowledged.begin(), b.acknowledged.end());
    }
    std::set<std::string> stored = committed_encounters(scratch.store);
    for (const auto &id : acknowledged)
        if (!stored.count(id)) FAIL("acknowledged commit " << id << " is not in the store");
    CHECK(stored.size() == 2 * kCount);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM items") == 2 * 2 * kCount);
    Engine engine(scratch.config);
    Reply verify = engine.ok("<audit-log-verify/>");
    CHECK(verify.attr("intact") == "true");
    CHECK(verify.attr("rows") == std::to_string(2 * kCount));
}

TEST_CASE("a host killed while committing loses no acknowledged commit", "[concurrency][crash]") {
    Scratch scratch;
    std::vector<std::string> acknowledged;
    {
        Worker worker(scratch.config, "K", 1000000);
        REQUIRE(worker.read_lines(40));
        worker.kill_now();
        worker.read_lines();  // what it wrote before it died
        int status = worker.wait();
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
        acknowledged = worker.acknowledged;
    }
    REQUIRE(acknowledged.size() >= 40);

    Engine engine(scratch.config);
    Reply verify = engine.ok("<audit-log-verify/>");
    CHECK(verify.attr("intact") == "true");
    std::set<std::string> stored = committed_encounters(scratch.store);
    for (const auto &id : acknowledged)
        if (!stored.count(id)) FAIL("acknowledged commit " << id << " is not in the store");
    // At most the one commit in flight went through unacknowledged, whole.
    CHECK(stored.size() >= acknowledged.size());
    CHECK(stored.size() <= acknowledged.size() + 1);
    CHECK(store_int(scratch.store, "SELECT count(*) FROM items") == 2 * static_cast<long long>(stored.size()));
    CHECK(std::stoul(verify.attr("rows")) == stored.size());
    // And the store takes new commits.
    engine.ok(document("commit", "AFTER-CRASH"));
    CHECK(engine.ok("<audit-log-verify/>").attr("intact") == "true");
}
