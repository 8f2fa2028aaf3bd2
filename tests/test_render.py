"""The static site: escaping, twins, safe paths, determinism, atomic builds, golden output."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from catalog.errors import CatalogError
from catalog.normalise.records import Finding, Offering, Price
from catalog.render import BuildReport, build_site
from catalog.render.markdown import md_escape, md_link, one_line
from catalog.render.paths import NameMap, inside, safe_name
from catalog.render.views import format_price
from catalog.store import Store

GOLDEN = Path(__file__).parent / "fixtures" / "render_expected"
BASE = "https://catalog.example/"
EVIL_NAME = '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))'
EVIL_DESC = ('</script><script>alert(2)</script> =HYPERLINK("http://x") # heading\n'
             '| table | break |\n[y](javascript:alert(3))')
EVIL_ID = "../../etc/passwd"
RUN_DATES = ("2025-01-10", "2025-02-20")


def usd(component: str, amount: str) -> Price:
    unit = {"request": "per_request", "image": "per_image"}.get(component, "per_1m_tokens")
    return Price(component=component, unit=unit, amount=Decimal(amount), currency="USD")


def offering(url: str, model_id: str, provider: str, name: str, *prices: Price,
             **extra: Any) -> Offering:
    catalog = extra.pop("catalog", "openrouter.ai")
    return Offering(url=url, catalog=catalog, provider=provider,
                    source_model_id=extra.pop("source_model_id", model_id), model_id=model_id,
                    name=name, prices=prices, **extra)


def catalog_offerings(run: int) -> list[Offering]:
    """The catalog as crawl run `run` (0 or 1) saw it: run 1 lowers a price of GPT-4o mini,
    raises one of the injection model, lists a new model and drops an old one."""
    gpt_input = ("0.15", "0.125")[run]
    changing: list[Offering] = [
        offering("https://old.example/old-model", "retired/old-model", "Together", "Old Model",
                 usd("input", "1"), usd("output", "2"), catalog="old.example",
                 author="Retired Labs"),
    ] if run == 0 else [
        offering("https://azure.example/models/mistral-tiny", "mistral/tiny", "Azure",
                 "Mistral Tiny", usd("input", "0.04"), usd("output", "0.04"),
                 catalog="azure.example", author="Mistral", modalities=("text",),
                 context_length=32000, date_added=date(2025, 2, 18)),
    ]
    return [
        *changing,
        offering("https://openrouter.ai/openai/gpt-4o-mini", "openai/gpt-4o-mini", "OpenAI",
                 "GPT-4o mini", usd("input", gpt_input), usd("output", "0.60"),
                 usd("cache_read", "0.075"), author="OpenAI", context_length=128000,
                 modalities=("text", "image"), date_added=date(2024, 7, 18),
                 related_urls=("https://openrouter.ai/meta-llama/llama-3.1-8b-instruct",
                               "https://elsewhere.example/gpt-4o")),
        offering("https://azure.example/models/gpt-4o-mini", "openai/gpt-4o-mini", "Azure",
                 "GPT-4o mini", usd("input", "0.165"), usd("output", "0.66"),
                 catalog="azure.example", author="OpenAI", context_length=128000,
                 date_added=date(2024, 8, 1)),
        offering("https://eu.example/gpt-4o-mini", "openai/gpt-4o-mini", "Euro Cloud",
                 "GPT-4o mini",
                 Price(component="input", unit="per_1m_tokens", amount=Decimal("0.1"),
                       currency="EUR"),
                 Price(component="output", unit="per_1m_tokens", amount=Decimal("0.4"),
                       currency="EUR"), catalog="eu.example", author="OpenAI"),
        offering("https://openrouter.ai/meta-llama/llama-3.1-8b-instruct",
                 "meta-llama/llama-3.1-8b-instruct", "Chutes", "Llama 3.1 8B Instruct",
                 usd("input", "0"), usd("output", "0"), author="Meta", context_length=131072,
                 modalities=("text",), date_added=date(2024, 7, 23)),
        offering("https://together.example/llama-3.1-8b", "meta-llama/llama-3.1-8b-instruct",
                 "Together", "Llama 3.1 8B Instruct", usd("input", "0.18"),
                 usd("output", "0.18"), usd("request", "0.001"), usd("reasoning", "1.2"),
                 catalog="together.example",
                 author="Meta", context_length=131072),
        offering("https://fal.example/flux-schnell", "black-forest-labs/flux-1-schnell", "fal",
                 "FLUX.1 [schnell]", usd("image", "0.003"), catalog="fal.example",
                 author="Black Forest Labs", modalities=("text", "image")),
        offering("https://replicate.example/flux-schnell", "black-forest-labs/flux-1-schnell",
                 "Replicate", "FLUX.1 [schnell]", catalog="replicate.example",
                 author="Black Forest Labs"),
        offering("https://evil.example/model", EVIL_ID, "Evil | Provider", EVIL_NAME,
                 usd("input", ("1.5", "1.75")[run]), usd("output", "2"),
                 author="</script><b>bold</b>",
                 description=EVIL_DESC, source_model_id="<b>id</b>|x",
                 related_urls=("javascript:alert(4)",)),
    ]


MODELS: list[dict[str, Any]] = [
    {"id": "openai/gpt-4o-mini", "name": "GPT-4o mini", "author": "OpenAI", "family": "gpt-4o",
     "description": "Small, fast GPT-4o.", "context_length": 128000,
     "modalities": ["text", "image"]},
    {"id": "meta-llama/llama-3.1-8b-instruct", "name": "Llama 3.1 8B Instruct",
     "author": "Meta", "family": "llama-3.1", "description": None, "context_length": 131072,
     "modalities": ["text"]},
    {"id": "black-forest-labs/flux-1-schnell", "name": "FLUX.1 [schnell]",
     "author": "Black Forest Labs", "family": None, "description": "Fast images.",
     "context_length": None, "modalities": ["text", "image"]},
    {"id": EVIL_ID, "name": EVIL_NAME, "author": "</script><b>bold</b>", "family": None,
     "description": EVIL_DESC, "context_length": None, "modalities": []},
    {"id": "mistral/tiny", "name": "Mistral Tiny", "author": "Mistral", "family": None,
     "description": None, "context_length": 32000, "modalities": ["text"]},
    {"id": "retired/old-model", "name": "Old Model", "author": "Retired Labs", "family": None,
     "description": None, "context_length": None, "modalities": []},
]


def make_db(path: Path, runs: tuple[int, ...] = (0, 1)) -> Path:
    """A two-run catalog (see `catalog_offerings`); `runs` adds only some of the runs."""
    store = Store(path)
    for n in runs:
        run = store.start_run(["https://openrouter.ai/"], {})
        findings = [Finding(url="https://replicate.example/flux-schnell", field="prices",
                            kind="missing", detail="no price on <b>page</b> [z](javascript:1)",
                            offering_url="https://replicate.example/flux-schnell"),
                    Finding(url="https://evil.example/model", field="name", kind=EVIL_NAME,
                            detail=EVIL_DESC, offering_url="https://evil.example/model"),
                    Finding(url="javascript:alert(5)", field="page", kind="missing",
                            detail="=HYPERLINK(\"http://x\")")]
        models = [m for m in MODELS if m["id"] != ("mistral/tiny", "retired/old-model")[n]]
        store.save_catalog(run, catalog_offerings(n), findings, models, complete=True)
        store.finish_run(run, {}, True)
        store.db.conn.execute(
            "UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?",
            (f"{RUN_DATES[n]}T06:00:00Z", f"{RUN_DATES[n]}T06:30:00Z", run))
    store.close()
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("db") / "catalog.db")


@pytest.fixture(scope="module")
def built(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    store = Store(db)
    try:
        build_site(store, out, BASE, search=False)
    finally:
        store.close()
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def md_body(text: str) -> str:
    """A Markdown twin without its front matter."""
    assert text.startswith("---\n")
    return text.split("\n---\n", 1)[1]


def front_matter(text: str) -> dict[str, Any]:
    head = text.split("\n---\n", 1)[0].removeprefix("---\n")
    return {k: json.loads(v) for k, v in (line.split(": ", 1) for line in head.splitlines())}


def render_md(text: str) -> str:
    html: str = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    return html


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse_html(text: str) -> TagCollector:
    parser = TagCollector()
    parser.feed(text)
    parser.close()
    return parser


# -- layout ---------------------------------------------------------------------


def test_layout_and_safe_paths(built: Path) -> None:
    files = tree(built)
    for name in ("index.html", "index.md", "llms.txt", "llms-full.txt", "sitemap.xml",
                 "robots.txt", "404.html", "404.md", "api/models.json", "api/schema.json",
                 "exports/pricing.csv", "exports/pricing.json", "assets/style.css",
                 "assets/catalog.js", "providers/index.html", "authors/index.html",
                 "changes.html", "changes.md", "changes.xml", "changes/run-2.html",
                 "quality.html", "quality.md"):
        assert name in files, name
    models = sorted(p for p in files if p.startswith("models/") and p.endswith(".html"))
    assert models == [
        "models/black-forest-labs--flux-1-schnell.html", "models/etc-passwd-3754d6cb.html",
        "models/meta-llama--llama-3.1-8b-instruct.html", "models/mistral--tiny.html",
        "models/openai--gpt-4o-mini.html"]
    assert sorted(p for p in files if p.startswith("api/models/")) == [
        p.replace("models/", "api/models/").replace(".html", ".json") for p in models]
    for rel in files:
        assert re.fullmatch(r"[a-z0-9._/-]+", rel.lstrip(".")), rel
        assert (built / rel).resolve().is_relative_to(built.resolve())
    # Nothing but the site itself beside it: no temp or old directories left behind.
    assert [p.name for p in built.parent.iterdir()] == ["site"]
    for page in html_pages(built):
        assert page.stat().st_size < 200 * 1024


def test_every_html_page_has_markdown_twin_and_alternate_link(built: Path) -> None:
    pages = html_pages(built)
    assert len(pages) >= 20
    for page in pages:
        twin = page.with_suffix(".md")
        assert twin.is_file(), twin
        links = [a for t, a in parse_html(page.read_text()).tags if t == "link"
                 and a.get("rel") == "alternate" and a.get("type") == "text/markdown"]
        assert len(links) == 1, page
        href = links[0]["href"] or ""
        target = (built / href.lstrip("/")) if href.startswith("/") else page.parent / href
        assert target.resolve() == twin.resolve()
        meta = front_matter(twin.read_text())
        assert set(meta) == {"title", "description", "canonical_url", "markdown_url",
                             "last_updated"}
        assert meta["canonical_url"].startswith(BASE)


def test_last_updated_follows_the_runs_that_changed_the_data(built: Path) -> None:
    def updated(rel: str) -> str | None:
        value: str | None = front_matter((built / rel).read_text())["last_updated"]
        return value

    assert updated("index.md") == RUN_DATES[1]
    assert updated("models/openai--gpt-4o-mini.md") == RUN_DATES[1]  # price changed in run 2
    assert updated("models/meta-llama--llama-3.1-8b-instruct.md") == RUN_DATES[0]
    assert updated("providers/fal.md") == RUN_DATES[0]
    assert updated("providers/azure.md") == RUN_DATES[1]  # lists a new model in run 2
    assert "Data last changed 2025-01-10." in (built / "providers/fal.html").read_text()


def test_cheapest_offering_is_marked(built: Path) -> None:
    html = (built / "models/openai--gpt-4o-mini.html").read_text()
    rows = re.findall(r"<tr( class=\"cheapest\")?>\n<th scope=\"row\"><a [^>]*>([^<]*)</a>", html)
    assert rows == [(' class="cheapest"', "OpenAI"), ("", "Azure"), ("", "Euro Cloud")]
    assert html.count("Cheapest</strong>") == 1
    assert "$0.125" in html and "$0.075" in html and "0.10 EUR" in html
    md = (built / "models/openai--gpt-4o-mini.md").read_text()
    cheapest = [line for line in md.splitlines() if "**Cheapest**" in line]
    assert len(cheapest) == 1 and cheapest[0].startswith("| [OpenAI]")
    assert "(not ranked)" in next(line for line in md.splitlines() if "Euro Cloud" in line)
    # Per-image and unpriced offerings are listed but never ranked.
    flux = (built / "models/black-forest-labs--flux-1-schnell.html").read_text()
    assert "Cheapest</strong>" not in flux and "$0.003" in flux and "not ranked" in flux
    llama = (built / "models/meta-llama--llama-3.1-8b-instruct.md").read_text()
    assert "| $0.001 | reasoning: $1.20 per 1M tokens |" in llama
    index = (built / "index.md").read_text()
    assert "| Free | Free | Free |" in index
    assert "| $0.125 | $0.60 | $0.24375 |" in index


def test_injection_is_escaped_in_html(built: Path) -> None:
    for page in html_pages(built):
        text = page.read_text()
        parsed = parse_html(text)
        tags = {t for t, _ in parsed.tags}
        assert not tags & {"img", "b", "iframe", "object"}, page
        for tag, attrs in parsed.tags:
            for name in ("href", "src"):
                value = attrs.get(name)
                assert value is None or not value.lower().startswith("javascript:"), page
            if tag == "script":
                assert attrs.get("type") == "application/ld+json" or (
                    attrs.get("src") or "").endswith("assets/catalog.js"), page
        assert text.count("</script>") == text.count("<script"), page
    model = (built / "models/etc-passwd-3754d6cb.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in model
    assert "=HYPERLINK(&#34;http://x&#34;)" in model


def test_json_ld_is_safe_and_round_trips(built: Path) -> None:
    html = (built / "models/etc-passwd-3754d6cb.html").read_text()
    scripts = parse_html(html).scripts
    assert len(scripts) == 1
    raw = scripts[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    doc = json.loads(raw)
    assert doc["@type"] == "Product" and doc["name"] == EVIL_NAME
    assert doc["description"] == " ".join(EVIL_DESC.split())
    gpt = parse_html((built / "models/openai--gpt-4o-mini.html").read_text()).scripts[0]
    offers = json.loads(gpt, parse_float=Decimal)["offers"]
    offer = next(o for o in offers if o["url"] == "https://openrouter.ai/openai/gpt-4o-mini")
    spec = offer["priceSpecification"][0]
    assert spec["name"] == "cache_read"
    assert spec["@type"] == "UnitPriceSpecification" and spec["price"] == Decimal("0.075")
    assert spec["referenceQuantity"] == {"@type": "QuantitativeValue", "value": 1000000,
                                         "unitText": "tokens"}


def test_injection_is_escaped_in_markdown(built: Path) -> None:
    texts = {p: p.read_text() for p in sorted(built.rglob("*.md"))}
    texts[built / "llms.txt"] = (built / "llms.txt").read_text()
    texts[built / "llms-full.txt"] = (built / "llms-full.txt").read_text()
    for path, text in texts.items():
        body = md_body(text) if path.suffix == ".md" else text
        html = render_md(body)
        parsed = parse_html(html)
        tags = {t for t, _ in parsed.tags}
        assert not tags & {"script", "img", "b", "iframe"}, path
        for tag, attrs in parsed.tags:
            if tag == "a":
                href = attrs.get("href") or ""
                assert href.startswith(("https://", "http://")) or ":" not in href, (path, href)
        assert [t for t, _ in parsed.tags].count("h1") == 1, path
    index = render_md(md_body(texts[built / "index.md"]))
    rows = re.findall(r"<tr>(.*?)</tr>", index, re.S)
    assert len(rows) == 6  # header and one row per model, none broken by a "|"
    assert all(len(re.findall(r"<t[hd][ >]", row)) == 9 for row in rows)


def test_markdown_escape_renders_text_literally() -> None:
    for text in (EVIL_NAME, EVIL_DESC, "1. one", "# two", "- three", "***", "a_b_c*d*",
                 "`code`", "x &amp; y", "![i](http://x/i.png)", "<http://x>", "www.x.org"):
        html = render_md(md_escape(text))
        assert html.startswith("<p>") and html.count("<") == 2, (text, html)
    assert md_link("a](javascript:x)[", "javascript:alert(1)") == r"a\]\(javascript:x\)\["
    assert md_link("ok", "https://x.example/a b") == "ok"
    assert md_link("ok", "https://x.example/(a)") == "[ok](https://x.example/%28a%29)"


@given(st.text(max_size=60))
@settings(max_examples=150, deadline=None)
def test_markdown_escape_property(text: str) -> None:
    html = render_md(md_escape(text))
    if not md_escape(text):
        assert html == ""
        return
    inner = html.removeprefix("<p>").removesuffix("</p>\n")
    assert "<" not in inner, (text, html)
    assert unescape(inner) == one_line(text).replace("\x00", "\ufffd")


def test_safe_names_are_unique_stable_and_harmless() -> None:
    ids = ["../../etc/passwd", "con", "CON", "nul.txt", "Model", "model", "a/b", "a--b", "a-b",
           "ünïcödé", "模型", ".hidden", "...", "", "x" * 300, "index", "gpt-4o", "GPT-4o"]
    names = NameMap(ids, frozenset({"index"}))
    out = [names[i] for i in ids]
    assert len(set(out)) == len(ids)
    for name in out:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name) and len(name) <= 100, name
        assert name.split(".")[0] not in {"con", "nul", "index"}
    assert names["gpt-4o"] == "gpt-4o" and names["a/b"] == "a--b"
    assert NameMap(["GPT-4o", "z"])["GPT-4o"] == names["GPT-4o"] == safe_name("GPT-4o")
    for bad in ("../x", "/etc/passwd", "a/../../b", "", "a//b", "a\\b"):
        with pytest.raises(CatalogError):
            inside(Path("/tmp/site"), bad)


def test_price_formatting() -> None:
    assert format_price(Decimal("0.075")) == "$0.075"
    assert format_price(Decimal("0.2")) == "$0.20"
    assert format_price(Decimal("0.20")) == "$0.20"
    assert format_price(Decimal("1500")) == "$1,500.00"
    assert format_price(Decimal("0.0000001")) == "$0.0000001"
    assert format_price(Decimal("0")) == "Free"
    assert format_price(None) == "—"
    assert format_price(Decimal("2.5"), "EUR") == "2.50 EUR"


# -- outputs ----------------------------------------------------------------------


def test_llms_txt(built: Path) -> None:
    text = (built / "llms.txt").read_text()
    lines = text.splitlines()
    assert lines[0] == "# AI model catalog"
    assert lines[2].startswith("> ")
    h2 = [line for line in lines if line.startswith("## ")]
    assert h2[-1] == "## Optional" and "## Models" in h2
    links = re.findall(r"^- \[.*\]\((\S+)\)", text, re.M)
    models = [u for u in links if "/models/" in u]
    assert len(models) == 5 and all(u.startswith(BASE) and u.endswith(".md") for u in models)
    full = (built / "llms-full.txt").read_text()
    assert full.startswith("# AI model catalog\n") and "## Optional" in full
    assert ("Azure \\(azure.example\\): input $0.165 per 1M tokens, output $0.66 per 1M "
            "tokens") in full


def test_sitemap_and_robots(built: Path) -> None:
    root = ET.parse(built / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = root.findall("s:url", ns)
    assert len(urls) == len(html_pages(built)) - 1  # all but 404.html
    today = date.today().isoformat()
    for url in urls:
        loc = url.findtext("s:loc", namespaces=ns) or ""
        assert loc.startswith(BASE)
        lastmod = url.findtext("s:lastmod", namespaces=ns)
        assert lastmod in RUN_DATES and lastmod != today
    assert f"Sitemap: {BASE}sitemap.xml" in (built / "robots.txt").read_text()


def test_api_models_json_has_exact_prices(built: Path) -> None:
    models = json.loads((built / "api/models.json").read_text(), parse_float=Decimal)
    assert [m["id"] for m in models] == [EVIL_ID, "black-forest-labs/flux-1-schnell",
                                         "openai/gpt-4o-mini",
                                         "meta-llama/llama-3.1-8b-instruct", "mistral/tiny"]
    gpt = next(m for m in models if m["id"] == "openai/gpt-4o-mini")
    cheapest = [o for o in gpt["offerings"] if o["cheapest"]]
    assert len(cheapest) == 1 and cheapest[0]["prices"]["input"] == Decimal("0.125")
    assert cheapest[0]["blended_3to1_per_mtok"] == Decimal("0.24375")


def test_exports_are_written(built: Path) -> None:
    doc = json.loads((built / "exports/pricing.json").read_text())
    assert doc["generated_at"] == f"{RUN_DATES[1]}T06:30:00Z"
    assert len(doc["offerings"]) == 9
    csv_text = (built / "exports/pricing.csv").read_text()
    assert "'=HYPERLINK" not in csv_text or "\n=HYPERLINK" not in csv_text
    schema = json.loads((built / "api/schema.json").read_text())
    assert schema["type"] == "object"


# -- builds -----------------------------------------------------------------------


def build(db: Path, out: Path, base: str | None = BASE) -> BuildReport:
    store = Store(db)
    try:
        return build_site(store, out, base, search=False)
    finally:
        store.close()


def test_builds_are_deterministic_and_count_unchanged_files(db: Path, tmp_path: Path) -> None:
    first = build(db, tmp_path / "a")
    second = build(db, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert first.files_unchanged == 0 and first.files_written == len(tree(tmp_path / "a"))
    assert first.pages_reused == 0 and first.pages_rendered > 30
    again = build(db, tmp_path / "a")
    assert again.files_unchanged == again.files_written == second.files_written
    assert again.pages_rendered == 0 and again.pages_reused == first.pages_rendered
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_failed_build_leaves_previous_site_untouched(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(db, out)
    before = tree(out)
    render = jinja2.Template.render

    def failing(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        if self.name == "model.html":
            raise RuntimeError("template failed")
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", failing)
    with pytest.raises(RuntimeError, match="template failed"):
        build(db, out, "https://elsewhere.example/")  # a new base URL renders every page
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_refuses_to_replace_a_directory_it_did_not_build(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(CatalogError, match="no previous catalog build"):
        build(db, out)
    assert (out / "notes.txt").read_text() == "mine"
    with pytest.raises(CatalogError, match="base URL"):
        build(db, tmp_path / "x", "javascript:alert(1)")


def test_default_base_url_and_empty_catalog(tmp_path: Path) -> None:
    store = Store(tmp_path / "empty.db")
    try:
        report = build_site(store, tmp_path / "site", search=None)
    finally:
        store.close()
    assert report.files_written > 0 and report.oversized == ()
    assert report.search.startswith("skipped") and not (tmp_path / "site/pagefind").exists()
    assert "http://localhost:8000/sitemap.xml" in (tmp_path / "site/robots.txt").read_text()
    ET.parse(tmp_path / "site/sitemap.xml")
    assert "0 models" in (tmp_path / "site/index.md").read_text()


# -- golden output ----------------------------------------------------------------

#: Files another module owns the format of; their content is tested there.
NOT_GOLDEN = ("exports/", "api/schema.json", ".catalog-site")


def test_golden_output(built: Path) -> None:
    actual = {k: v for k, v in tree(built).items() if not k.startswith(NOT_GOLDEN)}
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = {k: v for k, v in tree(GOLDEN).items() if not k.startswith(NOT_GOLDEN)}
    assert sorted(actual) == sorted(expected), "run with UPDATE_GOLDEN=1 to accept changes"
    for rel in sorted(actual):
        assert actual[rel] == expected[rel], (
            f"{rel} differs from {GOLDEN / rel}; run with UPDATE_GOLDEN=1 to accept changes")
