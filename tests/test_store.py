"""The catalog database: price history, removals, failed fetches, schema versions."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.errors import CatalogError
from catalog.normalise.records import Offering, Price
from catalog.store import SCHEMA_VERSION, FetchResult, Store, offering_id

URL = "http://127.0.0.1:1/models/p/m"


def _offering(url: str = URL, input_price: str = "0.075", output_price: str = "0.2") -> Offering:
    return Offering(
        url=url, catalog="Test", provider="p", source_model_id="m", model_id="a/m", name="M",
        prices=(Price(component="input", unit="per_1m_tokens", amount=Decimal(input_price),
                      currency="USD"),
                Price(component="output", unit="per_1m_tokens", amount=Decimal(output_price),
                      currency="USD")))


def _model() -> dict[str, object]:
    return {"id": "a/m", "name": "M", "modalities": []}


def _save(store: Store, offerings: list[Offering], complete: bool = True) -> dict[str, int]:
    run = store.start_run(["http://127.0.0.1:1/"], {})
    counts = store.save_catalog(run, offerings, [], [_model()], complete)
    store.finish_run(run, {}, complete)
    return counts


def test_prices_are_versioned_only_when_they_change(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    assert _save(store, [_offering()])["new"] == 1
    assert _save(store, [_offering()])["unchanged"] == 1
    assert _save(store, [_offering(input_price="0.080")])["changed"] == 1
    rows = store.db.conn.execute(
        "SELECT component, amount, valid_from_run, valid_to_run FROM prices "
        "ORDER BY component, valid_from_run").fetchall()
    assert rows == [("input", "0.075", 1, 3), ("input", "0.08", 3, None),
                    ("output", "0.2", 1, None)]
    [off] = store.offerings()
    assert off["prices"] == {"input": Decimal("0.08"), "output": Decimal("0.2")}
    changes = store.changes(2, 3)
    assert [(c["component"], c["old_amount"], c["new_amount"]) for c in changes["prices"]] == [
        ("input", "0.075", "0.08")]


def test_offering_missing_from_complete_crawl_is_removed_not_deleted(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    other = "http://127.0.0.1:1/models/p/other"
    _save(store, [_offering(), _offering(other)])
    _save(store, [_offering()], complete=False)
    assert len(store.offerings()) == 2, "an incomplete crawl removes nothing"
    assert _save(store, [_offering()])["removed"] == 1
    assert [o["url"] for o in store.offerings()] == [URL]
    removed = [o for o in store.offerings(include_removed=True) if o["status"] == "removed"]
    assert [o["url"] for o in removed] == [other]
    assert store.db.conn.execute(
        "SELECT count(*) FROM prices WHERE offering_id = ? AND valid_to_run IS NULL",
        (offering_id(other),)).fetchone()[0] == 0


def test_failed_fetch_keeps_last_good_copy(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    run = store.start_run(["x"], {})
    store.enqueue(run, [(URL, "page", 0, None)])
    assert store.record_fetch(run, FetchResult(URL, status=200, body=b"good", etag='"1"')) == "new"
    assert store.record_fetch(run, FetchResult(URL, error="HTTP 503", status=503)) == "failed"
    [page] = store.pages([URL])
    assert page.body == b"good" and page.status == 200
    assert store.page_errors() == [(URL, "HTTP 503")]
    assert store.validators(URL) == ('"1"', None)
    assert store.record_fetch(run, FetchResult(URL, status=200, body=b"good")) == "unchanged"
    assert store.page_errors() == []
    assert store.record_fetch(run, FetchResult(URL, status=200, body=b"new")) == "changed"


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION + 1),))
    with pytest.raises(CatalogError, match=rf"has schema {SCHEMA_VERSION + 1}, this version of "
                                           rf"catalog knows up to {SCHEMA_VERSION}"):
        Store(path)


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(CatalogError, match="not a catalog database"):
        Store(path)


def test_not_sqlite_at_all_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CatalogError, match="not a catalog database"):
        Store(path)
