#include "audit.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <numeric>
#include <thread>
#include <vector>

#include "audit_inputs.hpp"
#include "audit_progress.hpp"
#include "audit_report.hpp"
#include "commands.hpp"
#include "render.hpp"
#include "reports.hpp"
#include "request_text.hpp"

namespace medlint::cli {
namespace {

// Set by Ctrl-C; the workers look at it before each document.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

void note_interrupt(int) { g_interrupted.store(true); }

// While it lives, the first Ctrl-C asks the run to stop after the documents
// in hand.  SA_RESETHAND restores the default action at once, so a second
// Ctrl-C ends the process; the store stays whole even then, since each
// commit is one SQLite transaction.
class InterruptHandler {
public:
    InterruptHandler() {
        g_interrupted.store(false);
        struct sigaction action {};
        action.sa_handler = note_interrupt;
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &previous_);
    }
    ~InterruptHandler() { sigaction(SIGINT, &previous_, nullptr); }
    InterruptHandler(const InterruptHandler &) = delete;
    InterruptHandler &operator=(const InterruptHandler &) = delete;

private:
    struct sigaction previous_ {};
};

// What became of one document.
struct Outcome {
    enum class Kind { left, checked, failed, skipped } kind = Kind::left;
    CheckedDocument checked;
    UncheckedDocument unchecked;
};

Outcome unchecked(Outcome::Kind kind, const std::string &name, const std::string &reason) {
    Outcome outcome;
    outcome.kind = kind;
    outcome.unchecked = {name, reason};
    return outcome;
}

// The root element the engine refused the request for, as its <error> names
// it; "" for a failure of another kind.
std::string refused_root(const std::exception &failure) {
    auto *refusal = dynamic_cast<const medlint::failure *>(&failure);
    pugi::xml_document error;
    if (!refusal || !error.load_string(refusal->response().c_str())) return "";
    return error.document_element().attribute("root").value();
}

// Whether the library refused to translate a national envelope for its
// infno: a 3103, another interface, or JSON that is no envelope at all (an
// earlier --json report in the folder).  Its message starts with the JSON
// path at fault (contract section 1, medlint_translate).
bool refused_for_interface(const std::exception &failure) {
    auto *refusal = dynamic_cast<const medlint::failure *>(&failure);
    return refusal && std::string_view(refusal->what()).rfind("infno: ", 0) == 0;
}

Outcome audit_document(const medlint::engine &engine, const AuditInput &input, const Invocation &invocation) {
    bool national = false;
    try {
        std::string bytes = input_bytes(input);
        national = is_national_request(bytes);
        pugi::xml_document response;
        pugi::xml_node result = response_root(send_file(engine, bytes, invocation), response, "check-result");
        Outcome outcome;
        outcome.kind = Outcome::Kind::checked;
        outcome.checked = checked_document(input.name, result);
        return outcome;
    } catch (const std::exception &e) {
        // A folder of a day's records may also hold results, ledgers or
        // feedback.  The engine refuses them for their root element, however
        // disguised, and its <error> names it: they are not records to audit.
        if (national && refused_for_interface(e))
            return unchecked(Outcome::Kind::skipped, input.name, std::string("not a 3101 or 3102 check: ") + e.what());
        if (std::string root = refused_root(e); !national && !root.empty())
            return unchecked(Outcome::Kind::skipped, input.name,
                             "the root element is <" + root + ">, not <check> or <commit>");
        // Whatever else kept this document from being checked, the next ones still are.
        return unchecked(Outcome::Kind::failed, input.name, e.what());
    }
}

// The threads --jobs asks for, else one per core.
unsigned job_count(const Invocation &invocation) {
    if (invocation.jobs) return std::max(1u, static_cast<unsigned>(std::stoul(*invocation.jobs)));
    return std::max(1u, std::thread::hardware_concurrency());
}

// Calls work(i) for each i below `count` on up to `threads` threads sharing
// the engine, which is thread-safe; each thread takes the next i.  `done`
// counts the calls that returned.
void share_out(size_t count, unsigned threads, std::atomic<size_t> &done, const std::function<void(size_t)> &work) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t at; (at = next++) < count; ++done) work(at);
    };
    std::vector<std::thread> workers;
    for (size_t i = std::clamp<size_t>(count, 1, threads); i > 0; --i) workers.emplace_back(worker);
    for (auto &thread : workers) thread.join();
}

// The order the documents are sent in.  Checks read history but do not
// write it, so any order gives the same results: input order.  Commits go in
// the order of the engine's service-date (ties in input order), so that
// history rules see the earlier documents of the batch; a first pass checks
// each document, with deferred audit rows, to learn that date.  A document
// the check refuses fails on its turn, which may as well be first.
std::vector<size_t> sending_order(const medlint::engine &engine, const std::vector<AuditInput> &inputs,
                                  const Invocation &invocation) {
    std::vector<size_t> order(inputs.size());
    std::iota(order.begin(), order.end(), 0);
    if (!invocation.commit) return order;
    Invocation checking = invocation;
    checking.commit = false;
    std::vector<std::string> dates(inputs.size());
    std::atomic<size_t> done{0};
    share_out(inputs.size(), job_count(invocation), done, [&](size_t at) {
        try {
            pugi::xml_document response;
            dates[at] = response_root(send_file(engine, input_bytes(inputs[at]), checking), response, "check-result")
                            .attribute("service-date")
                            .value();
        } catch (const std::exception &) {
            // no date: the document sorts first and its own turn says why it fails
        }
    });
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return dates[a] < dates[b]; });
    return order;
}

// Each outcome at its input's index, so that nothing later depends on which
// worker finished first.  Documents not reached before Ctrl-C stay `left`.
// Commits run one at a time: a document's checks must see the commits of
// every earlier one of the same patient, and the engine does not say who is
// the same patient; the store writes one commit at a time anyway.
std::vector<Outcome> audit_documents(const medlint::engine &engine, const std::vector<AuditInput> &inputs,
                                     const Invocation &invocation) {
    std::vector<size_t> order = sending_order(engine, inputs, invocation);
    std::vector<Outcome> outcomes(inputs.size());
    std::atomic<size_t> done{0};
    ProgressBar progress(inputs.size(), done, g_interrupted);
    share_out(order.size(), invocation.commit ? 1 : job_count(invocation), done, [&](size_t at) {
        if (!g_interrupted.load()) outcomes[order[at]] = audit_document(engine, inputs[order[at]], invocation);
    });
    return outcomes;
}

AuditReport report_of(std::vector<Outcome> &outcomes, const Invocation &invocation) {
    AuditReport report;
    report.engine = medlint_version();
    report.committed = invocation.commit;
    report.documents = outcomes.size();
    report.checked.reserve(outcomes.size());
    for (auto &outcome : outcomes) {
        switch (outcome.kind) {
            case Outcome::Kind::left: ++report.left; break;
            case Outcome::Kind::checked: report.checked.push_back(std::move(outcome.checked)); break;
            case Outcome::Kind::failed: report.failed.push_back(std::move(outcome.unchecked)); break;
            case Outcome::Kind::skipped: report.skipped.push_back(std::move(outcome.unchecked)); break;
        }
    }
    report.interrupted = report.left > 0;
    return report;
}

// Each physician's remaining points and standing on their latest service
// date in the batch; unknown for a code the engine cannot look up.
void look_up_physicians(const medlint::engine &engine, AuditReport &report, const Invocation &invocation) {
    std::map<std::string, std::string> wanted = physicians_to_look_up(report);
    std::vector<std::pair<std::string, std::string>> physicians(wanted.begin(), wanted.end());
    // Every entry made here, so that the threads only fill in their own.
    for (const auto &physician : physicians) report.physician_points[physician.first];
    std::atomic<size_t> done{0};
    share_out(physicians.size(), job_count(invocation), done, [&](size_t at) {
        const auto &[code, date] = physicians[at];
        PhysicianPoints &points = report.physician_points.at(code);
        try {
            pugi::xml_document response;
            pugi::xml_node status =
                response_root(engine.call(operation_request("physician-status", {{"code", code}, {"date", date}})),
                              response, "physician-status-result");
            points.remaining = status.attribute("remaining").as_llong();
            points.standing = status.attribute("standing").value();
        } catch (const std::exception &) {
            points = {};
        }
    });
}

void write_report_file(const std::optional<std::string> &path, const std::function<void(std::ostream &)> &write) {
    if (!path) return;
    std::ofstream out(*path, std::ios::binary | std::ios::trunc);
    if (out) write(out);
    out.close();
    if (!out) throw std::runtime_error("cannot write the report " + *path + ": " + std::strerror(errno));
}

void print_totals(std::ostream &out, const AuditReport &report, const AuditSummary &summary) {
    Palette palette = Palette::for_stdout();
    for (const auto &document : report.failed) print_check_failure(out, document.name, document.reason, palette);
    const SeverityCounts &findings = summary.findings;
    out << "documents: " << report.checked.size() << " checked, " << report.failed.size() << " failed, "
        << report.skipped.size() << " skipped (not <check> or <commit>), of " << report.documents << '\n'
        << "findings: " << findings.total() << " (" << palette.severity("block") << " " << findings.block << ", "
        << palette.severity("warning") << " " << findings.warning << ", " << palette.severity("info") << " "
        << findings.info << ", overridden " << findings.overridden << ")\n"
        << "at risk: " << yuan(summary.amount_at_risk_fen) << " yuan, " << counted(summary.points_at_risk, "point")
        << '\n';
    if (!summary.unknown_codes.empty()) {
        long long lines = 0;
        for (const auto &code : summary.unknown_codes) lines += code.lines;
        out << "unknown codes: " << counted(static_cast<long long>(summary.unknown_codes.size()), "code") << " on "
            << counted(lines, "line") << " no loaded catalogue knows (see the reports)\n";
    }
    if (report.interrupted)
        out << palette.alarm("interrupted:") << ' ' << counted(static_cast<long long>(report.left), "document")
            << " left unchecked\n";
}

int audit_exit_status(const AuditReport &report) {
    if (report.interrupted) return kExitInterrupted;
    if (!report.failed.empty()) return kExitError;
    int worst = kExitPass;
    for (const auto &document : report.checked) worst = std::max(worst, exit_status_of(document.status));
    return worst;
}

}  // namespace

int audit(const medlint::engine &engine, const Invocation &invocation) {
    std::vector<AuditInput> inputs = collect_inputs(invocation.operands);
    // Until the reports are written: a Ctrl-C after the last document must
    // not leave them half-written.
    InterruptHandler interrupts;
    std::vector<Outcome> outcomes = audit_documents(engine, inputs, invocation);
    AuditReport report = report_of(outcomes, invocation);
    look_up_physicians(engine, report, invocation);
    AuditSummary summary = summarize(report);
    write_report_file(invocation.csv, [&](std::ostream &out) { write_csv_report(out, report); });
    write_report_file(invocation.json, [&](std::ostream &out) { write_json_report(out, report, summary); });
    write_report_file(invocation.html,
                      [&](std::ostream &out) { write_html_report(out, report, summary, *invocation.html); });
    print_totals(std::cout, report, summary);
    return audit_exit_status(report);
}

}  // namespace medlint::cli
