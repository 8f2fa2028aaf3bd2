"""The models.dev catalog (`api.json`): one offering per (provider, model).

The file is `{provider_id: {"id", "name", "api", "doc", "env", "npm", "models": {model_id:
model}}}`; a model has `id`, `name`, `family`, `release_date`, `last_updated`,
`limit.context`, `modalities.input` / `.output`, `status` ("deprecated", "beta"...) and
`cost`: USD **per 1M tokens** for `input`, `output`, `cache_read`, `cache_write`,
`reasoning` (and `input_audio` / `output_audio`, which the unit registry has no component
for), with context tiers either as `tiers: [{"tier": {"type": "context", "size": N}, ...}]`
or as the older `context_over_200k: {...}`.

The JSON is read with `parse_float=Decimal`, so every amount is exact. models.dev lists
no per-model page, so each offering's URL is the file's URL with a fragment naming the
provider and model (`.../api.json#openrouter/openai/gpt-5.4`); its catalog is "models.dev".
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from catalog.extract.records import Extracted, RawFinding, RawOffering, RawPrice

SOURCE_FORMAT = "models_dev"
CATALOG = "models.dev"

PRICE_KEYS = {"input": "input", "output": "output", "cache_read": "cache_read",
              "cache_write": "cache_write", "reasoning": "reasoning"}
UNMAPPED_KEYS = ("input_audio", "output_audio")

_SNIFF = re.compile(r'^\s*\{\s*"[^"]+"\s*:\s*\{')


def looks_like_models_dev(text: str) -> bool:
    """True when `text` starts like a models.dev `api.json` (providers holding "models")."""
    head = text[:20000]
    return bool(_SNIFF.match(head)) and '"models"' in head and (
        '"npm"' in head or '"env"' in head) and '"data"' not in head[:200]


def extract_models_dev(url: str, text: str) -> Extracted:
    """Returns one offering per (provider, model) of a models.dev `api.json`."""
    out = Extracted()

    def finding(field: str, kind: str, detail: str) -> None:
        out.findings.append(RawFinding(url=url, field=field, kind=kind, detail=detail))

    try:
        doc = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        finding("page", "unparsed", f"not JSON: {exc}")
        return out
    if not isinstance(doc, dict):
        finding("page", "unrecognised", "not an object of providers")
        return out
    base = url.split("#", 1)[0]
    for pid in sorted(doc):
        provider = doc[pid]
        models = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(models, dict):
            finding(f"{pid}", "unrecognised", "a provider without a models object")
            continue
        for mid in sorted(models):
            try:
                rec = _model(base, str(pid), str(mid), models[mid], finding)
            except Exception as exc:  # one odd entry must not lose the others
                finding(f"{pid}/{mid}", "extract_error", f"{type(exc).__name__}: {exc}")
                continue
            if rec is not None:
                out.offerings.append(rec)
    return out


def offering_url(base: str, provider: str, model_id: str) -> str:
    """Returns the stable URL of one offering in the file at `base`.

    >>> offering_url("http://h/api.json", "nano-gpt", "NousResearch 2/hermes-4-70b")
    'http://h/api.json#nano-gpt/NousResearch%202/hermes-4-70b'
    """
    return f"{base}#{quote(provider, safe='')}/{quote(model_id, safe='/:@')}"


def _model(base: str, pid: str, mid: str, model: Any, finding: Any) -> RawOffering | None:
    where = f"{pid}/{mid}"
    if not isinstance(model, dict):
        finding(where, "unrecognised", "a model entry that is not an object")
        return None
    source_id = _text(model.get("id")) or mid
    limit = model["limit"] if isinstance(model.get("limit"), dict) else {}
    context = limit.get("context")
    mods = model["modalities"] if isinstance(model.get("modalities"), dict) else {}
    modalities = [f"{side.capitalize()}: " + ", ".join(str(m) for m in mods[side])
                  for side in ("input", "output") if isinstance(mods.get(side), list)
                  and mods[side]]
    features = [k for k in ("reasoning", "tool_call", "structured_output", "attachment",
                            "open_weights") if model.get(k) is True]
    if isinstance(model.get("status"), str):
        features.append(f"status: {model['status']}")
    page = offering_url(base, pid, mid)
    rec = RawOffering(
        url=page, page_url=page, source_format=SOURCE_FORMAT, catalog=CATALOG, provider=pid,
        source_model_id=source_id, name=_text(model.get("name")) or source_id,
        release_date=_text(model.get("release_date")),
        # models.dev writes 0 where it does not know the context window
        context_length=str(context) if _is_number(context) and context else None,
        modalities=modalities, features=features,
    )
    cost = model.get("cost")
    if not isinstance(cost, dict):
        finding(f"{where} cost", "missing", "no cost object: the provider states no price")
        return rec
    rec.prices = _prices(cost, where, None, finding)
    tiers = cost.get("tiers")
    if isinstance(tiers, list):
        for k, tier in enumerate(tiers):
            spec = tier.get("tier") if isinstance(tier, dict) else None
            size = spec.get("size") if isinstance(spec, dict) else None
            if not isinstance(spec, dict) or spec.get("type") != "context" or not (
                    isinstance(size, int) and not isinstance(size, bool) and size > 0):
                finding(f"{where} cost.tiers[{k}]", "unrecognised",
                        f"a tier that is not a context size: {tier!r}"[:300])
                continue
            rec.prices.extend(_prices(tier, where, size, finding))
    elif isinstance(cost.get("context_over_200k"), dict):
        rec.prices.extend(_prices(cost["context_over_200k"], where, 200_000, finding))
    return rec


def _prices(cost: dict[str, Any], where: str, tier: int | None, finding: Any) -> list[RawPrice]:
    out: list[RawPrice] = []
    for key, label in PRICE_KEYS.items():
        value = cost.get(key)
        if value is None:
            continue
        field = f"{where} cost.{key}" + (f" (from {tier} prompt tokens)" if tier else "")
        if not _is_number(value):
            finding(field, "unparsed", f"{value!r} is not a number")
        elif value < 0:
            finding(field, "impossible_value", f"negative price {value!r}")
        else:
            out.append(RawPrice(label=label, text=f"{format(Decimal(value), 'f')} USD / 1M tokens",
                                min_prompt_tokens=tier))
    for key in UNMAPPED_KEYS:
        value = cost.get(key)
        if _is_number(value) and value and tier is None:
            finding(f"{where} cost.{key}", "not_recorded",
                    f"{key} {value} USD per 1M tokens has no component in the unit registry")
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
