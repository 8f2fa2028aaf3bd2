"""The crawler against real HTTP servers on 127.0.0.1 that misbehave on purpose."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from catalog.crawl.crawler import crawl
from catalog.crawl.discover import gzip_bytes
from catalog.store import Store
from tests.support import Response, Site, fast_settings

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def _page(*links: str) -> bytes:
    return ("<html><body>" + "".join(f'<a href="{u}">x</a>' for u in links)
            + "</body></html>").encode()


def _urlset(base: str, *paths: str) -> bytes:
    locs = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>").encode()


def _fetched(store: Store) -> set[str]:
    return {r[0] for r in store.db.conn.execute("SELECT url FROM pages WHERE body IS NOT NULL")}


def test_robots_sitemap_index_gzip_and_disallowed_link(site: Site, tmp_path: Path) -> None:
    b = site.base
    index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             f'sitemap/0.9"><sitemap><loc>{b}/maps/a.xml.gz</loc></sitemap></sitemapindex>')
    site.routes = {
        "/robots.txt": Response(
            body=f"User-agent: *\nDisallow: /private/\nSitemap: {b}/maps/index.xml\n".encode(),
            headers={"Content-Type": "text/plain"}),
        "/maps/index.xml": Response(body=index.encode(), headers=XML),
        "/maps/a.xml.gz": Response(body=gzip_bytes(_urlset(b, "/one", "/two")),
                                   headers={"Content-Type": "application/gzip"}),
        "/": Response(body=_page("/one"), headers=HTML),
        "/one": Response(body=_page("/private/secret", "/two"), headers=HTML),
        "/two": Response(body=_page("https://elsewhere.example/x"), headers=HTML),
        "/private/secret": Response(body=_page(), headers=HTML),
    }
    store = Store(tmp_path / "c.db")
    summary = crawl(store, [b + "/"], fast_settings())
    assert {b + "/one", b + "/two", b + "/"} <= _fetched(store)
    assert site.count("/private/secret") == 0
    assert site.count("/maps/a.xml.gz") == 1
    assert summary.skipped["robots"] == 1
    assert summary.complete


def test_retries_503_then_succeeds_and_honours_retry_after(site: Site, tmp_path: Path) -> None:
    def flaky(n: int) -> Response:
        if n == 1:
            return Response(503, b"busy", headers={"Retry-After": "1"})
        return Response(body=_page(), headers=HTML)

    site.routes = {"/": flaky}
    store = Store(tmp_path / "c.db")
    summary = crawl(store, [site.base + "/"], fast_settings())
    times = [t for t, path, _ in site.log if path == "/"]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95, "retried earlier than Retry-After allowed"
    assert summary.retries == 1 and summary.failures == []


def test_permanent_failure_is_recorded_and_crawl_goes_on(site: Site, tmp_path: Path) -> None:
    site.routes = {
        "/": Response(body=_page("/gone", "/ok"), headers=HTML),
        "/gone": Response(410, b"gone"),
        "/ok": Response(body=_page(), headers=HTML),
        "/img": Response(body=b"\x89PNG", headers={"Content-Type": "image/png"}),
    }
    store = Store(tmp_path / "c.db")
    summary = crawl(store, [site.base + "/"], fast_settings())
    assert (site.base + "/gone", "HTTP 410") in summary.failures
    assert site.base + "/ok" in _fetched(store)


def test_recrawl_sends_validators_and_gets_304(site: Site, tmp_path: Path) -> None:
    def conditional(n: int) -> Response:
        del n
        last = site.log[-1][2]
        if last.get("If-None-Match") == '"v1"':
            return Response(304, b"", headers={"ETag": '"v1"'})
        return Response(body=_page(), headers={**HTML, "ETag": '"v1"'})

    site.routes = {"/": conditional}
    store = Store(tmp_path / "c.db")
    first = crawl(store, [site.base + "/"], fast_settings())
    store.finish_run(first.run_id, first.stats(), first.complete)
    second = crawl(store, [site.base + "/"], fast_settings())
    assert first.outcomes["new"] >= 1
    assert second.outcomes["not_modified"] == 1
    [page] = store.pages([site.base + "/"])
    assert page.body == _page()


def test_crawl_delay_from_robots_is_honoured(site: Site, tmp_path: Path) -> None:
    site.routes = {
        "/robots.txt": Response(body=b"User-agent: *\nCrawl-delay: 0.4\n",
                                headers={"Content-Type": "text/plain"}),
        "/": Response(body=_page("/a", "/b", "/c"), headers=HTML),
        **{f"/{x}": Response(body=_page(), headers=HTML) for x in "abc"},
    }
    store = Store(tmp_path / "c.db")
    started = time.monotonic()
    crawl(store, [site.base + "/"], fast_settings())
    del started
    starts = sorted(t for t, path, _ in site.log if path != "/robots.txt")
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) >= 4
    assert min(gaps) >= 0.38, gaps
