"""Markdown and URL escaping for scraped, untrusted text.

The Markdown templates run with `md_finalize`, so every value they print is escaped
unless it is an `MdSafe` string built here (links, tables). Escaped text stays inline:
line breaks are collapsed, so a name cannot start a heading, list, quote or new table
row; `| [ ] < > * _ ` ~ \\ { } ( ) &` are backslash-escaped everywhere, so it cannot
close a table cell, form a link or image, open HTML or change emphasis; a leading
`# + - =` or `1. ` is escaped too. Only http(s) URLs are ever linked.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

_WHITESPACE = re.compile(r"[\s\u0085\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALWAYS = re.compile(r"([\\`*_{}\[\]<>()|~&!])")
_LINE_START = re.compile(r"^([#+\-=>]|\d+(?=[.)](?:\s|$)))")
_AUTOLINK = re.compile(r"(?i)(?<=:)//|(?<=www)\.")


class MdSafe(str):
    """Markdown that is already safe to print as it is."""

    __slots__ = ()


#: `_ALWAYS` as a `str.translate` table.
_ESCAPES = {ord(c): "\\" + c for c in "\\`*_{}[]<>()|~&!"}
#: What `_LINE_START` may match first (`isdigit` covers every `\d`).
_LEADS = frozenset("#+-=>")


def one_line(text: str) -> str:
    """Returns `text` with control characters dropped and whitespace runs collapsed."""
    # Printable text (no controls, no whitespace but the space) with single inner spaces
    # is already on one line.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _WHITESPACE.sub(" ", _CONTROL.sub("", text)).strip()


def md_escape(value: Any) -> MdSafe:
    """Returns `value` as inline Markdown text that renders as exactly that text.

    >>> md_escape("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\)'
    >>> md_escape("# a | b")
    '\\\\# a \\\\| b'
    """
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return MdSafe("")
    # Names, providers and links recur on many pages: plain strings are escaped once.
    return _escape(value) if type(value) is str else _escape(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _escape(text: str) -> MdSafe:
    text = one_line(text).translate(_ESCAPES)
    if "//" in text or ("." in text and "www" in text.lower()):
        text = _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)
    if text and (text[0] in _LEADS or text[0].isdigit()) and (m := _LINE_START.match(text)):
        lead = m.group(1)
        text = lead + "\\" + text[m.end():] if lead.isdigit() else "\\" + text
    return MdSafe(text)


def md_finalize(value: Any) -> Any:
    """Jinja `finalize` for Markdown templates: escapes every printed value."""
    return md_escape(value)


def http_url(url: str | None) -> str | None:
    """Returns `url` if it is an absolute http(s) URL without spaces or controls, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _CONTROL.search(url) or _WHITESPACE.search(url):
        return None
    return url


@functools.lru_cache(maxsize=1 << 16)
def md_destination(url: str) -> str:
    """Returns `url` percent-encoded where Markdown or a table would misread it."""
    return quote(url, safe="/:?#@!$&'*+,;=%-._~")


def md_link(text: Any, url: str | None) -> MdSafe:
    """Returns `[text](url)`, or the escaped text alone when `url` is not safe to link.

    `url` is either a relative path this site built or an external URL, which must be
    http(s).
    """
    label = md_escape(text) or MdSafe(md_escape(url or ""))
    if not url:
        return label
    external = "://" in url or url.startswith("//") or ":" in url.split("/")[0]
    if external and http_url(url) is None:
        return label
    return MdSafe(f"[{label}]({md_destination(url)})")


def yaml_scalar(value: Any) -> MdSafe:
    """Returns `value` as a YAML scalar: a JSON string (a valid YAML double-quoted
    string), a bare number, or `null`."""
    if value is None:
        return MdSafe("null")
    if isinstance(value, int) and not isinstance(value, bool):
        return MdSafe(str(value))
    return MdSafe(json.dumps(one_line(str(value)), ensure_ascii=True))


def llms_link(title: str, url: str, notes: str = "") -> MdSafe:
    """Returns an llms.txt list item `- [title](url): notes`.

    Brackets in `title` become parentheses: the reference llms.txt parser reads a link
    title up to the first "]", escaped or not. `url` must be absolute http(s).
    """
    label = md_escape(title.replace("[", "(").replace("]", ")")) or md_escape(url)
    tail = f": {md_escape(notes)}" if notes else ""
    return MdSafe(f"- [{label}]({md_destination(url)}){tail}")
