"""A model page in an HTML layout no other extractor knows: read what any layout states.

Three methods, tried in order of how much they can be trusted, each field taken from the
first that states it:

1. `jsonld`: schema.org JSON-LD (`Product` / `SoftwareApplication` with `offers` of
   `Offer` / `AggregateOffer` and `UnitPriceSpecification`s, `additionalProperty`);
   The same vocabulary in `itemprop` attributes is read as `microdata`;
2. label/value pairs: `dl` (`<dt>`/`<dd>`), `table` (a label cell beside its value, or a
   header row over one data row, a unit or currency in a header applying to its column),
   `text` ("Label: value" lines) and `pairs` (a short label element followed by its value
   element, as cards and spec grids write them);
3. `pattern`: prices in running text whose wording names the component ("$3 per million
   input tokens"), and `byline`: who made and who serves the model in a short line of
   prose ("by Acme · hosted on Cloudy").

The name falls back to `h1` and then the page `title`. `RawOffering.methods` says which
method produced each field. A page that names no model, or names one without a model ID
or a price, yields links only: most pages of a site are not model pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from catalog.extract.records import Extracted, RawFinding, RawOffering, RawPrice

SOURCE_FORMAT = "generic_html"

_PRICE_LABELS = [  # (pattern on the normalised label, RawPrice label); first match wins
    (r"cache\w*\s*(?:write|creation|storage|store)|write\w* (?:to )?cache", "cache_write"),
    (r"cache|cached", "cache_read"),
    (r"reasoning|thinking", "reasoning"),
    (r"\bimages?\b(?! input)|per image|image generation", "image"),
    (r"\b(?:request|call|generation|query|search)s?\b", "call"),
    (r"\b(?:input|prompt)s?\b", "input"),
    (r"\b(?:output|completion)s?\b", "output"),
    (r"\b(?:second|minute|hour)\b", "second"),
    (r"\bcharacters?\b", "character"),
]
_FIELD_LABELS: dict[str, str] = {}
for _field, _names in {
    "source_model_id": ["model id", "model identifier", "api id", "api model id", "api name",
                        "model string", "model slug", "slug", "id", "identifier", "model code",
                        "api model", "model key", "api identifier", "model api name"],
    "name": ["model name", "name", "model", "display name", "title"],
    "provider": ["provider", "served by", "hosted by", "host", "inference provider",
                 "api provider", "platform", "available on", "offered by", "seller"],
    "author": ["author", "creator", "created by", "developer", "developed by", "made by",
               "organization", "organisation", "publisher", "model creator", "lab", "maker",
               "trained by", "brand", "manufacturer", "company", "by"],
    "context_length": ["context", "context length", "context window", "context size",
                       "max context", "maximum context", "context limit", "max context length",
                       "context tokens", "input context", "token limit", "context window size"],
    "date_added": ["added", "date added", "added on", "listed", "listed on", "date listed",
                   "first listed", "available since", "created", "listing date", "since",
                   "added to catalog", "catalog date", "first seen"],
    "release_date": ["release date", "released", "released on", "launch date", "launched",
                     "release", "launched on", "publication date", "model release"],
    "modalities": ["modalities", "modality", "input output", "input and output"],
    "description": ["description", "about", "summary", "overview"],
}.items():
    for _name in _names:
        _FIELD_LABELS[_name] = _field

_LABEL_LINE = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9 ()/&.,'’-]{0,48}?)\s*(?:[:：]|\s[—–]|\s-)\s+(\S.{0,300})$")
# "Input $0.075 / 1M tokens": a price right after its label, no separator
_LABEL_PRICE = re.compile(
    r"^\s*([A-Za-z][a-zA-Z-]*(?:\s[A-Za-z][a-zA-Z-]*)?(?:\s*\([^)]{0,30}\))?)\s+"
    r"((?:US\$|[$€£¥₹]|USD\b|EUR\b|GBP\b|Free\b)\s*\S.{0,120}?)\.?$")
_UNIT_PHRASE = re.compile(
    r"(?:per|/)\s*(?:1\s*)?(?:[mk]\b|million|thousand|1,000,000|1,000|1000000|1000|mtok|ktok)"
    r"(?:\s*(?:input|output|prompt|completion|cached)?\s*tokens?)?"
    r"|per\s+(?:image|request|call|second|minute|character|token)\b", re.I)
_LABEL_CURRENCY = re.compile(r"US\$|[$€£¥₹]|\b(?:USD|EUR|GBP)\b")
_BARE_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_HAS_UNIT = re.compile(r"/|\bper\b|\btok|\bmtok|\beach\b", re.I)
_MONEY_START = re.compile(
    r"(?:US\$|[$€£¥₹]|\b(?:USD|EUR|GBP)\b)\s*\d|\d[\d.,]*\s*(?:USD|EUR|GBP|€)\b")
_PRICE_TEXT = re.compile(
    r"^\s*(?:free\b|(?:from|starting at|about|~|≈)?\s*(?:US\$|[A-Z]{0,2}\$|[€£¥₹]|"
    r"\b(?:USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF)\b)\s*\d"
    r"|\d[\d.,]*(?:e-?\d+)?\s*(?:USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF|€|\$)"
    r"|\d[\d.,]*\s*(?:/|per)\s*(?:1\s*)?(?:[mk]\b|mtok|million|thousand|tokens?|images?|"
    r"requests?|calls?))", re.I)
_ID_LIKE = re.compile(r"^[A-Za-z0-9][\w.:/@+-]*$")
_BLOCKS = "p, li, dd, td, th, div, span, section, article, small, strong, b, label, h2, h3, h4"


def extract_generic_html(url: str, html: str) -> Extracted:
    """Returns the offering an unknown-layout model page states (if it states one), its links
    and findings; never raises."""
    out = Extracted()
    try:
        _Reader(url, out).read(html)
    except Exception as exc:  # last resort: a page must yield findings, never a crash
        out.findings.append(RawFinding(url=url, field="page", kind="extract_error",
                                       detail=f"{type(exc).__name__}: {exc}"))
    return out


def _norm_label(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"\b(?:price|pricing|cost|costs|rate|usd|per|1m|1k|million|tokens?)\b", " ",
                  text) if _has_price_word(text) else text
    return " ".join(text.split())


def _has_price_word(text: str) -> bool:
    return bool(re.search(r"\b(?:price|pricing|cost|rate|input|output|prompt|completion|cache)",
                          text))


def _is_price(value: str) -> bool:
    """True when `value` reads as a price: an amount with a currency or a unit, or "Free".
    (What it means is the normalise stage's business; here it only picks the pairs.)"""
    return bool(_PRICE_TEXT.match(value))


def _price_label(label: str) -> str | None:
    norm = label.lower()
    for pattern, name in _PRICE_LABELS:
        if re.search(pattern, norm):
            return name
    return None


class _Reader:
    def __init__(self, url: str, out: Extracted) -> None:
        self.url = url
        self.out = out
        self.fields: dict[str, str] = {}
        self.methods: dict[str, str] = {}
        self.prices: dict[str, tuple[RawPrice, str]] = {}
        self.tier_prices: list[RawPrice] = []

    def finding(self, field: str, kind: str, detail: str) -> None:
        self.out.findings.append(RawFinding(url=self.url, field=field, kind=kind, detail=detail))

    def put(self, field: str, value: str | None, method: str) -> None:
        value = " ".join((value or "").split())
        if value and field not in self.fields:
            self.fields[field] = value[:2000]
            self.methods[field] = method

    def put_price(self, label: str, text: str, method: str) -> None:
        text = " ".join(text.split())
        if label not in self.prices and text:
            self.prices[label] = (RawPrice(label=label, text=text[:300]), method)
            self.methods[f"price.{label}"] = method

    def read(self, html: str) -> None:
        if not isinstance(html, str) or not html.strip():
            self.finding("page", "empty", "the page is empty")
            return
        tree = LexborHTMLParser(html.replace("\x00", "\ufffd"))
        self.read_links(tree)
        for node in tree.css("script[type*='ld+json' i]"):
            self.read_jsonld(node.text(deep=True) or "")
        body = tree.body
        if body is not None:
            for node in body.css("script, style, noscript, template, nav, footer"):
                node.decompose()
            self.read_microdata(body)
            self.read_dl(body)
            self.read_tables(body)
            self.read_text_lines(body)
            self.read_pairs(body)
            if not any(k in self.prices for k in ("input", "output", "image", "call")):
                self.read_patterns(body)
            self.read_bylines(body)
        self.read_fallbacks(tree)
        self.emit()

    # -- links -------------------------------------------------------------------------

    def read_links(self, tree: LexborHTMLParser) -> None:
        links: list[str] = []
        for node in tree.css("a[href], link[rel~='alternate'][href]"):
            href = (node.attributes.get("href") or "").strip()
            try:
                absolute = urldefrag(urljoin(self.url, href))[0]
                parts = urlsplit(absolute)
                parts.port  # noqa: B018 - raises ValueError on a malformed port
            except ValueError:
                continue
            if href and parts.scheme in ("http", "https") and parts.netloc:
                links.append(absolute)
        self.out.links = list(dict.fromkeys(links))

    # -- 1. JSON-LD --------------------------------------------------------------------

    def read_jsonld(self, text: str) -> None:
        try:
            doc = json.loads(text.strip().removeprefix("<!--").removesuffix("-->"),
                             parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            self.finding("jsonld", "unparsed", f"invalid JSON-LD: {exc}"[:300])
            return
        for obj in _walk(doc):
            types = _types(obj)
            if types & {"product", "softwareapplication", "webapplication", "service",
                        "individualproduct"}:
                self.read_product(obj)
            elif "website" in types:
                self.put("catalog", _str(obj.get("name")), "jsonld")

    def read_product(self, obj: dict[str, Any]) -> None:
        self.put("name", _str(obj.get("name")), "jsonld")
        for key in ("productID", "sku", "identifier", "mpn", "model", "alternateName"):
            value = obj.get(key)
            if isinstance(value, dict):
                value = value.get("value") or value.get("name")
            text = _str(value)
            if text and _ID_LIKE.match(text):
                self.put("source_model_id", text, "jsonld")
                break
        for key in ("brand", "manufacturer", "creator", "author", "producer"):
            name = _name_of(obj.get(key))
            if name:
                self.put("author", name, "jsonld")
                break
        self.put("description", _str(obj.get("description")), "jsonld")
        self.put("release_date", _str(obj.get("releaseDate")), "jsonld")
        self.put("date_added", _str(obj.get("dateCreated")), "jsonld")
        for prop in _list(obj.get("additionalProperty")):
            if isinstance(prop, dict):
                self.label_value(_str(prop.get("name")) or "", _str(prop.get("value")) or "",
                                 "jsonld")
        for offer in _list(obj.get("offers")):
            if not isinstance(offer, dict):
                continue
            seller = _name_of(offer.get("seller")) or _name_of(offer.get("offeredBy"))
            self.put("provider", seller, "jsonld")
            currency = _str(offer.get("priceCurrency"))
            specs = [s for s in _list(offer.get("priceSpecification")) if isinstance(s, dict)]
            for sub in _list(offer.get("offers")):  # AggregateOffer
                if isinstance(sub, dict):
                    specs.extend(s for s in _list(sub.get("priceSpecification"))
                                 if isinstance(s, dict))
            for spec in specs:
                self.read_unit_price(spec, currency, offer)
            if not specs and offer.get("price") is not None:
                label = _price_label(" ".join(filter(None, (
                    _str(offer.get("name")), _str(offer.get("description")))))) or "price"
                self.put_price(label, f"{offer['price']} {currency or ''}".strip(), "jsonld")

    def read_unit_price(self, spec: dict[str, Any], currency: str | None,
                        offer: dict[str, Any]) -> None:
        price = spec.get("price")
        if price is None:
            return
        currency = _str(spec.get("priceCurrency")) or currency
        qty = spec.get("referenceQuantity")
        unit = _str(spec.get("unitText")) or ""
        per = ""
        if isinstance(qty, dict):
            amount = _str(qty.get("value"))
            qty_unit = _str(qty.get("unitText")) or _UNIT_CODES.get(
                _str(qty.get("unitCode")) or "", "")
            per = f"{amount or ''} {qty_unit or unit}".strip()
        elif unit:
            per = unit
        text = f"{price} {currency or ''}".strip() + (f" / {per}" if per else "")
        words = " ".join(filter(None, (_str(spec.get("name")), unit,
                                       _str(spec.get("description")), per)))
        label = _price_label(words) or _price_label(_str(offer.get("name")) or "") or "price"
        self.put_price(label, text, "jsonld")

    def read_microdata(self, body: LexborNode) -> None:
        """schema.org microdata: the same Product / Offer vocabulary as JSON-LD, in
        `itemscope` / `itemprop` attributes."""
        for scope in body.css("[itemscope][itemtype]"):
            kind = (scope.attributes.get("itemtype") or "").rsplit("/", 1)[-1].lower()
            if kind not in ("product", "softwareapplication", "service"):
                continue
            props: dict[str, str] = {}
            for node in scope.css("[itemprop]"):
                name = (node.attributes.get("itemprop") or "").strip()
                if name in props or _inside_offer(node, scope):
                    continue
                props[name] = _itemprop_value(node)
            self.put("name", props.get("name"), "microdata")
            for key in ("productID", "sku", "identifier", "mpn", "model"):
                if props.get(key) and _ID_LIKE.match(props[key]):
                    self.put("source_model_id", props[key], "microdata")
                    break
            for key in ("brand", "manufacturer", "creator", "author"):
                self.put("author", props.get(key), "microdata")
            self.put("provider", props.get("seller"), "microdata")
            self.put("release_date", props.get("releaseDate"), "microdata")
            self.put("description", props.get("description"), "microdata")
            for offer in scope.css("[itemprop~='offers']"):
                price = offer.css_first("[itemprop='price']")
                if price is None:
                    continue
                currency = offer.css_first("[itemprop='priceCurrency']")
                shown = _text(offer)
                amount = _itemprop_value(price)
                code = _itemprop_value(currency) if currency is not None else ""
                unit = _UNIT_PHRASE.search(shown)
                text = f"{amount} {code}".strip() + (f" {unit.group(0)}" if unit else "")
                label = _price_label(shown) or "price"
                self.put_price(label, text, "microdata")

    def read_bylines(self, body: LexborNode) -> None:
        """Who made and who serves the model, as a short line of prose says it ("by Acme ·
        hosted on Cloudy", "developed by Acme and served on this platform by Cloudy")."""
        for node in body.css("p, span, div, small"):
            if not _is_leafish(node):
                continue
            text = _text(node)
            if not text or len(text) > 240:
                continue
            m = _SERVED_BY.search(text)
            if m:
                self.put("provider", m["who"].strip(), "byline")
            m = _MADE_BY.search(text)
            if m:
                self.put("author", m["who"].strip(), "byline")

    # -- 2. label / value pairs --------------------------------------------------------

    def label_value(self, label: str, value: str, method: str) -> bool:
        """Records one label/value pair; True when the label meant something."""
        label = " ".join(label.split()).strip(" :：-–")
        value = " ".join(value.split())
        if not label or not value or len(label) > 60:
            return False
        currency = _LABEL_CURRENCY.search(label)
        if currency is not None and _BARE_NUMBER.match(value):
            value = f"{currency.group(0)}{value}"  # "Input ($/1M tokens)" over "0.30"
        if _is_price(value):
            unit = _UNIT_PHRASE.search(label)
            if unit is not None and not _HAS_UNIT.search(value):
                value = f"{value} {unit.group(0)}"  # "Input (per 1K tokens)" over "$0.003"
            component = _price_label(label)
            if component is None and re.search(r"price|pricing|cost|rate|fee", label.lower()):
                component = _price_label(value) or "price"
            if component is not None:
                self.put_price(component, value, method)
                return True
        norm = _norm_label(label)
        field = _FIELD_LABELS.get(norm)
        if field is None and _ID_LIKE.match(value) and re.search(
                r"\b(?:api|id|identifier|slug|endpoint name)\b", norm):
            field = "source_model_id"  # "API model name", "Model ID (API)", "HF id"
        if field is None:
            return False
        if field == "name" and norm == "model" and _ID_LIKE.match(value) and " " not in value:
            field = "source_model_id"
        if field == "source_model_id" and not _ID_LIKE.match(value):
            return False
        if field in ("date_added", "release_date") and not re.search(r"\d", value):
            return False
        self.put(field, value, method)
        return True

    def read_dl(self, body: LexborNode) -> None:
        for dl in body.css("dl"):
            label: str | None = None
            for node in _children(dl):
                for item in ([node] if node.tag in ("dt", "dd") else _children(node)):
                    if item.tag == "dt":
                        label = _text(item)
                    elif item.tag == "dd" and label:
                        self.label_value(label, _text(item), "dl")
                        label = None

    def read_tables(self, body: LexborNode) -> None:
        for table in body.css("table"):
            rows = [r for r in table.css("tr")]
            cells = [[_text(c) for c in _children(r) if c.tag in ("th", "td")] for r in rows]
            cells = [c for c in cells if any(c)]
            if not cells:
                continue
            header = cells[0] if rows and rows[0].css_first("th") is not None and all(
                c.tag == "th" for c in _children(rows[0]) if c.tag in ("th", "td")) else None
            if header is not None and len(cells) == 2 and len(cells[1]) == len(header) > 2:
                for label, value in zip(header, cells[1], strict=True):
                    self.label_value(label, value, "table")
                continue
            unit = ""
            if header is not None and len(header) == 2:
                found = _UNIT_PHRASE.search(header[1])
                unit = f" ({found.group(0)})" if found else ""
            for row in cells[1:] if header is not None else cells:
                if len(row) >= 2:
                    self.label_value(row[0] + unit, row[1], "table")

    def read_text_lines(self, body: LexborNode) -> None:
        for node in body.css(_BLOCKS):
            if not _is_leafish(node):
                continue
            for line in _lines(node):
                m = _LABEL_LINE.match(line)
                if m and self.label_value(m[1], m[2], "text"):
                    continue
                m = _LABEL_PRICE.match(line)
                if m and _price_label(m[1]):
                    self.label_value(m[1], m[2], "text")

    def read_pairs(self, body: LexborNode) -> None:
        for node in body.css("*"):
            if node.tag in ("html", "body", "script", "style", "table", "tr", "th", "td", "dl",
                            "dt", "dd"):
                continue
            label = _text(node)
            if not label or len(label) > 48 or not _is_leafish(node):
                continue
            value_node = node.next
            while value_node is not None and value_node.tag == "-text" and not (
                    value_node.text() or "").strip():
                value_node = value_node.next
            if value_node is None or value_node.tag == "-text" or not _is_leafish(value_node):
                continue
            value = _text(value_node)
            if value and len(value) <= 200:
                self.label_value(label, value, "pairs")

    # -- 3. price patterns in running text ---------------------------------------------

    def read_patterns(self, body: LexborNode) -> None:
        text = body.text(deep=True, separator="\n") or ""
        for line in text.split("\n"):
            line = " ".join(line.split())
            starts = [m.start() for m in _MONEY_START.finditer(line)]
            for k, start in enumerate(starts):
                segment = line[start:starts[k + 1] if k + 1 < len(starts) else len(line)]
                segment = re.split(r"[;,]\s+(?:and\s+)?|\s+and\s+|\.\s", segment)[0]
                if not _is_price(segment):
                    continue
                # the component is named after the amount ("per 1M input tokens"), or just
                # before it ("input: $3 / 1M tokens")
                label = _price_label(segment) or _price_label(line[:start][-40:])
                if label in ("input", "output", "cache_read", "cache_write", "image", "call",
                             "reasoning"):
                    self.put_price(label, segment.strip(), "pattern")

    # -- fallbacks and the record ------------------------------------------------------

    def read_fallbacks(self, tree: LexborHTMLParser) -> None:
        self.put("catalog", _meta(tree, "og:site_name"), "meta")
        h1 = tree.css_first("h1")
        self.put("name", _text(h1) if h1 is not None else None, "h1")
        title = _meta(tree, "og:title") or _text(tree.css_first("title"))
        if title:
            self.put("name", re.split(r"\s+[|–—-]\s+", title)[0], "title")
        self.put("description", _meta(tree, "description"), "meta")

    def emit(self) -> None:
        has_id = "source_model_id" in self.fields
        if not (self.prices or has_id) or not ("name" in self.fields or has_id):
            return
        if not has_id and all(m == "pattern" for _, m in self.prices.values()):
            return  # prices in prose under a heading: an article, not a model page
        if self.methods.get("name") in ("h1", "title") and not self.prices and (
                self.methods.get("source_model_id") not in ("jsonld", "dl", "table")):
            return  # a heading and a stray "ID:" line do not make a model page
        modalities = self.fields.get("modalities")
        self.out.offerings.append(RawOffering(
            url=self.url, page_url=self.url, source_format=SOURCE_FORMAT,
            catalog=self.fields.get("catalog"), provider=self.fields.get("provider"),
            source_model_id=self.fields.get("source_model_id"), name=self.fields.get("name"),
            author=self.fields.get("author"), description=self.fields.get("description"),
            prices=[p for p, _ in self.prices.values()],
            date_added=self.fields.get("date_added"),
            release_date=self.fields.get("release_date"),
            context_length=self.fields.get("context_length"),
            modalities=[modalities] if modalities else [],
            methods=dict(sorted(self.methods.items())),
        ))


def _inside_offer(node: LexborNode, scope: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent is not scope and parent.tag != "html":
        if "offers" in (parent.attributes.get("itemprop") or "").split():
            return True
        parent = parent.parent
    return False


def _itemprop_value(node: LexborNode) -> str:
    for attr in ("content", "datetime", "value", "href"):
        value = node.attributes.get(attr)
        if value and value.strip():
            return " ".join(value.split())
    return _text(node)


_WHO = r"(?P<who>[A-Z0-9][\w.&'’-]*(?:\s+[A-Z0-9][\w.&'’-]*){0,3})"
_SERVED_BY = re.compile(r"\b(?:hosted|served|available|running|deployed)\s+(?:on|by|via|at)\s+"
                        r"(?:this platform by\s+|the\s+)?" + _WHO)
_MADE_BY = re.compile(r"(?:^|\b(?:developed|made|created|built|trained|released|published)\s+)"
                      r"by\s+" + _WHO.replace("[A-Z0-9]", "[A-Za-z0-9]", 1))


_UNIT_CODES = {"C62": "unit", "E48": "request", "SEC": "second", "MIN": "minute"}


def _walk(doc: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 20:
        return
    if isinstance(doc, list):
        for item in doc:
            yield from _walk(item, depth + 1)
    elif isinstance(doc, dict):
        yield doc
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in doc:
                yield from _walk(doc[key], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    return {str(t).rsplit("/", 1)[-1].lower() for t in _list(obj.get("@type"))}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value: Any) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None


def _name_of(value: Any) -> str | None:
    for item in _list(value):
        if isinstance(item, dict):
            name = _str(item.get("name"))
            if name:
                return name
        elif _str(item):
            return _str(item)
    return None


def _text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return " ".join((node.text(deep=True) or "").split())


def _children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        if child.tag != "-text":
            yield child
        child = child.next


_BLOCK_TAGS = ("p", "li", "div", "table", "dl", "ul", "ol", "section", "article", "main",
               "header", "nav", "form", "select", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
               "tbody", "thead", "dt", "dd", "aside", "figure", "blockquote", "pre")
_BLOCK_SELECTOR = ", ".join(_BLOCK_TAGS)


def _is_leafish(node: LexborNode) -> bool:
    """True for an element holding only text and inline markup (no blocks inside it)."""
    if node.tag in ("-text", "-comment", "ul", "ol", "table", "dl", "select"):
        return False
    return not any(c.css_first(_BLOCK_SELECTOR) is not None for c in _children(node))


def _lines(node: LexborNode) -> list[str]:
    """The text of an inline-only element, split where it has `<br>` line breaks."""
    if node.css_first("br") is None:
        return [_text(node)]
    parts = re.split(r"<br\s*/?>", node.html or "", flags=re.I)
    return [" ".join((LexborHTMLParser(p).text(deep=True) or "").split()) for p in parts]


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    node = tree.css_first(f'meta[property="{name}"]') or tree.css_first(f'meta[name="{name}"]')
    value = node.attributes.get("content") if node is not None else None
    return " ".join(value.split()) if value else None
