"""A model record in a JSON example of an API reference page, as (label, value) pairs.

API documentation shows what `GET /models/{id}` returns in a `<pre>`/`<code>` block. Common
keys are read whatever the API: `id` / `model` / `slug` the model ID, `name`, `owned_by` /
`author` / `organization` the author, `provider`, `context_length` / `context_window` /
`max_context` the context, `created` (Unix seconds) or `created_at` the date added, and a
`pricing` object of per-token strings (`prompt`, `completion`, `input`, `output`,
`cache_read`...) or of `{amount, per}` objects. A list of models is about other models and
yields nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

_KEYS = {  # JSON key -> the label `_Reader.label_value` understands
    "id": "model id", "model": "model id", "slug": "model id", "model_id": "model id",
    "name": "name", "display_name": "name", "title": "name",
    "owned_by": "author", "author": "author", "organization": "author", "creator": "author",
    "developer": "author", "provider": "provider",
    "context_length": "context length", "context_window": "context length",
    "max_context": "context length", "max_context_length": "context length",
    "created_at": "date added", "added_at": "date added", "release_date": "release date",
    "released_at": "release date",
}
_PRICE_KEYS = {"prompt": "input", "input": "input", "completion": "output", "output": "output",
               "cache_read": "cache read", "input_cache_read": "cache read",
               "cached_input": "cache read", "cache_write": "cache write",
               "input_cache_write": "cache write", "image": "image", "request": "request"}


def json_pairs(text: str) -> list[tuple[str, str]]:
    """The (label, value) pairs a JSON model record states; [] for anything else."""
    try:
        doc = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):
        return []
    if isinstance(doc, dict) and isinstance(doc.get("data"), dict):
        doc = doc["data"]
    if not isinstance(doc, dict) or isinstance(doc.get("data"), list) or doc.get(
            "object") == "list":
        return []
    pairs: list[tuple[str, str]] = []
    currency = str(doc["currency"]) if isinstance(doc.get("currency"), str) else ""
    for key, value in doc.items():
        label = _KEYS.get(str(key).lower())
        if isinstance(value, dict) and label in ("provider", "author"):
            value = value.get("name") or value.get("id")
        if label and isinstance(value, str | int | Decimal) and not isinstance(value, bool):
            pairs.append((label, str(value)))
        elif key == "created" and isinstance(value, int) and 0 < value < 10**11:
            day = datetime.fromtimestamp(value, UTC).date().isoformat()
            pairs.append(("date added", day))
        elif key in ("pricing", "price", "prices", "cost") and isinstance(value, dict):
            pairs.extend(_prices(value, currency))
    return pairs


def _prices(pricing: dict[str, Any], currency: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    currency = str(pricing.get("currency") or currency or "")
    for key, value in pricing.items():
        label = _PRICE_KEYS.get(str(key).lower())
        if label is None:
            continue
        if isinstance(value, dict):  # {"amount": 3, "per": "1M tokens"}
            amount, per = value.get("amount", value.get("value")), value.get("per", "")
            cur = str(value.get("currency") or currency)
            if isinstance(amount, str | int | Decimal) and not isinstance(amount, bool):
                per_text = "1M tokens" if per in (1_000_000, "1000000") else str(per or "")
                out.append((f"{label} price", f"{amount} {cur} per {per_text}".replace(
                    "  ", " ").removesuffix(" per ").strip()))
        elif isinstance(value, str | int | Decimal) and not isinstance(value, bool):
            unit = "" if label in ("image", "request") else " per token"
            out.append((f"{label} price", f"{value} {cur_or_usd(currency)}{unit}"))
    return out


def cur_or_usd(currency: str) -> str:
    """Per-token strings without a currency are US dollars (the OpenRouter convention)."""
    return currency.upper() if currency else "USD"
