"""Context-tier prices end to end: an OpenRouter models response with `pricing.overrides`
crawled from 127.0.0.1, stored as versioned prices keyed by (component, min_prompt_tokens),
exported and shown on the model page; base prices stay "the" price everywhere else."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog.crawl.crawler import crawl
from catalog.normalise.records import Offering, Price
from catalog.pipeline import ingest_run
from catalog.render import build_site, cost, exports
from catalog.store import SCHEMA_VERSION, Store
from tests.support import Response, Site, fast_settings

SPECIAL = Path(__file__).parent / "fixtures" / "extract" / "openrouter" / "special.json"
PATH = "/api/v1/models"
GEMINI = "google/gemini-2.5-pro"


def models_json(tier_input: str = "0.0000025") -> bytes:
    doc = json.loads(SPECIAL.read_text(encoding="utf-8"))
    for model in doc["data"]:
        if isinstance(model, dict) and model.get("id") == GEMINI:
            model["pricing"]["overrides"][0]["prompt"] = tier_input
    return json.dumps(doc).encode()


def crawl_once(store: Store, site: Site, body: bytes) -> int:
    site.routes[PATH] = Response(body=body, headers={"Content-Type": "application/json"})
    summary = crawl(store, [site.base + PATH], fast_settings())
    ingest_run(store, summary.run_id, complete=summary.complete)
    store.finish_run(summary.run_id, summary.stats(), summary.complete)
    return summary.run_id


def price_table(store: Store, url: str) -> list[tuple[Any, ...]]:
    return list(store.db.conn.execute(
        "SELECT p.component, p.min_prompt_tokens, p.amount, p.valid_from_run, p.valid_to_run "
        "FROM prices p JOIN offerings o ON o.id = p.offering_id WHERE o.url = ? "
        "ORDER BY p.component, coalesce(p.min_prompt_tokens, 0), p.valid_from_run", (url,)))


def test_tiers_are_stored_versioned_exported_and_shown(site: Site, tmp_path: Path) -> None:
    store = Store(tmp_path / "catalog.db")
    first = crawl_once(store, site, models_json())
    url = f"{site.base}/{GEMINI}"
    assert price_table(store, url) == [
        ("cache_read", None, "0.125", first, None), ("cache_read", 200000, "0.25", first, None),
        ("cache_write", None, "1.625", first, None), ("image", None, "0.00516", first, None),
        ("input", None, "1.25", first, None), ("input", 200000, "2.5", first, None),
        ("output", None, "10", first, None), ("output", 200000, "15", first, None)]
    assert not [f for f in store.findings() if "tier" in f["kind"]]

    # a tier price change closes only that tier's row; the base price stays open
    second = crawl_once(store, site, models_json(tier_input="0.000003"))
    rows = [r for r in price_table(store, url) if r[0] == "input"]
    assert rows == [("input", None, "1.25", first, None),
                    ("input", 200000, "2.5", first, second),
                    ("input", 200000, "3", second, None)]
    assert store.changes(first, second)["prices"] == []  # the feed lists base prices only

    # readers of "the" price see base prices; tiers ride along apart
    [off] = [o for o in store.offerings() if o["url"] == url]
    assert off["prices"]["input"] == Decimal("1.25") and off["currency"] == "USD"
    assert [(t["component"], t["min_prompt_tokens"], t["amount"]) for t in off["tier_prices"]] == [
        ("cache_read", 200000, Decimal("0.25")), ("input", 200000, Decimal("3")),
        ("output", 200000, Decimal("15"))]
    assert store.open_prices()[url]["input"] == (Decimal("1.25"), "USD")
    assert {r["min_prompt_tokens"] for r in store.price_history()} == {None}

    # exports: offerings keep base prices; prices and history carry min_prompt_tokens
    [row] = [r for r in exports.build_export(store, "offerings").rows if r["url"] == url]
    assert (row["input_usd_per_mtok"], row["output_usd_per_mtok"]) == (Decimal("1.25"),
                                                                        Decimal("10"))
    prices = [r for r in exports.build_export(store, "prices").rows if r["url"] == url]
    assert [(r["component"], r["min_prompt_tokens"], r["amount"]) for r in prices
            if r["component"] == "input"] == [("input", None, Decimal("1.25")),
                                              ("input", 200000, Decimal("3"))]
    history = [r for r in exports.build_export(store, "history").rows
               if r["url"] == url and r["component"] == "input"]
    assert [(r["min_prompt_tokens"], r["amount"], r["valid_to_run"]) for r in history] == [
        (None, Decimal("1.25"), None), (200000, Decimal("2.5"), second),
        (200000, Decimal("3"), None)]
    csv_text = exports.export_text(exports.build_export(store, "prices"), "csv", None)
    assert csv_text.splitlines()[0].startswith("model_id,provider,url,component,min_prompt_tokens,")
    assert f"{url},input,200000,per_1m_tokens,3,USD," in csv_text
    schema = exports.SCHEMAS["prices"]["properties"]["prices"]["items"]
    assert "min_prompt_tokens" in schema["required"]

    # cost: the base tier, with a note that tiers exist
    ranking = cost.rank_store(store, cost.Workload(Decimal(1_000_000), Decimal(0)))
    [quote] = [q for q in ranking.ranked if isinstance(q, cost.Quote)
               and q.offering["url"] == url]
    assert quote.total == Decimal("1.25")
    assert "context tiers from 200,000 prompt tokens not applied" in quote.notes

    # the model page and its Markdown twin list the tiers under the offering's prices
    out = tmp_path / "site"
    build_site(store, out, "https://catalog.example/")
    [page] = [p for p in (out / "models").glob("*.html") if "gemini-2.5-pro" in p.name]
    html = page.read_text(encoding="utf-8")
    md = page.with_suffix(".md").read_text(encoding="utf-8")
    line = "Input: $1.25 per 1M tokens; from 200,000 prompt tokens: $3.00 per 1M tokens"
    for text in (html, md):
        assert "Context-tier prices" in text and line in text
        assert ("Cache read: $0.125 per 1M tokens; from 200,000 prompt tokens: "
                "$0.25 per 1M tokens") in text
    assert "<td class=\"num\">$1.25</td>" in html  # the offerings table keeps the base price
    api = json.loads((out / "api" / "models.json").read_text(encoding="utf-8"))
    [entry] = [o for m in api for o in m["offerings"] if o["url"] == url]
    assert [(t["component"], t["min_prompt_tokens"], t["amount"])
            for t in entry["tier_prices"]] == [("cache_read", 200000, 0.25),
                                               ("input", 200000, 3), ("output", 200000, 15)]
    assert entry["prices"]["input"] == 1.25
    store.close()


def test_a_schema_3_database_upgrades_without_losing_prices(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = Store(path)
    run = store.start_run(["https://x.test/"], {})
    usd = [Price(component=c, unit="per_1m_tokens", amount=Decimal(a), currency="USD")
           for c, a in (("input", "0.15"), ("output", "0.6"))]
    store.save_catalog(run, [Offering(url="https://x.test/m", catalog="x.test", provider="x",
                                      source_model_id="m", model_id="m", name="M",
                                      prices=tuple(usd))], [], [], complete=True)
    store.finish_run(run, {}, True)
    store.close()
    with sqlite3.connect(path) as conn:  # what a schema-3 database looked like
        conn.execute("ALTER TABLE prices DROP COLUMN min_prompt_tokens")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        assert "min_prompt_tokens" not in {r[1] for r in conn.execute("PRAGMA table_info(prices)")}
    store = Store(path)
    conn = store.db.conn
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),)
    assert SCHEMA_VERSION >= 4
    assert list(conn.execute("SELECT component, amount, min_prompt_tokens FROM prices "
                             "ORDER BY component")) == [("input", "0.15", None),
                                                        ("output", "0.6", None)]
    [off] = store.offerings()
    assert off["prices"] == {"input": Decimal("0.15"), "output": Decimal("0.6")}
    assert off["tier_prices"] == []
    # the next run adds a tier without touching the old base rows
    run2 = store.start_run(["https://x.test/"], {})
    tier = Price(component="input", unit="per_1m_tokens", amount=Decimal("0.3"),
                 currency="USD", min_prompt_tokens=128000)
    store.save_catalog(run2, [Offering(url="https://x.test/m", catalog="x.test", provider="x",
                                       source_model_id="m", model_id="m", name="M",
                                       prices=tuple(usd), tier_prices=(tier,))],
                       [], [], complete=True)
    assert list(conn.execute("SELECT component, min_prompt_tokens, valid_from_run, valid_to_run "
                             "FROM prices ORDER BY component, valid_from_run")) == [
        ("input", None, run, None), ("input", 128000, run2, None), ("output", None, run, None)]
    store.close()
