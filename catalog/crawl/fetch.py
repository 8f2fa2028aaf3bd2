"""Fetching one URL politely and robustly: the only place that talks HTTP.

`Fetcher.fetch` returns a `FetchResult` for every URL, success or failure:

- retries for 408, 429, 5xx and network errors (reset, timeout, truncated body), with
  exponential backoff and jitter, honouring `Retry-After` (seconds or HTTP-date) up to a
  cap; a host that answers 429/503 is paused as a whole, not just the retried URL, and a
  host that asks for a wait beyond the cap gets no more requests in this run;
- limits: connect / read / total timeouts, a streamed body-size cap (or, for robots.txt,
  reading only the first bytes), at most `max_redirects` redirects, loops detected,
  redirects that leave the crawl's scope refused;
- conditional GET (`If-None-Match`, `If-Modified-Since`), and a content-type check
  before the body is read (an HTML page served as an image is not downloaded).

Per-host concurrency, minimum delay between requests and pauses live in `HostGate`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import random
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from catalog.crawl.transport import AiohttpTransport
from catalog.errors import FetchError
from catalog.store import FetchResult

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
PAUSE_STATUSES = {429, 503}  # the whole host is told to slow down, not only this URL
TEXT_TYPES = ("text/", "application/xml", "application/xhtml+xml", "application/json",
              "application/x-gzip", "application/gzip", "application/octet-stream")


@dataclasses.dataclass
class FetchSettings:
    """Limits for fetching. Times are seconds, sizes bytes."""

    user_agent: str = "catalog/0.1.0 (+https://github.com/catalog-tools/catalog)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 120.0  # a whole response, however slowly it trickles in
    max_body: int = 10 * 1024 * 1024
    max_redirects: int = 5
    attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0
    per_host_concurrency: int = 2
    delay: float = 0.5


class HostGate:
    """Per-host politeness: at most `concurrency` requests in flight, `delay` seconds between
    the starts of two requests (and, one request at a time, from the end of one to the
    start of the next, so the host sees the gap however long a request takes to send),
    and no request at all while the host is paused.

    Waiters are served in arrival order.
    """

    def __init__(self, concurrency: int, delay: float) -> None:
        self.concurrency = max(1, concurrency)
        self.delay = delay
        self.paused_until = 0.0
        self._in_flight = 0
        self._slots = asyncio.Condition()
        self._start_lock = asyncio.Lock()
        self._next_start = 0.0

    def pause(self, seconds: float) -> None:
        """Holds back every request to the host for `seconds` from now."""
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def set_limits(self, concurrency: int, delay: float) -> None:
        self.concurrency = max(1, concurrency)
        self.delay = delay

    async def __aenter__(self) -> HostGate:
        async with self._slots:
            await self._slots.wait_for(lambda: self._in_flight < self.concurrency)
            self._in_flight += 1
        try:
            async with self._start_lock:
                while (wait := max(self._next_start, self.paused_until) - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                self._next_start = time.monotonic() + self.delay
        except BaseException:
            await self._release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._release()

    async def _release(self) -> None:
        if self.concurrency == 1:
            self._next_start = max(self._next_start, time.monotonic() + self.delay)
        async with self._slots:
            self._in_flight -= 1
            self._slots.notify_all()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Returns the seconds a `Retry-After` header asks to wait (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


async def _drain_small(resp: httpx.Response, limit: int = 64 * 1024) -> None:
    """Reads a short body (a redirect's or a 304's) to its end; gives up past `limit`."""
    size = 0
    async for chunk in resp.aiter_raw():
        size += len(chunk)
        if size > limit:
            return


class _StatusError(FetchError):
    """A failure with the HTTP status that caused it."""

    def __init__(self, url: str, status: int, reason: str, retryable: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(url, reason, retryable=retryable, retry_after=retry_after)
        self.status = status


class _Rejected(FetchError):
    """The response is not one the crawl wants (its content type); not a failure."""

    def __init__(self, url: str, status: int, content_type: str) -> None:
        super().__init__(url, f"content type {content_type!r} is not one the crawl reads")
        self.status = status
        self.content_type = content_type


class Fetcher:
    """Fetches URLs through an `httpx.AsyncClient` (pass in a client or transport to test;
    by default the client runs over aiohttp, see `catalog.crawl.transport`)."""

    def __init__(self, settings: FetchSettings, in_scope: Callable[[str], bool],
                 client: httpx.AsyncClient | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.in_scope = in_scope
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
        self.client = client or httpx.AsyncClient(
            transport=transport or AiohttpTransport(limits), follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout,
                                  pool=None),
            limits=limits, headers={"User-Agent": settings.user_agent})
        self.retries = 0
        self._gates: dict[str, HostGate] = {}

    async def aclose(self) -> None:
        await self.client.aclose()

    def set_host_delay(self, host: str, delay: float) -> None:
        """Applies a robots.txt Crawl-delay / Request-rate to `host`: requests one at a time,
        at least `delay` seconds apart (or the configured delay, if larger)."""
        gate = self.gate(host)
        if delay > 0:
            gate.set_limits(1, max(self.settings.delay, delay))

    def gate(self, host: str) -> HostGate:
        if host not in self._gates:
            self._gates[host] = HostGate(self.settings.per_host_concurrency, self.settings.delay)
        return self._gates[host]

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    accept: tuple[str, ...] = TEXT_TYPES, max_body: int | None = None,
                    truncate: bool = False) -> FetchResult:
        """Returns the result of GET `url` after retries; failures come back with `error` set.

        With `truncate`, a body longer than `max_body` is cut there instead of failing (as
        RFC 9309 allows for robots.txt).
        """
        s = self.settings
        gate = self.gate(urlsplit(url).netloc)
        for attempt in range(1, s.attempts + 1):
            held_back = gate.paused_until - time.monotonic()
            if held_back > s.retry_after_cap:
                return FetchResult(url=url, attempts=attempt - 1, error=(
                    f"not requested: the host asked for a pause of {held_back:.0f} s, more "
                    f"than the {s.retry_after_cap:.0f} s cap"))
            try:
                result = await self._fetch_once(url, etag, last_modified, accept,
                                                max_body or s.max_body, truncate)
                return dataclasses.replace(result, attempts=attempt)
            except _Rejected as exc:
                return FetchResult(url=url, status=exc.status, content_type=exc.content_type,
                                   error=exc.reason, rejected=True, attempts=attempt)
            except FetchError as exc:
                status = getattr(exc, "status", None)
                if exc.retry_after is not None and exc.retry_after > s.retry_after_cap:
                    gate.pause(exc.retry_after)
                    return FetchResult(url=url, status=status, attempts=attempt, error=(
                        f"{exc.reason}; Retry-After of {exc.retry_after:.0f} s is over the "
                        f"{s.retry_after_cap:.0f} s cap, not retried"))
                if not exc.retryable or attempt == s.attempts:
                    why = exc.reason if attempt == 1 else f"{exc.reason} (after {attempt} attempts)"
                    return FetchResult(url=url, error=why, status=status, attempts=attempt)
                self.retries += 1
                backoff = min(s.backoff_cap, s.backoff_base * 2 ** (attempt - 1))
                wait = random.uniform(backoff / 2, backoff)
                if exc.retry_after is not None:
                    wait = max(wait, exc.retry_after)
                if status in PAUSE_STATUSES:
                    gate.pause(wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _fetch_once(self, url: str, etag: str | None, last_modified: str | None,
                          accept: tuple[str, ...], max_body: int, truncate: bool
                          ) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            async with self.gate(urlsplit(current).netloc):
                try:
                    async with asyncio.timeout(self.settings.total_timeout):
                        result = await self._get(current, headers if current == url else {},
                                                 accept, max_body, truncate)
                except TimeoutError as exc:
                    raise FetchError(current, f"timeout (no complete response within "
                                              f"{self.settings.total_timeout:g} s)",
                                     retryable=True) from exc
            if isinstance(result, FetchResult):
                return dataclasses.replace(result, url=url, final_url=current)
            target = urljoin(current, result).split("#")[0]
            if target in seen:
                raise FetchError(url, f"redirect loop: {' -> '.join([*seen, target])}")
            if not self.in_scope(target):
                raise FetchError(url, f"redirect leaves the crawl scope: {current} -> {target} "
                                      f"(--allow-host {urlsplit(target).netloc} allows it)")
            seen.append(target)
            current = target
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects: "
                              f"{' -> '.join(seen)} -> ...")

    async def _get(self, url: str, headers: dict[str, str], accept: tuple[str, ...],
                   max_body: int, truncate: bool) -> FetchResult | str:
        """Returns a FetchResult, or the Location to follow for a redirect."""
        try:
            async with self.client.stream("GET", url, headers=headers) as resp:
                status = resp.status_code
                if status in (301, 302, 303, 304, 307, 308):
                    await _drain_small(resp)  # so the connection can be used again
                if status in (301, 302, 303, 307, 308):
                    location = resp.headers.get("Location")
                    if not location:
                        raise _StatusError(url, status, f"HTTP {status} without Location")
                    return str(location)
                if status == 304:
                    return FetchResult(url=url, status=304, not_modified=True,
                                       etag=resp.headers.get("ETag"),
                                       last_modified=resp.headers.get("Last-Modified"))
                if status in RETRY_STATUSES:
                    raise _StatusError(url, status, f"HTTP {status}", retryable=True,
                                       retry_after=parse_retry_after(
                                           resp.headers.get("Retry-After")))
                if status >= 400 or status < 200:
                    raise _StatusError(url, status, f"HTTP {status}")
                ctype = resp.headers.get("Content-Type", "")
                if accept and ctype and not ctype.lower().startswith(accept):
                    raise _Rejected(url, status, ctype)
                declared = resp.headers.get("Content-Length")
                if (not truncate and declared and declared.isdigit()
                        and int(declared) > max_body):
                    raise FetchError(url, f"body of {declared} bytes is over the "
                                          f"{max_body}-byte limit (not downloaded)")
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    chunks.append(chunk)
                    if size > max_body:
                        if truncate:
                            break
                        raise FetchError(url, f"body over the {max_body}-byte limit "
                                              "(download aborted)")
                body = b"".join(chunks)[:max_body]
                return FetchResult(url=url, status=status, content_type=ctype or None,
                                   etag=resp.headers.get("ETag"),
                                   last_modified=resp.headers.get("Last-Modified"), body=body)
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timeout ({type(exc).__name__})", retryable=True) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError,
                httpx.WriteError, httpx.CloseError) as exc:
            raise FetchError(url, f"network error: {type(exc).__name__}: {exc}",
                             retryable=True) from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc

