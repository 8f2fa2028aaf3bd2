"""Sitemaps: gzip indexes, decompression and URL caps, and XML that tries to expand."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.crawl.crawler import CrawlSummary, crawl
from catalog.crawl.discover import MAX_SITEMAP_BYTES, gzip_bytes, parse_sitemap
from catalog.store import Store
from tests.crawl_support import TEXT, XML, FaultSite, Response, page, running, urlset
from tests.support import fast_settings

GZIP = {"Content-Type": "application/gzip"}
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with running() as s:
        yield s


def _index(*locs: str) -> bytes:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{NS}">{items}</sitemapindex>'.encode()


def _crawl(site: FaultSite, tmp_path: Path) -> tuple[Store, CrawlSummary]:
    store = Store(tmp_path / "c.db")
    return store, crawl(store, [site.base + "/"], fast_settings())


def test_gzip_sitemap_index_from_robots_txt(site: FaultSite, tmp_path: Path) -> None:
    b = site.base
    site.routes = {
        "/robots.txt": Response(body=f"User-agent: *\nDisallow: /private/\n"
                                     f"Sitemap: {b}/maps/index.xml.gz\n"
                                     "Sitemap: https://elsewhere.example/sitemap.xml\n".encode(),
                                headers=TEXT),
        "/maps/index.xml.gz": Response(body=gzip_bytes(_index(f"{b}/maps/a.xml.gz",
                                                              f"{b}/maps/b.xml")), headers=GZIP),
        "/maps/a.xml.gz": Response(body=gzip_bytes(urlset(b, "/one", "/private/two")),
                                   headers={"Content-Type": "application/x-gzip"}),
        "/maps/b.xml": Response(body=urlset(b, "/three"), headers=XML),
        "/": Response(body=page()),
        **{p: Response(body=page()) for p in ("/one", "/private/two", "/three")},
    }
    store, summary = _crawl(site, tmp_path)
    for path in ("/maps/index.xml.gz", "/maps/a.xml.gz", "/maps/b.xml", "/one", "/three"):
        assert site.count(path) == 1, path
    assert site.count("/private/two") == 0
    assert summary.skipped["robots"] == 1 and summary.failures == [] and summary.complete
    kinds = dict(store.db.conn.execute("SELECT url, kind FROM frontier"))
    assert kinds[b + "/maps/a.xml.gz"] == "sitemap" and kinds[b + "/one"] == "page"


def test_gzip_sitemap_over_the_decompressed_cap_is_refused(site: FaultSite,
                                                          tmp_path: Path) -> None:
    bomb = urlset(site.base, "/trap")[:-len(b"</urlset>")]
    bomb += b" " * (MAX_SITEMAP_BYTES + 1024 * 1024) + b"</urlset>"
    packed = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    body = packed.compress(bomb) + packed.flush()
    assert len(body) < 1024 * 1024
    site.routes = {"/sitemap.xml": Response(body=_index(site.base + "/big.xml.gz"), headers=XML),
                   "/big.xml.gz": Response(body=body, headers=GZIP),
                   "/": Response(body=page()), "/trap": Response(body=page())}
    _, summary = _crawl(site, tmp_path)
    [(url, reason)] = summary.failures
    assert url == site.base + "/big.xml.gz"
    assert reason == ("unreadable sitemap: ValueError: decompresses to more than "
                      f"{MAX_SITEMAP_BYTES} bytes")
    assert site.count("/trap") == 0


def test_entity_expansion_is_refused(site: FaultSite, tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
              f'<urlset xmlns="{NS}"><url><loc>{site.base}/trap&lol3;</loc></url></urlset>')
    site.routes = {"/sitemap.xml": Response(body=laughs.encode(), headers=XML),
                   "/": Response(body=page())}
    _, summary = _crawl(site, tmp_path)
    [(url, reason)] = summary.failures
    assert url == site.base + "/sitemap.xml"
    assert reason.startswith("unreadable sitemap: DTDForbidden"), reason
    assert not [p for p in site.paths() if p.startswith("/trap")]


def test_an_html_page_at_sitemap_xml_is_not_a_failure(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/sitemap.xml": Response(body=page("/from-fallback")),
                   "/": Response(body=page()), "/from-fallback": Response(body=page())}
    _, summary = _crawl(site, tmp_path)
    assert summary.failures == [] and summary.skipped["not_a_page"] == 1
    assert site.count("/from-fallback") == 0


def test_a_sitemap_is_read_up_to_50000_urls() -> None:
    base = "http://127.0.0.1:1"
    body = urlset(base, *(f"/m/{i}" for i in range(50_001)))
    parsed = parse_sitemap(base + "/sitemap.xml", body)
    assert parsed.error is None and len(parsed.pages) == 50_000
    assert parsed.pages[-1] == base + "/m/49999"
    assert parsed.note == "lists 50001 URLs; only the first 50000 were read"


def test_xml_that_is_not_a_sitemap_is_unreadable() -> None:
    parsed = parse_sitemap("http://127.0.0.1:1/sitemap.xml", b"<rss><channel/></rss>")
    assert parsed.error == ("unreadable sitemap: root element <rss> is neither <urlset> nor "
                            "<sitemapindex>")
