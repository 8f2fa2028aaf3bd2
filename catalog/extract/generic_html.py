"""A model page in an HTML layout no other extractor knows: read what any layout states.

First `html_prune.prune` drops what is not about the page's own model (controls, cost
calculator outputs, sections headed "Related" / "Similar" / "Compare", items linking to other
models with prices). Then each source yields (label, value) pairs, and one place,
`_Reader.label_value`, maps a label to a field or a price component. Sources, in order of
how much they can be trusted; each field is taken from the first that states it:

1. `jsonld`: schema.org JSON-LD (`Product` / `SoftwareApplication` with `offers` of
   `Offer` / `AggregateOffer` and `UnitPriceSpecification`s, `additionalProperty`);
   the same vocabulary in `itemprop` attributes is read as `microdata`;
2. label/value pairs: `dl` (`<dt>`/`<dd>` anywhere), `table` (a label cell beside its value;
   a header row over one data row; or a row per component, its first cell the label and the
   other cells, a separate unit column included, the value), `row` (in a table of several
   offerings, the row marked as the page's own - `aria-current`, a current / selected /
   highlighted class, a "This page" note, all in bold - or naming the page's model, read
   with the header cells as labels), `pre` (key/value lines of front matter or command
   output, a heading line such as "Pricing (USD per 1M tok)" giving the unit below it),
   `faq` (a question naming a field - "How much does X cost?", "When was X released?" -
   over its answer; answers about billing in general are dropped), `text` ("Label: value"
   lines), `pairs` (a short label element followed by its value element, a unit element
   after the value joining it), `heading` (an `<h2>`-`<h6>` followed by its value), `aria` (a
   container named by `aria-label` holding its value last) and `code` (the `model` an API
   snippet calls);
3. `prose`: prices in sentences, each attached to the component its own words name ("$3
   per million input tokens") or else the nearest one named before it ("Input is billed at
   $3 per million tokens and output at $15"), and dates ("added to Acme on May 2, 2025");
   `byline`: who made and who serves the model ("A model by Acme · Served by Cloudy");
4. `chart`: the bars of an SVG chart ("Input" / "$5.00"), only where nothing else says it.

Labels in German, French, Spanish, Italian and Portuguese are read as their English
equivalents, and on pages in those languages (`<html lang>`) amounts with decimal commas,
"1 Mio." / "1 000 jetons" units and day-first dates are read as such (`localized`).
Footnote markers ("$3.00[1]", `<sup>2</sup>`) are no part of a value. An identifier right
under the `h1` (`subheading`) or introduced in a sentence as the model ID ("call it with the
model ID <code>x</code>") is the model ID.

The name falls back to `h1` and then the page `title`, without "Org / " or "pricing"-like
words about the page; an `h1` ending in an element "on Pods" names the provider, and so does
a title "Model - Pods" when nothing else does. A currency the page states once ("Prices in
EUR", OpenGraph `product:price:currency`) goes to prices that name none.
`RawOffering.methods` says which method produced each field. A model page has a name and
a price or a model ID stated as one (not a stray "ID:" line); any other page yields links
only: most pages of a site are not model pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from catalog.extract.api_json import json_pairs
from catalog.extract.html_prune import clean_name, prune
from catalog.extract.localized import (
    DAY_FIRST_LANGS,
    east_asian_amount,
    east_asian_date,
    east_asian_label,
    english_amount,
    english_label,
    iso_date,
)
from catalog.extract.records import Extracted, RawFinding, RawOffering, RawPrice

SOURCE_FORMAT = "generic_html"

_PRICE_LABELS = [  # (pattern on the normalised label, RawPrice label); first match wins
    (r"cache\w*\s*(?:write|creation|storage|store)|writ\w*\b.{0,30}\bcache", "cache_write"),
    (r"cache|cached", "cache_read"),
    (r"reasoning|thinking", "reasoning"),
    (r"\bimages?\b(?! input)|per image|image generation", "image"),
    (r"\b(?:request|call|generation|query|search)s?\b", "call"),
    (r"\b(?:input|prompt)s?\b", "input"),
    (r"\b(?:output|completion)s?\b", "output"),
    (r"\b(?:second|minute|hour)\b", "second"),
    (r"\bcharacters?\b", "character"),
]
_PRICE_PREFIX = re.compile(r"(?:from|starting (?:at|from)|starts at|as low as|only|now|"
                           r"ab|dès|à partir de|desde|da|a partir de)", re.I)
_FIELD_LABELS: dict[str, str] = {}
for _field, _names in {
    "source_model_id": ["model id", "model identifier", "api id", "api model id", "api name",
                        "model string", "model slug", "slug", "id", "identifier", "model code",
                        "api model", "model key", "api identifier", "model api name",
                        "model number", "item model number"],
    "name": ["model name", "name", "model", "display name", "title"],
    "provider": ["provider", "served by", "hosted by", "host", "inference provider",
                 "api provider", "platform", "available on", "offered by", "seller",
                 "sold by", "sold and shipped by", "fulfilled by"],
    "author": ["author", "creator", "created by", "developer", "developed by", "made by",
               "organization", "organisation", "publisher", "model creator", "lab", "maker",
               "trained by", "brand", "manufacturer", "company", "by", "owned by", "owner",
               "vendor", "family"],
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
    r"^\s*([^\W\d_][\w ()/&.,'’-]{0,48}?)\s*(?:：\s*|(?::|\s[—–]|\s-)\s+)(\S.{0,300})$")
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
    r"(?:US\$|[$€£¥₹]|\b(?:USD|EUR|GBP)\b)\s*\d|\d[\d.,]*\s*(?:€|\b(?:USD|EUR|GBP)\b)")
_PRICE_TEXT = re.compile(
    r"^\s*(?:free\b|(?:from|starting at|about|~|≈)?\s*(?:US\$|[A-Z]{0,2}\$|[€£¥₹]|"
    r"\b(?:USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF)\b)\s*\d"
    r"|\d[\d.,]*(?:e-?\d+)?\s*(?:USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF|€|\$)"
    r"|\d[\d.,]*\s*(?:/|per)\s*(?:1\s*)?(?:[mk]\b|mtok|million|thousand|tokens?|images?|"
    r"requests?|calls?))", re.I)
_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF")
# "currency EUR", "Prices in euro (EUR)", "All prices are in USD"
_CURRENCY_NOTE = re.compile(r"\b(?i:currency|prices?\s+(?:are\s+)?(?:shown\s+|quoted\s+)?in"
                            r"(?:\s+[a-z]+)?)\s*[:(]?\s*(" + "|".join(_CODES) + r")\b")
_UNIT_START = re.compile(r"^(?:/|per\b|each\b|for (?:each|every)\b)", re.I)
_PROMPT = re.compile(r"^\s*(?:[$#>%]|PS>|C:\\\S*>)\s+\S")  # "$ tool models show orca-2"
# "Input      0.30": a label and a value in two columns, apart by two spaces or more
_ALIGNED_LINE = re.compile(r"^\s{0,8}([A-Za-z][\w.()/-]*(?: [\w.()/-]+){0,4})\s{2,}"
                           r"(\S+(?: \S+)*)\s*$")
_CURRENCIES = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}
_YAML_LINE = re.compile(r"^\s{0,4}([A-Za-z][\w .-]{0,40}?)\s*:\s+(\S.{0,200})$")
_API_MODEL = re.compile(r"""["']?\bmodel(?:_?id|Id)?["']?\s*[:=]\s*["']([\w.:/@+-]{2,120})["']""")
_ID_LIKE = re.compile(r"^[@~]?[A-Za-z0-9][\w.:/@+-]*$")
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


def _field_by_prefix(norm: str) -> str | None:
    """Labels that go on to name the catalog or the model: "Added to Acme", "Listed on
    Acme since", "Released by Acme on"."""
    for prefix, field in _FIELD_PREFIXES:
        if re.match(prefix, norm):
            return field
    return None


_FIELD_PREFIXES = [
    (r"(?:date )?(?:added|listed|available|live|published) (?:to|on|in|at|since)\b",
     "date_added"),
    (r"(?:date )?first (?:added|listed|available|seen|offered)\b", "date_added"),
    (r"(?:release|launch)(?:d)? (?:date|on|by)\b", "release_date"),
    (r"(?:model )?(?:developer|creator|author|maker)s?\b", "author"),
    (r"(?:inference )?(?:provider|host)s?\b", "provider"),
    (r"(?:max(?:imum)? )?context (?:window|length|size)\b", "context_length"),
    (r"(?:on|at|in) (?:\w+ ){1,4}since$", "date_added"),  # "On Acme since"
]


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
        self.page_name = ""  # the model the page heading names
        self.abbrev_context = ""  # "128K context": used when no exact count is stated
        self.localized = False  # the page language writes decimal commas ("de", "fr")
        self.day_first = False  # ... and numeric dates day first ("20.11.2024")
        self.footer_currency: str | None = None  # "Prices in EUR" in the page footer

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
        root = tree.css_first("html")
        lang = ((root.attributes.get("lang") or "") if root is not None else "").lower()
        self.day_first = lang in DAY_FIRST_LANGS or lang[:2] in DAY_FIRST_LANGS
        self.localized = self.day_first and not lang.startswith("en")
        self.read_links(tree)
        for node in tree.css("script[type*='ld+json' i]"):
            self.read_jsonld(node.text(deep=True) or "")
        body = tree.body
        charts: list[tuple[str, str]] = []
        if body is not None:
            self.read_copy_buttons(body)
            footer = " ".join(_text(n) for n in body.css("footer, [role='contentinfo']"))
            note = _CURRENCY_NOTE.search(footer)  # "Prices in EUR" in the footer: all prices
            self.footer_currency = note.group(1) if note else None
            prune(body)
            charts = _chart_pairs(body)
            self.read_heading(body)
            self.read_microdata(body)
            self.read_json(body)
            self.read_dl(body)
            self.read_tables(body)
            self.read_pre(body)
            self.read_qa(body)
            self.read_code_mentions(body)
            self.read_text_lines(body)
            self.read_badges(body)
            self.read_pairs(body)
            self.read_aria(body)
            self.read_code(body)
            self.read_formulas(body)
            self.read_patterns(body)
            self.read_bylines(body)
            self.read_prose_dates(body)
        for label, value in charts:  # what a chart draws, when nothing else states it
            self.label_value(label, value, "chart")
        self.read_fallbacks(tree)
        if "context_length" not in self.fields and self.abbrev_context:
            self.put("context_length", self.abbrev_context, "abbrev")
        self.emit()

    # -- what a reader sees first ----------------------------------------------------

    def read_copy_buttons(self, body: LexborNode) -> None:
        """A "Copy model ID" control holds the ID it copies (read before controls go)."""
        for node in body.css("[data-copy], [data-clipboard-text], [data-copy-text]"):
            label = node.attributes.get("title") or node.attributes.get("aria-label") or ""
            value = (node.attributes.get("data-copy") or node.attributes.get(
                "data-clipboard-text") or node.attributes.get("data-copy-text") or "")
            label = re.sub(r"^\s*copy\s+(?:the\s+)?", "", label, flags=re.I)
            if label and value:
                self.label_value(label, value, "copy")
            elif value and _ID_LIKE.match(value) and _text(node) == value:
                self.put("source_model_id", value, "copy")  # a control copying what it shows

    def read_heading(self, body: LexborNode) -> None:
        """The page heading as an announcement ("X is now available on Y", "Introducing
        X") names the model and the platform; the post date beside it is the date the model
        was added. An identifier in code type right under the heading is the model ID."""
        h1 = body.css_first("h1")
        if h1 is None:
            return
        text = _text(h1)
        last = list(_children(h1))[-1:]
        where = _WHERE.match(_text(last[0])) if last and text.endswith(_text(last[0])) else None
        if where and text != _text(last[0]):  # "Orca 2 <span>on Pods</span>": name, provider
            text = text[:-len(_text(last[0]))].strip(" ·-–—|")
            self.put("name", clean_name(text), "h1")
            self.put("provider", where["who"], "h1")
        m = _ANNOUNCED.match(text) or _INTRODUCING.match(text)
        self.page_name = m["name"].strip(" '\"“”") if m else clean_name(text)
        if m:
            self.put("name", m["name"].strip(" '\"“”"), "heading")
            self.put("provider", (m["where"] or "").strip(), "heading")
            if m.re is _ANNOUNCED or _LAUNCH_WORD.search(text):
                sibling = _next_element(h1)
                for _ in range(2):
                    if sibling is None:
                        break
                    date = re.search(_DATE, _text(sibling)[:200])
                    if date:
                        self.put("date_added", date["date"], "heading")
                        break
                    sibling = _next_element(sibling)
        sub = _next_element(h1)
        code = sub.css_first("code") if sub is not None and sub.tag in ("p", "div") else None
        if code is not None and _ID_LIKE.match(_text(code)) and len(_text(sub)) < 200:
            self.put("source_model_id", _text(code), "code")
        elif sub is not None and sub.tag in ("p", "div", "span", "small", "code", "kbd", "samp"
                                             ) and _is_leafish(sub) and _looks_like_id(_text(sub)):
            self.put("source_model_id", _text(sub), "subheading")  # an ID under the name

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
            m = _SERVED_BY.search(text) or _ON_WHO.search(text)
            if m:
                self.put("provider", re.sub(r"\s+API$", "",
                                            m["who"].strip()), "byline")
            m = _MADE_BY.search(text)
            if m:
                self.put("author", m["who"].strip(), "byline")

    # -- 2. label / value pairs --------------------------------------------------------

    def label_value(self, label: str, value: str, method: str) -> bool:
        """Records one label/value pair; True when the label meant something."""
        label = _FOOTNOTE.sub("", " ".join(label.replace("_", " ").split())).strip(" :：-–")
        value = re.split(r"\s+[·•|]\s+", " ".join(value.split()))[0]
        value = _MARKER.sub("", _FOOTNOTE.sub("", value)).strip()
        if not label or not value or len(label) > 60:
            return False
        if self.localized or not (_price_label(label) or _FIELD_LABELS.get(_norm_label(label))
                                  or _field_by_prefix(_norm_label(label))):
            label = (english_label(label) or east_asian_label(label)  # "Kontextfenster",
                     or label)  # "Entrée en cache", "コンテキスト長"
        value = _money_words(east_asian_amount(value))  # "$0.2 / 100万トークン"
        if self.localized:  # "1,25 $ pro 1 Mio. Token", "1.048.576 Token"
            value = english_amount(value)
        cents = re.fullmatch(r"(\d+(?:\.\d+)?)\s*¢", value)
        if cents:  # "0.004¢" in a column of cents
            value = f"${Decimal(cents[1]) / 100}"
        currency = _LABEL_CURRENCY.search(label)
        if currency is not None and _BARE_NUMBER.match(value):  # "Input ($/1M)" over "0.30"
            code = currency.group(0)
            value = f"{code} {value}" if code.isalpha() else f"{code}{value}"
        if _is_price(value):
            unit = _UNIT_PHRASE.search(label)
            if unit is not None and not _HAS_UNIT.search(value):
                value = f"{value} {unit.group(0)}"  # "Input (per 1K tokens)" over "$0.003"
            component = _price_label(label)
            if component is None and _PRICE_PREFIX.fullmatch(label):
                component = _price_label(value)  # "from" "$1.25 / 1M input tokens"
            if component is None and re.search(r"price|pricing|cost|rate|fee", label.lower()):
                component = _price_label(value) or "price"
            if component is not None:
                self.put_price(component, value, method)
                return True
        norm = _norm_label(label)
        field = _FIELD_LABELS.get(norm) or _field_by_prefix(norm)
        if field is None and _ID_LIKE.match(value) and re.search(
                r"\b(?:api|id|identifier|slug|endpoint name)\b", norm):
            field = "source_model_id"  # "API model name", "Model ID (API)", "HF id"
        if field is None:
            return False
        if field == "name" and norm == "model" and _ID_LIKE.match(value) and " " not in value:
            field = "source_model_id"
        if field == "source_model_id" and not _ID_LIKE.match(value):
            return False
        if field in ("date_added", "release_date"):
            value = value.lstrip("@ ")  # a date mention: "@May 8, 2025"
            if not re.search(r"\d", value):
                return False
            where = re.match(r"(?:on|at|in)\s+(?!the\b|our\b|this\b)([A-Z]\S*(?: \S+){0,3})"
                             r"\s+since$", label)
            if where:  # "On Pods since": the platform serving the model
                self.put("provider", re.sub(r"['’]s$", "", where[1]), method)
            value = (iso_date(value, self.day_first) or east_asian_date(value)
                     or value)  # "5. September 2025", "2025年7月22日"
        self.put(field, value, method)
        return True

    def read_json(self, body: LexborNode) -> None:
        """A JSON model record in a code block (an API reference's example response)."""
        for node in body.css("pre, code"):
            if node.tag == "code" and node.parent is not None and node.parent.tag == "pre":
                continue
            text = (node.text(deep=True) or "").strip()
            if text.startswith("{") and len(text) < 20000:
                for label, value in json_pairs(text):
                    self.label_value(label, value, "json")

    def read_badges(self, body: LexborNode) -> None:
        """Chips that carry their label in their own words: "128K context", "$3/M in",
        "In $3/M", "0.3 USD/Mtok cached"."""
        for node in body.css("li, span, div, p, small, strong, b"):
            text = _text(node)
            if not text or len(text) > 48 or not _is_leafish(node):
                continue
            m = _BADGE_CONTEXT.match(text)
            if m:
                amount = m["n"].replace(" ", "")
                if amount[-1] in "kKmM":
                    self.abbrev_context = self.abbrev_context or amount.upper()
                else:
                    self.put("context_length", amount, "badge")
                continue
            found = _badge_price(text)
            if found:
                self.put_price(found[0], found[1], "badge")

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
            cells = _grid(rows)
            cells = [c for c in cells if any(c)]
            if not cells:
                continue
            header = cells[0] if rows and rows[0].css_first("th") is not None and all(
                c.tag == "th" for c in _children(rows[0]) if c.tag in ("th", "td")) else None
            if header is not None and {_norm_label(h) for h in header} >= {"type"} and (
                    {_norm_label(h) for h in header} & {"description", "field", "name",
                                                        "parameter", "key"}):
                continue  # an API schema: what the fields mean, not their values
            column = self.own_column(rows[0]) if header is not None and len(header) > 2 \
                else None
            if header is not None and column is not None:  # models side by side: own column
                for row in cells[1:]:
                    if len(row) == len(header):
                        self.label_value(row[0], row[column], "column")
                continue
            own = self.own_row(rows[1:], len(header)) if header is not None and len(
                cells) > 2 and _names_fields(header) else None
            if header is not None and own is not None:  # offerings side by side: own row
                self.read_row(header, own)
                continue
            if header is not None and len(cells) == 2 and len(cells[1]) == len(header) > 2:
                for label, value in zip(header, cells[1], strict=True):
                    self.label_value(label, value, "table")
                continue
            if header is not None and len(header) > 2 and not _names_fields(header[1:]):
                # "Component | Price | Unit": each row a label and a value in several cells
                for row in cells[1:]:
                    if len(row) >= 2:
                        self.label_value(row[0], " ".join(c for c in row[1:] if c), "table")
                continue
            unit = ""
            if header is not None and len(header) == 2:
                found = _UNIT_PHRASE.search(header[1])
                unit = f" ({found.group(0)})" if found else ""
            for row in cells[1:] if header is not None else cells:
                if header is not None and len(row) > len(header) == 2:  # a label over rows
                    self.label_value(" ".join(row[:-1]) + unit, row[-1], "table")
                elif len(row) >= 2:
                    self.label_value(row[0] + unit, row[1], "table")

    def own_row(self, rows: list[LexborNode], width: int) -> LexborNode | None:
        """The row of a table of offerings that is the page's own: the one marked current /
        selected / highlighted ("This page", `aria-current`, all in bold), else the one that
        names the page's heading, model ID or URL slug."""
        rows = [r for r in rows if len(_cells(r)) == width]
        marked = [r for r in rows if _is_marked(r)]
        if len(marked) == 1:
            return marked[0]
        names = {_norm_name(self.page_name), _norm_name(self.fields.get("source_model_id", "")),
                 _norm_name(unquote(urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1]))}
        names.discard("")
        named = [r for r in rows if any(_norm_name(t) in names for c in _cells(r)
                                        for t in [_text(c), *(_text(k) for k in c.css("code"))])]
        return named[0] if len(named) == 1 else None

    def read_row(self, header: list[str], row: LexborNode) -> None:
        """One row read with the header cells as its labels; a cell holding a name and a
        model ID in code type ("Orca 2 <br><code>orca-2</code>") gives both."""
        for label, cell in zip(header, _cells(row), strict=False):
            value = _text(cell)
            for code in cell.css("code"):
                ident = _text(code)
                if _is_code_id(ident) and ident != value:
                    self.put("source_model_id", ident, "row")
                    head, _, tail = value.rpartition(ident)
                    value = f"{head} {tail}"
            self.label_value(label, value, "row")

    def own_column(self, header_row: LexborNode) -> int | None:
        """The column of a comparison table that is the page's own model: its header cell
        marked current / selected ("You are viewing", `aria-current`), else the one that
        names the page's heading or URL slug."""
        heads = [c for c in _children(header_row) if c.tag in ("th", "td")]
        h1 = _norm_name(self.page_name)
        slug = _norm_name(urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1])
        named = []
        for k, cell in enumerate(heads[1:], 1):
            classes = set((cell.attributes.get("class") or "").lower().split())
            if cell.attributes.get("aria-current") is not None or classes & {
                    "current", "selected", "active", "is-current", "is-selected"} or (
                    _CURRENT_WORDS.search(_text(cell))):
                return k
            name = _norm_name(_text(cell))
            if name and name in (h1, slug):
                named.append(k)
        return named[0] if len(named) == 1 else None

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
                    continue
                for part in re.split(r"\s+[·•|]\s+", line):
                    self.read_label_words(part)

    def read_label_words(self, part: str) -> None:
        """ "Context window 2,000,000 tokens", "Released Nov 20, 2025", "On Acme since
        2025-11-20": a field label followed by its number or date, no separator."""
        words = part.split()
        for k in range(1, min(5, len(words) - 1) + 1):
            label, value = " ".join(words[:k]), " ".join(words[k:])
            if not re.match(r"\d|" + _MONTH, value):
                continue
            norm = _norm_label(label)
            field = _FIELD_LABELS.get(norm) or _field_by_prefix(norm)
            if (field == "context_length" and re.fullmatch(r"[\d,.]+\s*(?:tokens?)?", value)) or (
                    field in ("date_added", "release_date") and re.match(_DATE, value)):
                self.put(field, value, "text")
                return

    def read_pairs(self, body: LexborNode) -> None:
        for node in body.css("*"):
            if node.tag in ("html", "body", "script", "style", "table", "tr", "th", "td", "dl",
                            "dt", "dd"):
                continue
            label = _text(node)
            if not label or len(label) > 48 or not _is_leafish(node):
                continue
            value_node = _next_element(node)
            if value_node is None or not _is_leafish(value_node):
                continue
            value = _text(value_node)
            if _is_price(label) and len(value) < 48 and not _MONEY_START.search(value) and (
                    _UNIT_START.match(value) or _price_label(value)):
                component = _price_label(value)  # "$1" "per 1M input tokens", "Free" "input"
                if component in ("input", "output", "cache_read", "cache_write"):
                    self.put_price(component, f"{label} {value}" if _UNIT_START.match(value)
                                   else label, "pairs")
                continue
            if _badge_price(value):
                continue  # "$3/M in" names its own component
            unit_node = _next_element(value_node)
            if unit_node is not None and _is_leafish(unit_node) and _UNIT_START.match(
                    _text(unit_node)):
                value = f"{value} {_text(unit_node)}"  # "Input" "$0.30" "per 1M tokens"
            if value and len(value) <= 200:
                method = "heading" if node.tag in ("h2", "h3", "h4", "h5", "h6") else "pairs"
                self.label_value(label, value, method)

    def read_qa(self, body: LexborNode) -> None:
        """Questions and answers (`<details><summary>`, `<dt>`/`<dd>`, a heading ending in
        "?" over its answer): a question that names a field ("How much does Orca 2 cost?",
        "How large is the context window?", "When was it released?", "Since when is it
        available?") has the value in its answer. Answers about billing in general
        (fees, top-ups, failed requests) are dropped: their amounts are no model prices."""
        for question, answer in _questions(body):
            kind = _question_kind(question)
            text = " ".join(_text(n) for n in answer)
            if kind == "billing":
                for node in answer:
                    node.remove()
                continue
            if kind == "price":
                for node in answer:
                    for block in [node, *node.css("p, li, dd, td, div, span")]:
                        if _is_leafish(block):
                            for sentence in _SENTENCE_END.split(_text(block)):
                                self.read_sentence_prices(sentence, "faq")
            elif kind == "context_length":
                text = text.replace(self.page_name, " ") if self.page_name else text
                m = _ANSWER_TOKENS.search(text) or _ANSWER_COUNT.search(text)
                if m:
                    self.put("context_length", m["n"].replace(" ", ""), "faq")
            elif kind in ("release_date", "date_added"):
                date = self.find_date(text)
                if date:
                    self.put(kind, date, "faq")
            elif kind == "source_model_id":
                code = next((c for n in answer for c in n.css("code") if _ID_LIKE.match(
                    _text(c))), None)
                if code is not None:
                    self.put("source_model_id", _text(code), "faq")

    def find_date(self, text: str) -> str | None:
        """The first date `text` states, English or localized ("5. September 2025")."""
        m = re.search(_DATE, text)
        if m:
            return m["date"]
        for m in _LOCAL_DATE.finditer(text):
            iso = iso_date(m.group(0), self.day_first)
            if iso:
                return iso
        return None

    def read_code_mentions(self, body: LexborNode) -> None:
        """An identifier in code type that a sentence introduces as the model ID ("call it
        with the model ID <code>orca-2</code>", "API name: <code>orca-2</code>")."""
        for code in body.css("code, kbd, samp"):
            parent = code.parent
            if parent is None or parent.tag == "pre" or not _is_code_id(_text(code)):
                continue
            before, sibling = "", code.prev
            while sibling is not None and len(before) < 60:
                before = (sibling.text(deep=True) or "") + before
                sibling = sibling.prev
            if _ID_INTRO.search(" ".join(before.split())[-60:]):
                self.put("source_model_id", _text(code), "code")

    def read_aria(self, body: LexborNode) -> None:
        """A container named by `aria-label` ("Context window") holding its value last."""
        for node in body.css("[aria-label]"):
            label = node.attributes.get("aria-label") or ""
            kids = list(_children(node))
            if len(kids) >= 2 and len(label) <= 48 and _is_leafish(kids[-1]):
                self.label_value(label, _text(kids[-1]), "aria")

    def read_pre(self, body: LexborNode) -> None:
        """Plain-text key/value blocks in code type: front matter ("model_id: orca-2") and
        command output with aligned columns ("Input      0.30"). A line that is only a
        heading ("Pricing (USD per 1M tok)") gives its currency and unit to the bare amounts
        below it, up to a blank line or the next command ("$ tool models show orca-2").
        Lines of more than two columns are a table of many models and are skipped."""
        for node in body.css("pre, code"):
            if node.tag == "code" and node.parent is not None and node.parent.tag == "pre":
                continue
            text = node.text(deep=True) or ""
            if "\n" not in text.strip() and node.tag == "code":
                continue
            currency, unit = "", ""
            for line in text.splitlines():
                if not line.strip() or _PROMPT.match(line):
                    currency, unit = "", ""
                    continue
                m = _ALIGNED_LINE.match(line) or _YAML_LINE.match(line)
                if m is None:
                    code = _LABEL_CURRENCY.search(line)
                    found = _UNIT_PHRASE.search(line)
                    if (code or found) and len(line) <= 80:  # "Prices in EUR per 1K tokens"
                        currency = _CURRENCIES.get(code.group(0), code.group(0)) if code else ""
                        unit = found.group(0) if found else ""
                    continue
                label, value = m[1].strip(), m[2].strip().strip("'\"")
                if (currency or unit) and _price_label(label) and re.fullmatch(
                        r"[$€£]?\d[\d,]*(?:\.\d+)?", value):
                    own = value[0] in "$€£"  # the amount's own currency comes first
                    value = f"{value} {'' if own else currency} {unit}"
                self.label_value(label, value, "pre")

    def read_code(self, body: LexborNode) -> None:
        """Code blocks: the model an API snippet calls."""
        for node in body.css("pre, code"):
            if node.tag == "code" and node.parent is not None and node.parent.tag == "pre":
                continue
            text = node.text(deep=True) or ""
            if "\n" not in text.strip() and node.tag == "code":
                continue
            m = _API_MODEL.search(text)
            if m:
                self.label_value("model id", m[1], "code")

    # -- 3. price patterns in running text ---------------------------------------------

    def read_patterns(self, body: LexborNode) -> None:
        """Prices in sentences ("Input is billed at $3 per million tokens and output at
        $15"): each amount goes to the component its own words name ("per 1M input
        tokens"), else to the nearest component named before it in the same sentence."""
        for block in body.css("p, li, td, dd, div, span, section, article"):
            if not _is_leafish(block):
                continue
            for sentence in _SENTENCE_END.split(_text(block)):
                self.read_sentence_prices(sentence)

    def read_formulas(self, body: LexborNode) -> None:
        """A cost formula in code type ("cost (USD) = 5 x input_tokens / 1,000,000 + 25 x
        output_tokens / 1,000,000") states a price per token component."""
        for node in body.css("pre, code"):
            text = _text(node)
            if len(text) < 400 and _FORMULA_TERM.search(text):
                self.read_sentence_prices(text, "formula")

    def read_sentence_prices(self, sentence: str, method: str = "prose") -> None:
        sentence = _money_words(sentence)
        if _WORKED_EXAMPLE.search(sentence):
            return  # "12,000 x $3/1M + 800 x $15/1M = $0.048" computes a total
        starts = [m.start() for m in _MONEY_START.finditer(sentence)]
        starts = sorted(starts + [m.start() for m in _FREE_WORD.finditer(sentence)])
        done = 0
        for k, start in enumerate(starts):
            segment = sentence[start:starts[k + 1] if k + 1 < len(starts) else len(sentence)]
            segment = re.split(r"[;,]\s+(?:and\s+)?|\s+and\s+|\.\s|\s+[·•|+]\s+",
                               segment)[0].strip(" ;+")
            before, done = sentence[done:start], start + len(segment)
            if not _is_price(segment):
                continue
            clause = re.split(r"[,;:]\s|\band\b|\bwhile\b|\bwhereas\b", before)[-1]
            label = _price_label(segment) or _price_label(clause) or _nearest_component(before)
            if label in ("input", "output", "cache_read", "cache_write", "image", "call",
                         "reasoning"):
                self.put_price(label, segment.rstrip(".").strip(), method)

    def read_prose_dates(self, body: LexborNode) -> None:
        """ "This model was added to Acme on May 2, 2025", "Available since 2025-05-02",
        "Released 6 Nov 2025": the verb says which date it is."""
        for node in body.css("p, li, div, span, small, section, header"):
            if not _is_leafish(node):
                continue
            text = _text(node)
            for sentence in _SENTENCE_END.split(text):
                m = _PROSE_CONTEXT.search(sentence)
                if m:
                    self.put("context_length", m["n"] or m["m"], "prose")
            if self.page_name and "author" not in self.fields:
                m = re.search(re.escape(self.page_name) + r"\s+from\s+" + _WHO.replace(
                    "[A-Z0-9]", "[A-Za-z0-9]", 1), text)
                if m:
                    self.put("author", m["who"], "byline")
            for m in (m for part in _SENTENCE_END.split(text) if len(part) <= 300
                      for m in _PROSE_DATE.finditer(part)):
                verb = m["verb"].lower()
                field = "release_date" if verb in ("launched", "released") else "date_added"
                self.put(field, m["date"], "prose")

    # -- fallbacks and the record ------------------------------------------------------

    def read_fallbacks(self, tree: LexborHTMLParser) -> None:
        self.put("catalog", _meta(tree, "og:site_name"), "meta")
        h1 = tree.css_first("h1")
        self.put("name", clean_name(_text(h1)) if h1 is not None else None, "h1")
        title = _meta(tree, "og:title") or _text(tree.css_first("title"))
        parts = re.split(r"\s+[|–—·-]\s+", title or "")
        if title:
            self.put("name", clean_name(parts[0]), "title")
        if len(parts) > 1 and not _SITE_WORDS.search(parts[-1]) and _norm_name(
                clean_name(parts[0])) in (
                _norm_name(self.fields.get("name", "")), _norm_name(self.page_name)):
            self.put("provider", parts[-1], "title")  # "Orca 2 | Pods": the site sells it
        self.put("description", _meta(tree, "description"), "meta")
        self.put("currency", _meta(tree, "product:price:currency") or _meta(
            tree, "og:price:currency"), "meta")
        m = _CURRENCY_NOTE.search(tree.body.text(deep=True, separator=" ") or "") if (
            tree.body is not None) else None
        self.put("currency", m.group(1) if m else None, "text")
        self.put("currency", self.footer_currency, "footer")

    def emit(self) -> None:
        has_id = "source_model_id" in self.fields
        if not (self.prices or has_id) or not ("name" in self.fields or has_id):
            return
        if not has_id and all(m == "prose" for _, m in self.prices.values()):
            return  # prices in prose under a heading: an article, not a model page
        if self.methods.get("name") in ("h1", "title") and not self.prices and (
                self.methods.get("source_model_id") in _WEAK_ID_METHODS):
            return  # a heading and a stray "ID:" line do not make a model page
        slug = unquote(urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1])
        if not has_id and _ID_LIKE.match(slug) and _norm_name(slug) == _norm_name(
                self.fields.get("name", "")):
            self.put("source_model_id", slug, "url")  # the URL names the model, weakly
        currency = (self.fields.get("currency") or "").upper()
        if currency in _CODES:
            for label, (price, method) in list(self.prices.items()):
                if not _LABEL_CURRENCY.search(price.text):  # "Free", "0.30 / 1M tokens"
                    text = (f"{price.text} {currency}" if price.text.lower().startswith("free")
                            else f"{currency} {price.text}")
                    self.prices[label] = (price.model_copy(update={"text": text}), method)
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


_QUESTION_KINDS = [  # (pattern on a question, what its answer states); first match wins
    (r"\b(?:fees?|top-?ups?|minimum|failed|errors?|refunds?|invoices?|credits?|subscriptions?|"
     r"plans?|taxe?s?|vat|discounts?|free tier|trial|payment|pay(?:ing)? with|billing cycle)\b",
     "billing"),
    (r"\bcontext\b|how many tokens|token limit|how long can (?:a|the|my) (?:prompt|input)|"
     r"kontext|contexte|contexto|contesto",
     "context_length"),
    (r"\b(?:model id|identifier|api name|slug|which id|what id)\b|\bcall it\b", "source_model_id"),
    (r"\b(?:released?|launch(?:ed)?|publish(?:ed)?|came out|come out|announced)\b|"
     r"veröffentlicht|publié|sorti|lanzad|rilasciat|lançad", "release_date"),
    (r"since when|\b(?:available|added|listed|use it|use this model|access it)\b|seit wann|"
     r"depuis quand|desde cu[aá]ndo|da quando|disponible|verfügbar", "date_added"),
    (r"\b(?:how much|cost|costs|price|prices|pricing|priced|charged?|billed|pay|cheaper|"
     r"expensive)\b|kostet|preis|co[uû]te|prix|cuesta|precio|costa|prezzo|custa|preço", "price"),
]
_ANSWER_COUNT = re.compile(r"(?<![\d.,])(?P<n>\d+(?:\.\d+)?\s?[KkMm]\b|\d{1,3}(?:[, \u00a0]\d{3})+|"
                           r"\d{3,})"
                           r"(?![\d.,]\d)")
_ANSWER_TOKENS = re.compile(_ANSWER_COUNT.pattern + r"(?=\s*(?:-\s*)?(?:tokens?\b|of context))",
                            re.I)
_LOCAL_DATE = re.compile(r"\b\d{1,2}(?:\.|er|º)?\s+(?:de\s+)?[^\W\d_]{3,10}\.?\s+(?:de\s+)?\d{4}\b"
                         r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b")
_ID_INTRO = re.compile(r"\b(?:model\s+)?(?:id|identifier|slug|api\s+name|model\s+name|"
                       r"model\s+string|model\s+code)\s*(?:is|:|=)?\s*$", re.I)


def _question_kind(question: str) -> str | None:
    for pattern, kind in _QUESTION_KINDS:
        if re.search(pattern, question, re.I):
            return kind
    return None


def _questions(body: LexborNode) -> list[tuple[str, list[LexborNode]]]:
    """(question, answer nodes) of `<details>`, `<dt>`/`<dd>` and heading Q&A blocks."""
    found: list[tuple[str, list[LexborNode]]] = []
    for details in body.css("details"):
        summary = details.css_first("summary")
        if summary is not None:
            found.append((_text(summary), [c for c in _children(details) if c.tag != "summary"]))
    for dt in body.css("dt, h2, h3, h4, h5, h6"):
        question = _text(dt)
        if not question.endswith("?") or len(question) > 200:
            continue
        answer: list[LexborNode] = []
        node = _next_element(dt)
        while node is not None and node.tag not in ("dt", "h1", "h2", "h3", "h4", "h5", "h6",
                                                     "details", "section", "article"):
            answer.append(node)
            if node.tag == "dd":
                break
            node = _next_element(node)
        if answer:
            found.append((question, answer))
    return found


# a title ending that names a site about models, not a platform serving them
_SITE_WORDS = re.compile(r"\b(?:docs?|documentation|help|blog|wiki|reference|guides?|faq|news|"
                         r"catalog(?:ue)?|directory|index|hub|compare|database)\b|wiki\b", re.I)
_WHERE = re.compile(r"^(?:on|at|via|bei|chez|en|su|em|sur)\s+(?P<who>\S.{0,60})$", re.I)


def _chart_pairs(body: LexborNode) -> list[tuple[str, str]]:
    """(label, value) of the bars of SVG charts, which are then removed: a group of one
    label text and one price text ("Input", "$5.00"), the unit and currency the chart
    states once ("USD per 1M tokens") added. Chart labels come after every other source:
    an accessible table or list beside the chart says the same in words."""
    pairs: list[tuple[str, str]] = []
    for svg in body.css("svg"):
        texts = [_text(t) for t in svg.css("text")]
        unit = next((m.group(0) for t in texts if (m := _UNIT_PHRASE.search(t))), "")
        code = next((m.group(0) for t in texts if not _is_price(t) and (
            m := _LABEL_CURRENCY.search(t))), "")
        for group in svg.css("g"):
            words = [_text(t) for t in group.css("text")]
            prices = [w for w in words if _is_price(w) or _BARE_NUMBER.match(w)]
            labels = [w for w in words if w not in prices]
            if len(prices) == 1 and len(labels) == 1:
                value = prices[0]
                if _BARE_NUMBER.match(value) and code:
                    value = f"{code} {value}"
                if unit and not _HAS_UNIT.search(value):
                    value = f"{value} {unit}"
                pairs.append((labels[0], value))
        svg.remove()
    return pairs


def _is_code_id(text: str) -> bool:
    """An identifier in code type: one token, or "Org Name/model" (an owner with a space)."""
    return bool(_ID_LIKE.match(text) or re.fullmatch(r"[\w.:@+-]+(?: [\w.:@+-]+){0,2}/[\w.:/@+-]+",
                                                      text))


def _looks_like_id(text: str) -> bool:
    """ "claude-opus-4-6", "org/model-7b": one token with the punctuation of a model ID."""
    return bool(_ID_LIKE.match(text)) and 3 <= len(text) <= 120 and bool(
        re.search(r"[-/_.:]", text)) and bool(re.search(r"[a-z]", text))


def _grid(rows: list[LexborNode]) -> list[list[str]]:
    """The cell texts of each row with merged cells expanded: a `rowspan` cell is read in
    each row it spans (a label over several rows), a `colspan` cell once per row."""
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still spanned, text)
    grid: list[list[str]] = []
    for row in rows:
        out: list[str] = []
        col = 0
        for cell in _cells(row):
            while col in pending:
                left, text = pending.pop(col)
                out.append(text)
                if left > 1:
                    pending[col] = (left - 1, text)
                col += 1
            text = _text(cell)
            out.append(text)
            down = _span(cell.attributes.get("rowspan"))
            width = _span(cell.attributes.get("colspan"))
            for k in range(width):
                if down > 1:
                    pending[col + k] = (down - 1, text)
            col += width
        while col in pending:
            left, text = pending.pop(col)
            out.append(text)
            if left > 1:
                pending[col] = (left - 1, text)
            col += 1
        grid.append(out)
    return grid


def _span(value: str | None) -> int:
    return min(int(value), 50) if value and value.strip().isdigit() and int(value) > 0 else 1


def _cells(row: LexborNode) -> list[LexborNode]:
    return [c for c in _children(row) if c.tag in ("th", "td")]


_MARK_CLASS = re.compile(r"current|selected|active|highlight|\bhi\b|--hi\b|is-own|\bown\b", re.I)


def _is_marked(row: LexborNode) -> bool:
    """True for a table row marked as the page's own: `aria-current` / `aria-selected`, a
    class saying current / selected / highlighted, a "This page" / "You are here" note, or
    every cell in bold."""
    if row.attributes.get("aria-current") not in (None, "false") or (
            row.attributes.get("aria-selected") == "true") or _MARK_CLASS.search(
            row.attributes.get("class") or ""):
        return True
    if _MARKER.search(_text(row)):
        return True
    cells = [c for c in _cells(row) if _text(c)]
    return bool(cells) and all(
        any(_text(b) == _text(c) for b in c.css("strong, b")) for c in cells)


def _names_fields(labels: list[str]) -> bool:
    """True when header cells are field labels ("Input ($/1M)", "Context window"), not the
    names of a row's parts ("Price", "Unit", "Value")."""
    return any(_price_label(label) or _FIELD_LABELS.get(_norm_label(label))
               or _field_by_prefix(_norm_label(label)) for label in labels)


_FORMULA_CURRENCY = re.compile(r"\b(?:cost|price|total|charge)\w*\s*\(\s*(USD|EUR|GBP|[$€£])\s*\)",
                               re.I)
_FORMULA_TERM = re.compile(
    r"(?P<cur>[$€£])?\s*(?P<n>\d+(?:\.\d+)?(?:e-?\d+)?)\s*[x\u00d7*·]\s*(?P<comp>[a-z]+(?:_[a-z]+)*?)"
    r"_tokens?\b(?:\s*/\s*(?P<per>1,000,000|1000000|1_000_000|1e6|10\*\*6|1,000|1000|1_000|1e3))?",
    re.I)
_PER_WORDS = {"1,000,000": "1M", "1000000": "1M", "1_000_000": "1M", "1e6": "1M",
              "10**6": "1M", "1,000": "1K", "1000": "1K", "1_000": "1K", "1e3": "1K"}
_CENTS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(euro\s+|€\s*)?(?:cents?|¢)\b", re.I)
_WORDED = re.compile(r"(?<![\w.$€£])(\d+(?:\.\d+)?)\s*(dollars?|euros?|pounds?)\b", re.I)
_WORKED_EXAMPLE = re.compile(r"\d\s*[x\u00d7*]\s*[$€£]?\d[^=]{0,80}=\s*[$€£]?\s*\d|"
                             r"^\s*(?:example|for example|e\.g\.)\b", re.I)
_NOTHING = re.compile(r"\b(billed|charged|priced)\s+at\s+(?:nothing|zero|no cost)\b"
                      r"(?:\s+instead\b)?", re.I)


def _money_words(text: str) -> str:
    """Amounts in words and formulas as amounts with a sign: "11.5 cents" -> "$0.115",
    "1.25 dollars" -> "$1.25", "billed at nothing" -> "billed at free", "5 x input_tokens /
    1,000,000" -> "$5 per 1M input tokens" (in the currency the formula names)."""
    text = _CENTS.sub(lambda m: f"{'€' if m[2] else '$'}{Decimal(m[1]) / 100}", text)
    text = _WORDED.sub(lambda m: f"{ {'d': '$', 'e': '€', 'p': '£'}[m[2][0].lower()]}{m[1]}",
                       text)
    text = _NOTHING.sub(r"\1 at free", text)
    if _FORMULA_TERM.search(text):
        cur = _FORMULA_CURRENCY.search(text)
        sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(cur[1].upper(), cur[1]) if cur else "$"

        def term(m: re.Match[str]) -> str:
            per = f" per {_PER_WORDS[m['per']]}" if m["per"] else " per"
            comp = m["comp"].replace("_", " ")
            return f"{m['cur'] or sign}{m['n']}{per} {comp} tokens;"
        text = _FORMULA_TERM.sub(term, text)
    return text


def _nearest_component(text: str) -> str | None:
    """The price component the last component word in `text` names."""
    best: tuple[int, str] | None = None
    for pattern, name in _PRICE_LABELS:
        for m in re.finditer(pattern, text.lower()):
            if best is None or m.end() > best[0]:
                best = (m.end(), name)
    return best[1] if best else None


# sources of a model ID that alone do not make a heading a model page
_WEAK_ID_METHODS = (None, "text", "pairs", "aria", "heading", "prose", "url")
_FOOTNOTE = re.compile(r"\s*\[(?:\d{1,2}|[a-z*†‡]|note\s*\d+)\]|[¹²³⁴⁵⁶⁷⁸⁹⁰†‡]+")
_MARKER = re.compile(r"\s*(?:[(\[](?:this page|you are here|this model|current|selected|you)"
                     r"[)\]]|\b(?:this page|you are here|you(?:'re| are) viewing)\b)", re.I)
_FREE_WORD = re.compile(r"\bfree(?= of charge\b|[.,;]|$)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


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


_WHO_WORD = r"[A-Z0-9][\w&'’-]*(?:[.:][\w&'’-]+)*"  # "Pod.AI", not "Pods." ending a sentence
_WHO = rf"(?P<who>{_WHO_WORD}(?:\s+{_WHO_WORD}){{0,3}}(?:\s+\([A-Z][\w .&-]{{0,24}}\))?)"
_SERVED_BY = re.compile(r"\b(?i:hosted|served|available|running|runs|deployed|offered|billed|"
                        r"sold|resold|metered)\s+"
                        r"(?i:on|by|via|at|through)\s+(?:this platform by\s+|the\s+)?" + _WHO)
_ON_WHO = re.compile(r"\b(?:On|At|Via)\s+" + _WHO.replace("[A-Z0-9]", "[A-Za-z0-9]", 1)
                     + r",?\s+you\s+(?:can\s+)?(?:call|use|run|"
                     r"access|reach|find|get)\b")
_MADE_BY = re.compile(r"(?:^|\b(?i:developed|made|created|built|trained|released|published|"
                      r"model|models)\s+)(?i:by)\s+" + _WHO.replace("[A-Z0-9]", "[A-Za-z0-9]", 1))
_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?")
_DATE = (r"(?P<date>\d{4}-\d{2}-\d{2}|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
         r"\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4})")
_PROSE_DATE = re.compile(r"\b(?P<verb>added|listed|available\s+(?:since|from)|launched|released)"
                         r"\b(?:(?!retriev|accessed|checked|updated|fetched)[^.;]|\.(?!\s)){0,60}?\b"
                         + _DATE, re.I)


_ANNOUNCED = re.compile(
    r"^(?P<name>.+?)\s+(?:is\s+|are\s+)?(?:now\s+(?:generally\s+)?(?:available\s+|live\s+)?|"
    r"(?:generally\s+)?available\s+(?:now\s+)?|launch(?:es|ed)\s+|arrives?\s+|lands?\s+)"
    r"(?:on|in|at|via|through)\s+(?P<where>.+?)[.!]?$", re.I)
_INTRODUCING = re.compile(r"^(?:introducing|announcing|meet|say hello to)\s+(?P<name>.+?)"
                          r"(?:\s+(?:on|in|at|via)\s+(?P<where>.+?))?[.!]?$", re.I)
_LAUNCH_WORD = re.compile(r"\b(?:available|now|launch\w*)\b", re.I)
_CURRENT_WORDS = re.compile(r"\b(?:you are viewing|you're viewing|this model|current"
                            r"(?:ly viewing)?)\b", re.I)
_NUM_ABBR = r"\d[\d,]*(?:\.\d+)?\s*[KkMm]?"
_BADGE_CONTEXT = re.compile(rf"^(?P<n>{_NUM_ABBR})\s*(?:-?\s*tokens?\s+)?(?:context|ctx)"
                            r"(?:\s+(?:window|length))?$", re.I)
_PROSE_CONTEXT = re.compile(
    r"\b(?P<n>\d[\d,]*)[- ]tokens?\s+context\b|\bcontext\s+(?:window|length)\s+(?:of|is|:)\s+"
    r"(?:up\s+to\s+)?(?P<m>\d[\d,]*(?:\.\d+)?(?:\s?[KkMm]\b)?)(?:[- ]tokens?\b|(?![\w.,%]))",
    re.I)
_BADGE_WORDS = {"in": "input", "input": "input", "prompt": "input", "out": "output",
                "output": "output", "completion": "output", "cached": "cache_read",
                "cache": "cache_read", "cache read": "cache_read", "cached input": "cache_read",
                "cache write": "cache_write"}
_BADGE_WORD = "|".join(sorted(_BADGE_WORDS, key=len, reverse=True))
_BADGE_PRICE = re.compile(rf"^(?:(?P<pre>{_BADGE_WORD})\s+(?P<a>\S.*?)|(?P<b>\S.*?)\s+"
                          rf"(?P<post>{_BADGE_WORD}))$", re.I)


def _badge_price(text: str) -> tuple[str, str] | None:
    """(component, price) of a chip naming its component in one short word: "$3/M in",
    "Out €0.3/1M", "0.3 USD/Mtok cached"; None for anything else."""
    m = _BADGE_PRICE.match(text)
    if m is None:
        return None
    price = m["a"] or m["b"]
    if not _is_price(price) or not (_HAS_UNIT.search(price) or price.lower() == "free"):
        return None
    return _BADGE_WORDS[(m["pre"] or m["post"]).lower()], price


def _norm_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


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


def _next_element(node: LexborNode) -> LexborNode | None:
    """The next sibling element, None when non-blank text comes first."""
    sibling = node.next
    while sibling is not None and sibling.tag in ("-text", "-comment"):
        if sibling.tag == "-text" and (sibling.text() or "").strip():
            return None
        sibling = sibling.next
    return sibling


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
