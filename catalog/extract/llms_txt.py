"""llms.txt files (the llmstxt.org format), read leniently.

The format: an H1 title, an optional `>` blockquote summary, free Markdown ("info"), then
H2 sections of `- [title](url): notes` links. Real files stray from it, and this parser
keeps what they mean where the reference parser (`llms_txt.parse_llms_file`) crashes or
mis-reads them:

- prose bullets and paragraphs inside a section are kept as the section's prose, not an
  error; `*`, `+` and numbered bullets are bullets;
- `###` headings group links inside their H2 section (a file with no H2 uses them as
  sections); `##` inside a fenced code block is code, not a section;
- link URLs may contain balanced `)`, titles may contain `]` (balanced or escaped);
- a summary blockquote may span several lines; an H1-only file is a file;
- links before any H2 are kept (as the preamble), duplicate H2 names are merged, relative
  URLs resolve against the file's URL, and links to other llms.txt files are listed as
  nested files for the crawler.

The parser never raises on text; `extract_llms_txt` turns what it cannot read into findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it.token import Token

from catalog.extract.parsing import join_url, markdown_blocks, markdown_tokens
from catalog.extract.records import Extracted, RawFinding

_NOTES_SEP = re.compile(r"^\s*(?::|—|–|-(?=\s))\s*")


@dataclass
class LlmsLink:
    """One `- [title](url): notes` entry; `url` is absolute, `href` as written."""

    title: str
    url: str
    notes: str = ""
    href: str = ""
    group: str = ""  # the `###` heading it sits under, if any


@dataclass
class LlmsSection:
    """One H2 section (or, in a file without H2s, one H3 section)."""

    name: str
    links: list[LlmsLink] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)


@dataclass
class LlmsTxt:
    """A parsed llms.txt: H1 title, blockquote summary, free text, and sections."""

    title: str = ""
    summary: str = ""
    info: str = ""
    section_list: list[LlmsSection] = field(default_factory=list)
    preamble: list[LlmsLink] = field(default_factory=list)  # links before any section
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)

    @property
    def sections(self) -> dict[str, list[LlmsLink]]:
        """Links by section name, in file order; sections of the same name merged."""
        out: dict[str, list[LlmsLink]] = {}
        for sec in self.section_list:
            out.setdefault(sec.name, []).extend(sec.links)
        return out

    @property
    def links(self) -> list[LlmsLink]:
        """Every link of the file, preamble first."""
        return [*self.preamble, *(link for sec in self.section_list for link in sec.links)]

    @property
    def nested(self) -> list[str]:
        """Absolute URLs of the other llms.txt files this one links."""
        return list(dict.fromkeys(
            link.url for link in self.links
            if _path(link.url).endswith(("/llms.txt", "/llms-full.txt"))))


#: Lines of a long llms.txt parsed at a time. Parsed whole, the 6 MB file of a catalog
#: listing 50,000 offerings took 225 MB more memory than before it, nearly all of it
#: Markdown tokens; 2,000 lines at a time, 70 MB (mostly its text and its 50,000 links).
PART_LINES = 2000

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
#: Lines that begin a block whatever the lines before them are, unless those are code or
#: HTML: an ATX heading, or a bullet that starts with a link (a thematic break "- - -"
#: does not), at the start of the line.
_BLOCK_START = re.compile(r"#{1,6}(?:[ \t]|$)|[-*+] \[")
#: What may reach across such lines: HTML blocks, link reference definitions (one serves
#: the whole file) and code fences indented by 1 to 3 spaces (inside a list item or not,
#: which only the structure before them tells). A file with any is parsed whole.
_SPANNING = re.compile(r"^ {0,3}<|\]:|^ {1,3}(?:```|~~~)", re.MULTILINE)


def parse_llms_txt(text: str, base_url: str = "", part_lines: int = PART_LINES) -> LlmsTxt:
    """Returns the structure of an llms.txt file; relative URLs resolve against `base_url`.
    A long file is parsed about `part_lines` lines at a time (see `_parts`).

    >>> doc = parse_llms_txt("# T\\n\\n> S\\n\\n## Docs\\n\\n* [A](/a): the A\\n", "https://x.test/")
    >>> doc.title, doc.summary, [(l.title, l.url, l.notes) for l in doc.sections["Docs"]]
    ('T', 'S', [('A', 'https://x.test/a', 'the A')])
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    return _Parser(text, base_url, part_lines).parse()


def _parts(text: str, lines: list[str], size: int) -> list[tuple[int, int]]:
    """Splits `lines` into runs (start, end) of at least `size` lines that Markdown parses
    separately exactly as it parses them in the whole file: each run after the first
    begins with a line that begins a block whatever precedes it (`_BLOCK_START`), outside
    any fenced code block. One run when the file is short or may hold blocks that reach
    across runs (`_SPANNING`).

    A fence at the start of a line cannot be inside a list item or quote (the line ends
    them), so it opens a code block of the whole file, closed by a like fence; fences
    indented by 4 spaces or more are inside a list item or quote that the next line
    starting a block ends."""
    if len(lines) <= size or _SPANNING.search(text):
        return [(0, len(lines))]
    runs: list[tuple[int, int]] = []
    start = 0
    fence: str | None = None  # the opening fence of the code block the line is in
    for n, line in enumerate(lines):
        found = _FENCE.match(line)
        if fence is not None:
            if (found and found.group(1)[0] == fence[0] and len(found.group(1)) >= len(fence)
                    and not found.group(2).strip()):
                fence = None
        elif found and line[0] in "`~" and not (
                found.group(1)[0] == "`" and "`" in found.group(2)):
            fence = found.group(1)
        elif n - start >= size and _BLOCK_START.match(line):
            runs.append((start, n))
            start = n
    runs.append((start, len(lines)))
    return runs


class _Parser:
    def __init__(self, text: str, base_url: str, part_lines: int = PART_LINES) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.base = base_url
        self.doc = LlmsTxt()
        self.parts = _parts(text, self.lines, part_lines)
        self._h2_seen: bool | None = None
        self.section: LlmsSection | None = None
        self.group = ""
        self.info_lines: tuple[int, int] | None = None

    def part_text(self, start: int, end: int) -> str:
        if (start, end) == (0, len(self.lines)):
            return self.text
        return "\n".join(self.lines[start:end]) + ("\n" if end < len(self.lines) else "")

    @property
    def h2_seen(self) -> bool:
        """Whether the file has an H2 heading (read once, when first asked)."""
        if self._h2_seen is None:
            self._h2_seen = any(
                t.type == "heading_open" and t.tag == "h2" for start, end in self.parts
                for t in markdown_blocks(self.part_text(start, end)))
        return self._h2_seen

    def parse(self) -> LlmsTxt:
        for start, end in self.parts:
            tokens = markdown_tokens(self.part_text(start, end))
            if len(self.parts) == 1:
                self._h2_seen = any(t.type == "heading_open" and t.tag == "h2" for t in tokens)
            if start:
                for tok in tokens:
                    if tok.map:
                        tok.map = [tok.map[0] + start, tok.map[1] + start]
            self.parse_tokens(tokens)
        if self.info_lines is not None:
            self.doc.info = "\n".join(self.lines[self.info_lines[0]:self.info_lines[1]]).strip()
        if not self.doc.title:
            self.doc.problems.append(("missing", "no H1 title"))
        return self.doc

    def parse_tokens(self, tokens: list[Token]) -> None:
        """Reads the tokens of whole blocks of the file (all of it, or one of its `parts`)."""
        depth_quote = 0
        list_item = 0
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "heading_open":
                if tok.tag == "h2":
                    self._h2_seen = True
                self.heading(tok.tag, tokens[i + 1].content.strip() if i + 1 < len(tokens)
                             else "")
                i += 3
                continue
            if tok.type == "blockquote_open":
                depth_quote += 1
                if (self.section is None and not self.doc.summary and self.doc.title
                        and not self.doc.info and self.info_lines is None and tok.map):
                    self.doc.summary = self.quote_text(tokens, i)
                    i = self.skip_to_close(tokens, i, "blockquote")
                    depth_quote -= 1
                    continue
            elif tok.type == "blockquote_close":
                depth_quote -= 1
            elif tok.type == "list_item_open":
                list_item += 1
            elif tok.type == "list_item_close":
                list_item -= 1
            elif tok.type == "inline":
                self.inline(tok, in_item=list_item > 0)
            if self.section is None and tok.map and tok.level == 0 and not (
                    tok.type == "heading_open" or tok.type.endswith("_close")):
                start, end = tok.map
                self.info_lines = (start if self.info_lines is None else self.info_lines[0],
                                   end)
            i += 1

    def heading(self, tag: str, text: str) -> None:
        if tag == "h1" and not self.doc.title and self.section is None:
            self.doc.title = text
        elif tag == "h1":
            self.doc.problems.append(("extra_h1", f"another H1 {text!r}"))
        elif tag == "h2" or (tag == "h3" and not self.h2_seen):
            self.section = LlmsSection(text)
            self.doc.section_list.append(self.section)
            self.group = ""
        else:
            self.group = text  # ### (or deeper) inside a section groups its links

    def quote_text(self, tokens: list[Token], i: int) -> str:
        parts: list[str] = []
        for tok in tokens[i + 1:self.skip_to_close(tokens, i, "blockquote")]:
            if tok.type == "inline":
                parts.append(" ".join(tok.content.split()))
        return " ".join(p for p in parts if p)

    @staticmethod
    def skip_to_close(tokens: list[Token], i: int, kind: str) -> int:
        depth = 0
        for j in range(i, len(tokens)):
            if tokens[j].type == f"{kind}_open":
                depth += 1
            elif tokens[j].type == f"{kind}_close":
                depth -= 1
                if depth == 0:
                    return j + 1
        return len(tokens)

    def inline(self, tok: Token, in_item: bool) -> None:
        links = self.links(tok)
        for link in links:
            link.group = self.group
        if self.section is None:
            self.doc.preamble.extend(links)
            return
        if links:
            self.section.links.extend(links)
        elif tok.content.strip():
            self.section.prose.append(" ".join(tok.content.split()))

    def links(self, tok: Token) -> list[LlmsLink]:
        """The links of one paragraph or bullet; notes only for a bullet that starts with one."""
        content = tok.content.strip()
        lead = _leading_link(content)
        hrefs: list[tuple[str, str]] = []
        href: str | None = None
        title: list[str] = []
        for child in tok.children or []:
            if child.type == "link_open":
                href, title = str(child.attrs.get("href", "")), []
            elif child.type == "link_close" and href is not None:
                hrefs.append((href, "".join(title).strip()))
                href = None
            elif href is not None:
                title.append(child.content)
        out = [self.link(t, h) for h, t in hrefs]
        if lead is not None and out:
            raw_title, raw_href, rest = lead
            out[0].title, out[0].href = raw_title, raw_href
            out[0].url = self.resolve(raw_href)
            out[0].notes = _NOTES_SEP.sub("", rest, count=1).strip() if rest.strip() else ""
        return out

    def link(self, title: str, href: str) -> LlmsLink:
        return LlmsLink(title=title, url=self.resolve(href), href=href)

    def resolve(self, href: str) -> str:
        try:
            return join_url(self.base, href.strip()) if self.base else href.strip()
        except ValueError:
            self.doc.problems.append(("bad_url", f"cannot resolve {href!r}"))
            return href.strip()


def _leading_link(content: str) -> tuple[str, str, str] | None:
    """(title, href, the rest) of a Markdown link that `content` starts with, read by
    balancing brackets and parentheses as written; None when it does not start with one."""
    if not content.startswith("["):
        return None
    close = _balanced(content, 0, "[", "]")
    if close is None or close + 1 >= len(content) or content[close + 1] != "(":
        return None
    end = _balanced(content, close + 1, "(", ")")
    if end is None:
        return None
    title = content[1:close].replace("\\]", "]").replace("\\[", "[").strip()
    dest = content[close + 2:end].strip()
    if dest.startswith("<") and ">" in dest:
        dest = dest[1:dest.index(">")]
    else:
        dest = re.split(r"\s+", dest, maxsplit=1)[0] if dest else ""  # drop a "title"
    return title, dest, content[end + 1:]


def _balanced(text: str, start: int, opening: str, closing: str) -> int | None:
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def extract_llms_txt(url: str, text: str) -> Extracted:
    """Returns the links of an llms.txt file (it describes a site; it lists no offerings)."""
    out = Extracted()
    try:
        doc = parse_llms_txt(text, url)
    except Exception as exc:  # never let a malformed file stop the crawl
        out.findings.append(RawFinding(url=url, field="page", kind="extract_error",
                                       detail=f"{type(exc).__name__}: {exc}"))
        return out
    for kind, detail in doc.problems:
        field_name = "title" if kind in ("missing", "extra_h1") else "links"
        out.findings.append(RawFinding(url=url, field=field_name, kind=kind,
                                       detail=f"llms.txt: {detail}"))
    urls = (link.url for link in doc.links)
    out.links = list(dict.fromkeys(u.split("#")[0] for u in urls if _is_http(u)))
    return out


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
