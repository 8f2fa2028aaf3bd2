"""`catalog cost`: workload costs checked by hand, quantities, output formats, the demo.

Hand-computed costs use the fixture catalog of tests/test_exports.py (after its second
run: offering A's input price is 0.90). Workload W: 2,000,000 input tokens of which 30 %
(600,000) are cached, 500,000 output tokens, 1,000 calls. Prices are per 1M tokens.

    A  (0.90 in, 3.00 out, 0.10 cache read)  1.4M x 0.90 + 0.6M x 0.10 + 0.5M x 3.00
                                             = 1.26 + 0.06 + 1.50          = 2.82
    B  (0.80 in, 4.00 out, no cache read)    1.4M x 0.80 + 0.6M x 0.80 + 0.5M x 4.00
                                             = 1.12 + 0.48 + 2.00          = 3.60
    D  (0.9 in, 2.9 out, 0.001 per request)  1.26 + 0.54 + 1.45 + 1000 x 0.001 = 4.25
    E  (free)                                                                = 0
    H  (0.005 per request only)              1000 x 0.005                   = 5.00
    C  EUR, F per image only, G no price, X no output price: not priced
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import simplejson
from click.testing import CliRunner

from catalog.cli import cli
from catalog.render import cost
from catalog.render.cost import Quote, Share, Unpriced, Workload
from catalog.render.exports import Filters
from catalog.store import Store
from tests.support import SEED_PATH, CrawledMirror
from tests.test_exports import A, B, C, D, E, F, G, H, X, make_catalog

W = Workload.of(Decimal(2_000_000), Decimal(500_000), Decimal(1000), Share(percent=Decimal(30)))
NO_CALLS = Workload(Decimal(10), Decimal(10))
ARGS = ["--input-tokens", "2M", "--output-tokens", "500k", "--calls", "1000",
        "--cached-input", "30%"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalog(tmp_path_factory.mktemp("cost") / "catalog.db")


@pytest.fixture
def store(db: Path) -> Any:
    s = Store(db)
    yield s
    s.close()


def offerings(store: Store) -> dict[str, dict[str, Any]]:
    return {o["url"]: o for o in store.offerings()}


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- hand-computed costs -----------------------------------------------------------------


def test_workload_resolves_the_cached_share() -> None:
    assert W.cached_input_tokens == 600_000 and W.uncached_input_tokens == 1_400_000
    tokens = Workload.of(Decimal(2_000_000), Decimal(0), None, Share(tokens=Decimal(600_000)))
    assert tokens.cached_input_tokens == W.cached_input_tokens


@pytest.mark.parametrize(("url", "total", "parts", "notes"), [
    (A, "2.82", ("1.26", "0.06", "1.5", None), ()),
    (B, "3.6", ("1.12", "0.48", "2", None),
     ("no cache-read price: input price used",)),
    (D, "4.25", ("1.26", "0.54", "1.45", "1"),
     ("no cache-read price: input price used",)),
    (E, "0", ("0", "0", "0", None),
     ("no cache-read price: input price used",)),
    (H, "5", (None, None, None, "5"), ("priced per request only",)),
])
def test_costs_match_the_hand_computed_ones(store: Store, url: str, total: str,
                                            parts: tuple[str | None, ...],
                                            notes: tuple[str, ...]) -> None:
    quote = cost.price_offering(offerings(store)[url], W)
    assert isinstance(quote, Quote)
    assert quote.total == Decimal(total)
    assert (quote.input, quote.cached_input, quote.output, quote.requests) == tuple(
        None if p is None else Decimal(p) for p in parts)
    assert quote.notes == notes


@pytest.mark.parametrize(("url", "workload", "reason"), [
    (C, W, "priced in EUR, not USD"),
    (F, W, "priced per image only"),
    (G, W, "no price listed"),
    (X, W, "no output price"),
    (D, NO_CALLS, "charges per request: give the number of calls (--calls)"),
    (H, NO_CALLS, "charges per request: give the number of calls (--calls)"),
])
def test_unpriceable_offerings_say_why(store: Store, url: str, workload: Workload,
                                      reason: str) -> None:
    result = cost.price_offering(offerings(store)[url], workload)
    assert isinstance(result, Unpriced) and result.reason == reason


def test_a_price_the_workload_does_not_need_is_not_required(store: Store) -> None:
    x = offerings(store)[X]  # input 2 only: fine for an input-only workload
    quote = cost.price_offering(x, Workload(Decimal(3_000_000), Decimal(0)))
    assert isinstance(quote, Quote) and quote.total == Decimal(6)
    # every input token cached, and a cache-read price: no input price needed
    cached_only = {**x, "prices": {"cache_read": Decimal("0.5"), "output": Decimal(1)}}
    quote = cost.price_offering(cached_only, Workload.of(
        Decimal(2_000_000), Decimal(1_000_000), None, Share(percent=Decimal(100))))
    assert isinstance(quote, Quote) and quote.total == Decimal(2)


def test_mixed_currencies_and_unusual_units() -> None:
    base = {"url": "u", "model_id": "m", "name": "m", "provider": "p", "catalog": "c"}
    mixed = {**base, "currency": "EUR/USD", "prices": {"input": Decimal(1)}}
    assert cost.price_offering(mixed, W) == Unpriced(
        mixed, "priced in several currencies (EUR/USD)")
    odd = {**base, "currency": "USD", "prices": {"second": Decimal(1), "image": Decimal(2)}}
    assert cost.price_offering(odd, W) == Unpriced(odd, "priced per image and per second only")
    extra = {**base, "currency": "USD", "prices": {
        "input": Decimal(1), "output": Decimal(2), "cache_read": Decimal("0.1"),
        "image": Decimal(2), "reasoning": Decimal(9)}}
    quote = cost.price_offering(extra, W)
    assert isinstance(quote, Quote)
    assert quote.notes == ("per-image price not included", "reasoning price not included")


def test_arithmetic_is_exact() -> None:
    """Odd token counts and a percentage that does not divide evenly stay exact."""
    w = Workload.of(Decimal(1_000_001), Decimal(3), Decimal(7), Share(percent=Decimal("33.3")))
    assert w.cached_input_tokens == Decimal("333000.333")
    off = {"url": "u", "model_id": "m", "name": "m", "provider": "p", "catalog": "c",
           "currency": "USD", "prices": {"input": Decimal("0.075"), "output": Decimal("0.3"),
                                         "cache_read": Decimal("0.0075"),
                                         "request": Decimal("0.0001")}}
    quote = cost.price_offering(off, w)
    assert isinstance(quote, Quote)
    expected = (Decimal("667000.667") * Decimal("0.075") + Decimal("333000.333")
                * Decimal("0.0075") + 3 * Decimal("0.3")) / 1_000_000 + 7 * Decimal("0.0001")
    assert quote.total == expected == Decimal("0.0532234525225")


def test_ranking_and_its_ties(store: Store) -> None:
    ranking = cost.rank(store.offerings(), W)
    assert [q.offering["url"] for q in ranking.ranked] == [E, A, B, D, H]  # type: ignore[union-attr]
    assert [(u.offering["url"], u.reason) for u in ranking.unpriced] == [  # type: ignore[union-attr]
        (C, "priced in EUR, not USD"), (X, "no output price"), (F, "priced per image only"),
        (G, "no price listed")]
    no_calls = cost.rank(store.offerings(), Workload(W.input_tokens, W.output_tokens))
    assert [q.offering["url"] for q in no_calls.ranked] == [E, A, B]  # type: ignore[union-attr]


def test_models_rank_by_their_cheapest_offering(store: Store) -> None:
    ranking = cost.rank_store(store, W, by_model=True)
    rows = cost.ranked_rows(ranking)
    assert [(r["model_id"], r["url"], r["total_cost_usd"], r["offerings_priced"],
             r["offering_count"]) for r in rows] == [
        ("acme/free", E, 0, 1, 1), ("acme/chat", A, Decimal("2.82"), 3, 4),
        ("search/sonar", H, 5, 1, 1)]
    assert rows[1]["name"] == "Acme Chat"
    assert [(r["model_id"], r["reason"]) for r in cost.unpriced_rows(ranking)] == [
        ("evil/model", "no output price"),
        ("pix/draw", "no price listed; priced per image only")]


def test_filters_apply(store: Store) -> None:
    ranking = cost.rank_store(store, W, Filters(free=False, providers=("alpha", "beta")))
    assert [q.offering["url"] for q in ranking.ranked] == [A, B]  # type: ignore[union-attr]
    assert [u.offering["url"] for u in ranking.unpriced] == [F]  # type: ignore[union-attr]


# -- quantities ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("500k", "500000"), ("500K", "500000"), ("2M", "2000000"), ("2m", "2000000"),
    ("1.5e6", "1500000"), ("1.5E6", "1500000"), ("2.5B", "2500000000"), ("0.5k", "500"),
    ("1,000,000", "1000000"), ("1_000_000", "1000000"), ("  42 ", "42"), ("2 M", "2000000"),
    ("0", "0"), ("1e15", "1000000000000000"), (".5k", "500"), ("3e-1k", "300"),
])
def test_human_quantities_parse_exactly(text: str, value: str) -> None:
    parsed = cost.parse_count(text)
    assert parsed == Decimal(value) and str(parsed) == value


@pytest.mark.parametrize("text", [
    "", "lots", "-5", "+5", "2MM", "1,00", "1.2.3", "nan", "inf", "infinity", "1e", "k",
    "0x10", "1e1000", "2 million", "½", "5%", "1" * 41,
])
def test_nonsense_quantities_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a number|more than"):
        cost.parse_count(text)


def test_fractional_counts_are_refused() -> None:
    with pytest.raises(ValueError, match=r"'1.2345k' is 1234.5, not a whole number of tokens"):
        cost.parse_count("1.2345k")
    with pytest.raises(ValueError, match="not a whole number"):  # no rounding to whole
        cost.parse_count("1.00000000000000000000000000001k")


@pytest.mark.parametrize(("text", "share"), [
    ("30%", Share(percent=Decimal(30))), ("12.5 %", Share(percent=Decimal("12.5"))),
    ("100%", Share(percent=Decimal(100))), ("0%", Share(percent=Decimal(0))),
    ("600k", Share(tokens=Decimal(600_000))),
])
def test_cached_input_shares(text: str, share: Share) -> None:
    assert cost.parse_share(text) == share


@pytest.mark.parametrize("text", ["150%", "-3%", "%", "abc", "0.3", "30 percent",
                                  "33.33333333333%", "1000%"])
def test_bad_cached_input_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        cost.parse_share(text)


@pytest.mark.parametrize(("args", "message"), [
    (["--input-tokens", "lots", "--output-tokens", "1"], "'lots' is not a number"),
    (["--input-tokens", "-5", "--output-tokens", "1"], "is not a number"),
    (["--input-tokens", "1.5", "--output-tokens", "1"], "not a whole number of tokens"),
    (["--input-tokens", "1", "--output-tokens", "nan"], "Invalid value for '--output-tokens'"),
    (["--input-tokens", "1", "--output-tokens", "1", "--calls", "2.5"],
     "not a whole number of calls"),
    (["--input-tokens", "2M", "--output-tokens", "1", "--cached-input", "150%"],
     "not a percentage from 0% to 100%"),
    (["--input-tokens", "2M", "--output-tokens", "1", "--cached-input", "3M"],
     "is more than the input tokens"),
    (["--input-tokens", "1e20", "--output-tokens", "1"], "check the number"),
    (["--output-tokens", "1"], "Missing option '--input-tokens'"),
    (["--input-tokens", "1", "--output-tokens", "1", "--top", "-1"], "--top"),
    (["--input-tokens", "1", "--output-tokens", "1", "--format", "xml"], "--format"),
])
def test_nonsense_on_the_command_line_exits_2(db: Path, args: list[str], message: str
                                              ) -> None:
    result = run_cli("cost", "--db", str(db), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_missing_database_exits_2(tmp_path: Path) -> None:
    result = run_cli("cost", "--db", str(tmp_path / "none.db"), *ARGS)
    assert result.exit_code == 2 and "does not exist" in result.output


# -- output -------------------------------------------------------------------------------


def test_json_output_validates_and_is_exact(db: Path) -> None:
    result = run_cli("cost", "--db", str(db), *ARGS, "--format", "json", "--top", "2")
    assert result.exit_code == 0, result.output
    jsonschema.validate(json.loads(result.output), cost.COST_SCHEMA,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    doc = simplejson.loads(result.output, use_decimal=True)
    assert doc["workload"] == {"input_tokens": 2_000_000, "cached_input_tokens": 600_000,
                               "output_tokens": 500_000, "calls": 1000}
    assert (doc["priced_count"], doc["unpriced_count"]) == (5, 4)
    assert [(r["rank"], r["url"], r["total_cost_usd"]) for r in doc["ranked"]] == [
        (1, E, 0), (2, A, Decimal("2.82"))]
    assert doc["ranked"][1]["cached_input_cost_usd"] == Decimal("0.06")
    assert [r["reason"] for r in doc["unpriced"]] == [
        "priced in EUR, not USD", "no output price", "priced per image only",
        "no price listed"]


def test_models_json_validates(db: Path) -> None:
    result = run_cli("cost", "--db", str(db), *ARGS, "--format", "json", "--models")
    doc = json.loads(result.output)
    jsonschema.validate(doc, cost.COST_SCHEMA)
    assert doc["rank_by"] == "model" and doc["ranked"][1]["offerings_priced"] == 3


def test_csv_output_round_trips(db: Path) -> None:
    result = run_cli("cost", "--db", str(db), *ARGS, "--format", "csv", "--top", "0")
    text = result.stdout_bytes.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == [*cost.columns(False), "unpriced_reason"]
    priced = [r for r in rows if r["rank"]]
    assert [(r["url"], Decimal(r["total_cost_usd"])) for r in priced] == [
        (E, 0), (A, Decimal("2.82")), (B, Decimal("3.6")), (D, Decimal("4.25")), (H, 5)]
    assert priced[2]["notes"] == "no cache-read price: input price used"
    lost = {r["url"]: r for r in rows if not r["rank"]}
    assert lost[X]["name"] == "'=HYPERLINK(\"http://x.example/\",\"click\")"  # neutralised
    assert lost[X]["unpriced_reason"] == "no output price" and lost[X]["total_cost_usd"] == ""


def test_table_output(db: Path) -> None:
    result = run_cli("cost", "--db", str(db), *ARGS, "--top", "3")
    assert result.exit_code == 0
    out = result.output
    assert ("Workload: 2,000,000 input tokens (600,000 cached), 500,000 output tokens, "
            "1,000 calls") in out
    lines = out.splitlines()
    [a_line] = [line for line in lines if "Alpha" in line and "acme/chat" in line]
    assert "$2.82" in a_line and "$1.26" in a_line and "$0.06" in a_line
    assert "5 offerings priced, cheapest 3 shown" in out
    assert "https://b.example" not in out and "Could not price 4 offerings:" in out
    assert "priced in EUR, not USD (1): acme/chat (Gamma)" in out
    assert "\x1b[" not in out, "no colour codes when not on a terminal"
    models = run_cli("cost", "--db", str(db), *ARGS, "--models").output
    [chat] = [line for line in models.splitlines() if "acme/chat" in line]
    assert "$2.82" in chat and "3 of 4" in chat
    assert "Could not price 2 models:" in models
    assert "no output price (1): evil/model" in models


# -- the demo catalog ---------------------------------------------------------------------


def expected_ranking(db_path: Path) -> list[tuple[Decimal, str, str]]:
    """Costs workload W on every paid, USD-only active offering of the demo database,
    straight from its tables, as (total, model_id, url) cheapest first:

        total = (input_tokens - cached) * input / 1M
              + cached * (cache_read or input) / 1M
              + output_tokens * output / 1M
              + calls * request
    """
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT o.id, o.model_id, o.url, p.component, p.amount, p.currency "
            "FROM offerings o JOIN prices p ON p.offering_id = o.id "
            "WHERE o.status = 'active' AND p.valid_to_run IS NULL "
            "AND p.min_prompt_tokens IS NULL").fetchall()  # base prices, not context tiers
    offers: dict[str, dict[str, Any]] = {}
    for oid, model_id, url, component, amount, currency in rows:
        o = offers.setdefault(oid, {"model_id": model_id, "url": url, "prices": {},
                                    "currencies": set()})
        o["prices"][component] = Decimal(amount)
        o["currencies"].add(currency)
    cached, uncached = Decimal(600_000), Decimal(1_400_000)
    out = []
    for o in offers.values():
        p = o["prices"]
        if o["currencies"] != {"USD"} or not any(v > 0 for v in p.values()):
            continue
        if "input" in p and "output" in p:
            total = (uncached * p["input"] + cached * p.get("cache_read", p["input"])
                     + 500_000 * p["output"]) / 1_000_000 + 1000 * p.get("request", 0)
        elif set(p) == {"request"}:
            total = 1000 * p["request"]
        else:
            continue
        out.append((total, o["model_id"], o["url"]))
    return sorted(out)


def test_cost_on_the_demo_catalog(crawled_mirror: CrawledMirror) -> None:
    result = run_cli("cost", "--db", str(crawled_mirror.db_path), *ARGS, "--paid",
                     "--format", "json", "--top", "0")
    assert result.exit_code == 0, result.output
    doc = simplejson.loads(result.output, use_decimal=True)
    expected = expected_ranking(crawled_mirror.db_path)
    ranked = [(r["total_cost_usd"], r["model_id"], r["url"]) for r in doc["ranked"]]
    assert ranked[0] == expected[0], "the top answer"
    assert ranked == expected
    assert doc["priced_count"] == len(expected)
    priced = {url for _, _, url in expected}
    assert not priced & {r["url"] for r in doc["unpriced"]}
    # By hand, the real seed page: $0.075 input and $0.20 output per 1M tokens, no
    # cache-read price: 2M x 0.075 / 1M + 0.5M x 0.20 / 1M = 0.15 + 0.10 = $0.25.
    [seed] = [r for r in doc["ranked"] if r["url"] == crawled_mirror.base + SEED_PATH]
    assert (seed["input_cost_usd"], seed["cached_input_cost_usd"], seed["output_cost_usd"],
            seed["total_cost_usd"]) == (Decimal("0.105"), Decimal("0.045"), Decimal("0.1"),
                                        Decimal("0.25"))
    table = run_cli("cost", "--db", str(crawled_mirror.db_path), *ARGS, "--paid", "--top", "1")
    [top] = [line for line in table.output.splitlines() if line.startswith("│ 1 │")]
    assert cost.usd(expected[0][0]) in top


def test_the_lean_read_matches_the_full_one(store: Store) -> None:
    keys = ["id", "model_id", "name", "author", "provider", "catalog", "url",
            "context_length", "modalities", "prices", "currency", "tier_prices"]
    assert store.offering_prices() == [{k: o[k] for k in keys} for o in store.offerings()]
