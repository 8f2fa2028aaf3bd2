"""The generic fallback on HTML model pages in layouts no extractor was written for."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.extract.dispatch import extract_page
from catalog.extract.generic_html import extract_generic_html
from catalog.extract.records import RawOffering, RawPrice
from catalog.normalise.offerings import normalise

FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "generic"
URL = "https://catalog.example/models/x"


def only(path: str) -> RawOffering:
    out = extract_page(URL, "text/html; charset=utf-8", (FIXTURES / path).read_bytes())
    assert out.findings == []
    [rec] = out.offerings
    assert rec.source_format == "generic_html" and rec.page_url == URL
    return rec


def test_jsonld_page_golden() -> None:
    rec = only("jsonld/01.html")
    assert rec.model_dump(exclude={"url", "page_url", "source_format", "description"}) == {
        "catalog": "ModelMart", "provider": "Abacus", "source_model_id": "zai-org/glm-5",
        "name": "GLM-5", "author": "zai-org",
        "prices": [
            {"label": "input", "text": "0.001 USD / 1000 input tokens", "min_prompt_tokens": None},
            {"label": "output", "text": "0.0032 USD / 1000 output tokens",
             "min_prompt_tokens": None},
        ],
        "date_added": None, "release_date": "2026-02-11", "context_length": None,
        "modalities": [], "md_url": None, "llms_url": None, "related": [], "features": [],
        "endpoints": [],
        "methods": {"author": "jsonld", "catalog": "meta", "description": "jsonld",
                    "name": "jsonld", "price.input": "jsonld", "price.output": "jsonld",
                    "provider": "jsonld", "release_date": "jsonld",
                    "source_model_id": "jsonld"},
    }


def test_dl_page_golden() -> None:
    rec = only("dl/03.html")
    assert (rec.name, rec.source_model_id, rec.provider, rec.author, rec.context_length) == (
        "Kimi K2.5", "kimi-k2.5", "Auriko", "kimi", "262,144 tokens")
    assert rec.prices == [RawPrice(label="input", text="0.5 USD/Mtok"),
                          RawPrice(label="output", text="2.8 USD/Mtok")]
    assert rec.methods == {"author": "dl", "catalog": "meta", "context_length": "dl",
                           "name": "h1", "price.input": "dl", "price.output": "dl",
                           "provider": "dl", "source_model_id": "dl"}


def test_table_and_text_pages() -> None:
    table = only("table/11.html")
    assert table.source_model_id and table.methods["source_model_id"] == "table"
    assert [p.label for p in table.prices] == ["input", "output", "cache_read"]
    text = only("text/00.html")
    assert text.methods["price.input"] == "text" and text.methods["provider"] == "text"


def test_normalised_generic_page() -> None:
    [off] = normalise([only("dl/03.html")]).offerings
    assert (off.provider, off.catalog, off.context_length) == ("auriko", "Spec Index", 262144)
    assert {p.component: str(p.amount) for p in off.prices} == {"input": "0.5", "output": "2.8"}


@pytest.mark.parametrize("html", [
    "<html><body><h1>About us</h1><p>We love models.</p></body></html>",
    "<h1>Blog: prices fell</h1><p>Input now costs $3 per million input tokens.</p>",
    "<h1>Pricing</h1><ul><li>Support: email</li><li>ID: 12 34</li></ul>",
])
def test_pages_that_are_not_model_pages_yield_links_only(html: str) -> None:
    out = extract_generic_html(URL, html + '<a href="/next">next</a>')
    assert out.offerings == []
    assert out.links == ["https://catalog.example/next"]


def test_labels_carry_units_and_currency_to_bare_values() -> None:
    html = """<h1>Tiny</h1><table><tr><th>Model</th><th>Input ($/1M tokens)</th>
    <th>Output ($/1M tokens)</th></tr><tr><td>tiny-1</td><td>0.10</td><td>0.40</td></tr>
    </table><dl><dt>Cached input (per 1K tokens)</dt><dd>$0.00002</dd></dl>"""
    [off] = normalise(extract_generic_html(URL, html).offerings).offerings
    assert {p.component: str(p.amount) for p in off.prices} == {
        "input": "0.1", "output": "0.4", "cache_read": "0.02"}
