"""Shared fixtures: real HTTP servers on 127.0.0.1 and real SQLite files."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from catalog.config import SNAPSHOT_DIR
from catalog.crawl.crawler import crawl
from catalog.pipeline import ingest_run
from catalog.serve import serving
from catalog.store import Store
from tests.support import CrawledMirror, QuietServer, Site, fast_settings, make_handler


@pytest.fixture
def site() -> Iterator[Site]:
    """A programmable HTTP server on 127.0.0.1; set `site.routes` before crawling."""
    s = Site(routes={})
    server = QuietServer(("127.0.0.1", 0), make_handler(s))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def crawled_mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledMirror]:
    """Serves data/snapshot on 127.0.0.1 and crawls it with the real crawler (once)."""
    db_path = tmp_path_factory.mktemp("mirror") / "catalog.db"
    store = Store(db_path)
    with serving(SNAPSHOT_DIR, substitute_origin=True) as base:
        summary = crawl(store, [base + "/"], fast_settings(concurrency=16))
        ingest = ingest_run(store, summary.run_id, complete=summary.complete)
        store.finish_run(summary.run_id, summary.stats(), summary.complete)
        store.close()
        yield CrawledMirror(db_path, base, ingest)
