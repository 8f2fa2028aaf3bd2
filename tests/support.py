"""Test support: a programmable HTTP server on 127.0.0.1 and crawl settings for it."""

from __future__ import annotations

import contextlib
import http.server
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalog.crawl.crawler import CrawlSettings
from catalog.crawl.fetch import FetchSettings
from catalog.pipeline import IngestSummary
from catalog.store import Store

SEED_PATH = "/models/mistralai/mistralai-mistral-small-3.2-24b-instruct"


@dataclass
class Response:
    """A canned response; `body` may be a callable of the request count for that path."""

    status: int = 200
    body: bytes | Callable[[int], bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Site:
    """A programmable site on 127.0.0.1: routes by path, and a log of every request."""

    routes: dict[str, Response | Callable[[int], Response]]
    base: str = ""
    log: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)

    def count(self, path: str) -> int:
        return sum(1 for _, p, _ in self.log if p == path)



def make_handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            site.log.append((time.monotonic(), path, dict(self.headers.items())))
            route = site.routes.get(path)
            if route is None:
                resp = Response(404, b"not found")
            elif callable(route):
                resp = route(site.count(path))
            else:
                resp = route
            if resp.delay:
                time.sleep(resp.delay)
            body = resp.body(site.count(path)) if callable(resp.body) else resp.body
            self.send_response(resp.status)
            headers = {"Content-Type": "text/html; charset=utf-8", **resp.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


class QuietServer(http.server.ThreadingHTTPServer):
    """A threaded test server that does not print the resets a crawler causes on purpose."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def fast_settings(**overrides: object) -> CrawlSettings:
    """Crawl settings for local test servers: no politeness delay, quick retries."""
    fetch = FetchSettings(delay=0.0, per_host_concurrency=8, backoff_base=0.05,
                          read_timeout=5.0, connect_timeout=5.0)
    settings = CrawlSettings(concurrency=8, fetch=fetch)
    for key, value in overrides.items():
        target = fetch if hasattr(fetch, key) else settings
        setattr(target, key, value)
    return settings


@dataclass
class CrawledMirror:
    """The bundled mirror, crawled once into a real SQLite file."""

    db_path: Path
    base: str
    ingest: IngestSummary

    def store(self) -> Store:
        return Store(self.db_path)


