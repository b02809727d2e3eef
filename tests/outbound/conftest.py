"""Real local servers for the outbound tests: plain HTTP and TLS on 127.0.0.1, a CA made in the test, a resolver
that maps test host names to addresses and counts every lookup."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import queue
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass, field

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    server_name: str | None

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"errcode":0,"errmsg":"ok"}'
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    hang: bool = False  # never answer (until the server stops)
    drip: bool = False  # send header lines slowly, forever
    delay: float = 0.0  # seconds to wait before answering (a robot's answer time)


class Receiver:
    """An HTTP(S) server in a thread that records every request and answers what the test queued (by default a
    robot's success answer)."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.requests: list[Received] = []
        self.answers: queue.Queue[Answer] = queue.Queue()
        self.stopping = threading.Event()
        self.in_flight = 0
        self.most_in_flight = 0  # the most requests being answered at once
        self._counting = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                with receiver._counting:
                    receiver.in_flight += 1
                    receiver.most_in_flight = max(receiver.most_in_flight, receiver.in_flight)
                try:
                    self._answer()
                finally:
                    with receiver._counting:
                        receiver.in_flight -= 1

            def _answer(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                receiver.requests.append(
                    Received(
                        path=parts.path,
                        query=dict(urllib.parse.parse_qsl(parts.query)),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                        server_name=getattr(self.connection, "clm_server_name", None),
                    )
                )
                try:
                    answer = receiver.answers.get_nowait()
                except queue.Empty:
                    answer = Answer()
                if answer.hang:
                    receiver.stopping.wait(30)
                    return
                if answer.delay:
                    receiver.stopping.wait(answer.delay)
                if answer.drip:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    while not receiver.stopping.wait(0.1):
                        try:
                            self.wfile.write(b"X-Drip: 1\r\n")
                            self.wfile.flush()
                        except OSError:
                            return
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A client that drops the connection (a refused certificate, a timeout) is expected here, not an error.
        self.server.handle_error = lambda request, client_address: None
        if tls is not None:

            def remember_sni(sock, server_name, context):
                sock.clm_server_name = server_name

            tls.sni_callback = remember_sni
            # The handshake happens on the first read, in the request's own thread, so a client that gives up on the
            # certificate never blocks the accepting thread.
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self.server.server_address[1]
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def answer(self, **kwargs) -> None:
        self.answers.put(Answer(**kwargs))

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def second_receiver():
    server = Receiver()
    yield server
    server.stop()


# --- A certificate authority of the test's own --------------------------------------------------------------------


@dataclass
class TestCA:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    path: str

    def server_context(self, tmp_path, *names: str) -> ssl.SSLContext:
        """A TLS server context with a certificate for `names`, signed by this CA."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.cert.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_file = tmp_path / f"{names[0]}.pem"
        key_file = tmp_path / f"{names[0]}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context


@pytest.fixture
def test_ca(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "clm outbound test CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return TestCA(key=key, cert=cert, path=str(path))


@pytest.fixture
def tls_receiver(tmp_path, test_ca):
    """Start a TLS receiver whose certificate names the given host names."""
    servers = []

    def start(*names: str) -> Receiver:
        server = Receiver(tls=test_ca.server_context(tmp_path, *names))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --- DNS ------------------------------------------------------------------------------------------------------------


class FakeDNS:
    """Answers for test host names (anything else goes to the real resolver, e.g. the numeric lookups urllib3
    makes for an address) and a log of every name asked for."""

    def __init__(self, real):
        self.real = real
        self.records: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        self.gate: threading.Event | None = None  # when set, lookups wait for it (a stalled resolver)

    def add(self, host: str, *answers: list[str]) -> None:
        """Each lookup of `host` gets the next answer; the last one repeats."""
        self.records[host] = [list(a) for a in answers]

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.records:
            return self.real(host, port, family, type, proto, flags)
        self.lookups.append(name)
        if self.gate is not None:
            self.gate.wait(10)
        answers = self.records[name]
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        result = []
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if ip.version == 4:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
            else:
                result.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
        return result


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDNS(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake
