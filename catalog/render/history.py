"""A model's price history: every price version of its offerings, and the chart of them.

Prices are stored as versions (`valid_from_run`, `valid_to_run`); a version holds from the
date of the run that first saw it until the run that saw another value (or the offering
gone). The chart draws the blended 3:1 price of each offering priced in USD with both an
input and an output price, the same price the site ranks offerings by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from catalog.render.chart import MAX_SERIES, LegendEntry, Series, step_chart
from catalog.render.exports import blended
from catalog.render.markdown import one_line

CURRENT = "current"
#: Price versions listed on a model page, newest first; the model's JSON has them all.
MAX_VERSIONS = 60


@dataclass(frozen=True)
class PriceVersion:
    """One row of the price-history table."""

    provider: str
    catalog: str
    component: str
    price: str
    valid_from: str
    valid_to: str


@dataclass(frozen=True)
class HistoryView:
    """The chart (None when no offering has a blended price) and the table of price
    changes: every version of each price that has changed, newest first, at most
    `MAX_VERSIONS` of `changed` (current prices that never changed are in the offerings
    table)."""

    chart: Markup | None
    legend: list[LegendEntry]
    versions: list[PriceVersion]
    changed: int
    charted: int
    ranked: int


def _day(run_dates: dict[int, str], run: int | None) -> date | None:
    return date.fromisoformat(run_dates[run]) if run is not None and run in run_dates else None


def _valid_at(rows: list[dict[str, Any]], run: int) -> dict[str, Any] | None:
    for r in rows:
        if r["valid_from_run"] <= run and (r["valid_to_run"] is None or r["valid_to_run"] > run):
            return r
    return None


def blended_steps(rows: list[dict[str, Any]], run_dates: dict[int, str]
                  ) -> tuple[tuple[date, date | None, Decimal], ...]:
    """Returns the (from, to, blended price) steps of one offering's USD input and output
    price versions; consecutive steps with the same price are merged."""
    by_comp = {c: [r for r in rows if r["component"] == c and r["currency"] == "USD"]
               for c in ("input", "output")}
    bounds = sorted({r[k] for rs in by_comp.values() for r in rs
                     for k in ("valid_from_run", "valid_to_run") if r[k] is not None})
    steps: list[tuple[date, date | None, Decimal]] = []
    for n, run in enumerate(bounds):
        inp, out = _valid_at(by_comp["input"], run), _valid_at(by_comp["output"], run)
        start = _day(run_dates, run)
        if inp is None or out is None or start is None:
            continue
        price = blended({"input": Decimal(inp["amount"]), "output": Decimal(out["amount"])})
        assert price is not None
        end = _day(run_dates, bounds[n + 1]) if n + 1 < len(bounds) else None
        if steps and steps[-1][2] == price and steps[-1][1] == start:
            steps[-1] = (steps[-1][0], end, price)
        else:
            steps.append((start, end, price))
    return tuple(steps)


def model_history(name: str, offerings: list[dict[str, Any]],
                  prices: dict[str, list[dict[str, Any]]], run_dates: dict[int, str],
                  format_amount: Any, ident: str) -> HistoryView:
    """Returns the price history of a model from its `offerings` (removed ones included)
    and their price versions (`prices`: offering ID -> rows of `Store.price_history`)."""
    versions: list[tuple[int, PriceVersion]] = []
    series: list[tuple[tuple[int, Decimal, str], Series]] = []
    providers = [one_line(o["provider"]) for o in offerings]
    for off in offerings:
        rows = prices.get(off["id"], [])
        provider = one_line(off["provider"])
        changed = {c for c in {r["component"] for r in rows}
                   if sum(1 for r in rows if r["component"] == c) > 1}
        for r in rows:
            if r["component"] not in changed:
                continue
            versions.append((r["valid_from_run"], PriceVersion(
                provider, one_line(off["catalog"]), r["component"].replace("_", " "),
                format_amount(Decimal(r["amount"]), r["currency"], r["unit"]),
                run_dates.get(r["valid_from_run"], "?"),
                run_dates.get(r["valid_to_run"], "?") if r["valid_to_run"] else CURRENT)))
        steps = blended_steps(rows, run_dates)
        if steps:
            active = off["status"] == "active" and steps[-1][1] is None
            label = (provider + (f" ({one_line(off['catalog'])})" if providers.count(provider) > 1
                                 else "") + ("" if active else ", no longer listed"))
            key = (0 if active else 1, steps[-1][2], off["url"])
            series.append((key, Series(label, steps)))
    series.sort(key=lambda t: t[0])
    versions.sort(key=lambda t: (-t[0], t[1].provider.casefold(), t[1].provider, t[1].catalog,
                                 t[1].component, t[1].price))
    listed = [v for _, v in versions[:MAX_VERSIONS]]
    if not series:
        return HistoryView(None, [], listed, len(versions), 0, 0)
    shown = [s for _, s in series[:MAX_SERIES]]
    title = f"Price history of {name}"
    more = (f" (the {len(shown)} cheapest of {len(series)})" if len(series) > len(shown)
            else "")
    first = min(d0 for s in shown for d0, _, _ in s.steps)
    desc = (f"Blended 3:1 price in US dollars per 1M tokens of {len(shown)} offering"
            f"{'' if len(shown) == 1 else 's'}{more}, from {first.isoformat()} to the current "
            "price. The price-history table lists every price.")
    chart, legend = step_chart(shown, title, desc, ident)
    return HistoryView(chart, legend, listed, len(versions), len(shown), len(series))
