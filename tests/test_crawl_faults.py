"""The crawler against a real server on 127.0.0.1 that fails on purpose: rate limits,
outages, resets, short bodies, stalls, redirect traps, huge bodies, wrong types, charsets."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.crawl.crawler import CrawlSummary, crawl
from catalog.store import Store
from tests.crawl_support import (
    HTML,
    TEXT,
    FaultSite,
    Response,
    http_date,
    page,
    running,
)
from tests.support import fast_settings


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with running() as s:
        yield s


def _crawl(site: FaultSite, tmp_path: Path, **settings: object) -> tuple[Store, CrawlSummary]:
    store = Store(tmp_path / "c.db")
    return store, crawl(store, [site.base + "/"], fast_settings(**settings))


def _failures(summary: CrawlSummary, site: FaultSite) -> dict[str, str]:
    return {url.removeprefix(site.base): reason for url, reason in summary.failures}


def _ok(*links: str) -> Response:
    return Response(body=page(*links), headers=HTML)


def test_429_retry_after_seconds_is_waited_for(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": lambda n: Response(429, b"slow down", headers={"Retry-After": "1"})
                   if n == 1 else _ok()}
    _store, summary = _crawl(site, tmp_path)
    first, second = site.times("/")
    assert second - first >= 0.95, "retried earlier than Retry-After allowed"
    assert summary.retries == 1 and summary.failures == [] and summary.outcomes["new"] == 1


def test_retry_after_http_date_is_waited_for(site: FaultSite, tmp_path: Path) -> None:
    wall: list[float] = []
    target: list[float] = []

    def busy(n: int) -> Response:
        wall.append(time.time())
        if n == 1:
            target.append(math.floor(wall[0]) + 2.0)  # HTTP-dates have whole seconds
            return Response(503, b"maintenance", headers={"Retry-After": http_date(target[0])})
        return _ok()

    site.routes = {"/": busy}
    _, summary = _crawl(site, tmp_path)
    assert len(wall) == 2 and summary.failures == []
    assert wall[1] >= target[0] - 0.05, f"retried {target[0] - wall[1]:.2f} s too early"


def test_503_then_200_with_exponential_backoff(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": lambda n: Response(503, b"busy") if n <= 3 else _ok()}
    store, summary = _crawl(site, tmp_path, backoff_base=0.1, attempts=4)
    gaps = [b - a for a, b in itertools.pairwise(site.times("/"))]
    assert len(gaps) == 3
    # jitter draws each wait from [base * 2^k / 2, base * 2^k]
    for k, gap in enumerate(gaps):
        assert gap >= 0.1 * 2 ** k / 2 - 0.01, gaps
    assert summary.retries == 3 and summary.failures == []
    assert store.db.conn.execute("SELECT attempts FROM frontier WHERE url = ?",
                                 (site.base + "/",)).fetchone() == (4,)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retried_statuses(site: FaultSite, tmp_path: Path, status: int) -> None:
    site.routes = {"/": lambda n: Response(status, b"try again") if n == 1 else _ok()}
    _, summary = _crawl(site, tmp_path, backoff_base=0.01)
    assert site.count("/") == 2 and summary.retries == 1 and summary.failures == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 501])
def test_other_errors_are_not_retried(site: FaultSite, tmp_path: Path, status: int) -> None:
    site.routes = {"/": Response(status, b"no")}
    _, summary = _crawl(site, tmp_path)
    assert site.count("/") == 1 and summary.failures == [(site.base + "/", f"HTTP {status}")]


def test_attempts_are_bounded_then_the_failure_is_kept_and_the_crawl_goes_on(
        site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": _ok("/down", "/up"), "/down": Response(502, b"bad gateway"),
                   "/up": _ok(), "/gone": Response(410, b"gone")}
    store, summary = _crawl(site, tmp_path, attempts=3)
    assert site.count("/down") == 3
    assert _failures(summary, site) == {"/down": "HTTP 502 (after 3 attempts)"}
    assert summary.stats()["failed_by_reason"] == {"HTTP 502": 1}
    assert site.count("/up") == 1 and summary.complete
    assert store.page_errors() == [(site.base + "/down", "HTTP 502 (after 3 attempts)")]


def test_retry_after_beyond_the_cap_is_not_retried_and_the_host_is_left_alone(
        site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": _ok("/a", "/b"),
                   "/a": Response(429, b"come back tomorrow", headers={"Retry-After": "86400"}),
                   "/b": _ok()}
    _, summary = _crawl(site, tmp_path, concurrency=1)  # one at a time: /a before /b
    assert site.count("/a") == 1 and site.count("/b") == 0
    failures = _failures(summary, site)
    assert failures["/a"] == ("HTTP 429; Retry-After of 86400 s is over the 120 s cap, "
                              "not retried")
    assert failures["/b"].startswith("not requested: the host asked for a pause of")


def test_429_pauses_the_whole_host_not_just_the_url(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": _ok("/a", "/b", "/c", "/d"),
                   "/a": lambda n: Response(429, b"", headers={"Retry-After": "1"})
                   if n == 1 else _ok(),
                   **{f"/{x}": _ok() for x in "bcd"}}
    _, summary = _crawl(site, tmp_path, per_host_concurrency=1, concurrency=4)
    [limited] = [t for t, p, _ in site.log if p == "/a"][:1]
    after = [(t - limited, p) for t, p, _ in site.log if t > limited]
    assert len(after) >= 3, after  # the retry of /a and the pages queued behind it
    assert all(gap >= 0.95 for gap, _ in after), f"requests during the pause: {after}"
    assert summary.failures == []


def test_reset_connection_is_retried(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": lambda n: Response(fault="reset") if n == 1 else _ok()}
    _, summary = _crawl(site, tmp_path)
    assert site.count("/") == 2 and summary.retries == 1 and summary.failures == []


def test_truncated_body_is_retried_then_recorded(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": _ok("/short", "/short-once"),
                   "/short": Response(body=page() * 20, headers=HTML, fault="truncate"),
                   "/short-once": lambda n: Response(body=page() * 20, headers=HTML,
                                                     fault="truncate" if n == 1 else None)}
    store, summary = _crawl(site, tmp_path, attempts=2)
    reason = _failures(summary, site)["/short"]
    assert reason.startswith("network error: RemoteProtocolError"), reason
    assert "(after 2 attempts)" in reason
    assert [p.body for p in store.pages([site.base + "/short-once"])] == [page() * 20]
    assert list(store.pages([site.base + "/short"])) == [], "no partial body is stored"


def test_slow_page_past_the_read_timeout(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": _ok("/stalls", "/slow-once"),
                   "/stalls": Response(body=page(), headers=HTML, stall=2.0),
                   "/slow-once": lambda n: Response(body=page(), headers=HTML,
                                                    delay=2.0 if n == 1 else 0.0)}
    store, summary = _crawl(site, tmp_path, read_timeout=0.5, attempts=2)
    assert _failures(summary, site) == {"/stalls": "timeout (ReadTimeout) (after 2 attempts)"}
    assert site.count("/stalls") == 2
    assert site.count("/slow-once") == 2 and list(store.pages([site.base + "/slow-once"]))


def test_redirect_traps(site: FaultSite, tmp_path: Path) -> None:
    def to(path: str) -> Response:
        return Response(301, b"", headers={"Location": path})

    other = site.base.replace("127.0.0.1", "localhost")  # same server, another host name
    site.routes = {
        "/": _ok("/loop-a", "/hop0", "/ok0", "/away"),
        "/loop-a": to("/loop-b"), "/loop-b": to("/loop-a"),
        **{f"/hop{i}": to(f"/hop{i + 1}") for i in range(6)}, "/hop6": _ok(),
        **{f"/ok{i}": to(f"/ok{i + 1}") for i in range(5)}, "/ok5": _ok(),
        "/away": to(other + "/elsewhere"),
    }
    store, summary = _crawl(site, tmp_path)
    failures = _failures(summary, site)
    assert failures["/loop-a"].startswith("redirect loop: ")
    assert failures["/hop0"].startswith("more than 5 redirects: ")
    assert site.count("/hop5") == 1 and site.count("/hop6") == 0
    assert failures["/away"] == (f"redirect leaves the crawl scope: {site.base}/away -> "
                                 f"{other}/elsewhere (--allow-host "
                                 f"{other.removeprefix('http://')} allows it)")
    assert not any(h.get("Host", "").startswith("localhost") for _, _, h in site.log)
    assert site.count("/elsewhere") == 0
    [ok] = store.pages([site.base + "/ok0"])
    assert ok.final_url == site.base + "/ok5" and ok.status == 200
    assert set(failures) == {"/loop-a", "/hop0", "/away"}


def test_oversized_body_is_streamed_and_aborted(site: FaultSite, tmp_path: Path) -> None:
    huge = 64 * 1024 * 1024
    site.routes = {"/": _ok("/endless", "/declared"),
                   "/endless": Response(headers=HTML, stream_bytes=huge),
                   "/declared": Response(body=page(), headers={**HTML,
                                                               "Content-Length": str(huge)})}
    store, summary = _crawl(site, tmp_path, max_body=256 * 1024, attempts=1)
    failures = _failures(summary, site)
    assert failures["/endless"] == "body over the 262144-byte limit (download aborted)"
    assert failures["/declared"] == (f"body of {huge} bytes is over the 262144-byte limit "
                                     "(not downloaded)")
    deadline = time.monotonic() + 5
    while site.sent.get("/endless", 0) < 256 * 1024 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert site.sent["/endless"] < huge / 4, "the server was allowed to send it all"
    assert list(store.pages([site.base + "/endless"])) == []


def test_html_served_as_an_image_is_not_parsed(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/": _ok("/logo", "/photo.png"),
                   "/logo": Response(body=page("/hidden"), headers={"Content-Type": "image/png"}),
                   "/photo.png": _ok("/hidden"), "/hidden": _ok()}
    store, summary = _crawl(site, tmp_path)
    assert site.count("/logo") == 1
    assert site.count("/photo.png") == 0, "a link to an image is not requested"
    assert site.count("/hidden") == 0, "links inside a non-HTML response were followed"
    assert summary.failures == [] and summary.skipped["not_a_page"] == 1 and summary.complete
    state, reason = store.frontier_state(summary.run_id, site.base + "/logo") or ("", "")
    assert state == "skipped"
    assert reason == "content type 'image/png' is not one the crawl reads: not parsed"
    assert list(store.pages([site.base + "/logo"])) == []


def test_iso_8859_1_pages_are_decoded_by_header_and_by_meta(site: FaultSite,
                                                            tmp_path: Path) -> None:
    by_header = page("/café-h").decode().encode("iso-8859-1")
    by_meta = ('<html><head><meta charset="iso-8859-1"></head><body>'
               '<a href="/naïve-m">naïve</a></body></html>').encode("iso-8859-1")
    site.routes = {
        "/": _ok("/h", "/m"),
        "/h": Response(body=by_header, headers={"Content-Type": "text/html; charset=ISO-8859-1"}),
        "/m": Response(body=by_meta, headers={"Content-Type": "text/html"}),
        "/caf%C3%A9-h": _ok(), "/na%C3%AFve-m": _ok(),
    }
    _, summary = _crawl(site, tmp_path)
    assert site.count("/caf%C3%A9-h") == 1 and site.count("/na%C3%AFve-m") == 1
    assert not [p for p in site.paths() if "%EF%BF%BD" in p], "decoded as UTF-8 by mistake"
    assert summary.failures == []


def test_plain_text_404_for_optional_files_is_not_a_failure(site: FaultSite,
                                                            tmp_path: Path) -> None:
    site.routes = {"/": _ok(), "/robots.txt": Response(404, b"no", headers=TEXT)}
    _, summary = _crawl(site, tmp_path)
    assert summary.failures == [] and summary.complete
    assert summary.skipped["optional_missing"] == 3  # robots.txt, sitemap.xml, llms.txt
