"""Discovery: robots.txt rules, sitemaps, and which links a crawl follows.

robots.txt follows RFC 9309 (Protego: longest match, wildcards, Crawl-delay, Request-rate).
Sitemaps are parsed with defusedxml (no DTDs, so no entity expansion); `.xml.gz` files
are decompressed with a size cap, and a file is read up to the protocol's 50,000 URLs.
The scope is the seed hosts plus `--allow-host` ones, never a private or loopback address
unless a seed is one.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import socket
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from defusedxml import ElementTree
from protego import Protego

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # decompressed, as the sitemaps protocol allows
MAX_SITEMAP_URLS = 50_000
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: at least 500 KiB must be parsed; the rest is not read


@dataclass
class Robots:
    """The robots.txt rules of one host, or a reason to crawl nothing there."""

    parser: Protego | None = None
    blocked_reason: str | None = None  # set when the host must not be crawled at all

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.blocked_reason is not None:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, user_agent))

    def delay(self, user_agent: str) -> float:
        """Returns the minimum seconds between requests that Crawl-delay / Request-rate ask."""
        if self.parser is None:
            return 0.0
        delay = float(self.parser.crawl_delay(user_agent) or 0.0)
        rate = self.parser.request_rate(user_agent)
        if rate is not None and rate.requests:
            delay = max(delay, rate.seconds / rate.requests)
        return delay

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


def robots_from_response(status: int | None, body: bytes | None, error: str | None) -> Robots:
    """Returns the rules RFC 9309 implies for a robots.txt fetch outcome.

    2xx: the file's rules (its first 500 KiB); 4xx: no restrictions; 5xx, 429 or
    unreachable: crawl nothing on the host.
    """
    if error is not None and (status is None or status >= 500 or status == 429):
        return Robots(blocked_reason=f"robots.txt unavailable ({error}); crawling nothing "
                                     "on this host, as RFC 9309 asks")
    if status is not None and 400 <= status < 500:
        return Robots()
    text = (body or b"")[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    return Robots(parser=Protego.parse(text))


@dataclass
class Sitemap:
    """The URLs a sitemap lists: pages (with lastmod) and nested sitemaps."""

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    error: str | None = None  # unreadable: nothing listed
    note: str | None = None   # readable, but not all of it was used


def parse_sitemap(url: str, body: bytes, max_bytes: int = MAX_SITEMAP_BYTES,
                  max_urls: int = MAX_SITEMAP_URLS) -> Sitemap:
    """Returns the `<loc>`s of a sitemap or sitemap index (gzip or plain) at `url`."""
    try:
        if body[:2] == b"\x1f\x8b":
            body = _gunzip(body, max_bytes)
        elif len(body) > max_bytes:
            raise ValueError(f"sitemap over {max_bytes} bytes")
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except Exception as exc:  # defusedxml raises several types for hostile or broken XML
        return Sitemap(error=f"unreadable sitemap: {type(exc).__name__}: {exc}")
    if not (root.tag.endswith(("}sitemapindex", "}urlset")) or root.tag in ("sitemapindex",
                                                                            "urlset")):
        return Sitemap(error=f"unreadable sitemap: root element <{root.tag}> is neither "
                             "<urlset> nor <sitemapindex>")
    out = Sitemap()
    is_index = root.tag.endswith("sitemapindex")
    listed = 0
    for loc in root.iter():
        if loc.tag.endswith("}loc") or loc.tag == "loc":
            text = (loc.text or "").strip()
            if not text:
                continue
            listed += 1
            if listed <= max_urls:
                (out.sitemaps if is_index else out.pages).append(urljoin(url, text))
    if listed > max_urls:
        out.note = f"lists {listed} URLs; only the first {max_urls} were read"
    return out


def _gunzip(data: bytes, cap: int) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, cap + 1)
    if len(out) > cap or d.unconsumed_tail:
        raise ValueError(f"decompresses to more than {cap} bytes")
    return out


def gzip_bytes(data: bytes) -> bytes:
    """Returns `data` gzipped (used by tests and the bench mirror)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def normalise_url(url: str) -> str:
    """Returns `url` without its fragment, with a lowercase scheme and host."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def is_private_host(host: str) -> bool:
    """Returns True if `host` (a name or address, with or without a port) is loopback,
    private, link-local or reserved. A name is resolved; one that does not resolve is not
    private."""
    name = host.rsplit(":", 1)[0].strip("[]") if host.count(":") <= 1 or host.startswith(
        "[") else host
    if name in ("localhost",) or name.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(name)
    except ValueError:
        try:
            addr = ipaddress.ip_address(socket.gethostbyname(name))
        except (OSError, ValueError):
            return False
    return addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved


@dataclass
class Scope:
    """Which URLs a crawl may fetch: the seed hosts and any allowed extra hosts.

    An allowed host that is a private or loopback address is left out (and listed in
    `refused`) unless a seed itself is one: a public site's links cannot lead the crawler
    into the network it runs in.
    """

    hosts: set[str]
    refused: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_seeds(cls, seeds: list[str], allow_hosts: list[str] | None = None) -> Scope:
        seed_hosts = {urlsplit(s).netloc.lower() for s in seeds}
        private_ok = any(is_private_host(h) for h in seed_hosts)
        hosts, refused = set(seed_hosts), {}
        for host in (h.strip().lower() for h in allow_hosts or []):
            if host in seed_hosts:
                continue
            if not private_ok and is_private_host(host):
                refused[host] = ("a private or loopback address, and no seed is one: "
                                 "not crawled")
            else:
                hosts.add(host)
        return cls(hosts, refused)

    def __call__(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.hosts
