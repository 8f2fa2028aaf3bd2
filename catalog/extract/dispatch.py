"""Picks the extractor for a stored page by its URL, content type and a cheap sniff."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from catalog.extract.catalog_html import extract_catalog_html, looks_like_catalog_html
from catalog.extract.generic_html import extract_generic_html
from catalog.extract.llms_txt import extract_llms_txt
from catalog.extract.models_dev import extract_models_dev, looks_like_models_dev
from catalog.extract.openrouter import extract_openrouter, looks_like_openrouter
from catalog.extract.records import Extracted
from catalog.extract.seed_markdown import extract_seed_markdown

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


def decode_body(body: bytes, content_type: str | None) -> str:
    """Returns a body's text, decoded by the header charset, else the document's, else UTF-8."""
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=")[1].split(";")[0].strip().strip('"')
    if charset is None:
        m = _META_CHARSET.search(body[:2048])
        charset = m.group(1).decode("ascii") if m else None
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def page_format(url: str, content_type: str | None) -> str:
    """Returns "llms_txt", "markdown", "html", "json", "xml" or "other" for a fetched URL."""
    path = urlsplit(url).path.lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    if path.endswith(("/llms.txt", "/llms-full.txt")) or path in ("llms.txt",):
        return "llms_txt"
    if ctype in ("text/markdown", "text/x-markdown") or path.endswith(".md"):
        return "markdown"
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if ctype in ("application/json", "text/json") or ctype.endswith("+json") or path.endswith(
            ".json"):
        return "json"
    if ctype.endswith("xml") or path.endswith((".xml", ".xml.gz")):
        return "xml"
    return "other"


def extract_page(url: str, content_type: str | None, body: bytes) -> Extracted:
    """Returns the offerings, links and findings of one fetched page."""
    fmt = page_format(url, content_type)
    if fmt in ("xml", "other"):
        return Extracted()
    text = decode_body(body, content_type)
    if fmt == "llms_txt":
        return extract_llms_txt(url, text)
    if fmt == "markdown":
        return extract_seed_markdown(url, text)
    if fmt == "json":
        if looks_like_openrouter(text):
            return extract_openrouter(url, text)
        if looks_like_models_dev(text):
            return extract_models_dev(url, text)
        return Extracted()
    if looks_like_catalog_html(text):
        return extract_catalog_html(url, text)
    return extract_generic_html(url, text)
