"""A fault-injecting HTTP server on 127.0.0.1 for the crawler tests, and a slow mirror.

`FaultSite` extends the programmable `Site` of `tests.support` with faults a real site
has: connections reset before a response, bodies cut short of their Content-Length,
responses that stall after the headers, and endless bodies streamed without a length
(counting how much the server managed to send before the crawler hung up).
"""

from __future__ import annotations

import contextlib
import email.utils
import http.server
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from catalog.serve import make_server
from tests import support
from tests.support import QuietServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


@dataclass
class Response(support.Response):
    """A canned response, with an optional fault.

    `fault`: "reset" closes the connection with a TCP RST instead of answering;
    "truncate" sends the headers (with the full Content-Length) and half the body, then
    closes. `stall` waits between the headers and the body. `stream_bytes` streams that
    many bytes with no Content-Length (the connection closes at the end).
    """

    fault: str | None = None
    stall: float = 0.0
    stream_bytes: int = 0


@dataclass
class FaultSite(support.Site):
    """A `Site` that also records bytes streamed per path and when responses ended."""

    sent: dict[str, int] = field(default_factory=dict)
    finished: list[tuple[float, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def times(self, path: str) -> list[float]:
        """Returns when each request for `path` arrived (time.monotonic)."""
        return [t for t, p, _ in self.log if p == path]

    def paths(self) -> list[str]:
        return [p for _, p, _ in self.log]


def _handler(site: FaultSite) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            site.enter()
            try:
                self._get()
            finally:
                site.leave()

        def _get(self) -> None:
            path = self.path.split("?")[0]
            site.log.append((time.monotonic(), path, dict(self.headers.items())))
            route = site.routes.get(path)
            if route is None:
                resp: support.Response = Response(404, b"not found", headers=TEXT)
            elif callable(route):
                resp = route(site.count(path))
            else:
                resp = route
            fault = resp if isinstance(resp, Response) else Response()
            if resp.delay:
                time.sleep(resp.delay)
            if fault.fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            body = resp.body(site.count(path)) if callable(resp.body) else resp.body
            self.send_response(resp.status)
            headers = {**HTML, **resp.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if fault.stream_bytes:
                    self._stream(path, fault.stream_bytes)
                    return
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault.stall:
                    self.wfile.flush()
                    time.sleep(fault.stall)
                if fault.fault == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)
                self.wfile.flush()
                site.finished.append((time.monotonic(), path))

        def _stream(self, path: str, total: int) -> None:
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + b"x" * (64 * 1024 - 3)
            site.sent[path] = 0
            while site.sent[path] < total:
                self.wfile.write(chunk)
                site.sent[path] += len(chunk)

    return Handler


@contextlib.contextmanager
def running(site: FaultSite | None = None) -> Iterator[FaultSite]:
    """Serves `site` (a new empty one by default) on 127.0.0.1; yields it with `base` set."""
    site = site or FaultSite(routes={})
    server = QuietServer(("127.0.0.1", 0), _handler(site))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def http_date(when: float) -> str:
    return email.utils.formatdate(when, usegmt=True)


def page(*links: str, title: str = "page") -> bytes:
    """Returns a small HTML page linking to `links`."""
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            + "".join(f'<a href="{u}">{u}</a> ' for u in links) + "</body></html>").encode()


def urlset(base: str, *paths: str) -> bytes:
    locs = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{locs}</urlset>').encode()


def free_port() -> int:
    """Returns a port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RequestLog:
    """Requests a mirror server received: (time.monotonic(), path)."""

    entries: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str) -> None:
        with self.lock:
            self.entries.append((time.monotonic(), path))

    def since(self, t: float) -> list[str]:
        with self.lock:
            return [p for when, p in self.entries if when >= t]

    def __len__(self) -> int:
        return len(self.entries)


@contextlib.contextmanager
def slow_mirror(root: Path, delay: float, log: RequestLog) -> Iterator[tuple[str, list[float]]]:
    """Serves the static mirror at `root` with catalog's own server (conditional GETs,
    `__ORIGIN__` substitution), waiting `delay[0]` seconds before each answer and logging
    every request. Yields the base URL and the mutable delay."""
    server = make_server(root, substitute_origin=True)
    delays = [delay]
    base_handler = server.RequestHandlerClass

    class Slow(base_handler):  # type: ignore[valid-type, misc]
        def do_GET(self) -> None:
            log.add(self.path.split("?")[0])
            time.sleep(delays[0])
            super().do_GET()

    server.RequestHandlerClass = Slow
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", delays
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def mirror_process(root: Path) -> Iterator[str]:
    """Serves the static mirror at `root` with catalog's own server in a separate process
    (so the crawler under test does not share its interpreter); yields the base URL."""
    code = ("import sys\nfrom pathlib import Path\nfrom catalog.serve import make_server\n"
            "server = make_server(Path(sys.argv[1]), substitute_origin=True)\n"
            "print(server.server_address[1], flush=True)\nserver.serve_forever()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port.isdigit(), f"the mirror server did not start: {port!r}"
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
