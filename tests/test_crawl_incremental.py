"""Re-crawls of the bundled mirror: conditional GETs, no re-extraction of unchanged pages,
and price changes recorded as new price versions that `catalog diff` shows."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import cli, run_crawl
from catalog.config import SNAPSHOT_DIR
from catalog.crawl.crawler import CrawlSummary
from catalog.extract import dispatch
from catalog.pipeline import IngestSummary
from catalog.store import Store, offering_id
from tests.crawl_support import mirror_process

# (provider, model, component, old, new): prices the re-crawled mirror changes
CHANGES = [("abacus", "o3-mini", "input", "1.10", "1.25"),
           ("abacus", "o3-mini", "output", "4.40", "4.00"),
           ("302ai", "gpt-5-pro", "output", "120.00", "99.50")]


@dataclass
class Mirror:
    """A copy of the bundled mirror served on 127.0.0.1 and crawled once into `db`."""

    root: Path
    base: str
    db: Path
    first: CrawlSummary

    def crawl(self) -> tuple[CrawlSummary, IngestSummary]:
        store = Store(self.db)
        try:
            return run_crawl(store, [self.base + "/"], concurrency=16, per_host_concurrency=16,
                             delay=0.0)
        finally:
            store.close()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mirror]:
    root = tmp_path_factory.mktemp("incremental") / "site"
    shutil.copytree(SNAPSHOT_DIR, root)
    with mirror_process(root) as base:
        m = Mirror(root, base, root.parent / "catalog.db", None)  # type: ignore[arg-type]
        m.first, _ = m.crawl()
        yield m


def _change_price(root: Path, provider: str, model: str, component: str, old: str,
                  new: str) -> list[Path]:
    """Changes one price everywhere the mirror states it; returns the files changed."""
    label = component.capitalize()
    edits = [
        (root / "models" / provider / model / "index.html",
         rf'(<tr data-price="{component}">.*?)\${re.escape(old)} ', rf"\g<1>${new} "),
        (root / "models" / provider / f"{model}.md", rf"{label} \${re.escape(old)} /",
         f"{label} ${new} /"),
        (root / "models" / provider / model / "llms.txt", rf"\${re.escape(old)} {component}\b",
         f"${new} {component}"),
        (root / "llms.txt", rf"(/models/{provider}/{re.escape(model)}\.md\).*?)"
                            rf"\${re.escape(old)} {component}\b", rf"\g<1>${new} {component}"),
        (root / "models" / provider / "index.html",
         rf'(data-model-id="{re.escape(model)}".*?)\${re.escape(old)} {component}\b',
         rf"\g<1>${new} {component}"),
    ]
    for path, pattern, replacement in edits:
        text, n = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1)
        assert n == 1, f"{path}: {pattern} not found; has the mirror's format changed?"
        path.write_text(text, encoding="utf-8")
    return [path for path, _, _ in edits]


def test_first_crawl_is_complete(mirror: Mirror) -> None:
    assert mirror.first.complete and mirror.first.failures == []
    assert mirror.first.outcomes["new"] > 2000


def test_recrawl_of_the_unchanged_mirror_is_304_and_extracts_nothing(
        mirror: Mirror, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = dispatch.extract_page

    def counting(url: str, content_type: str | None, body: bytes) -> object:
        calls.append(url)
        return real(url, content_type, body)

    monkeypatch.setattr(dispatch, "extract_page", counting)
    summary, ingest = mirror.crawl()
    requested = summary.outcomes["not_modified"] + summary.stats()["fetched"]
    assert summary.outcomes["not_modified"] >= 0.95 * requested, summary.stats()
    assert requested >= 2000 and summary.failures == [] and summary.complete
    assert calls == [], f"re-extracted unchanged pages: {calls[:5]}"
    assert summary.extracted == 0 and ingest.extracted == 0
    assert (ingest.new, ingest.changed, ingest.removed) == (0, 0, 0)
    assert ingest.unchanged == ingest.offerings > 600
    store = Store(mirror.db)
    assert store.db.conn.execute("SELECT count(*) FROM prices WHERE valid_from_run = ?",
                                 (summary.run_id,)).fetchone() == (0,)
    stats = store.run(summary.run_id)["stats"]
    assert stats["not_modified"] == summary.outcomes["not_modified"]
    assert stats["offerings"] == {"new": 0, "changed": 0, "removed": 0,
                                  "unchanged": ingest.offerings}


def test_recrawl_after_price_changes_records_exactly_those_changes(mirror: Mirror) -> None:
    changed_files: set[Path] = set()
    for change in CHANGES:
        changed_files.update(_change_price(mirror.root, *change))
    summary, ingest = mirror.crawl()
    assert summary.outcomes["changed"] == len(changed_files)
    assert summary.extracted == len(changed_files), "only changed pages are extracted"
    assert ingest.changed == len({(p, m) for p, m, *_ in CHANGES}) and ingest.removed == 0
    store = Store(mirror.db)
    run = summary.run_id
    new_versions = {row for row in store.db.conn.execute(
        "SELECT offering_id, component, amount FROM prices WHERE valid_from_run = ?", (run,))}
    url = f"{mirror.base}/models/{{}}/{{}}"
    assert new_versions == {(offering_id(url.format(p, m)), c, new.rstrip("0").rstrip("."))
                            for p, m, c, _, new in CHANGES}
    closed = {row for row in store.db.conn.execute(
        "SELECT offering_id, component, amount FROM prices WHERE valid_to_run = ?", (run,))}
    assert closed == {(offering_id(url.format(p, m)), c, old.rstrip("0").rstrip("."))
                      for p, m, c, old, _ in CHANGES}

    result = CliRunner().invoke(cli, ["diff", "--db", str(mirror.db)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.lstrip().startswith("price")]
    assert len(lines) == len(CHANGES), result.output
    assert [line for line in lines if re.fullmatch(
        r"\s*price\s+\S*o3-mini \(abacus\) input: 1\.1 -> 1\.25 USD", line)], result.output
