"""Stored pages to catalog tables: extract, normalise and store one crawl run.

This runs with no network: `catalog crawl` calls it after fetching, and it can be run
again over the stored pages of any run.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.crawl.extracted import page_extractions
from catalog.extract.records import RawFinding, RawOffering
from catalog.normalise.offerings import normalise
from catalog.normalise.records import Finding
from catalog.store import Store


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
    """
    records: list[RawOffering] = []
    raw_findings: list[RawFinding] = []
    pages = 0
    failed = dict(store.page_errors())
    extractions, extracted_anew = page_extractions(store, store.pages(store.run_urls(run_id)))
    for extracted in extractions:  # an unchanged page is not extracted again
        pages += 1
        records.extend(extracted.offerings)
        raw_findings.extend(extracted.findings)
    result = normalise(records, raw_findings, previous=store.open_prices())
    fetch_findings = [Finding(url=url, field="page", kind="fetch_failed", detail=reason)
                      for url, reason in sorted(failed.items())]
    findings = result.findings + fetch_findings
    counts = store.save_catalog(run_id, result.offerings, findings,
                                list(result.models.values()), complete,
                                matches=result.matches)
    return IngestSummary(pages=pages, offerings=len(result.offerings),
                         models=len(result.models), findings=len(findings),
                         extracted=extracted_anew, **counts)
