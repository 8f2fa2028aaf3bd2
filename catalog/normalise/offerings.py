"""Page records to strict offerings, models and findings.

One offering per model page: the HTML page and its `.md` twin are merged, and where
they disagree the HTML page wins and the disagreement becomes a finding. Oddities are
findings, never silent guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from catalog.extract.records import RawFinding, RawOffering
from catalog.normalise.dates import AmbiguousDate, ImpreciseDate, parse_date, parse_release_date
from catalog.normalise.identity import Match, assign_models
from catalog.normalise.ids import canonical_model_id, slugify
from catalog.normalise.prices import UNKNOWN_UNIT, parse_price
from catalog.normalise.records import UNIT_OF, Finding, Offering, Price
from catalog.normalise.related import link_related

_COMPONENT_OF_LABEL = {
    "input": "input", "output": "output", "cache_read": "cache_read",
    "cache_write": "cache_write", "reasoning": "reasoning", "image": "image",
    "call": "request", "request": "request", "second": "second", "character": "character",
}
_COMPONENT_OF_UNIT = {"per_image": "image", "per_request": "request", "per_second": "second",
                      "per_character": "character"}
_HEADLINE_TOLERANCE = Decimal("0.000001")
_CHAT_OUTPUT_FLOOR = Decimal(10)  # output under input / 10 is not a real chat model's price
_NOT_CHAT = re.compile(r"embed|rerank|\bbge\b|moderat|guard|whisper|\btts\b|transcri", re.I)
_MOVED = Decimal(10)  # a price that moved this many times between runs

PreviousPrices = Mapping[str, Mapping[str, tuple[Decimal, str]]]
"""Offering URL -> component -> (amount, currency) as the previous run stored them."""
_MERGED_FIELDS = ("catalog", "provider", "source_model_id", "name", "author", "date_added",
                  "context_length")


class Normalised:
    """The strict result of a set of pages: offerings, their models and the findings."""

    def __init__(self) -> None:
        self.offerings: list[Offering] = []
        self.findings: list[Finding] = []
        self.models: dict[str, dict[str, Any]] = {}
        self.matches: dict[str, Match] = {}  # offering URL -> how its model was resolved


def normalise(records: Iterable[RawOffering], raw_findings: Iterable[RawFinding] = (),
              previous: PreviousPrices | None = None) -> Normalised:
    """Returns the offerings, models and findings that `records` describe.

    With `previous` (the prices the last run stored, by offering URL), a price that moved
    tenfold or more since becomes a finding. This holds everything in memory; the pipeline
    runs the same steps over a catalog of any size (`catalog.pipeline`).
    """
    result = Normalised()
    result.findings.extend(finding_of(f) for f in raw_findings)
    by_page: dict[str, list[RawOffering]] = {}
    for rec in records:
        by_page.setdefault(page_key(rec), []).append(rec)
    offerings = []
    for page_url in sorted(by_page):
        offering = page_offering(page_url, by_page[page_url], result.findings)
        if offering is not None:
            offerings.append(offering)
            note_model(result.models, offering)
    # one model, many IDs: the per-page IDs above are joined into canonical models
    result.offerings, result.models, result.matches = assign_models(link_related(offerings),
                                                                    result.models)
    if previous:
        result.findings.extend(price_moves(result.offerings, previous))
    return result


def finding_of(raw: RawFinding) -> Finding:
    """Returns an extractor's finding as a strict one."""
    return Finding(url=raw.url, field=raw.field, kind=raw.kind, detail=raw.detail)


def page_key(rec: RawOffering) -> str:
    """Returns the model page a record describes: records with the same key are one
    offering."""
    return rec.page_url or rec.url


def page_offering(page_url: str, recs: list[RawOffering], findings: list[Finding]
                  ) -> Offering | None:
    """Returns the offering that the records of page `page_url` describe (None if they
    name no model), adding what is odd about them to `findings`. The records are in the
    order they were read."""
    # HTML first: it is the page the offering is listed on.
    recs = sorted(recs, key=lambda r: (r.source_format == "seed_markdown", r.url))
    return _offering(page_url, recs, findings)


def note_model(models: dict[str, dict[str, Any]], offering: Offering) -> None:
    """Adds what `offering` says about its model to `models` (per-page model records by
    provisional model ID; the first offering's facts win, a missing description is filled
    by a later one; `described_by` is the provider and context length of the offering
    whose description it is, `own_description` the first description given by an offering
    its author serves)."""
    model = models.setdefault(offering.model_id, {
        "id": offering.model_id, "name": offering.name, "author": offering.author,
        "family": None, "description": None,
        "context_length": offering.context_length, "modalities": list(offering.modalities)})
    if model["description"] is None and offering.description is not None:
        model["description"] = offering.description
        model["described_by"] = (offering.provider, offering.context_length)
    if (offering.description is not None and offering.author
            and offering.provider == offering.author.lower()):
        model.setdefault("own_description", offering.description)


def price_moves(offerings: Iterable[Offering], previous: PreviousPrices) -> list[Finding]:
    """Returns a finding for each price that moved tenfold or more since the previous run.

    A move to or from zero (a model becoming free or paid) is a change, not an oddity.
    """
    out: list[Finding] = []
    for off in offerings:
        before = previous.get(off.url) or {}
        for price in off.prices:
            old = before.get(price.component)
            if old is None or old[1] != price.currency or not old[0] or not price.amount:
                continue
            ratio = price.amount / old[0]
            if ratio >= _MOVED or ratio <= 1 / _MOVED:
                out.append(Finding(
                    url=off.url, field=f"price.{price.component}", kind="price_moved_10x",
                    detail=f"previous run {old[0]} {old[1]}, this run {price.amount} "
                           f"{price.currency} ({_times(ratio)}) {price.unit}",
                    offering_url=off.url))
    return out


def _times(ratio: Decimal) -> str:
    if ratio >= 1:
        return f"{ratio.quantize(Decimal('0.1')).normalize():f}x higher"
    return f"{(1 / ratio).quantize(Decimal('0.1')).normalize():f}x lower"


def _offering(page_url: str, recs: list[RawOffering], findings: list[Finding]
              ) -> Offering | None:
    def note(field: str, kind: str, detail: str, url: str | None = None) -> None:
        findings.append(Finding(url=url or recs[0].url, field=field, kind=kind, detail=detail,
                                offering_url=page_url))

    merged: dict[str, Any] = {}
    for field in _MERGED_FIELDS:
        values = [(r.url, getattr(r, field)) for r in recs if getattr(r, field)]
        if not values:
            continue
        merged[field] = values[0][1]
        for url, value in values[1:]:
            if value != values[0][1]:
                note(field, "twin_disagrees", f"{values[0][0]} says {values[0][1]!r}, "
                     f"{url} says {value!r}", url)
    for rec in recs:
        if rec.source_format == "generic_html":  # no extractor knows this layout: say how
            note("offering", "generic_fallback", "read by the generic HTML fallback: " + (
                ", ".join(f"{f} from {m}" for f, m in sorted(rec.methods.items())) or
                "no field"), rec.url)
    source_id = merged.get("source_model_id")
    if not source_id:
        note("source_model_id", "missing", "no model ID on the page; offering skipped")
        return None
    host = urlsplit(page_url).netloc
    author = merged.get("author")
    path = [p for p in urlsplit(page_url).path.split("/") if p]
    provider = merged.get("provider") or (path[1] if len(path) >= 3 else host)
    md_url = next((r.url for r in recs if r.source_format == "seed_markdown"), None) or next(
        (r.md_url for r in recs if r.md_url), None)
    llms_url = next((r.llms_url for r in recs if r.llms_url), None)
    prices, tiers = _prices(recs, note)
    _check_chat_prices(prices, recs, note)
    date_added = _date(merged.get("date_added"), "date_added", note)
    release = _date(next((r.release_date for r in recs if r.release_date), None),
                    "release_date", note, parse_release_date)
    related = sorted({link.url for r in recs for link in r.related if link.url != page_url})
    modalities = next((r.modalities for r in recs if r.modalities), [])
    description = next((r.description for r in recs if r.description), None)
    return Offering(
        url=page_url, catalog=merged.get("catalog") or host, provider=slugify(provider),
        source_model_id=source_id, model_id=canonical_model_id(source_id, author),
        name=merged.get("name") or source_id, author=author, description=description,
        md_url=md_url, llms_url=llms_url, date_added=date_added, release_date=release,
        context_length=_int(merged.get("context_length"), note),
        modalities=_modalities(modalities), prices=tuple(prices), tier_prices=tuple(tiers),
        related_urls=tuple(related), sources=tuple(sorted({r.url for r in recs})))


def _prices(recs: list[RawOffering], note: Any) -> tuple[list[Price], list[Price]]:
    """Returns (base prices, context-tier prices) the records state, one per component."""
    found: dict[str, Price] = {}
    tiers: dict[tuple[str, int], Price] = {}
    headline: list[tuple[str, Decimal, str | None, str]] = []
    free: list[tuple[str, str]] = []  # (component, url) of free prices that name no currency
    for rec in recs:
        for raw in rec.prices:
            parsed = parse_price(raw.text)
            if parsed is None:
                note("price", "unparsed", f"{raw.label}: {raw.text!r} is not a price", rec.url)
                continue
            if raw.label in ("headline", "spec_price"):
                headline.append((raw.label, parsed.amount, parsed.unit, rec.url))
                continue
            component = _COMPONENT_OF_LABEL.get(raw.label) or parsed.hint or (
                _COMPONENT_OF_UNIT.get(parsed.unit or ""))
            if component is None:
                note("price", "unknown_component", f"{raw.label}: {raw.text!r}", rec.url)
                continue
            field = f"price.{component}"
            if not parsed.exact:
                note(field, "inexact_price", f"{raw.label}: {raw.text!r} is a bound or an "
                     "estimate, not a price; not recorded", rec.url)
                continue
            unit = UNIT_OF[component]
            if parsed.unit is not None and parsed.unit != unit:
                shown = "a unit outside the registry" if parsed.unit == UNKNOWN_UNIT else (
                    parsed.unit)
                note(field, "unit_mismatch",
                     f"{raw.label} price {raw.text!r} is {shown}, expected {unit}", rec.url)
                continue
            if parsed.hint and parsed.hint != component and raw.label in _COMPONENT_OF_LABEL:
                note(field, "label_disagrees", f"labelled {raw.label!r} but {raw.text!r} "
                     f"names {parsed.hint}", rec.url)
            currency = parsed.currency or ("" if parsed.amount == 0 else "unknown")
            if currency == "unknown":
                note(field, "no_currency", f"{raw.label}: {raw.text!r} names no currency",
                     rec.url)
            elif not currency:
                free.append((component, rec.url))
            price = Price(component=component, unit=unit, amount=parsed.amount,
                          currency=currency, min_prompt_tokens=raw.min_prompt_tokens)
            if raw.min_prompt_tokens is not None:
                tiers.setdefault((component, raw.min_prompt_tokens), price)
                continue
            old = found.get(component)
            if old is not None and (old.amount != price.amount or (
                    old.currency and price.currency and old.currency != price.currency)):
                note(field, "twin_disagrees",
                     f"{old.amount} {old.currency} vs {price.amount} {price.currency} at {rec.url}",
                     rec.url)
                continue
            found.setdefault(component, price)
    _fill_free_currency(found, tiers)
    _check_headline(found, headline, note)
    for (component, min_tokens), tier in sorted(tiers.items()):
        if component not in found:  # stored, but "the" price of the component is unknown
            note(f"price.{component}", "tier_without_base",
                 f"from {min_tokens} prompt tokens: {tier.amount} {tier.currency} "
                 f"{tier.unit}, but no base {component} price", recs[0].url)
    return [found[c] for c in sorted(found)], [tiers[k] for k in sorted(tiers)]


def _fill_free_currency(found: dict[str, Price], tiers: dict[tuple[str, int], Price]) -> None:
    """A free price that names no currency takes the one the other prices name.

    Zero is zero in any currency, so when no price names one the free price is recorded as
    USD, the currency every export compares in; nothing else is ever assumed.
    """
    named = {p.currency for p in [*found.values(), *tiers.values()] if p.currency}
    named.discard("unknown")
    currency = named.pop() if len(named) == 1 else "USD"
    for key, price in list(found.items()):
        if not price.currency:
            found[key] = price.model_copy(update={"currency": currency})
    for tkey, price in list(tiers.items()):
        if not price.currency:
            tiers[tkey] = price.model_copy(update={"currency": currency})


def _check_chat_prices(prices: list[Price], recs: list[RawOffering], note: Any) -> None:
    """A chat model whose output costs under a tenth of its input is almost surely misread
    (input and output swapped, or a unit slip): real chat prices run the other way."""
    by = {p.component: p for p in prices}
    inp, out = by.get("input"), by.get("output")
    if inp is None or out is None or inp.currency != out.currency or not out.amount:
        return  # a zero output price is how embedding and reranking models are listed
    names = " ".join(f"{r.name or ''} {r.source_model_id or ''}" for r in recs)
    if _NOT_CHAT.search(names):
        return
    modalities = " ".join(m for r in recs for m in r.modalities).lower()
    outputs = modalities.rpartition("output")[2] if "output" in modalities else modalities
    if modalities and "text" not in outputs:
        return  # an embedding, image or audio model: its output may well cost less
    if out.amount * _CHAT_OUTPUT_FLOOR < inp.amount:
        note("price.output", "output_below_tenth_of_input",
             f"output {out.amount} {out.currency} is under a tenth of input {inp.amount} "
             f"{inp.currency} per 1M tokens", recs[0].url)


def _check_headline(found: dict[str, Price], headline: list[tuple[str, Decimal, str | None, str]],
                    note: Any) -> None:
    """The catalog's headline "$X / call" (and its spec "Price") is the mean of the input
    and output per-1M prices, not a per-call price: record what it is, never store it.

    One finding per offering and kind, however many places repeat the figure.
    """
    if not headline:
        return
    amounts = sorted({amount for _, amount, _, _ in headline})
    where = " and ".join(sorted({"headline" if label == "headline" else "specifications price"
                                 for label, _, _, _ in headline}))
    url = headline[0][3]
    shown = ", ".join(str(a) for a in amounts)
    if "input" in found and "output" in found:
        mean = (found["input"].amount + found["output"].amount) / 2
        # the headline is shown to 6 decimals; the listed prices may carry more
        if all(abs(a - mean) <= _HEADLINE_TOLERANCE for a in amounts):
            note("price", "headline_is_mean",
                 f"{where} {shown} is the mean of input {found['input'].amount} and output "
                 f"{found['output'].amount} per 1M tokens, not a per-call price", url)
        else:
            note("price", "headline_mismatch",
                 f"{where} {shown} matches no listed price (mean of input and output is "
                 f"{mean})", url)
    elif "request" not in found and any(label == "headline" for label, _, _, _ in headline):
        note("price", "headline_only",
             f"{where} {shown} is the only price stated; not recorded, since this catalog's "
             "headline is not reliably per call", url)


def _modalities(texts: list[str]) -> tuple[str, ...]:
    """Returns the distinct modalities named in texts like "Input: text, image" / "Output: text".

    >>> _modalities(["Input: text, image", "Output: text"])
    ('text', 'image')
    """
    out: dict[str, None] = {}
    for text in texts:
        _, _, names = text.rpartition(":")
        for name in re.split(r"[,/+&]| and ", names):
            name = name.strip().lower()
            if name:
                out[name] = None
    return tuple(out)


def _date(text: str | None, field: str, note: Any, parse: Any = parse_date) -> Any:
    """Returns `parse(text)`, or None with a finding when `text` is no date `parse` takes.

    A release date named only to the month ("2024-05", "May 2024") is kept as such by
    `parse_release_date`, with no finding: it is as precise as the source, not wrong."""
    if not text:
        return None
    try:
        return parse(text)
    except AmbiguousDate as exc:
        note(field, "ambiguous_date", str(exc))
    except ImpreciseDate as exc:
        note(field, "imprecise_date", str(exc))
    except (ValueError, OverflowError) as exc:
        note(field, "unparsed", f"{text!r}: {exc}")
    return None


def _int(text: str | None, note: Any) -> int | None:
    if not text:
        return None
    t = text.replace(",", "").replace(" ", "").lower().removesuffix("tokens")
    mult = 1
    if t.endswith("k"):
        t, mult = t[:-1], 1000
    elif t.endswith("m"):
        t, mult = t[:-1], 1_000_000
    try:
        return int(Decimal(t) * mult)
    except Exception:
        note("context_length", "unparsed", f"{text!r} is not a token count")
        return None
