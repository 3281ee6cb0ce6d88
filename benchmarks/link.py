"""A TCP proxy on the loopback: a link to a server with a round-trip time of its own, that
counts the round trips a client makes over it (issue 28 §5).

``Link(("127.0.0.1", 5432), delay=0.015)`` listens on a port of its own and forwards every
connection to the server, holding each chunk of bytes ``delay`` seconds in each direction
(so a round trip takes ``2 * delay`` longer, as over a WAN link), in order. A new connection's
first bytes wait one round trip more: the TCP handshake a real link would cost (on the
loopback the kernel completes it at once).

Round trips are counted per connection, reading both sides as PostgreSQL's protocol
(``Connection`` says how): connecting (SSL negotiation, start-up, authentication, up to the
first ReadyForQuery) apart from what follows; after that, a round trip is a wait of the
client for the answer to a Sync or a simple Query, and what it pipelines meanwhile belongs
to it. ``Link.round_trips`` and ``Link.connecting`` sum them over every connection, and
``Link.connects`` counts the connections (each a TCP handshake more).

Usage as a script, to look at a command's round trips by hand:
``python benchmarks/link.py HOST:PORT [--delay 0.015]`` prints the port to use and, at each
Ctrl-C, the counts.
"""

from __future__ import annotations

import argparse
import contextlib
import queue
import socket
import threading
import time
from dataclasses import dataclass, field

SSL_REQUEST = (80877103).to_bytes(4, "big")  # also GSSENCRequest's first bytes but one
GSSENC_REQUEST = (80877104).to_bytes(4, "big")


@dataclass
class Connection:
    """What one client connection did over the link, read as PostgreSQL's protocol.

    Connecting (until the server's first ReadyForQuery reaches the client), a round trip
    starts each time the client sends after the server's bytes reached it. After that, the
    client waits only for the answer to a Sync or a simple Query (the ReadyForQuery that ends
    it): a round trip starts with the first message it sends when every Sync and Query it
    sent before has been answered, and messages sent while some are not (a pipeline) belong
    to it. The client's goodbye (Terminate), which waits for nothing, starts none."""

    connecting: int = 0  # round trips before the server was first ready for a query
    round_trips: int = 0  # round trips after that
    sent: int = 0  # bytes from the client
    received: int = 0  # bytes from the server
    messages: dict[str, int] = field(default_factory=dict)  # the client's, by type
    turns: list[float] = field(default_factory=list)  # when each round trip began
    lock: threading.Lock = field(default_factory=threading.Lock)
    _heard: bool = False  # connecting: the server's bytes reached the client since it sent
    _ready: bool = False  # the server's first ReadyForQuery reached the client
    _typed: bool = False  # the client has sent its StartupMessage: its messages are typed
    _single: int = 0  # one-byte answers (to SSLRequest, GSSENCRequest) still to come
    _waiting: int = 0  # Syncs and Queries sent and not answered yet
    _open: bool = False  # messages sent since the last Sync or Query (a round trip begun)
    _client: bytearray = field(default_factory=bytearray)  # the client's unread bytes
    _server: bytearray = field(default_factory=bytearray)  # the server's undelivered bytes

    def heard(self, side: str, data: bytes) -> None:
        """Bytes read from the client (on their way), or from the server (not yet
        delivered: ``delivered`` says when they are)."""
        with self.lock:
            if side == "server":
                self.received += len(data)
                return
            self.sent += len(data)
            self._client += data
            while True:
                message = _take(self._client, typed=self._typed)
                if message is None:
                    return
                self._client_said(message)

    def _client_said(self, message: bytes) -> None:
        if not self._typed:
            code = message[4:8]
            kind = "SSLRequest" if code in (SSL_REQUEST, GSSENC_REQUEST) else "Startup"
            if kind == "SSLRequest":
                self._single += 1
            else:
                self._typed = True
        else:
            kind = chr(message[0])
        self.messages[kind] = self.messages.get(kind, 0) + 1
        if kind == "X":
            return
        if not self._ready:
            if self._heard or not self.turns:
                self.turns.append(time.monotonic())
                self.connecting += 1
            self._heard = False
            return
        if self._waiting == 0 and not self._open:
            self.turns.append(time.monotonic())
            self.round_trips += 1
        self._open = kind not in ("S", "Q")
        if not self._open:
            self._waiting += 1

    def delivered(self, data: bytes) -> None:
        """The server's bytes reached the client."""
        with self.lock:
            self._heard = True
            self._server += data
            while True:
                if self._single:
                    if not self._server:
                        return
                    del self._server[:1]
                    self._single -= 1
                    continue
                message = _take(self._server, typed=True)
                if message is None:
                    return
                if message[:1] == b"Z":
                    if not self._ready:
                        self._ready = True
                    elif self._waiting:
                        self._waiting -= 1


def _take(buffer: bytearray, *, typed: bool) -> bytes | None:
    """The first whole message in ``buffer``, taken out of it (None: not all there yet).
    A typed message is a byte and a length; an untyped one (start-up) a length alone."""
    head = 5 if typed else 4
    if len(buffer) < head:
        return None
    length = int.from_bytes(buffer[head - 4 : head], "big")
    size = length + (1 if typed else 0)
    if len(buffer) < size:
        return None
    message = bytes(buffer[:size])
    del buffer[:size]
    return message


class Link:
    """The proxy: ``start()`` gives its port; ``connections`` what each connection did."""

    def __init__(self, target: tuple[str, int], *, delay: float = 0.0) -> None:
        self.target = target
        self.delay = delay
        self.connections: list[Connection] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def round_trips(self) -> int:
        """Round trips after connecting (the queries'), over every connection so far."""
        return sum(c.round_trips for c in self.connections)

    @property
    def connecting(self) -> int:
        """Round trips of connecting (SSL negotiation, start-up, authentication)."""
        return sum(c.connecting for c in self.connections)

    @property
    def connects(self) -> int:
        """Connections opened so far (each cost a TCP handshake, one round trip)."""
        return len(self.connections)

    def reset(self) -> None:
        """Forget the connections counted so far."""
        self.connections = []

    def start(self) -> Link:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._server.close()

    def __enter__(self) -> Link:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection()
            self.connections.append(conn)
            # The handshake a real link would cost: the client's first bytes wait for it.
            opened = time.monotonic() + 2 * self.delay
            for source, sink, side in ((client, upstream, "client"), (upstream, client, "server")):
                pipe = queue.SimpleQueue[tuple[float, bytes]]()
                reader = threading.Thread(
                    target=self._read, args=(source, pipe, conn, side, opened), daemon=True
                )
                writer = threading.Thread(
                    target=self._write, args=(sink, pipe, conn, side), daemon=True
                )
                reader.start()
                writer.start()

    def _read(
        self,
        source: socket.socket,
        pipe: queue.SimpleQueue[tuple[float, bytes]],
        conn: Connection,
        side: str,
        opened: float,
    ) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                conn.heard(side, data)
                pipe.put(
                    (max(time.monotonic(), opened if side == "client" else 0) + self.delay, data)
                )
        except OSError:
            pass
        pipe.put((time.monotonic() + self.delay, b""))

    def _write(
        self,
        sink: socket.socket,
        pipe: queue.SimpleQueue[tuple[float, bytes]],
        conn: Connection,
        side: str,
    ) -> None:
        try:
            while True:
                due, data = pipe.get()
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                if not data:
                    break
                if side == "server":  # before it is sent: the client cannot answer sooner
                    conn.delivered(data)
                sink.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="HOST:PORT of the server")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each way")
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    with Link((host, int(port)), delay=args.delay) as link:
        print(f"listening on 127.0.0.1:{link.port}", flush=True)
        while True:
            try:
                time.sleep(3600)
            except KeyboardInterrupt:
                print(
                    f"{link.connects} connections: {link.connecting} round trips connecting, "
                    f"{link.round_trips} after",
                    flush=True,
                )
                link.reset()


if __name__ == "__main__":
    main()
