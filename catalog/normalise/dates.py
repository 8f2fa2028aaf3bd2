"""Date strings to `datetime.date`, refusing to guess ambiguous numeric forms."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")


class AmbiguousDate(ValueError):
    """A numeric date like 03/04/2026 that reads differently in the US and elsewhere."""


def parse_date(text: str) -> dt.date:
    """Returns the date `text` names ("February 20, 2026", "2026-02-20", "20 Feb 2026").

    Raises `AmbiguousDate` for day/month orders that cannot be told apart, and ValueError
    for text that is not a date.
    """
    text = " ".join(text.split()).strip().rstrip(".")
    if not text:
        raise ValueError("empty date")
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
    if not re.search(r"[A-Za-z]{3}", text) or not re.search(r"\d{4}", text):
        raise ValueError(f"not a date: {text!r}")
    default = dt.datetime(1900, 1, 1)
    parsed = dateparser.parse(text, default=default, fuzzy=False)
    return parsed.date()
