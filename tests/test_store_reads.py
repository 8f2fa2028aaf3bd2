"""The reads a site build makes: a few models at a time, lean, streamed or in another
process, each gives what the full read it stands for gives.

The fixture is the exports' catalog (`test_exports.make_catalog`): two runs, a price
change, a removed offering, related links and findings.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import simplejson

from catalog.errors import CatalogError
from catalog.render import build_site, exports
from catalog.store import Store
from tests.test_exports import make_catalog


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalog(tmp_path_factory.mktemp("reads") / "catalog.db")


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store(db)
    yield s
    s.close()


@pytest.mark.parametrize("model_ids", [["acme/chat"], ["pix/draw", "evil/model"], [],
                                       ["no/such-model"]])
def test_reads_of_some_models_are_their_rows_of_the_full_reads(
        store: Store, model_ids: list[str]) -> None:
    wanted = set(model_ids)
    for removed in (False, True):
        assert store.offerings(removed, model_ids) == [
            o for o in store.offerings(removed) if o["model_id"] in wanted]
    ids = {o["id"] for o in store.offerings(include_removed=True) if o["model_id"] in wanted}
    for tiers in (False, True):
        assert store.price_history(tiers, model_ids) == [
            p for p in store.price_history(tiers) if p["offering_id"] in ids]
    assert store.related_edges(model_ids) == [
        e for e in store.related_edges() if e["offering_id"] in ids]
    assert store.models(model_ids) == [m for m in store.models() if m["id"] in wanted]


def test_listing_offerings_are_the_full_offerings_cut_down(store: Store) -> None:
    full = store.offerings(include_removed=True)
    lean = list(store.listing_offerings())
    assert [o["id"] for o in lean] == [o["id"] for o in full]
    assert any(o["status"] == "removed" for o in lean)
    for whole, cut in zip(full, lean, strict=True):
        kept = [k for k in cut if k not in ("prices", "currency")]
        assert {k: cut[k] for k in kept} == {k: whole[k] for k in kept}
        if whole["status"] == "active":
            assert (cut["prices"], cut["currency"]) == (whole["prices"], whole["currency"])
        else:
            assert (cut["prices"], cut["currency"]) == ({}, None)


def test_findings_are_found_by_model_and_by_id(store: Store) -> None:
    latest = store.findings()
    model_of = {o["id"]: o["model_id"] for o in store.offerings(include_removed=True)}
    expected: dict[str, list[int]] = {}
    for f in sorted(latest, key=lambda f: f["id"]):
        if f["offering_id"] in model_of:
            expected.setdefault(model_of[f["offering_id"]], []).append(f["id"])
    assert store.finding_ids_by_model() == expected
    ids = [n for found in expected.values() for n in found]
    assert store.findings_by_id(list(reversed(ids))) == [f for f in latest if f["id"] in ids]
    assert store.findings_by_id([]) == []
    for run in (1, 2):
        assert list(store.finding_keys(run)) == [
            (f["url"], f["offering_id"], f["field"], f["kind"], f["detail"])
            for f in store.findings(run)]


@pytest.mark.parametrize("what", exports.WHATS)
def test_streamed_exports_match_the_full_read(store: Store, what: str) -> None:
    """A `Store` is read row by row (`Store.export_prices`, ...); the cached full read
    (`exports.ReadOnce`) is sorted in Python: both give the same rows."""
    streamed = exports.build_export(store, what)
    full = exports.build_export(exports.ReadOnce(store), what)
    assert streamed.rows == full.rows
    for fmt in exports.FORMATS:
        assert (exports.export_text(streamed, fmt, "2026-01-01T00:00:00Z")
                == exports.export_text(full, fmt, "2026-01-01T00:00:00Z"))


def test_one_pass_writes_every_format_as_write_export_does(store: Store) -> None:
    export = exports.build_export(store, "offerings")
    files = {fmt: io.StringIO() for fmt in exports.FORMATS}
    exports.write_exports(export, files, "2026-01-01T00:00:00Z", excel=True)
    for fmt, fp in files.items():
        assert fp.getvalue() == exports.export_text(export, fmt, "2026-01-01T00:00:00Z",
                                                    excel=True)
    with pytest.raises(ValueError):
        exports.write_exports(export, {"xml": io.StringIO()}, None)


@pytest.mark.parametrize("items", [[], [{}], [[]], [Decimal("0.10"), None, "a\nb"],
                                   [{"b": [1, {"c": "x"}], "a": {"d": []}}, {"e": "é"}]])
@pytest.mark.parametrize("indent", [1, 2])
def test_a_json_array_written_item_by_item_is_what_dumps_writes(
        items: list[Any], indent: int) -> None:
    options: dict[str, Any] = {"use_decimal": True, "sort_keys": True, "ensure_ascii": False}
    for level, doc in ((0, items), (1, {"k": items})):
        fp = io.StringIO()
        head, _, tail = simplejson.dumps(
            {"k": []} if level else [], indent=indent, **options).rpartition("[]")
        fp.write(head)
        array = exports.JsonArray(fp, indent, level, **options)
        for item in items:
            array.add(item)
        array.close()
        fp.write(tail)
        assert fp.getvalue() == simplejson.dumps(doc, indent=indent, **options)


def test_the_catalog_digest_changes_with_the_catalog(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    with sqlite3.connect(db) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    store = Store(path)
    try:
        before = store.catalog_digest()
        assert store.catalog_digest() == before
        store.db.conn.execute("UPDATE prices SET amount = '9.5' "
                              "WHERE rowid = (SELECT min(rowid) FROM prices)")
        assert store.catalog_digest() != before
    finally:
        store.close()


def test_first_listing_counts_what_the_first_runs_listed(store: Store) -> None:
    first = store.changes(0, 1)["new"]
    assert store.first_listing(1) == (len(first), len({o["model_id"] for o in first}))
    assert store.first_listing(2)[0] == len(store.offerings(include_removed=True))


def test_a_reader_reads_the_same_and_writes_nothing(store: Store) -> None:
    reader = store.reader()
    try:
        assert reader.offerings(include_removed=True) == store.offerings(include_removed=True)
        with pytest.raises(sqlite3.OperationalError):
            reader.db.conn.execute("DELETE FROM runs")
    finally:
        reader.close()
    memory = Store(":memory:")
    with pytest.raises(CatalogError):
        memory.reader()
    memory.close()


def test_workers_build_the_same_site_as_one_process(db: Path, tmp_path: Path) -> None:
    """Forked workers read through connections of their own; the site is the same."""
    store = Store(db)
    try:
        for workers in (1, 3):
            build_site(store, tmp_path / f"site-{workers}", "https://catalog.example/",
                       search=False, workers=workers)
    finally:
        store.close()
    trees = [{p.relative_to(root).as_posix(): p.read_bytes()
              for p in sorted(root.rglob("*")) if p.is_file()}
             for root in (tmp_path / "site-1", tmp_path / "site-3")]
    assert trees[0] == trees[1]
