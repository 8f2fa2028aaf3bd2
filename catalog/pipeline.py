"""Stored pages to catalog tables: extract, normalise and store one crawl run.

This runs with no network: `catalog crawl` calls it after fetching, and it can be run
again over the stored pages of any run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from catalog.crawl.extracted import PageExtractions
from catalog.normalise.identity import ListedOffering, resolve_models
from catalog.normalise.offerings import (
    finding_of,
    note_model,
    page_key,
    page_offering,
    price_moves,
)
from catalog.normalise.records import Finding, Offering
from catalog.normalise.related import RelatedPages
from catalog.store import Spool, Store


@dataclass
class IngestSummary:
    """Counts of what one ingest produced and changed."""

    pages: int
    offerings: int
    models: int
    findings: int
    new: int
    changed: int
    unchanged: int
    removed: int
    extracted: int = 0  # pages extracted anew; the others' records came from the store


def ingest_run(store: Store, run_id: int, complete: bool) -> IngestSummary:
    """Returns the counts of extracting, normalising and storing the pages of `run_id`.

    With `complete` (every page of the crawl was reached), offerings not seen in this run
    are marked removed.

    The steps are those of `normalise`, over a catalog of any size: what a page says, and
    then each offering, goes to a `Spool` on disk rather than staying in memory; only what
    resolving models and related links needs of each offering is held.
    """
    failed = store.page_errors()
    with Spool(store.path) as spool:
        # 1. what each page says, grouped by the model page it describes
        pages = 0
        extractions = PageExtractions(store, store.pages(store.run_urls(run_id)))
        for extracted in extractions:  # an unchanged page is not extracted again
            pages += 1
            for rec in extracted.offerings:
                spool.add("records", rec, key=page_key(rec))
            for raw in extracted.findings:
                spool.add("findings", finding_of(raw))
        # 2. one offering per model page
        related = RelatedPages()
        per_page_models: dict[str, dict[str, Any]] = {}
        listed: list[ListedOffering] = []
        for page_url, recs in spool.groups("records"):
            findings: list[Finding] = []
            offering = page_offering(page_url, recs, findings)
            for finding in findings:
                spool.add("findings", finding)
            if offering is not None:
                spool.add("offerings", offering)
                related.add(offering)
                note_model(per_page_models, offering)
                listed.append(ListedOffering.of(offering))
        # 3. one model, many IDs: the per-page IDs are joined into canonical models
        resolved = resolve_models(listed, per_page_models)
        matches = {off.url: match for off, match in zip(listed, resolved.matches, strict=True)}
        del listed, per_page_models
        moved: list[Finding] = []

        def offerings() -> Iterator[Offering]:
            for i, offering in enumerate(spool.items("offerings")):
                offering = resolved.assign(related.link(offering), i)
                # read before the offering is stored: these are the previous run's prices
                moved.extend(price_moves([offering], store.open_prices(offering.url)))
                yield offering

        findings_saved = 0

        def all_findings() -> Iterator[Finding]:  # read once every offering is stored
            nonlocal findings_saved
            for finding in itertools.chain(spool.items("findings"), moved, (
                    Finding(url=url, field="page", kind="fetch_failed", detail=reason)
                    for url, reason in failed)):
                findings_saved += 1
                yield finding

        counts = store.save_catalog(run_id, offerings(), all_findings(),
                                    resolved.models.values(), complete, matches=matches)
    return IngestSummary(pages=pages, offerings=len(matches), models=len(resolved.models),
                         findings=findings_saved, extracted=extractions.extracted, **counts)
