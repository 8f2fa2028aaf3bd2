"""What changed in each crawl run (the changes page and its Atom feed), and the
data-quality report (every finding of the latest run, grouped by kind).

A run's changes are those between it and the finished run before it (`Store.changes`):
price changes of offerings already listed, new and removed models, and new and removed
offerings of models that stay. The first run lists the whole catalog, so it is summed up
rather than listed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from catalog.render.markdown import MdSafe, http_url, md_escape, md_link, one_line
from catalog.render.paths import NameMap
from catalog.render.views import DASH, RESERVED_STEMS, Catalog, LinkView, format_unit_price
from catalog.store import Store

#: Kinds of change, in the order a run's table lists them.
CHANGE_KINDS = ("price", "new model", "removed model", "new offering", "removed offering")


@dataclass(frozen=True)
class ChangeRow:
    """One change: `model` links to the model page while the model is listed."""

    kind: str
    model: LinkView
    model_id: str
    provider: str
    detail: str
    source: LinkView


@dataclass(frozen=True)
class RunChanges:
    """The changes of one run; `first` runs have a summary (`listed`) and no rows."""

    run_id: int
    date: str
    timestamp: str
    first: bool
    listed: str
    rows: list[ChangeRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CHANGE_KINDS, 0)
        for row in self.rows:
            out[row.kind] += 1
        return out

    @property
    def summary(self) -> str:
        if self.first:
            return self.listed
        parts = [f"{n:,} {kind} change{'s' if n != 1 else ''}" if kind == "price"
                 else f"{n:,} {kind}{'s' if n != 1 else ''}"
                 for kind, n in self.counts().items() if n]
        return "; ".join(parts) if parts else "no changes"


def _source(url: str) -> LinkView:
    href = http_url(url)
    return LinkView("source page", href, md_link("source page", href) if href
                    else MdSafe(DASH), True)


def _percent(old: Decimal, new: Decimal) -> str:
    if old == 0:
        return ""
    pct = ((new - old) / old * 100).quantize(Decimal("0.1"))
    return f" ({'+' if pct > 0 else ''}{pct}%)"


class ModelLinks:
    """Links to model pages seen from `root`; a model no longer listed has no page, so it
    is named (by its last known name) but not linked."""

    def __init__(self, cat: Catalog, root: str) -> None:
        self.cat = cat
        self.root = root

    def __call__(self, mid: str) -> LinkView:
        if mid in self.cat.models:
            name = self.cat.models[mid].name
            return self.cat.link(name, self.cat.model_path(mid), self.root)
        name = self.cat.retired_names.get(mid, mid)
        return LinkView(name, None, md_escape(name))


class ChangeLog:
    """The changes of every finished run, read once; `runs(root)` shows them newest first
    with links relative to `root`."""

    def __init__(self, cat: Catalog, store: Store) -> None:
        self.cat = cat
        self.first_run = cat.first_seen
        # The first run lists the whole catalog: only how many it listed is shown.
        self._raw: list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]] | None]] = []
        previous = 0
        for run in store.runs():
            if run["finished_at"]:
                self._raw.append((run, store.changes(previous, run["id"]) if self._raw
                                  else None))
                previous = run["id"]
        self._first = store.first_listing(self._raw[0][0]["id"]) if self._raw else (0, 0)

    def runs(self, root: str) -> list[RunChanges]:
        """Every finished run, newest first."""
        model_link = ModelLinks(self.cat, root)
        out: list[RunChanges] = []
        for run, changes in self._raw:
            rid = run["id"]
            date = self.cat.run_dates.get(rid, run["started_at"][:10])
            if changes is None:
                offerings, models = self._first
                out.append(RunChanges(
                    rid, date, run["finished_at"], True,
                    f"first crawl: {offerings:,} offerings of {models:,} models listed"))
            else:
                out.append(RunChanges(rid, date, run["finished_at"], False, "",
                                      self._rows(changes, rid, model_link)))
        return list(reversed(out))

    def _rows(self, changes: dict[str, list[dict[str, Any]]], run: int,
              model_link: ModelLinks) -> list[ChangeRow]:
        def row(kind: str, r: dict[str, Any], detail: str) -> ChangeRow:
            return ChangeRow(kind, model_link(r["model_id"]), r["model_id"],
                             one_line(r["provider"]), detail, _source(r["url"]))

        rows: list[ChangeRow] = []
        for p in changes["prices"]:
            new = Decimal(p["new_amount"])
            old = Decimal(p["old_amount"]) if p["old_amount"] is not None else None
            unit, cur = p["unit"], p["currency"]
            detail = (f"{p['component'].replace('_', ' ')}: "
                      + (f"{format_unit_price(old, cur, unit)} → " if old is not None
                         else "new price ")
                      + format_unit_price(new, cur, unit)
                      + (_percent(old, new) if old is not None else ""))
            rows.append(row("price", p, detail))
        new_models = {r["model_id"] for r in changes["new"] if self.first_run.get(
            r["model_id"]) == run}
        for mid in sorted(new_models):
            first = next(r for r in changes["new"] if r["model_id"] == mid)
            n = sum(1 for r in changes["new"] if r["model_id"] == mid)
            rows.append(row("new model", first, f"{n:,} offering{'s' * (n != 1)}"))
        gone = {r["model_id"] for r in changes["removed"] if r["model_id"] not in self.cat.models}
        for mid in sorted(gone):
            first = next(r for r in changes["removed"] if r["model_id"] == mid)
            rows.append(row("removed model", first, "no longer listed by any provider"))
        for r in changes["new"]:
            if r["model_id"] not in new_models:
                rows.append(row("new offering", r, "now listed"))
        for r in changes["removed"]:
            if r["model_id"] not in gone:
                rows.append(row("removed offering", r, "no longer listed"))
        order = {k: n for n, k in enumerate(CHANGE_KINDS)}
        rows.sort(key=lambda r: (order[r.kind], r.model.text.casefold(), r.model_id,
                                 r.provider.casefold(), r.detail, r.source.href or ""))
        return rows



def changes_updated(runs: list[RunChanges]) -> str | None:
    """The date of the latest run that changed something (or of the first run)."""
    return next((r.date for r in runs if r.first or r.rows), None)


# -- data quality -----------------------------------------------------------------


@dataclass(frozen=True)
class FindingRow:
    model: LinkView
    provider: str
    field: str
    detail: str
    page: LinkView


#: A finding as its kind keeps it until a page shows it (`finding_row`): the model ID
#: (None when it concerns no offering), provider, field and detail (on one line), and
#: the URL of the page it is about.
Finding = tuple[str | None, str, str, str, str]


@dataclass(frozen=True)
class FindingKind:
    """The findings of one kind, in the order its pages list them; `stem` names its page."""

    kind: str
    stem: str
    fields: str
    models: int
    rows: list[Finding]


def finding_kinds(cat: Catalog, store: Store) -> list[FindingKind]:
    """Returns the latest run's findings grouped by kind (most frequent first)."""
    names = ModelLinks(cat, "")
    groups: dict[str, list[Finding]] = {}
    for f in store.export_findings():
        mid = f["model_id"]
        # (providers and fields are few: each is kept once)
        groups.setdefault(one_line(f["kind"]), []).append((
            mid, sys.intern(one_line(f["provider"])) if mid is not None else DASH,
            sys.intern(one_line(f["field"])), one_line(f["detail"]), f["url"]))
    stems = NameMap(list(groups), RESERVED_STEMS, fold_case=True)
    out = []
    for kind, items in groups.items():
        items.sort(key=lambda f: ((names(f[0]).text if f[0] is not None else DASH).casefold(),
                                  f[0] or "", f[1].casefold(), f[2], f[3], one_line(f[4])))
        fields = ", ".join(sorted({f[2] for f in items}))
        out.append(FindingKind(kind, stems[kind], fields, len({f[0] for f in items if f[0]}),
                               items))
    out.sort(key=lambda k: (-len(k.rows), k.kind))
    return out


def finding_row(cat: Catalog, root: str, finding: Finding) -> FindingRow:
    """A finding as its kind's page shows it, linked to its model's page when the offering
    it concerns is listed; links start with `root`."""
    mid, provider, field, detail, url = finding
    model = ModelLinks(cat, root)(mid) if mid is not None else LinkView(DASH, None, MdSafe(DASH))
    href = http_url(url)
    return FindingRow(model, provider, field, detail,
                      LinkView(one_line(url), href, md_link(url, href), True))


def findings_updated(store: Store, run_dates: dict[int, str]) -> str | None:
    """The date of the run since which the findings have been what they are now."""
    finished = [r["id"] for r in store.runs() if r["finished_at"]]
    if not finished:
        return None
    since = finished[-1]
    for run in reversed(finished[:-1]):
        if any(a != b for a, b in zip_longest(store.finding_keys(run),
                                              store.finding_keys(finished[-1]))):
            break
        since = run
    return run_dates.get(since)
