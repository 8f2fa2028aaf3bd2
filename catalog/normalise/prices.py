"""Price strings to exact amounts in the unit registry.

Every amount is a `Decimal`, never a float; token prices are converted to per 1M tokens
("$0.000075 / 1K tokens" is 0.075 per 1M), characters, images, requests and seconds to
per one. Currency is kept as found: a symbol becomes its ISO code where it names one
currency (`$` USD, `€` EUR, `£` GBP), a code stays a code, an ambiguous symbol (`¥`) stays
as written, and nothing is assumed when the text names none.

>>> parse_price("$0.000075 / 1K tokens")
ParsedPrice(amount=Decimal('0.075'), currency='USD', unit='per_1m_tokens', exact=True)
>>> parse_price("€0,10 / 1M Token").amount
Decimal('0.1')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, Inexact, InvalidOperation, localcontext

UNITS = ("per_1m_tokens", "per_request", "per_image", "per_second", "per_character")
"""The unit registry: every stored price is in one of these."""

UNKNOWN_UNIT = "unknown"
"""The unit of a price whose text names a unit outside the registry ("$2 / hour of GPU")."""

SYMBOLS = {
    "US$": "USD", "USD$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW",
    "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "HK$": "HKD", "S$": "SGD",
    "R$": "BRL", "CN¥": "CNY", "元": "CNY", "JP¥": "JPY",
    "¥": "¥",  # yen or yuan: kept as written, never guessed
}
CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "RMB", "INR", "CAD", "AUD", "CHF", "HKD", "SGD",
         "BRL", "KRW", "SEK", "NOK", "DKK", "PLN", "NZD", "MXN")
_CODE_ALIASES = {"RMB": "CNY"}

_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_CODE_RE = "|".join(CODES)
_CURRENCY = rf"(?:{_SYMBOL_RE}|\b(?:{_CODE_RE})\b)"
_NUMBER = (
    r"(?:[1-9]\d{0,2}(?:,\d{3})+(?![\d,])(?:\.\d+)?"  # 1,250.00 (comma thousands)
    r"|[1-9]\d{0,2}(?:\.\d{3})+,\d+"                  # 1.250,50 (European)
    r"|\d+,\d+"                                       # 0,10 (decimal comma)
    r"|\d*\.\d+(?:[eE][-+]?\d+)?"                     # 0.075, .5, 2.5e-6
    r"|\d+(?:[eE][-+]?\d+)?)"                         # 3, 25e-7
)
_MONEY = re.compile(
    rf"(?P<neg>-\s*)?(?P<cur1>{_CURRENCY})?\s*(?P<num>{_NUMBER})\s*(?P<cur2>{_CURRENCY})?",
    re.I)
_FREE = re.compile(r"^(?:free\b|no\s+(?:cost|charge)\b|gratis\b|\$?0(?:\.0+)?$)",
                   re.I)
_QUALIFIER = re.compile(r"\b(?:from|starting\s+(?:at|from)|starts\s+at|up\s+to|as\s+low\s+as|"
                        r"about|approx(?:\.|imately)?|around|average|avg)\b|[~≈<>≤≥]", re.I)
_RANGE = re.compile(r"^\s*(?:-|–|—|to)\s*" + rf"(?:{_CURRENCY})?\s*\d", re.I)

_SCALE_WORDS = {"k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mil": 10**6,
                "million": 10**6, "b": 10**9, "bn": 10**9, "billion": 10**9}
_UNIT_WORDS: list[tuple[str, str, int]] = [
    # (pattern, registry unit, seconds per unit for time units else 1)
    (r"mtoks?|mtokens?", "mtok", 1),
    (r"ktoks?|ktokens?", "ktok", 1),
    (r"tokens?|toks?|tkns?", "per_1m_tokens", 1),
    (r"characters?|chars?", "per_character", 1),
    (r"images?|imgs?|pictures?|photos?", "per_image", 1),
    (r"requests?|reqs?|calls?|generations?|runs?|queries|query|searches|search|"
     r"invocations?", "per_request", 1),
    (r"seconds?|secs?|s", "per_second", 1),
    (r"minutes?|mins?", "per_second", 60),
    (r"hours?|hrs?|h", "per_second", 3600),
]
_UNIT_ALT = "|".join(f"(?P<u{i}>{p})" for i, (p, _, _) in enumerate(_UNIT_WORDS))
_WHAT = (r"(?P<what>input|output|prompt|completion|cached(?:\s+input)?|cache\s+(?:read|write|hit|"
         r"miss)|reasoning|thinking|generated|text|audio(?=\s+tok)|image(?=\s+tok))")
_PER = re.compile(
    r"^(?P<sep>/|per\b|for\s+(?:each|every)\b|for\b|each\b|every\b|a\b|an\b)?\s*"
    r"(?:(?P<scale_num>\d[\d,]*(?:\.\d+)?)\s*)?"
    r"(?P<scale_word>thousand|million|billion|mil|mn|bn|k|m|b)?\s*"
    + _WHAT + r"?\s*(?:" + _UNIT_ALT + r")?\b", re.I)
_HINTS = {"input": "input", "prompt": "input", "output": "output",
          "completion": "output", "generated": "output", "cached": "cache_read",
          "cached input": "cache_read", "cache read": "cache_read", "cache hit": "cache_read",
          "cache write": "cache_write", "cache miss": "input", "reasoning": "reasoning",
          "thinking": "reasoning"}


@dataclass(frozen=True)
class ParsedPrice:
    """An amount of `currency` per `unit` (one of `UNITS`, `UNKNOWN_UNIT`, or None).

    `exact` is False for a bound or an estimate ("from $0.10", "~$2", "$1 - $3");
    `hint` names the component the text itself states ("per 1M *input* tokens").
    """

    amount: Decimal
    currency: str | None
    unit: str | None
    exact: bool = True
    hint: str | None = field(default=None, compare=False, repr=False)


def parse_price(text: str) -> ParsedPrice | None:
    """Returns the price a string states, or None when it states none.

    "Free" is amount 0 with no unit (the caller knows the component); a number with no
    unit keeps `unit=None`, and the caller decides whether the context supplies one; a
    unit outside the registry is `UNKNOWN_UNIT`. A negative amount is not a price.

    >>> parse_price("0.075 USD/Mtok")
    ParsedPrice(amount=Decimal('0.075'), currency='USD', unit='per_1m_tokens', exact=True)
    >>> parse_price("Free")
    ParsedPrice(amount=Decimal('0'), currency=None, unit=None, exact=True)
    """
    text = " ".join(str(text).split())
    if not text or len(text) > 300:
        return None
    if _FREE.match(text):
        cur = _find_currency(text)
        return ParsedPrice(Decimal(0), cur, None)
    m = _first_money(text)
    if m is None or m["neg"]:
        return None
    amount = _number(m["num"])
    if amount is None:
        return None
    currency = _currency(m["cur1"] or m["cur2"])
    before, rest = text[:m.start()], text[m.end():].strip()
    exact = not _QUALIFIER.search(before) and not _RANGE.match(rest)
    if _RANGE.match(rest):
        rest = re.sub(r"^.*?\d[\d.,]*\s*" + rf"(?:{_CURRENCY})?", "", rest, count=1,
                      flags=re.I).strip()
    amount, unit, hint = _per(amount, rest)
    return ParsedPrice(plain_decimal(amount), currency, unit, exact, hint)


def _first_money(text: str) -> re.Match[str] | None:
    """The first amount with a currency; else a bare number the text starts with."""
    first: re.Match[str] | None = None
    for m in _MONEY.finditer(text):
        if m["cur1"] or m["cur2"]:
            return m
        first = first or m
    if first is not None and not text[:first.start()].strip(" :(\t"):
        return first
    return None


def _find_currency(text: str) -> str | None:
    m = re.search(_CURRENCY, text, re.I)
    return _currency(m.group(0)) if m else None


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    if token in SYMBOLS:
        return SYMBOLS[token]
    up = token.upper()
    return _CODE_ALIASES.get(up, SYMBOLS.get(up, up))


def _number(text: str) -> Decimal | None:
    if "," in text and "." in text and text.index(".") < text.index(","):
        text = text.replace(".", "").replace(",", ".")  # 1.250,50
    elif re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")  # 1,250.00
    else:
        text = text.replace(",", ".")  # 0,10
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _per(amount: Decimal, rest: str) -> tuple[Decimal, str | None, str | None]:
    """Returns (amount in its registry unit, unit, component hint) for the text after a number."""
    m = _PER.match(rest)
    if m is None or not m.group(0).strip():
        return amount, (UNKNOWN_UNIT if rest.startswith("/") else None), None
    hint = _HINTS.get(" ".join((m["what"] or "").lower().split()))
    unit_index = next((i for i in range(len(_UNIT_WORDS)) if m[f"u{i}"]), None)
    scale = _scale(m["scale_num"], m["scale_word"])
    if scale is None:
        return amount, UNKNOWN_UNIT, hint
    if unit_index is None:
        if m["scale_word"] or scale >= 1000:
            unit_index = 2  # "/ 1M", "per million": tokens, by convention
        elif m["sep"] and rest[m.end():].strip():
            return amount, UNKNOWN_UNIT, hint  # "/ hour of GPU": a unit outside the registry
        elif m["sep"] and not m["what"]:
            return amount, UNKNOWN_UNIT, hint
        else:
            return amount, None, hint  # "(input)", "input": no unit stated
    _, unit, seconds = _UNIT_WORDS[unit_index]
    if unit == "mtok":
        unit, scale = "per_1m_tokens", scale * 10**6
    elif unit == "ktok":
        unit, scale = "per_1m_tokens", scale * 10**3
    if unit == "per_1m_tokens":
        return _exact_div(amount * 10**6, scale) or amount, unit, hint
    converted = _exact_div(amount, scale * seconds)
    if converted is None:
        # a per-minute price with no exact per-second form: kept as written, not rounded
        return amount / scale, "per_minute" if seconds == 60 else "per_hour", hint
    return converted, unit, hint


def _scale(num: str | None, word: str | None) -> Decimal | None:
    value = Decimal(1)
    if num:
        try:
            value = Decimal(num.replace(",", ""))
        except InvalidOperation:
            return None
    if word:
        value *= _SCALE_WORDS[word.lower()]
    return value if value > 0 else None


def _exact_div(a: Decimal, b: Decimal | int) -> Decimal | None:
    """Returns a / b when it has an exact decimal form, else None."""
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        try:
            return a / b
        except Inexact:
            return None


def plain_decimal(d: Decimal) -> Decimal:
    """Returns `d` without trailing zeros or exponent noise (0.07500 -> 0.075, 1E+1 -> 10)."""
    n = d.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral() else n


def decimal_text(amount: Decimal, grouping: bool = True) -> str:
    """Returns `amount` exactly, with at least two decimals ("0.075", "0.20", "1,500.00")."""
    text = format(amount.normalize(), ",f" if grouping else "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def format_price(amount: Decimal, currency: str | None = "USD") -> str:
    """Returns a price as a page would write it: "$0.075", "$0.20", "2.50 EUR"."""
    text = decimal_text(amount, grouping=False)
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "", "")
    return f"{symbol}{text}" if symbol else f"{text} {currency or ''}".strip()
