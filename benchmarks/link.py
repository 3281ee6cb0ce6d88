"""A TCP proxy on the loopback: a link to a server with a round-trip time of its own, that
counts the round trips a client makes over it (issue 28 §5).

``Link(("127.0.0.1", 5432), delay=0.015)`` listens on a port of its own and forwards every
connection to the server, holding each chunk of bytes ``delay`` seconds in each direction
(so a round trip takes ``2 * delay`` longer, as over a WAN link), in order. A new connection's
first bytes wait one round trip more: the TCP handshake a real link would cost (on the
loopback the kernel completes it at once).

Round trips are counted per connection at the protocol level: one each time the client sends
after it has heard from the server (and its first send). Bytes the client sends before any
answer (pipelined messages) belong to the same round trip; so does a message the server
sends unasked; the client's goodbye (Terminate), which waits for nothing, is no round trip.
The server's side is read as PostgreSQL's protocol (its answer to an SSLRequest, then
messages), so the round trips of connecting (up to the first ReadyForQuery:
SSL negotiation, start-up, authentication) are counted apart from the ones after it, the
queries': ``Link.round_trips`` and ``Link.connecting`` sum them over every connection, and
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
TERMINATE = b"X\0\0\0\x04"  # the client's goodbye, which no answer follows


@dataclass
class Connection:
    """What one client connection did over the link."""

    connecting: int = 0  # round trips before the server was first ready for a query
    round_trips: int = 0  # round trips after that
    sent: int = 0  # bytes from the client
    received: int = 0  # bytes from the server
    last: str = ""  # who spoke last: "client" or "server"
    ready: bool = False  # the server has said ReadyForQuery once
    sent_terminate: bool = False  # the client said goodbye (Terminate)
    turns: list[float] = field(default_factory=list)  # when each round trip began
    single: int = 0  # one-byte answers (to SSLRequest, GSSENCRequest) still to come
    buffer: bytearray = field(default_factory=bytearray)  # the server's unread bytes
    lock: threading.Lock = field(default_factory=threading.Lock)

    def heard(self, side: str, data: bytes) -> None:
        with self.lock:
            if side == "client":
                if data == TERMINATE and not self.sent_terminate:
                    self.sent_terminate = True  # goodbye: the client waits for no answer
                elif self.last != "client":
                    self.turns.append(time.monotonic())
                    if self.ready:
                        self.round_trips += 1
                    else:
                        self.connecting += 1
                if not self.ready and data[:8] in (
                    b"\0\0\0\x08" + SSL_REQUEST,
                    b"\0\0\0\x08" + GSSENC_REQUEST,
                ):
                    self.single += 1
                self.sent += len(data)
                self.last = side
            else:
                self.received += len(data)
                if not self.ready:
                    self._read_server(data)

    def delivered(self) -> None:
        """The server's bytes reached the client: what it sends next is a new round trip
        (bytes it sent before they reached it were sent without waiting for them)."""
        with self.lock:
            self.last = "server"

    def _read_server(self, data: bytes) -> None:
        """Read the server's messages until its first ReadyForQuery ('Z')."""
        self.buffer += data
        while self.buffer and not self.ready:
            if self.single:
                del self.buffer[:1]
                self.single -= 1
                continue
            if len(self.buffer) < 5:
                return
            length = int.from_bytes(self.buffer[1:5], "big")
            if len(self.buffer) < 1 + length:
                return
            if self.buffer[0] == ord("Z"):
                self.ready = True
            del self.buffer[: 1 + length]


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
                sink.sendall(data)
                if side == "server":
                    conn.delivered()
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
