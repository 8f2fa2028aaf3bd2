"""The HTTP transport of real crawls: aiohttp underneath the `httpx.AsyncClient` API.

Measured on the loopback bench mirror (BENCHMARKS.md, "Transport"), httpx over the
`httpx-aiohttp` transport fetches about four times as many pages per second as httpx's
own (httpcore) transport, at a quarter of the CPU per page. The crawler keeps talking
httpx (tests inject `httpx.MockTransport`); only the transport underneath changes.

`AiohttpTransport` here differs from the package's in what a failure looks like: aiohttp's
errors are mapped to the httpx errors httpcore raises for the same event (a body cut short
or a dropped connection is a `RemoteProtocolError`, a reset a `ReadError`, a stalled read a
`ReadTimeout`), so failure reasons read the same whichever transport fetched; URLs go out
exactly as httpx encoded them; no cookies are kept; and a response whose body was not read
to its end closes its connection instead of draining it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx
import httpx_aiohttp
from yarl import URL

# first match wins: the most specific aiohttp errors come first
_ERRORS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # a malformed response
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientOSError, httpx.ReadError),
    (aiohttp.ClientConnectionError, httpx.ReadError),
    (aiohttp.ClientError, httpx.NetworkError),
)


@contextlib.contextmanager
def _mapped(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except aiohttp.ClientError as exc:
        for source, target in _ERRORS:
            if isinstance(exc, source):
                raise target(str(exc) or type(exc).__name__, request=request) from exc
        raise  # pragma: no cover - every ClientError is mapped above


class _Body(httpx.AsyncByteStream):
    """A response body read from aiohttp as it arrives."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped(self._request):
            async for chunk in self._response.content.iter_any():
                yield chunk
        self._complete = True

    async def aclose(self) -> None:
        if self._complete:
            self._response.release()  # the connection goes back to the pool
        else:
            self._response.close()  # unread body (a size cap, an error): drop the connection


class AiohttpTransport(httpx_aiohttp.AiohttpTransport):
    """`httpx_aiohttp.AiohttpTransport` with httpcore's error types (see the module doc)."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits, client=self._session)

    def _session(self) -> aiohttp.ClientSession:
        """Called on the first request, inside the running event loop."""
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0, limit_per_host=0,
            keepalive_timeout=self.limits.keepalive_expiry, ssl=self.ssl_context)
        session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                        auto_decompress=False, trust_env=False)
        # aiohttp silently repeats a GET whose reused connection was reset; the crawler
        # retries itself (with backoff, counted, and as a host pause when asked), as it
        # does over httpcore, so that second request is its decision, not the transport's
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        timeout = request.extensions.get("timeout", {})
        content = request.content or None  # a crawler sends no streamed request bodies
        with _mapped(request):
            response = await self.client.request(
                request.method, URL(str(request.url), encoded=True),
                headers=[(k.decode("latin-1"), v.decode("latin-1"))
                         for k, v in request.headers.raw],
                data=content, allow_redirects=False, auto_decompress=False, compress=False,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
                timeout=aiohttp.ClientTimeout(total=None, connect=timeout.get("pool"),
                                              sock_connect=timeout.get("connect"),
                                              sock_read=timeout.get("read")))
        extensions = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx.Response(status_code=response.status, headers=response.raw_headers,
                              stream=_Body(response, request), request=request,
                              extensions=extensions)
