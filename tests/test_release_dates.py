"""Month-only release dates: kept as "YYYY-MM" from models.dev to the store, exported as
such and shown as "May 2024" on the site; `date_added` stays a day."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema

from catalog.extract.models_dev import extract_models_dev
from catalog.normalise.offerings import normalise
from catalog.render import build_site, exports
from catalog.store import Store

API = "https://models.dev/api.json"


def models_dev(release: str) -> str:
    return json.dumps({"acme": {"id": "acme", "env": [], "npm": "x", "models": {
        "acme-1": {"id": "acme-1", "name": "Acme One", "release_date": release,
                   "cost": {"input": 1, "output": 2}},
    }}})


def test_month_only_release_date_from_models_dev_is_kept_without_a_finding() -> None:
    out = extract_models_dev(API, models_dev("2024-05"))
    result = normalise(out.offerings, out.findings)
    [off] = result.offerings
    assert off.release_date == "2024-05"
    assert not [f for f in result.findings if f.field == "release_date"]
    # a malformed one is still a finding, never a guess
    out = extract_models_dev(API, models_dev("2024-13"))
    result = normalise(out.offerings, out.findings)
    assert result.offerings[0].release_date is None
    assert [(f.field, f.kind) for f in result.findings] == [("release_date", "unparsed")]


def test_month_only_release_date_is_stored_exported_and_shown(tmp_path: Path) -> None:
    out = extract_models_dev(API, models_dev("2024-05"))
    result = normalise(out.offerings, out.findings)
    store = Store(tmp_path / "catalog.db")
    run = store.start_run([API], {})
    store.save_catalog(run, result.offerings, result.findings, list(result.models.values()),
                       complete=True)
    store.finish_run(run, {}, True)
    [off] = store.offerings()
    assert off["release_date"] == "2024-05" and off["date_added"] is None

    export = exports.build_export(store, "offerings")
    [row] = export.rows
    assert row["release_date"] == "2024-05" and row["input_usd_per_mtok"] == Decimal(1)
    assert export.columns.index("release_date") == export.columns.index("date_added") + 1
    doc = json.loads(exports.export_text(export, "json", "2026-01-01T00:00:00Z"))
    assert doc["offerings"][0]["release_date"] == "2024-05"
    jsonschema.validate(doc, exports.SCHEMAS["offerings"],
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for bad in ("2024-5", "May 2024", "2024-05-1"):
        doc["offerings"][0]["release_date"] = bad
        try:
            jsonschema.validate(doc, exports.SCHEMAS["offerings"])
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"{bad!r} passed the schema")
    csv_text = exports.export_text(export, "csv", None)
    assert ",2024-05," in csv_text.splitlines()[1]

    site = tmp_path / "site"
    build_site(store, site, "https://catalog.example/")
    [page] = (site / "models").glob("*acme-1*.html")
    assert "<dt>Released</dt><dd>May 2024</dd>" in page.read_text(encoding="utf-8")
    assert "- Released: May 2024\n" in page.with_suffix(".md").read_text(encoding="utf-8")
    store.close()


def test_a_model_page_shows_the_release_date_most_offerings_state() -> None:
    from catalog.render.views import release_date

    assert release_date(["2025-09-29", "2025-01-15", "2025-09-29", None]) == "2025-09-29"
    assert release_date(["2025-09", "2025-09-29"]) == "2025-09"  # a tie: the earliest
    assert release_date([None, None]) is None
