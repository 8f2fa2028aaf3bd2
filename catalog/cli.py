"""The `catalog` command: wires crawl -> extract -> normalise -> store -> render.

Exit codes: 0 success, 1 completed with failures (listed), 2 usage or input error.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import simplejson

from catalog import __version__
from catalog.config import SNAPSHOT_DIR, crawl_settings, load_config
from catalog.errors import CatalogError
from catalog.render import cost, exports
from catalog.store import Store

if TYPE_CHECKING:  # the crawl stack is imported by the commands that crawl: it is slow
    from catalog.crawl.crawler import CrawlSummary
    from catalog.pipeline import IngestSummary

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
        + ("" if summary.complete else " (incomplete)") + (" (resumed)" if summary.resumed else ""))
    for label, counts in (("failed", s["failed_by_reason"]), ("skipped", s["skipped"])):
        if counts:
            click.echo(f"  {label}: " + ", ".join(f"{n} {kind.replace('_', ' ')}"
                                                  for kind, n in counts.items()))
    click.echo(f"  extracted anew: {summary.extracted + ingest.extracted} pages "
               "(unchanged pages are not extracted again)")
    for note in summary.notes:
        click.echo(f"  note: {note}")
    click.echo(
        f"catalog: {ingest.offerings} offerings of {ingest.models} models from "
        f"{ingest.pages} pages; {ingest.new} new, {ingest.changed} changed, "
        f"{ingest.removed} removed; {ingest.findings} findings")
    for url, reason in summary.failures[:50]:
        click.echo(f"  failed: {url}: {reason}", err=True)
    if len(summary.failures) > 50:
        click.echo(f"  ... and {len(summary.failures) - 50} more (see the pages table)", err=True)


def run_crawl(store: Store, seeds: list[str], resume: bool = True,
              **options: Any) -> tuple[CrawlSummary, IngestSummary]:
    """Returns the summaries of crawling `seeds` and ingesting the pages into the catalog.

    An unfinished run with the same seeds is resumed (unless `resume` is False)."""
    from catalog.crawl.crawler import crawl, crawl_lock
    from catalog.pipeline import ingest_run

    settings = crawl_settings(load_config(), **options)
    with crawl_lock(store.path):
        with _progress("crawling") as progress:
            summary = crawl(store, seeds, settings, progress=progress, resume=resume)
        ingest = ingest_run(store, summary.run_id, complete=summary.complete)
        stats = {**summary.stats(), "offerings": {
            "new": ingest.new, "changed": ingest.changed, "removed": ingest.removed,
            "unchanged": ingest.unchanged}, "findings": ingest.findings,
            "extracted": summary.extracted + ingest.extracted}
        store.finish_run(summary.run_id, stats, summary.complete)
    return summary, ingest


@cli.command("crawl")
@click.argument("urls", nargs=-1)
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
@click.option("--resume", is_flag=True,
              help="Resume the last interrupted crawl in --db (URLS may be left out).")
@click.option("--fresh", is_flag=True,
              help="Start over even if a crawl of these URLS was interrupted.")
def crawl_cmd(urls: tuple[str, ...], db: str, resume: bool, fresh: bool,
              **options: Any) -> None:
    """Crawl catalog sites from URLS into the database, then normalise what they list.

    An interrupted crawl with the same URLs resumes where it stopped (no finished page is
    fetched again); re-crawls send conditional GETs and extract only changed pages.
    """
    if resume and fresh:
        raise click.UsageError("--resume and --fresh exclude each other")
    if not urls and not resume:
        raise click.UsageError("give the URL of at least one site to crawl (or --resume)")
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise CatalogError(f"{url!r} is not an http(s) URL; give a site URL such as "
                               "https://example.org/")
    options["allow_hosts"] = list(options["allow_hosts"]) or None
    store = Store(db)
    seeds = list(urls)
    if resume:
        from catalog.crawl.discover import normalise_url

        run_id = store.unfinished_run([normalise_url(u) for u in seeds] if seeds else None)
        if run_id is None:
            raise CatalogError(f"no interrupted crawl{' of these URLs' if seeds else ''} in "
                               f"{db} to resume; leave out --resume to start one")
        seeds = store.run(run_id)["seeds"]
    summary, ingest = run_crawl(store, seeds, resume=not fresh, **options)
    _print_summary(summary, ingest)
    if summary.failures:
        sys.exit(1)


def _build(store: Store, out: Path, base_url: str | None, search: bool | None = None) -> Any:
    from catalog.render.site import build_site

    report = build_site(store, out, base_url=base_url, search=search)
    for page in report.oversized:
        click.echo(f"warning: {out}/{page} is over 200 KB of HTML", err=True)
    return report


def _open_existing(db: str) -> Store:
    if not Path(db).is_file():
        raise CatalogError(f"{db} does not exist; run `catalog crawl URL --db {db}` first")
    return Store(db)


@cli.command("build")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--out", default=DEFAULT_OUT, show_default=True, type=click.Path(path_type=Path))
@click.option("--base-url", help="Absolute URL the site will be served from.")
@click.option("--search/--no-search", default=None,
              help="Build the Pagefind search index (default: when Pagefind is installed).")
def build_cmd(db: str, out: Path, base_url: str | None, search: bool | None) -> None:
    """Render the static catalog site from the database.

    Only pages whose data changed since the previous build in OUT are rendered again.
    """
    store = _open_existing(db)
    report = _build(store, out, base_url, search)
    click.echo(f"built {out}/: {report.summary()}")


def _parsed(parse: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option callback that reads the value with `parse`; its ValueError becomes a usage
    error (exit 2) naming the option."""
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None

    return callback


_TOKENS = _parsed(cost.parse_count)
_CALLS = _parsed(lambda text: cost.parse_count(text, "calls"))
_SHARE = _parsed(cost.parse_share)
_PRICE = _parsed(lambda text: cost.parse_quantity(text.strip().removeprefix("$")))
_WEIGHTS = _parsed(exports.parse_weights)


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the offering filters shared by `export` and `cost`."""
    for option in reversed([
        click.option("--provider", "providers", multiple=True,
                     help="Only offerings served by this provider (repeatable: any of them)."),
        click.option("--author", "authors", multiple=True,
                     help="Only models by this author (repeatable: any of them)."),
        click.option("--modality", "modalities", multiple=True,
                     help="Only offerings listing this modality (repeatable: all of them)."),
        click.option("--free/--paid", "free", default=None,
                     help="Only offerings whose every price is 0 / that have a price above 0."),
        click.option("--min-context", callback=_TOKENS, metavar="N",
                     help="Only offerings with a context length of at least N tokens (128k)."),
        click.option("--max-input-price", callback=_PRICE, metavar="USD",
                     help="Only offerings with a USD input price per 1M tokens of at most this."),
    ]):
        command = option(command)
    return command


def _filters(options: dict[str, Any]) -> exports.Filters:
    return exports.Filters(
        providers=options["providers"], authors=options["authors"],
        modalities=options["modalities"], free=options["free"],
        min_context=None if options["min_context"] is None else int(options["min_context"]),
        max_input_price=options["max_input_price"])


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8", newline="")


@cli.command("export")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--what", type=click.Choice(exports.WHATS), default="offerings",
              show_default=True, help="One row per offering, per canonical model (with its "
              "cheapest offering), per current price component, per price version, or per "
              "data-quality finding.")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="csv",
              show_default=True, help="jsonl: one JSON object per row and line.")
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default stdout).")
@click.option("--excel", is_flag=True, help="CSV: start with a UTF-8 BOM for Excel.")
@click.option("--blend", callback=_WEIGHTS, default="3:1", show_default=True, metavar="I:O",
              help="Input:output weights of the blended price, which ranks offerings.")
@_filter_options
@click.option("--schema", "print_schema", is_flag=True,
              help="Write the JSON Schema of the --what JSON document instead of data.")
def export_cmd(db: str, what: str, fmt: str, out: Path | None, excel: bool,
               blend: tuple[int, int], print_schema: bool, **options: Any) -> None:
    """Export the catalog: one row per offering (default), model, price, price version or
    finding, with a fixed column order and sort (see README) so exports diff cleanly.

    Filters choose offerings; every --what keeps the rows of the chosen offerings. CSV is
    spreadsheet-safe (UTF-8, RFC 4180, text that could run as a formula gets a leading ');
    JSON and JSONL carry exact decimal numbers.
    """
    if excel and fmt != "csv":
        raise click.UsageError("--excel applies to --format csv only")
    if print_schema:
        _write_text(simplejson.dumps(exports.SCHEMAS[what], indent=2) + "\n", out)
        return
    store = _open_existing(db)
    export = exports.build_export(store, what, _filters(options), blend)
    generated = exports.generated_at(store)
    if out is None:
        exports.write_export(export, fmt, sys.stdout, generated, excel)
        return
    # streamed row by row into a file beside `out`, which replaces it once complete
    part = out.with_name(f".{out.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline="") as fp:
            exports.write_export(export, fmt, fp, generated, excel)
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)


@cli.command("cost")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--input-tokens", callback=_TOKENS, required=True, metavar="N",
              help="All input (prompt) tokens of the workload, cached ones included.")
@click.option("--output-tokens", callback=_TOKENS, required=True, metavar="N",
              help="All output tokens of the workload.")
@click.option("--calls", callback=_CALLS, metavar="N",
              help="Requests in the workload: multiplies per-request prices. Without it, "
              "offerings that charge per request are not priced.")
@click.option("--cached-input", callback=_SHARE, metavar="P%|N",
              help="The part of the input tokens read from a prompt cache, as a percentage "
              "(30%) or tokens (600k): billed at the cache-read price where one is listed, "
              "else at the input price.")
@click.option("--top", type=click.IntRange(0), default=20, show_default=True,
              help="Show the cheapest N (0: all).")
@click.option("--models", "by_model", is_flag=True,
              help="Rank models, each by its cheapest offering, instead of offerings.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@_filter_options
def cost_cmd(db: str, input_tokens: Decimal, output_tokens: Decimal, calls: Decimal | None,
             cached_input: cost.Share | None, top: int, by_model: bool, fmt: str,
             **options: Any) -> None:
    """Rank offerings (or models) by what a workload costs on them, cheapest first.

    \b
    cost = (input - cached) x input price + cached x cache-read price
         + output x output price          (prices per 1M tokens)
         + calls x per-request price,     exact, in USD.

    Offerings listed only per request cost calls x that price. Cache writes, reasoning,
    per-image and per-second prices are not part of the workload. Context-tier prices
    (for long prompts) are not applied: base prices are, and a note says so. Offerings
    that cannot be priced (no price, not USD, a needed price missing, per request without
    --calls) are listed with the reason. Numbers take k, M, B suffixes and exponents: 500k, 2M,
    1.5e6.
    """
    try:
        workload = cost.Workload.of(input_tokens, output_tokens, calls, cached_input)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--cached-input'") from None
    store = _open_existing(db)
    ranking = cost.rank_store(store, workload, _filters(options), by_model)
    if fmt == "table":
        cost.print_table(ranking, top)
        return
    buf = io.StringIO(newline="")
    if fmt == "json":
        cost.write_cost_json(ranking, buf, top, exports.generated_at(store))
    else:
        cost.write_cost_csv(ranking, buf, top)
    _write_text(buf.getvalue(), None)


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


@cli.command("resolve")
@click.option("--aliases", "aliases_file", type=click.Path(path_type=Path),
              help="Identity rules and overrides (default data/aliases.toml).")
@click.option("--db", help="Also resolve against this catalog's offerings, so IDs map to its "
              "models.")
def resolve_cmd(aliases_file: Path | None, db: str | None) -> None:
    """Resolve model IDs to canonical models: JSON lines in on stdin, out on stdout.

    Each line {"provider": ..., "provider_model_id": ..., "name": ...} comes back with
    "model_id", "rule", "confidence" and "evidence", by the resolver the crawl uses.
    """
    from catalog.normalise.identity import load_rules
    from catalog.resolve import db_listings, resolve_lines

    rules = load_rules(aliases_file)
    context = db_listings(_open_existing(db)) if db else None
    resolve_lines(sys.stdin, sys.stdout, rules, context)


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
    click.echo(f"site: {out.resolve()}/ ({report.files_written} files; search: {report.search}); "
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
