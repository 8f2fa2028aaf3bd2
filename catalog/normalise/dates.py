"""Date strings to `datetime.date`, refusing to guess.

Accepted: ISO dates and timestamps ("2026-02-20", "2026-02-20T10:53:31Z", "2026/02/20"),
month names in any order ("February 20, 2026", "Feb 3, 2026", "20 Feb 2026",
"3rd of Sept. 2026", "Fri, 20 Feb 2026"), and numeric day/month dates whose order is
certain ("25/12/2026"). Refused with a reason: numeric dates that read differently in the
US and elsewhere ("03/04/2026"), dates without a day or a year ("June 2025"), and text
that is not a date.

A release date may be known only to the month: `parse_release_date` keeps that precision,
returning ISO 8601 text of either a day ("2024-05-13") or a month ("2024-05", from
"2024-05", "2024/5", "05/2024", "May 2024"); it never invents a day. `month_label` shows
either form to people ("May 2024", "2024-05-13").
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
#: A release date as stored: a day or a month, ISO 8601.
RELEASE_DATE_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_MONTH_WORD = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\b|$)", re.I)


class AmbiguousDate(ValueError):
    """A numeric date like 03/04/2026 that reads differently in the US and elsewhere."""


class ImpreciseDate(ValueError):
    """A date without a day or a year ("June 2025"): a day would be a guess."""


class _NoDay(ImpreciseDate):
    """A month name with a year and no day: the `year` and `month` it does name."""

    def __init__(self, message: str, year: int, month: int) -> None:
        super().__init__(message)
        self.year, self.month = year, month


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
        raise _NoDay(f"{text!r} names no day", first.year, first.month)
    return first.date()



def parse_release_date(text: str) -> str:
    """Returns the release date `text` names as ISO 8601 text, to the precision it states:
    a day ("2024-05-13") or a month ("2024-05").

    Raises like `parse_date` for ambiguous day/month orders, for dates without a year (or
    with a day but no month) and for text that is not a date.

    >>> parse_release_date("2024-05"), parse_release_date("May 2024")
    ('2024-05', '2024-05')
    >>> parse_release_date("May 13, 2024")
    '2024-05-13'
    """
    try:
        return parse_date(text).isoformat()
    except AmbiguousDate:
        raise
    except ValueError as exc:
        month = _month_only(" ".join(str(text).split()).strip().rstrip("."))
        if month is None:
            raise exc from None
        return month


def _month_only(text: str) -> str | None:
    """Returns "YYYY-MM" for a month with a year and no day ("2024-05", "05/2024",
    "May 2024", "Sept. 2024"), else None."""
    m = _ISO_MONTH.match(text) or _MONTH_YEAR.match(text)
    if m:
        year, month = (int(m[1]), int(m[2])) if len(m[1]) == 4 else (int(m[2]), int(m[1]))
        if not 1 <= month <= 12 or year < 1:
            return None
        return f"{year:04d}-{month:02d}"
    try:
        parse_date(text)
    except _NoDay as exc:  # a month name and a year, and no day
        return f"{exc.year:04d}-{exc.month:02d}"
    except ValueError:
        return None
    return None


def month_label(iso: str | None, empty: str = "") -> str:
    """Returns a release date for people: "May 2024" for a month, the ISO day unchanged.

    >>> month_label("2024-05"), month_label("2024-05-13")
    ('May 2024', '2024-05-13')
    """
    if not iso:
        return empty
    m = _ISO_MONTH.match(iso)
    if m and 1 <= int(m[2]) <= 12:
        return f"{_MONTH_NAMES[int(m[2]) - 1]} {int(m[1])}"
    return iso
