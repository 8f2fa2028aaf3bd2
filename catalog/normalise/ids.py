"""Model IDs and slugs: canonical forms that let the same model meet across catalogs."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """Returns a lowercase slug of `text` made of [a-z0-9._-] ("Open Router" -> "open-router")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9._-]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", text).strip("-.") or "unknown"


def canonical_model_id(source_model_id: str, author: str | None) -> str:
    """Returns the canonical `author/model` ID for a model ID as a catalog states it.

    >>> canonical_model_id("mistralai-mistral-small-3.2-24b-instruct", "mistralai")
    'mistralai/mistral-small-3.2-24b-instruct'
    >>> canonical_model_id("mistralai/Mistral-Small-3.2-24B-Instruct-2506", None)
    'mistralai/mistral-small-3.2-24b-instruct-2506'
    """
    mid = source_model_id.strip().lower()
    if "/" in mid:
        vendor, _, rest = mid.rpartition("/")
        vendor = vendor.split("/")[-1]
        return f"{slugify(vendor)}/{_id_part(rest)}"
    if author:
        a = slugify(author)
        if mid.startswith(a + "-"):
            mid = mid[len(a) + 1:]
        return f"{a}/{_id_part(mid)}"
    return _id_part(mid)


def _id_part(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", "-", text.strip())
    return re.sub(r"[^\w.:+-]", "-", text) or "unknown"
