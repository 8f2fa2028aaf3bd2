"""Which pages the site has, and what each one is rendered from.

`SiteRenderer.run` renders every page through `SiteWriter.unit`: a page's inputs (its
template and the whole context the template sees) are hashed, and a page whose hash is
the one recorded by the previous build is taken from that build instead of rendered.
Contexts therefore hold only what the page shows: no page but the index knows how many
models the catalog has, so adding a model does not touch every page.

Layout (all links between pages are relative, so the site works from any path):

    index.html|md, index-2.html|md, ...   every model, `rows_per_page` rows a page
    models/<stem>.html|md                  one page per canonical model
    providers/index.html|md, providers/<stem>.html|md (-2, -3 ... when long)
    authors/index.html|md,   authors/<stem>.html|md
    changes.html|md, changes/run-<n>.html|md, changes.xml (Atom)
    quality.html|md, quality/<kind>.html|md
    404.html|md                            links are absolute paths under base_url
    llms.txt, llms-full.txt, sitemap.xml (+ sitemap-N.xml), robots.txt
    api/models.json, api/models/<stem>.json, api/table.json, api/schema.json
    exports/pricing.json, exports/pricing.csv, assets/, pagefind/
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import simplejson
from jinja2 import Environment, PackageLoader, StrictUndefined

from catalog.render import api, exports
from catalog.render.changes import ChangeLog, changes_updated, finding_kinds, findings_updated
from catalog.render.feeds import atom_feed, robots_txt, sitemap_files
from catalog.render.markdown import MdSafe, llms_link, md_destination, md_finalize, yaml_scalar
from catalog.render.views import PRICES_NOTE, RANKING_NOTE, Catalog, count
from catalog.store import Store

SITE_TITLE = "AI model catalog"
ASSETS = ("style.css", "catalog.js")

T = TypeVar("T")


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
    """What every page may say about the whole site (only what never changes with data)."""

    title: str


@dataclass(frozen=True)
class PagerLink:
    """One page of a long table: `label` like "401-800", `href` relative to its siblings."""

    label: str
    href: str
    md_href: MdSafe
    current: bool


@dataclass(frozen=True)
class Pager:
    """Where a page stands among the pages of one long table."""

    links: list[PagerLink]
    first: int
    last: int
    total: int

    @property
    def paged(self) -> bool:
        return len(self.links) > 1


@dataclass(frozen=True)
class Stats:
    models: int
    offerings: int
    providers: int


#: What the rows of one page of a long table may weigh, measured as the length of their
#: `repr`, which runs about 1.45 times the HTML they become: about 140 KB of HTML a page.
MAX_ROWS_WEIGHT = 200_000


def chunks(items: Sequence[T], size: int, weight: int = MAX_ROWS_WEIGHT) -> list[Sequence[T]]:
    """Returns `items` in runs of at most `size` items weighing at most `weight` (one item
    may weigh more on its own); always at least one run, maybe empty."""
    out: list[Sequence[T]] = []
    start, total = 0, 0
    for n, item in enumerate(items):
        w = len(repr(item))
        if n > start and (n - start >= size or total + w > weight):
            out.append(items[start:n])
            start, total = n, 0
        total += w
    out.append(items[start:])
    return out


def page_paths(first: str, n: int) -> list[str]:
    """Returns the paths of `n` pages of a table whose first page is `first`:
    "index.html", "index-2.html", ..."""
    stem = first.removesuffix(".html")
    return [first] + [f"{stem}-{k}.html" for k in range(2, n + 1)]


def _environments() -> tuple[Environment, Environment]:
    loader = PackageLoader("catalog", "templates")
    common: dict[str, Any] = {"loader": loader, "trim_blocks": True, "lstrip_blocks": True,
                              "keep_trailing_newline": True, "undefined": StrictUndefined}
    html = Environment(autoescape=True, **common)
    md = Environment(autoescape=False, finalize=md_finalize, **common)
    for env in (html, md):
        env.filters["count"] = count
    return html, md


class Writer(Protocol):
    """What `SiteRenderer` needs of `site.SiteWriter`."""

    def write(self, rel: str, content: str | bytes) -> None:
        """Writes one file of the site."""

    def unit(self, key: str, inputs: Any,
             produce: Callable[[], dict[str, str | bytes]]) -> bool:
        """Writes the files of page `key` from `produce()`, unless the previous build
        made them from the same `inputs`; returns whether it rendered them."""


class SiteRenderer:
    """Renders every file of the site for `store` through `writer`."""

    def __init__(self, store: Store, base: str, writer: Writer, rows_per_page: int,
                 sitemap_max_urls: int, search: bool) -> None:
        self.store = store
        self.cat = Catalog(store)
        self.base = base
        self.writer = writer
        self.rows_per_page = rows_per_page
        self.sitemap_max_urls = sitemap_max_urls
        self.search = search
        self.html_env, self.md_env = _environments()
        self.site = SiteInfo(SITE_TITLE)
        self.sitemap: list[tuple[str, str | None]] = []

    # -- pages ------------------------------------------------------------------

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

    def emit(self, template: str, page: Page, sitemap: bool = True,
             extra: dict[str, str] | None = None, **ctx: Any) -> None:
        """Renders `<template>.html|md` (plus `extra` files) unless the previous build
        rendered the same inputs."""
        ctx.update(page=page, site=self.site)
        files = dict(extra or {})

        def produce() -> dict[str, str | bytes]:
            out: dict[str, str | bytes] = {
                page.path: self.html_env.get_template(template + ".html").render(ctx),
                page.path.removesuffix(".html") + ".md":
                    self.md_env.get_template(template + ".md").render(ctx)}
            out.update(files)
            return out

        self.writer.unit(page.path, (template, sorted(ctx.items()), sorted(files.items())),
                         produce)
        if sitemap:
            self.sitemap.append((page.canonical, page.last_updated))

    @staticmethod
    def hrefs(path: str) -> tuple[str, MdSafe]:
        """A page's path and its Markdown twin's, as link destinations."""
        return path, MdSafe(md_destination(path.removesuffix(".html") + ".md"))

    def pager(self, paths: list[str], n: int, sizes: list[int]) -> Pager:
        """The pager of page `n` (0-based) among `paths`, with `sizes` rows each."""
        starts = [sum(sizes[:k]) for k in range(len(sizes))]
        links = []
        for k, path in enumerate(paths):
            name = path.rsplit("/", 1)[-1]
            label = f"{starts[k] + 1:,}–{starts[k] + sizes[k]:,}" if sizes[k] else "0"
            links.append(PagerLink(label, name, MdSafe(md_destination(
                name.removesuffix(".html") + ".md")), k == n))
        return Pager(links, starts[n] + 1 if sizes[n] else 0, starts[n] + sizes[n], sum(sizes))

    def run(self) -> None:
        cat = self.cat
        stats = Stats(len(cat.models), len(cat.offerings), len(cat.providers))
        self.index(stats)
        for mid in cat.model_ids:
            self.model(mid)
        for kind, groups in (("provider", cat.providers), ("author", cat.authors)):
            self.groups(kind, groups)
        self.changes()
        self.quality()
        # Served for any missing path, so its links are absolute paths under the base URL.
        self.emit("404", self.page("404.html", "Page not found", "No page at this address.",
                                   None, root=urlsplit(self.base).path), sitemap=False)
        self.llms(stats)
        self.crawler_files()
        self.data()
        for name in ASSETS:
            self.writer.write(f"assets/{name}", (
                resources.files("catalog") / "templates" / "assets" / name).read_bytes())

    def index(self, stats: Stats) -> None:
        cat = self.cat
        rows = cat.rows(cat.model_ids, "")
        parts = chunks(rows, self.rows_per_page)
        paths = page_paths("index.html", len(parts))
        description = (f"{stats.models:,} AI models from {stats.offerings:,} offerings across "
                       f"{stats.providers:,} providers, with prices per 1M tokens.")
        for n, (path, part) in enumerate(zip(paths, parts, strict=True)):
            pager = self.pager(paths, n, [len(p) for p in parts])
            title = f"{SITE_TITLE}: models {pager.first:,}–{pager.last:,}" if n else SITE_TITLE
            self.emit("index", self.page(path, title, description, cat.site_updated()),
                      rows=list(part), pager=pager, stats=stats, first=n == 0,
                      options=cat.filter_options if n == 0 else None,
                      search=self.search and n == 0,
                      ranking=RANKING_NOTE, prices_note=PRICES_NOTE)
        if len(parts) > 1:
            self.writer.write("api/table.json", api.table_json(rows))

    def model(self, mid: str) -> None:
        """A model's page, its Markdown twin and its JSON: rendered only when what they are
        made of (`Catalog.model_inputs`) changed, which is cheaper to tell than the page."""
        cat = self.cat
        path = cat.model_path(mid)
        updated = cat.model_updated(mid)

        def produce() -> dict[str, str | bytes]:
            view = cat.model_page(mid)
            description = (f"{view.name}: prices, context length and providers for "
                           f"{count(len(view.offerings), 'offering')}.")
            page = self.page(path, view.name, description, updated)
            jsonld = api.script_json(api.product_jsonld(cat, mid, page.canonical))
            ctx = {"page": page, "site": self.site, "model": view, "ranking": RANKING_NOTE,
                   "jsonld": jsonld}
            return {
                path: self.html_env.get_template("model.html").render(ctx),
                path.removesuffix(".html") + ".md":
                    self.md_env.get_template("model.md").render(ctx),
                cat.model_json_path(mid): api.dumps(api.model_json(cat, mid, self.base))}

        self.writer.unit(path, ("model", RANKING_NOTE, updated, cat.model_inputs(mid)),
                         produce)
        self.sitemap.append((self.base + path, updated))

    def groups(self, kind: str, groups: dict[str, Any]) -> None:
        plural = kind + "s"
        entries = [(g, self.cat.group_updated(g)) for g in groups.values()]
        dates = [d for _, d in entries if d]
        links = [(self.cat.link(g.key, f"{g.stem}.html", ""), len(g.model_ids))
                 for g, _ in entries]
        self.emit("groups", self.page(
            f"{plural}/index.html", plural.title(), f"Every {kind} in the catalog.",
            max(dates) if dates else None), kind=kind, groups=links)
        for g, updated in entries:
            provider = g.key if kind == "provider" else None
            rows = self.cat.rows(g.model_ids, "../", provider)
            parts = chunks(rows, self.rows_per_page)
            paths = page_paths(f"{plural}/{g.stem}.html", len(parts))
            intro = f"{count(len(rows), 'model')}. " + (
                f"Prices are {g.key}'s, in US dollars per 1M tokens." if provider
                else PRICES_NOTE)
            for n, (path, part) in enumerate(zip(paths, parts, strict=True)):
                pager = self.pager(paths, n, [len(p) for p in parts])
                title = f"{kind.title()}: {g.key}" + (
                    f", models {pager.first:,}–{pager.last:,}" if n else "")
                page = self.page(path, title, f"AI models listed for {kind} {g.key}.", updated)
                self.emit("group", page, plural=plural.title(), intro=intro, rows=list(part),
                          pager=pager, caption=f"Models listed for {kind} {g.key}")

    def changes(self) -> None:
        log = ChangeLog(self.cat, self.store)
        runs = log.runs("../")
        run_paths: dict[int, str] = {}
        for run in runs:
            parts = chunks(run.rows, self.rows_per_page)
            paths = page_paths(f"changes/run-{run.run_id}.html", len(parts))
            run_paths[run.run_id] = paths[0]
            for n, (path, part) in enumerate(zip(paths, parts, strict=True)):
                pager = self.pager(paths, n, [len(p) for p in parts])
                title = f"Changes in run {run.run_id} ({run.date})" + (
                    f", {pager.first:,}–{pager.last:,}" if n else "")
                page = self.page(path, title, f"What changed in crawl run {run.run_id}: "
                                 f"{run.summary}.", run.date)
                self.emit("run", page, run=run, rows=list(part), pager=pager)
        top = log.runs("")
        latest = next((r for r in top if r.rows), None)
        self.emit("changes", self.page(
            "changes.html", "Changes", "Price changes, new and removed models, by crawl run.",
            changes_updated(runs)), runs=[(r, *self.hrefs(run_paths[r.run_id])) for r in top],
            latest=latest, latest_rows=latest.rows[:LATEST_ROWS] if latest else [],
            latest_href=self.hrefs(run_paths[latest.run_id])[0] if latest else None,
            latest_md_href=self.hrefs(run_paths[latest.run_id])[1] if latest else None)
        feed = atom_feed(runs, self.base, SITE_TITLE, run_paths)
        self.writer.unit("changes.xml", ("atom", feed), functools.partial(
            dict, {"changes.xml": feed}))

    def quality(self) -> None:
        kinds = finding_kinds(self.cat, self.store, "../")
        updated = findings_updated(self.store, self.cat.run_dates)
        summaries = []
        for kind in kinds:
            parts = chunks(kind.rows, self.rows_per_page)
            paths = page_paths(f"quality/{kind.stem}.html", len(parts))
            summaries.append((kind, *self.hrefs(paths[0])))
            for n, (path, part) in enumerate(zip(paths, parts, strict=True)):
                pager = self.pager(paths, n, [len(p) for p in parts])
                title = f"Data quality: {kind.kind}" + (
                    f", {pager.first:,}–{pager.last:,}" if n else "")
                page = self.page(path, title, f"Findings of kind {kind.kind} in the latest "
                                 "crawl.", updated)
                self.emit("quality_kind", page, kind=kind, rows=list(part), pager=pager)
        total = sum(len(k.rows) for k in kinds)
        self.emit("quality", self.page(
            "quality.html", "Data quality", "What the crawler found odd, missing or "
            "contradictory in the latest crawl.", updated), kinds=summaries, total=total)

    def llms(self, stats: Stats) -> None:
        cat = self.cat
        base = MdSafe(md_destination(self.base))
        lines = [cat.llms_entry(mid, self.base, full=False) for mid in cat.model_ids]
        full_lines = [cat.llms_entry(mid, self.base, full=True) for mid in cat.model_ids]
        ctx: dict[str, Any] = {
            "site": self.site, "stats": stats, "base": base,
            "ranking": RANKING_NOTE, "prices_note": PRICES_NOTE,
            "providers": [llms_link(g.key, f"{self.base}providers/{g.stem}.md",
                                    count(len(g.model_ids), "model"))
                          for g in cat.providers.values()]}
        template = self.md_env.get_template("llms.txt")
        for name, models, full in (("llms.txt", lines, False),
                                   ("llms-full.txt", full_lines, True)):
            inputs = ("llms", full, sorted(ctx.items()), models)
            self.writer.unit(name, inputs, functools.partial(
                _rendered, name, template.render, {**ctx, "models": models, "full": full}))

    def crawler_files(self) -> None:
        files = sitemap_files(self.sitemap, self.base, self.sitemap_max_urls)
        files["robots.txt"] = robots_txt(self.base)
        for name, text in files.items():
            self.writer.unit(name, (name, text), functools.partial(dict, {name: text}))

    def data(self) -> None:
        """The API and the exports: always written (they are cheap and read everything)."""
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
        for rel, text in exports.site_files(self.store, generated_at, pricing=False).items():
            self.writer.write(rel, text)  # models, prices, history, findings and schemas
        models = [api.api_model(self.cat, mid, self.base) for mid in self.cat.model_ids]
        self.writer.write("api/models.json", api.dumps(models))


#: Changes of the latest run shown on the changes page itself; the run page lists all.
LATEST_ROWS = 100


def _rendered(name: str, render: Callable[[dict[str, Any]], str], ctx: dict[str, Any]
              ) -> dict[str, str | bytes]:
    return {name: render(ctx)}
