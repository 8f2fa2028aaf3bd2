"""The whole pipeline on the bundled mirror: served on 127.0.0.1, crawled, stored, exported."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import simplejson

from catalog.config import SNAPSHOT_DIR
from catalog.render import exports
from tests.support import SEED_PATH, CrawledMirror

REAL = "https://modelslab-frontend-v2-927501783998.us-east4.run.app/models"


def _model_pages() -> list[Path]:
    return sorted(p.parent for p in SNAPSHOT_DIR.glob("models/*/*/index.html"))


def test_crawl_reaches_every_model_page(crawled_mirror: CrawledMirror) -> None:
    store = crawled_mirror.store()
    pages = [o for o in store.offerings() if o["catalog"] != "models.dev"]  # not its api.json
    offered = {o["url"] for o in pages}
    expected = {f"{crawled_mirror.base}/{p.relative_to(SNAPSHOT_DIR)}" for p in _model_pages()}
    assert len(expected) >= 500
    assert offered == expected
    assert store.counts()["providers"] >= 30
    assert all(o["md_url"] for o in pages)


def test_seed_page_becomes_exactly_this_offering(crawled_mirror: CrawledMirror) -> None:
    store = crawled_mirror.store()
    [seed] = [o for o in store.offerings() if o["url"] == crawled_mirror.base + SEED_PATH]
    assert seed["source_model_id"] == "mistralai-mistral-small-3.2-24b-instruct"
    assert seed["author"] == "mistralai"
    assert seed["catalog"] == "ModelsLab"
    assert seed["model_id"] == "mistralai/mistral-small-3.2-24b-instruct"
    assert seed["prices"] == {"input": Decimal("0.075"), "output": Decimal("0.20")}
    assert "request" not in seed["prices"]
    assert seed["date_added"] == "2026-02-20"
    assert seed["md_url"] == crawled_mirror.base + SEED_PATH + ".md"
    assert len(seed["related_urls"]) == 18
    assert f"{REAL}/open_router/mistralai-mistral-small-2603" in seed["related_urls"]
    assert all(u.startswith("https://") for u in seed["related_urls"])
    findings = [f for f in store.findings() if f["offering_id"] == seed["id"]]
    kinds = {(f["field"], f["kind"]) for f in findings}
    assert ("price", "headline_is_mean") in kinds
    [mean] = [f for f in findings if f["kind"] == "headline_is_mean"]
    assert "headline and specifications price 0.1375 is the mean" in mean["detail"]


def test_special_prices_survive(crawled_mirror: CrawledMirror) -> None:
    offerings = crawled_mirror.store().offerings()
    per_image = [o for o in offerings if "image" in o["prices"]]
    per_call = [o for o in offerings if "request" in o["prices"]]
    free = [o for o in offerings if o["prices"] and not any(o["prices"].values())]
    unpriced = [o for o in offerings if not o["prices"]]
    assert per_image and per_call and free and unpriced
    assert all(p > 0 for o in per_call for p in [o["prices"]["request"]])


def test_export_json_matches_the_published_schema(crawled_mirror: CrawledMirror) -> None:
    store = crawled_mirror.store()
    buf = io.StringIO()
    exports.write_json(exports.offering_rows(store), buf, "2026-01-01T00:00:00Z")
    doc = json.loads(buf.getvalue())
    jsonschema.validate(doc, exports.EXPORT_SCHEMA,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert len(doc["offerings"]) == len(store.offerings())
    [seed] = [o for o in doc["offerings"] if o["url"].endswith(SEED_PATH)]
    assert seed["input_usd_per_mtok"] == 0.075 and seed["output_usd_per_mtok"] == 0.2
    assert seed["per_call_usd"] is None and seed["date_added"] == "2026-02-20"
    exact = simplejson.loads(buf.getvalue(), use_decimal=True)
    [seed_exact] = [o for o in exact["offerings"] if o["url"].endswith(SEED_PATH)]
    assert seed_exact["input_usd_per_mtok"] == Decimal("0.075")


def test_export_csv_round_trips(crawled_mirror: CrawledMirror) -> None:
    rows = exports.offering_rows(crawled_mirror.store())
    buf = io.StringIO(newline="")
    exports.write_csv(rows, buf)
    read = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert len(read) == len(rows)
    by_url = {r["url"]: r for r in read}
    for row in rows:
        got = by_url[row["url"]]
        for col in ("input_usd_per_mtok", "output_usd_per_mtok", "per_call_usd", "per_image_usd"):
            assert (Decimal(got[col]) if got[col] else None) == row[col], col
        assert got["model_id"] == row["model_id"]


def test_database_is_sound_after_crawl(crawled_mirror: CrawledMirror) -> None:
    with sqlite3.connect(crawled_mirror.db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        failed = conn.execute("SELECT url, error FROM pages WHERE error IS NOT NULL").fetchall()
        assert failed == []
        playground = conn.execute(
            "SELECT count(*) FROM pages WHERE url LIKE '%/playground/%'").fetchone()[0]
        assert playground == 0, "robots.txt disallows /playground/"
        skipped = conn.execute(
            "SELECT count(*) FROM frontier WHERE state = 'skipped' AND url LIKE '%/playground/%'"
        ).fetchone()[0]
        assert skipped > 0


@pytest.mark.parametrize("kind", ["sitemap", "llms", "markdown", "page", "robots"])
def test_every_discovery_route_was_used(crawled_mirror: CrawledMirror, kind: str) -> None:
    with sqlite3.connect(crawled_mirror.db_path) as conn:
        n = conn.execute("SELECT count(*) FROM frontier WHERE kind = ? AND state = 'done'",
                         (kind,)).fetchone()[0]
    assert n > 0
