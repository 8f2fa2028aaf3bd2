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


# --------------------------------------------------------------------------- general rules


def one(html: str) -> RawOffering:
    out = extract_generic_html(URL, f"<html><body>{html}</body></html>")
    [rec] = out.offerings
    return rec


def amounts(rec: RawOffering) -> dict[str, tuple[str, str]]:
    [off] = normalise([rec]).offerings
    return {p.component: (str(p.amount), p.currency) for p in off.prices}


def test_label_and_value_blocks_side_by_side() -> None:
    rec = one("""<h1>Orca 2</h1><section><div class="c"><div>Model ID</div>
    <div><code>orca-2</code> <button>Copy</button></div></div>
    <div class="c"><div>Made by</div><div>Whalelab</div></div>
    <div class="c"><div>Served by</div><div>Pod Cloud</div></div>
    <div class="c"><div>Input</div><div>$0.50</div><div>per 1K tokens</div></div></section>""")
    assert (rec.source_model_id, rec.author, rec.provider) == ("orca-2", "Whalelab", "Pod Cloud")
    assert rec.methods["source_model_id"] == "pairs"
    assert amounts(rec) == {"input": ("500", "USD")}  # the unit block beside the value counts


def test_heading_over_its_value() -> None:
    rec = one("""<h1>Orca 2</h1><h3>API name</h3><p>orca-2</p><h3>Added to Pods</h3>
    <p>March 3, 2025</p><h3>Release date</h3><p>2025-01-09</p><h3>Output</h3>
    <p>EUR 1.10 per 1M tokens</p>""")
    assert (rec.source_model_id, rec.date_added, rec.release_date) == (
        "orca-2", "March 3, 2025", "2025-01-09")
    assert rec.methods["date_added"] == "heading"
    assert amounts(rec) == {"output": ("1.1", "EUR")}


def test_dl_inside_details_and_aria_labelled_cells() -> None:
    rec = one("""<h1>Orca 2</h1><p>Model: <code>orca-2</code> · beta</p>
    <details><summary>Specs</summary><dl><dt>Developer</dt><dd>Whalelab</dd>
    <dt>Context window</dt><dd>32,768</dd></dl></details>
    <div aria-label="Input price"><span>In</span><strong>$2 / 1M tokens</strong></div>""")
    assert (rec.source_model_id, rec.author, rec.context_length) == (
        "orca-2", "Whalelab", "32,768")
    assert rec.methods["price.input"] == "aria"


def test_table_with_price_and_unit_columns_and_european_decimals() -> None:
    rec = one("""<h1>Orca 2</h1><p>API name: <code>orca-2</code></p><table>
    <thead><tr><th>Component</th><th>Price</th><th>Unit</th></tr></thead><tbody>
    <tr><th>Input tokens</th><td>0,30 €</td><td>per 1K tokens</td></tr>
    <tr><th>Cached input</th><td>1.234,50 €</td><td>per million tokens</td></tr>
    <tr><th>Maximum output</th><td>8,192</td><td>tokens</td></tr>
    <tr><th>Context window</th><td>65536</td><td>tokens</td></tr></tbody></table>""")
    assert amounts(rec) == {"input": ("300", "EUR"), "cache_read": ("1234.5", "EUR")}
    assert rec.context_length == "65536 tokens"


def test_front_matter_and_api_snippet() -> None:
    rec = one("""<h1>whalelab / Orca 2</h1><pre><code>---
model_id: whalelab/orca-2
developer: whalelab
context_length: 131072
---</code></pre><pre><code>client.chat(model="whalelab/orca-2-other")</code></pre>
    <p>Input costs $1.50 per million tokens; output is billed at $6 per million tokens.</p>""")
    assert (rec.name, rec.source_model_id, rec.author, rec.context_length) == (
        "Orca 2", "whalelab/orca-2", "whalelab", "131072")
    assert rec.methods["source_model_id"] == "pre"
    assert amounts(rec) == {"input": ("1.5", "USD"), "output": ("6", "USD")}


def test_api_snippet_names_the_model() -> None:
    rec = one("""<h1>Orca 2 pricing</h1><p>Input: $1 / 1M tokens</p>
    <pre><code>curl https://api.example/v1 \\
  -d '{"model": "@pods/orca-2", "messages": []}'</code></pre>""")
    assert (rec.name, rec.source_model_id) == ("Orca 2", "@pods/orca-2")


def test_prose_prices_take_the_nearest_component() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p><p>Orca 2 is served by Pods. Input is billed
    at €0,30 per 1K tokens and output costs €0,90 per 1K tokens, while cache reads are
    free.</p>""")
    assert amounts(rec) == {"input": ("300", "EUR"), "output": ("900", "EUR"),
                            "cache_read": ("0", "EUR")}
    assert rec.methods["price.output"] == "prose" and rec.provider == "Pods"


def test_prose_dates_and_bylines() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p><p>A model by whalelab</p>
    <p>Runs on Pod.AI infrastructure.</p><p>Input: $1 / 1M tokens</p>
    <p>This model was added to the Pod.AI hub on 4 May 2025. It was released
    on Jan 9, 2025.</p><p>Listed <time datetime="2025-05-04T10:00:00Z">last spring</time></p>""")
    assert (rec.author, rec.provider, rec.release_date) == ("whalelab", "Pod.AI", "Jan 9, 2025")
    assert rec.date_added in ("4 May 2025", "2025-05-04")  # the same day, stated twice


def test_currency_stated_once_for_the_page() -> None:
    html = """<head><meta property="product:price:currency" content="GBP"></head><body>
    <h1>Orca 2</h1><p>ID: orca-2</p><dl><dt>Input</dt><dd>0.20 per 1M tokens</dd>
    <dt>Output</dt><dd>Free</dd></dl></body>"""
    [rec] = extract_generic_html(URL, html).offerings
    assert amounts(rec) == {"input": ("0.2", "GBP"), "output": ("0", "GBP")}
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p><p>All prices are in EUR.</p>
    <dl><dt>Input</dt><dd>1.5 / 1M tokens</dd></dl>""")
    assert amounts(rec) == {"input": ("1.5", "EUR")}


def test_other_models_and_calculators_are_ignored() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p>
    <form><label>Input tokens <input value="1000"></label><output>Estimated cost: $9</output>
    </form><aside><h2>Similar models</h2><dl><dt>Input</dt><dd>$7 / 1M tokens</dd></dl>
    </aside><ul><li><a href="/m/kraken">kraken</a> $5 in · $9 out per 1M</li></ul>
    <h2>Pricing</h2><dl><dt>Output</dt><dd>$2 / 1M tokens</dd></dl>
    <h2>You may also like</h2><p>Input: $8 / 1M tokens</p>""")
    assert amounts(rec) == {"output": ("2", "USD")}


def test_rate_limits_and_cutoffs_are_not_model_facts() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p><dl><dt>Knowledge cutoff</dt>
    <dd>2024-10</dd><dt>Max output tokens</dt><dd>8192</dd><dt>Rate limit</dt>
    <dd>60 requests per minute</dd><dt>Input</dt><dd>$1 / 1M tokens</dd></dl>""")
    assert (rec.release_date, rec.date_added, rec.context_length) == (None, None, None)
    assert [p.label for p in rec.prices] == ["input"]


def test_hidden_content_and_inactive_tabs_do_not_count() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p>
    <div role="tablist"><button role="tab" aria-controls="a" aria-selected="false">Batch</button>
    <button role="tab" aria-controls="b" aria-selected="true">Standard</button></div>
    <section role="tabpanel" id="a"><p>Input: $0.50 / 1M tokens</p></section>
    <section role="tabpanel" id="b"><p>Input: $1 / 1M tokens</p></section>
    <p hidden>Output: $9 / 1M tokens</p><p style="display: none">Output: $8 / 1M tokens</p>
    <p>Output: $2 / 1M tokens</p>""")
    assert amounts(rec) == {"input": ("1", "USD"), "output": ("2", "USD")}


def test_comparison_table_reads_the_pages_own_column() -> None:
    rec = one("""<h1>Orca 2 vs others</h1><table>
    <tr><th>Spec</th><th>Whale 1</th><th aria-current="page">Orca 2</th></tr>
    <tr><th>Model ID</th><td>whale-1</td><td>orca-2</td></tr>
    <tr><th>Input price (per 1M tokens)</th><td>$5</td><td>$1</td></tr>
    <tr><th>Context window</th><td>8,000</td><td>32,000</td></tr></table>""")
    assert (rec.source_model_id, rec.context_length) == ("orca-2", "32,000")
    assert amounts(rec) == {"input": ("1", "USD")} and rec.methods["price.input"] == "column"


def test_json_record_in_a_code_block() -> None:
    rec = one("""<h1>Get model</h1><pre><code>{"id": "pods/orca-2", "name": "Orca 2",
    "owned_by": "whalelab", "created": 1746316800, "context_length": 32768,
    "pricing": {"prompt": "0.000001", "completion": "0.000002"}}</code></pre>
    <pre><code>{"object": "list", "data": [{"id": "pods/whale-1"}]}</code></pre>""")
    assert (rec.source_model_id, rec.name, rec.author, rec.date_added, rec.context_length) == (
        "pods/orca-2", "Orca 2", "whalelab", "2025-05-04", "32768")
    assert amounts(rec) == {"input": ("1", "USD"), "output": ("2", "USD")}
    assert rec.methods["source_model_id"] == "json"


def test_announcement_heading_names_model_provider_and_date() -> None:
    rec = one("""<article><h1>Orca 2 is now available on Pod.AI</h1>
    <p>Posted <time datetime="2025-05-04">May 4</time></p>
    <p>Orca 2 from whalelab costs $1 per million input tokens. It has a 32,000-token context
    window.</p><pre><code>curl https://api.example/v1 \\
  -d '{"model": "orca-2"}'</code></pre></article>
    <article><h2>Whale 1 price update</h2><p>Whale 1 now costs $5 per million output
    tokens.</p></article>""")
    assert (rec.name, rec.provider, rec.author, rec.date_added, rec.context_length) == (
        "Orca 2", "Pod.AI", "whalelab", "2025-05-04", "32,000")
    assert amounts(rec) == {"input": ("1", "USD")}


def test_badges_state_their_own_labels() -> None:
    rec = one("""<h1>Orca 2</h1><button data-copy="orca-2" title="Copy model ID">orca-2</button>
    <ul><li>128K context</li><li>Vision</li><li>$3/M in</li><li>Out €0.3/1M</li>
    <li>0.3 USD/Mtok cached</li></ul>""")
    assert (rec.source_model_id, rec.context_length) == ("orca-2", "128K")
    assert rec.methods["context_length"] == "abbrev" and rec.methods["price.input"] == "badge"
    assert {k: v[0] for k, v in amounts(rec).items()} == {
        "input": "3", "output": "0.3", "cache_read": "0.3"}


def test_exact_context_beats_an_abbreviation() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p><ul><li>128K context</li></ul>
    <p>Input: $1 / 1M tokens</p><p>Context window: 131,072 tokens</p>""")
    assert rec.context_length == "131,072 tokens"


# --------------------------------------------------------------------------- more layouts


def test_highlighted_row_of_a_table_of_offerings() -> None:
    rec = one("""<h1>Orca 2 <span>on Pods</span></h1><table>
    <tr><th>Host</th><th>Model</th><th>Input ($/1M tokens)</th><th>Context</th></tr>
    <tr><td>Cloudy</td><td>Whale 1<br><code>whale-1</code></td><td>0.90</td><td>8,000</td></tr>
    <tr class="is-highlighted"><td>Pods <em>(you are here)</em></td>
    <td><b>Orca 2</b><br><code>pods/orca-2</code></td><td>0.30</td><td>32,000</td></tr></table>""")
    assert (rec.name, rec.source_model_id, rec.provider, rec.context_length) == (
        "Orca 2", "pods/orca-2", "Pods", "32,000")
    assert amounts(rec) == {"input": ("0.3", "USD")} and rec.methods["price.input"] == "row"


def test_row_naming_the_page_model_when_none_is_marked() -> None:
    rec = one("""<h1>Orca 2</h1><p><code>orca-2</code></p><table><tr><th>Model</th>
    <th>Output per 1K tokens (EUR)</th>
    </tr><tr><td>whale-1</td><td>0.002</td></tr><tr><td>orca-3</td><td>0.001</td></tr>
    <tr><td>Orca 2</td><td>0.0005</td></tr><tr><td>kraken</td><td>0.003</td></tr></table>""")
    assert amounts(rec) == {"output": ("0.5", "EUR")}


def test_questions_and_answers_name_their_field() -> None:
    rec = one("""<h1>Orca 2: FAQ</h1>
    <details><summary>What is Orca 2?</summary><p>A model by Whalelab. Call it with the model
    ID <code>orca-2</code>.</p></details>
    <details><summary>How much does Orca 2 cost?</summary><p>You pay $0.002 for every 1,000
    input tokens and $0.006 for every 1,000 output tokens.</p></details>
    <dl><dt>How long can a prompt be?</dt><dd>Orca 2 reads up to 64K tokens of context.</dd>
    <dt>Is there a monthly fee?</dt><dd>No, but input credit packs start at $10.</dd></dl>
    <h3>When was Orca 2 released?</h3><p>Whalelab released it on 3 March 2025.</p>
    <h3>Since when can I use it here?</h3><p>It has been available here since 2025-04-01.</p>""")
    assert (rec.name, rec.source_model_id, rec.context_length) == ("Orca 2", "orca-2", "64K")
    assert (rec.release_date, rec.date_added) == ("3 March 2025", "2025-04-01")
    assert rec.methods["release_date"] == "faq" and rec.methods["price.input"] == "faq"
    assert amounts(rec) == {"input": ("2", "USD"), "output": ("6", "USD")}


def test_visually_hidden_table_beats_chart_labels() -> None:
    html = """<h1>Orca 2</h1><p>orca-2</p><svg><text>USD per 1M tokens</text>
    <g><text>$9.00</text><text>Input</text></g><g><text>$2.00</text><text>Output</text></g>
    </svg>{table}"""
    table = ('<table class="sr-only"><tr><th>Type</th><th>Price</th></tr><tr><th>Input</th>'
             "<td>$1.00 per 1M tokens</td></tr></table>")
    rec = one(html.format(table=table))
    assert rec.source_model_id == "orca-2" and rec.methods["source_model_id"] == "subheading"
    assert amounts(rec) == {"input": ("1", "USD"), "output": ("2", "USD")}
    assert rec.methods["price.output"] == "chart"
    assert amounts(one(html.format(table="")))["input"] == ("9", "USD")


def test_command_output_in_pre() -> None:
    rec = one("""<h1><code>pods models show</code></h1><pre><code>$ pods models list
Prices in USD per 1M tokens
ID          INPUT   OUTPUT
whale-1      0.90     2.00
orca-2       0.30     1.20

$ pods models show orca-2
Name          Orca 2
ID            orca-2
Owned by      whalelab
Context       32,000 tokens
Released      2025-03-03

Pricing (EUR per 1K tok)
  input       0.0003
  cache read  $0.0001
</code></pre>""")
    assert (rec.name, rec.source_model_id, rec.author, rec.release_date) == (
        "Orca 2", "orca-2", "whalelab", "2025-03-03")
    assert rec.methods["name"] == "pre"
    assert amounts(rec) == {"input": ("0.3", "EUR"), "cache_read": ("0.1", "USD")}


@pytest.mark.parametrize(("lang", "released"), [("de", "2024-11-05"), ("en", "05.11.2024")])
def test_german_labels_numbers_and_dates(lang: str, released: str) -> None:
    html = f"""<html lang="{lang}"><body><h1>Orca 2</h1><ul>
    <li><span>Modell-ID:</span> <code>orca-2</code></li><li><span>Entwickler:</span> Whalelab</li>
    <li><span>Anbieter:</span> Pods</li><li><span>Kontextfenster:</span> 1.048.576 Token</li>
    <li><span>Veröffentlicht:</span> 05.11.2024</li>
    <li><span>Bei uns verfügbar seit:</span> 5. Dezember 2024</li></ul>
    <table><tr><th>Art</th><th>Preis</th></tr><tr><td>Eingabe</td><td>1,25 $ pro 1 Mio. Token</td>
    </tr><tr><td>Cache-Schreibvorgang</td><td>0,0025 € pro 1.000 Token</td></tr></table></body>"""
    [rec] = extract_generic_html(URL, html).offerings
    assert (rec.author, rec.provider, rec.release_date) == ("Whalelab", "Pods", released)
    if lang == "de":
        assert (rec.context_length, rec.date_added) == ("1048576 tokens", "2024-12-05")
        assert amounts(rec) == {"input": ("1.25", "USD"), "cache_write": ("2.5", "EUR")}
    else:  # a day-month order only the page language settles stays ambiguous
        assert "release_date" in {f.field for f in normalise([rec]).findings}


def test_french_labels_and_dates() -> None:
    html = """<html lang="fr"><body><h1>Orca 2</h1><dl><dt>Identifiant du modèle</dt>
    <dd>orca-2</dd><dt>Fenêtre de contexte</dt><dd>202 752 jetons</dd><dt>Date de sortie</dt>
    <dd>1er janvier 2025</dd><dt>Disponible chez nous depuis</dt><dd>13/03/2025</dd>
    <dt>Sortie</dt><dd>0,29 € par million de jetons</dd><dt>Entrée en cache</dt>
    <dd>0,0001 USD les 1 000 jetons</dd></dl></body>"""
    [rec] = extract_generic_html(URL, html).offerings
    assert (rec.context_length, rec.release_date, rec.date_added) == (
        "202752 tokens", "2025-01-01", "2025-03-13")
    assert amounts(rec) == {"output": ("0.29", "EUR"), "cache_read": ("0.1", "USD")}


def test_footnotes_and_retrieval_dates() -> None:
    rec = one("""<h1>Orca 2</h1><p>ID: orca-2</p><dl><dt>Input<sup>1</sup></dt>
    <dd>$3.00[1] / 1M tokens</dd><dt>Output</dt><dd>$6.00<sup>[2]</sup> / 1M tokens</dd></dl>
    <ol><li>Released prices page, retrieved on March 3, 2025.</li></ol>""")
    assert amounts(rec) == {"input": ("3", "USD"), "output": ("6", "USD")}
    assert rec.release_date is None


def test_model_page_gate_needs_a_name_and_a_price_or_a_code_id() -> None:
    rec = one("<h1>Orca 2</h1><p>Call it with the model ID <code>pods/orca-2</code>.</p>")
    assert (rec.name, rec.source_model_id) == ("Orca 2", "pods/orca-2")
    assert extract_generic_html(URL, "<h1>Orca 2</h1><p>A fine model.</p>").offerings == []


def _read(body: str, lang: str = "en") -> RawOffering:
    ident = "" if "data-copy" in body else "<p>Model ID: <code>orca-2</code></p>"
    html = f'<html lang="{lang}"><head><title>t</title></head><body>{body}{ident}</body></html>'
    [rec] = extract_generic_html(URL, html).offerings
    return rec


def _prices(rec: RawOffering) -> dict[str, str]:
    return {p.label: p.text for p in rec.prices}


@pytest.mark.parametrize(("heading", "name"), [
    ("How Orca 2 is billed", "Orca 2"), ("About Orca 2", "Orca 2"),
    ("Orca 2 pricing", "Orca 2"), ("Weekly Digest #12: Orca 2 is here", "Orca 2"),
    ("Orca 2 の料金", "Orca 2"), ("Preise für Orca 2", "Orca 2"), ("Orca 2", "Orca 2"),
])
def test_page_framing_around_the_name_is_stripped(heading: str, name: str) -> None:
    rec = _read(f"<h1>{heading}</h1><p>Input: $1 / 1M tokens</p>")
    assert rec.name == name


def test_icons_label_the_value_beside_them() -> None:
    rec = _read('<h1>Orca 2</h1><div><img src="p.svg" alt="Provider"><span>Pods</span></div>'
                '<div><span role="img" aria-label="Input price"><svg aria-hidden="true"></svg>'
                '</span><span>$0.50 per million tokens</span></div>'
                '<div><i title="Context window"></i><span class="sr-only">Context window</span>'
                '<span>8,192 tokens</span></div>')
    assert rec.provider == "Pods" and rec.methods["provider"] == "pairs"
    assert _prices(rec) == {"input": "$0.50 per million tokens"}
    assert rec.context_length == "8,192 tokens"


def test_a_copy_control_without_a_label_copies_the_id_it_shows() -> None:
    rec = _read('<h1>Orca 2</h1><button data-copy="acme/orca-2"><code>acme/orca-2</code>'
                '</button><p>Input: $1 / 1M tokens</p>')
    assert rec.source_model_id == "acme/orca-2" and rec.methods["source_model_id"] == "copy"


def test_japanese_labels_units_and_dates() -> None:
    rec = _read("<h1>Orca 2</h1><table><tr><th>提供元</th><td>Pods</td></tr>"
                "<tr><th>開発元</th><td>acme</td></tr>"
                "<tr><th>入力</th><td>$0.2 / 100万トークン</td></tr>"
                "<tr><th>出力</th><td>1,000トークンあたり $0.003</td></tr>"
                "<tr><th>キャッシュ書き込み</th><td>無料</td></tr>"
                "<tr><th>コンテキスト長</th><td>20万トークン</td></tr>"
                "<tr><th>公開日</th><td>2025年7月22日</td></tr></table>"
                "<ul><li>掲載日：２０２５/０８/０１</li></ul>", lang="ja")
    assert (rec.provider, rec.author) == ("Pods", "acme")
    assert _prices(rec) == {"input": "$0.2 / 1M tokens", "output": "$0.003 per 1K tokens",
                            "cache_write": "Free"}
    assert rec.context_length == "200000 tokens"
    assert (rec.release_date, rec.date_added) == ("2025-07-22", "2025-08-01")


@pytest.mark.parametrize(("formula", "want"), [
    ("$3 per 1M input tokens + $15 per 1M output tokens",
     {"input": "$3 per 1M input tokens", "output": "$15 per 1M output tokens"}),
    ("input: 11.5 cents / million tokens · output: 2 dollars / million tokens",
     {"input": "$0.115 / million tokens", "output": "$2 / million tokens"}),
])
def test_price_formulas_in_words(formula: str, want: dict[str, str]) -> None:
    rec = _read(f"<h1>Orca 2</h1><p>Acme charges Orca 2 at:</p><p>{formula}</p>"
                "<p>Example: 1,000 x $3/1M + 100 x $15/1M = $0.0045.</p>")
    assert _prices(rec) == want


def test_a_cost_formula_in_code_and_worked_examples() -> None:
    rec = _read("<h1>Orca 2</h1><p>Example: 12,000 x $3/1M + 800 x $15/1M = $0.048.</p>"
                "<pre><code>cost (EUR) = 5 × input_tokens / 1,000,000\n"
                "  + 25 × output_tokens / 1,000,000</code></pre>"
                "<ul><li>Writing a prompt into the cache is billed at nothing instead.</li></ul>")
    assert _prices(rec) == {"input": "€5 per 1M input tokens", "output":
                            "€25 per 1M output tokens", "cache_write": "free"}
    assert rec.methods["price.input"] == "formula"


def test_shop_listing_prices_and_merchant_fields() -> None:
    rec = _read('<h1>Orca 2</h1><div><span>from</span> <span>$1.25</span> '
                '<span>/ 1M input tokens</span><div>List price: <s>$1.60</s></div></div>'
                '<div><span><sup>$</sup>4</span> <span>per million output tokens</span></div>'
                "<table><tr><td>Sold by</td><td>Pods</td></tr><tr><td>Brand</td><td>acme</td>"
                "</tr><tr><td>Date First Available</td><td>2025-11-13</td></tr></table>")
    assert _prices(rec) == {"input": "$1.25 / 1M input tokens",
                            "output": "$4 per million output tokens"}
    assert (rec.provider, rec.author, rec.date_added) == ("Pods", "acme", "2025-11-13")


def test_merged_table_cells_are_expanded() -> None:
    rec = _read("<h1>Orca 2</h1><table><tr><th colspan=2>Token type</th>"
                "<th>Price (per 1M tokens)</th></tr>"
                "<tr><td rowspan=2>Input</td><td>Standard</td><td>$1</td></tr>"
                "<tr><td>Cache hit</td><td>$0.1</td></tr>"
                "<tr><td colspan=2>Output</td><td>$5</td></tr></table>")
    assert _prices(rec) == {"input": "$1 per 1M tokens", "cache_read": "$0.1 per 1M tokens",
                            "output": "$5 per 1M tokens"}


def test_footer_currency_note_and_date_mentions() -> None:
    rec = _read("<h1>Orca 2</h1><table><tr><th>Input</th><td>free</td></tr>"
                "<tr><th>Released</th><td><time>@May 8, 2025</time></td></tr></table>"
                "<p>Context window is <b>32,768</b> (prompt plus completion).</p>"
                "<footer><p>Prices in EUR, excluding taxes.</p></footer>")
    assert rec.release_date == "May 8, 2025" and rec.context_length == "32,768"
    [off] = normalise([rec]).offerings
    assert {p.currency for p in off.prices} == {"EUR"}
