"""Read the catalog's HTML model pages (the layout of the bundled mirror) into raw records.

A model page is `<main data-page="model" data-provider=... data-model-id=...>` holding:
`h1#model-name`, `code#model-id`, `#model-author`, `a#model-provider`, the headline
`#headline-price` ("$0.137500 / call"), a pricing table with one `tr[data-price]` row per
component, `#model-description`, a `dl.specs` of `div[data-spec]` groups, `#features`,
`code.endpoint`s, `li.related-model`s, and links to the Markdown twin (`#md-link`, also
`link[rel=alternate][type="text/markdown"]`) and the per-model llms.txt (`#llms-link`).
Provider listings and the index pages share the layout (`body[data-layout="catalog"]`) and
yield links only.

Every field is returned as the text the page shows; nothing is interpreted here. The
extractor never raises: what it cannot read becomes a `RawFinding`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urldefrag, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from catalog.extract.parsing import join_url
from catalog.extract.records import Extracted, RawFinding, RawLink, RawOffering, RawPrice

SOURCE_FORMAT = "catalog_html"

_LAYOUT = re.compile(r"""data-layout\s*=\s*["']?catalog\b""", re.IGNORECASE)

# price row label (data-price value or row header text) -> RawPrice label
_PRICE_KEYS = {
    "input": "input",
    "output": "output",
    "cache_read": "cache_read",
    "cache read": "cache_read",
    "cache_write": "cache_write",
    "cache write": "cache_write",
    "image": "image",
    "per image": "image",
    "call": "call",
    "per call": "call",
}
# spec key (data-spec value or <dt> text, lowercased) -> normalised key
_SPEC_KEYS = {
    "model-id": "model-id", "model id": "model-id",
    "category": "category", "task": "task", "price": "price", "added": "added",
    "context-length": "context-length", "context length": "context-length",
    "modalities": "modalities",
    "release-date": "release-date", "release date": "release-date",
}


def looks_like_catalog_html(html: str) -> bool:
    """True when `html` is a page in the catalog's layout (a model page or a listing)."""
    try:
        return bool(_LAYOUT.search(html))
    except Exception:  # not text at all
        return False


def extract_catalog_html(url: str, html: str) -> Extracted:
    """The offering a model page states (none for listings), its links and findings."""
    reader = _Reader(url)
    try:
        reader.read(html)
    except Exception as exc:  # last resort: keep what was read
        reader.finding("page", "error", f"{type(exc).__name__}: {exc}")
    return reader.result()


@functools.lru_cache(maxsize=16384)
def _http_url(joined: str) -> str | None:
    """`joined` without its fragment if it is an http(s) URL with a host, else None;
    raises ValueError for a malformed one. Memoised: pages link the same URLs."""
    resolved = urldefrag(joined)[0]
    parts = urlsplit(resolved)
    parts.port  # noqa: B018 - raises ValueError on a malformed port
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resolved


def _text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = " ".join((node.text(deep=True) or "").split())
    return text or None


def _attr(node: LexborNode | None, name: str) -> str | None:
    if node is None:
        return None
    value = node.attributes.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


class _Reader:
    def __init__(self, url: str) -> None:
        self.url = url
        self.offerings: list[RawOffering] = []
        self.links: list[str] = []
        self.findings: list[RawFinding] = []

    def result(self) -> Extracted:
        links = list(dict.fromkeys(self.links))  # first occurrence of each, in page order
        return Extracted(offerings=self.offerings, links=links, findings=self.findings)

    def finding(self, field: str, kind: str, detail: str) -> None:
        self.findings.append(RawFinding(url=self.url, field=field, kind=kind, detail=detail))

    @contextmanager
    def guard(self, field: str) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            self.finding(field, "error", f"{type(exc).__name__}: {exc}")

    def absolute(self, href: str | None) -> str | None:
        """`href` resolved against the page URL; None unless it is an http(s) URL."""
        if not href:
            return None
        try:
            return _http_url(join_url(self.url, href.strip()))
        except ValueError:
            self.finding("links", "bad_url", f"cannot resolve {href!r}")
            return None

    # ------------------------------------------------------------------ page

    def read(self, html: str) -> None:
        if not isinstance(html, str):
            self.finding("page", "not_text", f"expected text, got {type(html).__name__}")
            return
        if not html.strip():
            self.finding("page", "empty", "the page is empty")
            return
        tree = LexborHTMLParser(html.replace("\x00", "\ufffd"))
        with self.guard("links"):
            self.read_links(tree)
        main = tree.css_first("[data-page]")
        kind = _attr(main, "data-page")
        is_model = kind == "model" or (
            kind is None and tree.css_first("#model-id") is not None
            and tree.css_first("h1") is not None
        )
        if not is_model:
            if kind is None and not looks_like_catalog_html(html):
                self.finding("page", "unrecognised",
                             "not a catalog page: no data-layout=catalog or data-page marker")
            return
        if "</html>" not in html[-4096:].lower():
            self.finding("page", "truncated", "the page ends before </html>")
        self.read_model(tree, main)

    def read_links(self, tree: LexborHTMLParser) -> None:
        for node in tree.css("a[href], link[href]"):
            if node.tag == "link":
                rel = (_attr(node, "rel") or "").lower().split()
                if "alternate" not in rel:
                    continue
            url = self.absolute(_attr(node, "href"))
            if url is not None:
                self.links.append(url)

    def read_model(self, tree: LexborHTMLParser, main: LexborNode | None) -> None:
        scope = main if main is not None else tree.body
        if scope is None:
            self.finding("page", "missing", "no <body>")
            return
        fields: dict[str, str | None] = {}
        with self.guard("catalog"):
            fields["catalog"] = _attr(
                tree.css_first('meta[property="og:site_name"]'), "content")
        with self.guard("name"):
            fields["name"] = _text(scope.css_first("#model-name")) or _text(
                scope.css_first("h1"))
        with self.guard("provider"):
            fields["provider"] = _attr(main, "data-provider") or _attr(
                scope.css_first("#model-provider"), "data-provider")
        with self.guard("author"):
            fields["author"] = _text(scope.css_first("#model-author"))
        with self.guard("description"):
            fields["description"] = _text(scope.css_first("#model-description"))
        specs: dict[str, LexborNode] = {}
        with self.guard("specs"):
            specs = self.read_specs(scope)
        with self.guard("source_model_id"):
            fields["source_model_id"] = (
                _text(scope.css_first("#model-id")) or _attr(main, "data-model-id")
                or _text(specs.get("model-id")))
        for key, name in (("added", "date_added"), ("release-date", "release_date"),
                          ("context-length", "context_length")):
            fields[name] = _text(specs.get(key))
        modalities: list[str] = []
        with self.guard("modalities"):
            node = specs.get("modalities")
            if node is not None:
                parts = [_text(n) for n in node.css("[data-direction]")]
                modalities = [p for p in parts if p] or [t for t in [_text(node)] if t]
        prices: list[RawPrice] = []
        with self.guard("prices"):
            prices = self.read_prices(scope, specs)
        with self.guard("md_url"):
            fields["md_url"] = self.absolute(
                _attr(tree.css_first('link[rel~="alternate"][type="text/markdown"]'), "href")
                or _attr(scope.css_first("#md-link"), "href"))
        with self.guard("llms_url"):
            fields["llms_url"] = self.absolute(
                _attr(scope.css_first("#llms-link"), "href")
                or _attr(tree.css_first('link[rel~="alternate"][title="llms.txt"]'), "href"))
        related: list[RawLink] = []
        with self.guard("related"):
            related = self.read_related(scope)
        features: list[str] = []
        with self.guard("features"):
            features = [t for t in (_text(n) for n in scope.css("#features li")) if t]
        endpoints: list[str] = []
        with self.guard("endpoints"):
            endpoints = [t for t in (_text(n) for n in scope.css("code.endpoint")) if t]

        for required in ("name", "source_model_id"):
            if not fields.get(required):
                self.finding(required, "missing", f"the model page states no {required}")
        if not fields.get("name") and not fields.get("source_model_id"):
            return  # nothing identifies the model: no offering
        self.offerings.append(RawOffering(
            url=self.url, page_url=self.url, source_format=SOURCE_FORMAT,
            catalog=fields.get("catalog"), provider=fields.get("provider"),
            source_model_id=fields.get("source_model_id"), name=fields.get("name"),
            author=fields.get("author"), description=fields.get("description"),
            prices=prices, date_added=fields.get("date_added"),
            release_date=fields.get("release_date"),
            context_length=fields.get("context_length"), modalities=modalities,
            md_url=fields.get("md_url"), llms_url=fields.get("llms_url"), related=related,
            features=features, endpoints=endpoints,
        ))

    def read_specs(self, scope: LexborNode) -> dict[str, LexborNode]:
        """Each `<dd>` of the specifications list, by normalised key."""
        specs: dict[str, LexborNode] = {}
        dl = scope.css_first("dl.specs") or scope.css_first("#specs dl")
        if dl is None:
            return specs
        for dt in dl.css("dt"):
            label = _text(dt)
            group = dt.parent
            key = _attr(group, "data-spec") if group is not None and group.tag == "div" else None
            key = _SPEC_KEYS.get((key or label or "").lower())
            dd = dt.next
            while dd is not None and dd.tag != "dd":
                if dd.tag == "dt":
                    dd = None
                    break
                dd = dd.next
            if key is None:
                self.finding("specs", "unknown_label", f"unknown specification {label!r}")
            elif dd is None:
                self.finding("specs", "missing", f"specification {label!r} has no value")
            elif key not in specs:
                specs[key] = dd
        return specs

    def read_prices(self, scope: LexborNode, specs: dict[str, LexborNode]) -> list[RawPrice]:
        prices: list[RawPrice] = []
        section = scope.css_first("#pricing")
        rows = section.css("tr") if section is not None else []
        for row in rows:
            header = _text(row.css_first("th"))
            key = _attr(row, "data-price") or (header or "").lower()
            label = _PRICE_KEYS.get(key.lower())
            text = _text(row.css_first("td"))
            if label is None:
                self.finding("prices", "unknown_label", f"unknown price row {header!r}")
            elif text is None:
                self.finding("prices", "missing", f"price row {header!r} has no amount")
            else:
                prices.append(RawPrice(label=label, text=text))
        if section is None:
            self.finding("prices", "missing", "the model page has no pricing section")
        headline = _text(scope.css_first("#headline-price"))
        if headline:
            prices.append(RawPrice(label="headline", text=headline))
        spec_price = _text(specs.get("price"))
        if spec_price:
            prices.append(RawPrice(label="spec_price", text=spec_price))
        return prices

    def read_related(self, scope: LexborNode) -> list[RawLink]:
        related: list[RawLink] = []
        for item in scope.css("li.related-model"):
            link = item.css_first("a.related-link") or item.css_first("a[href]")
            url = self.absolute(_attr(link, "href"))
            if url is None:
                self.finding("related", "missing", "a related model without a usable link")
                continue
            related.append(RawLink(
                url=url, title=_text(link),
                provider_label=_text(item.css_first(".related-provider")),
            ))
        return related
