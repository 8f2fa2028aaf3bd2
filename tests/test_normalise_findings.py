"""Contradictions and impossible values become findings with URL, field, kind and both values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from catalog.extract.dispatch import extract_page
from catalog.extract.records import RawLink, RawOffering, RawPrice
from catalog.normalise.offerings import normalise
from catalog.pipeline import ingest_run
from catalog.store import FetchResult, Store

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "data" / "snapshot"
PAGE = "models/anthropic/claude-sonnet-4-5"
URL = f"http://127.0.0.1:8000/{PAGE}"


def html(text: str | None = None) -> bytes:
    body = (SNAPSHOT / PAGE / "index.html").read_text(encoding="utf-8")
    return body.replace("__ORIGIN__", "http://127.0.0.1:8000").replace(
        "$3.00 / 1M tokens", text or "$3.00 / 1M tokens").encode()


def markdown(replace: tuple[str, str] = ("", "")) -> bytes:
    body = (SNAPSHOT / f"{PAGE}.md").read_text(encoding="utf-8")
    body = body.replace("__ORIGIN__", "http://127.0.0.1:8000")
    return (body.replace(*replace) if replace[0] else body).encode()


def rec(**kw: object) -> RawOffering:
    base: dict[str, object] = {"url": "https://c.test/models/p/m", "source_format": "x",
                               "source_model_id": "m", "name": "M"}
    return RawOffering.model_validate({**base, **kw})


def test_html_and_md_twin_that_disagree() -> None:
    records = [
        *extract_page(URL, "text/html", html()).offerings,
        *extract_page(f"{URL}.md", "text/markdown", markdown(
            ("Output $15.00 / 1M tokens", "Output $16.00 / 1M tokens"))).offerings,
        *extract_page(f"{URL}.md", "text/markdown", markdown(
            ("claude-sonnet-4-5 claude Closed", "claude-sonnet-4-5 anthropic Closed"))).offerings,
    ]
    result = normalise(records)
    [off] = result.offerings
    assert {p.component: p.amount for p in off.prices}["output"] == Decimal("15")  # HTML wins
    twins = sorted((f.field, f.detail) for f in result.findings if f.kind == "twin_disagrees")
    assert twins == [
        ("author", f"{URL} says 'claude', {URL}.md says 'anthropic'"),
        ("price.output", f"15 USD vs 16 USD at {URL}.md"),
    ]
    assert all(f.offering_url == URL for f in result.findings)


def test_output_under_a_tenth_of_input() -> None:
    result = normalise([rec(prices=[RawPrice(label="input", text="$10 / 1M tokens"),
                                    RawPrice(label="output", text="$0.50 / 1M tokens")],
                            modalities=["Input: text", "Output: text"])])
    [finding] = [f for f in result.findings if f.kind == "output_below_tenth_of_input"]
    assert (finding.url, finding.field) == ("https://c.test/models/p/m", "price.output")
    assert finding.detail == ("output 0.5 USD is under a tenth of input 10 USD per 1M tokens")
    embedding = normalise([rec(name="text-embedding-3-large", prices=[
        RawPrice(label="input", text="$0.13 / 1M tokens"),
        RawPrice(label="output", text="$0.001 / 1M tokens")])])
    assert not [f for f in embedding.findings if f.kind == "output_below_tenth_of_input"]


def test_prices_that_move_tenfold_between_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")

    def crawl(body: bytes) -> int:
        run = store.start_run(["http://127.0.0.1:8000/"], {})
        store.enqueue(run, [(URL, "page", 0, None)])
        store.record_fetch(run, FetchResult(url=URL, final_url=URL, status=200,
                                            content_type="text/html; charset=utf-8",
                                            body=body))
        ingest_run(store, run, complete=True)
        store.finish_run(run, {}, True)
        return run

    crawl(html())
    assert store.open_prices()[URL]["input"] == (Decimal("3"), "USD")
    run2 = crawl(html("$30.00 / 1M tokens"))
    moved = [f for f in store.findings(run2) if f["kind"] == "price_moved_10x"]
    assert [(f["url"], f["field"], f["detail"]) for f in moved] == [
        (URL, "price.input", "previous run 3 USD, this run 30 USD (10x higher) per_1m_tokens")]
    assert moved[0]["offering_id"] is not None
    run3 = crawl(html("$29.00 / 1M tokens"))  # 30 -> 29: a change, not an oddity
    assert not [f for f in store.findings(run3) if f["kind"] == "price_moved_10x"]
    store.close()


def test_related_links_resolve_and_dangling_ones_keep_their_url(tmp_path: Path) -> None:
    a = rec(url="https://c.test/models/p/a", source_model_id="a", related=[
        RawLink(url="https://c.test/models/p/b.md"), RawLink(url="https://c.test/models/p/b/"),
        RawLink(url="https://elsewhere.test/models/z#top")])
    b = rec(url="https://c.test/models/p/b", source_model_id="b", author="acme",
            md_url="https://c.test/models/p/b.md")
    result = normalise([a, b])
    by_url = {o.url: o for o in result.offerings}
    assert by_url["https://c.test/models/p/a"].related_urls == (
        "https://c.test/models/p/b", "https://elsewhere.test/models/z")
    store = Store(tmp_path / "c.db")
    run = store.start_run(["https://c.test/"], {})
    store.save_catalog(run, result.offerings, result.findings, list(result.models.values()),
                       complete=True)
    edges = {e["related_url"]: e["related_model_id"] for e in store.related_edges()}
    assert edges == {"https://c.test/models/p/b": by_url["https://c.test/models/p/b"].model_id,
                     "https://elsewhere.test/models/z": None}
    store.close()


def test_price_text_that_is_not_one_price() -> None:
    result = normalise([rec(prices=[
        RawPrice(label="input", text="From $0.10 / 1M tokens"),
        RawPrice(label="output", text="$2 / hour"),
        RawPrice(label="image", text="Contact sales"),
        RawPrice(label="output", text="0.40 / 1M tokens", min_prompt_tokens=None),
        RawPrice(label="input", text="$1 per 1M output tokens"),
    ])])
    kinds = sorted((f.field, f.kind) for f in result.findings)
    assert kinds == [("price", "unparsed"), ("price.input", "inexact_price"),
                     ("price.input", "label_disagrees"), ("price.output", "no_currency"),
                     ("price.output", "unit_mismatch")]
    details = {f.kind: f.detail for f in result.findings}
    assert details["unit_mismatch"] == ("output price '$2 / hour' is per_hour, expected "
                                        "per_1m_tokens")


def test_free_and_absent() -> None:
    [off] = normalise([rec(prices=[RawPrice(label="input", text="Free"),
                                   RawPrice(label="output", text="€0.00 / 1M tokens")])]
                      ).offerings
    assert {(p.component, p.amount, p.currency) for p in off.prices} == {
        ("input", Decimal(0), "EUR"), ("output", Decimal(0), "EUR")}  # takes the stated one
    [unpriced] = normalise([rec()]).offerings
    assert unpriced.prices == ()  # absent is unknown, never zero


def test_dates_that_are_not_days() -> None:
    result = normalise([rec(date_added="03/04/2026", release_date="June")])
    [off] = result.offerings
    assert off.date_added is None and off.release_date is None
    assert sorted((f.field, f.kind) for f in result.findings) == [
        ("date_added", "ambiguous_date"), ("release_date", "imprecise_date")]


def test_a_month_only_release_date_is_kept_as_a_month_without_a_finding() -> None:
    result = normalise([rec(date_added="June 2025", release_date="June 2025")])
    [off] = result.offerings
    assert off.release_date == "2025-06"  # as precise as stated: no day is invented
    assert off.date_added is None  # when the catalog listed it is always a day
    assert [(f.field, f.kind) for f in result.findings] == [("date_added", "imprecise_date")]
    [off] = normalise([rec(release_date="2024-05")]).offerings
    assert off.release_date == "2024-05"


def test_context_tiers_are_kept_apart_and_noted_only_without_a_base_price() -> None:
    tiered = rec(prices=[RawPrice(label="input", text="$1 / 1M tokens"),
                         RawPrice(label="input", text="$2 / 1M tokens", min_prompt_tokens=128000),
                         RawPrice(label="output", text="$8 / 1M tokens",
                                  min_prompt_tokens=128000)])
    result = normalise([tiered])
    [off] = result.offerings
    assert [(p.component, p.amount) for p in off.prices] == [("input", Decimal(1))]
    assert [(p.component, p.amount, p.min_prompt_tokens) for p in off.tier_prices] == [
        ("input", Decimal(2), 128000), ("output", Decimal(8), 128000)]
    assert [(f.field, f.kind) for f in result.findings] == [
        ("price.output", "tier_without_base")]


def test_an_offering_read_by_the_generic_fallback_says_how_each_field_was_read() -> None:
    page = b"""<!DOCTYPE html><html><head><title>Orbit 2 - Nimbus</title></head><body>
    <h1>Orbit 2</h1><dl><dt>Model ID</dt><dd><code>orbit-2</code></dd>
    <dt>Input</dt><dd>$0.50 / 1M tokens</dd><dt>Output</dt><dd>$1.50 / 1M tokens</dd></dl>
    </body></html>"""
    url = "https://nimbus.example/models/orbit-2"
    result = normalise(extract_page(url, "text/html", page).offerings)
    assert [o.source_model_id for o in result.offerings] == ["orbit-2"]
    found = [f for f in result.findings if f.kind == "generic_fallback"]
    assert len(found) == 1 and found[0].url == url
    assert "price.input from dl" in found[0].detail
    assert "source_model_id from dl" in found[0].detail
