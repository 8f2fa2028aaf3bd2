"""The catalog's Markdown model pages (the ModelsLab `.md` format of `data/sources/seed/`).

The page is read through markdown-it-py tokens, not line positions: headings split it
into sections, and each section's paragraphs, links and code spans are read by their
labels ("Pricing", "Technical Specifications", "Related Models", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it.token import Token

from catalog.extract.parsing import join_url, markdown_tokens
from catalog.extract.records import Extracted, RawFinding, RawLink, RawOffering, RawPrice

_PRICE_LABELS = {
    "input": "input", "output": "output", "cache read": "cache_read",
    "cache write": "cache_write", "reasoning": "reasoning", "per image": "image",
    "image": "image", "per call": "call", "call": "call", "per request": "call",
    "per second": "second", "per character": "character",
}
_PRICE_ROW = re.compile(
    r"^(?:Pricing)?\s*(?P<label>" + "|".join(sorted(map(re.escape, _PRICE_LABELS), key=len,
                                                     reverse=True))
    + r")\s*(?P<value>(?:[$€£¥₹]|US\$|USD|EUR|GBP|Free|\d).*)$", re.I)
_SPEC_LABELS = ["Model ID", "Category", "Task", "Price", "Added", "Context length",
                "Context", "Modalities", "Release date", "Released"]
_SPEC_SPLIT = re.compile("(" + "|".join(map(re.escape, _SPEC_LABELS)) + ")")
_HEADLINE = re.compile(
    r"^(?P<id>\S+)\s+(?P<author>\S+)\s+(?:Closed|Open)\s+Source\s+Model\s*(?P<price>.*)$")


@dataclass
class _Block:
    kind: str  # h1 h2 h3 h4 p li code
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Returns (front matter as key -> text, the rest) of a Markdown document.

    Only flat `key: value` lines are read; that is all catalog pages use, and a YAML
    parser would execute more than untrusted text deserves.
    """
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    for i in range(1, min(len(lines), 200)):
        if lines[i].strip() == "---":
            meta: dict[str, str] = {}
            for line in lines[1:i]:
                key, sep, value = line.partition(":")
                if sep and key.strip() and " " not in key.strip():
                    meta[key.strip()] = value.strip().strip('"').strip("'")
            return meta, "\n".join(lines[i + 1:])
    return {}, text


def _blocks(body: str) -> list[_Block]:
    blocks: list[_Block] = []
    kind = "p"
    for tok in markdown_tokens(body):
        if tok.type == "heading_open":
            kind = tok.tag
        elif tok.type == "paragraph_open":
            kind = "li" if blocks and kind == "li" else "p"
        elif tok.type == "list_item_open":
            kind = "li"
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            kind = "p"
        elif tok.type in ("fence", "code_block"):
            blocks.append(_Block("code", tok.content))
        elif tok.type == "inline":
            blocks.append(_inline_block(kind, tok))
            if kind.startswith("h"):
                kind = "p"
    return blocks


def _inline_block(kind: str, tok: Token) -> _Block:
    block = _Block(kind, tok.content.strip())
    href: str | None = None
    text_parts: list[str] = []
    for child in tok.children or []:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            text_parts = []
        elif child.type == "link_close" and href is not None:
            block.links.append((href, "".join(text_parts).strip()))
            href = None
        elif child.type in ("text", "code_inline") and href is not None:
            text_parts.append(child.content)
        elif child.type == "image" and href is not None:
            text_parts.append(child.content or str(child.attrs.get("alt", "")))
        if child.type == "code_inline":
            block.codes.append(child.content)
    return block


def looks_like_seed_markdown(text: str) -> bool:
    """Returns True when `text` has the catalog's Markdown model-page labels."""
    return "Copy model ID" in text or "### Technical Specifications" in text


def extract_seed_markdown(url: str, text: str) -> Extracted:
    """Returns the offering a catalog `.md` model page states, and the links on it."""
    out = Extracted()
    try:
        _extract(url, text, out)
    except Exception as exc:  # a malformed page must yield a finding, never a crash
        out.findings.append(RawFinding(url=url, field="page", kind="extract_error",
                                       detail=f"{type(exc).__name__}: {exc}"))
    return out


def _extract(url: str, text: str, out: Extracted) -> None:
    meta, body = split_front_matter(text)
    blocks = _blocks(body)
    for block in blocks:
        out.links.extend(join_url(url, href) for href, _ in block.links)
    out.links = list(dict.fromkeys(u for u in out.links if urlsplit(u).scheme in ("http", "https")))
    if not looks_like_seed_markdown(text):
        return
    title = meta.get("title", "")
    name = title.split(" | ")[0].strip() if title else ""
    catalog = title.rsplit(" | ", 1)[1].strip() if " | " in title else None
    if not name:
        name = next((b.text for b in blocks if b.kind in ("h1", "h2")), "")
    page_url = url[:-3] if url.endswith(".md") else url
    rec = RawOffering(url=url, source_format="seed_markdown", page_url=page_url,
                      catalog=catalog, name=name or None,
                      description=meta.get("description") or None)
    for href, label in (link for b in blocks for link in b.links):
        if label.lower() == "llms.txt" and rec.llms_url is None:
            rec.llms_url = join_url(url, href)
        elif label.lower() == ".md" and rec.md_url is None:
            rec.md_url = join_url(url, href)
    _read_headline(blocks, rec)
    _read_sections(url, blocks, rec, name)
    path = [p for p in urlsplit(page_url).path.split("/") if p]
    if len(path) >= 3 and path[0] == "models":
        rec.provider = path[1]
    if rec.source_model_id is None:
        out.findings.append(RawFinding(url=url, field="source_model_id", kind="missing",
                                       detail="no model ID on the page"))
    out.offerings.append(rec)


def _read_headline(blocks: list[_Block], rec: RawOffering) -> None:
    for block in blocks[:12]:
        m = _HEADLINE.match(block.text) if block.kind == "p" else None
        if m:
            rec.source_model_id = m["id"]
            rec.author = m["author"]
            if m["price"].strip():
                rec.prices.append(RawPrice(label="headline", text=m["price"].strip()))
            return


def _read_sections(url: str, blocks: list[_Block], rec: RawOffering, name: str) -> None:
    section = ""
    pending_title: tuple[RawLink, str] | None = None
    for i, block in enumerate(blocks):
        if block.kind in ("h2", "h3", "h4"):
            section = block.text.lower()
            if block.kind == "h2" and section.startswith("about"):
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if nxt is not None and nxt.kind == "p":
                    rec.description = nxt.text
            continue
        if block.kind == "p" and block.text.lower().startswith(("pricing", "input", "output",
                                                                "cache", "per ", "reasoning")):
            m = _PRICE_ROW.match(block.text)
            if m and section not in ("pricing", "technical specifications"):
                rec.prices.append(RawPrice(label=_PRICE_LABELS[m["label"].lower()],
                                           text=m["value"].strip()))
        if block.codes and block.text.startswith("`") and "://" in block.codes[0]:
            rec.endpoints.append(block.codes[0])
        if section == "technical specifications" and block.kind == "p":
            _read_specs(block.text, rec)
        elif section == "key features" and block.kind == "li":
            rec.features.append(block.text)
        elif section == "related models" and block.kind == "p":
            pending_title = _read_related(url, block, rec, pending_title)
        elif section == name.lower() and block.kind == "p":
            parts = block.text.split()
            if len(parts) == 2 and rec.author is None:
                rec.author, rec.source_model_id = parts


def _read_related(url: str, block: _Block, rec: RawOffering,
                  pending: tuple[RawLink, str] | None) -> tuple[RawLink, str] | None:
    """Reads one paragraph of the Related Models section.

    A related model is a paragraph `[XY](model)[Provider](provider)` followed by its
    title, split by the page's own blank line into `[Title` and `Closed Source Model](model)`.
    """
    if len(block.links) == 2:
        (model_href, _), (provider_href, provider_label) = block.links
        model_url, provider_url = join_url(url, model_href), join_url(url, provider_href)
        if model_url.startswith(provider_url.rstrip("/") + "/"):
            link = RawLink(url=model_url, provider_label=provider_label or None)
            rec.related.append(link)
            return (link, "")
    if pending is not None and block.text.startswith("[") and not block.links:
        pending[0].title = block.text[1:].strip() or None
    return pending


def _read_specs(text: str, rec: RawOffering) -> None:
    parts = _SPEC_SPLIT.split(text)
    values: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2], strict=False):
        values.setdefault(label, value.strip())
    if values.get("Model ID") and rec.source_model_id is None:
        rec.source_model_id = values["Model ID"]
    if values.get("Price"):
        rec.prices.append(RawPrice(label="spec_price", text=values["Price"]))
    if values.get("Added"):
        rec.date_added = values["Added"]
    ctx = values.get("Context length") or values.get("Context")
    if ctx:
        rec.context_length = ctx
    if values.get("Modalities"):
        rec.modalities = [m.strip() for m in re.split(r"[,/]", values["Modalities"]) if m.strip()]
    if values.get("Release date") or values.get("Released"):
        rec.release_date = values.get("Release date") or values.get("Released")
