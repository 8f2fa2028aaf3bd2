"""Crawl throughput: `catalog crawl` against Scrapy on the same loopback mirror.

Serves the bundled mirror (`data/snapshot/`, about 2,000 URLs) on 127.0.0.1 with nginx
(installed from Debian when missing; `catalog.serve` otherwise, and the report says so),
then runs, alternately and `--runs` times each, at the same concurrency with no delays:

- `catalog crawl ORIGIN/ --db <new file> --concurrency C --per-host C --delay 0` from the
  project's virtualenv: fetch, extract and store every page (then normalise the catalog);
- `scrapy runspider` of the spider in SPIDER_SOURCE below (written to
  `bench/out/scrapy_mirror_spider.py`) with CONCURRENT_REQUESTS(_PER_DOMAIN)=C: fetch,
  find links and store every page. Scrapy is installed into
  `bench/out/venv-scrapy` for this comparison only, never into the project.

Reports pages per second of the crawl phase (catalog's own summary time; Scrapy's time
from spider open to close) and of the whole command (wall time, interpreter start and
catalog's normalise included), medians (min-max), and the ratio catalog / Scrapy of each
pair of runs measured back to back. Writes the crawl section of BENCHMARKS.md.

    .venv/bin/python bench/crawl_vs_scrapy.py [--runs 3] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common as c  # bench/common.py, beside this file

SNAPSHOT = c.ROOT / "data" / "snapshot"
SPIDER = c.OUT / "scrapy_mirror_spider.py"  # written from SPIDER_SOURCE below
SCRAPY_VENV = c.OUT / "venv-scrapy"
SUMMARY = re.compile(r"crawl run \d+: (\d+) fetched .*?, (\d+) skipped, \d+ retries, "
                     r"([\d.]+) s")


SPIDER_SOURCE = r'''"""The Scrapy side of `bench/crawl_vs_scrapy.py` (which writes this
file): crawls the loopback mirror the way `catalog crawl` does, so that pages per second
can be compared.

Like catalog it obeys robots.txt, starts from the seed, `/sitemap.xml` and `/llms.txt`,
reads sitemaps (gzip too), follows in-site links of HTML pages (`<a>` and
`<link rel=alternate>`) and of Markdown / llms.txt files, and stores every response
(URL, status, content type, sha256, body) in SQLite, one transaction per page. It does
not extract offerings: Scrapy has no extractor for these pages, so its work per page is
less than catalog's.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

MD_LINK = re.compile(r"\]\((https?://[^)\s]+|/[^)\s]*)\)")


class MirrorSpider(scrapy.Spider):
    name = "mirror"
    custom_settings = {  # noqa: RUF012 - Scrapy's own convention
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "catalog-bench-scrapy/1.0 (+https://github.com/catalog-tools/catalog)",
    }

    def __init__(self, origin: str, db: str, stats: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.origin = origin.rstrip("/")
        self.host = urlsplit(self.origin).netloc
        self.stats_path = stats
        self.conn = sqlite3.connect(db, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, status INT, "
                          "content_type TEXT, sha256 TEXT, body BLOB)")
        # no allow_domains: it compares "127.0.0.1:PORT" with the domain and drops every
        # link; parse() keeps the seed's host:port itself
        self.links = LinkExtractor(tags=("a", "link"), attrs=("href",), deny_extensions=[],
                                   unique=True)
        self.started = time.monotonic()
        self.pages = 0

    async def start(self) -> Any:  # Scrapy >= 2.13
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for path in ("/", "/sitemap.xml", "/llms.txt"):
            yield scrapy.Request(self.origin + path, callback=self.parse, errback=self.failed)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        self._store(response)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        path = urlsplit(response.url).path
        if path.endswith((".xml", ".xml.gz")) or "xml" in ctype:
            body = response.body
            if body[:2] == b"\x1f\x8b":
                body = gunzip(body)
            urls = [entry["loc"] for entry in Sitemap(body)]
        elif isinstance(response, HtmlResponse):
            urls = [link.url for link in self.links.extract_links(response)]
        elif isinstance(response, TextResponse):
            urls = [urljoin(response.url, t) for t in MD_LINK.findall(response.text)]
        else:
            urls = []
        for url in urls:
            if urlsplit(url).netloc == self.host:  # the seed's host only, as catalog does
                yield scrapy.Request(url.split("#")[0], callback=self.parse,
                                     errback=self.failed)

    def failed(self, failure: Any) -> None:
        self.logger.debug("failed: %s", failure)

    def _store(self, response: Response) -> None:
        body = response.body
        self.conn.execute("BEGIN")
        self.conn.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
            (response.url, response.status,
             response.headers.get(b"Content-Type", b"").decode("latin-1"),
             hashlib.sha256(body).hexdigest(), body))
        self.conn.execute("COMMIT")
        self.pages += 1

    def closed(self, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        with open(self.stats_path, "w") as f:
            json.dump({"pages": self.pages, "seconds": time.monotonic() - self.started,
                       "elapsed_time_seconds": stats.get("elapsed_time_seconds"),
                       "responses": stats.get("response_received_count"),
                       "requests": stats.get("downloader/request_count"),
                       "robots_forbidden": stats.get("robotstxt/forbidden", 0),
                       "stats": {k: str(v) for k, v in stats.items()},
                       "reason": reason}, f)
        self.conn.close()
'''


def run_catalog(origin: str, tmp: Path, n: int, concurrency: int) -> dict[str, Any]:
    db = tmp / f"catalog-{n}.db"
    t = c.must(c.timed([c.CATALOG, "crawl", origin + "/", "--db", db, "--concurrency",
                        str(concurrency), "--per-host", str(concurrency), "--delay", "0"],
                       env={**os.environ, "CI": "1"}, timeout=1800), "catalog crawl")
    match = SUMMARY.search(t.stdout)
    if t.rc != 0 or match is None:
        raise SystemExit(f"catalog crawl did not crawl the mirror cleanly:\n{t.stdout}{t.stderr}")
    pages, skipped, seconds = int(match[1]), int(match[2]), float(match[3])
    return {"pages": pages, "skipped": skipped, "crawl_s": seconds, "wall_s": t.wall,
            "pps": pages / seconds, "pps_wall": pages / t.wall, "rss_mb": t.rss_mb}


def run_scrapy(python: Path, origin: str, tmp: Path, n: int, concurrency: int
               ) -> dict[str, Any]:
    db, stats = tmp / f"scrapy-{n}.db", tmp / f"scrapy-{n}.json"
    SPIDER.parent.mkdir(parents=True, exist_ok=True)
    SPIDER.write_text(SPIDER_SOURCE)
    t = c.timed([python.parent / "scrapy", "runspider", SPIDER, "-a", f"origin={origin}",
                 "-a", f"db={db}", "-a", f"stats={stats}",
                 "-s", f"CONCURRENT_REQUESTS={concurrency}",
                 "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"],
                cwd=tmp, timeout=1800)
    if t.rc != 0 or not stats.is_file():
        raise SystemExit(f"scrapy failed (exit {t.rc}):\n{t.stdout[-2000:]}{t.stderr[-2000:]}")
    s = json.loads(stats.read_text())
    return {"pages": s["pages"], "skipped": s["robots_forbidden"], "crawl_s": s["seconds"],
            "wall_s": t.wall, "pps": s["pages"] / s["seconds"], "pps_wall": s["pages"] / t.wall,
            "rss_mb": t.rss_mb}


def section(m: dict[str, Any], server: c.Server, scrapy: dict[str, str], args: argparse.Namespace,
            ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str:
    def col(runs: list[dict[str, Any]], key: str, unit: str = "", digits: int = 1) -> str:
        return c.fmt(c.stat([r[key] for r in runs]), unit, digits)

    ratios = c.stat([o["pps"] / s["pps"] for o, s in zip(ours, theirs, strict=True)])
    ratios_wall = c.stat([o["pps_wall"] / s["pps_wall"] for o, s in zip(ours, theirs,
                                                                         strict=True)])
    rows = [[name, col(runs, "pages", digits=0), col(runs, "skipped", digits=0),
             col(runs, "crawl_s", "s"), col(runs, "pps"), col(runs, "wall_s", "s"),
             col(runs, "pps_wall"), col(runs, "rss_mb", "MB", 0)]
            for name, runs in (("`catalog crawl`", ours), ("Scrapy", theirs))]
    table = c.md_table(["", "pages stored", "skipped by robots.txt", "crawl phase",
                        "pages/s (crawl phase)", "whole command, wall", "pages/s (wall)",
                        "peak RSS"], rows)
    versions = ", ".join(f"{k} {v}" for k, v in sorted(scrapy.items()))
    c_ = args.concurrency
    return f"""\
## Crawl: `catalog crawl` against Scrapy on the loopback mirror

**Pages per second, catalog / Scrapy, crawl phase: {c.fmt(ratios, "", 2)}** (whole
commands: {c.fmt(ratios_wall, "", 2)}). Medians (min–max) of {args.runs} pairs of runs
measured back to back; ratios computed pair by pair.

{table}

- Same work on both sides: concurrency {c_} overall and per host (catalog `--concurrency
  {c_} --per-host {c_} --delay 0`; Scrapy `CONCURRENT_REQUESTS` and
  `CONCURRENT_REQUESTS_PER_DOMAIN` = {c_}, `DOWNLOAD_DELAY` 0, no AutoThrottle); both obey
  robots.txt, start from `/`, `/sitemap.xml` and `/llms.txt`, read the sitemaps and follow
  the site's own links, and store every page in SQLite, one transaction per page.
- `catalog crawl` per page: fetch, extract offerings and links (selectolax, markdown-it,
  the JSON extractor), store page, frontier state and extraction. Its whole command also
  normalises the catalog (about 5,400 offerings with the models.dev `api.json`). Scrapy
  per page: fetch, find links (lxml), store the page; it extracts no offerings, so it does
  less per page (spider in `bench/crawl_vs_scrapy.py`).
- Crawl phase: catalog's own figure (the seconds on its summary line); Scrapy's time from
  spider open to close. Whole command: wall time of the process, interpreter start
  included.
- Mirror: the bundled `data/snapshot/` served on 127.0.0.1 by {server.kind}
  ({server.note.rstrip(".")}).
- Scrapy: {versions}, in `bench/out/venv-scrapy` (for this comparison only).
- Machine: {c.machine_line(m)}. The machine is shared: absolute figures vary with its
  load; the ratio is the figure to compare.
- Command: `make bench` (all benchmarks), or `.venv/bin/python bench/crawl_vs_scrapy.py
  --runs {args.runs} --concurrency {c_}`; measured {dt.date.today().isoformat()}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    args = parser.parse_args()
    m = c.machine()
    c.log("machine:", c.machine_line(m))
    python = c.ensure_venv(SCRAPY_VENV, ["scrapy"])
    if python is None:
        raise SystemExit("cannot install Scrapy into bench/out/venv-scrapy; see above")
    scrapy = c.venv_versions(python, ["scrapy", "twisted", "lxml"])
    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    with c.serve_mirror(SNAPSHOT) as server, tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            first, second = (("catalog", "scrapy") if n % 2 == 0 else ("scrapy", "catalog"))
            for who in (first, second):
                if who == "catalog":
                    ours.append(run_catalog(server.origin, Path(tmp), n, args.concurrency))
                    c.log(f"run {n + 1}: catalog {ours[-1]['pages']} pages in "
                          f"{ours[-1]['crawl_s']:.2f} s ({ours[-1]['pps']:.0f} pages/s)")
                else:
                    theirs.append(run_scrapy(python, server.origin, Path(tmp), n,
                                             args.concurrency))
                    c.log(f"run {n + 1}: Scrapy  {theirs[-1]['pages']} pages in "
                          f"{theirs[-1]['crawl_s']:.2f} s ({theirs[-1]['pps']:.0f} pages/s)")
        text = section(m, server, scrapy, args, ours, theirs)
    c.save_result("crawl_vs_scrapy", {"machine": m, "catalog": ours, "scrapy": theirs,
                                      "scrapy_versions": scrapy, "server": server.kind})
    print(text)
    if not args.no_write:
        c.update_section("crawl", text)
        c.log(f"updated {c.BENCHMARKS_MD.relative_to(c.ROOT)}")


if __name__ == "__main__":
    main()
