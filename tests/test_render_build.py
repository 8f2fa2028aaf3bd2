"""Build properties of the static site: incremental rebuilds, pagination under the page
budget at the scale of a large catalog, split sitemaps, base URLs, feeds and the
llms.txt parsers."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import llms_txt
import pytest
from lxml import etree

from catalog.extract.llms_txt import parse_llms_txt
from catalog.normalise.records import Offering, Price
from catalog.render import BuildReport, build_site
from catalog.render.chart import nice_ceiling
from catalog.render.site import PAGE_BUDGET, ROWS_PER_PAGE
from catalog.store import Store
from tests.test_render import BASE, EVIL_ID, EVIL_NAME, html_pages, make_db, tree

#: A catalog about the size the identity work brings to the demo.
LARGE_MODELS = 1800
#: Offerings of the most widely offered model of the large catalog.
BUSY_OFFERINGS = 160
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(db: Path, out: Path, base: str | None = BASE, **options: Any) -> BuildReport:
    store = Store(db)
    try:
        return build_site(store, out, base, search=options.pop("search", False), **options)
    finally:
        store.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("db") / "catalog.db")


# -- a large catalog ----------------------------------------------------------------


def _usd(component: str, amount: Decimal) -> Price:
    return Price(component=component, unit="per_1m_tokens", amount=amount, currency="USD")


def large_offerings(changed: frozenset[int]) -> list[Offering]:
    """`LARGE_MODELS` models from 150 authors, a third of them offered by two of 100
    providers and one (model 7) by `BUSY_OFFERINGS`; the input price of the models in
    `changed` is a cent higher."""
    out = []
    for i in range(LARGE_MODELS):
        mid = f"author-{i % 150}/model-{i:04d}-instruct"
        for k in range(BUSY_OFFERINGS if i == 7 else 1 + (i % 3 == 0)):
            bump = Decimal("0.01") if i in changed else Decimal(0)
            out.append(Offering(
                url=f"https://catalog{k // 100}.example/p{(i + k) % 100}/model-{i:04d}",
                catalog=f"catalog{k // 100}.example", provider=f"Provider {(i + k) % 100}",
                source_model_id=mid, model_id=mid,
                name=f"Example Model {i:04d} Instruct, a rather long display name",
                author=f"author-{i % 150}", context_length=131072,
                modalities=("text", "image", "audio"), date_added=date(2025, 1, 1 + i % 28),
                description=f"Model {i} is a model from author {i % 150}, served by "
                            "several providers.",
                prices=(_usd("input", Decimal("0.1") * (i % 7 + 1) + bump),
                        _usd("output", Decimal("0.3") * (i % 5 + 1)))))
    return out


def _add_run(path: Path, changed: frozenset[int], day: str) -> None:
    store = Store(path)
    try:
        run = store.start_run(["https://catalog.example/"], {})
        store.save_catalog(run, large_offerings(changed), [], [], complete=True)
        store.finish_run(run, {}, True)
        store.db.conn.execute("UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?",
                              (f"{day}T06:00:00Z", f"{day}T07:00:00Z", run))
    finally:
        store.close()


#: 1% of the models change their price in the second run.
CHANGED = frozenset(range(0, LARGE_MODELS, 100))


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The large catalog after one run, and after a second run that changed 1% of it."""
    root = tmp_path_factory.mktemp("large")
    before, after = root / "before.db", root / "after.db"
    _add_run(before, frozenset(), "2025-03-01")
    with sqlite3.connect(before) as src, sqlite3.connect(after) as dst:
        src.backup(dst)
    _add_run(after, CHANGED, "2025-03-08")
    return before, after


def check_large_site(out: Path, report: BuildReport) -> None:
    """Every page of the large catalog is under the budget; the index is split."""
    assert report.oversized == ()
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in html_pages(out)}
    assert max(sizes.values()) < PAGE_BUDGET, max(sizes.items(), key=lambda kv: kv[1])
    # The index is split into pages of the same table, and the whole table is one file
    # for the script that shows it on one page.
    index_pages = sorted(p for p in sizes if re.fullmatch(r"index(-\d+)?\.html", p))
    assert len(index_pages) >= LARGE_MODELS // ROWS_PER_PAGE
    assert set(index_pages) == {"index.html"} | {
        f"index-{n}.html" for n in range(2, len(index_pages) + 1)}
    rows = sum(len(re.findall(r"<tr data-a=", (out / p).read_text())) for p in index_pages)
    assert rows == LARGE_MODELS
    table = json.loads((out / "api/table.json").read_text())
    assert len(table["rows"]) == LARGE_MODELS and table["columns"][0] == "name"
    first = (out / "index.html").read_text()
    assert 'data-src="api/table.json"' in first and 'aria-current="page"' in first
    # No page carries the whole catalog's navigation: a model page links to a handful.
    model = (out / "models/author-1--model-0001-instruct.html").read_text()
    assert model.count("<a ") < 20
    busy = (out / "models/author-7--model-0007-instruct.html").read_text()
    assert busy.count("<tr") > BUSY_OFFERINGS  # every offering is on the page


def test_rebuild_after_one_percent_changed_renders_only_affected_pages(
        large: tuple[Path, Path], tmp_path: Path) -> None:
    before, after = large
    out = tmp_path / "site"
    first = build(before, out)
    assert first.pages_reused == 0
    second = build(after, out)
    changed_models = {f"models/author-{i % 150}--model-{i:04d}-instruct.html" for i in CHANGED}
    rendered = set(second.rendered)
    assert changed_models <= rendered
    models = {p for p in rendered if p.startswith("models/")}
    assert models == changed_models
    # Besides them: their authors' and providers' pages, the index pages holding them,
    # the changes, and the files that list every page (the API and exports are one unit).
    others = rendered - models
    allowed = re.compile(r"(authors|providers)/[a-z0-9-]+\.html|index(-\d+)?\.html"
                         r"|changes(\.html|\.xml|/run-\d+\.html)|llms(-full)?\.txt"
                         r"|sitemap\.xml|exports/pricing\.json")
    assert all(allowed.fullmatch(p) for p in others), sorted(others)
    assert len(rendered) < 0.1 * second.pages
    assert second.pages_reused == second.pages - len(rendered)
    assert "changes/run-2.html" in rendered and "404.html" not in rendered
    # The incremental result is exactly what a full build of the same database gives.
    full = tmp_path / "full"
    check_large_site(full, build(after, full))
    assert tree(out) == tree(full)
    assert second.summary().startswith(f"{second.pages:,} pages: {len(rendered)} rendered")


def test_incremental_rebuild_equals_a_full_build(tmp_path: Path) -> None:
    """A run with a new model, a removed one, price changes and new findings."""
    path = make_db(tmp_path / "catalog.db", runs=(0,))
    out = tmp_path / "site"
    build(path, out, rows_per_page=2)
    make_db(path, runs=(1,))
    report = build(path, out, rows_per_page=2)
    assert "models/mistral--tiny.html" in report.rendered
    assert "models/meta-llama--llama-3.1-8b-instruct.html" not in report.rendered
    build(path, tmp_path / "full", rows_per_page=2)
    assert tree(out) == tree(tmp_path / "full")


def test_nothing_is_rendered_when_nothing_changed(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(db, out)
    (out / "models/mistral--tiny.html").unlink()  # a file lost from the previous build
    again = build(db, out)
    assert again.rendered == ("models/mistral--tiny.html",)
    other = build(db, out, "https://other.example/")  # a new base URL changes every page
    assert other.pages_reused == 0


def test_a_tampered_manifest_links_nothing_from_outside(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(db, out)
    manifest = json.loads((out / ".catalog-site").read_text())
    digest, _ = manifest["pages"]["404.html"]
    manifest["pages"]["404.html"] = [digest, ["../outside.html"]]
    (out / ".catalog-site").write_text(json.dumps(manifest))
    (tmp_path / "outside.html").write_text("not ours")
    report = build(db, out)
    assert report.rendered == ("404.html",)
    assert "not ours" not in (out / "404.html").read_text()


# -- pagination, sitemaps, base URLs ---------------------------------------------------


def test_small_pages_split_every_long_table(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(db, out, rows_per_page=2)
    assert sorted(p.name for p in out.glob("index*.html")) == [
        "index-2.html", "index-3.html", "index.html"]
    second = (out / "index-2.html").read_text()
    assert "models 3–4 of 5" in second.lower() and "data-src" not in second
    assert '<a href="index-2.html" aria-current="page">3–4</a>' in second
    md = (out / "index-3.md").read_text()
    assert "[1–2](index.md), [3–4](index-2.md), **5–5**" in md


def test_sitemap_splits_into_an_index_past_the_limit(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(db, out, sitemap_max_urls=10)
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    schemas = Path(__file__).parent / "fixtures" / "sitemaps"
    for xsd, paths in (("siteindex.xsd", ["sitemap.xml"]),
                       ("sitemap.xsd", [p.name for p in out.glob("sitemap-*.xml")])):
        schema = etree.XMLSchema(etree.parse(str(schemas / xsd)))
        for name in paths:
            assert schema.validate(etree.parse(str(out / name))), (name, schema.error_log)
    locs = [e.findtext(f"{SITEMAP}loc") for e in index]
    assert locs == [f"{BASE}sitemap-{n}.xml" for n in range(1, len(locs) + 1)]
    urls = []
    for n in range(1, len(locs) + 1):
        part = ET.parse(out / f"sitemap-{n}.xml").getroot()
        assert part.tag == f"{SITEMAP}urlset" and 0 < len(part) <= 10
        urls += [u.findtext(f"{SITEMAP}loc") for u in part]
    assert len(urls) == len(html_pages(out)) - 1 == len(set(urls))
    assert f"Sitemap: {BASE}sitemap.xml" in (out / "robots.txt").read_text()


def test_base_url_makes_every_absolute_url_right(db: Path, tmp_path: Path) -> None:
    base = "https://models.example.org/sub/catalog/"
    out = tmp_path / "site"
    build(db, out, base)
    store = Store(db)
    try:
        data_urls = {o["url"] for o in store.offerings(include_removed=True)}
        data_urls |= {u for o in store.offerings() for u in o["related_urls"]}
        data_urls |= {f["url"] for f in store.findings()}
    finally:
        store.close()
    standards = ("https://schema.org", "http://www.sitemaps.org/schemas/sitemap/0.9",
                 "http://www.w3.org/2005/Atom", "http://www.w3.org/2000/svg",
                 "https://json-schema.org/")
    seen = 0
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".md", ".txt", ".xml", ".json"):
            continue
        text = path.read_text()
        for url in re.findall(r"https?://[^\s\"'<>)\\|&]+", text):
            url = url.rstrip(".,;:")
            if url in ("http://x", "http:\\/\\/x"):  # text of a model's description
                continue
            if url.startswith(base):
                seen += 1
                continue
            assert url.startswith(standards) or any(
                d.startswith(url) or url.startswith(d) for d in data_urls), (path, url)
    assert seen > 100
    assert f"<link rel=\"canonical\" href=\"{base}models/mistral--tiny.html\">" in (
        out / "models/mistral--tiny.html").read_text()
    assert f'canonical_url: "{base}changes.html"' in (out / "changes.md").read_text()
    assert f"<id>{base}changes/run-2.html</id>" in (out / "changes.xml").read_text()
    assert 'href="/sub/catalog/index.html"' in (out / "404.html").read_text()
    api = json.loads((out / "api/models/mistral--tiny.json").read_text())
    assert api["page"] == f"{base}models/mistral--tiny.html"


# -- changes, feed, data quality, price history -----------------------------------------


@pytest.fixture(scope="module")
def built(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build(db, out)
    return out


def test_changes_page_lists_each_run(built: Path) -> None:
    html = (built / "changes.html").read_text()
    assert "2 price changes; 1 new model; 1 removed model" in html
    assert "first crawl: 9 offerings of 5 models listed" in html
    run = (built / "changes/run-2.md").read_text()
    assert ("| price | [GPT-4o mini](../models/openai--gpt-4o-mini.md) | OpenAI | input: "
            "$0.15 per 1M tokens → $0.125 per 1M tokens \\(-16.7%\\) |") in run
    assert "| new model | [Mistral Tiny](../models/mistral--tiny.md) | Azure |" in run
    assert "| removed model | Old Model | Together | no longer listed" in run
    # A removed model has no page left to link to.
    assert "old-model" not in "".join(p.name for p in (built / "models").iterdir())


def test_atom_feed_is_valid_and_dated_by_runs(built: Path) -> None:
    feed = ET.parse(built / "changes.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2025-02-20T06:30:00Z", "2025-01-10T06:30:00Z"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith(BASE + "changes/run-")
        assert entry.find(f"{ATOM}link").get("href") == entry.findtext(f"{ATOM}id")
    content = entries[0].findtext(f"{ATOM}content") or ""
    assert EVIL_NAME in content  # as text: the feed escapes it as XML
    html = (built / "changes.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml" href="changes.xml"' in html


def test_quality_page_groups_findings_by_kind(built: Path) -> None:
    html = (built / "quality.html").read_text()
    assert "3 findings in the latest crawl" in html
    assert '<a href="quality/missing.html">missing</a>' in html
    kind = (built / "quality/missing.html").read_text()
    assert ('<a href="../models/black-forest-labs--flux-1-schnell.html">FLUX.1 [schnell]</a>'
            in kind)
    assert "javascript:alert(5)" in kind and 'href="javascript' not in kind


def test_price_history_chart_is_inline_svg(built: Path) -> None:
    html = (built / "models/openai--gpt-4o-mini.html").read_text()
    svg = html[html.index("<svg class=\"chart\""):html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby")
    lines = root.findall(".//{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2  # OpenAI and Azure; Euro Cloud is priced in EUR
    openai = lines[0].get("points", "").split()
    assert len(openai) == 4  # one price, then the lower one from run 2
    assert "<th scope=\"row\">OpenAI</th><td>openrouter.ai</td><td>input</td>" in html
    assert "$0.15 per 1M tokens</td><td>2025-01-10</td><td>2025-02-20</td>" in html
    md = (built / "models/openai--gpt-4o-mini.md").read_text()
    assert "| OpenAI | openrouter.ai | input | $0.125 per 1M tokens | 2025-02-20 | current |" in md
    flux = (built / "models/black-forest-labs--flux-1-schnell.html").read_text()
    assert "<svg class=\"chart\"" not in flux and "No price of this model has changed" in flux
    # Only prices that changed are listed: GPT-4o mini's cache price never did.
    assert "cache read" not in html[html.index('<table class="history">'):]
    assert nice_ceiling(Decimal("0.28875")) == Decimal("0.5")
    assert nice_ceiling(Decimal("3")) == Decimal("5")


def test_every_model_has_its_own_json(built: Path) -> None:
    doc = json.loads((built / "api/models/etc-passwd-3754d6cb.json").read_text(),
                     parse_float=Decimal)
    assert doc["id"] == EVIL_ID and doc["name"] == EVIL_NAME
    assert doc["offerings"][0]["prices"]["input"] == Decimal("1.75")
    assert [(h["component"], h["amount"], h["valid_from"], h["valid_to"])
            for h in doc["price_history"]] == [
        ("input", Decimal("1.5"), "2025-01-10", "2025-02-20"),
        ("input", Decimal("1.75"), "2025-02-20", None),
        ("output", Decimal("2"), "2025-01-10", None)]
    everything = json.loads((built / "api/models.json").read_text())
    assert len(everything) == len(list((built / "api/models").iterdir()))


# -- llms.txt ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["llms.txt", "llms-full.txt"])
def test_llms_files_parse_with_the_reference_and_lenient_parsers(built: Path,
                                                                  name: str) -> None:
    text = (built / name).read_text()
    ref = llms_txt.parse_llms_file(text)
    assert ref.title == "AI model catalog"
    assert ref.summary.startswith("5 AI models from 9 offerings")
    assert list(ref.sections) == ["Catalog", "Models", "Providers", "Optional"]
    models = ref.sections["Models"]
    assert len(models) == 5
    assert all(m["url"].startswith(BASE + "models/") and m["url"].endswith(".md")
               for m in models)
    lenient = parse_llms_txt(text, BASE)
    assert lenient.title == ref.title and list(lenient.sections) == list(ref.sections)
    assert [link.url for link in lenient.sections["Models"]] == [m["url"] for m in models]
    for link in lenient.sections["Models"]:
        assert link.notes and (built / link.url.removeprefix(BASE)).is_file()
    evil = next(link for link in lenient.sections["Models"] if "etc-passwd" in link.url)
    assert "script" in evil.title and "alert" in evil.title  # its name is text, not a link
    optional = [link.url for link in lenient.sections["Optional"]]
    assert BASE + "api/models.json" in optional
    if name == "llms-full.txt":
        gpt = next(link for link in lenient.sections["Models"] if "gpt-4o-mini" in link.url)
        notes = gpt.notes.replace("\\", "")  # with or without Markdown escapes
        assert "Azure (azure.example): input $0.165 per 1M tokens" in notes
        assert "description: Small, fast GPT-4o." in notes


def test_search_is_skipped_when_pagefind_is_missing(db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.errors import CatalogError
    from catalog.render import search

    monkeypatch.setattr(search, "find_pagefind", lambda: None)
    report = build(db, tmp_path / "site", search=None)
    assert report.search.startswith("skipped: Pagefind is not installed")
    index = (tmp_path / "site/index.html").read_text()
    assert 'id="search"' not in index and not (tmp_path / "site/pagefind").exists()
    with pytest.raises(CatalogError, match="pagefind"):
        build(db, tmp_path / "other", search=True)
    shutil.rmtree(tmp_path / "site")


def test_scraped_text_stays_text_in_the_table_data_and_the_feed(db: Path, tmp_path: Path
                                                                 ) -> None:
    out = tmp_path / "site"
    build(db, out, rows_per_page=2)
    rows = json.loads((out / "api/table.json").read_text())["rows"]
    evil = next(r for r in rows if r[0] == EVIL_NAME)
    assert evil[1] == "models/etc-passwd-3754d6cb.html"  # the only link it carries is ours
    feed = (out / "changes.xml").read_text()
    assert "<script" not in feed and "&lt;script&gt;" in feed
    assert ET.fromstring(feed.encode()).tag == f"{ATOM}feed"
    script = (out / "assets/catalog.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_build_command_says_what_it_rendered(db: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from catalog.cli import cli

    args = ["build", "--db", str(db), "--out", str(tmp_path / "site"), "--no-search",
            "--base-url", BASE]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    pages = re.search(r": ([\d,]+) pages: ([\d,]+) rendered, 0 unchanged", first.output)
    assert pages and pages.group(1) == pages.group(2), first.output
    again = CliRunner().invoke(cli, args)
    assert f"{pages.group(1)} pages: 0 rendered, {pages.group(1)} unchanged" in again.output
    assert "search: off" in again.output
