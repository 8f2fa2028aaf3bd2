"""Data for machines: the JSON API (`api/models.json`, one file per model, the rows of the
index table) and schema.org JSON-LD for model pages.

Prices stay exact: `Decimal` is written as a JSON number from its decimal text.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import simplejson
from markupsafe import Markup

from catalog.render import exports
from catalog.render.markdown import http_url, one_line
from catalog.render.views import (
    UNIT_WORDS,
    Catalog,
    ModelData,
    ModelRow,
    cheapest_offering,
    ranked,
)

#: Offers in a model page's JSON-LD; the page's table and JSON have every offering.
JSONLD_OFFERS = 20
#: Columns of `api/table.json`, the display rows of the index table.
TABLE_COLUMNS = ("name", "href", "author", "author_href", "input", "output", "blended",
                 "context", "modalities", "offerings", "date_added", "a", "p", "m", "free")


def dumps(doc: Any, indent: int | None = 1) -> str:
    """Returns `doc` as JSON text ending in a newline: keys sorted, decimals exact."""
    return simplejson.dumps(doc, use_decimal=True, indent=indent, sort_keys=True,
                            ensure_ascii=False) + "\n"


def dump(items: Iterable[Any], fp: IO[str]) -> None:
    """Writes `items` to `fp` as the JSON text `dumps` makes of their list, one item at
    a time."""
    array = exports.JsonArray(fp, indent=1, use_decimal=True, sort_keys=True,
                              ensure_ascii=False)
    for item in items:
        array.add(item)
    array.close()
    fp.write("\n")


def table_json(rows: list[ModelRow]) -> str:
    """Returns the index table's rows as they are displayed, for the script that shows the
    whole table on one page: `{"columns": [...], "rows": [[...], ...]}`."""
    data = [[r.name, r.href, r.author, r.author_href, r.input, r.output, r.blended,
             r.context, r.modalities, r.offerings, r.date_added, r.filter_author,
             r.filter_providers, r.filter_modalities, r.free] for r in rows]
    return simplejson.dumps({"columns": list(TABLE_COLUMNS), "rows": data},
                            ensure_ascii=False, separators=(",", ":")) + "\n"


def script_json(doc: Any) -> Markup:
    """Returns `doc` as JSON safe inside `<script>`: `<`, `>`, `&` and line separators are
    \\u-escaped, so no string in it can close the element or open a comment."""
    text = simplejson.dumps(doc, use_decimal=True, sort_keys=True, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)


# -- data for machines ---------------------------------------------------------

def api_model(cat: Catalog, data: ModelData, base: str) -> dict[str, Any]:
    """A model with its offerings and exact prices, for `api/models.json`: `prices` are the
    base prices by component, `tier_prices` the context tiers (`component`, `unit`,
    `amount`, `currency`, `min_prompt_tokens`); `release_date` is YYYY-MM-DD or YYYY-MM."""
    mid, m = data.id, data.model
    best = cheapest_offering(data.offerings)
    return {
        "id": mid, "name": m["name"], "author": m["author"] or None,
        "family": m["family"] or None, "description": m["description"] or None,
        "context_length": m["context_length"], "modalities": m["modalities"],
        "page": base + cat.model_path(mid), "markdown": base + cat.model_path(mid, "md"),
        "offerings": [{
            "id": o["id"], "url": o["url"], "catalog": o["catalog"],
            "provider": o["provider"], "source_model_id": o["source_model_id"],
            "name": o["name"], "date_added": o["date_added"],
            "release_date": o["release_date"], "context_length": o["context_length"],
            "modalities": o["modalities"], "currency": o["currency"],
            "prices": o["prices"], "price_units": o["price_units"],
            "tier_prices": o["tier_prices"],
            "blended_3to1_per_mtok": exports.blended(o["prices"]), "cheapest": o is best,
            "related_urls": o["related_urls"],
        } for o in data.offerings],
    }


def model_json(cat: Catalog, data: ModelData, base: str) -> dict[str, Any]:
    """`api/models/<name>.json`: the model as in `api/models.json`, plus every version of
    every base price of its offerings, removed ones included (`valid_to` null: current);
    current context tiers are each offering's `tier_prices`, their versions in the
    `history` export."""
    doc = api_model(cat, data, base)
    history = []
    for off in data.history:
        for r in data.price_versions.get(off["id"], []):
            history.append({
                "offering_id": off["id"], "url": off["url"], "provider": off["provider"],
                "status": off["status"], "component": r["component"], "unit": r["unit"],
                "amount": Decimal(r["amount"]), "currency": r["currency"],
                "valid_from": cat.run_dates.get(r["valid_from_run"]),
                "valid_to": cat.run_dates.get(r["valid_to_run"]) if r["valid_to_run"] else None,
                "valid_from_run": r["valid_from_run"], "valid_to_run": r["valid_to_run"]})
    doc["price_history"] = sorted(history, key=lambda h: (
        h["url"], h["component"], h["valid_from_run"]))
    return doc


def product_jsonld(data: ModelData, canonical: str) -> dict[str, Any]:
    """The schema.org `Product` for a model, one `Offer` per offering, cheapest first;
    past `JSONLD_OFFERS` an `AggregateOffer` counts them all and holds the cheapest."""
    mid, m = data.id, data.model
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": "Product",
                           "name": m["name"], "productID": mid, "url": canonical}
    if m["description"]:
        doc["description"] = one_line(m["description"])
    if m["author"]:
        doc["brand"] = {"@type": "Brand", "name": m["author"]}
    offers = ranked(data.offerings)
    if len(offers) <= JSONLD_OFFERS:
        doc["offers"] = [_offer(o) for o in offers]
    else:
        doc["offers"] = {"@type": "AggregateOffer", "offerCount": len(offers),
                         "offers": [_offer(o) for o in offers[:JSONLD_OFFERS]]}
    return doc


def _offer(off: dict[str, Any]) -> dict[str, Any]:
    """An `Offer` with one `UnitPriceSpecification` per price component."""
    offer: dict[str, Any] = {
        "@type": "Offer", "name": one_line(f"{off['name']} on {off['provider']}"),
        "seller": {"@type": "Organization", "name": one_line(off["provider"])}}
    if url := http_url(off["url"]):
        offer["url"] = url
    cur = off["currency"]
    if cur and len(cur) == 3:
        offer["priceCurrency"] = cur
    specs = []
    for comp, amount in sorted(off["prices"].items()):
        unit = off["price_units"].get(comp, "")
        qty = (1000000, "tokens") if unit == "per_1m_tokens" else (
            1, UNIT_WORDS.get(unit, unit.removeprefix("per_") or "unit"))
        spec: dict[str, Any] = {
            "@type": "UnitPriceSpecification", "name": comp, "price": amount,
            "referenceQuantity": {"@type": "QuantitativeValue", "value": qty[0],
                                  "unitText": qty[1]}}
        if "priceCurrency" in offer:
            spec["priceCurrency"] = cur
        specs.append(spec)
    if specs:
        offer["priceSpecification"] = specs
    return offer
