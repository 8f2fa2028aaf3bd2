"""OpenRouter's `/api/v1/models`: per-token strings to exact per-1M prices, and its quirks."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from catalog.extract.dispatch import extract_page
from catalog.extract.openrouter import extract_openrouter, looks_like_openrouter
from catalog.extract.records import RawPrice
from catalog.normalise.offerings import normalise
from catalog.normalise.records import Price

FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "openrouter"
API = "https://openrouter.ai/api/v1/models"


def special() -> str:
    return (FIXTURES / "special.json").read_text(encoding="utf-8")


def test_special_cases_golden() -> None:
    out = extract_openrouter(API, special())
    by_id = {r.source_model_id: r for r in out.offerings}
    assert list(by_id) == ["openrouter/auto", "meta-llama/llama-3.3-70b-instruct:free",
                           "google/gemma-4-31b-it:free", "google/gemini-2.5-pro",
                           "perplexity/sonar", "acme/broken-prices"]
    gemini = by_id["google/gemini-2.5-pro"]
    assert gemini.model_dump(exclude={"description"}) == {
        "url": API, "source_format": "openrouter",
        "page_url": "https://openrouter.ai/google/gemini-2.5-pro", "catalog": "OpenRouter",
        "provider": "openrouter", "source_model_id": "google/gemini-2.5-pro",
        "name": "Google: Gemini 2.5 Pro", "author": "google",
        "prices": [
            {"label": "input", "text": "0.00000125 USD / token", "min_prompt_tokens": None},
            {"label": "output", "text": "0.00001 USD / token", "min_prompt_tokens": None},
            {"label": "cache_read", "text": "0.000000125 USD / token", "min_prompt_tokens": None},
            {"label": "cache_write", "text": "0.000001625 USD / token",
             "min_prompt_tokens": None},
            {"label": "image", "text": "0.00516 USD / image", "min_prompt_tokens": None},
            {"label": "input", "text": "0.0000025 USD / token", "min_prompt_tokens": 200000},
            {"label": "output", "text": "0.000015 USD / token", "min_prompt_tokens": 200000},
            {"label": "cache_read", "text": "0.00000025 USD / token",
             "min_prompt_tokens": 200000},
        ],
        "date_added": "2025-06-17", "release_date": None, "context_length": "1048576",
        "modalities": ["Input: file, image, text, audio", "Output: text"], "md_url": None,
        "llms_url": None, "related": [], "features": [], "endpoints": [], "methods": {},
    }
    assert by_id["meta-llama/llama-3.3-70b-instruct:free"].prices == [
        RawPrice(label="input", text="0 USD / token"),
        RawPrice(label="output", text="0 USD / token")]
    free_no_pricing = by_id["google/gemma-4-31b-it:free"]
    assert free_no_pricing.prices == [RawPrice(label="input", text="Free"),
                                      RawPrice(label="output", text="Free")]
    assert free_no_pricing.date_added == "2026-04-02"  # "created" as a digit string
    assert free_no_pricing.modalities == ["Input: text, image", "Output: text"]
    assert by_id["perplexity/sonar"].prices[-1] == RawPrice(label="call",
                                                            text="0.005 USD / request")
    assert by_id["openrouter/auto"].prices == []
    assert by_id["acme/broken-prices"].prices == [RawPrice(label="call",
                                                           text="0.001 USD / request")]
    kinds = sorted((f.field, f.kind) for f in out.findings)
    assert kinds == [
        ("data[0] openrouter/auto pricing.completion", "dynamic_price"),
        ("data[0] openrouter/auto pricing.prompt", "dynamic_price"),
        ("data[3] google/gemini-2.5-pro pricing.overrides[1]", "unrecognised"),
        ("data[3] google/gemini-2.5-pro pricing.web_search", "not_recorded"),
        ("data[5] acme/broken-prices pricing.completion", "impossible_value"),
        ("data[5] acme/broken-prices pricing.prompt", "unparsed"),
        ("data[6]", "missing"), ("data[7]", "missing")]
    assert all(f.url == API for f in out.findings)


def test_normalised_prices_are_exact_per_million() -> None:
    out = extract_openrouter(API, special())
    result = normalise(out.offerings, out.findings)
    by_id = {o.source_model_id: o for o in result.offerings}
    gemini = by_id["google/gemini-2.5-pro"]
    assert {p.component: p.amount for p in gemini.prices} == {
        "input": Decimal("1.25"), "output": Decimal("10"), "cache_read": Decimal("0.125"),
        "cache_write": Decimal("1.625"), "image": Decimal("0.00516")}
    assert all(p.currency == "USD" for p in gemini.prices)
    # a context tier is kept apart from the base prices (stored with its min_prompt_tokens)
    assert gemini.tier_prices == (
        Price(component="cache_read", unit="per_1m_tokens", amount=Decimal("0.25"),
              currency="USD", min_prompt_tokens=200000),
        Price(component="input", unit="per_1m_tokens", amount=Decimal("2.5"), currency="USD",
              min_prompt_tokens=200000),
        Price(component="output", unit="per_1m_tokens", amount=Decimal("15"), currency="USD",
              min_prompt_tokens=200000))
    # stored tiers are data, not data-quality notes: no finding for them
    assert not [f for f in result.findings if "tier" in f.kind]
    free = by_id["meta-llama/llama-3.3-70b-instruct:free"]
    assert {(p.component, p.amount, p.currency) for p in free.prices} == {
        ("input", Decimal(0), "USD"), ("output", Decimal(0), "USD")}
    assert by_id["perplexity/sonar"].prices[-1].component == "request"
    assert by_id["openrouter/auto"].prices == ()  # dynamic: no price, a finding
    assert by_id["openrouter/auto"].date_added is not None


def test_dispatch_picks_openrouter_by_shape() -> None:
    body = (FIXTURES / "models-1.json").read_bytes()
    out = extract_page(API, "application/json; charset=utf-8", body)
    assert len(out.offerings) == 60 and out.offerings[0].source_format == "openrouter"
    assert looks_like_openrouter(body.decode())
    assert not looks_like_openrouter('{"openai": {"id": "openai", "models": {}}}')
    assert extract_page("https://x.test/data.json", "application/json", b"[1, 2]").offerings == []


def test_never_a_float() -> None:
    doc = {"data": [{"id": "a/b", "name": "B", "pricing": {"prompt": 1e-06, "completion": "x"}}]}
    out = extract_openrouter(API, json.dumps(doc))
    # 1e-06 arrives as the Decimal 0.000001 (parse_float=Decimal): exact, never rounded
    assert out.offerings[0].prices == [RawPrice(label="input", text="0.000001 USD / token")]
