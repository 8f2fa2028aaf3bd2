"""OpenRouter's model list (`GET /api/v1/models`): one offering per model.

The response is `{"data": [model, ...]}`; each model has `id` ("openai/gpt-4o", or
"…:free" for a free variant), `name`, `created` (Unix seconds: when OpenRouter listed it),
`context_length`, `architecture.input_modalities` / `output_modalities`, and `pricing`:
USD **per token** (or per request / per image) as decimal strings, e.g.
`{"prompt": "0.0000025", "completion": "0.00001", "input_cache_read": "0.00000125",
"request": "0", "image": "0.003613"}`. In it:

- `"-1"` means dynamic pricing (a router that picks a model per request): not a price, a
  finding;
- `"0"` is free for `prompt` and `completion`, and so is a `:free` model with no pricing;
  a `"0"` request, image or reasoning price means that dimension is not charged
  separately, and is not recorded as a price;
- `pricing.overrides` lists context tiers: `{"min_prompt_tokens": 200000, "prompt": …}`
  restates the prices that apply from that prompt size up.

The JSON is read with `parse_float=Decimal`, so no amount is ever a float. Prices are
returned as text ("0.0000025 USD / token") for the normalise stage to convert to per 1M.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from catalog.extract.records import Extracted, RawFinding, RawOffering, RawPrice

SOURCE_FORMAT = "openrouter"

# pricing key -> (RawPrice label, what the amount is per)
PRICE_KEYS = {
    "prompt": ("input", "token"),
    "completion": ("output", "token"),
    "input_cache_read": ("cache_read", "token"),
    "input_cache_write": ("cache_write", "token"),
    "internal_reasoning": ("reasoning", "token"),
    "request": ("call", "request"),
    "image": ("image", "image"),
}
_ZERO_MEANS_UNCHARGED = ("request", "image", "internal_reasoning")
# priced dimensions the unit registry has no component for; recorded when not zero
UNMAPPED_KEYS = ("web_search", "audio", "input_audio", "input_audio_cache", "image_output",
                 "discount")


def looks_like_openrouter(text: str) -> bool:
    """True when `text` starts like an OpenRouter models response (`{"data": [... "pricing"`)."""
    head = text[:4000].lstrip()
    return head.startswith("{") and '"data"' in head and '"pricing"' in text[:20000]


def extract_openrouter(url: str, text: str) -> Extracted:
    """Returns one offering per model of an OpenRouter `/api/v1/models` response."""
    out = Extracted()

    def finding(field: str, kind: str, detail: str) -> None:
        out.findings.append(RawFinding(url=url, field=field, kind=kind, detail=detail))

    try:
        doc = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        finding("page", "unparsed", f"not JSON: {exc}")
        return out
    models = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(models, list):
        finding("page", "unrecognised", 'no "data" list of models')
        return out
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    on_openrouter = parts.hostname is not None and (
        parts.hostname == "openrouter.ai" or parts.hostname.endswith(".openrouter.ai"))
    catalog = "OpenRouter" if on_openrouter else (parts.hostname or "unknown")
    for index, model in enumerate(models):
        try:
            rec = _model(url, origin, catalog, model, index, finding)
        except Exception as exc:  # one odd entry must not lose the others
            finding(f"data[{index}]", "extract_error", f"{type(exc).__name__}: {exc}")
            continue
        if rec is not None:
            out.offerings.append(rec)
    return out


def _model(url: str, origin: str, catalog: str, model: Any, index: int,
           finding: Any) -> RawOffering | None:
    if not isinstance(model, dict) or not isinstance(model.get("id"), str) or not model["id"]:
        finding(f"data[{index}]", "missing", "a model entry without an id")
        return None
    mid: str = model["id"].strip()
    where = f"data[{index}] {mid}"
    author = mid.split("/", 1)[0].lstrip("~") if "/" in mid else None
    arch: dict[str, Any] = model["architecture"] if isinstance(
        model.get("architecture"), dict) else {}
    ins, outs = arch.get("input_modalities"), arch.get("output_modalities")
    modalities = []
    if isinstance(ins, list) and ins:
        modalities.append("Input: " + ", ".join(str(m) for m in ins))
    if isinstance(outs, list) and outs:
        modalities.append("Output: " + ", ".join(str(m) for m in outs))
    if not modalities and isinstance(arch.get("modality"), str) and "->" in arch["modality"]:
        left, _, right = arch["modality"].partition("->")
        modalities = [f"Input: {left.replace('+', ', ')}", f"Output: {right.replace('+', ', ')}"]
    added = date_from_timestamp(model.get("created"))
    context = model.get("context_length")
    top: dict[str, Any] = model["top_provider"] if isinstance(
        model.get("top_provider"), dict) else {}
    if context is None:
        context = top.get("context_length")
    rec = RawOffering(
        url=url, source_format=SOURCE_FORMAT, page_url=f"{origin}/{mid}", catalog=catalog,
        provider=catalog.lower() if catalog == "OpenRouter" else catalog,
        source_model_id=mid, name=_text(model.get("name")) or mid, author=author,
        description=_text(model.get("description")),
        date_added=added.isoformat() if added else None,
        context_length=str(context) if isinstance(context, int | Decimal) else None,
        modalities=modalities,
    )
    pricing = model.get("pricing")
    if not isinstance(pricing, dict):
        if mid.endswith(":free"):
            rec.prices = [RawPrice(label="input", text="Free"),
                          RawPrice(label="output", text="Free")]
        else:
            finding(f"{where} pricing", "missing", "no pricing object")
        return rec
    rec.prices = _prices(pricing, where, None, finding)
    overrides = pricing.get("overrides")
    if isinstance(overrides, list):
        for k, tier in enumerate(overrides):
            minimum = tier.get("min_prompt_tokens") if isinstance(tier, dict) else None
            if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum <= 0:
                finding(f"{where} pricing.overrides[{k}]", "unrecognised",
                        f"an override without a min_prompt_tokens: {tier!r}"[:300])
                continue
            rec.prices.extend(_prices(tier, where, minimum, finding))
    elif overrides is not None:
        finding(f"{where} pricing.overrides", "unrecognised", "overrides is not a list")
    if mid.endswith(":free"):
        paid = [p for p in rec.prices if _amount(p.text.split(" ", 1)[0])]
        if paid:
            finding(f"{where} pricing", "free_id_priced",
                    f"{mid} is a :free model but lists " + ", ".join(
                        f"{p.label} {p.text}" for p in paid))
    return rec


def _prices(pricing: dict[str, Any], where: str, tier: int | None,
            finding: Any) -> list[RawPrice]:
    out: list[RawPrice] = []
    for key, (label, per) in PRICE_KEYS.items():
        value = pricing.get(key)
        if value is None or value == "":
            continue
        amount = _amount(value)
        field = f"{where} pricing.{key}" + (f" (from {tier} prompt tokens)" if tier else "")
        if amount is None:
            finding(field, "unparsed", f"{value!r} is not a number")
        elif amount == -1:
            finding(field, "dynamic_price",
                    f"{value!r}: the price is set per request (dynamic), not a fixed price")
        elif amount < 0:
            finding(field, "impossible_value", f"negative price {value!r}")
        elif amount == 0 and key in _ZERO_MEANS_UNCHARGED:
            continue  # "request": "0" on a token-priced model: no per-request fee, not free calls
        else:
            out.append(RawPrice(label=label, text=f"{_plain(amount)} USD / {per}",
                                min_prompt_tokens=tier))
    for key in UNMAPPED_KEYS:
        amount = _amount(pricing.get(key))
        if amount and tier is None:
            finding(f"{where} pricing.{key}", "not_recorded",
                    f"{key} {pricing[key]!r} USD has no component in the unit registry")
    return out


def date_from_timestamp(value: object) -> dt.date | None:
    """Returns the UTC date of a Unix timestamp in seconds (int or digit string), else None.

    >>> date_from_timestamp(1715367049)
    datetime.date(2024, 5, 10)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value < 32503680000:
        return None
    return dt.datetime.fromtimestamp(value, dt.UTC).date()


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):  # never produced by parse_float=Decimal; refuse, not round
        return None
    if isinstance(value, str) and value.strip().startswith("$"):
        value = value.strip()[1:]
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _plain(amount: Decimal) -> str:
    """`amount` as plain decimal text, never in exponent form ("0.0000025", not "2.5E-6")."""
    return format(amount, "f")


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
