"""One JSON POST to a robot or webhook URL, connected only to an address the guard allowed.

The connection is pinned: `guard.resolve` looks the host up once, every address is checked, and the socket is opened
to one of those addresses (urllib3's `HTTPSConnection` with ``host=<address>``). The host name is used only where
it belongs: as the TLS SNI name and the name the certificate is verified against (``server_hostname``; Python's
`ssl` module checks the certificate chain against certifi's CA bundle and the subject alternative names against
this name), and in the Host header. No second lookup happens, so a DNS answer that changes after the check (DNS
rebinding) is never used.

A single `HTTPSConnection` is used rather than a pool or ``requests``: there is then no redirect handling and no
retry machinery at all. A 3xx answer is returned as it is (with its Location) and the caller treats it as a
failure; following it would let a public URL bounce the request to an internal one.

Time and size are bounded: connecting takes at most `timeout`, every read at most `timeout`, and a watchdog shuts
the socket down once `deadline` has passed, so a server that trickles one byte at a time cannot hold a worker. At
most `max_body` bytes of the answer are read; the rest is dropped with the connection.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import certifi
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.response import BaseHTTPResponse

from .guard import CheckedURL, IPAddress, URLRefused, check_url, resolve

MAX_BODY = 64 * 1024
MAX_ADDRESSES = 2  # addresses tried when connecting fails; bounds the time a dead host can take
_CHUNK = 16 * 1024
_CONNECTING = "connecting to"
_OWN_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}


class Failure(StrEnum):
    """Why a request got no HTTP answer at all."""

    TIMEOUT = "timeout"  # connecting, a read, or the whole exchange took too long
    CONNECT = "connect"  # the connection was refused or the network unreachable
    TLS = "tls"  # the TLS handshake failed, e.g. the certificate does not match the host name
    PROTOCOL = "protocol"  # the server closed the connection or did not speak HTTP


class DeliveryError(Exception):
    """The request reached no HTTP answer; `code` says why and `detail` what the library reported.

    `connected` is False when not even a connection was made: only then is another address of the host worth a try.
    """

    def __init__(self, code: Failure, detail: str = "", *, address: IPAddress | None = None, connected: bool = True):
        self.code = code
        self.detail = detail
        self.address = address
        self.connected = connected
        super().__init__(f"{code.value}: {detail}" if detail else code.value)


@dataclass(frozen=True)
class Response:
    """An HTTP answer. `body` holds at most `max_body` bytes (`truncated` says more was sent); `elapsed` is in
    seconds from the start of the call; `location` is the Location header of a redirect."""

    status: int
    body: bytes
    elapsed: float
    location: str | None = None
    truncated: bool = False
    address: str = ""

    @property
    def is_redirect(self) -> bool:
        return 300 <= self.status < 400


@dataclass(frozen=True)
class Outcome:
    """What a delivery attempt means for the caller: success, or a failure with a code and a readable reason.

    `code` is machine-readable for the Django layer's wording (a `guard.Refusal`, a `Failure`, or "redirect",
    "http_status", "bad_json", "errcode"); `error` is an English sentence for logs and the admin; `status` is the
    HTTP status when there was an answer.
    """

    ok: bool
    error: str = ""
    code: str = ""
    status: int | None = None

    @classmethod
    def success(cls, status: int) -> Outcome:
        return cls(ok=True, status=status)

    @classmethod
    def failure(cls, code: str, error: str, status: int | None = None) -> Outcome:
        return cls(ok=False, error=error, code=code, status=status)

    @classmethod
    def from_error(cls, exc: URLRefused | DeliveryError) -> Outcome:
        return cls.failure(exc.code.value, str(exc))

    @classmethod
    def unexpected_status(cls, response: Response) -> Outcome:
        return cls.failure("http_status", f"HTTP {response.status}: {snippet(response.body)}", response.status)

    @classmethod
    def redirect(cls, response: Response) -> Outcome:
        where = response.location or "no Location header"
        return cls.failure(
            "redirect", f"HTTP {response.status} redirect to {where} (redirects are not followed)", response.status
        )


def post_json(
    url: str,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    *,
    timeout: float,
    allow_private: bool,
    deadline: float | None = None,
    max_body: int = MAX_BODY,
    ca_certs: str | None = None,
) -> Response:
    """POST `body` to `url` and return the answer, whatever its status. Never follows a redirect.

    Raises `guard.URLRefused` when the URL or any address of its host is not allowed, `DeliveryError` when no HTTP
    answer came back. `deadline` (default three times `timeout`) bounds the whole call; `ca_certs` replaces
    certifi's CA bundle (tests use a CA of their own).
    """
    started = time.monotonic()
    checked = check_url(url, allow_private=allow_private)
    addresses = resolve(checked, allow_private=allow_private, timeout=timeout)
    budget = deadline if deadline is not None else 3 * timeout
    request_headers = _headers(checked, headers)
    last: DeliveryError | None = None
    for address in addresses[:MAX_ADDRESSES]:
        remaining = budget - (time.monotonic() - started)
        if remaining <= 0:
            break
        try:
            return _exchange(
                checked,
                address,
                body,
                request_headers,
                timeout=timeout,
                deadline=remaining,
                max_body=max_body,
                ca_certs=ca_certs,
                started=started,
            )
        except DeliveryError as exc:
            if exc.connected or exc.code is Failure.TLS:
                raise
            last = exc
    raise last or DeliveryError(Failure.TIMEOUT, "the deadline passed before connecting", connected=False)


def attempt(
    url: str,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    *,
    timeout: float,
    allow_private: bool,
    deadline: float | None = None,
    ca_certs: str | None = None,
) -> Response | URLRefused | DeliveryError:
    """`post_json`, with a refusal or a failure returned instead of raised: what a caller that only interprets the
    result (a robot, a webhook) wants."""
    try:
        return post_json(
            url, body, headers, timeout=timeout, allow_private=allow_private, deadline=deadline, ca_certs=ca_certs
        )
    except (URLRefused, DeliveryError) as exc:
        return exc


def snippet(body: bytes, limit: int = 200) -> str:
    """The start of an answer on one line, for error messages."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    return " ".join(text.split())[:limit] or "(empty)"


def _headers(checked: CheckedURL, headers: Mapping[str, str] | None) -> dict[str, str]:
    own = {
        "Host": checked.host_header,
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "User-Agent": "clm-outbound/1",
        "Connection": "close",
    }
    for name, value in (headers or {}).items():
        if name.lower() in _OWN_HEADERS:
            raise ValueError(f"header {name} is set by post_json")
        if any(c in str(value) for c in "\r\n\0"):
            raise ValueError(f"header {name} contains a line break")
        for existing in [key for key in own if key.lower() == name.lower()]:
            del own[existing]
        own[name] = str(value)
    return own


class _Watchdog:
    """Shuts the connection's socket down at the deadline. Shutting the raw file descriptor down (not closing it)
    wakes a read blocked in another thread with end-of-file, which the reader then reports as a timeout."""

    def __init__(self, conn: HTTPConnection, seconds: float):
        self.fired = False
        self._conn = conn
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        sock = self._conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _exchange(
    checked: CheckedURL,
    address: IPAddress,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    deadline: float,
    max_body: int,
    ca_certs: str | None,
    started: float,
) -> Response:
    conn = _connection(checked, address, timeout=timeout, ca_certs=ca_certs)
    phase = _CONNECTING
    with _Watchdog(conn, deadline) as watchdog:
        try:
            conn.connect()
            phase = "sending to"
            # The answer is read as sent (we ask for identity encoding): decompressing would let a small answer
            # grow past `max_body` in memory before the limit applies.
            conn.request(
                "POST", checked.target, body=body, headers=headers, preload_content=False, decode_content=False
            )
            phase = "reading the answer from"
            response = conn.getresponse()
            data, truncated = _read_bounded(response, max_body)
        except (Urllib3Error, http.client.HTTPException, OSError) as exc:
            raise _failure(exc, phase=phase, fired=watchdog.fired, address=address) from exc
        finally:
            conn.close()
    # A socket shut down by the watchdog reads as end-of-file, which http.client may take for the end of a short
    # answer; whatever was read by then is incomplete.
    if watchdog.fired:
        raise DeliveryError(Failure.TIMEOUT, f"{phase} {address}: the deadline passed", address=address)
    return Response(
        status=response.status,
        body=data,
        elapsed=time.monotonic() - started,
        location=response.headers.get("Location"),
        truncated=truncated,
        address=str(address),
    )


def _connection(checked: CheckedURL, address: IPAddress, *, timeout: float, ca_certs: str | None) -> HTTPConnection:
    if checked.scheme == "http":
        return HTTPConnection(host=str(address), port=checked.port, timeout=timeout)
    return HTTPSConnection(
        host=str(address),
        port=checked.port,
        timeout=timeout,
        server_hostname=checked.host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=ca_certs or certifi.where(),
    )


def _read_bounded(response: BaseHTTPResponse, max_body: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while size <= max_body:
        chunk = response.read(min(_CHUNK, max_body + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    return data[:max_body], size > max_body


def _failure(exc: BaseException, *, phase: str, fired: bool, address: IPAddress) -> DeliveryError:
    """Map what urllib3, http.client and ssl raise onto the four failure codes."""
    connected = phase != _CONNECTING
    where = f"{phase} {address}"
    if fired:
        return DeliveryError(Failure.TIMEOUT, f"{where}: the deadline passed", address=address, connected=connected)
    if isinstance(exc, (ssl.SSLCertVerificationError, ssl.CertificateError)):
        return DeliveryError(Failure.TLS, f"{where}: certificate: {exc}", address=address, connected=connected)
    if isinstance(exc, (ssl.SSLError, Urllib3SSLError)):
        return DeliveryError(Failure.TLS, f"{where}: {exc}", address=address, connected=connected)
    # NewConnectionError subclasses urllib3's connect timeout, so it is asked first.
    if isinstance(exc, NewConnectionError):
        return DeliveryError(Failure.CONNECT, f"{where}: {exc}", address=address, connected=False)
    if isinstance(exc, (Urllib3Timeout, TimeoutError)):
        return DeliveryError(Failure.TIMEOUT, f"{where}: {exc}", address=address, connected=connected)
    if not connected and isinstance(exc, OSError):
        return DeliveryError(Failure.CONNECT, f"{where}: {exc}", address=address, connected=False)
    return DeliveryError(Failure.PROTOCOL, f"{where}: {exc}", address=address, connected=connected)
