"""Lenient records: what a page *says*, before any interpretation.

Every field is optional text (or a list of text) so that an extractor can record
what it found without deciding what it means; `catalog.normalise` turns these
into strict records and findings.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class RawPrice(_Lenient):
    """One price as written: `label` names what it prices ("Input", "Output", "call")."""

    label: str
    text: str
    min_prompt_tokens: int | None = None  # a context tier: applies from this prompt size up


class RawLink(_Lenient):
    """A link to another model page, with the text and provider label shown beside it."""

    url: str
    title: str | None = None
    provider_label: str | None = None


class RawOffering(_Lenient):
    """One model offering as a page states it. `url` is the page the record came from."""

    url: str
    source_format: str
    page_url: str | None = None  # the HTML model page this record describes (for .md twins)
    catalog: str | None = None
    provider: str | None = None
    source_model_id: str | None = None
    name: str | None = None
    author: str | None = None
    description: str | None = None
    prices: list[RawPrice] = Field(default_factory=list)
    date_added: str | None = None
    release_date: str | None = None
    context_length: str | None = None
    modalities: list[str] = Field(default_factory=list)
    md_url: str | None = None
    llms_url: str | None = None
    related: list[RawLink] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    endpoints: list[str] = Field(default_factory=list)
    methods: dict[str, str] = Field(default_factory=dict)
    """How each field was read, where an extractor has more than one way ("jsonld", "dl")."""


class RawFinding(_Lenient):
    """Something an extractor could not read, with the page URL and why."""

    url: str
    field: str
    kind: str
    detail: str


class Extracted(_Lenient):
    """What one page yields: offerings, links to crawl next, and findings."""

    offerings: list[RawOffering] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    findings: list[RawFinding] = Field(default_factory=list)
