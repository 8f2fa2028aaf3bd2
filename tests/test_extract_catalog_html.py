"""The catalog HTML extractor on real pages of the bundled mirror, and on broken input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.extract.catalog_html import extract_catalog_html, looks_like_catalog_html
from catalog.extract.records import Extracted, RawLink, RawOffering, RawPrice

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "data" / "snapshot"
ORIGIN = "http://127.0.0.1:8000"  # what the demo server puts in place of __ORIGIN__
ML = "https://modelslab-frontend-v2-927501783998.us-east4.run.app/models"
SEED = "models/mistralai/mistralai-mistral-small-3.2-24b-instruct"
ENDPOINTS = [f"{ORIGIN}/api/v1/chat/completions", f"{ORIGIN}/api/v1/messages",
             f"{ORIGIN}/api/v1/messages/count_tokens", f"{ORIGIN}/api/v1/models"]


def served(path: str) -> str:
    """The page at URL path `path` as the demo server serves it."""
    text = (SNAPSHOT / path / "index.html").read_text(encoding="utf-8")
    return text.replace("__ORIGIN__", ORIGIN)


def extract(path: str) -> Extracted:
    return extract_catalog_html(f"{ORIGIN}/{path}", served(path))


def only_offering(path: str) -> RawOffering:
    got = extract(path)
    assert got.findings == []
    assert len(got.offerings) == 1
    return got.offerings[0]


def test_seed_page() -> None:
    related = [
        ("open_router/mistralai-mistral-small-2603", "Mistral: Mistral Small 4", "Open Router"),
        ("open_router/qwen-qwen-2.5-7b-instruct", "Qwen: Qwen2.5 7B Instruct", "Open Router"),
        ("open_router/mistralai-mistral-small-3.1-24b-instruct",
         "Mistral: Mistral Small 3.1 24B", "Open Router"),
        ("alibaba_cloud/qwen-qwen3.5-27b", "Qwen: Qwen3.5-27B", "Alibaba"),
        ("open_router/anthracite-org-magnum-v4-72b", "Magnum v4 72B", "Open Router"),
        ("together_ai/Qwen-Qwen3-Next-80B-A3B-Instruct", "Qwen3 Next 80B A3b Instruct",
         "Together AI"),
        ("open_router/alibaba-tongyi-deepresearch-30b-a3b", "Tongyi DeepResearch 30B A3B",
         "Open Router"),
        ("open_router/openai-gpt-3.5-turbo-0613", "OpenAI: GPT-3.5 Turbo (older v0613)",
         "Open Router"),
        ("open_router/qwen-qwen-2.5-coder-32b-instruct", "Qwen2.5 Coder 32B Instruct",
         "Open Router"),
        ("open_router/openai-gpt-5.4-nano", "OpenAI: GPT-5.4 Nano", "Open Router"),
        ("open_router/z-ai-glm-5", "Z.ai: GLM 5", "Open Router"),
        ("open_router/perplexity-sonar", "Perplexity: Sonar", "Open Router"),
        ("open_router/aion-labs-aion-1.0-mini", "AionLabs: Aion-1.0-Mini", "Open Router"),
        ("openai/gpt-oss-120b", "GPT OSS 120b", "Open Ai"),
        ("open_router/amazon-nova-premier-v1", "Amazon: Nova Premier 1.0", "Open Router"),
        ("together_ai/Qwen-Qwen3-1.7B-Base", "Qwen3 1.7B Base", "Together AI"),
        ("open_router/openai-gpt-5.1-chat", "OpenAI: GPT-5.1 Chat", "Open Router"),
        ("together_ai/google-gemma-4-26B-A4B-it", "Gemma 4 26B A4b It", "Together AI"),
    ]
    assert only_offering(SEED) == RawOffering(
        url=f"{ORIGIN}/{SEED}",
        source_format="catalog_html",
        page_url=f"{ORIGIN}/{SEED}",
        catalog="ModelsLab",
        provider="mistralai",
        source_model_id="mistralai-mistral-small-3.2-24b-instruct",
        name="Mistral: Mistral Small 3.2 24B",
        author="mistralai",
        description=(
            "Mistral-Small-3.2-24B-Instruct-2506 is an updated 24B parameter model from Mistral "
            "optimized for instruction following, repetition reduction, and improved function "
            "calling. Compared to the 3.1 release, version 3.2 significantly improves accuracy "
            "on..."),
        prices=[
            RawPrice(label="input", text="$0.075 / 1M tokens"),
            RawPrice(label="output", text="$0.20 / 1M tokens"),
            RawPrice(label="headline", text="$0.137500 / call"),
            RawPrice(label="spec_price", text="$0.137500 per million tokens"),
        ],
        date_added="February 20, 2026",
        release_date=None,
        context_length=None,
        modalities=[],
        md_url=f"{ORIGIN}/{SEED}.md",
        llms_url=f"{ORIGIN}/{SEED}/llms.txt",
        related=[RawLink(url=f"{ML}/{path}", title=title, provider_label=label)
                 for path, title, label in related],
        features=[
            "Chat completion and multi-turn conversation API",
            "Streaming response with token-by-token output",
            "Function calling and tool use support",
            "System prompts and role-based messaging",
            "JSON mode and structured output",
        ],
        endpoints=[
            "https://modelslab.com/api/v7/llm/chat/completions",
            "https://modelslab.com/api/v7/llm/v1/messages",
            "https://modelslab.com/api/v7/llm/v1/messages/count_tokens",
            "https://modelslab.com/api/v7/llm/v1/models",
        ],
    )


def test_seed_page_links() -> None:
    links = extract(SEED).links
    for url in (f"{ORIGIN}/{SEED}.md", f"{ORIGIN}/{SEED}/llms.txt", f"{ORIGIN}/models/mistralai",
                f"{ORIGIN}/playground/mistralai/mistralai-mistral-small-3.2-24b-instruct",
                f"{ML}/open_router/mistralai-mistral-small-2603", f"{ML}/open_router"):
        assert url in links
    assert len(links) == len(set(links))


def test_cache_prices_page() -> None:
    got = only_offering("models/anthropic/claude-sonnet-4-5")
    assert got.model_dump(exclude={"related", "description"}) == {
        "url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5",
        "source_format": "catalog_html",
        "page_url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5",
        "catalog": "Demo Catalog",
        "provider": "anthropic",
        "source_model_id": "claude-sonnet-4-5",
        "name": "Claude Sonnet 4.5 (latest)",
        "author": "claude",
        "prices": [
            {"label": "input", "text": "$3.00 / 1M tokens", "min_prompt_tokens": None},
            {"label": "output", "text": "$15.00 / 1M tokens", "min_prompt_tokens": None},
            {"label": "cache_read", "text": "$0.30 / 1M tokens", "min_prompt_tokens": None},
            {"label": "cache_write", "text": "$3.75 / 1M tokens", "min_prompt_tokens": None},
            {"label": "headline", "text": "$9.000000 / call", "min_prompt_tokens": None},
            {"label": "spec_price", "text": "$9.000000 per million tokens",
             "min_prompt_tokens": None},
        ],
        "date_added": "September 29, 2025",
        "release_date": "September 29, 2025",
        "context_length": "200,000 tokens",
        "modalities": ["Input: text, image, pdf", "Output: text"],
        "md_url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5.md",
        "llms_url": f"{ORIGIN}/models/anthropic/claude-sonnet-4-5/llms.txt",
        "features": [
            "Chat completion and multi-turn conversation API",
            "Streaming response with token-by-token output",
            "Function calling and tool use support",
            "Step-by-step reasoning mode",
            "Image understanding (vision input)",
            "PDF document input",
        ],
        "endpoints": ENDPOINTS,
        "methods": {},
    }
    assert got.description is not None
    assert got.description.startswith("Claude Sonnet 4.5 (latest) is a claude-sonnet model")
    assert "context window of 200,000 tokens" in got.description
    assert len(got.related) == 12
    assert got.related[0] == RawLink(url=f"{ORIGIN}/models/auriko/claude-sonnet-4-6",
                                     title="Claude Sonnet 4.6", provider_label="Auriko")


def test_free_page() -> None:
    path = "models/openrouter/nousresearch-hermes-3-llama-3.1-405b-free"
    got = only_offering(path)
    assert got.name == "Hermes 3 405B Instruct (free)"
    assert got.source_model_id == "nousresearch-hermes-3-llama-3.1-405b-free"
    assert got.author == "nousresearch"
    assert got.provider == "openrouter"
    assert got.prices == [
        RawPrice(label="input", text="Free"),
        RawPrice(label="output", text="Free"),
        RawPrice(label="headline", text="$0.000000 / call"),
        RawPrice(label="spec_price", text="$0.000000 per million tokens"),
    ]
    assert got.date_added == "August 16, 2024"
    assert got.context_length == "131,072 tokens"
    assert got.modalities == ["Input: text", "Output: text"]
    assert got.md_url == f"{ORIGIN}/{path}.md"
    assert 5 <= len(got.related) <= 20
    assert all(r.url.startswith(f"{ORIGIN}/models/") and r.title and r.provider_label
               for r in got.related)


def test_per_image_page() -> None:
    got = only_offering("models/google/gemini-2.5-flash-image")
    assert got.name == "Nano Banana"
    assert got.source_model_id == "gemini-2.5-flash-image"
    assert got.author == "gemini"
    assert got.prices == [
        RawPrice(label="image", text="$0.0387 / image"),
        RawPrice(label="spec_price", text="$0.0387 per image"),
    ]
    assert got.date_added == "August 26, 2025"
    assert got.release_date == "August 26, 2025"
    assert got.context_length == "32,768 tokens"
    assert got.modalities == ["Input: text, image", "Output: text, image"]
    assert got.llms_url == f"{ORIGIN}/models/google/gemini-2.5-flash-image/llms.txt"
    assert got.related[1] == RawLink(url=f"{ORIGIN}/models/google/gemini-3.1-flash-image-preview",
                                     title="Nano Banana 2", provider_label="Google")


def test_per_call_page() -> None:
    got = only_offering("models/perplexity/sonar")
    assert got.model_dump(include={"name", "source_model_id", "author", "provider", "prices",
                                   "date_added", "release_date", "catalog", "features"}) == {
        "name": "Sonar",
        "source_model_id": "sonar",
        "author": "sonar",
        "provider": "perplexity",
        "catalog": "Demo Catalog",
        "prices": [
            {"label": "call", "text": "$0.005 / call", "min_prompt_tokens": None},
            {"label": "headline", "text": "$0.005 / call", "min_prompt_tokens": None},
            {"label": "spec_price", "text": "$0.005 per call", "min_prompt_tokens": None},
        ],
        "date_added": "September 1, 2025",
        "release_date": "January 1, 2024",
        "features": ["Chat completion and multi-turn conversation API",
                     "Streaming response with token-by-token output"],
    }
    assert [r.url for r in got.related[:2]] == [f"{ORIGIN}/models/openrouter/perplexity-sonar",
                                                 f"{ORIGIN}/models/perplexity/sonar-pro"]


def test_missing_price_page() -> None:
    got = only_offering("models/google/gemma-4-31b-it")
    assert got.name == "Gemma 4 31B IT"
    assert got.source_model_id == "gemma-4-31b-it"
    assert got.prices == []
    assert got.date_added == "April 2, 2026"
    assert got.context_length == "262,144 tokens"
    assert "Open weights" in got.features
    assert got.endpoints == ENDPOINTS


def test_model_page_links_include_twin_llms_related_and_playground() -> None:
    path = "models/google/gemini-2.5-flash-image"
    got = extract(path)
    links = got.links
    assert f"{ORIGIN}/{path}.md" in links
    assert f"{ORIGIN}/{path}/llms.txt" in links
    assert f"{ORIGIN}/playground/google/gemini-2.5-flash-image" in links
    assert f"{ORIGIN}/models/google" in links
    assert all(r.url in links for r in got.offerings[0].related)


def test_listing_page_has_links_but_no_offering() -> None:
    got = extract("models/perplexity")
    assert got.offerings == []
    assert got.findings == []
    assert f"{ORIGIN}/models/perplexity/sonar" in got.links
    assert f"{ORIGIN}/models/perplexity/sonar-pro" in got.links


def test_sniff() -> None:
    assert looks_like_catalog_html(served(SEED))
    assert looks_like_catalog_html(served("models/perplexity"))
    assert not looks_like_catalog_html((SNAPSHOT / f"{SEED}.md").read_text())
    assert not looks_like_catalog_html("<html><body><h1>Hello</h1></body></html>")
    assert not looks_like_catalog_html("")


def test_relative_links_resolve_against_the_page() -> None:
    html = """<!DOCTYPE html><html><head>
    <link rel="alternate" type="text/markdown" href="x.md"></head>
    <body data-layout="catalog"><main data-page="model" data-provider="p">
    <h1 id="model-name">X &amp; Y</h1><code id="model-id">x</code>
    <a id="llms-link" href="x/llms.txt">LLMs.txt</a>
    <section id="pricing"><table><tr><th>Input</th><td>$1.00 / 1M tokens</td></tr>
    <tr><th>Per minute</th><td>$2.00</td></tr></table></section>
    <ul><li class="related-model"><a class="related-link" href="../q/z#top">Z</a>
    <a class="related-provider" href="/models/q">Q</a></li></ul>
    </main></body></html>"""
    got = extract_catalog_html("https://example.test/models/p/x", html)
    offering = got.offerings[0]
    assert offering.name == "X & Y"
    assert offering.md_url == "https://example.test/models/p/x.md"
    assert offering.llms_url == "https://example.test/models/p/x/llms.txt"
    assert offering.prices == [RawPrice(label="input", text="$1.00 / 1M tokens")]
    assert offering.related == [RawLink(url="https://example.test/models/q/z", title="Z",
                                        provider_label="Q")]
    assert [(f.field, f.kind) for f in got.findings] == [("prices", "unknown_label")]


def test_truncated_page_keeps_what_it_has() -> None:
    html = served("models/anthropic/claude-sonnet-4-5")
    cut = html[: html.index('<section id="related"')]
    got = extract_catalog_html(f"{ORIGIN}/models/anthropic/claude-sonnet-4-5", cut)
    assert got.offerings[0].name == "Claude Sonnet 4.5 (latest)"
    assert len(got.offerings[0].prices) == 6
    assert got.offerings[0].related == []
    assert ("page", "truncated") in [(f.field, f.kind) for f in got.findings]


@pytest.mark.parametrize("text", [
    "", "   \n", "<", "<html", "\x00\x00\x00", "<main data-page=\"model\">",
    "<main data-page='model'><h1 id=model-name>", '<a href="http://[::1">x</a>',
    '<a href="http://h:99999/">x</a>', "<dl class=specs><dt>Added<dt>Price</dl>",
    "\ufeff<!DOCTYPE html><body data-layout=catalog>",
])
def test_malformed_input_never_raises(text: str) -> None:
    got = extract_catalog_html(f"{ORIGIN}/models/p/x", text)
    assert isinstance(got, Extracted)
    if not text.strip():
        assert got.findings and got.findings[0].kind == "empty"


def test_every_prefix_of_a_page_never_raises() -> None:
    html = served(SEED)
    for end in range(0, len(html), 173):
        got = extract_catalog_html(f"{ORIGIN}/{SEED}", html[:end])
        for offering in got.offerings:
            assert offering.url == f"{ORIGIN}/{SEED}"


def test_random_bytes_never_raise() -> None:
    rng = random.Random(7)
    for _ in range(200):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        got = extract_catalog_html(f"{ORIGIN}/x", blob.decode("utf-8", errors="replace"))
        assert got.offerings == []


def test_mutated_pages_never_raise() -> None:
    rng = random.Random(11)
    html = served("models/google/gemini-2.5-flash-image")
    for _ in range(100):
        chars = list(html)
        for _ in range(30):
            chars[rng.randrange(len(chars))] = rng.choice('<>"\'=&/\x00\ufffd ')
        extract_catalog_html(f"{ORIGIN}/x", "".join(chars))


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    got = extract_catalog_html(f"{ORIGIN}/x", text)
    assert isinstance(got, Extracted)
    assert isinstance(looks_like_catalog_html(text), bool)
