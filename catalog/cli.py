"""The `catalog` command: wires crawl -> extract -> normalise -> store -> render.

Exit codes: 0 success, 1 completed with failures (listed), 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from catalog import __version__
from catalog.config import SNAPSHOT_DIR, crawl_settings, load_config
from catalog.crawl.crawler import CrawlSummary, crawl
from catalog.errors import CatalogError
from catalog.pipeline import IngestSummary, ingest_run
from catalog.render import exports
from catalog.store import Store

DEFAULT_DB = "data/catalog.db"
DEFAULT_OUT = "site"


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CatalogError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="catalog")
def cli() -> None:
    """Crawl AI model catalog sites into one SQLite catalog, and render it as a static,
    agent-readable site with pricing exports."""


def _quiet() -> bool:
    return bool(os.environ.get("CI")) or not sys.stderr.isatty()


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """Yields a progress callback that draws a bar on a terminal, or None in CI / pipes."""
    if _quiet():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, done))

        yield update


def _print_summary(summary: CrawlSummary, ingest: IngestSummary) -> None:
    s = summary.stats()
    click.echo(
        f"crawl run {summary.run_id}: {s['fetched']} fetched ({s['new_pages']} new, "
        f"{s['changed_pages']} changed, {s['unchanged_pages']} unchanged), "
        f"{s['not_modified']} not modified, {s['failed']} failed, "
        f"{sum(s['skipped'].values())} skipped, {s['retries']} retries, {s['seconds']} s"
        + ("" if summary.complete else " (incomplete)"))
    click.echo(
        f"catalog: {ingest.offerings} offerings of {ingest.models} models from "
        f"{ingest.pages} pages; {ingest.new} new, {ingest.changed} changed, "
        f"{ingest.removed} removed; {ingest.findings} findings")
    for url, reason in summary.failures[:50]:
        click.echo(f"  failed: {url}: {reason}", err=True)
    if len(summary.failures) > 50:
        click.echo(f"  ... and {len(summary.failures) - 50} more (see the pages table)", err=True)


def run_crawl(store: Store, seeds: list[str], **options: Any) -> tuple[CrawlSummary, IngestSummary]:
    """Returns the summaries of crawling `seeds` and ingesting the pages into the catalog."""
    settings = crawl_settings(load_config(), **options)
    with _progress("crawling") as progress:
        summary = crawl(store, seeds, settings, progress=progress)
    ingest = ingest_run(store, summary.run_id, complete=summary.complete)
    stats = {**summary.stats(), "offerings": {
        "new": ingest.new, "changed": ingest.changed, "removed": ingest.removed,
        "unchanged": ingest.unchanged}, "findings": ingest.findings}
    store.finish_run(summary.run_id, stats, summary.complete)
    return summary, ingest


@cli.command("crawl")
@click.argument("urls", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite catalog database.")
@click.option("--concurrency", type=click.IntRange(1, 512), help="Requests in flight overall.")
@click.option("--per-host", "per_host_concurrency", type=click.IntRange(1, 64),
              help="Requests in flight per host (default 2).")
@click.option("--delay", type=click.FloatRange(0), help="Seconds between requests to one host "
              "(default 0.5; robots.txt Crawl-delay wins if larger).")
@click.option("--max-pages", type=click.IntRange(1), help="Stop discovering after N URLs.")
@click.option("--ignore-robots", is_flag=True, default=None,
              help="Ignore robots.txt (only for sites you own).")
@click.option("--allow-host", "allow_hosts", multiple=True, help="Also crawl this host.")
@click.option("--user-agent", help="User-Agent, with a contact URL or address.")
def crawl_cmd(urls: tuple[str, ...], db: str, **options: Any) -> None:
    """Crawl catalog sites from URLS into the database, then normalise what they list.

    An interrupted crawl with the same URLs resumes where it stopped.
    """
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise CatalogError(f"{url!r} is not an http(s) URL; give a site URL such as "
                               "https://example.org/")
    options["allow_hosts"] = list(options["allow_hosts"]) or None
    store = Store(db)
    summary, _ = run_crawl(store, list(urls), **options)
    _print_summary(summary, _)
    if summary.failures:
        sys.exit(1)


def _build(store: Store, out: Path, base_url: str | None) -> Any:
    from catalog.render.site import build_site

    return build_site(store, out, base_url=base_url)


def _open_existing(db: str) -> Store:
    if not Path(db).is_file():
        raise CatalogError(f"{db} does not exist; run `catalog crawl URL --db {db}` first")
    return Store(db)


@cli.command("build")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--out", default=DEFAULT_OUT, show_default=True, type=click.Path(path_type=Path))
@click.option("--base-url", help="Absolute URL the site will be served from.")
def build_cmd(db: str, out: Path, base_url: str | None) -> None:
    """Render the static catalog site from the database."""
    store = _open_existing(db)
    report = _build(store, out, base_url)
    click.echo(f"built {out}/: {report.pages_written} files written, "
               f"{report.files_unchanged} unchanged, {report.seconds:.2f} s")


@cli.command("export")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default stdout).")
@click.option("--excel", is_flag=True, help="CSV: start with a UTF-8 BOM for Excel.")
def export_cmd(db: str, fmt: str, out: Path | None, excel: bool) -> None:
    """Export one row per offering: prices, IDs, provider, author, dates (see README)."""
    store = _open_existing(db)
    rows = exports.offering_rows(store)
    latest = store.latest_run_id()
    generated_at = store.run(latest)["finished_at"] if latest else None
    fp = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        if fmt == "json":
            exports.write_json(rows, fp, generated_at)
        else:
            exports.write_csv(rows, fp, excel=excel)
    finally:
        if out:
            fp.close()


@cli.command("diff")
@click.option("--db", default=DEFAULT_DB, show_default=True)
def diff_cmd(db: str) -> None:
    """Show what changed between the last two complete crawl runs."""
    store = _open_existing(db)
    runs = store.complete_runs()
    if len(runs) < 2:
        raise CatalogError(f"{db} has {len(runs)} complete run(s); diff needs two: crawl again")
    before, after = runs[-2], runs[-1]
    changes = store.changes(before, after)
    click.echo(f"changes from run {before} to run {after}:")
    for row in changes["new"]:
        click.echo(f"  new      {row['model_id']} ({row['provider']}) {row['url']}")
    for row in changes["removed"]:
        click.echo(f"  removed  {row['model_id']} ({row['provider']}) {row['url']}")
    for row in changes["prices"]:
        click.echo(f"  price    {row['model_id']} ({row['provider']}) {row['component']}: "
                   f"{row['old_amount'] or '-'} -> {row['new_amount']} {row['currency']}")
    total = sum(len(v) for v in changes.values())
    click.echo(f"{total} change(s)")


@cli.command("demo")
@click.option("--out", default=DEFAULT_OUT, show_default=True, type=click.Path(path_type=Path))
@click.option("--db", default="data/demo.db", show_default=True,
              help="Database for the demo (recreated on every run).")
def demo_cmd(out: Path, db: str) -> None:
    """Serve the bundled catalog mirror on 127.0.0.1, crawl it, and build the site."""
    from catalog.serve import serving

    if not (SNAPSHOT_DIR / "robots.txt").is_file():
        raise CatalogError(f"no bundled mirror at {SNAPSHOT_DIR}; run `make snapshot` in a clone "
                           "of the repository")
    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    store = Store(db)
    with serving(SNAPSHOT_DIR, substitute_origin=True) as base:
        click.echo(f"serving the bundled mirror {SNAPSHOT_DIR} at {base}/")
        summary, ingest = run_crawl(store, [base + "/"], concurrency=16,
                                    per_host_concurrency=16, delay=0.0)
    crawled = time.monotonic()
    report = _build(store, out, None)
    built = time.monotonic()
    counts = store.counts()
    _print_summary(summary, ingest)
    click.echo(
        f"\ndemo done in {built - started:.1f} s (crawl + normalise {crawled - started:.1f} s, "
        f"build {built - crawled:.1f} s): {summary.stats()['fetched']} pages fetched, "
        f"{counts['models']} models, {counts['offerings']} offerings, "
        f"{counts['providers']} providers, {ingest.findings} findings")
    click.echo(f"site: {out.resolve()}/ ({report.pages_written} files); "
               f"database: {db}")
    click.echo(f"preview it: catalog serve {out}")
    if summary.failures:
        sys.exit(1)


@cli.command("serve")
@click.argument("directory", default=DEFAULT_OUT, type=click.Path(path_type=Path))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve_cmd(directory: Path, port: int) -> None:
    """Preview a built site on http://127.0.0.1:PORT/."""
    from catalog.serve import make_server

    if not (directory / "index.html").is_file():
        raise CatalogError(f"{directory}/index.html not found; run `catalog build --out "
                           f"{directory}` first")
    server = make_server(directory, port)
    click.echo(f"serving {directory}/ at http://127.0.0.1:{server.server_address[1]}/ "
               "(Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main() -> None:
    cli(prog_name="catalog")
