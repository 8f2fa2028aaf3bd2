"""View models: everything a page shows, computed and formatted here, never in templates.

`Catalog` reads what lists of models show once, and what a model's page shows a few
models at a time (`ModelData`). Its methods return plain dataclasses whose fields are
display-ready strings (exact decimal prices, dates, links relative to the page that
shows them), so the HTML and Markdown templates only lay them out.

Ranking: the cheapest offering of a model is the one with the lowest blended 3:1 price,
(3 * input + output) / 4 per 1M tokens, among offerings priced in USD with both an input
and an output price; ties go to the lower source URL, as in the pricing exports.
Offerings priced only per request, image, second or character are listed but not ranked.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from catalog.normalise.dates import month_label
from catalog.normalise.prices import decimal_text
from catalog.render.exports import blended
from catalog.render.history import HistoryView, model_history
from catalog.render.markdown import (
    MdSafe,
    http_url,
    llms_link,
    md_destination,
    md_link,
    one_line,
)
from catalog.render.paths import NameMap
from catalog.store import Store

RANKING_NOTE = (
    "Cheapest is the lowest blended 3:1 price, (3 × input + output) ÷ 4 per 1M tokens, "
    "among offerings priced in USD with both an input and an output price. Offerings "
    "priced only per request, per image or per second are listed but not ranked.")
PRICES_NOTE = (
    "Prices are US dollars per 1M tokens: a model's lowest input and lowest output price "
    "among its offerings, and the blended price of its cheapest offering.")
TOKEN_COMPONENTS = ("input", "output", "cache_read", "cache_write")
UNIT_COMPONENTS = ("request", "image")
#: Price columns of the offerings table: (key, heading, CSS class). The first three always
#: show; the others only when some offering of the model has that price.
PRICE_COLUMNS = (("input", "Input", "num"), ("output", "Output", "num"),
                 ("blended", "Blended 3:1", "num"), ("cache_read", "Cache read", "num"),
                 ("cache_write", "Cache write", "num"), ("request", "Per call", "num"),
                 ("image", "Per image", "num"), ("other", "Other prices", "text"))
UNIT_WORDS = {"per_1m_tokens": "1M tokens", "per_request": "request", "per_image": "image",
               "per_second": "second", "per_character": "character"}
DASH = "—"
#: Data notes listed on a model page; the data-quality pages list them all.
MAX_FINDINGS = 50
#: File name stems that group directories use for their own pages.
RESERVED_STEMS = frozenset({"index"})


def format_price(amount: Decimal | None, currency: str | None = "USD") -> str:
    """Returns a price for display: "$0.075", "Free" for 0, "—" when unknown."""
    if amount is None:
        return DASH
    if amount == 0:
        return "Free"
    if currency in (None, "", "USD"):
        return "$" + decimal_text(amount)
    return f"{decimal_text(amount)} {currency}"


def format_unit_price(amount: Decimal, currency: str | None, unit: str) -> str:
    """Returns a price with its unit: "$0.15 per 1M tokens", "Free", "0.10 EUR per image"."""
    text = format_price(amount, currency)
    return text if amount == 0 else f"{text} per {UNIT_WORDS.get(unit, unit)}"


def count(n: int, noun: str) -> str:
    """Returns "1 model", "2 models"."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def format_int(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def _tokens(value: int | None) -> str:
    return DASH if value is None else f"{value:,} tokens"


@dataclass(frozen=True)
class ModelRow:
    """One model in a models table (index, provider and author pages)."""

    id: str
    name: str
    href: str
    md: MdSafe
    author: str
    author_href: str | None
    author_md: MdSafe
    input: str
    output: str
    blended: str
    context: str
    modalities: str
    offerings: int
    date_added: str
    filter_author: str
    filter_providers: str
    filter_modalities: str
    free: bool


@dataclass(frozen=True)
class OfferingView:
    """One offering on a model page."""

    catalog: str
    provider: str
    provider_href: str
    provider_md: MdSafe
    source_model_id: str
    source_url: str | None
    source_md: MdSafe
    prices: dict[str, str]
    context: str
    date_added: str
    cheapest: bool
    ranked: bool
    tiers: list[str] = field(default_factory=list)
    """One line per component with context-tier prices: "Input: $1.25 per 1M tokens; from
    200,000 prompt tokens: $2.50 per 1M tokens"."""


@dataclass(frozen=True)
class LinkView:
    """A link shown as text: `href` None means plain text; `external` leaves the site."""

    text: str
    href: str | None
    md: MdSafe
    external: bool = False


@dataclass(frozen=True)
class FindingView:
    field: str
    kind: str
    detail: str
    url: LinkView


@dataclass(frozen=True)
class ModelPage:
    """A model page: facts, offerings side by side, related models and findings."""

    id: str
    name: str
    author: LinkView | None
    family: str
    description: str
    modalities: str
    modality_list: list[str]
    context: str
    released: str
    """The release date most of its offerings state ("May 2024", "2024-05-13"), or ""."""
    offerings: list[OfferingView]
    tiered: list[OfferingView]
    """The offerings with context-tier prices, in the order of `offerings`."""
    price_columns: list[tuple[str, str, str]]
    cheapest: OfferingView | None
    related: list[LinkView]
    findings: list[FindingView]
    findings_total: int
    history: HistoryView
    json_path: str
    json_md: MdSafe


@dataclass(frozen=True)
class Group:
    """A provider or an author, with the models it lists."""

    kind: str
    key: str
    stem: str
    model_ids: list[str] = field(default_factory=list)


def _sort_key(text: str | None) -> tuple[str, str]:
    return ((text or "").casefold(), text or "")


def _is_free(off: dict[str, Any]) -> bool:
    prices: dict[str, Decimal] = off["prices"]
    return bool(prices) and all(v == 0 for v in prices.values())


def _rank_price(off: dict[str, Any]) -> Decimal | None:
    """The blended price an offering is ranked by, or None if it is not ranked."""
    return blended(off["prices"]) if off["currency"] == "USD" else None


def cheapest_offering(offerings: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The offering ranked cheapest (see the module docstring), or None."""
    ranked = [(p, o["url"], o) for o in offerings if (p := _rank_price(o)) is not None]
    return min(ranked, key=lambda t: (t[0], t[1]))[2] if ranked else None


def ranked(offerings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Offerings cheapest first (ranked ones, by blended price), then the unranked ones."""
    return sorted(offerings, key=lambda o: (
        (p := _rank_price(o)) is None, p or Decimal(0), *_sort_key(o["provider"]),
        o["catalog"], o["url"]))


def _min_price(offerings: Iterable[dict[str, Any]], component: str) -> Decimal | None:
    found = [o["prices"][component] for o in offerings
             if o["currency"] == "USD" and component in o["prices"]]
    return min(found) if found else None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What lists of models show of a model (its page shows more: `ModelData`)."""

    name: str
    author: str
    context_length: int | None
    modalities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OfferingSummary:
    """What a row of a models table shows of some offerings of one model (all of them, or
    one provider's): its lowest USD input and output prices, the blended price of the
    cheapest, and so on."""

    input: str
    output: str
    blended: str
    context: int | None
    offerings: int
    date_added: str
    providers: tuple[str, ...]
    free: bool


def summarise(offerings: list[dict[str, Any]]) -> OfferingSummary:
    """The `OfferingSummary` of `offerings` (at least one)."""
    best = cheapest_offering(offerings)
    dates = sorted(o["date_added"] for o in offerings if o["date_added"])
    # Texts that many models share (prices, dates, providers) are kept once.
    return OfferingSummary(
        input=sys.intern(format_price(_min_price(offerings, "input"))),
        output=sys.intern(format_price(_min_price(offerings, "output"))),
        blended=sys.intern(format_price(_rank_price(best) if best else None)),
        context=_max(offerings, "context_length"), offerings=len(offerings),
        date_added=sys.intern(dates[0]) if dates else DASH,
        providers=tuple(sorted({sys.intern(one_line(o["provider"])) for o in offerings})),
        free=any(_is_free(o) for o in offerings))


@dataclass(frozen=True)
class ModelData:
    """What a model's page and JSON are made of (read by `Catalog.model_data`).

    `model` has the model's `id`, `name`, `author`, `family`, `description`,
    `context_length` and `modalities` (from the stored model, else from its offerings);
    `offerings` are its active offerings and `history` all of them, removed ones too, as
    `Store.offerings` has them; `price_versions`, `edges` and `findings` are their price
    versions (`Store.price_history`), related links and latest findings by offering ID.
    """

    id: str
    model: dict[str, Any]
    offerings: list[dict[str, Any]]
    history: list[dict[str, Any]]
    price_versions: dict[str, list[dict[str, Any]]]
    edges: dict[str, list[dict[str, Any]]]
    findings: dict[str, list[dict[str, Any]]]


#: Models whose pages' data `Catalog.model_data` reads at once.
MODEL_READ = 100


class Catalog:
    """The catalog as the site shows it.

    What lists of models show is read from `store` once, in one pass over the offerings,
    and kept in small records (`models`, the `OfferingSummary` of each table row); what a
    model's own page shows is read a few models at a time (`model_data`), so that a
    build never holds every offering with its prices at once.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.run_dates = store.run_dates()
        self.models: dict[str, ModelInfo] = {}
        self.summaries: dict[str, OfferingSummary] = {}
        #: (provider, model ID) -> the summary of that provider's offerings of the model.
        self.provider_summaries: dict[tuple[str, str], OfferingSummary] = {}
        #: The name of each model no longer listed, as its first offering had it.
        self.retired_names: dict[str, str] = {}
        #: The run in which each model, listed or not, was first seen.
        self.first_seen: dict[str, int] = {}
        self.offering_count = 0
        # Removed offerings count too: their removal changed the pages that listed them.
        self._changed: dict[str, dict[str, int]] = {
            "model": {}, "provider": {}, "author": {}, "site": {}}
        stored = {m["id"]: m for m in store.models()}
        provider_members: dict[str, set[str]] = {}
        for mid, group in groupby(store.listing_offerings(), key=lambda o: o["model_id"]):
            self._add_model(mid, list(group), stored.get(mid, {}), provider_members)
        del stored
        self.model_ids = sorted(self.models, key=lambda i: (
            *_sort_key(self.models[i].name), i))
        self.model_files = NameMap(list(self.models), RESERVED_STEMS)
        self.providers = self._groups("provider", provider_members)
        author_members: dict[str, set[str]] = {}
        for mid, m in self.models.items():
            if m.author:
                author_members.setdefault(m.author, set()).add(mid)
        self.authors = self._groups("author", author_members)
        self.filter_options = self._filter_options()
        self._option_index = {kind: {v: n for n, v in enumerate(values)}
                              for kind, values in self.filter_options.items()}
        self.finding_ids = store.finding_ids_by_model()

    def _add_model(self, mid: str, offs: list[dict[str, Any]], m: dict[str, Any],
                   provider_members: dict[str, set[str]]) -> None:
        """Adds what lists show of model `mid` from its offerings `offs` (removed ones
        too) and its stored record `m` (or {})."""
        active = [o for o in offs if o["status"] == "active"]
        self.first_seen[mid] = min(o["first_seen_run"] for o in offs)
        if active:
            self.offering_count += len(active)
            self.models[mid] = ModelInfo(
                name=one_line(m.get("name") or active[0]["name"]) or mid,
                author=sys.intern(one_line(m.get("author") or _first(active, "author") or "")),
                context_length=m.get("context_length") or _max(active, "context_length"),
                modalities=tuple(map(sys.intern, m.get("modalities") or sorted(
                    {x for o in active for x in o["modalities"]}))))
            self.summaries[mid] = summary = summarise(active)
            by_provider: dict[str, list[dict[str, Any]]] = {}
            for o in active:
                by_provider.setdefault(sys.intern(one_line(o["provider"])), []).append(o)
            for provider, own in by_provider.items():
                provider_members.setdefault(provider, set()).add(mid)
                self.provider_summaries[provider, mid] = (
                    summary if len(by_provider) == 1 else summarise(own))
        else:
            self.retired_names[mid] = one_line(offs[0]["name"]) or mid
        for o in offs:
            author = self.models[mid].author if active else one_line(o["author"] or "")
            for kind, key in (("model", mid), ("provider", one_line(o["provider"])),
                              ("author", author), ("site", "")):
                seen = self._changed[kind]
                seen[key] = max(seen.get(key, 0), o["changed_run"])

    def _groups(self, kind: str, members: dict[str, set[str]]) -> dict[str, Group]:
        names = NameMap(list(members), RESERVED_STEMS, fold_case=True)
        order = {mid: n for n, mid in enumerate(self.model_ids)}
        return {key: Group(kind, key, names[key], sorted(mids, key=order.__getitem__))
                for key, mids in sorted(members.items(), key=lambda kv: _sort_key(kv[0]))}

    # -- dates ----------------------------------------------------------------

    def _date(self, runs: dict[str, int], key: str) -> str | None:
        run = runs.get(key)
        return None if run is None else self.run_dates.get(run)

    def model_updated(self, mid: str) -> str | None:
        """The date of the run in which any offering of the model last changed."""
        return self._date(self._changed["model"], mid)

    def group_updated(self, group: Group) -> str | None:
        return self._date(self._changed[group.kind], group.key)

    def site_updated(self) -> str | None:
        return self._date(self._changed["site"], "")

    # -- links ----------------------------------------------------------------

    def model_path(self, mid: str, ext: str = "html") -> str:
        return f"models/{self.model_files[mid]}.{ext}"

    def model_json_path(self, mid: str) -> str:
        return f"api/models/{self.model_files[mid]}.json"

    def link(self, text: str, path: str, root: str) -> LinkView:
        """A link to a page of this site, relative to a page `root` levels below it."""
        html = root + path
        md = root + path.removesuffix(".html") + ".md"
        return LinkView(text, html, md_link(text, md))

    def author_link(self, author: str, root: str) -> LinkView | None:
        group = self.authors.get(author)
        return self.link(author, f"authors/{group.stem}.html", root) if group else None

    def provider_link(self, provider: str, root: str) -> LinkView:
        return self.link(provider, f"providers/{self.providers[provider].stem}.html", root)

    # -- tables ---------------------------------------------------------------

    def model_row(self, mid: str, root: str, provider: str | None = None) -> ModelRow:
        """A models-table row; prices come from the offerings of `provider` (default: all
        of the model's)."""
        m = self.models[mid]
        s = self.summaries[mid] if provider is None else self.provider_summaries[provider, mid]
        link = self.link(m.name, self.model_path(mid), root)
        author = self.author_link(m.author, root)
        return ModelRow(
            id=mid, name=m.name, href=link.href or "", md=link.md,
            author=m.author or DASH, author_href=author.href if author else None,
            author_md=author.md if author else MdSafe(DASH),
            input=s.input, output=s.output, blended=s.blended,
            context=format_int(m.context_length if provider is None else s.context),
            modalities=", ".join(m.modalities) or DASH,
            offerings=s.offerings, date_added=s.date_added,
            filter_author=self._filter_keys("authors", [m.author] if m.author else []),
            filter_providers=self._filter_keys("providers", list(s.providers)),
            filter_modalities=self._filter_keys("modalities", list(m.modalities)),
            free=s.free)

    def _filter_keys(self, kind: str, values: list[str]) -> str:
        """The positions of `values` among the filter options, space-separated."""
        index = self._option_index[kind]
        return " ".join(str(n) for n in sorted({index[v] for v in values if v in index}))

    def rows(self, model_ids: Iterable[str], root: str, provider: str | None = None
             ) -> list[ModelRow]:
        return [self.model_row(mid, root, provider) for mid in model_ids]

    def _filter_options(self) -> dict[str, list[str]]:
        return {
            "authors": sorted({m.author for m in self.models.values() if m.author},
                              key=_sort_key),
            "providers": list(self.providers),
            "modalities": sorted({x for m in self.models.values() for x in m.modalities},
                                 key=_sort_key),
        }

    def llms_entry(self, mid: str, base: str, full: ModelData | None = None) -> MdSafe:
        """The model's line in llms.txt: `- [name](twin URL): notes`.

        Brackets in the name become parentheses in the link text (the reference llms.txt
        parser reads a title up to the first "]"); the exact name is on the model's page.
        With `full`, the model's data, the line of llms-full.txt: it adds modalities,
        every offering's prices and the description.
        """
        m = self.models[mid]
        row = self.model_row(mid, base)
        notes = [f"by {m.author or 'unknown author'}", f"ID {mid}",
                 f"cheapest input {row.input}, output {row.output}, blended 3:1 "
                 f"{row.blended} per 1M tokens", f"context {row.context}",
                 count(row.offerings, "offering")]
        if full is not None:
            notes.insert(3, f"modalities {row.modalities}")
            for off in sorted(full.offerings, key=lambda o: (*_sort_key(o["provider"]),
                                                               o["url"])):
                prices = ", ".join(
                    f"{comp.replace('_', ' ')} "
                    f"{format_unit_price(amount, off['currency'], off['price_units'][comp])}"
                    for comp, amount in sorted(off["prices"].items())) or "no price listed"
                notes.append(f"{one_line(off['provider'])} ({one_line(off['catalog'])}): "
                             f"{prices}")
            if full.model["description"]:
                notes.append("description: " + one_line(full.model["description"]))
        return llms_link(m.name or mid, base + self.model_path(mid, "md"), "; ".join(notes))

    # -- model pages ----------------------------------------------------------

    def model_data(self, model_ids: Sequence[str], pages: bool = True
                   ) -> Iterator[ModelData]:
        """Yields the data of each of `model_ids` (listed models), in that order, read
        from the store `MODEL_READ` models at a time. Without `pages`, only the model and
        its active offerings are read (what `api.api_model` and `llms_entry` need):
        `history` is then the active offerings, and there are no price versions, edges
        or findings."""
        empty: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(model_ids), MODEL_READ):
            chunk = list(model_ids[start:start + MODEL_READ])
            stored = {m["id"]: m for m in self.store.models(chunk)}
            history = _by(self.store.offerings(include_removed=pages, model_ids=chunk),
                          "model_id")
            if pages:
                versions = _by(self.store.price_history(model_ids=chunk), "offering_id")
                edges = _by(self.store.related_edges(chunk), "offering_id")
                findings = _by(self.store.findings_by_id(
                    [n for mid in chunk for n in self.finding_ids.get(mid, ())]),
                    "offering_id")
            else:
                versions = edges = findings = empty
            for mid in chunk:
                hist = history[mid]
                offs = [o for o in hist if o["status"] == "active"]
                yield ModelData(
                    mid, self._model(mid, stored.get(mid, {}), offs), offs, hist,
                    _of_offerings(versions, hist), _of_offerings(edges, hist),
                    _of_offerings(findings, hist))

    def _model(self, mid: str, m: dict[str, Any], offs: list[dict[str, Any]]
               ) -> dict[str, Any]:
        info = self.models[mid]
        return {"id": mid, "name": info.name, "author": info.author,
                "family": one_line(m.get("family") or ""),
                "description": (m.get("description") or _first(offs, "description") or ""),
                "context_length": info.context_length, "modalities": list(info.modalities)}

    def model_inputs(self, data: ModelData) -> tuple[Any, ...]:
        """Everything a model's page and JSON are made from, and nothing else: what
        `model_page`, `api.model_json` and `api.product_jsonld` read, without the fields
        that change with every crawl although the page does not (`last_seen_run`, the IDs
        and run of findings). Its hash decides whether the page is rendered again."""
        def offering(o: dict[str, Any]) -> list[tuple[str, Any]]:
            return sorted((k, v) for k, v in o.items() if k != "last_seen_run")

        mid, offs, hist = data.id, data.offerings, data.history
        versions = [data.price_versions.get(o["id"], []) for o in hist]
        runs = {r[k] for rows in versions for r in rows
                for k in ("valid_from_run", "valid_to_run")} | {o["changed_run"] for o in hist}
        related = sorted({(e["related_url"], e["related_model_id"]) for o in offs
                          for e in data.edges.get(o["id"], [])}, key=repr)
        others = sorted({other for _, other in related if other in self.models})
        author = self.authors.get(self.models[mid].author)
        return (
            sorted(data.model.items()), [offering(o) for o in offs],
            [offering(o) for o in hist], versions, related,
            [(o, self.models[o].name, self.model_files[o]) for o in others],
            [[(f["url"], f["field"], f["kind"], f["detail"]) for f in
              data.findings.get(o["id"], [])] for o in offs],
            author.stem if author else None,
            sorted({(o["provider"], self.providers[one_line(o["provider"])].stem)
                    for o in offs}),
            sorted((r, self.run_dates.get(r)) for r in runs if r is not None),
            self.model_files[mid])

    def model_page(self, mid: str, root: str = "../", data: ModelData | None = None
                   ) -> ModelPage:
        """The model page; links start with `root` (the site root seen from the page).
        `data`: the model's data if already read (`model_data`)."""
        if data is None:
            [data] = self.model_data([mid])
        m = data.model
        best = cheapest_offering(data.offerings)
        ordered = ranked(data.offerings)
        views = [self._offering(o, o is best, root) for o in ordered]
        cheapest = next((v for v in views if v.cheapest), None)
        columns = [c for n, c in enumerate(PRICE_COLUMNS)
                   if n < 3 or any(v.prices[c[0]] != DASH for v in views)]
        findings = self._findings(data)
        json_path = self.model_json_path(mid)
        released = release_date([o["release_date"] for o in data.offerings])
        return ModelPage(
            id=mid, name=m["name"], author=self.author_link(m["author"], root),
            family=m["family"], description=one_line(m["description"]),
            modalities=", ".join(m["modalities"]) or DASH, modality_list=list(m["modalities"]),
            context=_tokens(m["context_length"]),
            released=month_label(released), offerings=views,
            tiered=[v for v in views if v.tiers], price_columns=columns, cheapest=cheapest,
            related=self._related(data, root), findings=findings[:MAX_FINDINGS],
            findings_total=len(findings), json_path=json_path,
            json_md=MdSafe(md_destination(json_path)),
            history=model_history(m["name"], data.history, data.price_versions,
                                  self.run_dates, format_unit_price, "price-history"))

    def _offering(self, off: dict[str, Any], cheapest: bool, root: str) -> OfferingView:
        prices: dict[str, Decimal] = off["prices"]
        cur = off["currency"]
        units: dict[str, str] = off["price_units"]
        other = [f"{comp.replace('_', ' ')}: {format_price(amount, cur)}"
                 + (f" per {UNIT_WORDS.get(units[comp], units[comp])}" if amount else "")
                 for comp, amount in sorted(prices.items())
                 if comp not in TOKEN_COMPONENTS + UNIT_COMPONENTS]
        provider = one_line(off["provider"])
        plink = self.provider_link(provider, root)
        url = http_url(off["url"])
        rank_price = _rank_price(off)
        return OfferingView(
            catalog=one_line(off["catalog"]), provider=provider,
            provider_href=plink.href or "", provider_md=plink.md,
            source_model_id=one_line(off["source_model_id"]), source_url=url,
            source_md=md_link("source page", url) if url else MdSafe(DASH),
            prices={**{c: format_price(prices.get(c), cur)
                       for c in TOKEN_COMPONENTS + UNIT_COMPONENTS},
                    "blended": format_price(blended(prices), cur),
                    "other": "; ".join(other) or DASH},
            context=format_int(off["context_length"]), date_added=off["date_added"] or DASH,
            cheapest=cheapest, ranked=rank_price is not None, tiers=tier_lines(off))

    def _related(self, data: ModelData, root: str) -> list[LinkView]:
        internal: dict[str, LinkView] = {}
        external: dict[str, LinkView] = {}
        for off in data.offerings:
            for edge in data.edges.get(off["id"], []):
                other = edge["related_model_id"]
                if other == data.id:
                    continue
                if other in self.models:
                    internal[other] = self.link(
                        self.models[other].name, self.model_path(other), root)
                else:
                    url = edge["related_url"]
                    href = http_url(url)
                    external[url] = LinkView(one_line(url), href, md_link(url, href), True)
        return ([internal[k] for k in sorted(internal, key=lambda k: (
                    *_sort_key(internal[k].text), k))]
                + [external[k] for k in sorted(external)])

    def _findings(self, data: ModelData) -> list[FindingView]:
        out = []
        for off in data.offerings:
            for f in data.findings.get(off["id"], []):
                href = http_url(f["url"])
                out.append(FindingView(
                    one_line(f["field"]), one_line(f["kind"]), one_line(f["detail"]),
                    LinkView(one_line(f["url"]), href, md_link(f["url"], href), True)))
        return sorted(out, key=lambda v: (v.url.text, v.field, v.kind, v.detail))


def release_date(dates: list[str | None]) -> str | None:
    """The release date most offerings state (a provider's wrong date is outvoted), the
    earliest among the most stated; None when none states one."""
    counts = Counter(d for d in dates if d)
    if not counts:
        return None
    top = max(counts.values())
    return min(d for d, n in counts.items() if n == top)


def tier_lines(off: dict[str, Any]) -> list[str]:
    """Returns one line per component of `off` that has context-tier prices: its base price,
    then each tier's, e.g. "Input: $1.25 per 1M tokens; from 200,000 prompt tokens: $2.50
    per 1M tokens"."""
    by_comp: dict[str, list[dict[str, Any]]] = {}
    for t in off.get("tier_prices", []):
        by_comp.setdefault(t["component"], []).append(t)
    lines = []
    order = TOKEN_COMPONENTS + UNIT_COMPONENTS
    for comp, tiers in sorted(by_comp.items(), key=lambda kv: (
            order.index(kv[0]) if kv[0] in order else len(order), kv[0])):
        base = off["prices"].get(comp)
        parts = [format_unit_price(base, off["currency"], off["price_units"][comp])
                 if base is not None else "no base price"]
        parts += [f"from {t['min_prompt_tokens']:,} prompt tokens: "
                  f"{format_unit_price(t['amount'], t['currency'], t['unit'])}"
                  for t in sorted(tiers, key=lambda t: t["min_prompt_tokens"])]
        lines.append(f"{comp.replace('_', ' ').capitalize()}: " + "; ".join(parts))
    return lines


def _first(offs: list[dict[str, Any]], key: str) -> Any:
    return next((o[key] for o in offs if o[key]), None)


def _max(offs: list[dict[str, Any]], key: str) -> Any:
    values = [o[key] for o in offs if o[key] is not None]
    return max(values) if values else None


def _by(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    """`rows` grouped by their `key`, in order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _of_offerings(rows: dict[str, list[dict[str, Any]]], offerings: list[dict[str, Any]]
                  ) -> dict[str, list[dict[str, Any]]]:
    """The entries of `rows` (by offering ID) of `offerings`."""
    return {o["id"]: rows[o["id"]] for o in offerings if o["id"] in rows}
