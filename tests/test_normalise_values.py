"""Price and date strings to exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.normalise.dates import (
    AmbiguousDate,
    ImpreciseDate,
    month_label,
    parse_date,
    parse_release_date,
)
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


# -- every realistic price form ----------------------------------------------------------


@pytest.mark.parametrize(("text", "amount", "currency", "unit"), [
    ("€0,10 / 1M Token", "0.1", "EUR", "per_1m_tokens"),
    ("1.250,50 € / 1M tokens", "1250.5", "EUR", "per_1m_tokens"),
    ("$3 per 1M input tokens", "3", "USD", "per_1m_tokens"),
    ("$0.15/M", "0.15", "USD", "per_1m_tokens"),
    ("$1.25/MTok", "1.25", "USD", "per_1m_tokens"),
    ("USD 0.10 per 1M tokens", "0.1", "USD", "per_1m_tokens"),
    ("2.5e-7 USD / token", "0.25", "USD", "per_1m_tokens"),
    ("$0.50 / 1K characters", "0.0005", "USD", "per_character"),
    ("$10 per 1,000 images", "0.01", "USD", "per_image"),
    ("$0.006 / minute", "0.0001", "USD", "per_second"),
    ("$0.01 / minute", "0.01", "USD", "per_minute"),  # no exact per-second form: kept
    ("$2 / hour of GPU", "2", "USD", "per_hour"),
    ("$0.03 per generation", "0.03", "USD", "per_request"),
    ("¥2 / 1M tokens", "2", "¥", "per_1m_tokens"),  # yen or yuan: kept as written
    ("CA$0.40 / 1M tokens", "0.4", "CAD", "per_1m_tokens"),
    ("$0.00 / 1M tokens", "0", "USD", "per_1m_tokens"),
    ("free (rate limited)", "0", None, None),
])
def test_parse_more_price_forms(text: str, amount: str, currency: str | None,
                                unit: str | None) -> None:
    assert parse_price(text) == ParsedPrice(Decimal(amount), currency, unit)


@pytest.mark.parametrize("text", ["-1", "$-1", "Input 0.5", "Varies", "Dynamic"])
def test_not_prices(text: str) -> None:
    assert parse_price(text) is None


@pytest.mark.parametrize("text", ["From $0.10 / 1M tokens", "$0.10 - $0.20 / 1M tokens",
                                  "Starting at $2.50/M input tokens", "~$3 / 1M tokens"])
def test_bounds_and_ranges_are_not_exact(text: str) -> None:
    parsed = parse_price(text)
    assert parsed is not None and not parsed.exact


def test_hint_names_the_component() -> None:
    assert [parse_price(t).hint for t in (  # type: ignore[union-attr]
        "$3 per 1M input tokens", "$15 / million output tokens",
        "£0.40 per 1M cached input tokens", "$1 / 1M tokens")] == [
        "input", "output", "cache_read", None]


_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}
# (format, what one unit of the format is in the registry unit); amounts in registry units
_TOKEN_FORMS = [
    ("{s}{a} / 1M tokens", 1), ("{s}{a} per million tokens", 1), ("{s}{a}/M", 1),
    ("{a} {c}/Mtok", 1), ("{c} {a} per 1M input tokens", 1), ("{s}{a} / 1 million tokens", 1),
    ("{s}{a} / 1K tokens", 1000), ("{s}{a} per 1,000 tokens", 1000), ("{a} {c}/Ktok", 1000),
    ("{s}{a} / token", 10**6), ("{s}{a} per token", 10**6), ("{a} {c} / token", 10**6),
]
_UNIT_FORMS = [
    ("{s}{a} / image", "per_image", 1), ("{s}{a} per image", "per_image", 1),
    ("{s}{a} per 1,000 images", "per_image", Decimal("0.001")),
    ("{s}{a} / call", "per_request", 1), ("{s}{a} per request", "per_request", 1),
    ("{s}{a} / second", "per_second", 1), ("{s}{a}/s", "per_second", 1),
    ("{s}{a} / character", "per_character", 1),
    ("{s}{a} per 1M characters", "per_character", Decimal("0.000001")),
]


@given(_amounts, st.sampled_from(["USD", "EUR", "GBP"]), st.sampled_from(_TOKEN_FORMS))
def test_token_price_forms_round_trip(amount: Decimal, currency: str,
                                      form: tuple[str, int]) -> None:
    """A per-1M price shown in any supported form parses back to the same Decimal and unit."""
    pattern, divisor = form
    shown = format(amount / divisor, "f")
    text = pattern.format(s=_SYMBOL[currency], a=shown, c=currency)
    parsed = parse_price(text)
    assert parsed == ParsedPrice(amount.normalize(), currency, "per_1m_tokens"), text


@given(_amounts, st.sampled_from(["USD", "EUR"]), st.sampled_from(_UNIT_FORMS))
def test_other_unit_forms_round_trip(amount: Decimal, currency: str,
                                     form: tuple[str, str, Decimal]) -> None:
    pattern, unit, per_registry_unit = form
    shown = format(amount / Decimal(per_registry_unit), "f")
    parsed = parse_price(pattern.format(s=_SYMBOL[currency], a=shown, c=currency))
    assert parsed is not None
    assert (parsed.amount, parsed.currency, parsed.unit) == (amount.normalize(), currency, unit)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
def test_decimal_comma_and_thousands_round_trip(amount: Decimal) -> None:
    english = f"${amount:,.2f} / 1M tokens"
    european = "€" + f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert parse_price(english).amount == amount  # type: ignore[union-attr]
    assert parse_price(european + " / 1M tokens").amount == amount  # type: ignore[union-attr]


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Sept 3, 2026", dt.date(2026, 9, 3)),
    ("3rd of February 2026", dt.date(2026, 2, 3)),
    ("February 3rd, 2026", dt.date(2026, 2, 3)),
    ("Fri, 20 Feb 2026", dt.date(2026, 2, 20)),
    ("20-Feb-2026", dt.date(2026, 2, 20)),
    ("Feb. 3, 2026", dt.date(2026, 2, 3)),
    ("2026/02/20", dt.date(2026, 2, 20)),
    ("12/12/2026", dt.date(2026, 12, 12)),
])
def test_parse_more_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["June 2025", "February 20", "May"])
def test_dates_without_a_day_or_year_are_refused(text: str) -> None:
    with pytest.raises(ImpreciseDate):
        parse_date(text)


@given(st.integers(1, 12), st.integers(1, 12), st.integers(2000, 2099))
def test_numeric_dates_are_never_guessed(a: int, b: int, year: int) -> None:
    text = f"{a:02d}/{b:02d}/{year}"
    if a == b:
        assert parse_date(text) == dt.date(year, a, b)
    else:
        with pytest.raises(AmbiguousDate):
            parse_date(text)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["%B %d, %Y", "%b %d, %Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y",
                        "%a, %d %b %Y", "%Y/%m/%d", "%b. %d, %Y", "%d-%b-%Y"]))
def test_more_date_forms_round_trip(day: dt.date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt)) == day


# -- release dates: a day or a month ------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05", "2024-05"),
    ("2024/5", "2024-05"),
    ("05/2024", "2024-05"),
    ("May 2024", "2024-05"),
    ("may 2024", "2024-05"),
    ("Sept. 2024", "2024-09"),
    ("2024 December", "2024-12"),
    ("2024-05-13", "2024-05-13"),
    ("May 13, 2024", "2024-05-13"),
])
def test_parse_release_date(text: str, expected: str) -> None:
    assert parse_release_date(text) == expected


@pytest.mark.parametrize(("text", "error"), [
    ("May", ImpreciseDate), ("13 May", ImpreciseDate), ("03/04/2026", AmbiguousDate),
    ("2024", ValueError), ("2024-13", ValueError), ("00/2024", ValueError),
    ("soon", ValueError), ("", ValueError),
])
def test_release_dates_that_are_refused(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_release_date(text)


def test_a_month_is_still_not_a_day() -> None:
    """`parse_date` (date_added) keeps refusing a month: only release dates keep months."""
    for text in ("2024-05", "May 2024"):
        with pytest.raises(ValueError):
            parse_date(text)


_MONTHS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


@given(_MONTHS, st.sampled_from(["%Y-%m", "%Y/%m", "%m/%Y", "%B %Y", "%b %Y", "%b. %Y",
                                 "%Y %B"]))
def test_month_forms_round_trip(day: dt.date, fmt: str) -> None:
    """Every month-only form parses to YYYY-MM and shows as "Month YYYY"; no day appears."""
    iso = parse_release_date(day.strftime(fmt))
    assert iso == f"{day.year:04d}-{day.month:02d}"
    assert month_label(iso) == day.strftime("%B %Y").replace(" 0", " ")


@given(_MONTHS, st.sampled_from(["%Y-%m-%d", "%B %d, %Y", "%d %b %Y"]))
def test_release_days_keep_their_day(day: dt.date, fmt: str) -> None:
    iso = parse_release_date(day.strftime(fmt))
    assert iso == day.isoformat() and month_label(iso) == iso


def test_month_label() -> None:
    assert [month_label(x) for x in ("2024-05", "2024-12-01", None)] == [
        "May 2024", "2024-12-01", ""]
    assert month_label(None, "—") == "—"
