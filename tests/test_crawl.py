"""The crawler's incremental behaviour on a small site, and its building blocks."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.crawl.crawler import crawl
from catalog.crawl.fetch import parse_retry_after
from catalog.store import SCHEMA_VERSION, Store
from tests.crawl_support import HTML, FaultSite, Response, http_date, page, running
from tests.support import fast_settings


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with running() as s:
        yield s


def _conditional(site: FaultSite, body: bytes, etag: str, modified: str) -> Response:
    """Answers 304 when the request carries this ETag, else the body with its validators."""
    last = site.log[-1][2]
    if last.get("If-None-Match") == etag:
        return Response(304, b"", headers={"ETag": etag})
    return Response(body=body, headers={**HTML, "ETag": etag, "Last-Modified": modified})


def test_recrawl_sends_validators_gets_304_and_still_follows_links(site: FaultSite,
                                                                   tmp_path: Path) -> None:
    modified = http_date(time.time() - 3600)
    site.routes = {"/": lambda n: _conditional(site, page("/a"), '"v1"', modified),
                   "/a": lambda n: _conditional(site, page(), '"a1"', modified)}
    store = Store(tmp_path / "c.db")
    first = crawl(store, [site.base + "/"], fast_settings())
    store.finish_run(first.run_id, first.stats(), first.complete)
    second = crawl(store, [site.base + "/"], fast_settings())
    assert first.outcomes["new"] == 2 and first.extracted >= 2
    assert second.outcomes["not_modified"] == 2 and second.extracted == 0
    [*_, last_root] = [h for _, p, h in site.log if p == "/"]
    assert last_root["If-None-Match"] == '"v1"' and last_root["If-Modified-Since"] == modified
    assert site.count("/a") == 2, "a 304 page's links (from its stored copy) were not followed"
    [root] = store.pages([site.base + "/"])
    assert root.body == page("/a") and second.complete


def test_same_bytes_without_validators_are_not_extracted_again(site: FaultSite,
                                                               tmp_path: Path) -> None:
    site.routes = {"/": Response(body=page("/a"), headers=HTML),
                   "/a": Response(body=page(), headers=HTML)}
    store = Store(tmp_path / "c.db")
    first = crawl(store, [site.base + "/"], fast_settings())
    store.finish_run(first.run_id, first.stats(), first.complete)
    again = crawl(store, [site.base + "/"], fast_settings())
    assert again.outcomes["unchanged"] == 2 and again.extracted == 0


def test_failed_refetch_keeps_the_last_good_copy_and_its_links(site: FaultSite,
                                                                tmp_path: Path) -> None:
    site.routes = {"/": Response(body=page("/a"), headers=HTML),
                   "/a": Response(body=page(), headers=HTML)}
    store = Store(tmp_path / "c.db")
    first = crawl(store, [site.base + "/"], fast_settings())
    store.finish_run(first.run_id, first.stats(), first.complete)
    site.routes["/"] = Response(500, b"broken")
    second = crawl(store, [site.base + "/"], fast_settings(attempts=2))
    assert second.failures == [(site.base + "/", "HTTP 500 (after 2 attempts)")]
    assert site.count("/a") == 2, "pages linked from the last good copy were dropped"
    [root] = store.pages([site.base + "/"])
    assert root.body == page("/a") and root.status == 200
    assert store.page_errors() == [(site.base + "/", "HTTP 500 (after 2 attempts)")]
    assert second.complete


def test_max_pages_stops_discovery_and_leaves_the_run_incomplete(site: FaultSite,
                                                                 tmp_path: Path) -> None:
    links = [f"/p{i}" for i in range(20)]
    site.routes = {"/": Response(body=page(*links), headers=HTML),
                   **{p: Response(body=page(), headers=HTML) for p in links}}
    summary = crawl(Store(tmp_path / "c.db"), [site.base + "/"], fast_settings(max_pages=10))
    assert len([p for p in site.paths() if p.startswith("/p")]) < 10
    assert not summary.complete and summary.notes == ["stopped discovering at --max-pages 10"]


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), ("0", 0.0), (" 7 ", 7.0), (None, None), ("", None), ("soon", None),
    ("-5", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_http_date_in_the_future() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(http_date(now + 90), now=now) == 90.0


def test_a_schema_1_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = Store(path)
    run = store.start_run(["http://127.0.0.1:1/"], {})
    store.enqueue(run, [("http://127.0.0.1:1/", "page", 0, None)])
    store.close()
    with sqlite3.connect(path) as conn:  # what a database of schema 1 looked like
        conn.execute("ALTER TABLE frontier DROP COLUMN outcome")
        conn.execute("ALTER TABLE frontier DROP COLUMN attempts")
        conn.execute("DROP TABLE extracts")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    store = Store(path)
    assert store.pending(run) == [("http://127.0.0.1:1/", "page", 0)]
    store.skip(run, "http://127.0.0.1:1/", "disallowed by robots.txt", "robots")
    assert store.crawl_stats(run)["outcomes"] == {"robots": 1}
    assert store.db.conn.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
    assert store.cached_extract("http://127.0.0.1:1/", "x", "y") is None
