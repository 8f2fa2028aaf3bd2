"""How a model was resolved is stored: rule, confidence and evidence per offering, and
every source ID of a model in `aliases`, in new and migrated databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from catalog.normalise.identity import Listing, resolve
from catalog.normalise.records import Offering
from catalog.store import SCHEMA_VERSION, Store


def offering(url: str, source: str, provider: str) -> Offering:
    return Offering(url=url, catalog="Test", provider=provider, source_model_id=source,
                    model_id="pending", name=source)


def save(store: Store, offerings: list[Offering], complete: bool = True) -> None:
    matches = resolve([Listing(o.source_model_id, o.provider, o.catalog) for o in offerings])
    resolved = [o.model_copy(update={"model_id": m.model_id})
                for o, m in zip(offerings, matches, strict=True)]
    models = [{"id": mid, "name": mid} for mid in sorted({m.model_id for m in matches})]
    run = store.start_run(["https://x.test/"], {})
    store.save_catalog(run, resolved, [], models, complete,
                       matches={o.url: m for o, m in zip(offerings, matches, strict=True)})
    store.finish_run(run, {}, complete)


def test_rule_confidence_evidence_and_aliases_are_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    save(store, [offering("https://x.test/a", "openai/gpt-5.4", "openrouter"),
                 offering("https://x.test/b", "openai-gpt-54", "venice"),
                 offering("https://x.test/c", "gpt-5.4", "azure")])
    rows = {o["url"]: o for o in store.offerings()}
    assert {o["model_id"] for o in rows.values()} == {"openai/gpt-5.4"}
    venice = rows["https://x.test/b"]
    assert venice["model_rule"] == "dotless_version" and venice["model_confidence"] < 0.97
    assert venice["model_evidence"][0] == "dotless_version: 54 gpt"
    assert rows["https://x.test/c"]["model_rule"] == "exact"
    aliases = store.model_aliases()["openai/gpt-5.4"]
    assert [(a["alias"], a["provider"]) for a in aliases] == [
        ("gpt-5.4", "azure"), ("openai-gpt-54", "venice"), ("openai/gpt-5.4", "openrouter")]
    assert {a["rule"] for a in aliases} == {"exact", "dotless_version"}

    # a later complete crawl without venice: the offering is removed, its alias is kept
    save(store, [offering("https://x.test/a", "openai/gpt-5.4", "openrouter"),
                 offering("https://x.test/c", "gpt-5.4", "azure")])
    assert len(store.offerings()) == 2
    assert "openai-gpt-54" in {a["alias"] for a in store.model_aliases()["openai/gpt-5.4"]}


def test_an_older_database_gains_the_identity_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:  # make it look like a schema-2 database
        for column in ("model_rule", "model_confidence", "model_evidence"):
            conn.execute(f"ALTER TABLE offerings DROP COLUMN {column}")
        conn.execute("DROP TABLE aliases")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    store = Store(path)
    columns = {r[1] for r in store.db.conn.execute("PRAGMA table_info(offerings)")}
    assert {"model_rule", "model_confidence", "model_evidence"} <= columns
    version = store.db.conn.execute(
        "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION >= 3
    save(store, [offering("https://x.test/a", "qwen/qwen3-32b", "openrouter")])
    assert store.offerings()[0]["model_rule"] == "exact"
    assert store.model_aliases()["qwen/qwen3-32b"][0]["alias"] == "qwen/qwen3-32b"
