"""Workload cost: what a number of input and output tokens (and calls) costs per offering.

A workload is `input_tokens` (all prompt tokens of the workload, cached ones included),
`output_tokens`, optionally `calls` (requests) and `cached_input_tokens` (the part of the
input that hits a prompt cache). Its cost on an offering, in exact `Decimal` USD:

    (input_tokens - cached) * input / 1M
    + cached * (cache_read if listed, else input) / 1M
    + output_tokens * output / 1M
    + calls * per_request (if listed)

Offerings listed only per request are costed `calls * per_request` (their price covers
the tokens). Cache-write, reasoning, per-image, per-second and per-character prices are
not part of a token workload; a note says when an offering lists one. Context tiers
(dearer prices for requests whose prompt has at least N tokens) are not applied, since a
workload states no prompt size per request: the base prices are used and a note names the
smallest tier ("context tiers from 200,000 prompt tokens not applied"). An offering is
not priced, with the reason, when it lists no price, prices in another currency than
USD, lacks a price the workload needs, or charges per request and no `calls` is given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import IO, Any

from catalog.normalise.prices import decimal_text, plain_decimal
from catalog.render.exports import (
    SCHEMA_VERSION,
    Filters,
    dump_json,
    select,
    write_table_csv,
)
from catalog.store import Store

MILLION = Decimal(1_000_000)
#: Larger quantities are refused as typos (exact arithmetic stays well within precision).
MAX_QUANTITY = Decimal(10) ** 15
_SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_NUMBER_RE = re.compile(
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.\d+)?|\.\d+)"
    r"(?:e(?P<exp>[+-]?\d{1,3}))?\s*(?P<suffix>[kmb])?", re.I)
_NOT_COSTED = {"reasoning": "reasoning", "image": "per-image", "second": "per-second",
               "character": "per-character"}
_UNIT_WORDS = {"image": "image", "second": "second", "character": "character",
               "cache_write": "cache write", "cache_read": "cache read",
               "reasoning": "reasoning token"}


# -- quantities ---------------------------------------------------------------------


def parse_quantity(text: str) -> Decimal:
    """Returns the exact number a person wrote, with an optional k / M / B suffix.

    >>> [str(parse_quantity(t)) for t in ("500k", "2M", "1.5e6", "1,000,000", "0.5B")]
    ['500000', '2000000', '1500000', '1000000', '500000000']
    """
    m = _NUMBER_RE.fullmatch(text.strip()) if len(text) <= 40 else None
    if m is None:
        raise ValueError(f"{text!r} is not a number; write it like 2000000, 2M, 500k, "
                         "1.5e6 or 1,000,000")
    try:
        value = Decimal(m["num"].replace(",", "").replace("_", "") + (
            f"e{m['exp']}" if m["exp"] else ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValueError(f"{text!r} is not a number") from None
    if value * _SUFFIXES[(m["suffix"] or "").lower()] > MAX_QUANTITY:
        raise ValueError(f"{text!r} is more than {MAX_QUANTITY:,f}; check the number")
    with localcontext() as ctx:
        ctx.prec = 100  # 40 characters of digits times a suffix: exact
        return plain_decimal(value * _SUFFIXES[(m["suffix"] or "").lower()])


def parse_count(text: str, noun: str = "tokens") -> Decimal:
    """Returns a whole number of `noun` written as `parse_quantity` reads it."""
    value = parse_quantity(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is {value:f}, not a whole number of {noun}")
    return value


@dataclass(frozen=True)
class Share:
    """Part of a whole: a `percent` of it, or a number of `tokens`."""

    percent: Decimal | None = None
    tokens: Decimal | None = None

    def of(self, total: Decimal) -> Decimal:
        """Returns the share of `total`; ValueError if it is more than `total`."""
        with localcontext() as ctx:
            ctx.prec = 60  # up to 10**15 tokens times 6 decimals of a percent: exact
            part = total * self.percent / 100 if self.percent is not None else self.tokens
        assert part is not None
        if part > total:
            raise ValueError(f"cached input ({part:,f} tokens) is more than the input tokens "
                             f"({total:,f})")
        return plain_decimal(part)


def parse_share(text: str) -> Share:
    """Returns "30%" as 30 percent, "600k" as 600,000 tokens.

    >>> parse_share("30%"), parse_share("600k")
    (Share(percent=Decimal('30'), tokens=None), Share(percent=None, tokens=Decimal('600000')))
    """
    stripped = text.strip()
    if stripped.endswith("%"):
        m = re.fullmatch(r"(\d{1,3}(?:\.\d{1,6})?|\.\d{1,6})\s*%", stripped)
        if m is None or Decimal(m[1]) > 100:
            raise ValueError(f"{text!r} is not a percentage from 0% to 100%")
        return Share(percent=plain_decimal(Decimal(m[1])))
    try:
        return Share(tokens=parse_count(stripped))
    except ValueError:
        raise ValueError(f"{text!r} is neither a percentage of the input tokens (30%) nor a "
                         "number of tokens (600k)") from None


# -- costing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """Tokens and calls of a whole workload (see the module docstring)."""

    input_tokens: Decimal
    output_tokens: Decimal
    calls: Decimal | None = None
    cached_input_tokens: Decimal = Decimal(0)

    @classmethod
    def of(cls, input_tokens: Decimal, output_tokens: Decimal, calls: Decimal | None = None,
           cached_input: Share | None = None) -> Workload:
        """Returns the workload; ValueError if the cached input exceeds the input."""
        cached = cached_input.of(input_tokens) if cached_input else Decimal(0)
        return cls(input_tokens, output_tokens, calls, cached)

    @property
    def uncached_input_tokens(self) -> Decimal:
        return self.input_tokens - self.cached_input_tokens

    def as_dict(self) -> dict[str, Decimal | None]:
        return {"input_tokens": self.input_tokens,
                "cached_input_tokens": self.cached_input_tokens,
                "output_tokens": self.output_tokens, "calls": self.calls}


@dataclass(frozen=True)
class Quote:
    """What the workload costs on one offering, in USD, by part (None: not charged)."""

    offering: dict[str, Any]
    total: Decimal
    input: Decimal | None
    cached_input: Decimal | None
    output: Decimal | None
    requests: Decimal | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unpriced:
    """An offering the workload cannot be costed on, and why."""

    offering: dict[str, Any]
    reason: str


def price_offering(off: dict[str, Any], w: Workload) -> Quote | Unpriced:
    """Returns the cost of workload `w` on offering `off`, or why it cannot be costed."""
    with localcontext() as ctx:
        ctx.prec = EXACT_PRECISION
        return _price(off, w)


#: Decimal digits for costing: products of quantities below 10**15 with listed prices fit.
EXACT_PRECISION = 60


def _price(off: dict[str, Any], w: Workload) -> Quote | Unpriced:
    prices: dict[str, Decimal] = off["prices"]
    if not prices:
        return Unpriced(off, "no price listed")
    currency = off["currency"]
    if currency != "USD":
        return Unpriced(off, f"priced in several currencies ({currency})" if currency and "/"
                        in currency else f"priced in {currency}, not USD")
    has_tokens = "input" in prices or "output" in prices
    per_request = prices.get("request")
    if not has_tokens and per_request is None:
        units = " and per ".join(_UNIT_WORDS.get(c, c) for c in sorted(prices))
        return Unpriced(off, f"priced per {units} only")
    if per_request is not None and w.calls is None:
        return Unpriced(off, "charges per request: give the number of calls (--calls)")
    notes = [f"{_NOT_COSTED[c]} price not included" for c in sorted(prices)
             if c in _NOT_COSTED]
    tiers = [t["min_prompt_tokens"] for t in off.get("tier_prices") or ()]
    if tiers:
        notes.append(f"context tiers from {min(tiers):,} prompt tokens not applied")
    requests = None
    if per_request is not None and w.calls is not None:
        requests = plain_decimal(w.calls * per_request)
    if not has_tokens:
        assert requests is not None
        return Quote(off, requests, None, None, None, requests,
                     ("priced per request only", *notes))
    cache_read = prices.get("cache_read")
    missing = [c for c, needed in (
        ("input", w.uncached_input_tokens > 0 or (w.cached_input_tokens > 0
                                                  and cache_read is None)),
        ("output", w.output_tokens > 0)) if needed and c not in prices]
    if missing:
        return Unpriced(off, f"no {' or '.join(missing)} price")
    input_cost = w.uncached_input_tokens * prices.get("input", Decimal(0)) / MILLION
    cached_cost = None
    if w.cached_input_tokens:
        if cache_read is None:
            notes.insert(0, "no cache-read price: input price used")
        rate = cache_read if cache_read is not None else prices["input"]
        cached_cost = plain_decimal(w.cached_input_tokens * rate / MILLION)
    output_cost = w.output_tokens * prices.get("output", Decimal(0)) / MILLION
    total = input_cost + (cached_cost or 0) + output_cost + (requests or 0)
    return Quote(off, plain_decimal(total), plain_decimal(input_cost), cached_cost,
                 plain_decimal(output_cost), requests, tuple(notes))


@dataclass(frozen=True)
class ModelQuote:
    """A model's cheapest offering for the workload, and how many of its offerings priced."""

    model_id: str
    name: str
    best: Quote
    priced: int
    offerings: int


@dataclass(frozen=True)
class UnpricedModel:
    model_id: str
    name: str
    reason: str
    offerings: int


@dataclass(frozen=True)
class Ranking:
    """Offerings (or models) from cheapest to dearest for a workload, and those unpriced.

    Ties go to the lower model ID, then the lower URL.
    """

    workload: Workload
    by_model: bool
    ranked: Sequence[Quote | ModelQuote]
    unpriced: Sequence[Unpriced | UnpricedModel]
    offerings: int


def rank(offerings: list[dict[str, Any]], w: Workload, by_model: bool = False,
         names: dict[str, str] | None = None) -> Ranking:
    """Returns `offerings` ranked by what workload `w` costs on them (per model with
    `by_model`; `names` gives model names by ID)."""
    quotes: list[Quote] = []
    unpriced: list[Unpriced] = []
    with localcontext() as ctx:
        ctx.prec = EXACT_PRECISION
        results = [_price(off, w) for off in offerings]
    for result in results:
        if isinstance(result, Quote):
            quotes.append(result)
        else:
            unpriced.append(result)
    quotes.sort(key=lambda q: (q.total, q.offering["model_id"], q.offering["url"]))
    unpriced.sort(key=lambda u: (u.offering["model_id"], u.offering["url"]))
    if not by_model:
        return Ranking(w, False, quotes, unpriced, len(offerings))
    names = names or {}
    counts: dict[str, int] = {}
    for off in offerings:
        counts[off["model_id"]] = counts.get(off["model_id"], 0) + 1
    best: dict[str, Quote] = {}
    priced: dict[str, int] = {}
    for q in quotes:
        mid = q.offering["model_id"]
        best.setdefault(mid, q)
        priced[mid] = priced.get(mid, 0) + 1
    models = [ModelQuote(mid, names.get(mid) or q.offering["name"], q, priced[mid], counts[mid])
              for mid, q in best.items()]
    reasons: dict[str, set[str]] = {}
    for u in unpriced:
        if u.offering["model_id"] not in best:
            reasons.setdefault(u.offering["model_id"], set()).add(u.reason)
    first = {u.offering["model_id"]: u.offering for u in reversed(unpriced)}
    lost = [UnpricedModel(mid, names.get(mid) or first[mid]["name"], "; ".join(sorted(r)),
                          counts[mid]) for mid, r in sorted(reasons.items())]
    return Ranking(w, True, models, lost, len(offerings))


def rank_store(store: Store, w: Workload, filters: Filters | None = None,
               by_model: bool = False) -> Ranking:
    """Returns the active offerings of `store` that pass `filters`, ranked for `w`."""
    models = {m["id"]: m for m in store.models()}
    offerings = select(store.offering_prices(), filters or Filters(), models)
    return rank(offerings, w, by_model, {mid: m["name"] for mid, m in models.items()})


# -- output -------------------------------------------------------------------------

COST_COLUMNS = [
    "rank", "model_id", "name", "provider", "catalog", "url", "total_cost_usd",
    "input_cost_usd", "cached_input_cost_usd", "output_cost_usd", "request_cost_usd", "notes",
]
#: Models rankings add these after `name`.
MODEL_COUNT_COLUMNS = ["offerings_priced", "offering_count"]
UNPRICED_COLUMNS = ["model_id", "name", "provider", "catalog", "url", "reason"]


def columns(by_model: bool) -> list[str]:
    """Returns the columns of a ranked row, in output order."""
    return COST_COLUMNS[:3] + (MODEL_COUNT_COLUMNS if by_model else []) + COST_COLUMNS[3:]


def ranked_rows(ranking: Ranking, top: int | None = None) -> list[dict[str, Any]]:
    """Returns the first `top` (None or 0: all) ranked rows, cheapest first."""
    rows = []
    for n, item in enumerate(ranking.ranked[:top or None], start=1):
        q = item.best if isinstance(item, ModelQuote) else item
        off = q.offering
        row: dict[str, Any] = {"rank": n, "model_id": off["model_id"], "name": off["name"]}
        if isinstance(item, ModelQuote):
            row.update(name=item.name, offerings_priced=item.priced,
                       offering_count=item.offerings)
        row.update({
            "provider": off["provider"], "catalog": off["catalog"], "url": off["url"],
            "total_cost_usd": q.total, "input_cost_usd": q.input,
            "cached_input_cost_usd": q.cached_input, "output_cost_usd": q.output,
            "request_cost_usd": q.requests, "notes": list(q.notes),
        })
        rows.append(row)
    return rows


def unpriced_rows(ranking: Ranking) -> list[dict[str, Any]]:
    """Returns what could not be costed, with the reason, by model ID then URL."""
    rows = []
    for item in ranking.unpriced:
        if isinstance(item, UnpricedModel):
            rows.append({"model_id": item.model_id, "name": item.name, "provider": None,
                         "catalog": None, "url": None, "reason": item.reason})
        else:
            off = item.offering
            rows.append({"model_id": off["model_id"], "name": off["name"],
                         "provider": off["provider"], "catalog": off["catalog"],
                         "url": off["url"], "reason": item.reason})
    return rows


def cost_document(ranking: Ranking, top: int | None, generated_at: str | None
                  ) -> dict[str, Any]:
    """Returns the JSON document of a ranking (see `COST_SCHEMA`)."""
    return {
        "schema_version": SCHEMA_VERSION, "generated_at": generated_at,
        "workload": ranking.workload.as_dict(), "currency": "USD",
        "rank_by": "model" if ranking.by_model else "offering",
        "priced_count": len(ranking.ranked), "unpriced_count": len(ranking.unpriced),
        "ranked": ranked_rows(ranking, top), "unpriced": unpriced_rows(ranking),
    }


def write_cost_json(ranking: Ranking, fp: IO[str], top: int | None,
                    generated_at: str | None) -> None:
    dump_json(cost_document(ranking, top, generated_at), fp)


def write_cost_csv(ranking: Ranking, fp: IO[str], top: int | None, excel: bool = False
                   ) -> None:
    """Writes the ranked rows, then one row per unpriced offering (or model) with its
    `unpriced_reason` and empty costs; spreadsheet-safe like the exports."""
    cols = [*columns(ranking.by_model), "unpriced_reason"]
    rows = ranked_rows(ranking, top) + [
        {**r, "unpriced_reason": r.pop("reason")} for r in unpriced_rows(ranking)]
    write_table_csv(cols, rows, fp, excel=excel)


_NUM_OR_NULL = {"type": ["number", "null"], "minimum": 0}
_STR_OR_NULL = {"type": ["string", "null"]}
COST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "catalog cost: a workload costed on every offering (or model)",
    "type": "object", "additionalProperties": False,
    "required": ["schema_version", "generated_at", "workload", "currency", "rank_by",
                 "priced_count", "unpriced_count", "ranked", "unpriced"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "generated_at": {"type": ["string", "null"], "format": "date-time"},
        "workload": {
            "type": "object", "additionalProperties": False,
            "required": ["input_tokens", "cached_input_tokens", "output_tokens", "calls"],
            "properties": {"input_tokens": {"type": "number", "minimum": 0},
                           "cached_input_tokens": {"type": "number", "minimum": 0},
                           "output_tokens": {"type": "number", "minimum": 0},
                           "calls": _NUM_OR_NULL}},
        "currency": {"const": "USD"},
        "rank_by": {"enum": ["offering", "model"]},
        "priced_count": {"type": "integer", "minimum": 0},
        "unpriced_count": {"type": "integer", "minimum": 0},
        "ranked": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": COST_COLUMNS,
            "properties": {
                "rank": {"type": "integer", "minimum": 1},
                "model_id": {"type": "string"}, "name": {"type": "string"},
                "offerings_priced": {"type": "integer", "minimum": 1},
                "offering_count": {"type": "integer", "minimum": 1},
                "provider": {"type": "string"}, "catalog": {"type": "string"},
                "url": {"type": "string"},
                "total_cost_usd": {"type": "number", "minimum": 0},
                "input_cost_usd": _NUM_OR_NULL, "cached_input_cost_usd": _NUM_OR_NULL,
                "output_cost_usd": _NUM_OR_NULL, "request_cost_usd": _NUM_OR_NULL,
                "notes": {"type": "array", "items": {"type": "string"}}}}},
        "unpriced": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": UNPRICED_COLUMNS,
            "properties": {"model_id": {"type": "string"}, "name": {"type": "string"},
                           "provider": _STR_OR_NULL, "catalog": _STR_OR_NULL,
                           "url": _STR_OR_NULL, "reason": {"type": "string"}}}},
    },
}


def usd(amount: Decimal | None) -> str:
    """Returns an exact dollar amount for a table: "$1,234.50", "$0.000125", "—" if None."""
    if amount is None:
        return "—"
    return "$" + decimal_text(amount)


def _count(d: Decimal) -> str:
    return format(d.normalize(), ",f")


def describe(w: Workload) -> str:
    """Returns the workload in one line: "2,000,000 input tokens (600,000 cached), ..."."""
    cached = f" ({_count(w.cached_input_tokens)} cached)" if w.cached_input_tokens else ""
    calls = f", {_count(w.calls)} calls" if w.calls is not None else ""
    return (f"{_count(w.input_tokens)} input tokens{cached}, {_count(w.output_tokens)} output "
            f"tokens{calls}")


def print_table(ranking: Ranking, top: int | None, file: IO[str] | None = None) -> None:
    """Prints the ranking as a table (rich), then what could not be priced and why."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file, highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 140  # a pipe or a file: wide enough that rows stay one line
    w = ranking.workload
    kind = "model" if ranking.by_model else "offering"
    rows = ranked_rows(ranking, top)
    table = Table(title=f"Workload: {describe(w)}", title_justify="left",
                  caption=f"{len(ranking.ranked)} {kind}s priced, cheapest {len(rows)} shown "
                          "(--top 0 shows all). US dollars, exact" + (
                              "; cached input at the cache-read price where one is listed."
                              if w.cached_input_tokens else "."),
                  caption_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Model", overflow="fold")
    table.add_column("Provider", overflow="fold")
    table.add_column("Total", justify="right", style="bold")
    table.add_column("Input", justify="right")
    if w.cached_input_tokens:
        table.add_column("Cached input", justify="right")
    table.add_column("Output", justify="right")
    if w.calls is not None:
        table.add_column("Requests", justify="right")
    if ranking.by_model:
        table.add_column("Priced", justify="right")
    table.add_column("Notes", max_width=24)  # the same few notes: they wrap first
    for r in rows:
        cells = [str(r["rank"]), r["model_id"], r["provider"], usd(r["total_cost_usd"]),
                 usd(r["input_cost_usd"])]
        if w.cached_input_tokens:
            cells.append(usd(r["cached_input_cost_usd"]))
        cells.append(usd(r["output_cost_usd"]))
        if w.calls is not None:
            cells.append(usd(r["request_cost_usd"]))
        if ranking.by_model:
            cells.append(f"{r['offerings_priced']} of {r['offering_count']}")
        cells.append("; ".join(r["notes"]))
        table.add_row(*(_escape(c) for c in cells))
    console.print(table)
    lost = unpriced_rows(ranking)
    if not lost:
        return
    console.print(f"\nCould not price {len(lost)} {kind}{'s' if len(lost) != 1 else ''}:")
    by_reason: dict[str, list[str]] = {}
    for r in lost:
        label = r["model_id"] if ranking.by_model else f"{r['model_id']} ({r['provider']})"
        by_reason.setdefault(r["reason"], []).append(label)
    for reason, labels in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        console.print(_escape(f"  {reason} ({len(labels)}): {', '.join(labels)}"))


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
