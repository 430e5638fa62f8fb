#include "serve.hpp"

#include <medlint/medlint.hpp>
#include <unistd.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "serve_access.hpp"
#include "serve_metrics.hpp"
#include "serve_response.hpp"
#include "serve_settings.hpp"

namespace medlint::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// A cheap call that reads the store: a physician no ledger names.
constexpr std::string_view kHealthRequest = R"(<physician-status code="medlint-healthz" date="2000-01-01"/>)";
const char kCallPath[] = "/v1/call", kHealthPath[] = "/healthz", kMetricsPath[] = "/metrics";

// One line on standard error, written at once so that threads' lines never mix.
void log_line(const std::string &line) {
    std::string text = "medlint serve: " + line + "\n";
    ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
    (void)written;  // nowhere left to report a failed log write
}

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

// The path of a request target, without its query, which may name a patient.
std::string_view path_of(beast::string_view target) { return view(target.substr(0, target.find('?'))); }

// What every connection shares.
struct Service {
    const medlint::engine &engine;
    const ServeSettings &settings;
    std::optional<AccessTokens> tokens;
    Metrics metrics;
};

// A response, and what the log line and the metrics say of it.
struct Answer {
    Response response;
    std::string method = "-", path = "-";  // as received, for the log
    std::string metrics_path = "other";    // one of the served paths, or "other"
    std::string operation;                 // the call's, from its response
    std::vector<std::string> finding_rules;
};

Answer answer_to(const Request &request) {
    Answer answer;
    answer.method = view(request.method_string());
    answer.path = path_of(request.target());
    for (const char *served : {kCallPath, kHealthPath, kMetricsPath})
        if (answer.path == served) answer.metrics_path = served;
    return answer;
}

void set_text(Answer &answer, http::status status, const std::string &text) {
    answer.response.result(status);
    answer.response.set(http::field::content_type, "text/plain; charset=utf-8");
    answer.response.body() = text + "\n";
}

// A request that needs a token and has none that is valid is refused from
// its header, before its body is read.
std::optional<Answer> refusal_of(const Service &service, const Request &header) {
    Answer answer = answer_to(header);
    if (answer.path == kHealthPath || !service.tokens ||
        service.tokens->admits(view(header[http::field::authorization])))
        return std::nullopt;
    set_text(answer, http::status::unauthorized, "a valid \"Authorization: Bearer TOKEN\" header is needed");
    answer.response.set(http::field::www_authenticate, "Bearer realm=\"medlint\"");
    return answer;
}

// Every operation but the ones that name a path on this machine
// (pack-validate, store-copy): a client elsewhere has no business with its files.
const char kServedOperations[] = "check commit retract feedback ledger physician-status audit-log-verify reload";

void call(const Service &service, const std::string &body, Answer &answer) {
    std::string document;
    int code = service.engine.try_call(body, document, kServedOperations);
    answer.operation = operation_of(document);
    answer.finding_rules = finding_rules(document);
    answer.response.result(http_status_of(code, document));
    answer.response.set(http::field::content_type, content_type_of(document));
    // The <error> document says the same; a client may act on the header alone.
    if (code != MEDLINT_OK) answer.response.set("Medlint-Error-Code", std::to_string(code));
    answer.response.body() = std::move(document);
}

void check_health(const Service &service, Answer &answer) {
    std::string document;
    if (service.engine.try_call(kHealthRequest, document) == MEDLINT_OK)
        set_text(answer, http::status::ok, "ok");
    else
        set_text(answer, http::status::service_unavailable, std::string("unhealthy: ") + medlint_last_error());
}

Answer answer(Service &service, const Request &request, size_t open_connections) {
    Answer answer = answer_to(request);
    answer.response.version(request.version());
    if (answer.metrics_path == "other") {
        set_text(answer, http::status::not_found, "not found; medlint serves POST /v1/call, GET /healthz, GET /metrics");
        return answer;
    }
    http::verb allowed = answer.path == kCallPath ? http::verb::post : http::verb::get;
    if (request.method() != allowed) {
        set_text(answer, http::status::method_not_allowed, std::string(http::to_string(allowed)) + " only");
        answer.response.set(http::field::allow, http::to_string(allowed));
    } else if (answer.path == kCallPath) {
        call(service, request.body(), answer);
    } else if (answer.path == kHealthPath) {
        check_health(service, answer);
    } else {
        set_text(answer, http::status::ok, service.metrics.text(open_connections));
        answer.response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    }
    return answer;
}

// A connection, as the listener tracks it.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    virtual ~Connection() = default;
    virtual void start() = 0;
    // Closes the connection if it waits for a request; a request being
    // received or answered is finished first.
    virtual void stop_when_idle() = 0;
};

// Accepts connections up to the limit (further clients wait in the
// backlog), and drains them on SIGTERM.
class Listener {
public:
    Listener(asio::io_context &io, Service &service, const tcp::endpoint &endpoint, ssl::context *tls)
        : io_(io), service_(service), tls_(tls), acceptor_(asio::make_strand(io)) {
        beast::error_code error;
        acceptor_.open(endpoint.protocol(), error);
        if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
        if (!error) acceptor_.bind(endpoint, error);
        if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
        if (error)
            throw std::runtime_error("cannot listen on " + service.settings.host + ":" + service.settings.port + ": " +
                                     error.message());
    }

    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    bool draining() const { return draining_; }
    Service &service() { return service_; }

    size_t open_connections() {
        std::lock_guard<std::mutex> lock(mutex_);
        return connections_.size();
    }

    void start() {
        asio::dispatch(acceptor_.get_executor(), [this] { accept(); });
    }

    void drain() {
        asio::post(acceptor_.get_executor(), [this] {
            draining_ = true;
            beast::error_code ignored;
            acceptor_.close(ignored);
            // Stopped outside the lock: a connection released here ends in released(), which takes it.
            for (auto &connection : live_connections()) connection->stop_when_idle();
        });
    }

    // Called as a connection ends.
    void released(const Connection *connection) {
        std::lock_guard<std::mutex> lock(mutex_);
        connections_.erase(connection);
        if (!accept_paused_ || draining_) return;
        accept_paused_ = false;
        asio::post(acceptor_.get_executor(), [this] { accept(); });
    }

private:
    std::vector<std::shared_ptr<Connection>> live_connections() {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::shared_ptr<Connection>> live;
        for (auto &entry : connections_)
            if (auto alive = entry.second.lock()) live.push_back(std::move(alive));
        return live;
    }

    void accept() {
        if (!acceptor_.is_open()) return;
        acceptor_.async_accept(asio::make_strand(io_),
                               [this](beast::error_code error, tcp::socket socket) { on_accept(error, std::move(socket)); });
    }

    void on_accept(beast::error_code error, tcp::socket socket);

    asio::io_context &io_;
    Service &service_;
    ssl::context *tls_;
    tcp::acceptor acceptor_;
    std::atomic<bool> draining_{false};
    std::mutex mutex_;
    std::map<const Connection *, std::weak_ptr<Connection>> connections_;
    bool accept_paused_ = false;
};

// One client connection over a plain TCP stream or a TLS stream: requests
// read one at a time with time limits, each answered in turn.
template <class Stream>
class Session : public Connection {
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

public:
    template <class... StreamArguments>
    Session(Listener &listener, std::string peer, StreamArguments &&...arguments)
        : stream_(std::forward<StreamArguments>(arguments)...),
          listener_(listener),
          service_(listener.service()),
          peer_(std::move(peer)) {}

    ~Session() override { listener_.released(this); }

    void start() override {
        asio::dispatch(stream_.get_executor(), [self = shared()] { self->handshake(); });
    }

    void stop_when_idle() override {
        asio::post(stream_.get_executor(), [self = shared()] {
            // A request whose first bytes have arrived, unread yet, is in flight too.
            beast::error_code error;
            bool arrived = self->socket_layer().socket().available(error) > 0;
            if (self->idle_ && !arrived) self->socket_layer().close();
        });
    }

private:
    std::shared_ptr<Session> shared() { return std::static_pointer_cast<Session>(shared_from_this()); }
    beast::tcp_stream &socket_layer() { return beast::get_lowest_layer(stream_); }
    const ServeSettings &settings() const { return service_.settings; }

    void handshake() {
        if constexpr (kTls) {
            socket_layer().expires_after(settings().read_timeout);
            stream_.async_handshake(ssl::stream_base::server, [self = shared()](beast::error_code error) {
                if (error) return self->close();
                self->wait_for_request();
            });
        } else {
            wait_for_request();
        }
    }

    // Between requests a connection may wait idle_timeout for the next one;
    // from its first byte, its header must arrive within read_timeout.
    void wait_for_request() {
        if (listener_.draining()) return close();
        if (buffer_.size() > 0) return read_header();
        idle_ = true;
        socket_layer().expires_after(settings().idle_timeout);
        stream_.async_read_some(buffer_.prepare(kFirstRead), [self = shared()](beast::error_code error, size_t got) {
            self->idle_ = false;
            if (error) return self->close();
            self->buffer_.commit(got);
            self->read_header();
        });
    }

    void read_header() {
        parser_.emplace();
        parser_->body_limit(kMaxRequestBody);
        socket_layer().expires_after(settings().read_timeout);
        http::async_read_header(stream_, buffer_, *parser_, [self = shared()](beast::error_code error, size_t) {
            if (error) return self->refuse(error);
            self->on_header();
        });
    }

    void on_header() {
        const Request &header = parser_->get();
        if (std::optional<Answer> refusal = refusal_of(service_, header)) {
            received_ = Clock::now();
            return send(std::move(*refusal), false);  // the body is not read: the connection ends
        }
        if (!beast::iequals(header[http::field::expect], "100-continue")) return read_body();
        continue_ = http::response<http::empty_body>(http::status::continue_, header.version());
        http::async_write(stream_, continue_, [self = shared()](beast::error_code error, size_t) {
            if (error) return self->close();
            self->read_body();
        });
    }

    void read_body() {
        socket_layer().expires_after(settings().read_timeout);
        http::async_read(stream_, buffer_, *parser_, [self = shared()](beast::error_code error, size_t) {
            if (error) return self->refuse(error);
            self->received_ = Clock::now();
            const Request &request = self->parser_->get();
            self->send(answer(self->service_, request, self->listener_.open_connections()), request.keep_alive());
        });
    }

    // A request that could not be read whole: answered when it was too large
    // or not HTTP, dropped when the client was too slow or went away.
    void refuse(beast::error_code error) {
        received_ = Clock::now();
        Answer answer = parser_->is_header_done() ? answer_to(parser_->get()) : Answer{};
        if (error == http::error::body_limit) {
            set_text(answer, http::status::payload_too_large,
                     "the request body is larger than " + std::to_string(kMaxRequestBody >> 20) + " MiB");
        } else if (error == http::error::header_limit) {
            set_text(answer, http::status::request_header_fields_too_large, "the request header is too large");
        } else if (error == beast::error::timeout) {
            log_line(peer_ + " cut off: no whole request within " + std::to_string(settings().read_timeout.count()) +
                     " s");
            return close();
        } else if (error.category() == http::make_error_code(http::error::bad_target).category() &&
                   error != http::error::end_of_stream && error != http::error::partial_message) {
            set_text(answer, http::status::bad_request, "malformed HTTP request: " + error.message());
        } else {
            return close();
        }
        send(std::move(answer), false);
    }

    void send(Answer answer, bool keep_alive) {
        keep_alive = keep_alive && !listener_.draining();
        answer_ = std::move(answer);
        Response &response = answer_.response;
        response.set(http::field::server, std::string("medlint/") + medlint_version());
        response.keep_alive(keep_alive);
        response.prepare_payload();
        // Counted before the answer leaves: a client that has its answer finds
        // it in /metrics, as it would not if the count waited for the write's end.
        service_.metrics.record(answer_.metrics_path, answer_.operation, answer_.response.result_int(),
                                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - received_),
                                answer_.finding_rules);
        // A client too slow to take its answer is cut off too.
        socket_layer().expires_after(settings().read_timeout);
        http::async_write(stream_, response, [self = shared(), keep_alive](beast::error_code error, size_t) {
            self->on_written(error, keep_alive);
        });
    }

    void on_written(beast::error_code error, bool keep_alive) {
        auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - received_);
        unsigned status = answer_.response.result_int();
        log_line(peer_ + " " + answer_.method + " " + answer_.path + " " + std::to_string(status) + " " +
                 std::to_string(elapsed.count()) + "us" + (answer_.operation.empty() ? "" : " " + answer_.operation));
        answer_ = Answer{};
        parser_.reset();
        if (error || !keep_alive) return close();
        wait_for_request();
    }

    void close() {
        if constexpr (kTls) {
            socket_layer().expires_after(settings().read_timeout);
            stream_.async_shutdown([self = shared()](beast::error_code) { self->socket_layer().close(); });
        } else {
            beast::error_code ignored;
            socket_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
            socket_layer().close();
        }
    }

    static constexpr size_t kFirstRead = 4096;
    Stream stream_;
    Listener &listener_;
    Service &service_;
    std::string peer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::empty_body> continue_;
    Answer answer_;
    Clock::time_point received_;
    bool idle_ = false;  // waiting for a request's first byte
};

void Listener::on_accept(beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
        log_line("cannot accept a connection: " + error.message());
    } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);  // answers go out as soon as they are written
        std::string peer = socket.remote_endpoint(ignored).address().to_string();
        std::shared_ptr<Connection> connection;
        if (tls_)
            connection = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, peer, std::move(socket),
                                                                                        *tls_);
        else
            connection = std::make_shared<Session<beast::tcp_stream>>(*this, peer, std::move(socket));
        std::lock_guard<std::mutex> lock(mutex_);
        connections_[connection.get()] = connection;
        connection->start();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (connections_.size() >= service_.settings.max_connections) {
        accept_paused_ = true;
        return;
    }
    accept();
}

std::unique_ptr<ssl::context> tls_context(const ServeSettings &settings) {
    if (!settings.tls_cert) return nullptr;
    require_private_file(*settings.tls_key, "TLS key");
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code error;
    context->use_certificate_chain_file(*settings.tls_cert, error);
    if (error) throw std::runtime_error("cannot use the TLS certificate " + *settings.tls_cert + ": " + error.message());
    context->use_private_key_file(*settings.tls_key, ssl::context::pem, error);
    if (error) throw std::runtime_error("cannot use the TLS key " + *settings.tls_key + ": " + error.message());
    return context;
}

tcp::endpoint listen_endpoint(asio::io_context &io, const ServeSettings &settings, bool tokens) {
    tcp::resolver resolver(io);
    beast::error_code error;
    auto results = resolver.resolve(settings.host, settings.port, tcp::resolver::numeric_service, error);
    if (error || results.empty())
        throw std::runtime_error("cannot resolve --listen " + settings.host + ": " + error.message());
    tcp::endpoint endpoint = *results.begin();
    // Patient data must not be open to the network without tokens.
    if (!tokens && !settings.insecure_no_auth && !endpoint.address().is_loopback())
        throw std::runtime_error("refusing to serve " + endpoint.address().to_string() +
                                 " without --token-file: anyone on the network could read patient records; give "
                                 "--token-file, or --insecure-no-auth where a firewall or proxy admits only the HIS");
    return endpoint;
}

// Runs handlers until there are none left.  A handler that throws (out of
// memory) ends its own connection only.
void run_handlers(asio::io_context &io) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception &e) {
            log_line(std::string("a connection failed: ") + e.what());
        }
    }
}

// Accepts and answers until SIGTERM or SIGINT, then until the requests in
// flight are answered.
void serve_until_stopped(asio::io_context &io, Service &service, const tcp::endpoint &endpoint, ssl::context *tls) {
    Listener listener(io, service, endpoint, tls);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code error, int signal) {
        if (error) return;
        log_line(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                 ": finishing the requests in flight");
        listener.drain();
    });
    tcp::endpoint local = listener.local_endpoint();
    log_line(std::string("listening on ") + (tls ? "https" : "http") + "://" +
             (local.address().is_v6() ? "[" + local.address().to_string() + "]" : local.address().to_string()) + ":" +
             std::to_string(local.port()) + " with " + std::to_string(service.settings.threads) + " threads" +
             (service.tokens ? "" : ", without tokens"));
    listener.start();
    std::vector<std::thread> threads;
    for (int i = 1; i < service.settings.threads; ++i) threads.emplace_back([&io] { run_handlers(io); });
    run_handlers(io);
    for (auto &thread : threads) thread.join();
}

}  // namespace

int serve(const Invocation &invocation) {
    ServeSettings settings = serve_settings(invocation);
    std::optional<AccessTokens> tokens;
    if (settings.token_file) tokens = AccessTokens::from_file(*settings.token_file);
    std::unique_ptr<ssl::context> tls = tls_context(settings);
    asio::io_context io(settings.threads);
    tcp::endpoint endpoint = listen_endpoint(io, settings, tokens.has_value());
    // A closed standard error (a log reader gone) must not end the service.
    std::signal(SIGPIPE, SIG_IGN);
    medlint::engine engine = open_engine(settings.config);
    Service service{engine, settings, std::move(tokens), {}};
    serve_until_stopped(io, service, endpoint, tls.get());
    // A second signal while the engine closes would lose its deferred audit rows.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    log_line("stopped; closing the engine");
    return kExitPass;
}

}  // namespace medlint::cli
