"""Crawl throughput: `catalog crawl` (fetch + extract + store) against Scrapy fetching only.

Serves the 5,000-offering bench mirror (`bench/make_mirror.py`, about 20,000 URLs of which
15,217 are fetched, 5,000 more refused by its robots.txt) on 127.0.0.1 with nginx
(installed from Debian when missing; `catalog.serve` otherwise, and the report says so),
then, for each concurrency (16 and 64 by default) and `--runs` times, runs back to back in
alternating order, with no politeness delays:

- `catalog crawl ORIGIN/ --db <new file> --concurrency C --per-host C --delay 0` from the
  project's virtualenv: fetch, extract and store every page (then normalise the catalog,
  which is outside the crawl-phase figure);
- `scrapy runspider` of the spider in SPIDER_SOURCE below (written to
  `bench/out/scrapy_mirror_spider.py`) with CONCURRENT_REQUESTS(_PER_DOMAIN)=C: fetch
  every page and follow its links (it must, to discover the pages) and store nothing.
  Scrapy is installed into `bench/out/venv-scrapy` for this comparison only.

Reports pages per second of the crawl phase (catalog's own summary time; Scrapy's time
from spider open to close), CPU seconds of each whole command (user + sys, child
processes included), medians (min-max), and the ratio catalog / Scrapy of each pair of
runs measured back to back; and catalog at 64 against catalog at 16, run by run. Writes
the crawl section of BENCHMARKS.md.

    .venv/bin/python bench/crawl_vs_scrapy.py [--runs 3] [--concurrency 16 64]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common as c  # bench/common.py, beside this file

OFFERINGS = 5000
SPIDER = c.OUT / "scrapy_mirror_spider.py"  # written from SPIDER_SOURCE below
SCRAPY_VENV = c.OUT / "venv-scrapy"
URL_LIST = c.OUT / "crawl-5000-urls.txt"  # the pages catalog stored, for Scrapy's list runs
SUMMARY = re.compile(r"crawl run \d+: (\d+) fetched .*?, (\d+) skipped, \d+ retries, "
                     r"([\d.]+) s")


SPIDER_SOURCE = r'''"""The Scrapy side of `bench/crawl_vs_scrapy.py` (which writes this
file): fetches the loopback mirror the way `catalog crawl` discovers it, and stores nothing.

Like catalog it obeys robots.txt, starts from the seed, `/sitemap.xml` and `/llms.txt`,
reads sitemaps (gzip too) and follows in-site links of HTML pages (`<a>` and
`<link rel=alternate>`) and of Markdown / llms.txt files: it has to, to find the pages.
It counts each response and keeps nothing: Scrapy's fetch-only rate.
"""

from __future__ import annotations

import json
import re
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

    def __init__(self, origin: str, stats: str, urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url_list = urls  # a file of URLs: fetch exactly these and parse nothing
        self.origin = origin.rstrip("/")
        self.host = urlsplit(self.origin).netloc
        self.stats_path = stats
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
        if self.url_list:
            with open(self.url_list) as f:
                for line in f:
                    yield scrapy.Request(line.strip(), callback=self.count,
                                         errback=self.failed, dont_filter=True)
            return
        for path in ("/", "/sitemap.xml", "/llms.txt"):
            yield scrapy.Request(self.origin + path, callback=self.parse, errback=self.failed)

    def count(self, response: Response, **kwargs: Any) -> None:
        self.pages += 1

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        self.pages += 1
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
'''


def run_catalog(origin: str, tmp: Path, tag: str, concurrency: int) -> dict[str, Any]:
    db = tmp / f"catalog-{tag}.db"
    t = c.must(c.timed([c.CATALOG, "crawl", origin + "/", "--db", db, "--concurrency",
                        str(concurrency), "--per-host", str(concurrency), "--delay", "0"],
                       env={**os.environ, "CI": "1"}, timeout=3600), "catalog crawl")
    match = SUMMARY.search(t.stdout)
    if match is None:
        raise SystemExit(f"catalog crawl did not crawl the mirror:\n{t.stdout}{t.stderr}")
    pages, skipped, seconds = int(match[1]), int(match[2]), float(match[3])
    if not URL_LIST.is_file():  # what Scrapy fetches from a list: the pages catalog stored
        with sqlite3.connect(db) as con:
            URL_LIST.write_text("".join(f"{u}\n" for (u,) in con.execute(
                "SELECT url FROM pages WHERE status = 200 ORDER BY url")))
    db.unlink(missing_ok=True)
    for extra in ("-wal", "-shm", "-crawl-lock"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    return {"pages": pages, "skipped": skipped, "crawl_s": seconds, "wall_s": t.wall,
            "pps": pages / seconds, "pps_wall": pages / t.wall, "rss_mb": t.rss_mb,
            "cpu_s": (t.user or 0) + (t.sys or 0), "concurrency": concurrency}


def run_scrapy(python: Path, origin: str, tmp: Path, tag: str, concurrency: int,
               from_list: bool = False) -> dict[str, Any]:
    stats = tmp / f"scrapy-{tag}{'-list' if from_list else ''}.json"
    SPIDER.parent.mkdir(parents=True, exist_ok=True)
    SPIDER.write_text(SPIDER_SOURCE)
    t = c.timed([python.parent / "scrapy", "runspider", SPIDER, "-a", f"origin={origin}",
                 "-a", f"stats={stats}", "-a", f"urls={URL_LIST if from_list else ''}",
                 "-s", f"CONCURRENT_REQUESTS={concurrency}",
                 "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"],
                cwd=tmp, timeout=3600)
    if t.rc != 0 or not stats.is_file():
        raise SystemExit(f"scrapy failed (exit {t.rc}):\n{t.stdout[-2000:]}{t.stderr[-2000:]}")
    s = json.loads(stats.read_text())
    return {"pages": s["pages"], "skipped": s["robots_forbidden"], "crawl_s": s["seconds"],
            "wall_s": t.wall, "pps": s["pages"] / s["seconds"], "pps_wall": s["pages"] / t.wall,
            "rss_mb": t.rss_mb, "cpu_s": (t.user or 0) + (t.sys or 0),
            "concurrency": concurrency}


def ratios(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], key: str = "pps"
           ) -> dict[str, Any]:
    return c.stat([o[key] / s[key] for o, s in zip(ours, theirs, strict=True)])


def section(m: dict[str, Any], server: c.Server, scrapy: dict[str, str], args: argparse.Namespace,
            by_c: dict[int, dict[str, list[dict[str, Any]]]], facts: dict[str, Any]) -> str:
    def col(runs: list[dict[str, Any]], key: str, unit: str = "", digits: int = 1) -> str:
        return c.fmt(c.stat([r[key] for r in runs]), unit, digits)

    def cpu_ms(runs: list[dict[str, Any]]) -> str:
        return c.fmt(c.stat([r["cpu_s"] / r["pages"] * 1000 for r in runs]), "", 2)

    rows = []
    lines = []
    for conc, runs in by_c.items():
        ours, theirs, listed = runs["catalog"], runs["scrapy"], runs.get("scrapy_list", [])
        for name, rr in (("`catalog crawl`", ours), ("Scrapy, fetch only, following links",
                                                      theirs),
                         ("Scrapy, fetch only, from the URL list", listed)):
            if rr:
                rows.append([name, str(conc), col(rr, "pages", digits=0),
                             col(rr, "crawl_s", "s"), col(rr, "pps", digits=0), cpu_ms(rr),
                             col(rr, "rss_mb", "MB", 0)])
        r = ratios(ours, theirs)
        met = "met" if (r["median"] or 0) >= 3 else "not met"
        line = f"- at {conc} in flight: **×{c.fmt(r)}** against Scrapy following links ({met})"
        if listed:
            rl = ratios(ours, listed)
            line += (f"; ×{c.fmt(rl)} against Scrapy fetching the same URLs from a list "
                     f"({'met' if (rl['median'] or 0) >= 3 else 'not met'})")
        lines.append(line)
    table = c.md_table(["", "in flight", "pages fetched", "crawl phase", "pages/s",
                        "CPU ms per page (whole command)", "peak RSS"], rows)
    concs = list(by_c)
    scaling = ""
    if 16 in by_c and 64 in by_c:
        s = c.stat([a["pps"] / b["pps"] for a, b in zip(by_c[64]["catalog"],
                                                          by_c[16]["catalog"], strict=True)])
        verdict = "no slower" if (s["median"] or 0) >= 0.95 else "slower"
        scaling = (f"\n`catalog crawl` at 64 in flight / at 16, pages per second run by run: "
                   f"**×{c.fmt(s)}** ({verdict}; target: no slower at 64 than at 16).\n")
    versions = ", ".join(f"{k} {v}" for k, v in sorted(scrapy.items()))
    every = [r for runs in by_c.values() for rr in runs.values() for r in rr]
    fetched = "/".join(sorted({f"{r['pages']:,}" for r in every}))
    refused = "/".join(sorted({f"{r['skipped']:,}" for r in every}))
    files = f"{facts.get('files', 0):,}"
    page_kb = round((facts.get("model_page_bytes") or 0) / 1000)
    conc_args = " ".join(map(str, concs))
    nl = "\n"
    return f"""\
## Crawl: `catalog crawl` against Scrapy's fetch-only rate

Pages per second of `catalog crawl` (fetch + extract + store) over Scrapy fetching the
same pages and storing nothing, same concurrency, pairs of runs measured back to back
(ratios computed pair by pair; median (min–max) of {args.runs} pairs); target ≥ ×3:

{nl.join(lines)}
{scaling}
{table}

- Mirror: the {OFFERINGS:,}-offering bench mirror (`bench/make_mirror.py`: {files} files;
  model pages of about {page_kb} KB of HTML, their Markdown twins and per-model llms.txt
  files), served on 127.0.0.1 by {server.kind} ({server.note.rstrip(".")}); both sides
  fetch the same {fetched} URLs and are refused the same {refused} by robots.txt.
- Same discovery on both sides: obey robots.txt, start from `/`, `/sitemap.xml` and
  `/llms.txt`, read the sitemaps and follow the site's own links; concurrency C overall and
  per host (catalog `--concurrency C --per-host C --delay 0`; Scrapy
  `CONCURRENT_REQUESTS` and `CONCURRENT_REQUESTS_PER_DOMAIN` = C, `DOWNLOAD_DELAY` 0, no
  AutoThrottle, no cookies).
- Scrapy from the URL list: the same spider given every URL catalog stored (status 200)
  as its start requests, parsing nothing: the pure fetch rate, with no discovery at all, so
  the strictest reading of "fetch-only" (catalog still has to discover its pages).
- `catalog crawl` per page: fetch (httpx over aiohttp), extract offerings and links in
  worker processes (selectolax, markdown-it), store page, frontier state and extraction in
  SQLite (committed in batches). Scrapy per page: fetch, find links (lxml), nothing kept.
- Crawl phase: catalog's own figure (the seconds on its summary line; the normalise step
  after it is not included); Scrapy's time from spider open to close. CPU: user + sys of
  the whole command under GNU time, child processes (catalog's extraction workers)
  included, normalise included for catalog.
- Scrapy: {versions}, in `bench/out/venv-scrapy` (for this comparison only).
- Machine: {c.machine_line(m)}. The machine is shared: absolute figures vary with its
  load (Scrapy uses one core, catalog both), the ratio is the figure to compare.
- Command: `make bench` (all benchmarks), or `.venv/bin/python bench/crawl_vs_scrapy.py
  --runs {args.runs} --concurrency {conc_args}`; measured {dt.date.today().isoformat()}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    args = parser.parse_args()
    m = c.machine()
    c.log("machine:", c.machine_line(m))
    python = c.ensure_venv(SCRAPY_VENV, ["scrapy"])
    if python is None:
        raise SystemExit("cannot install Scrapy into bench/out/venv-scrapy; see above")
    scrapy = c.venv_versions(python, ["scrapy", "twisted", "lxml"])
    facts = c.make_mirror(OFFERINGS)
    by_c: dict[int, dict[str, list[dict[str, Any]]]] = {
        conc: {"catalog": [], "scrapy": [], "scrapy_list": []} for conc in args.concurrency}
    URL_LIST.unlink(missing_ok=True)
    with c.serve_mirror(c.mirror_dir(OFFERINGS)) as server, \
            tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            for conc in args.concurrency:
                order = (("catalog", "scrapy", "scrapy_list") if n % 2 == 0 or
                         not URL_LIST.is_file() else ("scrapy_list", "scrapy", "catalog"))
                for who in order:
                    tag = f"{conc}-{n}"
                    if who == "catalog":
                        r = run_catalog(server.origin, Path(tmp), tag, conc)
                    else:
                        r = run_scrapy(python, server.origin, Path(tmp), tag, conc,
                                       from_list=who == "scrapy_list")
                    by_c[conc][who].append(r)
                    c.log(f"run {n + 1}, {conc} in flight: {who:7} {r['pages']} pages in "
                          f"{r['crawl_s']:.2f} s ({r['pps']:.0f} pages/s, "
                          f"{r['cpu_s']:.1f} s CPU)")
        text = section(m, server, scrapy, args, by_c, facts)
    first = args.concurrency[0]
    c.save_result("crawl_vs_scrapy", {
        "machine": m, "mirror": f"{OFFERINGS}-offering bench mirror", "concurrency": first,
        # the first concurrency's runs, as bench/run_all.py reads them
        "catalog": by_c[first]["catalog"], "scrapy": by_c[first]["scrapy"],
        "by_concurrency": {str(k): v for k, v in by_c.items()},
        "scrapy_versions": scrapy, "server": server.kind})
    print(text)
    if not args.no_write:
        c.update_section("crawl", text)
        c.log(f"updated {c.BENCHMARKS_MD.relative_to(c.ROOT)}")


if __name__ == "__main__":
    main()
