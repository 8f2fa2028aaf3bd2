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

import contextlib
import dataclasses
import functools
import gc
import hashlib
import os
import pickle
import signal
import traceback
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import IO, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from catalog.errors import CatalogError
from catalog.render import api, exports
from catalog.render.changes import (
    ChangeLog,
    changes_updated,
    finding_kinds,
    finding_row,
    findings_updated,
)
from catalog.render.exports import TextFiles
from catalog.render.feeds import atom_feed, robots_txt, sitemap_files
from catalog.render.markdown import MdSafe, llms_link, md_destination, md_finalize, yaml_scalar
from catalog.render.views import PRICES_NOTE, RANKING_NOTE, Catalog, ModelData, count
from catalog.store import Store

SITE_TITLE = "AI model catalog"
ASSETS = ("style.css", "catalog.js")
#: The files of a page by path: text, bytes, or `TextFiles` (under each path it writes).
Files = dict[str, str | bytes | TextFiles]

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


def chunks(items: Sequence[T], size: int, weight: int = MAX_ROWS_WEIGHT,
           measure: Callable[[T], int] | None = None) -> list[Sequence[T]]:
    """Returns `items` in runs of at most `size` items weighing at most `weight` (one item
    may weigh more on its own); always at least one run, maybe empty. An item weighs its
    `repr_length`, or `measure(item)`: that of the row it becomes."""
    out: list[Sequence[T]] = []
    start, total = 0, 0
    for n, item in enumerate(items):
        w = repr_length(item) if measure is None else measure(item)
        if n > start and (n - start >= size or total + w > weight):
            out.append(items[start:n])
            start, total = n, 0
        total += w
    out.append(items[start:])
    return out


def repr_length(item: Any) -> int:
    """`len(repr(item))`, without running the `repr` of a dataclass: its generated repr,
    `Name(a=1, b='x')`, is 3 characters a field shorter than the repr of its `__dict__`,
    `{'a': 1, 'b': 'x'}`, and the name longer, whatever the values."""
    names = _repr_fields(type(item))
    if names is not None and len(item.__dict__) == len(names):
        return len(repr(item.__dict__)) - 3 * len(names) + len(type(item).__qualname__)
    return len(repr(item))


_REPR_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _repr_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of dataclass `cls` if its repr is the generated one showing all of them
    (as its instances' `__dict__` holds them), else None."""
    try:
        return _REPR_FIELDS[cls]
    except KeyError:
        pass
    names = None
    # The generated repr is made by `exec` and wrapped against recursion.
    generated = getattr(getattr(cls.__dict__.get("__repr__"), "__wrapped__", None),
                        "__code__", None)
    if (dataclasses.is_dataclass(cls) and generated is not None
            and generated.co_filename == "<string>" and "__slots__" not in cls.__dict__
            and all(f.repr for f in dataclasses.fields(cls))):
        names = tuple(f.name for f in dataclasses.fields(cls))
    _REPR_FIELDS[cls] = names
    return names


def _repr_bytes(value: Any) -> bytes:
    return repr(value).encode("utf-8", "surrogatepass")


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

    def state(self) -> Any:
        """What the writer did, for `merge` into the writer of another process."""

    def merge(self, state: Any) -> None:
        """Adds what the writer of a worker process did (its `state()`)."""

    def write(self, rel: str, content: str | bytes) -> None:
        """Writes one file of the site."""

    def unit(self, key: str, inputs: Any,
             produce: Callable[[], Files]) -> bool:
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
        self._digests: dict[int, tuple[weakref.ref[Any], str]] = {}

    def use_store(self, store: Store) -> None:
        """Reads from `store` from now on (in a worker process: a connection of its own)."""
        self.store = self.cat.store = store

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

        def produce() -> Files:
            out: Files = {
                page.path: self.html_env.get_template(template + ".html").render(ctx),
                page.path.removesuffix(".html") + ".md":
                    self.md_env.get_template(template + ".md").render(ctx)}
            out.update(files)
            return out

        self.writer.unit(page.path, (template, sorted((k, self.hash_form(v))
                                                      for k, v in ctx.items()),
                                     sorted(files.items())), produce)
        if sitemap:
            self.sitemap.append((page.canonical, page.last_updated))

    def hash_form(self, value: Any) -> Any:
        """`value` as hashed for a page's inputs: each dataclass in it (a row of a table,
        say) by a hash of its `repr`, computed once per task however many pages show it
        while it lives (each page of a long table may have all its rows in its context)."""
        kind = type(value)
        if kind is list or kind is tuple:
            return kind(map(self.hash_form, value))
        if _repr_fields(kind) is None:
            return value
        key = id(value)
        known = self._digests.get(key)
        if known is None or known[0]() is not value:
            # Field by field, lists (of rows) row by row: no long text is made. Reprs hold
            # no NUL, which separates them.
            digest = hashlib.sha256(kind.__qualname__.encode())
            for v in value.__dict__.values():
                if type(v) is list:
                    digest.update(b"\0[")
                    for item in v:
                        digest.update(b"\0" + _repr_bytes(self.hash_form(item)))
                    digest.update(b"\0]")
                else:
                    digest.update(b"\0" + _repr_bytes(v))
            # A weak reference: the hash must not keep a page's rows alive after it.
            known = self._digests[key] = (weakref.ref(value, lambda _: self._digests.pop(
                key, None)), digest.hexdigest())
        return known[1]

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

    def run(self, workers: int = 1) -> None:
        """Renders the site; with `workers` > 1 the pages are shared with forked worker
        processes (see `parallel`), which write the same files as a serial build would."""
        cat = self.cat
        stats = Stats(len(cat.models), cat.offering_count, len(cat.providers))
        # In the order of the sitemap; workers take the model pages last.
        tasks = [Task(functools.partial(self.index, stats))]
        ids = cat.model_ids
        step = max(1, -(-len(ids) // MODEL_TASKS))
        tasks += [Task(functools.partial(self.models, ids[n:n + step]), batch=True)
                  for n in range(0, len(ids), step)]
        tasks += [Task(functools.partial(self.groups, "provider", cat.providers)),
                  Task(functools.partial(self.groups, "author", cat.authors)),
                  Task(self.changes), Task(self.quality),
                  Task(self.not_found), Task(functools.partial(self.llms, stats)),
                  Task(functools.partial(self.data, stats), weight=3), Task(self.assets)]
        if workers > 1 and hasattr(os, "fork") and len(tasks) < 256:
            segments = parallel(self, tasks, workers)
        else:
            segments = [self._task(task.run) for task in tasks]
        self.sitemap = [entry for segment in segments for entry in segment]
        self.crawler_files()

    def _task(self, task: Callable[[], None]) -> list[tuple[str, str | None]]:
        """Runs `task`; returns the sitemap entries it added."""
        start = len(self.sitemap)
        try:
            task()
        except BaseException:
            del self.sitemap[start:]
            raise
        finally:
            self._digests.clear()
        segment = self.sitemap[start:]
        del self.sitemap[start:]
        return segment

    def models(self, model_ids: Sequence[str]) -> None:
        for data in self.cat.model_data(model_ids):
            self.model(data)

    def not_found(self) -> None:
        # Served for any missing path, so its links are absolute paths under the base URL.
        self.emit("404", self.page("404.html", "Page not found", "No page at this address.",
                                   None, root=urlsplit(self.base).path), sitemap=False)

    def assets(self) -> None:
        for name in ASSETS:
            self.writer.write(f"assets/{name}", (
                resources.files("catalog") / "templates" / "assets" / name).read_bytes())

    def warm(self) -> None:
        """Compiles every template, so that forked workers share them."""
        for env in (self.html_env, self.md_env):
            for name in env.list_templates(filter_func=lambda n: not n.startswith("assets/")):
                env.get_template(name)

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

    def model(self, data: ModelData) -> None:
        """A model's page, its Markdown twin and its JSON: rendered only when what they are
        made of (`Catalog.model_inputs`) changed, which is cheaper to tell than the page."""
        cat = self.cat
        mid = data.id
        path = cat.model_path(mid)
        updated = cat.model_updated(mid)

        def produce() -> Files:
            view = cat.model_page(mid, data=data)
            description = (f"{view.name}: prices, context length and providers for "
                           f"{count(len(view.offerings), 'offering')}.")
            page = self.page(path, view.name, description, updated)
            jsonld = api.script_json(api.product_jsonld(data, page.canonical))
            ctx = {"page": page, "site": self.site, "model": view, "ranking": RANKING_NOTE,
                   "jsonld": jsonld}
            return {
                path: self.html_env.get_template("model.html").render(ctx),
                path.removesuffix(".html") + ".md":
                    self.md_env.get_template("model.md").render(ctx),
                cat.model_json_path(mid): api.dumps(api.model_json(cat, data, self.base))}

        self.writer.unit(path, ("model", RANKING_NOTE, updated, cat.model_inputs(data)),
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
        kinds = finding_kinds(self.cat, self.store)
        updated = findings_updated(self.store, self.cat.run_dates)
        # A kind keeps its findings small; each page makes rows of its own.
        row = functools.partial(finding_row, self.cat, "../")
        summaries = []
        for kind in kinds:
            parts = chunks(kind.rows, self.rows_per_page,
                           measure=lambda finding: repr_length(row(finding)))
            paths = page_paths(f"quality/{kind.stem}.html", len(parts))
            summaries.append((kind, *self.hrefs(paths[0])))
            for n, (path, part) in enumerate(zip(paths, parts, strict=True)):
                pager = self.pager(paths, n, [len(p) for p in parts])
                title = f"Data quality: {kind.kind}" + (
                    f", {pager.first:,}–{pager.last:,}" if n else "")
                page = self.page(path, title, f"Findings of kind {kind.kind} in the latest "
                                 "crawl.", updated)
                self.emit("quality_kind", page, kind=kind, rows=[row(f) for f in part],
                          pager=pager)
        total = sum(len(k.rows) for k in kinds)
        self.emit("quality", self.page(
            "quality.html", "Data quality", "What the crawler found odd, missing or "
            "contradictory in the latest crawl.", updated), kinds=summaries, total=total)

    def llms(self, stats: Stats) -> None:
        """llms.txt; llms-full.txt, which lists every offering, is made with the API
        (`data`)."""
        lines = [self.cat.llms_entry(mid, self.base) for mid in self.cat.model_ids]
        ctx = self._llms_context(stats)
        template = self.md_env.get_template("llms.txt")
        inputs = ("llms", False, sorted(ctx.items()), lines)
        self.writer.unit("llms.txt", inputs, functools.partial(
            _rendered, "llms.txt", template.render, {**ctx, "models": lines, "full": False}))

    def _llms_context(self, stats: Stats) -> dict[str, Any]:
        """What llms.txt and llms-full.txt show besides the models."""
        return {
            "site": self.site, "stats": stats, "base": MdSafe(md_destination(self.base)),
            "ranking": RANKING_NOTE, "prices_note": PRICES_NOTE,
            "providers": [llms_link(g.key, f"{self.base}providers/{g.stem}.md",
                                    count(len(g.model_ids), "model"))
                          for g in self.cat.providers.values()]}

    def crawler_files(self) -> None:
        files = sitemap_files(self.sitemap, self.base, self.sitemap_max_urls)
        files["robots.txt"] = robots_txt(self.base)
        for name, text in files.items():
            self.writer.unit(name, (name, text), functools.partial(dict, {name: text}))

    def data(self, stats: Stats) -> None:
        """The files that list every offering (the exports, `api/models.json` and
        llms-full.txt), made again only when the catalog changed."""
        self.writer.unit("exports/pricing.json", ("data", self.store.catalog_digest()),
                         functools.partial(self._data_files, stats))

    def _data_files(self, stats: Stats) -> Files:
        files: Files = dict(
            exports.site_exports(self.store, exports.generated_at(self.store)))
        models = TextFiles(("api/models.json", "llms-full.txt"),
                           functools.partial(self._write_models, stats))
        files.update(dict.fromkeys(models.paths, models))
        return files

    def _write_models(self, stats: Stats, api_fp: IO[str], llms_fp: IO[str]) -> None:
        """Writes `api/models.json` and llms-full.txt in one pass over the models."""
        cat = self.cat
        lines: list[MdSafe] = []

        def api_models() -> Iterator[dict[str, Any]]:
            for data in cat.model_data(cat.model_ids, pages=False):
                lines.append(cat.llms_entry(data.id, self.base, full=data))
                yield api.api_model(cat, data, self.base)

        api.dump(api_models(), api_fp)
        llms_fp.writelines(self.md_env.get_template("llms.txt").generate(
            self._llms_context(stats), models=lines, full=True))


#: Changes of the latest run shown on the changes page itself; the run page lists all.
LATEST_ROWS = 100


def _rendered(name: str, render: Callable[[dict[str, Any]], str], ctx: dict[str, Any]
              ) -> Files:
    return {name: render(ctx)}


#: Model pages are rendered in this many tasks, shared among the workers of a build.
MODEL_TASKS = 24
SitemapEntries = list[tuple[str, str | None]]


@dataclass(frozen=True)
class Task:
    """Some pages of the site; `batch` tasks are many small pages that even out the
    workers' shares at the end."""

    run: Callable[[], None]
    batch: bool = False
    #: Heavier tasks are taken first.
    weight: int = 1


def parallel(renderer: SiteRenderer, tasks: list[Task], workers: int) -> list[SitemapEntries]:
    """Runs `tasks` in this process and `workers - 1` forked ones; returns the sitemap
    entries of each task, in the order of `tasks`.

    Every task writes its own files, so where it runs changes nothing in the site. Tasks
    are taken from a shared queue (a pipe holding one byte per task), heavy ones first;
    a worker reads what its tasks need through a database connection of its own. Each
    worker then sends what its writer did back through a pipe, and the writers are merged.
    """
    renderer.warm()
    queue = sorted(range(len(tasks)), key=lambda n: (tasks[n].batch, -tasks[n].weight))
    read_q, write_q = os.pipe()
    os.write(write_q, bytes(queue))
    os.close(write_q)
    segments: dict[int, SitemapEntries] = {}

    def drain() -> None:
        while byte := os.read(read_q, 1):
            segments[byte[0]] = renderer._task(tasks[byte[0]].run)

    children: list[tuple[int, int]] = []
    gc.freeze()  # objects shared with the workers are not copied by their collections
    try:
        for _ in range(workers - 1):
            read_r, write_r = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover (a worker: its coverage is not collected)
                _worker(renderer, drain, segments, read_r, write_r)
            os.close(write_r)
            children.append((pid, read_r))
        drain()
        while children:
            pid, read_r = children[0]
            try:
                payload = _read_all(read_r)
            finally:
                del children[0]
                os.close(read_r)
                os.waitpid(pid, 0)
            if not payload:
                raise CatalogError("a worker process of the build stopped unexpectedly")
            ok, done, state = pickle.loads(payload)
            if not ok:
                raise (CatalogError(done[1]) if done[0] else
                       CatalogError(f"a worker process of the build failed:\n{done[1]}"))
            for n in done:
                if n in segments:
                    raise CatalogError("two workers rendered the same pages")
            segments.update(done)
            renderer.writer.merge(state)
    finally:
        gc.unfreeze()
        os.close(read_q)
        for pid, read_r in children:  # only after a failure here: stop the workers
            with contextlib.suppress(OSError):
                os.close(read_r)
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
    if len(segments) != len(tasks):
        raise CatalogError("the build's workers left pages unrendered")
    return [segments[n] for n in range(len(tasks))]


def _worker(renderer: SiteRenderer, drain: Callable[[], None],
            segments: dict[int, SitemapEntries], read_r: int, write_r: int
            ) -> None:  # pragma: no cover
    """A forked worker: renders tasks from the queue, sends back what it did, exits.
    It never uses its parent's database connection (SQLite connections must not cross
    a `fork`) but opens one of its own."""
    try:
        os.close(read_r)
        try:
            renderer.use_store(renderer.store.reader())
            drain()
            payload = pickle.dumps((True, segments, renderer.writer.state()))
        except BaseException as exc:  # reported to the parent, which raises
            payload = pickle.dumps((False, (isinstance(exc, CatalogError), str(exc)
                                            if isinstance(exc, CatalogError)
                                            else traceback.format_exc()), None))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_r, view):]
        os.close(write_r)
    finally:
        os._exit(0)


def _read_all(fd: int) -> bytes:
    chunks = []
    while block := os.read(fd, 1 << 20):
        chunks.append(block)
    return b"".join(chunks)
