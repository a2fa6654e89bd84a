"""Real servers for delivery tests: an SMTP server (aiosmtpd, STARTTLS) and a webhook receiver."""
import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lotse import content as content_module
from lotse.handoff.store import HandoffRequest, HandoffStore
from tests.lotse.agency_fixture import AGENCIES_YML, write_agencies

WEBHOOK_SECRET = "test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


class SmtpServer:
    """aiosmtpd on loopback, requiring STARTTLS; start/stop to simulate an outage."""

    def __init__(self, port, tls_files):
        self.port, self.tls_files, self.messages, self.controller = port, tls_files, [], None

    def start(self):
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):
                server.messages.append(envelope)
                return "250 OK"

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, self.tls_files))
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     tls_context=context, require_starttls=True)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(tls_files, monkeypatch):
    server = SmtpServer(free_port(), tls_files)
    monkeypatch.setenv("LOTSE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LOTSE_SMTP_PORT", str(server.port))
    monkeypatch.setenv("LOTSE_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("LOTSE_SMTP_CA_FILE", str(tls_files[0]))
    monkeypatch.setenv("LOTSE_SMTP_FROM", "lotse@kreis-pinneberg.example")
    monkeypatch.setenv("LOTSE_SMTP_TIMEOUT", "5")
    yield server
    server.stop()


class WebhookReceiver:
    """Accepts only correctly signed calls; records them; can fail the first N calls."""

    def __init__(self):
        self.calls, self.fail_first = [], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-Lotse-Timestamp", "")
                expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(),
                                                timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Lotse-Signature", "")):
                    self.send_response(401)
                elif receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(503)
                else:
                    receiver.calls.append({"key": self.headers.get("Idempotency-Key"),
                                           "body": json.loads(body)})
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lotse"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(monkeypatch):
    receiver = WebhookReceiver()
    monkeypatch.setenv("LOTSE_TEST_JMD_SECRET", WEBHOOK_SECRET)
    yield receiver
    receiver.close()


@pytest.fixture
def content_dir(content_copy, webhook, monkeypatch):
    write_agencies(content_copy, AGENCIES_YML.replace("http://127.0.0.1:9/hook", webhook.url))
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(content_copy))
    return content_copy


@pytest.fixture
def content(content_dir):
    return content_module.load(content_dir)


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/handoffs.db"
    monkeypatch.setenv("LOTSE_DATABASE_URL", url)
    handoff_store = HandoffStore(url)
    handoff_store.create_schema()
    return handoff_store


def request(**changes) -> HandoffRequest:
    values = dict(
        sender_id="telegram-4711", channel="telegram", agency_id="jmd_kreis", role="jmd",
        reason_de="Der Jugendmigrationsdienst berät junge Menschen von 12 bis 26 Jahren.",
        topic="family_reunification", language="ar", contact_method="phone",
        contact_value="+4917612345678", municipality="Seester", age_group="age_12_26",
        status=None, description="بدي جيب مرتي <script>alert(1)</script> & ولادي",
        answered_topics=["family_reunification", "appointment"],
        delivery_channels=["email", "webhook"])
    values.update(changes)
    return HandoffRequest(**values)
