"""medlint serve as a hospital runs it: a real server process on a free
loopback port, driven over HTTP by urllib and raw sockets as an HIS and a
misbehaving client would.

    python3 test_serve.py MEDLINT SAMPLES [unittest arguments]
"""
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

MEDLINT = SAMPLES = SOURCE = None
HISTORY = "dup-test-history"
TOKEN = "ward-3-his-0123456789abcdef"
HASHED_TOKEN = "pharmacy-his-fedcba9876543210"


def sample(name):
    with open(os.path.join(SAMPLES, HISTORY, name), "rb") as file:
        return file.read()


class Server:
    """A `medlint serve` process with a scratch configuration and store."""

    def __init__(self, *options, folder=None, tls=False):
        self.folder = folder or tempfile.mkdtemp(prefix="medlint-serve-")
        self.config = os.path.join(self.folder, "medlint.xml")
        if not os.path.exists(self.config):
            with open(self.config, "w") as file:
                file.write('<medlint><store path="store/medlint.db"/></medlint>\n')
            os.mkdir(os.path.join(self.folder, "store"))
        self.scheme = "https" if tls else "http"
        self.process = subprocess.Popen(
            [MEDLINT, "serve", "--config", self.config, "--listen", "127.0.0.1:0", *options],
            stderr=subprocess.PIPE, text=True)
        self.log = []
        listening = self.process.stderr.readline()
        self.log.append(listening)
        found = re.search(r"listening on https?://127\.0\.0\.1:(\d+)", listening)
        if not found:
            self.process.wait(timeout=30)
            raise AssertionError("medlint serve did not start: " + listening + self.process.stderr.read())
        self.port = int(found.group(1))
        self.reader = threading.Thread(target=self._read_log, daemon=True)
        self.reader.start()

    def _read_log(self):
        for line in self.process.stderr:
            self.log.append(line)

    def url(self, path):
        return "%s://127.0.0.1:%d%s" % (self.scheme, self.port, path)

    def request(self, path, body=None, token=None, context=None, method=None):
        """(status, headers, body bytes) of one request, errors included."""
        request = urllib.request.Request(self.url(path), data=body, method=method)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=30, context=context) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=30)

    def stop(self):
        """Sends SIGTERM and returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        self.process.stderr.close()
        return status

    def log_text(self):
        return "".join(self.log)


def raw_exchange(connection, data):
    """Sends bytes and reads until the server closes: the whole answer."""
    connection.sendall(data)
    answer = b""
    while True:
        got = connection.recv(65536)
        if not got:
            return answer
        answer += got


def start_failure(*options, folder=None):
    """The exit status and standard error of a serve that must not start."""
    done = subprocess.run([MEDLINT, "serve", *options], stderr=subprocess.PIPE, text=True, timeout=60,
                          cwd=folder)
    return done.returncode, done.stderr


class ServeTest(unittest.TestCase):
    def serve(self, *options, **keywords):
        server = Server(*options, **keywords)
        self.addCleanup(server.stop)
        return server


class HisClient(ServeTest):
    def test_check_commit_check_finds_the_repeated_test(self):
        server = self.serve()
        repeat = sample("02-check-endocrinology-repeats-creatinine.xml")
        status, headers, body = server.request("/v1/call", repeat)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/xml; charset=UTF-8")
        self.assertIn(b"<check-result", body)
        self.assertNotIn(b'rule="DUP-TEST"', body)

        status, _, body = server.request("/v1/call", sample("01-commit-nephrology-visit.xml"))
        self.assertEqual(status, 200)
        self.assertIn(b'committed="4"', body)

        status, _, body = server.request("/v1/call", repeat)
        self.assertEqual(status, 200)
        self.assertIn(b'rule="DUP-TEST"', body)

        self.assertEqual(server.stop(), 0)
        log = server.log_text()
        self.assertRegex(log, r"127\.0\.0\.1 POST /v1/call 200 \d+us check\n")
        for patient_data in ("黄丽华", "522701196610300066", "肌酐"):
            self.assertNotIn(patient_data, log)

    def test_a_refused_request_answers_the_error_document(self):
        server = self.serve()
        status, headers, body = server.request("/v1/call", b"<check><patient>")
        self.assertEqual(status, 400)
        self.assertEqual(headers["Content-Type"], "application/xml; charset=UTF-8")
        self.assertEqual(headers["Medlint-Error-Code"], "-2")
        self.assertRegex(body, rb'<error code="-2" message="[^"]+')

    def test_the_operations_that_name_a_server_path_are_refused(self):
        server = self.serve()
        target = os.path.join(server.folder, "copy.xml")
        with open(target, "w") as config:
            config.write('<medlint><store path="copy.db"/></medlint>')
        for request in (b'<store-copy to="%s"/>' % target.encode(),
                        b'<!-- <check/> --><pack-validate path="/etc"/>',
                        b'<?xml version="1.0" encoding="GB18030"?><store-copy to="%s"/>' % target.encode()):
            status, headers, body = server.request("/v1/call", request)
            self.assertEqual(status, 400, body)
            self.assertEqual(headers["Medlint-Error-Code"], "-2")
            self.assertIn(b'this call performs only &lt;check>, &lt;commit>, ', body)
            self.assertRegex(body, rb'root="(store-copy|pack-validate)"')
        self.assertFalse(os.path.exists(os.path.join(server.folder, "copy.db")))
        status, _, body = server.request("/v1/call", b"<audit-log-verify/>")
        self.assertEqual(status, 200, body)
        self.assertIn(b'intact="true"', body)

    def test_the_national_3101_example_finds_limit_gender_as_json(self):
        folder = tempfile.mkdtemp(prefix="medlint-serve-")
        os.mkdir(os.path.join(folder, "store"))
        with open(os.path.join(folder, "medlint.xml"), "w") as file:
            file.write('<medlint><store path="store/medlint.db"/><rules path="%s"/><rules path="%s"/></medlint>\n'
                       % (os.path.join(SOURCE, "rules", "default"), os.path.join(SOURCE, "rules", "national")))
        server = self.serve(folder=folder)
        with open(os.path.join(SOURCE, "tests", "nhsa", "example-3101-request.json"), "rb") as file:
            example = file.read()
        status, headers, body = server.request("/v1/call", example)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/json")
        answer = json.loads(body)
        self.assertEqual(answer["infcode"], 0)
        gender = [result for result in answer["output"]["result"] if result["rule_id"] == "LIMIT-GENDER"]
        self.assertEqual(len(gender), 1, body)
        self.assertEqual([detail["rx_id"] for detail in gender[0]["judge_result_detail_dtos"]], ["6374"])

        # A refused envelope is answered as the national platform answers: 200 and infcode -1.
        status, headers, body = server.request("/v1/call", b' {"infno": "3101", "input": {}}')
        self.assertEqual((status, headers["Content-Type"]), (200, "application/json"))
        self.assertEqual(json.loads(body)["infcode"], -1)
        self.assertEqual(headers["Medlint-Error-Code"], "-2")
        self.assertIn("input.data: is required but missing", json.loads(body)["err_msg"])

        text = server.request("/metrics")[2].decode()
        self.assertIn('medlint_findings_total{rule="LIMIT-GENDER"} 1\n', text)
        self.assertIn('medlint_http_requests_total{path="/v1/call",operation="json",status="200"} 2\n', text)

    def test_gb18030_responses_say_their_charset(self):
        server = self.serve()
        request = sample("01-commit-nephrology-visit.xml").replace(
            b'<commit mode="settlement"', b'<check response-encoding="GB18030" mode="settlement"')
        request = request.replace(b"</commit>", b"</check>")
        status, headers, body = server.request("/v1/call", request)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/xml; charset=GB18030")

    def test_only_the_served_paths_and_methods(self):
        server = self.serve()
        self.assertEqual(server.request("/v1/call")[0], 405)
        self.assertEqual(server.request("/v1/other", b"<check/>")[0], 404)
        status, headers, _ = server.request("/healthz", b"", method="POST")
        self.assertEqual((status, headers["Allow"]), (405, "GET"))


class Access(ServeTest):
    def token_file(self, mode=0o600, lines=None):
        folder = tempfile.mkdtemp(prefix="medlint-tokens-")
        path = os.path.join(folder, "tokens")
        with open(path, "w") as file:
            file.write("\n".join(lines or [
                "# ward 3", TOKEN, "", hashlib.sha256(HASHED_TOKEN.encode()).hexdigest()]) + "\n")
        os.chmod(path, mode)
        return path

    def test_every_path_but_healthz_needs_a_valid_token(self):
        server = self.serve("--token-file", self.token_file())
        call = sample("02-check-endocrinology-repeats-creatinine.xml")
        status, headers, _ = server.request("/v1/call", call)
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Bearer realm="medlint"')
        self.assertEqual(server.request("/v1/call", call, token=TOKEN + "x")[0], 401)
        self.assertEqual(server.request("/v1/call", call, token=TOKEN[:-1])[0], 401)
        self.assertEqual(server.request("/metrics", token="wrong-token-wrong-token")[0], 401)
        self.assertEqual(server.request("/healthz")[0], 200)
        self.assertEqual(server.request("/v1/call", call, token=TOKEN)[0], 200)
        self.assertEqual(server.request("/v1/call", call, token=HASHED_TOKEN)[0], 200)
        self.assertEqual(server.request("/metrics", token=HASHED_TOKEN)[0], 200)

    def test_a_token_file_others_may_read_is_refused(self):
        status, errors = start_failure("--listen", "127.0.0.1:0", "--token-file", self.token_file(mode=0o640))
        self.assertEqual(status, 3)
        self.assertIn("has mode 0640", errors)

    def test_a_short_token_is_refused(self):
        status, errors = start_failure("--listen", "127.0.0.1:0", "--token-file", self.token_file(lines=["secret"]))
        self.assertEqual(status, 3)
        self.assertIn(":1: a token of 6 characters", errors)

    def test_without_tokens_only_loopback(self):
        status, errors = start_failure("--listen", "0.0.0.0:0")
        self.assertEqual(status, 3)
        self.assertIn("refusing to serve 0.0.0.0 without --token-file", errors)

    def test_bad_options_are_usage_errors(self):
        self.assertIn("serve needs --listen", start_failure()[1])
        self.assertIn("--listen is '8787'", start_failure("--listen", "8787")[1])
        self.assertIn("--tls-cert and --tls-key go together", start_failure("--listen", "127.0.0.1:1", "--tls-cert", "c")[1])


class Limits(ServeTest):
    def test_a_body_over_32_mib_gets_413(self):
        server = self.serve()
        with server.connect() as connection:
            answer = raw_exchange(connection, b"POST /v1/call HTTP/1.1\r\nHost: h\r\n"
                                              b"Content-Length: 33554433\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer)

    def test_a_header_over_8_kib_gets_431(self):
        server = self.serve()
        with server.connect() as connection:
            answer = raw_exchange(connection, b"GET /healthz HTTP/1.1\r\nHost: h\r\nX-Padding: "
                                              + b"a" * 9000 + b"\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 431 "), answer)

    def test_expect_100_continue(self):
        server = self.serve()
        body = sample("02-check-endocrinology-repeats-creatinine.xml")
        with server.connect() as connection:
            connection.sendall(b"POST /v1/call HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nConnection: close\r\n"
                               b"Content-Length: %d\r\n\r\n" % len(body))
            self.assertEqual(connection.recv(1024), b"HTTP/1.1 100 Continue\r\n\r\n")
            answer = raw_exchange(connection, body)
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK"), answer)
        self.assertIn(b"<check-result", answer)

    def test_a_slow_client_is_cut_off(self):
        server = self.serve("--read-timeout", "1")
        with server.connect() as connection:
            connection.sendall(b"POST /v1/call HTTP/1.1\r\nHost: h\r\n")
            # The header never ends: the server closes the connection.
            self.assertEqual(connection.recv(1024), b"")
        self.assertEqual(server.request("/healthz")[0], 200)
        server.stop()
        self.assertIn("127.0.0.1 cut off: no whole request within 1 s", server.log_text())

    def test_malformed_http_gets_400_and_the_server_goes_on(self):
        server = self.serve()
        for garbage in (b"HELLO\r\n\r\n", b"GET /healthz HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                        b"POST /v1/call HTTP/9\r\n\r\n", b"\x00\xff\r\n\r\n"):
            with server.connect() as connection:
                answer = raw_exchange(connection, garbage)
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), (garbage, answer))
        self.assertEqual(server.request("/healthz")[0], 200)

    def test_connections_beyond_the_limit_wait_for_one_to_close(self):
        server = self.serve("--max-connections", "1")
        first = server.connect()
        self.addCleanup(first.close)
        self.assertEqual(raw_exchange_keep(first, b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")[:15],
                         b"HTTP/1.1 200 OK")
        second = server.connect()  # accepted by the system, not yet by the server
        self.addCleanup(second.close)
        second.sendall(b"GET /healthz HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        second.settimeout(1)
        with self.assertRaises(socket.timeout):
            second.recv(1024)
        first.close()
        second.settimeout(30)
        self.assertTrue(raw_exchange(second, b"").startswith(b"HTTP/1.1 200 OK"))

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        server = self.serve()
        with server.connect() as connection:
            request = b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n"
            answer = raw_exchange(connection, request * 3 + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        self.assertEqual(answer.count(b"HTTP/1.1 200 OK"), 4)


class Tls(ServeTest):
    def test_https_with_a_certificate(self):
        folder = tempfile.mkdtemp(prefix="medlint-tls-")
        cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        os.chmod(key, 0o600)
        server = self.serve("--tls-cert", cert, "--tls-key", key, tls=True)
        context = ssl.create_default_context(cafile=cert)
        status, _, body = server.request("/v1/call", sample("02-check-endocrinology-repeats-creatinine.xml"),
                                         context=context)
        self.assertEqual(status, 200)
        self.assertIn(b"<check-result", body)
        # Plain HTTP to the TLS port is no request at all.
        with server.connect() as connection:
            self.assertFalse(raw_exchange(connection, b"GET /healthz HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 200"))

    def test_a_key_others_may_read_is_refused(self):
        folder = tempfile.mkdtemp(prefix="medlint-tls-")
        key = os.path.join(folder, "key.pem")
        with open(key, "w") as file:
            file.write("not a key\n")
        os.chmod(key, 0o644)
        status, errors = start_failure("--listen", "127.0.0.1:0", "--tls-cert", key, "--tls-key", key)
        self.assertEqual(status, 3)
        self.assertIn("TLS key " + key + " has mode 0644", errors)


class Shutdown(ServeTest):
    def test_sigterm_finishes_the_request_in_flight_then_exits_0(self):
        server = self.serve()
        body = sample("01-commit-nephrology-visit.xml")
        idle = server.connect()
        self.addCleanup(idle.close)
        self.assertEqual(raw_exchange_keep(idle, b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")[:15], b"HTTP/1.1 200 OK")
        busy = server.connect()
        self.addCleanup(busy.close)
        # A first answer shows the server has accepted the connection.
        self.assertEqual(raw_exchange_keep(busy, b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")[:15], b"HTTP/1.1 200 OK")
        busy.sendall(b"POST /v1/call HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:100])
        time.sleep(0.2)  # the header has reached the server's socket
        server.process.send_signal(signal.SIGTERM)
        wait_for(lambda: "stopping on SIGTERM" in server.log_text())
        self.assertEqual(idle.recv(1024), b"", "an idle connection is closed at once")
        with self.assertRaises(ConnectionRefusedError):
            server.connect()
        answer = raw_exchange(busy, body[100:])
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK"), answer)
        self.assertIn(b"Connection: close", answer)
        self.assertIn(b'committed="4"', answer)
        self.assertEqual(server.process.wait(timeout=60), 0)
        server.reader.join(timeout=10)  # the log's last lines may still be in the pipe
        self.assertIn("stopped; closing the engine", server.log_text())
        # The commit is in the store for the next check.
        check = subprocess.run(
            [MEDLINT, "--config", server.config, "check",
             os.path.join(SAMPLES, HISTORY, "02-check-endocrinology-repeats-creatinine.xml")],
            capture_output=True, text=True, timeout=60)
        self.assertIn("DUP-TEST", check.stdout)


def raw_exchange_keep(connection, data):
    """Sends one request and reads its answer, leaving the connection open."""
    connection.sendall(data)
    return connection.recv(65536)


def break_store(folder):
    """Overwrites the store's files with garbage, as a failing disk would."""
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        size = os.path.getsize(path)
        with open(path, "r+b") as file:
            file.write((b"\0" if name.endswith("-shm") else b"\xff") * size)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


class Monitoring(ServeTest):
    def test_healthz_is_503_when_the_store_cannot_be_read(self):
        server = self.serve()
        self.assertEqual(server.request("/healthz")[:1], (200,))
        break_store(os.path.join(server.folder, "store"))
        status, _, body = server.request("/healthz")
        self.assertEqual(status, 503, body)
        self.assertIn(b"unhealthy: ", body)

    def test_metrics(self):
        server = self.serve()
        server.request("/v1/call", sample("01-commit-nephrology-visit.xml"))
        server.request("/v1/call", sample("02-check-endocrinology-repeats-creatinine.xml"))
        server.request("/v1/call", b"not xml")
        with server.connect() as open_connection:
            open_connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
            open_connection.recv(1024)
            status, headers, body = server.request("/metrics")
            # This request's connection and the one held open, once the server has seen
            # the earlier requests' connections close (a slow build may not have yet).
            for _ in range(100):
                gauge = re.search(rb"medlint_open_connections (\d+)\n", server.request("/metrics")[2])
                if gauge and gauge.group(1) == b"2":
                    break
                time.sleep(0.05)
            self.assertEqual(gauge.group(1), b"2")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        text = body.decode()
        # A commit answers a <check-result> too.
        self.assertIn('medlint_http_requests_total{path="/v1/call",operation="check",status="200"} 2\n', text)
        self.assertIn('medlint_http_requests_total{path="/v1/call",operation="error",status="400"} 1\n', text)
        self.assertIn('medlint_http_requests_total{path="/healthz",operation="",status="200"} 1\n', text)
        self.assertIn('medlint_findings_total{rule="DUP-TEST"} 1\n', text)
        self.assertIn('medlint_http_request_duration_seconds_bucket{le="+Inf"} 4\n', text)
        self.assertIn("medlint_http_request_duration_seconds_count 4\n", text)
        self.assertIn("# TYPE medlint_http_request_duration_seconds histogram\n", text)
        self.assertIn("# TYPE medlint_open_connections gauge\n", text)


if __name__ == "__main__":
    MEDLINT, SAMPLES = sys.argv[1], sys.argv[2]
    SOURCE = os.path.dirname(os.path.abspath(SAMPLES))
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:])
