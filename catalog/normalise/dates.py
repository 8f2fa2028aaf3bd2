"""Date strings to `datetime.date`, refusing to guess.

Accepted: ISO dates and timestamps ("2026-02-20", "2026-02-20T10:53:31Z", "2026/02/20"),
month names in any order ("February 20, 2026", "Feb 3, 2026", "20 Feb 2026",
"3rd of Sept. 2026", "Fri, 20 Feb 2026"), and numeric day/month dates whose order is
certain ("25/12/2026"). Refused with a reason: numeric dates that read differently in the
US and elsewhere ("03/04/2026"), dates without a day or a year ("June 2025"), and text
that is not a date.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_MONTH_WORD = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\b|$)", re.I)


class AmbiguousDate(ValueError):
    """A numeric date like 03/04/2026 that reads differently in the US and elsewhere."""


class ImpreciseDate(ValueError):
    """A date without a day or a year ("June 2025"): a day would be a guess."""


def parse_date(text: str) -> dt.date:
    """Returns the date `text` names ("February 20, 2026", "2026-02-20", "20 Feb 2026").

    Raises `AmbiguousDate` for day/month orders that cannot be told apart, `ImpreciseDate`
    for a month without a day (or a day without a year), and ValueError for text that is
    not a date.

    >>> parse_date("Feb 3, 2026")
    datetime.date(2026, 2, 3)
    """
    text = " ".join(str(text).split()).strip().rstrip(".")
    if not text:
        raise ValueError("empty date")
    if len(text) > 64:
        raise ValueError(f"not a date: {text[:64]!r}...")
    m = _ISO.match(text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _NUMERIC.match(text)
    if m:
        a, b = int(m[1]), int(m[2])
        if a <= 12 and b <= 12 and a != b:
            raise AmbiguousDate(f"{text!r} could be day-month or month-day")
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        month, day = (a, b) if (a <= 12 and b > 12) or a == b else (b, a)
        return dt.date(year, month, day)
    if not _MONTH_WORD.search(text):
        raise ValueError(f"not a date: {text!r}")
    return _named_month(text)


def _named_month(text: str) -> dt.date:
    """A date with a month name; parsed twice with different defaults to see what is missing."""
    cleaned = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", text, flags=re.I)
    cleaned = re.sub(r"\bof\b", " ", cleaned, flags=re.I)
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.I)
    try:
        first = dateparser.parse(cleaned, default=dt.datetime(1904, 1, 1), fuzzy=False)
        second = dateparser.parse(cleaned, default=dt.datetime(1908, 2, 2), fuzzy=False)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a date: {text!r}") from exc
    if first.year != second.year:
        raise ImpreciseDate(f"{text!r} names no year")
    if first.day != second.day:
        raise ImpreciseDate(f"{text!r} names no day")
    return first.date()

