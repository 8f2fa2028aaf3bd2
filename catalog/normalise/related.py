"""Related-model links: each one pointed at the offering it names, once that is known.

A catalog links a related model by its HTML page, its `.md` twin, its llms.txt, or a URL
that differs only by a trailing slash or a fragment. Links to an offering in the same
batch are rewritten to that offering's page URL, which the store resolves to its model;
links to pages not (yet) crawled are kept as they are, with their URL, so a later run can
resolve them.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urldefrag

from catalog.normalise.records import Offering


def url_key(url: str) -> str:
    """Returns the form of `url` that twins and variants share.

    >>> url_key("https://x.test/models/a/b.md#top")
    'https://x.test/models/a/b'
    """
    url = urldefrag(url.strip())[0]
    for suffix in ("/llms.txt", "/llms-full.txt", ".md", "/index.html", "/"):
        if url.endswith(suffix) and len(url) > len(suffix) + 8:
            url = url[: -len(suffix)]
    return url


class RelatedPages:
    """The pages of a set of offerings, by every URL that names one: `add` each offering,
    then `link` each."""

    def __init__(self) -> None:
        self._page_of: dict[str, str] = {}

    def add(self, off: Offering) -> None:
        for url in (off.url, off.md_url, off.llms_url):
            if url:
                self._page_of.setdefault(url_key(url), off.url)

    def link(self, off: Offering) -> Offering:
        """Returns `off` with each related URL pointed at the page of the offering it names,
        where that offering was added; other related URLs are kept as they are."""
        related = sorted({self._page_of.get(url_key(u), urldefrag(u)[0])
                          for u in off.related_urls} - {off.url})
        return (off if list(off.related_urls) == related
                else off.model_copy(update={"related_urls": tuple(related)}))


def link_related(offerings: Iterable[Offering]) -> list[Offering]:
    """Returns the offerings with each related URL pointed at the page of the offering it
    names, where that offering is among them; other related URLs are kept as they are."""
    offerings = list(offerings)
    pages = RelatedPages()
    for off in offerings:
        pages.add(off)
    return [pages.link(off) for off in offerings]
