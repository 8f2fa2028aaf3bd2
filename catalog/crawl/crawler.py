"""The crawl loop: a resumable frontier in SQLite, fetched by a bounded pool of workers.

Every fetched URL (success or failure) is stored in `pages` together with the URLs it
led to and what its body yielded, atomically: results are committed in small batches
(every 64 results or 0.1 s), and a URL is finished once its batch has committed. A crawl
killed at any point resumes where it stopped without fetching a finished URL twice
(robots.txt included); what it had fetched but not yet committed is fetched again.
A page that answers 304, or fails, is read from its stored copy: its links still count,
and it is not extracted again. Pages are parsed in worker processes (one per core) while
the event loop goes on fetching.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fcntl
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from catalog.crawl.discover import (
    MAX_ROBOTS_BYTES,
    Robots,
    Scope,
    normalise_url,
    parse_sitemap,
    robots_from_response,
)
from catalog.crawl.extracted import (
    Extraction,
    ExtractionFailed,
    ExtractorPool,
    cached,
    default_workers,
    extractor_key,
)
from catalog.crawl.fetch import Fetcher, FetchSettings
from catalog.errors import CatalogError
from catalog.extract.dispatch import page_format
from catalog.store import FetchResult, PageRow, Store

SITEMAP_TYPES = ("application/xml", "text/xml", "application/gzip", "application/x-gzip",
                 "application/octet-stream", "text/plain")
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/markdown", "text/x-markdown",
              "text/plain", "application/json")
# links to these are never requested: no extractor reads them
_ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico", ".css",
                   ".js", ".pdf", ".zip", ".mp4", ".webm", ".mp3", ".woff", ".woff2", ".ttf")
FETCH_OUTCOMES = ("new", "changed", "unchanged", "not_modified", "failed")
# extraction workers start once a crawl knows this many URLs: a smaller crawl is over
# before they would be up
POOL_AFTER_URLS = 200
# fetch results are committed together, at most this many or this many seconds apart: a
# page is finished (never fetched again by a resumed run) once its batch has committed
COMMIT_PAGES = 64
COMMIT_SECONDS = 0.1

Item = tuple[str, str, int, str | None]  # url, kind, depth, found_on


@dataclass
class CrawlSettings:
    """What to crawl and how hard. `concurrency` bounds requests in flight overall."""

    concurrency: int = 8
    max_pages: int | None = None
    ignore_robots: bool = False
    allow_hosts: list[str] = field(default_factory=list)
    extract_workers: int | None = None  # processes that parse pages; None: one per core
    fetch: FetchSettings = field(default_factory=FetchSettings)


@dataclass
class CrawlSummary:
    """What a run did: counts of outcomes and the failures with their reasons.

    Counts come from the run's frontier, so a resumed run reports the whole run.
    """

    run_id: int
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    extracted: int = 0  # bodies extracted anew by this invocation (not 304s or same bytes)
    seconds: float = 0.0
    complete: bool = False
    resumed: bool = False
    notes: list[str] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        return {
            "fetched": sum(self.outcomes[k] for k in ("new", "changed", "unchanged")),
            "new_pages": self.outcomes["new"], "changed_pages": self.outcomes["changed"],
            "unchanged_pages": self.outcomes["unchanged"],
            "not_modified": self.outcomes["not_modified"], "failed": len(self.failures),
            "failed_by_reason": dict(sorted(Counter(
                reason_kind(r) for _, r in self.failures).items())),
            "skipped": dict(sorted(self.skipped.items())), "retries": self.retries,
            "extracted": self.extracted, "seconds": round(self.seconds, 2),
            "resumed": self.resumed, "complete": self.complete, "notes": self.notes,
        }


def reason_kind(reason: str) -> str:
    """Returns the kind of a failure reason ("HTTP 503", "timeout", "network error")."""
    return reason.split(":")[0].split(" (")[0].split(";")[0][:60]


@contextlib.contextmanager
def crawl_lock(db_path: Path) -> Iterator[None]:
    """Holds an exclusive lock beside the database for the length of a crawl, so two crawls
    never work on (or resume) the same run. The lock goes with the process, even on kill -9."""
    if str(db_path) == ":memory:":
        yield
        return
    lock_path = Path(f"{db_path}-crawl-lock")  # beside -wal and -shm, ignored like them
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CatalogError(f"another crawl is running on {db_path} (it holds {lock_path}); "
                               "wait for it to finish or stop it") from None
        yield
    finally:
        os.close(fd)


class Crawler:
    """Crawls from `seeds` into `store`. Use `await Crawler(...).run()`.

    With `resume` (the default) an unfinished run with the same seeds is continued;
    without, such runs are closed as abandoned and a new run starts.
    """

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
        workers = settings.extract_workers
        self.extractor = ExtractorPool(default_workers() if workers is None else workers)
        self._uncommitted = 0
        self._commit_timer: asyncio.TimerHandle | None = None
        self.progress = progress
        self.resume = resume
        self._robots: dict[str, Robots] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}
        self._blocked: dict[str, str] = {}  # host -> why nothing was crawled there
        self._known: set[str] = set()
        self._seen_links: set[str] = set()  # links as written, already admitted or refused
        self._truncated = False
        self._probes: set[str] = set()
        self._queue: asyncio.Queue[tuple[str, str, int]] | None = None
        self._extracted = 0
        self._notes: list[str] = [f"--allow-host {h}: {why}"
                                  for h, why in sorted(self.scope.refused.items())]

    @property
    def user_agent(self) -> str:
        return self.settings.fetch.user_agent

    async def run(self) -> CrawlSummary:
        """Returns the summary of a run, resuming an unfinished run with the same seeds."""
        started = time.monotonic()
        run_id, resumed = self._open_run()
        seed_items: list[Item] = []
        for seed in self.seeds:
            root = f"{urlsplit(seed).scheme}://{urlsplit(seed).netloc}"
            seed_items += [(seed, _kind_of(seed), 0, None),
                           (root + "/sitemap.xml", "sitemap", 0, None),
                           (root + "/llms.txt", "llms", 0, None)]
        self.store.enqueue(run_id, seed_items)
        # well-known files a site may not have: a 404 there is no failure
        self._probes = {u for u, kind, _, _ in seed_items if kind != "page" and u not in self.seeds}
        self._known = set(self.store.frontier_urls(run_id))
        if len(self._known) >= POOL_AFTER_URLS:  # a resumed large run
            self.extractor.start()
        limit = self.settings.max_pages
        if resumed and limit is not None and len(self._known) >= limit:
            self._truncated = True
        try:
            for seed in self.seeds:  # robots.txt first: its Sitemap lines join the frontier
                await self._robots_for(run_id, seed)
            await self._drain(run_id)
        finally:
            self._commit()
            await self.fetcher.aclose()
            await self.extractor.aclose()
        return self._summary(run_id, time.monotonic() - started, resumed)

    def _record(self, run_id: int, result: FetchResult, found: list[Item],
                entry: tuple[str, str, str] | None) -> None:
        """Stores a fetch result; commits every COMMIT_PAGES results or COMMIT_SECONDS."""
        self.store.record_fetch(run_id, result, found, extract=entry, commit=False)
        self._uncommitted += 1
        if self._uncommitted >= COMMIT_PAGES:
            self._commit()
        elif self._commit_timer is None:
            self._commit_timer = asyncio.get_running_loop().call_later(COMMIT_SECONDS,
                                                                       self._commit)

    def _commit(self) -> None:
        if self._commit_timer is not None:
            self._commit_timer.cancel()
            self._commit_timer = None
        self._uncommitted = 0
        self.store.commit()

    def _open_run(self) -> tuple[int, bool]:
        if self.resume:
            run_id = self.store.unfinished_run(self.seeds)
            if run_id is not None:
                return run_id, True
        while (old := self.store.unfinished_run(self.seeds)) is not None:
            self.store.finish_run(old, {"abandoned": True}, complete=False)
        return self.store.start_run(self.seeds, {
            "concurrency": self.settings.concurrency, "max_pages": self.settings.max_pages,
            "ignore_robots": self.settings.ignore_robots}), False

    def _summary(self, run_id: int, seconds: float, resumed: bool) -> CrawlSummary:
        stats = self.store.crawl_stats(run_id)
        summary = CrawlSummary(run_id, retries=stats["retries"], failures=stats["failures"],
                               extracted=self._extracted, seconds=seconds, resumed=resumed,
                               notes=self._notes)
        pending = 0
        for outcome, n in stats["outcomes"].items():
            if outcome in FETCH_OUTCOMES:
                summary.outcomes[outcome] = n
            elif outcome == "pending":
                pending = n
            elif outcome != "done":
                summary.skipped[outcome] = n
        summary.notes += [f"nothing crawled on {host}: {why}"
                          for host, why in sorted(self._blocked.items())]
        if self._truncated:
            summary.notes.append(f"stopped discovering at --max-pages {self.settings.max_pages}")
        summary.complete = not pending and not self._truncated and not self._blocked
        return summary

    async def _drain(self, run_id: int) -> None:
        queue: asyncio.Queue[tuple[str, str, int]] = asyncio.Queue()
        for url, kind, depth in self.store.pending(run_id):
            if kind != "robots":  # robots.txt is read by _robots_for, once per host
                queue.put_nowait((url, kind, depth))
        self._queue = queue
        done = sum(v for k, v in self.store.frontier_states(run_id).items() if k != "pending")

        async def worker() -> None:
            nonlocal done
            while True:
                url, kind, depth = await queue.get()
                try:
                    for new_url, new_kind, new_depth, _ in await self._visit(
                            run_id, url, kind, depth):
                        queue.put_nowait((new_url, new_kind, new_depth))
                    done += 1
                    if self.progress:
                        self.progress(done, len(self._known))
                finally:
                    queue.task_done()

        workers = [asyncio.create_task(worker()) for _ in range(max(1, self.settings.concurrency))]
        joined = asyncio.create_task(queue.join())
        try:
            # workers only ever finish by raising: stop at the first error, or when all is done
            await asyncio.wait([joined, *workers], return_when=asyncio.FIRST_COMPLETED)
            for w in workers:
                if w.done() and not w.cancelled() and w.exception() is not None:
                    raise w.exception()  # type: ignore[misc]
        finally:
            self._queue = None
            for task in [joined, *workers]:
                task.cancel()
            await asyncio.gather(joined, *workers, return_exceptions=True)

    async def _visit(self, run_id: int, url: str, kind: str, depth: int) -> list[Item]:
        """Fetches one frontier URL, stores it, and returns the new frontier items it found."""
        robots = await self._robots_for(run_id, url)
        if not self.settings.ignore_robots and not robots.allowed(url, self.user_agent):
            if robots.blocked_reason is not None:
                self.store.skip(run_id, url, robots.blocked_reason, "robots_unavailable")
            else:
                self.store.skip(run_id, url, "disallowed by robots.txt", "robots")
            return []
        stored = _stored_page(self.store, url)
        etag, last_modified = self.store.validators(url)
        accept = SITEMAP_TYPES if kind == "sitemap" else PAGE_TYPES
        result = await self.fetcher.fetch(url, etag, last_modified, accept=accept)
        if result.rejected:
            self.store.skip(run_id, url, f"{result.error}: not parsed", "not_a_page",
                            result.attempts)
            return []
        if result.status in (404, 410) and url in self._probes:
            self.store.skip(run_id, url, f"HTTP {result.status}: not on this host (optional)",
                            "optional_missing", result.attempts)
            return []
        if result.not_modified and stored is None:
            result = dataclasses.replace(result, not_modified=False,
                                         error="HTTP 304 for a page with no stored copy")
        return await self._store_result(run_id, url, kind, depth, result, stored)

    async def _store_result(self, run_id: int, url: str, kind: str, depth: int,
                            result: FetchResult, stored: PageRow | None) -> list[Item]:
        """Stores a fetch result with what its body (or, after a 304 or a failure, the
        stored copy's) links to; returns the new frontier items."""
        found: list[Item] = []
        entry = None
        if result.error is None and not result.not_modified:
            body = result.body or b""
            found, entry, problem = await self._discover(
                url, kind, depth, result.final_url, result.content_type, body,
                hashlib.sha256(body).hexdigest())
            if problem is not None:  # an unreadable sitemap: a failure, listed as such
                result = dataclasses.replace(result, error=problem)
        elif stored is not None and stored.body is not None and stored.sha256 is not None:
            found, entry, _ = await self._discover(url, kind, depth, stored.final_url,
                                                   stored.content_type, stored.body,
                                                   stored.sha256)
        self._record(run_id, result, found, entry)
        return found

    async def _extraction(self, url: str, final_url: str | None, content_type: str | None,
                          body: bytes, sha256: str
                          ) -> tuple[Extraction, tuple[str, str, str] | None]:
        """Returns the page's extraction and, when it was extracted anew, the
        (sha256, extractor, data) entry to store (None when it came from the store); the
        same cache as `extracted.cached`, extracting in the worker processes."""
        key = extractor_key(final_url or url, content_type)
        data = self.store.cached_extract(url, sha256, key)
        if data is not None:
            return Extraction.from_json(data), None
        extraction = await self.extractor.extract(final_url or url, content_type, body)
        return extraction, (sha256, key, extraction.data)

    async def _discover(self, url: str, kind: str, depth: int, final_url: str | None,
                        content_type: str | None, body: bytes, sha256: str
                        ) -> tuple[list[Item], tuple[str, str, str] | None, str | None]:
        """Returns the new frontier items a page body links to, the extraction entry to store
        (None if it was stored already), and why the body is unreadable (or None)."""
        try:
            extracted, entry = await self._extraction(url, final_url, content_type, body,
                                                      sha256)
        except Exception as exc:  # an extractor bug must not end an overnight crawl
            why = str(exc) if isinstance(exc, ExtractionFailed) else f"{type(exc).__name__}: {exc}"
            self._notes.append(f"{url}: extraction failed ({why}); its links were not followed")
            extracted, entry = Extraction("", [], False), None
        if entry is not None:
            self._extracted += 1
        links: list[tuple[str, str | None]]
        if kind == "sitemap":
            sitemap = parse_sitemap(final_url or url, body)
            if sitemap.error is not None:
                return [], entry, sitemap.error
            if sitemap.note is not None:
                self._notes.append(f"{url}: {sitemap.note}")
            links = ([(u, "sitemap") for u in sitemap.sitemaps]
                     + [(u, None) for u in sitemap.pages])
        else:
            links = [(u, None) for u in extracted.links]
            if extracted.offerings and page_format(url, content_type) == "html":
                # a model page's alternates: its Markdown twin and its own llms.txt
                links += [(url + ".md", "markdown"), (url.rstrip("/") + "/llms.txt", "llms")]
        return self._admit(url, depth, links), entry, None

    def _admit(self, found_on: str, depth: int, links: Sequence[tuple[str, str | None]]
               ) -> list[Item]:
        """Returns the links not seen before that the crawl may follow, as frontier items
        (of the kind given, or else the kind their URL says)."""
        out: list[Item] = []
        limit = self.settings.max_pages
        seen = self._seen_links
        for raw, link_kind in links:
            if raw in seen:  # most links of a page were on pages before it
                continue
            link = normalise_url(raw)
            if (link in self._known or not self.scope(link)
                    or urlsplit(link).path.lower().endswith(_ASSET_SUFFIXES)):
                seen.add(raw)
                continue
            if limit is not None and len(self._known) >= limit:
                self._truncated = True
                break
            self._known.add(link)
            seen.add(raw)
            out.append((link, link_kind or _kind_of(link), depth + 1, found_on))
        if len(self._known) >= POOL_AFTER_URLS:
            self.extractor.start()
        return out

    async def _robots_for(self, run_id: int, url: str) -> Robots:
        """Returns the host's robots.txt rules, read once per run (a resumed run reuses what
        it stored) and kept in `pages` like any other fetch."""
        parts = urlsplit(url)
        host = parts.netloc
        if host in self._robots:
            return self._robots[host]
        async with self._robots_lock.setdefault(host, asyncio.Lock()):
            if host in self._robots:
                return self._robots[host]
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            robots = self._stored_robots(run_id, robots_url)
            if robots is None:
                robots = await self._fetch_robots(run_id, robots_url)
            if self.settings.ignore_robots:
                pass
            elif robots.blocked_reason is not None:
                self._blocked[host] = robots.blocked_reason
            else:
                self.fetcher.set_host_delay(host, robots.delay(self.user_agent))
            self._robots[host] = robots
            return robots

    def _stored_robots(self, run_id: int, robots_url: str) -> Robots | None:
        """Returns the rules this run already read from `robots_url`, or None."""
        state = self.store.frontier_state(run_id, robots_url)
        if state is None or state[0] == "pending":
            return None
        if state[0] == "skipped":  # 4xx: no restrictions
            return Robots()
        page = _stored_page(self.store, robots_url)
        if state[0] == "failed" or page is None:
            return robots_from_response(None, None, state[1] or "failed")
        return robots_from_response(200, page.body, None)

    async def _fetch_robots(self, run_id: int, robots_url: str) -> Robots:
        self.store.enqueue(run_id, [(robots_url, "robots", 0, None)])
        self._known.add(robots_url)
        stored = _stored_page(self.store, robots_url)
        etag, last_modified = self.store.validators(robots_url)
        result = await self.fetcher.fetch(robots_url, etag, last_modified, accept=(),
                                          max_body=MAX_ROBOTS_BYTES, truncate=True)
        if result.not_modified and stored is None:
            result = dataclasses.replace(result, not_modified=False,
                                         error="HTTP 304 for a page with no stored copy")
        body = stored.body if result.not_modified and stored is not None else result.body
        status = 200 if result.not_modified else result.status
        robots = robots_from_response(status, body, result.error)
        if result.status is not None and 400 <= result.status < 500 and result.status != 429:
            self.store.skip(run_id, robots_url, f"HTTP {result.status}: no robots.txt, so no "
                            "restrictions (RFC 9309)", "optional_missing", result.attempts)
            return robots
        sitemaps = self._admit(robots_url, -1, [(s, "sitemap") for s in robots.sitemaps()])
        entry = None
        if result.not_modified and stored is not None and stored.sha256 is not None:
            entry = cached(self.store, robots_url, stored.final_url, stored.content_type,
                           stored.body or b"", stored.sha256)[1]
        elif result.error is None and result.body is not None:
            entry = cached(self.store, robots_url, result.final_url, result.content_type,
                           result.body, hashlib.sha256(result.body).hexdigest())[1]
        self._record(run_id, result, sitemaps, entry)
        if self._queue is not None:
            for item_url, item_kind, item_depth, _ in sitemaps:
                self._queue.put_nowait((item_url, item_kind, item_depth))
        return robots


def _stored_page(store: Store, url: str) -> PageRow | None:
    """Returns the last good copy of `url`, if there is one."""
    pages = list(store.pages([url]))
    return pages[0] if pages else None


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
          progress: Callable[[int, int], None] | None = None,
          resume: bool = True) -> CrawlSummary:
    """Runs a crawl to the end and returns its summary (the synchronous entry point)."""
    return asyncio.run(Crawler(store, seeds, settings, transport=transport,
                               progress=progress, resume=resume).run())
