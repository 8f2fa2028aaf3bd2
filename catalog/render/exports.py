"""Pricing comparison exports: one row per offering, as JSON or spreadsheet-safe CSV.

The JSON follows the export contract (`schema_version` 1, see `EXPORT_SCHEMA`); the
CSV has the same columns plus comparison columns. Prices stay `Decimal` all the way:
JSON numbers are written from their decimal text, never through a float.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import simplejson

from catalog.store import Store

SCHEMA_VERSION = 1

#: The contract columns, in export order.
COLUMNS = [
    "url", "source_model_id", "model_id", "name", "author", "provider", "catalog",
    "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok", "per_call_usd", "per_image_usd", "currency",
    "context_length", "modalities", "date_added", "related_urls",
]
#: Comparison columns, CSV only.
COMPARISON_COLUMNS = [
    "blended_3to1_usd_per_mtok", "rank_within_model", "cheapest_offering_url",
    "pct_above_cheapest",
]

_PRICE_COLUMNS = {
    "input_usd_per_mtok": "input",
    "output_usd_per_mtok": "output",
    "cache_read_usd_per_mtok": "cache_read",
    "cache_write_usd_per_mtok": "cache_write",
    "per_call_usd": "request",
    "per_image_usd": "image",
}

_NUMBER_OR_NULL = {"type": ["number", "null"], "minimum": 0}
_STRING_OR_NULL = {"type": ["string", "null"]}

EXPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "api/schema.json",
    "title": "catalog pricing export",
    "type": "object",
    "required": ["schema_version", "generated_at", "offerings"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "generated_at": {"type": ["string", "null"], "format": "date-time"},
        "offerings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": COLUMNS,
                "properties": {
                    "url": {"type": "string", "format": "uri",
                            "description": "the crawled HTML model page"},
                    "source_model_id": {"type": "string",
                                        "description": "the model ID as the page states it"},
                    "model_id": {"type": "string", "description": "canonical model ID"},
                    "name": {"type": "string"},
                    "author": _STRING_OR_NULL,
                    "provider": {"type": "string", "description": "who serves it"},
                    "catalog": {"type": "string", "description": "which site listed it"},
                    **{col: {**_NUMBER_OR_NULL, "description": desc} for col, desc in [
                        ("input_usd_per_mtok", "input price per 1M tokens"),
                        ("output_usd_per_mtok", "output price per 1M tokens"),
                        ("cache_read_usd_per_mtok", "cached input read price per 1M tokens"),
                        ("cache_write_usd_per_mtok", "cache write price per 1M tokens"),
                        ("per_call_usd", "price per request"),
                        ("per_image_usd", "price per generated image"),
                    ]},
                    "currency": {**_STRING_OR_NULL,
                                 "description": "currency of the prices, as found (USD, EUR, ...)"},
                    "context_length": {"type": ["integer", "null"], "minimum": 0},
                    "modalities": {"type": "array", "items": {"type": "string"}},
                    "date_added": {
                        "type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$",
                        "description": "when the catalog listed it (not a release date)"},
                    "related_urls": {"type": "array",
                                     "items": {"type": "string", "format": "uri"}},
                },
            },
        },
    },
}


def blended(prices: dict[str, Decimal], weights: tuple[int, int] = (3, 1)) -> Decimal | None:
    """Returns the blended per-1M-token price (input:output weighted), or None if unknown.

    >>> blended({"input": Decimal("0.075"), "output": Decimal("0.20")})
    Decimal('0.10625')
    """
    if "input" not in prices or "output" not in prices:
        return None
    wi, wo = weights
    return (prices["input"] * wi + prices["output"] * wo) / (wi + wo)


def offering_rows(store: Store) -> list[dict[str, Any]]:
    """Returns one export row per active offering, sorted by model ID then URL.

    Each row has the contract `COLUMNS` followed by the `COMPARISON_COLUMNS`.
    """
    rows: list[dict[str, Any]] = []
    for off in store.offerings():
        prices: dict[str, Decimal] = off["prices"]
        row: dict[str, Any] = {
            "url": off["url"], "source_model_id": off["source_model_id"],
            "model_id": off["model_id"], "name": off["name"], "author": off["author"],
            "provider": off["provider"], "catalog": off["catalog"],
        }
        for col, comp in _PRICE_COLUMNS.items():
            row[col] = prices.get(comp)
        row.update({
            "currency": off["currency"], "context_length": off["context_length"],
            "modalities": off["modalities"], "date_added": off["date_added"],
            "related_urls": off["related_urls"],
            "blended_3to1_usd_per_mtok": blended(prices),
        })
        rows.append(row)
    _add_comparison(rows)
    return rows


def _add_comparison(rows: list[dict[str, Any]]) -> None:
    by_model: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_model.setdefault(row["model_id"], []).append(row)
    for group in by_model.values():
        # ranked like the site: USD offerings with both an input and an output price
        priced = sorted((r for r in group if r["blended_3to1_usd_per_mtok"] is not None
                         and r["currency"] == "USD"),
                        key=lambda r: (r["blended_3to1_usd_per_mtok"], r["url"]))
        cheapest = priced[0] if priced else None
        for rank, r in enumerate(priced, start=1):
            r["rank_within_model"] = rank
        for r in group:
            r.setdefault("rank_within_model", None)
            r["cheapest_offering_url"] = cheapest["url"] if cheapest else None
            price, best = r["blended_3to1_usd_per_mtok"], (
                cheapest["blended_3to1_usd_per_mtok"] if cheapest else None)
            r["pct_above_cheapest"] = (
                ((price - best) / best * 100).quantize(Decimal("0.01"))
                if price is not None and best else None)


def write_json(rows: Iterable[dict[str, Any]], fp: IO[str], generated_at: str | None) -> None:
    """Writes the export contract document: `{"schema_version", "generated_at", "offerings"}`."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at,
        "offerings": [{c: r[c] for c in COLUMNS} for r in rows],
    }
    simplejson.dump(doc, fp, use_decimal=True, indent=2, ensure_ascii=False)
    fp.write("\n")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Returns `value` as a CSV cell that a spreadsheet will not run as a formula.

    Numbers stay numbers; text starting with = + - @ TAB or CR gets a leading apostrophe
    (OWASP CSV-injection advice); lists become space-separated text.
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(rows: Iterable[dict[str, Any]], fp: IO[str], excel: bool = False) -> None:
    """Writes one RFC 4180 CSV row per offering: the contract columns, then comparison ones."""
    if excel:
        fp.write("\ufeff")
    writer = csv.writer(fp, lineterminator="\r\n")
    columns = COLUMNS + COMPARISON_COLUMNS
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
