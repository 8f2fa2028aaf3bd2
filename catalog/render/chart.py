"""Price-history charts as inline SVG, drawn at build time (no chart library, no script).

`step_chart` draws each series as a step line: a price holds from the date it was first
seen until the next change. The time axis runs from the first price to the last change,
then on to "current" at the right edge, so the chart changes only when a price does,
not with every crawl. Coordinates are rounded to one decimal so the output is the same
on every machine. The chart is an image with a text title and description; the page
shows the same data as a table beside it, which is what screen readers and agents read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from markupsafe import Markup

from catalog.normalise.prices import decimal_text

#: Line colours: each has at least 3:1 contrast against white (WCAG 1.4.11), and each
#: series also gets its own dash pattern, so colour is never the only difference.
COLOURS = ("#0b57d0", "#b3261e", "#137333", "#8e24aa", "#a15c00", "#00796b", "#5f6368",
           "#c2185b")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 3", "10 4", "6 2 2 2")
MAX_SERIES = len(COLOURS)

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 32


@dataclass(frozen=True)
class Series:
    """One line: `steps` are (from date, to date or None for "still current", price)."""

    label: str
    steps: tuple[tuple[date, date | None, Decimal], ...]


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    dash: str


def nice_ceiling(value: Decimal) -> Decimal:
    """Returns the smallest of 1, 2, 2.5, 5 x 10^k that is at least `value` (> 0).

    >>> nice_ceiling(Decimal("0.66"))
    Decimal('1')
    >>> nice_ceiling(Decimal("0.24"))
    Decimal('0.25')
    """
    if value <= 0:
        return Decimal(1)
    exp = value.adjusted()
    for k in (exp - 1, exp, exp + 1):
        for m in ("1", "2", "2.5", "5"):
            candidate = Decimal(m).scaleb(k)
            if candidate >= value:
                return candidate
    return Decimal(1).scaleb(exp + 1)  # pragma: no cover - the loop always returns


def _fmt(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _money(amount: Decimal) -> str:
    return "$" + decimal_text(amount, grouping=False)


#: Share of the plot width between the last change and the "current" edge.
CURRENT_WIDTH = 0.12


def step_chart(series: list[Series], title: str, description: str,
               ident: str) -> tuple[Markup, list[LegendEntry]]:
    """Returns an inline SVG of `series` from their first date to "current", and its legend.

    `ident` makes the element IDs of the title and description unique in the page.
    At most `MAX_SERIES` series are drawn (the caller passes the ones that matter most).
    """
    shown = series[:MAX_SERIES]
    dates = [d for s in shown for d0, d1, _ in s.steps for d in (d0, d1) if d]
    start, last = min(dates), max(dates)
    top = nice_ceiling(max((p for s in shown for _, _, p in s.steps), default=Decimal(1)))
    span = (last - start).days
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    dated_w = plot_w * (1 - CURRENT_WIDTH)

    def x(d: date | None) -> float:
        if d is None:
            return LEFT + plot_w
        return LEFT + (dated_w * (d - start).days / span if span else 0)

    def y(p: Decimal) -> float:
        return TOP + plot_h * (1 - float(p / top))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description)}</desc>',
    ]
    for n in range(5):
        value = top * n / 4
        yy = _fmt(y(value))
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy}" '
                     f'y2="{yy}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{_fmt(y(value) + 4)}" '
                     f'text-anchor="end">{escape(_money(value))}</text>')
    labels = [(x(start), "start", start.isoformat()), (x(None), "end", "current")]
    if span and x(last) - LEFT > 140:  # room for both dates
        labels.insert(1, (x(last), "end", last.isoformat()))
    for pos, anchor, text in labels:
        parts.append(f'<text x="{_fmt(pos)}" y="{HEIGHT - 10}" '
                     f'text-anchor="{anchor}">{text}</text>')
    legend = []
    for n, s in enumerate(shown):
        colour, dash = COLOURS[n], DASHES[n]
        legend.append(LegendEntry(s.label, colour, dash))
        points: list[str] = []
        dots: list[str] = []
        for d0, d1, price in s.steps:
            yy = _fmt(y(price))
            points.append(f"{_fmt(x(d0))},{yy}")
            points.append(f"{_fmt(x(d1))},{yy}")
            dots.append(f'<circle cx="{_fmt(x(d0))}" cy="{yy}" r="3"/>')
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g stroke="{colour}" fill="{colour}">'
                     f'<polyline fill="none" stroke-width="2"{dash_attr} '
                     f'points="{" ".join(points)}"/>{"".join(dots)}</g>')
    parts.append("</svg>")
    return Markup("".join(parts)), legend
