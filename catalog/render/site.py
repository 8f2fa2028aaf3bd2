"""The static catalog site: HTML for people, a Markdown twin of every page for agents.

`build_site` renders the whole site into a fresh directory next to `out_dir` and then
swaps it in, so a build that fails leaves the previous site as it was. Output is a pure
function of the database: no build time appears anywhere, every list is sorted, and the
dates shown are those of the crawl runs in which the data last changed.

Layout (all links between pages are relative, so the site works from any path):

    index.html|md             every model in one table
    models/<stem>.html|md     one page per canonical model
    providers/index.html|md, providers/<stem>.html|md
    authors/index.html|md,   authors/<stem>.html|md
    404.html|md               links are absolute paths under base_url
    llms.txt, llms-full.txt, sitemap.xml, robots.txt
    api/models.json, api/schema.json, exports/pricing.json, exports/pricing.csv
    assets/style.css, assets/catalog.js
    .catalog-site             marks the directory as replaceable by the next build
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import simplejson
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from catalog.errors import CatalogError
from catalog.render import exports
from catalog.render.markdown import (
    MdSafe,
    http_url,
    md_destination,
    md_finalize,
    one_line,
    yaml_scalar,
)
from catalog.render.paths import inside
from catalog.render.views import (
    PRICES_NOTE,
    RANKING_NOTE,
    UNIT_WORDS,
    Catalog,
    Group,
    cheapest_offering,
    count,
)
from catalog.store import Store

SITE_TITLE = "AI model catalog"
#: Where the site is assumed to be served when no base URL is given (`python -m http.server`).
DEFAULT_BASE_URL = "http://localhost:8000/"
#: Pages (HTML and Markdown) larger than this are listed in `BuildReport.oversized`.
PAGE_BUDGET = 200 * 1024
MARKER = ".catalog-site"
_ASSETS = ("style.css", "catalog.js")


@dataclass(frozen=True)
class BuildReport:
    """What a build did: files written, how many were byte-identical to the previous build.

    `oversized` lists pages over `PAGE_BUDGET`. Model pages stay far below it; `index.html`
    and `index.md` hold every model in one table, so they pass it at about 700 models
    (about 300 bytes of HTML per model, a sixth of that gzipped).
    """

    pages_written: int
    files_unchanged: int
    seconds: float
    out_dir: Path
    oversized: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """Where a page lives and what every page template needs to know about it."""

    path: str
    title: str
    description: str
    root: str
    canonical: str
    md_href: str
    last_updated: str | None
    front: MdSafe

    @property
    def md_root(self) -> MdSafe:
        """`root` as a Markdown link destination."""
        return MdSafe(md_destination(self.root))


@dataclass(frozen=True)
class SiteInfo:
    """What every page may say about the whole catalog."""

    title: str
    models: int
    offerings: int
    providers: int
    updated: str | None


class SiteWriter:
    """Writes files under `root`, comparing each with the same file of `previous`.

    Every path is checked to resolve inside `root`. An unchanged file keeps the previous
    file's modification time, so hosts and mirrors see it as unchanged too.
    """

    def __init__(self, root: Path, previous: Path | None) -> None:
        self.root = root
        self.previous = previous
        self.written: dict[str, int] = {}
        self.unchanged = 0

    def write(self, rel: str, content: str | bytes) -> None:
        if rel in self.written:
            raise CatalogError(f"two pages would be written to {rel}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = inside(self.root, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[rel] = len(data)
        old = self.previous / rel if self.previous else None
        if old is not None and old.is_file() and not old.is_symlink():
            stat = old.stat()
            if stat.st_size == len(data) and old.read_bytes() == data:
                self.unchanged += 1
                os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def normalise_base_url(base_url: str | None) -> str:
    """Returns `base_url` (default `DEFAULT_BASE_URL`) ending in "/"; it must be http(s)."""
    url = base_url or DEFAULT_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CatalogError(f"base URL {url!r} must be an absolute http(s) URL without query "
                           "or fragment, such as https://example.org/catalog/")
    return url if url.endswith("/") else url + "/"


def build_site(store: Store, out_dir: Path, base_url: str | None = None) -> BuildReport:
    """Renders the catalog in `store` as a static site into `out_dir`, replacing it whole.

    `out_dir` must not exist, be empty, or hold a previous build (it has the `MARKER`
    file): anything else is refused rather than deleted.
    """
    start = time.perf_counter()
    base = normalise_base_url(base_url)
    out = Path(out_dir).absolute()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        tmp.chmod(0o755)
        writer = SiteWriter(tmp, out if out.is_dir() else None)
        render_site(store, base, writer)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    oversized = tuple(sorted(p for p, n in writer.written.items()
                             if n > PAGE_BUDGET and p.endswith((".html", ".md"))))
    return BuildReport(len(writer.written), writer.unchanged,
                       round(time.perf_counter() - start, 3), out, oversized)


def _check_replaceable(out: Path) -> None:
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        raise CatalogError(f"{out} exists and is not a directory: pass another output directory")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise CatalogError(f"{out} is not empty and holds no previous catalog build "
                           f"(no {MARKER} file); pass an empty or new output directory")


def _swap(new: Path, out: Path) -> None:
    """Puts `new` in place of `out`; if that fails, `out` is put back as it was."""
    if not out.exists():
        new.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        new.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


# -- rendering ----------------------------------------------------------------

def _environments() -> tuple[Environment, Environment]:
    loader = PackageLoader("catalog", "templates")
    common: dict[str, Any] = {"loader": loader, "trim_blocks": True, "lstrip_blocks": True,
                              "keep_trailing_newline": True, "undefined": StrictUndefined}
    html = Environment(autoescape=True, **common)
    md = Environment(autoescape=False, finalize=md_finalize, **common)
    for env in (html, md):
        env.filters["count"] = count
    return html, md


class _Renderer:
    def __init__(self, store: Store, base: str, writer: SiteWriter) -> None:
        self.store = store
        self.cat = Catalog(store)
        self.base = base
        self.writer = writer
        self.html_env, self.md_env = _environments()
        self.site = SiteInfo(SITE_TITLE, len(self.cat.models), len(self.cat.offerings),
                             len(self.cat.providers), self.cat.site_updated())
        self.sitemap: list[tuple[str, str | None]] = []

    def page(self, path: str, title: str, description: str, updated: str | None,
             root: str | None = None) -> Page:
        """A page at `path`; links in it start with `root` (default: relative to it)."""
        stem = path.removesuffix(".html")
        md_path = stem + ".md"
        canonical = self.base if path == "index.html" else self.base + path
        front = "\n".join(f"{k}: {yaml_scalar(v)}" for k, v in (
            ("title", title), ("description", description), ("canonical_url", canonical),
            ("markdown_url", self.base + md_path), ("last_updated", updated)))
        md_href = md_path.rsplit("/", 1)[-1] if root is None else root + md_path
        return Page(path, title, description, "../" * path.count("/") if root is None else root,
                    canonical, md_href, updated, MdSafe(front))

    def emit(self, template: str, page: Page, sitemap: bool = True, **ctx: Any) -> None:
        """Writes the HTML page and its Markdown twin from `<template>.html|md`."""
        ctx.update(page=page, site=self.site)
        self.writer.write(page.path, self.html_env.get_template(template + ".html").render(ctx))
        md = self.md_env.get_template(template + ".md").render(ctx)
        self.writer.write(page.path.removesuffix(".html") + ".md", md)
        if sitemap:
            self.sitemap.append((page.canonical, page.last_updated))

    def run(self) -> None:
        cat = self.cat
        s = self.site
        self.emit("index", self.page(
            "index.html", SITE_TITLE,
            f"{s.models} AI models from {s.offerings} offerings across "
            f"{s.providers} providers, with prices per 1M tokens.", s.updated),
            rows=cat.rows(cat.model_ids, ""), options=cat.filter_options,
            ranking=RANKING_NOTE, prices_note=PRICES_NOTE)
        for mid in cat.model_ids:
            self.model(mid)
        for kind, groups in (("provider", cat.providers), ("author", cat.authors)):
            self.groups(kind, groups)
        # Served for any missing path, so its links are absolute paths under the base URL.
        self.emit("404", self.page("404.html", "Page not found", "No page at this address.",
                                   None, root=urlsplit(self.base).path), sitemap=False)
        self.llms()
        self.data()
        for name in _ASSETS:
            self.writer.write(f"assets/{name}", (
                resources.files("catalog") / "templates" / "assets" / name).read_bytes())
        self.writer.write(MARKER, "Built by catalog; the next build replaces this directory.\n")

    def model(self, mid: str) -> None:
        view = self.cat.model_page(mid)
        description = (f"{view.name}: prices, context length and providers for "
                       f"{count(len(view.offerings), 'offering')}.")
        page = self.page(self.cat.model_path(mid), view.name, description,
                         self.cat.model_updated(mid))
        self.emit("model", page, model=view, ranking=RANKING_NOTE,
                  jsonld=script_json(product_jsonld(self.cat, mid, page.canonical)))

    def groups(self, kind: str, groups: dict[str, Group]) -> None:
        plural = kind + "s"
        entries = [(g, self.cat.group_updated(g)) for g in groups.values()]
        dates = [d for _, d in entries if d]
        links = [(self.cat.link(g.key, f"{g.stem}.html", ""), len(g.model_ids))
                 for g, _ in entries]
        self.emit("groups", self.page(
            f"{plural}/index.html", plural.title(), f"Every {kind} in the catalog.",
            max(dates) if dates else None), kind=kind, groups=links)
        for g, updated in entries:
            title = f"{kind.title()}: {g.key}"
            page = self.page(f"{plural}/{g.stem}.html", title,
                             f"AI models listed for {kind} {g.key}.", updated)
            provider = g.key if kind == "provider" else None
            rows = self.cat.rows(g.model_ids, "../", provider)
            intro = f"{count(len(rows), 'model')}. " + (
                f"Prices are {g.key}'s, in US dollars per 1M tokens." if provider
                else PRICES_NOTE)
            self.emit("group", page, plural=plural.title(), intro=intro, rows=rows,
                      caption=f"Models listed for {kind} {g.key}")

    def llms(self) -> None:
        cat = self.cat
        rows = cat.rows(cat.model_ids, self.base)
        ctx: dict[str, Any] = {
            "site": self.site, "base": MdSafe(md_destination(self.base)),
            "ranking": RANKING_NOTE, "prices_note": PRICES_NOTE,
            "providers": [(cat.link(g.key, f"providers/{g.stem}.html", self.base),
                           len(g.model_ids)) for g in cat.providers.values()]}
        template = self.md_env.get_template("llms.txt")
        self.writer.write("llms.txt", template.render(
            ctx, models=[(r, None) for r in rows], full=False))
        self.writer.write("llms-full.txt", template.render(
            ctx, models=[(r, cat.model_page(r.id, self.base)) for r in rows], full=True))
        xml = self.html_env.get_template("sitemap.xml").render(urls=sorted(self.sitemap))
        self.writer.write("sitemap.xml", xml)
        self.writer.write("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {self.base}"
                                        "sitemap.xml\n")

    def data(self) -> None:
        finished = [r for r in self.store.runs() if r["finished_at"]]
        generated_at = finished[-1]["finished_at"] if finished else None
        rows = exports.offering_rows(self.store)
        buf = io.StringIO()
        exports.write_json(rows, buf, generated_at)
        self.writer.write("exports/pricing.json", buf.getvalue())
        buf = io.StringIO()
        exports.write_csv(rows, buf)
        self.writer.write("exports/pricing.csv", buf.getvalue())
        self.writer.write("api/schema.json", simplejson.dumps(
            exports.EXPORT_SCHEMA, indent=2, ensure_ascii=False) + "\n")
        models = [api_model(self.cat, mid, self.base) for mid in self.cat.model_ids]
        self.writer.write("api/models.json", simplejson.dumps(
            models, use_decimal=True, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def render_site(store: Store, base_url: str, writer: SiteWriter) -> None:
    """Writes every file of the site through `writer`."""
    _Renderer(store, base_url, writer).run()


def script_json(doc: Any) -> Markup:
    """Returns `doc` as JSON safe inside `<script>`: `<`, `>`, `&` and line separators are
    \\u-escaped, so no string in it can close the element or open a comment."""
    text = simplejson.dumps(doc, use_decimal=True, sort_keys=True, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)


# -- data for machines ---------------------------------------------------------

def api_model(cat: Catalog, mid: str, base: str) -> dict[str, Any]:
    """A model with its offerings and exact prices, for `api/models.json`."""
    m = cat.models[mid]
    best = cheapest_offering(cat.by_model[mid])
    return {
        "id": mid, "name": m["name"], "author": m["author"] or None,
        "family": m["family"] or None, "description": m["description"] or None,
        "context_length": m["context_length"], "modalities": m["modalities"],
        "page": base + cat.model_path(mid), "markdown": base + cat.model_path(mid, "md"),
        "offerings": [{
            "id": o["id"], "url": o["url"], "catalog": o["catalog"],
            "provider": o["provider"], "source_model_id": o["source_model_id"],
            "name": o["name"], "date_added": o["date_added"],
            "release_date": o["release_date"], "context_length": o["context_length"],
            "modalities": o["modalities"], "currency": o["currency"],
            "prices": o["prices"], "price_units": o["price_units"],
            "blended_3to1_per_mtok": exports.blended(o["prices"]), "cheapest": o is best,
            "related_urls": o["related_urls"],
        } for o in cat.by_model[mid]],
    }


def product_jsonld(cat: Catalog, mid: str, canonical: str) -> dict[str, Any]:
    """The schema.org `Product` for a model, one `Offer` per offering."""
    m = cat.models[mid]
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": "Product",
                           "name": m["name"], "productID": mid, "url": canonical}
    if m["description"]:
        doc["description"] = one_line(m["description"])
    if m["author"]:
        doc["brand"] = {"@type": "Brand", "name": m["author"]}
    doc["offers"] = [_offer(o) for o in cat.by_model[mid]]
    return doc


def _offer(off: dict[str, Any]) -> dict[str, Any]:
    """An `Offer` with one `UnitPriceSpecification` per price component."""
    offer: dict[str, Any] = {
        "@type": "Offer", "name": one_line(f"{off['name']} on {off['provider']}"),
        "seller": {"@type": "Organization", "name": one_line(off["provider"])}}
    if url := http_url(off["url"]):
        offer["url"] = url
    cur = off["currency"]
    if cur and len(cur) == 3:
        offer["priceCurrency"] = cur
    specs = []
    for comp, amount in sorted(off["prices"].items()):
        unit = off["price_units"].get(comp, "")
        qty = (1000000, "tokens") if unit == "per_1m_tokens" else (
            1, UNIT_WORDS.get(unit, unit.removeprefix("per_") or "unit"))
        spec: dict[str, Any] = {
            "@type": "UnitPriceSpecification", "name": comp, "price": amount,
            "referenceQuantity": {"@type": "QuantitativeValue", "value": qty[0],
                                  "unitText": qty[1]}}
        if "priceCurrency" in offer:
            spec["priceCurrency"] = cur
        specs.append(spec)
    if specs:
        offer["priceSpecification"] = specs
    return offer
