"""Pricing exports: offerings, models, prices, price history and findings as CSV, JSON, JSONL.

Every export is a list of rows with a fixed column order and a fixed sort, so two exports
of the same database are byte-identical and diffs between exports show real changes:

    offerings  one row per active offering (the contract, `EXPORT_SCHEMA`), plus comparison
               columns; sorted by model_id, url
    models     one row per canonical model, with the prices of its cheapest offering;
               sorted by model_id
    prices     one row per current price component, context tiers included
               (`min_prompt_tokens` set; null = the base price); sorted by model_id, url,
               component, min_prompt_tokens (base first)
    history    one row per price version (valid_from / valid_to), tiers included; sorted
               by model_id, url, component, min_prompt_tokens, valid_from_run
    findings   one row per data-quality finding of the latest finished run; sorted by url,
               field, kind, detail

Filters (`Filters`) choose offerings; the other exports keep the rows of those offerings.
Prices stay `Decimal` from the database to the file: JSON numbers are written from their
decimal text (simplejson `use_decimal`), never through a float.

Ranking compares like with like, as the site does: the cheapest offering of a model has
the lowest blended price among its offerings priced in USD with both an input and an
output price (ties to the lower URL); other offerings get no rank.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import IO, Any, Protocol, cast

import simplejson

from catalog.normalise.dates import RELEASE_DATE_PATTERN
from catalog.store import Store

SCHEMA_VERSION = 1
WHATS = ("offerings", "models", "prices", "history", "findings")
FORMATS = ("csv", "json", "jsonl")
#: Input:output weights of the blended price unless told otherwise.
DEFAULT_WEIGHTS = (3, 1)

#: The contract columns, in export order.
COLUMNS = [
    "url", "source_model_id", "model_id", "name", "author", "provider", "catalog",
    "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok", "per_call_usd", "per_image_usd", "currency",
    "context_length", "modalities", "date_added", "release_date", "related_urls",
]
#: Comparison columns after the contract columns, with the default 3:1 blend.
COMPARISON_COLUMNS = [
    "blended_3to1_usd_per_mtok", "rank_within_model", "cheapest_offering_url",
    "pct_above_cheapest",
]
MODEL_COLUMNS = [
    "model_id", "name", "author", "family", "context_length", "modalities", "offering_count",
    "providers", "date_added", "cheapest_offering_url", "cheapest_provider",
    "input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok",
    "blended_3to1_usd_per_mtok",
]
PRICE_COLUMNS = [
    "model_id", "provider", "url", "component", "min_prompt_tokens", "unit", "amount",
    "currency", "valid_from_run", "valid_from",
]
HISTORY_COLUMNS = [
    "model_id", "provider", "url", "status", "component", "min_prompt_tokens", "unit",
    "amount", "currency", "valid_from_run", "valid_from", "valid_to_run", "valid_to",
]
FINDING_COLUMNS = [
    "run_id", "url", "offering_url", "model_id", "provider", "field", "kind", "detail",
]

_PRICE_COLUMNS = {
    "input_usd_per_mtok": "input",
    "output_usd_per_mtok": "output",
    "cache_read_usd_per_mtok": "cache_read",
    "cache_write_usd_per_mtok": "cache_write",
    "per_call_usd": "request",
    "per_image_usd": "image",
}
_BLENDED_PATTERN = r"^blended_[0-9]+to[0-9]+_usd_per_mtok$"
#: Cells in CSV that hold lists join their items with this.
LIST_SEPARATOR = "; "


# -- comparison -------------------------------------------------------------------


def parse_weights(text: str) -> tuple[int, int]:
    """Returns input:output blend weights from "3:1"; raises ValueError on anything else.

    >>> parse_weights("1:1")
    (1, 1)
    """
    m = re.fullmatch(r"\s*(\d{1,6})\s*:\s*(\d{1,6})\s*", text)
    if m is None or (int(m[1]) == 0 and int(m[2]) == 0):
        raise ValueError(f"{text!r} is not input:output weights such as 3:1 (whole numbers, "
                         "not both 0)")
    return int(m[1]), int(m[2])


def blended_column(weights: tuple[int, int] = DEFAULT_WEIGHTS) -> str:
    """Returns the name of the blended-price column: "blended_3to1_usd_per_mtok"."""
    return f"blended_{weights[0]}to{weights[1]}_usd_per_mtok"


def blended(prices: dict[str, Decimal], weights: tuple[int, int] = DEFAULT_WEIGHTS
            ) -> Decimal | None:
    """Returns the blended per-1M-token price (input:output weighted), or None if unknown.

    >>> blended({"input": Decimal("0.075"), "output": Decimal("0.20")})
    Decimal('0.10625')
    """
    if "input" not in prices or "output" not in prices:
        return None
    wi, wo = weights
    return (prices["input"] * wi + prices["output"] * wo) / (wi + wo)


def rank_price(off: dict[str, Any], weights: tuple[int, int] = DEFAULT_WEIGHTS
               ) -> Decimal | None:
    """Returns the price an offering is ranked by: blended, if priced in USD; else None."""
    return blended(off["prices"], weights) if off["currency"] == "USD" else None


def cheapest(offerings: Iterable[dict[str, Any]], weights: tuple[int, int] = DEFAULT_WEIGHTS
             ) -> dict[str, Any] | None:
    """Returns the offering ranked cheapest (lowest USD blended price, then URL), or None."""
    ranked = [(p, o["url"], o) for o in offerings if (p := rank_price(o, weights)) is not None]
    return min(ranked, key=lambda t: (t[0], t[1]))[2] if ranked else None


def is_free(off: dict[str, Any]) -> bool:
    """True if the offering lists prices and every one of them is 0."""
    return bool(off["prices"]) and all(v == 0 for v in off["prices"].values())


def is_paid(off: dict[str, Any]) -> bool:
    """True if the offering lists at least one price above 0."""
    return any(v > 0 for v in off["prices"].values())


# -- filters ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which offerings an export (or a cost ranking) keeps. Empty filters keep all.

    Text matches ignore case. `modalities` must all be listed by the offering; `free` True
    keeps offerings whose every price is 0, False those with a price above 0; unknown
    context lengths and non-USD input prices fail `min_context` and `max_input_price`.
    """

    providers: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    free: bool | None = None
    min_context: int | None = None
    max_input_price: Decimal | None = None

    def __bool__(self) -> bool:
        return self != Filters()

    def match(self, off: dict[str, Any], model_author: str | None = None) -> bool:
        """True if offering `off` passes; `model_author` stands in for a missing author."""
        if self.providers and off["provider"].casefold() not in _folded(self.providers):
            return False
        author = off["author"] or model_author or ""
        if self.authors and author.casefold() not in _folded(self.authors):
            return False
        if self.modalities and not _folded(self.modalities) <= _folded(off["modalities"]):
            return False
        if (self.free is True and not is_free(off)) or (self.free is False and not is_paid(off)):
            return False
        if self.min_context is not None and (off["context_length"] or 0) < self.min_context:
            return False
        if self.max_input_price is not None:
            price = off["prices"].get("input")
            if off["currency"] != "USD" or price is None or price > self.max_input_price:
                return False
        return True


def _folded(values: Iterable[str]) -> set[str]:
    return {v.casefold() for v in values}


def select(offerings: list[dict[str, Any]], filters: Filters,
           models: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Returns the offerings that pass `filters` (in their order); `models` by ID supply
    the author of offerings that state none."""
    if not filters:
        return offerings
    models = models or {}
    return [o for o in offerings
            if filters.match(o, (models.get(o["model_id"]) or {}).get("author"))]


# -- rows -------------------------------------------------------------------------


class CatalogReads(Protocol):
    """The reads of the catalog tables that exports make (`Store` has them)."""

    def offerings(self, include_removed: bool = False) -> list[dict[str, Any]]: ...

    def models(self) -> list[dict[str, Any]]: ...

    def price_history(self, tiers: bool = False) -> list[dict[str, Any]]: ...

    def findings(self, run_id: int | None = None) -> list[dict[str, Any]]: ...


class ReadOnce:
    """The catalog tables of `store`, each read once, for several exports of one state.

    Rows are shared between callers: exports read them and never change them.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def _read(self, key: str, read: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def offerings(self, include_removed: bool = False) -> list[dict[str, Any]]:
        every = self._read("offerings", lambda: self._store.offerings(include_removed=True))
        return every if include_removed else [o for o in every if o["status"] == "active"]

    def models(self) -> list[dict[str, Any]]:
        return self._read("models", self._store.models)

    def price_history(self, tiers: bool = False) -> list[dict[str, Any]]:
        return self._read(f"history-{tiers}", lambda: self._store.price_history(tiers))

    def findings(self, run_id: int | None = None) -> list[dict[str, Any]]:
        return self._read(f"findings-{run_id}", lambda: self._store.findings(run_id))


class Export:
    """Rows of one kind (`what`), each with exactly `columns`, in export order.

    Give either the `rows` or a `stream` that yields them afresh on each call; writers
    read a stream row by row, without holding every row at once.
    """

    def __init__(self, what: str, columns: list[str], rows: list[dict[str, Any]] | None = None,
                 stream: Callable[[], Iterable[dict[str, Any]]] | None = None) -> None:
        if (rows is None) == (stream is None):
            raise ValueError("give an Export either rows or a stream")
        self.what = what
        self.columns = columns
        self._rows = rows
        self._stream = stream

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Every row, as a list (read from the stream once, then kept)."""
        if self._rows is None:
            assert self._stream is not None
            self._rows = list(self._stream())
        return self._rows

    def iter_rows(self) -> Iterable[dict[str, Any]]:
        """The rows, one at a time (from the stream unless they are already kept)."""
        if self._rows is not None:
            return self._rows
        assert self._stream is not None
        return self._stream()


def build_export(store: CatalogReads, what: str = "offerings", filters: Filters | None = None,
                 weights: tuple[int, int] = DEFAULT_WEIGHTS) -> Export:
    """Returns the export `what` (one of `WHATS`) of the offerings that pass `filters`.
    Its rows are read when it is written: from a `Store` without filters, one at a time."""
    chosen = filters or Filters()
    # Filters may need the author of a model whose offerings state none.
    models = {m["id"]: m for m in store.models()} if chosen else None
    if what == "offerings":
        return Export(what, offering_columns(weights),
                      stream=lambda: iter_offering_rows(store, chosen, weights, models))
    if what == "models":
        return Export(what, model_columns(weights),
                      stream=lambda: iter_model_rows(store, chosen, weights, models))
    if what in ("prices", "history"):
        history = what == "history"
        return Export(what, HISTORY_COLUMNS if history else PRICE_COLUMNS,
                      stream=lambda: iter_price_rows(store, chosen, models, history))
    if what == "findings":
        return Export(what, FINDING_COLUMNS,
                      stream=lambda: iter_finding_rows(store, chosen, models))
    raise ValueError(f"unknown export {what!r}; choose one of {', '.join(WHATS)}")


def offering_columns(weights: tuple[int, int] = DEFAULT_WEIGHTS) -> list[str]:
    return [*COLUMNS, blended_column(weights), *COMPARISON_COLUMNS[1:]]


def model_columns(weights: tuple[int, int] = DEFAULT_WEIGHTS) -> list[str]:
    return [*MODEL_COLUMNS[:-1], blended_column(weights)]


def offering_rows(store: CatalogReads, filters: Filters | None = None,
                  weights: tuple[int, int] = DEFAULT_WEIGHTS,
                  models: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Returns one export row per active offering, sorted by model ID then URL.

    Each row has the contract `COLUMNS` followed by the comparison columns; the rank and
    the cheapest offering are among the rows that pass `filters`.
    """
    return list(iter_offering_rows(store, filters, weights, models))


def iter_offering_rows(store: CatalogReads, filters: Filters | None = None,
                       weights: tuple[int, int] = DEFAULT_WEIGHTS,
                       models: dict[str, dict[str, Any]] | None = None
                       ) -> Iterator[dict[str, Any]]:
    """Yields the rows of `offering_rows` one at a time. A `Store` is read once, lean and
    in order: one model's offerings are held at a time, as ranking them needs."""
    filters = filters or Filters()
    if models is None and filters:
        models = {m["id"]: m for m in store.models()}
    offerings: Iterable[dict[str, Any]] = (
        store.export_offerings() if isinstance(store, Store)  # by model ID, then URL
        else sorted(store.offerings(), key=lambda o: (o["model_id"], o["url"])))
    known = models or {}
    chosen = (off for off in offerings if not filters or filters.match(
        off, (known.get(off["model_id"]) or {}).get("author")))
    column = blended_column(weights)
    unranked: tuple[int | None, Decimal | None] = (None, None)
    for _, group in groupby(chosen, key=lambda o: o["model_id"]):
        offs = list(group)
        # ranked like the site: USD offerings with both an input and an output price
        priced = sorted((price, off["url"]) for off in offs
                        if (price := rank_price(off, weights)) is not None)
        ranks = {url: (place, pct_above(price, priced[0][0]))
                 for place, (price, url) in enumerate(priced, start=1)}
        best_url = priced[0][1] if priced else None
        for off in offs:
            prices: dict[str, Decimal] = off["prices"]
            row: dict[str, Any] = {
                "url": off["url"], "source_model_id": off["source_model_id"],
                "model_id": off["model_id"], "name": off["name"], "author": off["author"],
                "provider": off["provider"], "catalog": off["catalog"],
            }
            for col, comp in _PRICE_COLUMNS.items():
                row[col] = prices.get(comp)
            single_currency = off["currency"] is not None and "/" not in off["currency"]
            rank, pct = ranks.get(off["url"], unranked)
            row.update({
                "currency": off["currency"], "context_length": off["context_length"],
                "modalities": off["modalities"], "date_added": off["date_added"],
                "release_date": off["release_date"], "related_urls": off["related_urls"],
                column: blended(prices, weights) if single_currency else None,
                "rank_within_model": rank, "cheapest_offering_url": best_url,
                "pct_above_cheapest": pct,
            })
            yield row


def pct_above(price: Decimal, best: Decimal) -> Decimal | None:
    """Returns how much `price` is above `best`, in percent rounded to 2 decimals; None when
    `best` is 0 and `price` is not (infinitely dearer).

    >>> pct_above(Decimal("0.15"), Decimal("0.12"))
    Decimal('25.00')
    """
    if not best:
        return Decimal("0.00") if not price else None
    return ((price - best) / best * 100).quantize(Decimal("0.01"))


def model_rows(store: CatalogReads, filters: Filters | None = None,
               weights: tuple[int, int] = DEFAULT_WEIGHTS,
               models: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Returns one row per canonical model with at least one offering passing `filters`,
    with the prices of its cheapest offering; sorted by model ID."""
    return list(iter_model_rows(store, filters, weights, models))


def iter_model_rows(store: CatalogReads, filters: Filters | None = None,
                    weights: tuple[int, int] = DEFAULT_WEIGHTS,
                    models: dict[str, dict[str, Any]] | None = None
                    ) -> Iterator[dict[str, Any]]:
    """Yields the rows of `model_rows` one at a time; a `Store` is read in order, one
    model's offerings at a time."""
    models = {m["id"]: m for m in store.models()} if models is None else models
    offerings: Iterable[dict[str, Any]] = (
        store.export_offerings() if isinstance(store, Store)  # by model ID, then URL
        else sorted(store.offerings(), key=lambda o: (o["model_id"], o["url"])))
    column = blended_column(weights)
    chosen = (off for off in offerings if not filters or filters.match(
        off, (models.get(off["model_id"]) or {}).get("author")))
    for mid, group in groupby(chosen, key=lambda o: o["model_id"]):
        offs = list(group)
        m = models.get(mid, {})
        best = cheapest(offs, weights)
        best_prices: dict[str, Decimal] = best["prices"] if best else {}
        contexts = [o["context_length"] for o in offs if o["context_length"] is not None]
        dates = sorted(o["date_added"] for o in offs if o["date_added"])
        yield {
            "model_id": mid, "name": m.get("name") or offs[0]["name"],
            "author": m.get("author") or _first(offs, "author"),
            "family": m.get("family") or None,
            "context_length": m.get("context_length") or (max(contexts) if contexts else None),
            "modalities": list(m.get("modalities") or sorted(
                {x for o in offs for x in o["modalities"]})),
            "offering_count": len(offs),
            "providers": sorted({o["provider"] for o in offs}, key=lambda p: (p.casefold(), p)),
            "date_added": dates[0] if dates else None,
            "cheapest_offering_url": best["url"] if best else None,
            "cheapest_provider": best["provider"] if best else None,
            "input_usd_per_mtok": best_prices.get("input"),
            "output_usd_per_mtok": best_prices.get("output"),
            "cache_read_usd_per_mtok": best_prices.get("cache_read"),
            column: blended(best_prices, weights) if best else None,
        }


def price_rows(store: CatalogReads, filters: Filters | None = None,
               models: dict[str, dict[str, Any]] | None = None,
               history: bool = False) -> list[dict[str, Any]]:
    """Returns current price components (or, with `history`, every price version, also
    of removed offerings) of the offerings passing `filters`, context tiers included."""
    return list(iter_price_rows(store, filters, models, history))


def iter_price_rows(store: CatalogReads, filters: Filters | None = None,
                    models: dict[str, dict[str, Any]] | None = None,
                    history: bool = False) -> Iterator[dict[str, Any]]:
    """Yields the rows of `price_rows`; one at a time from a `Store` without filters."""
    if isinstance(store, Store) and not filters:
        yield from store.export_prices(history)
        return
    offerings = store.offerings(include_removed=history)
    if filters:
        models = {m["id"]: m for m in store.models()} if models is None else models
        offerings = select(offerings, filters, models)
    by_id = {o["id"]: o for o in offerings}
    del offerings
    rows = []
    for p in store.price_history(tiers=True):
        off = by_id.get(p["offering_id"])
        if off is None or (not history and p["valid_to_run"] is not None):
            continue
        row = {
            "model_id": off["model_id"], "provider": off["provider"], "url": off["url"],
            "status": off["status"], "component": p["component"],
            "min_prompt_tokens": p["min_prompt_tokens"], "unit": p["unit"],
            "amount": Decimal(p["amount"]), "currency": p["currency"],
            "valid_from_run": p["valid_from_run"], "valid_from": p["valid_from"],
            "valid_to_run": p["valid_to_run"], "valid_to": p["valid_to"],
        }
        rows.append(row)
    rows.sort(key=lambda r: (r["model_id"], r["url"], r["component"],
                             r["min_prompt_tokens"] or 0, r["valid_from_run"]))
    yield from rows


def finding_rows(store: CatalogReads, filters: Filters | None = None,
                 models: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Returns the findings of the latest finished run; with `filters`, only those about
    an offering that passes them."""
    return list(iter_finding_rows(store, filters, models))


def iter_finding_rows(store: CatalogReads, filters: Filters | None = None,
                      models: dict[str, dict[str, Any]] | None = None
                      ) -> Iterator[dict[str, Any]]:
    """Yields the rows of `finding_rows`; one at a time from a `Store` without filters."""
    if isinstance(store, Store) and not filters:
        yield from store.export_findings()
        return
    offerings = store.offerings(include_removed=True)
    by_id = {o["id"]: o for o in offerings}
    kept = set(by_id)
    if filters:
        models = {m["id"]: m for m in store.models()} if models is None else models
        kept = {o["id"] for o in select(offerings, filters, models)}
    rows = []
    for f in store.findings():
        off = by_id.get(f["offering_id"]) if f["offering_id"] else None
        if filters and f["offering_id"] not in kept:
            continue
        rows.append({
            "run_id": f["run_id"], "url": f["url"], "offering_url": off["url"] if off else None,
            "model_id": off["model_id"] if off else None,
            "provider": off["provider"] if off else None,
            "field": f["field"], "kind": f["kind"], "detail": f["detail"],
        })
    rows.sort(key=lambda r: (r["url"], r["field"], r["kind"], r["detail"],
                             r["offering_url"] or ""))
    yield from rows


def _first(offs: list[dict[str, Any]], key: str) -> Any:
    return next((o[key] for o in offs if o[key]), None)


def generated_at(store: Store) -> str | None:
    """Returns when the latest finished crawl run finished, or None."""
    finished = [r["finished_at"] for r in store.runs() if r["finished_at"]]
    return finished[-1] if finished else None


# -- JSON Schemas -----------------------------------------------------------------

_NUMBER_OR_NULL = {"type": ["number", "null"], "minimum": 0}
_STRING_OR_NULL = {"type": ["string", "null"]}
_URI = {"type": "string", "format": "uri"}
_URI_OR_NULL = {"type": ["string", "null"], "format": "uri"}
_DATE_OR_NULL = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_RUN = {"type": "integer", "minimum": 1}
_RUN_OR_NULL = {"type": ["integer", "null"], "minimum": 1}
_BLENDED = {**_NUMBER_OR_NULL,
            "description": "blended price per 1M tokens, (wi * input + wo * output) / (wi + wo) "
                           "with the weights the column name states"}

_ROW_PROPERTIES: dict[str, dict[str, Any]] = {
    "offerings": {
        "url": {**_URI, "description": "the crawled HTML model page"},
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
        "modalities": _STRINGS,
        "date_added": {**_DATE_OR_NULL,
                       "description": "when the catalog listed it (not a release date)"},
        "release_date": {
            "type": ["string", "null"], "pattern": RELEASE_DATE_PATTERN,
            "description": "when the model was released, as precise as the source states it: "
                           "YYYY-MM-DD, or YYYY-MM when only the month is known"},
        "related_urls": {"type": "array", "items": _URI},
        "rank_within_model": {
            "type": ["integer", "null"], "minimum": 1,
            "description": "1 = cheapest blended price among the model's offerings priced in "
                           "USD with both an input and an output price; null if not ranked"},
        "cheapest_offering_url": {**_URI_OR_NULL,
                                  "description": "URL of the model's rank-1 offering"},
        "pct_above_cheapest": {
            **_NUMBER_OR_NULL,
            "description": "how much dearer than the rank-1 offering, in percent (2 decimals); "
                           "null if not ranked or the cheapest is free"},
    },
    "models": {
        "model_id": {"type": "string"}, "name": {"type": "string"},
        "author": _STRING_OR_NULL, "family": _STRING_OR_NULL,
        "context_length": {"type": ["integer", "null"], "minimum": 0},
        "modalities": _STRINGS,
        "offering_count": {"type": "integer", "minimum": 1},
        "providers": _STRINGS,
        "date_added": {**_DATE_OR_NULL, "description": "earliest date a catalog listed it"},
        "cheapest_offering_url": _URI_OR_NULL, "cheapest_provider": _STRING_OR_NULL,
        "input_usd_per_mtok": _NUMBER_OR_NULL, "output_usd_per_mtok": _NUMBER_OR_NULL,
        "cache_read_usd_per_mtok": _NUMBER_OR_NULL,
    },
    "prices": {
        "model_id": {"type": "string"}, "provider": {"type": "string"}, "url": _URI,
        "component": {"type": "string",
                      "description": "input, output, cache_read, cache_write, reasoning, "
                                     "request, image, second or character"},
        "min_prompt_tokens": {
            "type": ["integer", "null"], "minimum": 1,
            "description": "null: the base price; a number: a context-tier price, charged "
                           "instead of the base price for requests whose prompt has at least "
                           "this many tokens"},
        "unit": {"type": "string",
                 "description": "per_1m_tokens, per_request, per_image, per_second, "
                                "per_character"},
        "amount": {"type": "number", "minimum": 0}, "currency": {"type": "string"},
        "valid_from_run": _RUN, "valid_from": _DATETIME_OR_NULL,
    },
    "findings": {
        "run_id": _RUN, "url": {"type": "string", "description": "the page it is about"},
        "offering_url": _URI_OR_NULL, "model_id": _STRING_OR_NULL,
        "provider": _STRING_OR_NULL, "field": {"type": "string"}, "kind": {"type": "string"},
        "detail": {"type": "string"},
    },
}
_ROW_PROPERTIES["history"] = {
    **_ROW_PROPERTIES["prices"],
    "status": {"enum": ["active", "removed"]},
    "valid_to_run": {**_RUN_OR_NULL, "description": "first run without it; null = current"},
    "valid_to": _DATETIME_OR_NULL,
}
_TITLES = {
    "offerings": "catalog pricing export: one row per offering",
    "models": "catalog models export: one row per canonical model, with its cheapest offering",
    "prices": "catalog prices export: one row per current price component (and context "
              "tier)",
    "history": "catalog price history export: one row per price version (and context tier)",
    "findings": "catalog findings export: one row per data-quality finding",
}


def row_schema(what: str) -> dict[str, Any]:
    """Returns the JSON Schema of one row of export `what` (one line of JSONL)."""
    props = _ROW_PROPERTIES[what]
    schema: dict[str, Any] = {
        "type": "object", "additionalProperties": False, "required": list(props),
        "properties": props,
    }
    if what in ("offerings", "models"):
        schema["patternProperties"] = {_BLENDED_PATTERN: _BLENDED}
        schema["minProperties"] = schema["maxProperties"] = len(props) + 1
    return schema


def schema(what: str = "offerings") -> dict[str, Any]:
    """Returns the JSON Schema of the JSON document of export `what`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "api/schema.json" if what == "offerings" else f"exports/{what}.schema.json",
        "title": _TITLES[what],
        "type": "object",
        "required": ["schema_version", "generated_at", what],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "generated_at": {**_DATETIME_OR_NULL,
                             "description": "when the crawl run it comes from finished"},
            what: {"type": "array", "items": row_schema(what)},
        },
    }


EXPORT_SCHEMA: dict[str, Any] = schema("offerings")
SCHEMAS: dict[str, dict[str, Any]] = {what: schema(what) for what in WHATS}


# -- writers ----------------------------------------------------------------------


def write_export(export: Export, fmt: str, fp: IO[str], generated_at: str | None,
                 excel: bool = False) -> None:
    """Writes `export` as `fmt` ("csv", "json" or "jsonl"); `excel` adds a BOM to CSV."""
    write_exports(export, {fmt: fp}, generated_at, excel)


def write_exports(export: Export, files: dict[str, IO[str]], generated_at: str | None,
                  excel: bool = False) -> None:
    """Writes `export` in each format of `files` (format -> file) in one pass over its
    rows, as `write_export` writes it in that format."""
    for fmt in files:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    columns = export.columns
    each_row: list[Callable[[dict[str, Any]], object]] = []
    if "csv" in files:
        if excel:
            files["csv"].write("\ufeff")
        table = csv.writer(files["csv"], lineterminator="\r\n")
        table.writerow(columns)
        each_row.append(lambda r: table.writerow([csv_cell(r.get(c)) for c in columns]))
    if "jsonl" in files:
        lines = files["jsonl"]
        each_row.append(lambda r: lines.write(simplejson.dumps(
            {c: r[c] for c in columns}, use_decimal=True, ensure_ascii=False) + "\n"))
    if "json" in files:
        # The document around the rows, as simplejson writes it with no rows.
        head, _, tail = simplejson.dumps(
            {"schema_version": SCHEMA_VERSION, "generated_at": generated_at, export.what: []},
            indent=2, ensure_ascii=False).rpartition("[]")
        files["json"].write(head)
        array = JsonArray(files["json"], indent=2, level=1, use_decimal=True,
                          ensure_ascii=False)
        each_row.append(lambda r: array.add({c: r[c] for c in columns}))
    for r in export.iter_rows():
        for write in each_row:
            write(r)
    if "json" in files:
        array.close()
        files["json"].write(tail + "\n")


class JsonArray:
    """Writes a JSON array to `fp` item by item, exactly as `simplejson.dumps` with these
    options writes the list of the items, at nesting `level` of its document.

    (simplejson's encoder makes the whole text of what it encodes before `simplejson.dump`
    writes any of it.)
    """

    def __init__(self, fp: IO[str], indent: int, level: int = 0, **options: Any) -> None:
        self.fp = fp
        self._inner = "\n" + " " * (indent * (level + 1))
        self._outer = "\n" + " " * (indent * level)
        self._options = {"indent": indent, **options}
        self._items = 0

    def add(self, item: Any) -> None:
        # Every newline of JSON text is layout (strings escape theirs): indent each one.
        text = simplejson.dumps(item, **self._options).replace("\n", self._inner)
        self.fp.write(("," if self._items else "[") + self._inner + text)
        self._items += 1

    def close(self) -> None:
        self.fp.write(self._outer + "]" if self._items else "[]")


def export_text(export: Export, fmt: str, generated_at: str | None, excel: bool = False
                ) -> str:
    """Returns `export` written as `fmt`."""
    buf = _TextParts()
    write_export(export, fmt, cast(IO[str], buf), generated_at, excel)
    return buf.getvalue()


class _TextParts:
    """A write-only text file that keeps what is written as parts of about 64K characters
    and joins them once: mostly-ASCII parts stay one byte a character until the join,
    where `io.StringIO` widens its whole buffer at the first wider character."""

    _PART = 1 << 16

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pending: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._pending.append(text)
        self._size += len(text)
        if self._size >= self._PART:
            self._parts.append("".join(self._pending))
            self._pending.clear()
            self._size = 0
        return len(text)

    def getvalue(self) -> str:
        self._parts.append("".join(self._pending))
        self._pending.clear()
        self._size = 0
        text = "".join(self._parts)
        self._parts = [text]
        return text


def dump_json(doc: Any, fp: IO[str]) -> None:
    """Writes `doc` as indented UTF-8 JSON, `Decimal` as exact numbers."""
    simplejson.dump(doc, fp, use_decimal=True, indent=2, ensure_ascii=False)
    fp.write("\n")


def write_json(rows: list[dict[str, Any]], fp: IO[str], generated_at: str | None) -> None:
    """Writes offering rows as the export contract document:
    `{"schema_version", "generated_at", "offerings"}`."""
    write_export(Export("offerings", _columns_of(rows), rows), "json", fp, generated_at)


def write_csv(rows: list[dict[str, Any]], fp: IO[str], excel: bool = False) -> None:
    """Writes one RFC 4180 CSV row per offering: the contract columns, then comparison ones."""
    write_table_csv(_columns_of(rows), rows, fp, excel=excel)


def _columns_of(rows: list[dict[str, Any]]) -> list[str]:
    return list(rows[0]) if rows else offering_columns()


#: Where the site publishes each export (CSV and JSON); offerings keep their contract names.
SITE_NAMES = {"offerings": "pricing", "models": "models", "prices": "prices",
              "history": "history", "findings": "findings"}


@dataclass(frozen=True)
class TextFiles:
    """Text files written part by part rather than held whole, all in one pass over what
    they list: `write` gets an open text file for each of `paths`, in their order."""

    paths: tuple[str, ...]
    write: Callable[..., None]

    def texts(self) -> dict[str, str]:
        """The text of each file, by path."""
        parts = [_TextParts() for _ in self.paths]
        self.write(*parts)
        return {path: part.getvalue() for path, part in zip(self.paths, parts, strict=True)}


def site_exports(store: Store, generated_at: str | None) -> dict[str, str | TextFiles]:
    """Returns the exports a site publishes, by path: `exports/<name>.csv|json` for every
    export (`SITE_NAMES`), each export's two files as one `TextFiles` that reads its rows
    one at a time, and their JSON Schemas as text (`api/schema.json` for the offerings,
    `exports/<name>.schema.json` for the others)."""
    files: dict[str, str | TextFiles] = {}
    for what, name in SITE_NAMES.items():
        both = TextFiles((f"exports/{name}.csv", f"exports/{name}.json"),
                         functools.partial(_write_site_export, store, what, generated_at))
        files.update(dict.fromkeys(both.paths, both))
        path = "api/schema.json" if what == "offerings" else f"exports/{name}.schema.json"
        files[path] = simplejson.dumps(SCHEMAS[what], indent=2, ensure_ascii=False) + "\n"
    return files


def _write_site_export(store: Store, what: str, generated_at: str | None, csv_fp: IO[str],
                       json_fp: IO[str]) -> None:
    write_exports(build_export(store, what), {"csv": csv_fp, "json": json_fp}, generated_at)


def site_files(store: Store, generated_at: str | None) -> dict[str, str]:
    """Returns the exports a site publishes (`site_exports`) as text, by path."""
    files: dict[str, str] = {}
    for path, text in site_exports(store, generated_at).items():
        if isinstance(text, str):
            files[path] = text
        elif path not in files:
            files.update(text.texts())
    return files


# -- spreadsheet-safe CSV ---------------------------------------------------------

#: A cell starting with one of these may run as a formula (OWASP: = + - @ TAB CR; LF and
#: the full-width forms some spreadsheets also read as operators). "'" is here so that
#: dropping one leading apostrophe always recovers the original text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d",
                  "\uff20", "'")


def csv_cell(value: Any) -> str:
    """Returns `value` as a CSV cell that a spreadsheet will not run as a formula.

    Numbers stay numbers (`Decimal` as plain exact decimal text, never a float); text
    starting with = + - @ TAB CR LF or ' (also after leading spaces) gets a leading
    apostrophe (OWASP CSV-injection advice); lists join their items with "; ".

    >>> csv_cell("=1+1"), csv_cell(Decimal("0.0750")), csv_cell(["text", "image"])
    ("'=1+1", '0.075', 'text; image')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError(f"float {value!r} in an export: prices must be Decimal")
    text = LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def csv_text(cell: str) -> str:
    """Returns the original text of a text cell written by `csv_cell` (the inverse of its
    neutralising: one leading apostrophe is dropped)."""
    return cell[1:] if cell.startswith("'") else cell


def write_table_csv(columns: list[str], rows: Iterable[dict[str, Any]], fp: IO[str],
                    excel: bool = False) -> None:
    """Writes a header and one RFC 4180 row per row (CRLF, quoted as needed), UTF-8 text;
    `excel` starts with a byte-order mark so Excel reads it as UTF-8."""
    if excel:
        fp.write("\ufeff")
    writer = csv.writer(fp, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
