"""Extraction of stored pages, done once per page body.

The crawler extracts a page to find its links; the pipeline needs the same records to
build the catalog. Both go through here: a result is kept in the `extracts` table keyed
by the page URL, the sha256 of its body and a fingerprint of the extractor code (plus the
content type and final URL the extractors read), so an unchanged page (a 304, or the same
bytes again) is never extracted twice, and a change to the extractors re-extracts
everything once.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import itertools
import json
import marshal
import os
import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from catalog.extract import dispatch
from catalog.extract.records import Extracted
from catalog.store import PageRow, Store


@cache
def extractor_fingerprint() -> str:
    """Returns a hash of the extract package's source code."""
    digest = hashlib.sha256()
    for path in sorted(Path(dispatch.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def extractor_key(final_url: str, content_type: str | None) -> str:
    """Returns the cache key part that changes when the extractors would read a page
    differently: their code, the page's content type and the URL it was served from."""
    text = f"{extractor_fingerprint()}\0{content_type or ''}\0{final_url}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def extract(url: str, content_type: str | None, body: bytes) -> Extracted:
    """Returns what the page says (offerings, links, findings); always runs the extractor."""
    return dispatch.extract_page(url, content_type, body)


def cached(store: Store, url: str, final_url: str | None, content_type: str | None,
           body: bytes, sha256: str) -> tuple[Extracted, tuple[str, str, str] | None]:
    """Returns the page's extraction and, when it was extracted anew, the
    (sha256, extractor, data) entry to store (None when it came from the store)."""
    key = extractor_key(final_url or url, content_type)
    data = store.cached_extract(url, sha256, key)
    if data is not None:
        return Extracted.model_validate_json(data), None
    extracted = extract(final_url or url, content_type, body)
    return extracted, (sha256, key, extracted.model_dump_json())


class PageExtractions:
    """The extraction of each stored page of `pages`, one at a time, without the links it
    found (the crawl has followed them; ingesting does not need them). Pages extracted
    anew are stored for next time, in batches; `extracted` counts them."""

    BATCH = 256

    def __init__(self, store: Store, pages: Iterable[PageRow]) -> None:
        self.store = store
        self.pages = pages
        self.extracted = 0

    def __iter__(self) -> Iterator[Extracted]:
        fresh: list[tuple[str, str, str, str]] = []
        for page in self.pages:
            body = page.body or b""
            sha = page.sha256 or hashlib.sha256(body).hexdigest()
            extracted, entry = cached(self.store, page.url, page.final_url, page.content_type,
                                      body, sha)
            if entry is not None:
                fresh.append((page.url, *entry))
                self.extracted += 1
                if len(fresh) >= self.BATCH:
                    self.store.cache_extracts(fresh)
                    fresh = []
            yield extracted.model_copy(update={"links": []}) if extracted.links else extracted
        if fresh:
            self.store.cache_extracts(fresh)


# -- extraction during a crawl ------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """What a crawl needs of one page's extraction: the `Extracted` JSON to store, the
    links to follow and whether the page lists offerings. Plain data, cheap to pickle: it
    is what an extraction worker process sends back."""

    data: str
    links: list[str]
    offerings: bool

    @classmethod
    def from_json(cls, data: str) -> Extraction:
        """Returns the crawl's view of a stored `Extracted` JSON."""
        raw = json.loads(data)
        return cls(data, list(raw.get("links") or []), bool(raw.get("offerings")))


def extract_for_crawl(url: str, content_type: str | None, body: bytes) -> Extraction:
    """Extracts one page (in an extraction worker, or inline)."""
    extracted = extract(url, content_type, body)
    return Extraction(extracted.model_dump_json(), extracted.links, bool(extracted.offerings))


def default_workers() -> int:
    """Returns how many extraction processes a crawl starts: one per core (at most 8), or
    none on a single core, where the round trip through a pipe is pure overhead.

    One per core, not one per core but the crawl's own: the crawl process is busy
    fetching and storing only about 40 % of the time, and on 2 cores the bench mirror
    crawls at 390 pages/s with 2 workers against 261 with 1 (BENCHMARKS.md, "Crawl").
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, 8)


class ExtractorPool:
    """Extracts pages in worker processes, off the crawl's event loop, so that parsing
    pages and fetching more of them share the machine's cores.

    Each worker is `python -m catalog.crawl.worker`, fed jobs over its stdin and answering
    on its stdout (length-prefixed `marshal` data: strings, bytes and lists only), read by
    the event loop itself: no threads, no fork of the crawl process, and no re-import of
    the caller's main module as multiprocessing would do. `start()` launches the workers
    in the background (the crawler calls it once a crawl has found enough URLs to repay
    their start-up, about half a second of one core); until a worker has said it is
    ready, and always without workers, pages are extracted inline. A job goes to the
    worker with the fewest jobs in hand; if a worker dies, its jobs are extracted inline.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._ready: list[_Worker] = []
        self._starting: list[asyncio.Task[None]] = []
        self._ids = itertools.count()

    def start(self) -> None:
        if self.workers <= 0 or self._starting:
            return
        loop = asyncio.get_running_loop()
        self._starting = [loop.create_task(self._launch()) for _ in range(self.workers)]

    async def _launch(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the directory holding `catalog`
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "catalog.crawl.worker", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, env=env, limit=64 * 1024 * 1024)
        for pipe in (proc.stdin, proc.stdout):  # a page in one write, not 16 of 4 KiB
            transport = getattr(pipe, "transport", None) or getattr(pipe, "_transport", None)
            fd = transport.get_extra_info("pipe").fileno() if transport is not None else None
            if fd is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
                with contextlib.suppress(OSError):
                    fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1024 * 1024)
        worker = _Worker(proc)
        try:
            if await worker.receive() != b"ready":
                raise OSError("the extraction worker did not start")
        except (OSError, EOFError, asyncio.IncompleteReadError):
            await worker.close()
            return
        worker.reader = asyncio.get_running_loop().create_task(worker.read_answers())
        self._ready.append(worker)

    async def extract(self, url: str, content_type: str | None, body: bytes) -> Extraction:
        live = [w for w in self._ready if w.alive]
        if live:
            worker = min(live, key=lambda w: len(w.jobs))
            try:
                return await worker.submit(next(self._ids), url, content_type, body)
            except _WorkerGone:
                pass  # extracted inline below
        return extract_for_crawl(url, content_type, body)

    async def aclose(self) -> None:
        for task in self._starting:
            task.cancel()
        await asyncio.gather(*self._starting, return_exceptions=True)
        workers, self._ready, self._starting = self._ready, [], []
        await asyncio.gather(*(w.close() for w in workers), return_exceptions=True)


class _WorkerGone(Exception):
    """The worker process ended before it answered."""


class ExtractionFailed(Exception):
    """The extractor raised in a worker process (its message says what)."""


_LENGTH = struct.Struct("!I")


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.jobs: dict[int, asyncio.Future[Extraction]] = {}
        self.alive = True
        self.reader: asyncio.Task[None] | None = None

    async def receive(self) -> bytes:
        assert self.proc.stdout is not None
        size = _LENGTH.unpack(await self.proc.stdout.readexactly(_LENGTH.size))[0]
        return await self.proc.stdout.readexactly(size)

    async def submit(self, job: int, url: str, content_type: str | None,
                     body: bytes) -> Extraction:
        assert self.proc.stdin is not None
        future: asyncio.Future[Extraction] = asyncio.get_running_loop().create_future()
        self.jobs[job] = future
        message = marshal.dumps((job, url, content_type, body))
        try:
            self.proc.stdin.write(_LENGTH.pack(len(message)) + message)
        except (OSError, RuntimeError):
            self._gone()
        return await future

    async def read_answers(self) -> None:
        try:
            while True:
                job, ok, data, links, offerings = marshal.loads(await self.receive())
                future = self.jobs.pop(job, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(Extraction(data, links, offerings))
                else:
                    future.set_exception(ExtractionFailed(data))
        except (OSError, EOFError, ValueError, asyncio.IncompleteReadError):
            self._gone()

    def _gone(self) -> None:
        self.alive = False
        jobs, self.jobs = self.jobs, {}
        for future in jobs.values():
            if not future.done():
                future.set_exception(_WorkerGone())

    async def close(self) -> None:
        self.alive = False
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError, RuntimeError):
                self.proc.stdin.close()  # the worker ends at the end of its input
        try:
            await asyncio.wait_for(self.proc.wait(), 5)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader
        self._gone()
