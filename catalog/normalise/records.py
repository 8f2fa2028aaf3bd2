"""Strict records: what the catalog means, ready to store.

`extra='forbid'` everywhere and `Decimal` amounts: a typo in a field name or a
float sneaking into a price is an error here, not a silent wrong number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from catalog.normalise.dates import RELEASE_DATE_PATTERN

Component = Literal[
    "input", "output", "cache_read", "cache_write", "reasoning",
    "request", "image", "second", "character",
]
"""What a price component charges for. Token components are per 1M tokens."""

UNIT_OF: dict[str, str] = {
    "input": "per_1m_tokens",
    "output": "per_1m_tokens",
    "cache_read": "per_1m_tokens",
    "cache_write": "per_1m_tokens",
    "reasoning": "per_1m_tokens",
    "request": "per_request",
    "image": "per_image",
    "second": "per_second",
    "character": "per_character",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Price(_Strict):
    """One price component: `amount` of `currency` per `unit`."""

    component: Component
    unit: str
    amount: Decimal
    currency: str
    min_prompt_tokens: int | None = None
    """Set on a context tier: the price applies to requests whose prompt has at least this
    many tokens. Tier prices are kept on `Offering.tier_prices`, apart from the base prices."""


class Offering(_Strict):
    """A model as listed by one catalog and served by one provider."""

    url: str
    catalog: str
    provider: str
    source_model_id: str
    model_id: str
    name: str
    author: str | None = None
    description: str | None = None
    md_url: str | None = None
    llms_url: str | None = None
    date_added: dt.date | None = None
    release_date: str | None = Field(default=None, pattern=RELEASE_DATE_PATTERN)
    """ISO 8601 to the precision the source states: a day ("2024-05-13") or a month
    ("2024-05"). Unlike `date_added`, which is always a day."""
    context_length: int | None = None
    modalities: tuple[str, ...] = ()
    prices: tuple[Price, ...] = ()
    tier_prices: tuple[Price, ...] = ()
    related_urls: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(default=(), description="URLs the facts came from")


class Finding(_Strict):
    """A data-quality note: something odd, missing or contradictory, with where and why."""

    url: str
    field: str
    kind: str
    detail: str
    offering_url: str | None = None
