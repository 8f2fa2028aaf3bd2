"""The catalog's Markdown model page format, on the real seed page."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.extract.records import RawLink, RawPrice
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
