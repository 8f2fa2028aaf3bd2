"""Politeness, measured at the server: robots.txt (RFC 9309), Crawl-delay and Request-rate
in the request log, per-host limits, the User-Agent, and the crawl's scope."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from catalog.crawl.crawler import Crawler, CrawlSummary, crawl
from catalog.store import Store
from tests.crawl_support import TEXT, FaultSite, Response, free_port, page, running
from tests.support import fast_settings


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with running() as s:
        yield s


def _ok(*links: str) -> Response:
    return Response(body=page(*links))


def _robots(text: str, status: int = 200) -> Response:
    return Response(status, text.encode(), headers=TEXT)


def _crawl(site: FaultSite, tmp_path: Path, **settings: object) -> tuple[Store, CrawlSummary]:
    store = Store(tmp_path / "c.db")
    return store, crawl(store, [site.base + "/"], fast_settings(**settings))


def _starts(site: FaultSite) -> list[float]:
    return sorted(t for t, p, _ in site.log if p != "/robots.txt")


def test_robots_rules_for_our_agent_longest_match_and_wildcards(site: FaultSite,
                                                                tmp_path: Path) -> None:
    site.routes = {
        "/robots.txt": _robots("User-agent: *\nDisallow: /\n\n"
                               "User-agent: catalog\nDisallow: /private/\n"
                               "Allow: /private/open$\nDisallow: /*.json$\n"),
        "/": _ok("/public", "/private/secret", "/private/open", "/private/open/more",
                 "/data.json", "/data.jsonl"),
        **{p: _ok() for p in ("/public", "/private/secret", "/private/open",
                              "/private/open/more", "/data.json", "/data.jsonl")},
    }
    store, summary = _crawl(site, tmp_path)
    requested = set(site.paths())
    assert {"/public", "/private/open", "/data.jsonl"} <= requested
    assert not requested & {"/private/secret", "/private/open/more", "/data.json"}
    assert summary.skipped["robots"] == 3 and summary.complete
    state = store.frontier_state(summary.run_id, site.base + "/private/secret")
    assert state == ("skipped", "disallowed by robots.txt")


def test_ignore_robots_is_for_sites_you_own(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/robots.txt": _robots("User-agent: *\nDisallow: /\n"), "/": _ok("/a"),
                   "/a": _ok()}
    _crawl(site, tmp_path, ignore_robots=True)
    assert site.count("/a") == 1


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_robots_txt_4xx_means_no_restrictions(site: FaultSite, tmp_path: Path,
                                              status: int) -> None:
    site.routes = {"/robots.txt": _robots("User-agent: *\nDisallow: /\n", status),
                   "/": _ok("/a"), "/a": _ok()}
    _, summary = _crawl(site, tmp_path)
    assert site.count("/a") == 1 and site.count("/robots.txt") == 1
    assert summary.failures == [] and summary.complete


@pytest.mark.parametrize("status", [500, 503, 429])
def test_robots_txt_5xx_means_nothing_is_crawled_on_that_host(site: FaultSite, tmp_path: Path,
                                                              status: int) -> None:
    site.routes = {"/robots.txt": _robots("oops", status), "/": _ok("/a"), "/a": _ok()}
    store, summary = _crawl(site, tmp_path, attempts=2)
    assert set(site.paths()) == {"/robots.txt"}, "requested pages on a host without robots.txt"
    assert [url for url, _ in summary.failures] == [site.base + "/robots.txt"]
    assert summary.failures[0][1] == f"HTTP {status} (after 2 attempts)"
    state, reason = store.frontier_state(summary.run_id, site.base + "/") or ("", "")
    assert state == "skipped"
    assert reason == (f"robots.txt unavailable (HTTP {status} (after 2 attempts)); crawling "
                      "nothing on this host, as RFC 9309 asks")
    assert not summary.complete, "offerings must not be marked removed after such a run"
    assert any("nothing crawled on 127.0.0.1" in note for note in summary.notes)


def test_unreachable_host_records_why_nothing_was_crawled(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    store = Store(tmp_path / "c.db")
    summary = crawl(store, [base + "/"], fast_settings(attempts=2))
    [(url, reason)] = summary.failures
    assert url == base + "/robots.txt"
    assert reason.startswith("network error: ConnectError") and "(after 2 attempts)" in reason
    assert summary.skipped["robots_unavailable"] == 3 and not summary.complete


def test_robots_txt_is_read_up_to_500_kib(site: FaultSite, tmp_path: Path) -> None:
    padding = "# padding to push the next rule past 500 KiB\n" * (520 * 1024 // 46)
    site.routes = {
        "/robots.txt": _robots(f"User-agent: *\nDisallow: /early/\n{padding}Disallow: /late/\n"),
        "/": _ok("/early/x", "/late/x"), "/early/x": _ok(), "/late/x": _ok(),
    }
    store, summary = _crawl(site, tmp_path)
    assert site.count("/early/x") == 0
    assert site.count("/late/x") == 1, "a rule past 500 KiB was applied"
    [robots] = store.pages([site.base + "/robots.txt"])
    assert robots.body is not None and len(robots.body) == 500 * 1024
    assert summary.failures == []


def test_robots_txt_is_read_once_per_host_per_run(site: FaultSite, tmp_path: Path) -> None:
    site.routes = {"/robots.txt": _robots("User-agent: *\nAllow: /\n"),
                   "/": _ok(*[f"/p{i}" for i in range(10)]),
                   **{f"/p{i}": _ok() for i in range(10)}}
    _crawl(site, tmp_path)
    assert site.count("/robots.txt") == 1


@pytest.mark.parametrize(("rule", "gap"), [("Crawl-delay: 0.3", 0.3), ("Request-rate: 4/1s", 0.25)])
def test_crawl_delay_and_request_rate_in_the_request_log(site: FaultSite, tmp_path: Path,
                                                         rule: str, gap: float) -> None:
    site.routes = {"/robots.txt": _robots(f"User-agent: *\n{rule}\n"),
                   "/": _ok("/a", "/b"), **{f"/{x}": _ok() for x in "ab"}}
    _crawl(site, tmp_path, per_host_concurrency=4, concurrency=8)
    gaps = [b - a for a, b in itertools.pairwise(_starts(site))]
    assert len(gaps) == 4  # /, /sitemap.xml, /llms.txt, /a, /b
    assert min(gaps) >= gap - 0.02, gaps
    assert site.max_in_flight == 1, "a Crawl-delay host gets one request at a time"


def test_per_host_concurrency_and_delay(site: FaultSite, tmp_path: Path) -> None:
    links = [f"/p{i}" for i in range(4)]
    site.routes = {"/": _ok(*links), **{p: Response(body=page(), delay=0.2) for p in links}}
    _crawl(site, tmp_path, per_host_concurrency=2, concurrency=8, delay=0.15)
    assert site.max_in_flight == 2
    gaps = [b - a for a, b in itertools.pairwise(_starts(site))]
    # starts are spaced by the crawler; the server sees them give or take scheduling jitter
    assert min(gaps) >= 0.05 and sum(gaps) / len(gaps) >= 0.14, gaps


def test_user_agent_is_sent_with_every_request(site: FaultSite, tmp_path: Path) -> None:
    agent = "catalog-test/1.0 (+mailto:crawler@example.org)"
    site.routes = {"/": _ok("/a"), "/a": _ok()}
    _crawl(site, tmp_path, user_agent=agent)
    assert {h["User-Agent"] for _, _, h in site.log} == {agent}
    assert site.count("/robots.txt") == 1


def test_other_hosts_only_with_allow_host(site: FaultSite, tmp_path: Path) -> None:
    other = site.base.replace("127.0.0.1", "localhost")
    site.routes = {"/": _ok(other + "/x"), "/x": _ok()}
    _crawl(site, tmp_path)
    assert site.count("/x") == 0
    store = Store(tmp_path / "allowed.db")
    crawl(store, [site.base + "/"],
          fast_settings(allow_hosts=[other.removeprefix("http://")]))
    [host] = {h["Host"] for _, p, h in site.log if p == "/x"}
    assert host.startswith("localhost:"), "an allowed host (the seed is local too) is crawled"


def test_a_public_site_never_leads_into_private_addresses(tmp_path: Path) -> None:
    requested: list[str] = []
    seed = "http://93.184.216.34/"
    private = ["http://127.0.0.1:9/x", "http://10.1.2.3/y", "http://localhost/z",
               "http://[::1]:8080/w", "http://169.254.169.254/latest/meta-data/"]
    public = "http://93.184.216.35/ok"

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if str(request.url) == seed:
            return httpx.Response(200, html=page(*private, public).decode())
        return httpx.Response(200, html=page().decode())

    settings = fast_settings(allow_hosts=["127.0.0.1:9", "10.1.2.3", "localhost", "[::1]:8080",
                                          "169.254.169.254", "93.184.216.35"])
    crawler = Crawler(Store(tmp_path / "c.db"), [seed], settings,
                      transport=httpx.MockTransport(handler))
    summary = asyncio.run(crawler.run())
    assert public in requested
    assert not [u for u in requested if any(u.startswith(p.rsplit("/", 1)[0]) for p in private)]
    refused = [n for n in summary.notes if n.startswith("--allow-host")]
    assert len(refused) == 5 and "private or loopback" in refused[0]
