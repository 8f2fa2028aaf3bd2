"""The crawl loop: a resumable frontier in SQLite, fetched by a bounded pool of workers.

Every fetched URL (success or failure) is stored in `pages` together with the URLs it
led to, in one transaction, so a crawl killed at any point resumes where it stopped
without fetching a finished page twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from catalog.crawl.discover import Robots, Scope, normalise_url, parse_sitemap, robots_from_response
from catalog.crawl.fetch import Fetcher, FetchSettings
from catalog.extract.dispatch import extract_page, page_format
from catalog.store import FetchResult, Store

SITEMAP_TYPES = ("application/xml", "text/xml", "application/gzip", "application/x-gzip",
                 "application/octet-stream", "text/plain")


@dataclass
class CrawlSettings:
    """What to crawl and how hard. `concurrency` bounds requests in flight overall."""

    concurrency: int = 8
    max_pages: int | None = None
    ignore_robots: bool = False
    allow_hosts: list[str] = field(default_factory=list)
    fetch: FetchSettings = field(default_factory=FetchSettings)


@dataclass
class CrawlSummary:
    """What a run did: counts of outcomes and the failures with their reasons."""

    run_id: int
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    seconds: float = 0.0
    complete: bool = False

    def stats(self) -> dict[str, Any]:
        return {
            "fetched": sum(self.outcomes[k] for k in ("new", "changed", "unchanged")),
            "new_pages": self.outcomes["new"], "changed_pages": self.outcomes["changed"],
            "unchanged_pages": self.outcomes["unchanged"],
            "not_modified": self.outcomes["not_modified"], "failed": len(self.failures),
            "failed_by_reason": dict(Counter(_reason_kind(r) for _, r in self.failures)),
            "skipped": dict(self.skipped), "retries": self.retries,
            "seconds": round(self.seconds, 2),
        }


def _reason_kind(reason: str) -> str:
    return reason.split(":")[0].split(" (")[0][:60]


class Crawler:
    """Crawls from `seeds` into `store`. Use `await Crawler(...).run()`."""

    def __init__(self, store: Store, seeds: list[str], settings: CrawlSettings,
                 client: httpx.AsyncClient | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 resume: bool = True) -> None:
        self.store = store
        self.seeds = [normalise_url(s) for s in seeds]
        self.settings = settings
        self.scope = Scope.from_seeds(self.seeds, settings.allow_hosts)
        self.fetcher = Fetcher(settings.fetch, self.scope, client=client, transport=transport)
        self.progress = progress
        self.resume = resume
        self._robots: dict[str, Robots] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}
        self._known: set[str] = set()
        self._truncated = False
        self._probes: set[str] = set()
        self._pending_extra: list[tuple[str, str, int, str | None]] = []

    async def run(self) -> CrawlSummary:
        """Returns the summary of a run, resuming an unfinished run with the same seeds."""
        started = time.monotonic()
        run_id = self.store.unfinished_run(self.seeds) if self.resume else None
        if run_id is None:
            run_id = self.store.start_run(self.seeds, {
                "concurrency": self.settings.concurrency, "max_pages": self.settings.max_pages,
                "ignore_robots": self.settings.ignore_robots})
        summary = CrawlSummary(run_id)
        seed_items: list[tuple[str, str, int, str | None]] = []
        for seed in self.seeds:
            root = f"{urlsplit(seed).scheme}://{urlsplit(seed).netloc}"
            seed_items += [(seed, _kind_of(seed), 0, None),
                           (root + "/sitemap.xml", "sitemap", 0, None),
                           (root + "/llms.txt", "llms", 0, None)]
        self.store.enqueue(run_id, seed_items)
        # well-known files a site may not have: a 404 there is no failure
        self._probes = {u for u, kind, _, _ in seed_items if kind != "page" and u not in self.seeds}
        self._known = set(self.store.frontier_urls(run_id))
        try:
            for seed in self.seeds:  # robots.txt first: its Sitemap lines join the frontier
                await self._robots_for(run_id, seed)
            self._pending_extra.clear()  # already pending in the stored frontier
            await self._drain(run_id, summary)
        finally:
            await self.fetcher.aclose()
        summary.retries = self.fetcher.retries
        summary.failures = self.store.frontier_failures(run_id)
        summary.seconds = time.monotonic() - started
        summary.complete = not self.store.pending(run_id) and not self._truncated
        return summary

    async def _drain(self, run_id: int, summary: CrawlSummary) -> None:
        queue: asyncio.Queue[tuple[str, str, int]] = asyncio.Queue()
        for item in self.store.pending(run_id):
            queue.put_nowait(item)
        done = sum(v for k, v in self.store.frontier_states(run_id).items() if k != "pending")

        async def worker() -> None:
            nonlocal done
            while True:
                url, kind, depth = await queue.get()
                try:
                    for new_url, new_kind, new_depth, _ in await self._visit(
                            run_id, url, kind, depth, summary):
                        queue.put_nowait((new_url, new_kind, new_depth))
                    while self._pending_extra:  # sitemaps named by a robots.txt read mid-crawl
                        extra_url, extra_kind, extra_depth, _ = self._pending_extra.pop()
                        queue.put_nowait((extra_url, extra_kind, extra_depth))
                    done += 1
                    if self.progress:
                        self.progress(done, len(self._known))
                finally:
                    queue.task_done()

        workers = [asyncio.create_task(worker()) for _ in range(max(1, self.settings.concurrency))]
        try:
            await queue.join()
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _visit(self, run_id: int, url: str, kind: str, depth: int,
                     summary: CrawlSummary) -> list[tuple[str, str, int, str | None]]:
        """Fetches one frontier URL, stores it, and returns the new frontier items it found."""
        robots = await self._robots_for(run_id, url)
        if not self.settings.ignore_robots and not robots.allowed(
                url, self.settings.fetch.user_agent):
            self.store.skip(run_id, url, robots.blocked_reason or "disallowed by robots.txt")
            why = "robots" if robots.blocked_reason is None else "robots_unavailable"
            summary.skipped[why] += 1
            return []
        etag, last_modified = self.store.validators(url)
        accept = SITEMAP_TYPES if kind == "sitemap" else _PAGE_TYPES
        result = await self.fetcher.fetch(url, etag, last_modified, accept=accept)
        if result.status == 404 and url in self._probes:
            self.store.skip(run_id, url, "not on this host (optional)")
            summary.skipped["optional_missing"] += 1
            return []
        found = self._discover(url, kind, depth, result)
        outcome = self.store.record_fetch(run_id, result, found)
        summary.outcomes[outcome] += 1
        return [] if outcome == "failed" else found

    def _discover(self, url: str, kind: str, depth: int, result: FetchResult
                  ) -> list[tuple[str, str, int, str | None]]:
        """Returns the new frontier items a fetched page links to (in scope, not yet known)."""
        body = result.body
        if result.not_modified:
            body = next((p.body for p in self.store.pages([url])), None)
        if result.error or body is None:
            return []
        links: list[tuple[str, str]] = []
        if kind == "sitemap":
            sm = parse_sitemap(url, body)
            links = [(u, "sitemap") for u in sm.sitemaps] + [(u, _kind_of(u)) for u in sm.pages]
        else:
            extracted = extract_page(result.final_url or url, result.content_type, body)
            links = [(u, _kind_of(u)) for u in extracted.links]
            if extracted.offerings and page_format(url, result.content_type) == "html":
                # a model page's alternates: its Markdown twin and its own llms.txt
                links += [(url + ".md", "markdown"), (url.rstrip("/") + "/llms.txt", "llms")]
        return self._admit(url, depth, links)

    def _admit(self, found_on: str, depth: int, links: list[tuple[str, str]]
               ) -> list[tuple[str, str, int, str | None]]:
        out: list[tuple[str, str, int, str | None]] = []
        limit = self.settings.max_pages
        for link, link_kind in links:
            link = normalise_url(link)
            if link in self._known or not self.scope(link):
                continue
            if limit is not None and len(self._known) >= limit:
                self._truncated = True
                break
            self._known.add(link)
            out.append((link, link_kind, depth + 1, found_on))
        return out

    async def _robots_for(self, run_id: int, url: str) -> Robots:
        """Returns the host's robots.txt rules, fetched once per run and stored in `pages`."""
        parts = urlsplit(url)
        host = parts.netloc
        if host in self._robots:
            return self._robots[host]
        lock = self._robots_lock.setdefault(host, asyncio.Lock())
        async with lock:
            if host in self._robots:
                return self._robots[host]
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            self.store.enqueue(run_id, [(robots_url, "robots", 0, None)])
            self._known.add(robots_url)
            result = await self.fetcher.fetch(robots_url, accept=(), max_body=500 * 1024)
            robots = robots_from_response(result.status, result.body, result.error)
            sitemaps = self._admit(robots_url, -1, [(s, "sitemap") for s in robots.sitemaps()])
            if result.status is not None and 400 <= result.status < 500:
                self.store.skip(run_id, robots_url, f"HTTP {result.status}: no restrictions")
            else:
                self.store.record_fetch(run_id, result, sitemaps)
            self._pending_extra.extend(sitemaps)
            if robots.blocked_reason is None and not self.settings.ignore_robots:
                self.fetcher.set_host_delay(host, robots.delay(self.settings.fetch.user_agent))
            self._robots[host] = robots
            return robots


_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/markdown", "text/x-markdown",
               "text/plain", "application/json")


def _kind_of(url: str) -> str:
    path = urlsplit(url).path.lower()
    if path.endswith(("llms.txt", "llms-full.txt")):
        return "llms"
    if path.endswith(".md"):
        return "markdown"
    if path.endswith((".xml", ".xml.gz")):
        return "sitemap"
    return "page"


def crawl(store: Store, seeds: list[str], settings: CrawlSettings,
          transport: httpx.AsyncBaseTransport | None = None,
          progress: Callable[[int, int], None] | None = None) -> CrawlSummary:
    """Runs a crawl to the end and returns its summary (the synchronous entry point)."""
    return asyncio.run(Crawler(store, seeds, settings, transport=transport,
                               progress=progress).run())
