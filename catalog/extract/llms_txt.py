"""llms.txt files (the llmstxt.org format), read leniently.

Real files stray from the format: prose bullets, `*`/`+`/numbered bullets, `###`
headings, links before any H2, relative URLs. This parser keeps what it can and never
raises; `Extracted.links` lists every linked URL (nested llms.txt files included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt

from catalog.extract.records import Extracted, RawFinding

_MD = MarkdownIt("commonmark")


@dataclass
class LlmsLink:
    """One `- [title](url): notes` entry."""

    title: str
    url: str
    notes: str = ""


@dataclass
class LlmsTxt:
    """A parsed llms.txt: H1 title, blockquote summary, free text, and H2 sections."""

    title: str = ""
    summary: str = ""
    info: str = ""
    sections: dict[str, list[LlmsLink]] = field(default_factory=dict)


def parse_llms_txt(text: str, base_url: str = "") -> LlmsTxt:
    """Returns the structure of an llms.txt file; relative URLs resolve against `base_url`."""
    doc = LlmsTxt()
    section: str | None = None
    in_quote = False
    info: list[str] = []
    tokens = _MD.parse(text)
    for i, tok in enumerate(tokens):
        if tok.type == "blockquote_open":
            in_quote = True
        elif tok.type == "blockquote_close":
            in_quote = False
        elif tok.type == "heading_open" and i + 1 < len(tokens):
            heading = tokens[i + 1].content.strip()
            if tok.tag == "h1" and not doc.title:
                doc.title = heading
            elif tok.tag in ("h2", "h3"):
                section = heading if tok.tag == "h2" or section is None else section
                doc.sections.setdefault(section, [])
        elif tok.type == "inline" and tokens[i - 1].type != "heading_open":
            if in_quote and not doc.sections:
                doc.summary = (doc.summary + " " + tok.content.strip()).strip()
                continue
            links = _links(tok.children or [], base_url)
            if not links:
                if section is None:
                    info.append(tok.content.strip())
                continue
            name = section if section is not None else ""
            doc.sections.setdefault(name, []).extend(links)
    doc.info = "\n\n".join(info)
    return doc


def _links(children: list, base_url: str) -> list[LlmsLink]:  # type: ignore[type-arg]
    out: list[LlmsLink] = []
    href: str | None = None
    title: list[str] = []
    tail: list[str] = []
    for child in children:
        if child.type == "link_open":
            href, title = str(child.attrs.get("href", "")), []
        elif child.type == "link_close" and href is not None:
            out.append(LlmsLink("".join(title).strip(), urljoin(base_url, href)))
            href, tail = None, []
        elif href is not None:
            title.append(child.content)
        elif out:
            tail.append(child.content)
            out[-1].notes = "".join(tail).strip().lstrip(":").strip()
    return out


def extract_llms_txt(url: str, text: str) -> Extracted:
    """Returns the links of an llms.txt file (it describes a site; it lists no offerings)."""
    out = Extracted()
    try:
        doc = parse_llms_txt(text, url)
    except Exception as exc:  # never let a malformed file stop the crawl
        out.findings.append(RawFinding(url=url, field="page", kind="extract_error",
                                       detail=f"{type(exc).__name__}: {exc}"))
        return out
    if not doc.title:
        out.findings.append(RawFinding(url=url, field="title", kind="missing",
                                       detail="llms.txt has no H1 title"))
    urls = (link.url for links in doc.sections.values() for link in links)
    out.links = list(dict.fromkeys(u for u in urls if urlsplit(u).scheme in ("http", "https")))
    return out
