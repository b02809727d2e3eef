"""Stand-ins for WeCom, DingTalk and Feishu group robots: a threaded HTTP server on 127.0.0.1 in a process of its own.

Each request waits `delay` seconds (a robot's answer time), then gets its platform's success body: ``{"errcode":0}``
for ``/wecom/...`` and ``/dingtalk/...``, ``{"code":0}`` for ``/feishu/...``. Like the real robots, a DingTalk or
Feishu request whose signature does not verify gets an error code instead (the secret of the robot at
``/<kind>/<n>`` is ``robot_secret(n)``), so a message that arrives counted is one the platform would have shown.

The server runs in a child process so that its threads compete with the sweep for neither the GIL nor this process's
CPU time: the scenario's CPU figure is the application's alone, as it would be against robots on the internet. It
imports no Django (the child is spawned, not forked, from a process with open database connections).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import multiprocessing
import threading
import time
import urllib.parse
from dataclasses import dataclass
from multiprocessing.connection import Connection

WECOM_OK = b'{"errcode":0,"errmsg":"ok"}'
DINGTALK_OK = b'{"errcode":0,"errmsg":"ok"}'
DINGTALK_BAD_SIGNATURE = b'{"errcode":310000,"errmsg":"sign not match"}'
FEISHU_OK = b'{"code":0,"msg":"success","data":{}}'
FEISHU_BAD_SIGNATURE = b'{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}'


def robot_secret(n: int) -> str:
    """The signing secret of robot number `n` (the scenario configures the channels with it)."""
    return f"SECbench{n}"


@dataclass(frozen=True)
class Received:
    path: str  # with the query string
    body: bytes


def _signature(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def _answer(path: str, body: bytes) -> bytes:
    """The platform's answer to one request: success, or its error code for a signature that does not verify."""
    parts = urllib.parse.urlsplit(path)
    kind, _slash, n = parts.path.strip("/").partition("/")
    secret = robot_secret(int(n)) if n.isdigit() else ""
    if kind == "dingtalk":
        query = dict(urllib.parse.parse_qsl(parts.query))
        timestamp = query.get("timestamp", "")
        expected = _signature(secret.encode(), f"{timestamp}\n{secret}".encode())
        return DINGTALK_OK if hmac.compare_digest(query.get("sign", ""), expected) else DINGTALK_BAD_SIGNATURE
    if kind == "feishu":
        message = json.loads(body)
        timestamp = str(message.get("timestamp", ""))
        expected = _signature(f"{timestamp}\n{secret}".encode(), b"")
        return FEISHU_OK if hmac.compare_digest(str(message.get("sign", "")), expected) else FEISHU_BAD_SIGNATURE
    return WECOM_OK


def _serve(control: Connection, delay: float) -> None:
    """The child process: serve until told to stop, then hand back every request received."""
    received: list[Received] = []
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                received.append(Received(self.path, body))
            time.sleep(delay)
            answer = _answer(self.path, body)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the default backlog of 5 would drop the connections of a burst of senders

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    control.send(server.server_address[1])
    control.recv()  # "stop"
    server.shutdown()
    server.server_close()
    with lock:
        control.send(list(received))
    control.close()


class RobotServer:
    """``with RobotServer(delay=0.2) as robots:`` ... ``robots.url("/wecom/1")`` ... ``robots.stop()`` returns what
    it received (stopping waits for requests in progress no longer than their `delay`)."""

    def __init__(self, delay: float):
        self.delay = delay
        self._received: list[Received] | None = None

    def __enter__(self) -> RobotServer:
        context = multiprocessing.get_context("spawn")
        self._control, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self.delay), daemon=True)
        self._process.start()
        child.close()
        self.port = self._control.recv()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> list[Received]:
        if self._received is None:
            time.sleep(self.delay)  # let an answer still being written finish
            self._control.send("stop")
            self._received = self._control.recv()
            self._process.join(timeout=10)
        return self._received

    def __exit__(self, *exc) -> None:
        self.stop()
