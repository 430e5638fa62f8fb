// Memory running out anywhere inside medlint_open or medlint_call.  This
// program replaces the global operator new with one that fails on the Nth
// allocation, once or from then on; the library's C++ allocations come here
// too (one process, and the executable's definition interposes on the shared
// library's), as the first test proves.  For every N up to past the call's
// whole count of allocations, the call must return MEDLINT_OK or a negative
// code with a message, never throw or abort, and the engine must work
// afterwards.  SQLite, pugixml and iconv allocate with malloc and are not
// reached by this; what they return on failure is handled as any error.
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <new>

#include "support.hpp"

using namespace test;

namespace {

// How many allocations succeed before one fails; LONG_MAX while not armed.
std::atomic<long> allocations_before_failure{LONG_MAX};
// Whether every allocation after the first failure fails too.
std::atomic<bool> failing_for_good{false};
std::atomic<long> allocations_counted{0};

void *allocate(std::size_t size) noexcept {
    allocations_counted.fetch_add(1, std::memory_order_relaxed);
    if (allocations_before_failure.fetch_sub(1, std::memory_order_relaxed) <= 0) {
        if (!failing_for_good.load(std::memory_order_relaxed)) allocations_before_failure.store(LONG_MAX);
        return nullptr;
    }
    return std::malloc(size == 0 ? 1 : size);
}

void *allocate_or_throw(std::size_t size) {
    if (void *memory = allocate(size)) return memory;
    throw std::bad_alloc();
}

// Allocation `nth` (counting from 1) fails, and with `for_good` every one after it.
void fail_allocation(long nth, bool for_good) {
    allocations_counted = 0;
    failing_for_good = for_good;
    allocations_before_failure = nth - 1;
}

void stop_failing() { allocations_before_failure = LONG_MAX; }

// The allocations that `work` makes, with none failing.
template <class Work>
long allocations_of(Work &&work) {
    fail_allocation(LONG_MAX, false);
    work();
    stop_failing();
    return allocations_counted;
}

// The N to fail at: each of the first 150, then about 250 more spread evenly up
// to past `total` (the last ones fail nothing, so the call succeeds).
std::vector<long> failure_points(long total) {
    std::vector<long> points;
    for (long n = 1; n <= std::min(total, 150L); ++n) points.push_back(n);
    long step = std::max(1L, (total - 150) / 250);
    for (long n = 151; n <= total + 2 * step; n += step) points.push_back(n);
    return points;
}

// A medlint_call under failing allocations: the code, whether the response
// was set, and the last error, read only after the failures stopped.
struct FailedCall {
    int code;
    bool has_response;
    std::string error;
};

FailedCall call_failing(const Engine &engine, const std::string &request, long nth, bool for_good) {
    char *response = nullptr;
    fail_allocation(nth, for_good);
    int code = medlint_call(engine.get(), request.data(), request.size(), &response);
    stop_failing();
    FailedCall result{code, response != nullptr, medlint_last_error()};
    medlint_free(response);
    return result;
}

}  // namespace

void *operator new(std::size_t size) { return allocate_or_throw(size); }
void *operator new[](std::size_t size) { return allocate_or_throw(size); }
void *operator new(std::size_t size, const std::nothrow_t &) noexcept { return allocate(size); }
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept { return allocate(size); }
void operator delete(void *memory) noexcept { std::free(memory); }
void operator delete[](void *memory) noexcept { std::free(memory); }
void operator delete(void *memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void *memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void *memory, const std::nothrow_t &) noexcept { std::free(memory); }
void operator delete[](void *memory, const std::nothrow_t &) noexcept { std::free(memory); }

TEST_CASE("the replaced operator new serves the library's allocations", "[out-of-memory]") {
    Scratch scratch;
    medlint_engine *engine = nullptr;
    long opening = allocations_of([&] { REQUIRE(medlint_open(scratch.config.c_str(), &engine) == MEDLINT_OK); });
    medlint_close(engine);
    // Opening builds the built-in pack's tables: thousands of C++ allocations.
    CHECK(opening > 1000);
}

TEST_CASE("medlint_open returns a code at every failed allocation", "[out-of-memory]") {
    Scratch scratch;
    medlint_engine *engine = nullptr;
    long total = allocations_of([&] { REQUIRE(medlint_open(scratch.config.c_str(), &engine) == MEDLINT_OK); });
    medlint_close(engine);
    for (bool for_good : {false, true}) {
        int failures = 0;
        for (long nth : failure_points(total)) {
            engine = nullptr;
            fail_allocation(nth, for_good);
            int code = medlint_open(scratch.config.c_str(), &engine);
            stop_failing();
            INFO("allocation " << nth << " of " << total << (for_good ? " and all after it" : "") << " failed");
            if (code == MEDLINT_OK) {
                CHECK(engine != nullptr);
            } else {
                ++failures;
                CHECK(code < 0);
                CHECK(engine == nullptr);
                CHECK(std::strlen(medlint_last_error()) > 0);
            }
            medlint_close(engine);
        }
        CHECK(failures > 0);
    }
    Engine after(scratch.config);
    check(after, Doc{});
}

TEST_CASE("medlint_call returns a code at every failed allocation", "[out-of-memory]") {
    Scratch scratch;
    Engine engine(scratch.config);
    Doc commit = Doc{}.commit();
    const std::pair<const char *, std::string> requests[] = {
        {"a check", Doc{}.str()},
        {"a commit", commit.str()},
        {"a request with an error", "<check mode=\"nonsense\"/>"},
        {"a request that is not XML", "<check"},
    };
    for (const auto &[what, request] : requests) {
        long total = allocations_of([&] { engine.call(request); });
        for (bool for_good : {false, true}) {
            int failures = 0;
            for (long nth : failure_points(total)) {
                FailedCall failed = call_failing(engine, request, nth, for_good);
                failures += failed.code != MEDLINT_OK;
                INFO(what << ": allocation " << nth << " of " << total << (for_good ? " and all after it" : "")
                          << " failed: " << failed.code << " " << failed.error);
                CHECK((failed.code == MEDLINT_OK || failed.code < 0));
                if (failed.code != MEDLINT_OK) CHECK(!failed.error.empty());
                CHECK(failed.has_response);  // an <error> document, made with malloc if need be
                check(engine, Doc{});  // the engine still works
            }
            CHECK(failures > 0);
        }
    }
    CHECK(check(engine, "<audit-log-verify/>").attr("intact") == "true");
}
