"""Parsing helpers shared by the extractors, tuned for speed with unchanged results.

- `markdown_tokens`: markdown-it-py's CommonMark tokens, with inline text tokenised only
  where a link, an image or a code span can be (the extractors read nothing else from it);
- `join_url`: `urllib.parse.urljoin`, memoised for the absolute http(s) links that make up
  most of a catalog page's links.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urljoin, urlparse, urlunparse

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.rules_core import StateCore, inline, text_join
from markdown_it.token import Token


class _MarkdownIt(MarkdownIt):
    """markdown-it with link normalisation memoised: pages of one site link the same URLs
    over and over, and normalising one (parse, percent-encode, format) is a pure function
    of its text that cost a third of the inline parsing."""

    def normalizeLink(self, url: str) -> str:
        return _normalize_link(url)


_normalize_link = functools.lru_cache(maxsize=8192)(normalize_url.normalizeLink)
_MD = _MarkdownIt("commonmark")
_MD_BLOCKS = MarkdownIt("commonmark").disable(["inline", "text_join"])  # block structure only


def markdown_blocks(text: str) -> list[Token]:
    """Returns the block tokens of `text` (its inline tokens have no children)."""
    return _MD_BLOCKS.parse(text, {})


def markdown_tokens(text: str) -> list[Token]:
    """Returns the tokens of `MarkdownIt("commonmark").parse(text)`, except that an inline
    token whose text has no `[`, `` ` `` or `<` is left without children.

    Only those characters can open a link, an image, an autolink or a code span, which
    is all the extractors read from the children, so they get the same children as from
    a full parse; tokenising the inline text of the other paragraphs, headings and list
    items was most of the parsing time.
    """
    env: dict[str, Any] = {}
    tokens = _MD_BLOCKS.parse(text, env)  # env: reference definitions, for the links
    wanted = [t for t in tokens if t.type == "inline"
              and ("[" in t.content or "`" in t.content or "<" in t.content)]
    if wanted:
        state = StateCore("", _MD, env, wanted)
        inline(state)
        text_join(state)
    return tokens


def join_url(base: str, url: str) -> str:
    """Returns `urljoin(base, url)` (and raises as it does).

    When `url` is an absolute http(s) URL with a host, the result depends on `base` only
    through its scheme, so it is memoised by (scheme, url): a site's pages link the same
    URLs again and again.
    """
    if base and url.startswith(("http://", "https://")):
        try:
            joined = _join_absolute(_scheme(base), url)
        except ValueError:
            joined = None  # urljoin below raises it again, or says what it makes of it
        if joined is not None:
            return joined
    return urljoin(base, url)


@functools.lru_cache(maxsize=1024)
def _scheme(base: str) -> str:
    return urlparse(base, "").scheme


@functools.lru_cache(maxsize=16384)
def _join_absolute(base_scheme: str, url: str) -> str | None:
    """urljoin's own steps for a URL with a scheme; None when its host is empty (then the
    base's host and path count)."""
    scheme, netloc, path, params, query, fragment = urlparse(url, base_scheme)
    if not netloc:
        return None
    if scheme != base_scheme:
        return url
    return urlunparse((scheme, netloc, path, params, query, fragment))
