"""What of an unknown HTML page is not about the page's own model, removed before reading it.

Only what a reader sees counts: `hidden`, `aria-hidden`, `display:none` content and tab panels
other than the selected one go first. A model page carries more than its model's facts:
navigation, scripts, controls, cost calculators whose outputs are estimates, and lists of
*other* models with their own prices ("Related", "Similar models", "You may also like",
"Compare"). `prune` drops those so that the readers see only what the page states about its
model, and `clean_name` turns a page heading into the model name it carries.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# controls and machine parts: what they hold is input, output of a calculation, or code
_DROP = ("script, style, noscript, template, nav, footer, button, form, output, select, "
         "textarea, dialog, [role='dialog'], [aria-hidden='true']")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
DECOY_HEADING = re.compile(
    r"\b(?:related|similar|you (?:may|might) also|also like|other models?|more models?|"
    r"compare|comparison|alternatives?|trending|popular|recommended|recently viewed|"
    r"see also|explore more|more from|earlier|older|previous)\b", re.I)
_INVISIBLE_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MONEY = re.compile(r"(?:US\$|[$€£¥₹]|\b(?:USD|EUR|GBP)\b)\s*\d|\d[\d.,]*\s*(?:€|\b(?:USD|EUR)\b)")
_FOOTNOTE_MARK = re.compile(r"\[?(?:\d{1,2}|[a-z]|[*†‡§]{1,3})\]?|\[(?:note\s*)?\d{1,2}\]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?")


def prune(body: LexborNode) -> None:
    """Removes controls, scripts, sections about other models and items linking to other
    models with prices; writes each `<time datetime>` as its machine-readable date."""
    _drop_invisible(body)
    _icon_labels(body)
    for node in body.css(_DROP):
        node.remove()
    for node in body.css("s, del, strike, [style*='line-through' i]"):
        node.remove()  # a struck-through amount is an old price, not the current one
    for node in body.css("sup"):  # footnote markers: "$3.00<sup>[1]</sup>"
        before = (node.prev.text(deep=True) or "") if node.prev is not None else ""
        if _FOOTNOTE_MARK.fullmatch(_text(node)) and not before.endswith("10"):
            node.remove()
    for node in body.css("time[datetime]"):
        m = _ISO_DATE.match((node.attributes.get("datetime") or "").strip())
        if m:
            node.replace_with(m.group(0))
    for heading in body.css("h2, h3, h4, h5, h6, [aria-label]"):
        label = (heading.attributes.get("aria-label") or "") if heading.tag not in _HEADINGS \
            else _text(heading)
        if label and len(label) <= 80 and DECOY_HEADING.search(label):
            _drop_section(heading)
    for labelled in body.css("[aria-labelledby]"):
        ref = body.css_first(f"[id='{_quote(labelled.attributes.get('aria-labelledby'))}']")
        if ref is not None and DECOY_HEADING.search(_text(ref)):
            labelled.remove()
    for item in body.css("li, tr"):
        first = _first_element(item)
        if first is not None and first.tag == "td":
            first = _first_element(first) if not (first.text(deep=False) or "").strip() \
                else None
        if first is not None and first.tag == "a" and _MONEY.search(_text(item)):
            item.remove()  # "<a>other-model</a> $0.30 in · $1.20 out": another model


def _drop_invisible(body: LexborNode) -> None:
    """Removes what a reader does not see: `hidden` elements, inline `display:none`, tab
    panels whose tab is not the selected one, and entries beside the one the `h1` heads
    (older posts of a changelog, other articles of a feed)."""
    for node in body.css("[hidden], [style]"):
        if node.attributes.get("hidden") is not None or "hidden" in node.attributes or (
                _INVISIBLE_STYLE.search(node.attributes.get("style") or "")):
            node.remove()
    selected = {(tab.attributes.get("aria-controls") or "").strip()
                for tab in body.css("[role='tab']")
                if (tab.attributes.get("aria-selected") or "").lower() == "true"}
    for panel in body.css("[role='tabpanel']"):
        ident = (panel.attributes.get("id") or "").strip()
        if selected and ident not in selected:
            panel.remove()
    h1 = body.css_first("h1")
    article = _ancestor(h1, "article") if h1 is not None else None
    if article is not None:
        for other in body.css("article"):
            if other.mem_id != article.mem_id and _ancestor(other, "article") is None and (
                    _ancestor(article, "article") is None) and other.css_first("h1") is None:
                other.remove()


def _ancestor(node: LexborNode, tag: str) -> LexborNode | None:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return parent
        parent = parent.parent
    return None


def _drop_section(heading: LexborNode) -> None:
    """Removes a decoy heading with what it heads: its whole container when it opens one,
    else its following siblings up to the next heading of the same or a higher level."""
    if heading.tag not in _HEADINGS:
        if heading.tag not in ("main", "body", "article", "html"):
            heading.remove()
        return
    parent = heading.parent
    if parent is not None and parent.tag in ("section", "aside", "div") and (
            _first_element(parent) is heading):
        parent.remove()
        return
    level = int(heading.tag[1])
    node = heading.next
    doomed = [heading]
    while node is not None:
        if node.tag in _HEADINGS and int(node.tag[1]) <= level:
            break
        if node.tag in ("section", "article") and node.css_first(
                ",".join(f"h{i}" for i in range(1, level + 1))) is not None:
            break
        doomed.append(node)
        node = node.next
    for node in doomed:
        node.remove()


# Headings about the page rather than the model: "How X is billed", "About X", "Issue #12: X
# is here", "Preise für X", "X の料金"; the model name is the part they frame.
_FRAMING = [re.compile(p, re.I) for p in (
    r"(?:[^:#]{1,40}#\s?\d+\s*[:·|–—-]\s*)(?P<name>.+)",  # "Model Drop #140: ..."
    r"(?:how|why)\s+(?P<name>.+?)\s+is\s+(?:billed|priced|charged|metered|counted)",
    r"(?:how\s+(?:much\s+)?(?:does\s+)?|what\s+(?:does\s+)?)(?P<name>.+?)\s+costs?\??",
    r"(?:about|meet|introducing|announcing|pricing\s+(?:for|of)|prices?\s+(?:for|of)|"
    r"billing\s+(?:for|of)|über|uber|preise\s+(?:für|von)|wie\s+|à propos de|a propos de|"
    r"tarifs?\s+(?:de|du|pour)|prix\s+(?:de|du)|acerca de|sobre|precios?\s+de|"
    r"prezzi\s+(?:di|del)|informazioni su|preços?\s+(?:de|do))\s+(?P<name>.+?)"
    r"(?:\s+(?:abgerechnet wird|is billed|is priced))?",
    r"(?P<name>.+?)\s+(?:is|are)\s+(?:here|out|live|now\s+(?:available|live|here))!?",
    r"(?P<name>.+?)\s*(?:has\s+arrived|lands|arrives|launches)!?",
    r"(?P<name>.+?)\s*(?:の料金|の価格|について|の概要|モデルカード|价格|定价|简介|가격|요금|소개)",
    r"(?:関于|关于|關於)\s*(?P<name>.+)",
)]


def clean_name(text: str) -> str:
    """The model name in a page heading: "Org / Model" names the model last, and words
    about the page ("pricing", "cost calculator", "specs") are not part of the name."""
    text = " ".join(text.split())
    for pattern in _FRAMING:  # in list order: "Issue #12: X is here" -> "X is here" -> "X"
        m = pattern.fullmatch(text)
        if m and m["name"].strip(" '\"“”‘’«»「」"):
            text = m["name"].strip(" '\"“”‘’«»「」")
    if text.count(" / ") == 1:
        text = text.split(" / ")[1]
    stripped = re.sub(r"(?:\s*[:|]\s*|\s+(?:[-–—·]\s*)?)(?:api\s+)?"
                      r"(?:(?:token\s+)?(?:pricing|prices?|costs?)"
                      r"(?:\s+(?:calculator|estimator|and\s+(?:specs|limits)))?|calculator|"
                      r"specs|specifications|model card|overview|details|compared|comparison|"
                      r"(?:frequently asked questions|faqs?|questions(?: and answers)?|q&a)"
                      r"(?:\s+(?:and|&)\s+answers)?|"
                      r"vs\.?\s.*|versus\s.*)$", "", text, flags=re.I)
    return stripped or text


_ICONS = "img[alt], svg[aria-label], [role='img'][aria-label], i[title], i[aria-label]"


def _icon_labels(body: LexborNode) -> None:
    """An icon whose only label is its `alt`, `aria-label` or `title` ("<img alt=Provider>
    <span>Acme</span>") labels the value beside it: it becomes that label in text, unless
    the label is written out beside it already (visually hidden text)."""
    for node in body.css(_ICONS):
        label = " ".join((node.attributes.get("alt") or node.attributes.get("aria-label")
                          or node.attributes.get("title") or "").split())
        parent = node.parent
        if not label or len(label) > 40 or _text(node) or parent is None:
            continue
        following = node.next
        while following is not None and following.tag == "-text" and not _text(following):
            following = following.next
        if following is None or following.tag == "-text" or not _text(following):
            continue  # a label goes before a value: nothing beside it to label
        if label.lower() in _text(parent).lower():
            continue
        span = LexborHTMLParser(f"<span>{html.escape(label)}</span>").css_first("span")
        if span is not None:
            node.replace_with(span)


def _first_element(node: LexborNode) -> LexborNode | None:
    child = node.child
    while child is not None and child.tag in ("-text", "-comment"):
        if child.tag == "-text" and (child.text() or "").strip():
            return None  # text comes first
        child = child.next
    return child


def _text(node: LexborNode) -> str:
    return " ".join((node.text(deep=True) or "").split())


def _quote(value: str | None) -> str:
    return re.sub(r"['\\\]\[]", "", (value or "").split()[0] if (value or "").split() else "")
