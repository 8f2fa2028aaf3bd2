"""Extraction of stored pages, done once per page body.

The crawler extracts a page to find its links; the pipeline needs the same records to
build the catalog. Both go through here: a result is kept in the `extracts` table keyed
by the page URL, the sha256 of its body and a fingerprint of the extractor code (plus the
content type and final URL the extractors read), so an unchanged page (a 304, or the same
bytes again) is never extracted twice, and a change to the extractors re-extracts
everything once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from catalog.extract import dispatch
from catalog.extract.records import Extracted
from catalog.store import PageRow, Store


@cache
def extractor_fingerprint() -> str:
    """Returns a hash of the extract package's source code."""
    digest = hashlib.sha256()
    for path in sorted(Path(dispatch.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def extractor_key(final_url: str, content_type: str | None) -> str:
    """Returns the cache key part that changes when the extractors would read a page
    differently: their code, the page's content type and the URL it was served from."""
    text = f"{extractor_fingerprint()}\0{content_type or ''}\0{final_url}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def extract(url: str, content_type: str | None, body: bytes) -> Extracted:
    """Returns what the page says (offerings, links, findings); always runs the extractor."""
    return dispatch.extract_page(url, content_type, body)


def cached(store: Store, url: str, final_url: str | None, content_type: str | None,
           body: bytes, sha256: str) -> tuple[Extracted, tuple[str, str, str] | None]:
    """Returns the page's extraction and, when it was extracted anew, the
    (sha256, extractor, data) entry to store (None when it came from the store)."""
    key = extractor_key(final_url or url, content_type)
    data = store.cached_extract(url, sha256, key)
    if data is not None:
        return Extracted.model_validate_json(data), None
    extracted = extract(final_url or url, content_type, body)
    return extracted, (sha256, key, extracted.model_dump_json())


def page_extractions(store: Store, pages: Iterable[PageRow]) -> tuple[list[Extracted], int]:
    """Returns the extraction of each stored page and how many had to be extracted anew
    (those are stored for next time)."""
    out: list[Extracted] = []
    fresh: list[tuple[str, str, str, str]] = []
    for page in pages:
        body = page.body or b""
        sha = page.sha256 or hashlib.sha256(body).hexdigest()
        extracted, entry = cached(store, page.url, page.final_url, page.content_type, body, sha)
        out.append(extracted)
        if entry is not None:
            fresh.append((page.url, *entry))
    if fresh:
        store.cache_extracts(fresh)
    return out, len(fresh)
