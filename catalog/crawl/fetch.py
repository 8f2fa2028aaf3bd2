"""Fetching one URL politely and robustly: the only place that talks HTTP.

`Fetcher.fetch` returns a `FetchResult` for every URL, success or failure: retries with
exponential backoff and jitter (honouring `Retry-After`), a streamed body-size cap,
manual redirects that may not leave the crawl's scope, conditional GET, and content-type
checks. Per-host concurrency and minimum delay are enforced in `HostGate`.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from catalog.errors import FetchError
from catalog.store import FetchResult

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
TEXT_TYPES = ("text/", "application/xml", "application/xhtml+xml", "application/json",
              "application/x-gzip", "application/gzip", "application/octet-stream")


@dataclass
class FetchSettings:
    """Limits for fetching. Times are seconds, sizes bytes."""

    user_agent: str = "catalog/0.1.0 (+https://github.com/catalog-tools/catalog)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_body: int = 10 * 1024 * 1024
    max_redirects: int = 5
    attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0
    per_host_concurrency: int = 2
    delay: float = 0.5


@dataclass
class HostGate:
    """Per-host politeness: at most `concurrency` requests at once, `delay` s between starts."""

    concurrency: int
    delay: float
    _sem: asyncio.Semaphore = field(init=False)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    _next_start: float = 0.0

    def __post_init__(self) -> None:
        self._sem = asyncio.Semaphore(max(1, self.concurrency))

    async def __aenter__(self) -> HostGate:
        await self._sem.acquire()
        async with self._lock:
            wait = self._next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_start = time.monotonic() + self.delay
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._sem.release()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Returns the seconds a `Retry-After` header asks to wait (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Fetcher:
    """Fetches URLs through an `httpx.AsyncClient` (pass in a client or transport to test)."""

    def __init__(self, settings: FetchSettings, in_scope: Callable[[str], bool],
                 client: httpx.AsyncClient | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.in_scope = in_scope
        self.client = client or httpx.AsyncClient(
            transport=transport, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
            headers={"User-Agent": settings.user_agent})
        self.retries = 0
        self._gates: dict[str, HostGate] = {}
        self.host_delays: dict[str, float] = {}

    async def aclose(self) -> None:
        await self.client.aclose()

    def set_host_delay(self, host: str, delay: float) -> None:
        """Raises the minimum delay between requests to `host` (e.g. from Crawl-delay)."""
        self.host_delays[host] = delay
        if host in self._gates:
            self._gates[host].delay = max(self.settings.delay, delay)

    def gate(self, host: str) -> HostGate:
        if host not in self._gates:
            delay = max(self.settings.delay, self.host_delays.get(host, 0.0))
            self._gates[host] = HostGate(self.settings.per_host_concurrency, delay)
        return self._gates[host]

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    accept: tuple[str, ...] = TEXT_TYPES, max_body: int | None = None
                    ) -> FetchResult:
        """Returns the result of GET `url` after retries; failures come back with `error` set."""
        s = self.settings
        for attempt in range(1, s.attempts + 1):
            try:
                return await self._fetch_once(url, etag, last_modified, accept,
                                              max_body or s.max_body)
            except FetchError as exc:
                if not exc.retryable or attempt == s.attempts:
                    return FetchResult(url=url, error=exc.reason, status=_status_of(exc))
                self.retries += 1
                backoff = min(s.backoff_cap, s.backoff_base * 2 ** (attempt - 1))
                wait = random.uniform(backoff / 2, backoff)
                if exc.retry_after is not None:
                    wait = max(wait, min(exc.retry_after, s.retry_after_cap))
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _fetch_once(self, url: str, etag: str | None, last_modified: str | None,
                          accept: tuple[str, ...], max_body: int) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            host = urlsplit(current).netloc
            async with self.gate(host):
                result = await self._get(current, headers if current == url else {}, accept,
                                         max_body)
            if isinstance(result, FetchResult):
                return FetchResult(**{**result.__dict__, "url": url, "final_url": current})
            target = urljoin(current, result)
            if target in seen:
                raise FetchError(url, f"redirect loop: {' -> '.join([*seen, target])}")
            if not self.in_scope(target):
                raise FetchError(url, f"redirect leaves the crawl scope: {target}")
            seen.append(target)
            current = target
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects")

    async def _get(self, url: str, headers: dict[str, str], accept: tuple[str, ...],
                   max_body: int) -> FetchResult | str:
        """Returns a FetchResult, or the Location to follow for a redirect."""
        try:
            async with self.client.stream("GET", url, headers=headers) as resp:
                if resp.status_code in (301, 302, 303, 307, 308):
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(url, f"HTTP {resp.status_code} without Location")
                    return str(location)
                if resp.status_code == 304:
                    return FetchResult(url=url, status=304, not_modified=True,
                                       etag=resp.headers.get("ETag"),
                                       last_modified=resp.headers.get("Last-Modified"))
                if resp.status_code in RETRY_STATUSES:
                    raise FetchError(url, f"HTTP {resp.status_code}", retryable=True,
                                     retry_after=parse_retry_after(resp.headers.get("Retry-After")))
                ctype = resp.headers.get("Content-Type", "")
                if resp.status_code >= 400:
                    raise FetchError(url, f"HTTP {resp.status_code}")
                if accept and ctype and not ctype.lower().startswith(accept):
                    raise FetchError(url, f"unexpected content type {ctype!r}")
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_body:
                    raise FetchError(url, f"body of {declared} bytes is over the "
                                          f"{max_body}-byte limit")
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    if size > max_body:
                        raise FetchError(url, f"body over the {max_body}-byte limit")
                    chunks.append(chunk)
                return FetchResult(url=url, status=resp.status_code, content_type=ctype or None,
                                   etag=resp.headers.get("ETag"),
                                   last_modified=resp.headers.get("Last-Modified"),
                                   body=b"".join(chunks))
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timeout ({type(exc).__name__})", retryable=True) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError,
                httpx.WriteError) as exc:
            raise FetchError(url, f"network error: {type(exc).__name__}: {exc}",
                             retryable=True) from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc


def _status_of(exc: FetchError) -> int | None:
    reason = exc.reason
    if reason.startswith("HTTP ") and reason[5:8].isdigit():
        return int(reason[5:8])
    return None
