"""Price and date strings to exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.normalise.dates import AmbiguousDate, parse_date
from catalog.normalise.ids import canonical_model_id
from catalog.normalise.prices import ParsedPrice, format_price, parse_price


@pytest.mark.parametrize(("text", "amount", "currency", "unit"), [
    ("$0.075 / 1M tokens", "0.075", "USD", "per_1m_tokens"),
    ("$0.000075 / 1K tokens", "0.075", "USD", "per_1m_tokens"),
    ("$0.30 per million tokens", "0.3", "USD", "per_1m_tokens"),
    ("0.075 USD/Mtok", "0.075", "USD", "per_1m_tokens"),
    ("$0.0000002 / token", "0.2", "USD", "per_1m_tokens"),
    ("$0.04 / image", "0.04", "USD", "per_image"),
    ("$0.002 / second", "0.002", "USD", "per_second"),
    ("$0.005 / call", "0.005", "USD", "per_request"),
    ("€0.10 / 1M tokens", "0.1", "EUR", "per_1m_tokens"),
    ("$1,250.00 / 1M tokens", "1250", "USD", "per_1m_tokens"),
    ("$0.20", "0.2", "USD", None),
    ("Free", "0", None, None),
])
def test_parse_price(text: str, amount: str, currency: str | None, unit: str | None) -> None:
    assert parse_price(text) == ParsedPrice(Decimal(amount), currency, unit)


@pytest.mark.parametrize("text", ["", "Contact sales", "N/A", "—"])
def test_parse_price_none(text: str) -> None:
    assert parse_price(text) is None


_amounts = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("10000"), places=6,
                       allow_nan=False, allow_infinity=False)


@given(_amounts, st.sampled_from(["$", "€"]),
       st.sampled_from(["/ 1M tokens", "per million tokens", "/ 1K tokens", "/ token"]))
def test_token_price_round_trip(amount: Decimal, symbol: str, unit: str) -> None:
    """Formatting a per-1M price in any supported form and parsing it back is exact."""
    divisor = {"/ 1K tokens": Decimal(1000), "/ token": Decimal(1_000_000)}.get(unit, Decimal(1))
    shown = format(amount / divisor, "f")
    parsed = parse_price(f"{symbol}{shown} {unit}")
    assert parsed is not None
    assert parsed.amount == amount
    assert parsed.unit == "per_1m_tokens"
    assert parsed.currency == {"$": "USD", "€": "EUR"}[symbol]


@given(_amounts)
def test_format_price_round_trip(amount: Decimal) -> None:
    parsed = parse_price(format_price(amount) + " / image")
    assert parsed is not None and parsed.amount == amount and parsed.unit == "per_image"


@pytest.mark.parametrize(("text", "expected"), [
    ("February 20, 2026", dt.date(2026, 2, 20)),
    ("Feb 3, 2026", dt.date(2026, 2, 3)),
    ("2026-02-20", dt.date(2026, 2, 20)),
    ("20 Feb 2026", dt.date(2026, 2, 20)),
    ("2026-02-20T10:53:31Z", dt.date(2026, 2, 20)),
    ("25/12/2026", dt.date(2026, 12, 25)),
])
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_ambiguous_date_is_refused() -> None:
    with pytest.raises(AmbiguousDate):
        parse_date("03/04/2026")


@pytest.mark.parametrize("text", ["", "soon", "February", "99/99/2026"])
def test_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["%B %d, %Y", "%b %d, %Y", "%Y-%m-%d", "%d %b %Y"]))
def test_date_round_trip(day: dt.date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt)) == day


@pytest.mark.parametrize(("source", "author", "expected"), [
    ("mistralai-mistral-small-3.2-24b-instruct", "mistralai",
     "mistralai/mistral-small-3.2-24b-instruct"),
    ("mistralai/mistral-small-3.2-24b-instruct", None, "mistralai/mistral-small-3.2-24b-instruct"),
    ("gpt-5.4-mini", "openai", "openai/gpt-5.4-mini"),
    ("gpt-5.4", None, "gpt-5.4"),
])
def test_canonical_model_id(source: str, author: str | None, expected: str) -> None:
    assert canonical_model_id(source, author) == expected
