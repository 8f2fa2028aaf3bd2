"""Price strings to exact amounts in the unit registry.

Every amount is a `Decimal`; token prices are converted to per 1M tokens. Currency is
kept as found (a symbol becomes its ISO code; nothing is assumed when none is given).

>>> parse_price("$0.000075 / 1K tokens")
ParsedPrice(amount=Decimal('0.075'), currency='USD', unit='per_1m_tokens')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
CODES = {"USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF"}

_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
_CUR_BEFORE = r"(?P<cur1>US\$|[$€£¥₹]|USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF)?\s*"
_CUR_AFTER = r"\s*(?P<cur2>USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF|[$€£¥₹])?"
_PRICE_RE = re.compile(_CUR_BEFORE + _NUMBER + _CUR_AFTER + r"\s*(?P<rest>.*)$", re.I | re.S)

# (pattern on the text after the number, unit, multiplier to reach the unit)
_UNITS: list[tuple[re.Pattern[str], str, Decimal]] = [
    (re.compile(p, re.I), unit, Decimal(mult)) for p, unit, mult in [
        (r"^(?:/|per)\s*(?:1\s*)?(?:m|mtok|mtoks|million|1,000,000|1000000)\b"
         r"(?:\s*(?:input|output)?\s*tokens?)?", "per_1m_tokens", "1"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:k|ktok|thousand|1,000|1000)\b(?:\s*tokens?)?",
         "per_1m_tokens", "1000"),
        (r"^(?:/|per)\s*(?:1\s*)?tokens?\b", "per_1m_tokens", "1000000"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:m|million)\s*char(?:acter)?s?\b", "per_character",
         "0.000001"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:k|thousand)\s*char(?:acter)?s?\b", "per_character", "0.001"),
        (r"^(?:/|per)\s*(?:1\s*)?char(?:acter)?s?\b", "per_character", "1"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:image|img|picture)s?\b", "per_image", "1"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:call|request|req|generation|run)s?\b", "per_request", "1"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:second|sec|s)\b", "per_second", "1"),
        (r"^(?:/|per)\s*(?:1\s*)?(?:minute|min)\b", "per_second", str(Decimal(1) / 60)),
    ]
]

FREE_WORDS = {"free", "free!", "$0", "0", "no cost"}


@dataclass(frozen=True)
class ParsedPrice:
    """An amount of `currency` per `unit` (a unit of `catalog.normalise.records.UNIT_OF`)."""

    amount: Decimal
    currency: str | None
    unit: str | None


def parse_price(text: str) -> ParsedPrice | None:
    """Returns the price a string states, or None when it states none.

    "Free" is amount 0 with no unit (the caller knows the component); a number with no
    unit keeps `unit=None`, and the caller decides whether the context supplies one.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if text.lower() in FREE_WORDS:
        return ParsedPrice(Decimal(0), None, None)
    m = _PRICE_RE.search(text)
    if m is None:
        return None
    try:
        amount = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:
        return None
    cur = m["cur1"] or m["cur2"]
    currency = SYMBOLS.get(cur, cur.upper()) if cur else None
    rest = m["rest"].strip()
    for pattern, unit, mult in _UNITS:
        if pattern.match(rest):
            return ParsedPrice(_clean(amount * mult), currency, unit)
    if re.match(r"^(?:/|per)\s*(?:mtok|m)\b", rest, re.I):
        return ParsedPrice(_clean(amount), currency, "per_1m_tokens")
    return ParsedPrice(_clean(amount), currency, None)


def _clean(d: Decimal) -> Decimal:
    """Returns `d` without trailing zeros or exponent noise (0.07500 -> 0.075, 1E+1 -> 10)."""
    n = d.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral() else n


def format_price(amount: Decimal, currency: str | None = "USD") -> str:
    """Returns a display string such as "$0.075" or "$0.20" (at least two decimals)."""
    text = format(_clean(amount), "f")
    if "." not in text:
        text += ".00"
    elif len(text.split(".")[1]) == 1:
        text += "0"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "", "")
    return f"{symbol}{text}" if symbol else f"{text} {currency or ''}".strip()
