"""A small threaded static HTTP server on 127.0.0.1, for the bundled mirror and built sites.

It serves `/a/b` from `a/b`, `a/b.html` or `a/b/index.html` without redirecting (as
catalog sites do), answers conditional GETs (ETag and Last-Modified, 304), and can
replace a placeholder origin in text files with its own address, so a recorded mirror
links to wherever it is served.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

ORIGIN_PLACEHOLDER = b"__ORIGIN__"

_TYPES = {
    ".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".xml": "application/xml",
    ".gz": "application/gzip", ".json": "application/json", ".csv": "text/csv; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    root: Path
    substitute_origin: bool
    server_version = "catalog-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the crawler records every request it makes

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = self._resolve(unquote(urlsplit(self.path).path))
        if path is None:
            self._send_not_found(head)
            return
        body = path.read_bytes()
        if self.substitute_origin and ORIGIN_PLACEHOLDER in body:
            host, port = self.server.server_address[:2]  # type: ignore[index, str-unpack]
            body = body.replace(ORIGIN_PLACEHOLDER, f"http://{host!s}:{port}".encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        mtime = path.stat().st_mtime
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-None-Match") is None
                and self.headers.get("If-Modified-Since") == last_modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        ctype = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or (
            "application/octet-stream")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _resolve(self, url_path: str) -> Path | None:
        """Returns the file for a URL path, never one outside the served root."""
        rel = url_path.lstrip("/")
        candidates = [rel, rel + ".html", rel.rstrip("/") + "/index.html"] if rel else [
            "index.html"]
        for cand in candidates:
            path = (self.root / cand).resolve()
            if path.is_file() and path.is_relative_to(self.root):
                return path
        return None

    def _send_not_found(self, head: bool) -> None:
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"not found\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if page.is_file()
                         else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class StaticServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(root: Path, port: int = 0, substitute_origin: bool = False) -> StaticServer:
    """Returns a server for `root` bound to 127.0.0.1:`port` (0 picks a free port)."""
    handler = type("Handler", (_Handler,), {"root": root.resolve(),
                                            "substitute_origin": substitute_origin})
    return StaticServer(("127.0.0.1", port), handler)


@contextmanager
def serving(root: Path, port: int = 0, substitute_origin: bool = False) -> Iterator[str]:
    """Serves `root` in a background thread; yields its base URL (`http://127.0.0.1:PORT`)."""
    server = make_server(root, port, substitute_origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, real_port = server.server_address[:2]
        yield f"http://{host!s}:{real_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
