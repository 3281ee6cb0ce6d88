"""Real receivers on the loopback address for the notification tests: an HTTP server that
takes apprise's JSON posts (``json://127.0.0.1:PORT/<path>``), and an SMTP server
(aiosmtpd) that takes its e-mail (``mailto://127.0.0.1:PORT?...``). Nothing is mocked:
apprise connects, sends and reads the answer as it would in a weekend."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Post:
    """One JSON post: the path it went to and apprise's payload."""

    path: str
    title: str
    message: str
    payload: dict[str, Any]


@dataclass
class HttpReceiver:
    """Collects posts; answers 500 while ``failing`` is set. A slow one: ``delay`` seconds
    before each answer; ``gate``, when given, holds every post until it is set (``arrived``
    counts the posts that came, answered or not)."""

    port: int = 0
    posts: list[Post] = field(default_factory=list)
    failing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0
    gate: threading.Event | None = None
    arrived: int = 0
    on_arrival: Callable[[int], None] | None = None  # called with the arrival's number

    def wait_for_arrivals(self, count: int, timeout: float = 30.0) -> bool:
        """Wait until ``count`` posts have arrived; False when they did not in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.arrived >= count:
                    return True
            time.sleep(0.01)
        return False

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def to(self, path: str) -> list[Post]:
        """The posts that went to ``/path``."""
        with self.lock:
            return [p for p in self.posts if p.path == f"/{path}"]

    def titles(self, path: str) -> list[str]:
        return [p.title for p in self.to(path)]

    def types(self, path: str) -> list[tuple[str, str]]:
        """Each post's apprise notify type (info, success, warning, failure) with its title."""
        return [(p.payload.get("type", ""), p.title) for p in self.to(path)]


def start_http_receiver(port: int = 0) -> tuple[HttpReceiver, ThreadingHTTPServer]:
    """An HTTP receiver on ``port`` (a free one by default) of the loopback address,
    serving in a thread."""
    receiver = HttpReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            with receiver.lock:
                receiver.arrived += 1
                number = receiver.arrived
            if receiver.on_arrival is not None:
                receiver.on_arrival(number)
            if receiver.gate is not None:
                receiver.gate.wait(timeout=60)
            if receiver.delay:
                time.sleep(receiver.delay)
            if receiver.failing:
                self.send_response(500)
                self.end_headers()
                return
            with receiver.lock:
                receiver.posts.append(
                    Post(self.path, payload.get("title", ""), payload.get("message", ""), payload)
                )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    receiver.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server


@dataclass
class Mail:
    """One e-mail as the SMTP server received it."""

    sender: str
    recipients: list[str]
    subject: str
    text: str


class _Collect:
    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        self.mails.append(
            Mail(envelope.mail_from, list(envelope.rcpt_tos), str(message["Subject"]), text)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_smtp_receiver() -> tuple[list[Mail], Controller]:
    """An SMTP server on a free loopback port (plain SMTP, no TLS, no login)."""
    collect = _Collect()
    controller = Controller(collect, hostname="127.0.0.1", port=free_port())
    controller.start()
    return collect.mails, controller


def start_tls_junk_receiver() -> tuple[int, socket.socket]:
    """A port on the loopback address that answers an HTTPS client in plain text: its TLS
    handshake fails with an SSL error that has no errno (what a proxy or a wrong port does)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nthis is not TLS\r\n" * 4)
            except OSError:
                pass
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1]), listener
