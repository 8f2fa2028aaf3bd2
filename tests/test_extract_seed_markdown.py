"""The catalog's Markdown model page format, on the real seed page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.extract.records import RawLink, RawOffering, RawPrice
from catalog.extract.seed_markdown import extract_seed_markdown, split_front_matter

SEED = (Path(__file__).parent.parent
        / "data/sources/seed/modelslab-mistral-small-3.2-24b-instruct.md")
URL = "http://127.0.0.1:9/models/mistralai/mistralai-mistral-small-3.2-24b-instruct.md"
REAL = "https://modelslab-frontend-v2-927501783998.us-east4.run.app/models"


def test_seed_page_golden() -> None:
    out = extract_seed_markdown(URL, SEED.read_text(encoding="utf-8"))
    assert out.findings == []
    [rec] = out.offerings
    assert rec.source_format == "seed_markdown"
    assert rec.page_url == URL.removesuffix(".md")
    assert rec.catalog == "ModelsLab"
    assert rec.provider == "mistralai"
    assert rec.source_model_id == "mistralai-mistral-small-3.2-24b-instruct"
    assert rec.author == "mistralai"
    assert rec.name == "Mistral: Mistral Small 3.2 24B"
    assert rec.description is not None
    assert rec.description.startswith("Mistral-Small-3.2-24B-Instruct-2506 is an updated 24B")
    assert rec.prices == [
        RawPrice(label="headline", text="$0.137500 / call"),
        RawPrice(label="input", text="$0.075 / 1M tokens"),
        RawPrice(label="output", text="$0.20 / 1M tokens"),
        RawPrice(label="spec_price", text="$0.137500 per million tokens"),
    ]
    assert rec.date_added == "February 20, 2026"
    assert rec.md_url == f"{REAL}/mistralai/mistralai-mistral-small-3.2-24b-instruct.md"
    assert rec.llms_url == f"{REAL}/open_router/mistralai-mistral-small-3.2-24b-instruct/llms.txt"
    assert rec.endpoints == [
        "https://modelslab.com/api/v7/llm/chat/completions",
        "https://modelslab.com/api/v7/llm/v1/messages",
        "https://modelslab.com/api/v7/llm/v1/messages/count_tokens",
        "https://modelslab.com/api/v7/llm/v1/models",
    ]
    assert rec.features[0] == "Chat completion and multi-turn conversation API"
    assert len(rec.features) == 5
    assert len(rec.related) == 18
    assert rec.related[0] == RawLink(url=f"{REAL}/open_router/mistralai-mistral-small-2603",
                                     title="Mistral: Mistral Small 4", provider_label="Open Router")
    assert rec.related[-1] == RawLink(url=f"{REAL}/together_ai/google-gemma-4-26B-A4B-it",
                                      title="Gemma 4 26B A4b It", provider_label="Together AI")
    gpt_oss = [r for r in rec.related if r.url.endswith("/openai/gpt-oss-120b")]
    assert gpt_oss == [RawLink(url=f"{REAL}/openai/gpt-oss-120b", title="GPT OSS 120b",
                               provider_label="Open Ai")]


def test_front_matter() -> None:
    meta, body = split_front_matter("---\ntitle: A | B\nurl: http://x/y\n---\n\n# Body\n")
    assert meta == {"title": "A | B", "url": "http://x/y"}
    assert body.strip() == "# Body"


def test_page_without_labels_yields_links_only() -> None:
    out = extract_seed_markdown("http://127.0.0.1/a.md", "# Hello\n\n[x](/b) [y](mailto:z)\n")
    assert out.offerings == []
    assert out.links == ["http://127.0.0.1/b"]


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=12_000), st.binary(max_size=400))
def test_truncated_or_corrupted_seed_never_raises(cut: int, junk: bytes) -> None:
    text = SEED.read_text(encoding="utf-8")[:cut] + junk.decode("utf-8", errors="replace")
    out = extract_seed_markdown(URL, text)
    for rec in out.offerings:
        assert rec.url == URL


@pytest.mark.parametrize("text", ["", "---", "---\n---", "\x00\x01\x02", "Copy model ID"])
def test_degenerate_pages(text: str) -> None:
    extract_seed_markdown(URL, text)


MIRROR = Path(__file__).parent.parent / "data" / "snapshot"
ORIGIN = "http://127.0.0.1:8000"


def mirror_md(path: str) -> RawOffering:
    text = (MIRROR / f"{path}.md").read_text(encoding="utf-8").replace("__ORIGIN__", ORIGIN)
    out = extract_seed_markdown(f"{ORIGIN}/{path}.md", text)
    assert out.findings == []
    [rec] = out.offerings
    return rec


@pytest.mark.parametrize(("path", "prices"), [
    ("models/anthropic/claude-sonnet-4-5", [
        ("headline", "$9.000000 / call"), ("input", "$3.00 / 1M tokens"),
        ("output", "$15.00 / 1M tokens"), ("cache_read", "$0.30 / 1M tokens"),
        ("cache_write", "$3.75 / 1M tokens"), ("spec_price", "$9.000000 per million tokens")]),
    ("models/google/gemini-2.5-flash-image", [
        ("image", "$0.0387 / image"), ("spec_price", "$0.0387 per image")]),
    ("models/perplexity/sonar", [
        ("headline", "$0.005 / call"), ("call", "$0.005 / call"),
        ("spec_price", "$0.005 per call")]),
    ("models/openrouter/nousresearch-hermes-3-llama-3.1-405b-free", [
        ("headline", "$0.000000 / call"), ("input", "Free"), ("output", "Free"),
        ("spec_price", "$0.000000 per million tokens")]),
    ("models/google/gemma-4-31b-it", []),
])
def test_every_price_label_of_the_mirror(path: str, prices: list[tuple[str, str]]) -> None:
    rec = mirror_md(path)
    assert [(p.label, p.text) for p in rec.prices] == prices


def test_mirror_twin_golden() -> None:
    rec = mirror_md("models/anthropic/claude-sonnet-4-5")
    assert rec.model_dump(exclude={"prices", "description", "related"}) == {
        "url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5.md", "source_format": "seed_markdown",
        "page_url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5", "catalog": "Demo Catalog",
        "provider": "anthropic", "source_model_id": "claude-sonnet-4-5",
        "name": "Claude Sonnet 4.5 (latest)", "author": "claude",
        "date_added": "September 29, 2025", "release_date": None, "context_length": None,
        "modalities": [], "md_url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5.md",
        "llms_url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5/llms.txt",
        "features": ["Chat completion and multi-turn conversation API",
                     "Streaming response with token-by-token output",
                     "Function calling and tool use support", "Step-by-step reasoning mode",
                     "Image understanding (vision input)", "PDF document input"],
        "endpoints": [f"{ORIGIN}/api/v1/chat/completions", f"{ORIGIN}/api/v1/messages",
                      f"{ORIGIN}/api/v1/messages/count_tokens", f"{ORIGIN}/api/v1/models"],
        "methods": {},
    }
    assert rec.related[0] == RawLink(url=f"{ORIGIN}/models/auriko/claude-sonnet-4-6",
                                     title="Claude Sonnet 4.6", provider_label="Auriko")
    assert len(rec.related) == 12


def test_seed_page_normalised_golden() -> None:
    from catalog.extract.dispatch import extract_page
    from catalog.normalise.offerings import normalise

    page = "models/mistralai/mistralai-mistral-small-3.2-24b-instruct"
    html = (MIRROR / page / "index.html").read_bytes().replace(b"__ORIGIN__", ORIGIN.encode())
    records = [*extract_page(f"{ORIGIN}/{page}", "text/html", html).offerings,
               *extract_page(f"{ORIGIN}/{page}.md", "text/markdown",
                             SEED.read_bytes()).offerings]
    result = normalise(records)
    [off] = result.offerings
    assert off.model_dump(exclude={"description", "related_urls", "model_id"}) == {
        "url": f"{ORIGIN}/{page}", "catalog": "ModelsLab", "provider": "mistralai",
        "source_model_id": "mistralai-mistral-small-3.2-24b-instruct",
        "name": "Mistral: Mistral Small 3.2 24B", "author": "mistralai",
        "md_url": f"{ORIGIN}/{page}.md", "llms_url": f"{ORIGIN}/{page}/llms.txt",
        "date_added": dt.date(2026, 2, 20), "release_date": None, "context_length": None,
        "modalities": (),
        "prices": ({"component": "input", "unit": "per_1m_tokens", "amount": Decimal("0.075"),
                    "currency": "USD", "min_prompt_tokens": None},
                   {"component": "output", "unit": "per_1m_tokens", "amount": Decimal("0.2"),
                    "currency": "USD", "min_prompt_tokens": None}),
        "tier_prices": (), "sources": (f"{ORIGIN}/{page}", f"{ORIGIN}/{page}.md"),
    }
    assert len(off.related_urls) == 18
    assert [(f.field, f.kind) for f in result.findings] == [("price", "headline_is_mean")]
