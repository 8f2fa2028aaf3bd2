"""The models.dev `api.json` extractor: one offering per (provider, model), exact prices."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from catalog.extract.dispatch import extract_page
from catalog.extract.models_dev import (
    CATALOG,
    extract_models_dev,
    looks_like_models_dev,
    offering_url,
)
from catalog.extract.records import Extracted, RawOffering
from catalog.normalise.offerings import normalise

API_JSON = Path(__file__).resolve().parent.parent / "data" / "sources" / "models-dev-api.json"
URL = "http://127.0.0.1:8000/api/models-dev.json"


@cache
def real() -> Extracted:
    return extract_page(URL, "application/json", API_JSON.read_bytes())


def offering(provider: str, model_id: str) -> RawOffering:
    [rec] = [o for o in real().offerings if o.url == offering_url(URL, provider, model_id)]
    return rec


def test_every_provider_model_pair_is_an_offering() -> None:
    data = json.loads(API_JSON.read_text(encoding="utf-8"))
    pairs = {(pid, mid) for pid, p in data.items() for mid in p["models"]}
    assert len(pairs) == len(real().offerings) == 4803
    assert len({o.url for o in real().offerings}) == 4803
    assert {o.provider for o in real().offerings} == set(data)
    assert all(o.catalog == CATALOG and o.source_format == "models_dev" for o in real().offerings)


def test_the_seed_model_on_openrouter() -> None:
    rec = offering("openrouter", "mistralai/mistral-small-3.2-24b-instruct")
    assert rec.url == rec.page_url == URL + "#openrouter/mistralai/mistral-small-3.2-24b-instruct"
    assert rec.source_model_id == "mistralai/mistral-small-3.2-24b-instruct"
    assert rec.name == "Mistral Small 3.2 24B"
    assert rec.context_length == "128000"
    assert rec.release_date == "2025-06-20"
    assert rec.modalities == ["Input: image, text", "Output: text"]
    assert [(p.label, p.text) for p in rec.prices] == [
        ("input", "0.075 USD / 1M tokens"), ("output", "0.2 USD / 1M tokens")]
    assert "open_weights" in rec.features and rec.date_added is None


def test_context_tiers_and_cache_prices() -> None:
    rec = offering("302ai", "claude-opus-4-7")
    base = {(p.label, p.text) for p in rec.prices if p.min_prompt_tokens is None}
    tier = {(p.label, p.text) for p in rec.prices if p.min_prompt_tokens == 200_000}
    assert base == {("input", "5 USD / 1M tokens"), ("output", "25 USD / 1M tokens"),
                    ("cache_read", "0.5 USD / 1M tokens"), ("cache_write", "6.25 USD / 1M tokens")}
    assert tier == {("input", "10 USD / 1M tokens"), ("output", "37.5 USD / 1M tokens"),
                    ("cache_read", "1 USD / 1M tokens"), ("cache_write", "12.5 USD / 1M tokens")}


def test_audio_prices_are_findings_not_prices() -> None:
    rec = offering("aihubmix", "doubao-seed-2-0-lite-260428")
    assert {p.min_prompt_tokens for p in rec.prices} == {None, 32_000, 128_000}
    audio = [f for f in real().findings if f.field.startswith(
        "aihubmix/doubao-seed-2-0-lite-260428 cost.input_audio")]
    assert [f.kind for f in audio] == ["not_recorded"]


def test_a_model_without_cost_is_listed_and_noted() -> None:
    rec = offering("cohere", "c4ai-aya-expanse-32b")
    assert rec.prices == []
    assert any(f.field == "cohere/c4ai-aya-expanse-32b cost" and f.kind == "missing"
               for f in real().findings)


def test_prices_are_exact_decimals_after_normalising() -> None:
    recs = [offering("openrouter", "mistralai/mistral-small-3.2-24b-instruct"),
            offering("302ai", "claude-opus-4-7")]
    result = normalise(recs)
    by_provider = {o.provider: o for o in result.offerings}
    small = by_provider["openrouter"]
    assert {p.component: p.amount for p in small.prices} == {
        "input": Decimal("0.075"), "output": Decimal("0.2")}
    assert all(p.currency == "USD" and p.unit == "per_1m_tokens" for p in small.prices)
    assert small.model_id == "mistralai/mistral-small-3.2-24b-instruct"
    assert small.author == "mistralai"
    assert result.matches[small.url].rule == "exact"
    opus = by_provider["302ai"]
    assert {(p.component, p.amount, p.min_prompt_tokens) for p in opus.tier_prices} >= {
        ("input", Decimal("10"), 200_000)}


def test_odd_entries_become_findings() -> None:
    text = json.dumps({
        "p": {"env": [], "npm": "x", "models": {
            "good": {"id": "good", "name": "Good", "cost": {"input": 1, "output": 2}},
            "neg": {"id": "neg", "cost": {"input": -1, "output": "x"}},
            "odd": ["not", "an", "object"],
            "tiered": {"id": "tiered", "cost": {"input": 1, "tiers": [{"tier": {"type": "x"}}]}},
        }},
        "q": {"env": [], "npm": "x", "models": []},
    })
    out = extract_models_dev(URL, text)
    assert sorted(o.source_model_id or "" for o in out.offerings) == ["good", "neg", "tiered"]
    kinds = {(f.field, f.kind) for f in out.findings}
    assert ("p/neg cost.input", "impossible_value") in kinds
    assert ("p/neg cost.output", "unparsed") in kinds
    assert ("p/odd", "unrecognised") in kinds
    assert ("p/tiered cost.tiers[0]", "unrecognised") in kinds
    assert ("q", "unrecognised") in kinds
    assert extract_models_dev(URL, "{not json").findings[0].kind == "unparsed"


@pytest.mark.parametrize(("text", "expected"), [
    (API_JSON.read_text(encoding="utf-8")[:30000], True),
    ('{"data": [{"id": "openai/gpt-4o", "pricing": {}}]}', False),
    ('{"openai": {"id": "openai", "models": {}}}', False),  # no env / npm: not sure enough
    ("[1, 2, 3]", False),
])
def test_sniff(text: str, expected: bool) -> None:
    assert looks_like_models_dev(text) is expected


def test_dispatch_sends_only_json_to_it() -> None:
    body = API_JSON.read_bytes()
    assert extract_page(URL.replace(".json", ".txt"), "text/plain", body).offerings == []
    assert len(extract_page("http://h/api.json", None, body).offerings) == 4803


def test_zero_context_window_is_unknown() -> None:
    """models.dev writes `limit.context: 0` for models whose window it does not know."""
    doc = json.loads(API_JSON.read_text())
    pairs = [(pid, mid) for pid, p in sorted(doc.items()) for mid, m in sorted(p["models"].items())
             if m.get("limit", {}).get("context") == 0]
    assert pairs, "the real data has models with a zero context window"
    for pid, mid in pairs:
        assert offering(pid, mid).context_length is None
