"""Identity resolution: which offerings are the same model, why, and how sure.

`resolve` takes every listing of a crawl (or of `catalog resolve`'s input) at once and
groups them into canonical models:

1. manual aliases from `data/aliases.toml` pin a source ID to a model ("override");
2. IDs with the same normal form (`catalog.normalise.ids.id_form`) are one model
   ("exact" when the ID is the canonical form itself, else "normalised_id");
3. then, level by level, looser keys join groups: the same words in another order
   ("word_order"), a version written without its dot ("dotless_version"), a display name
   that spells out what the ID leaves out ("name"), an implied `-instruct`
   ("instruct_implied"), an omitted active-parameter count ("active_params_implied").
   A loose key joins groups only when it is unambiguous (one variant at most differs),
   no catalog/provider lists both groups as different models, no `[[separate]]` entry
   forbids it, and the family words agree. Agreeing or conflicting context lengths and
   authors move the confidence and are named in the evidence.

Every step is an index lookup (no comparison of all pairs), so a crawl of thousands of
offerings resolves in well under a second.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from catalog.errors import CatalogError
from catalog.normalise.ids import (
    INSTRUCT,
    IdForm,
    IdRules,
    id_form,
    is_active,
    is_date,
    is_size,
)
from catalog.normalise.records import Offering

ALIASES_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "aliases.toml"

LOOSE_RULES = ("word_order", "dotless_version", "name", "instruct_implied",
               "active_params_implied", "size_implied")
RULES = ("override", "exact", "normalised_id", *LOOSE_RULES)


@dataclass(frozen=True)
class Listing:
    """What the resolver knows of one offering: its ID as listed, and facts that may agree."""

    source_model_id: str
    provider: str | None = None
    catalog: str | None = None
    name: str | None = None
    author: str | None = None
    context_length: int | None = None


@dataclass(frozen=True)
class Match:
    """The canonical model a listing resolves to, the rule that put it there, and why."""

    model_id: str
    rule: str
    confidence: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alias:
    """A manual override: `source_id` (for `provider`, or any) is the model `model`."""

    source_id: str
    model: str
    provider: str | None = None


@dataclass(frozen=True)
class Rules:
    """Everything tunable about resolution, as read from `data/aliases.toml`."""

    ids: IdRules = field(default_factory=IdRules)
    confidence: Mapping[str, float] = field(default_factory=dict)
    fact_weight: float = 0.03
    needs_agreeing_context: frozenset[str] = frozenset({"instruct_implied"})
    aliases: tuple[Alias, ...] = ()
    separate: tuple[tuple[str, ...], ...] = ()
    source: str = "(built-in defaults)"

    def conf(self, rule: str) -> float:
        return float(self.confidence.get(rule, 0.0 if rule == "size_implied" else 0.9))


# -- the rules file -------------------------------------------------------------------------

def load_rules(path: Path | str | None = None) -> Rules:
    """Returns the resolution rules in `path` (default `data/aliases.toml`); a missing default
    file gives the built-in rules, a missing or broken named file is an error."""
    p = Path(path) if path is not None else ALIASES_FILE
    if not p.is_file():
        if path is not None:
            raise CatalogError(f"{p}: no such aliases file; pass an existing file or omit it")
        return Rules()
    return _load_rules(str(p.resolve()), p.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_rules(path: str, _mtime: int) -> Rules:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return rules_from_dict(data, source=path)
    except (tomllib.TOMLDecodeError, TypeError, ValueError, KeyError) as exc:
        raise CatalogError(f"{path}: {exc}; fix the file (see the comments at its top)"
                           ) from exc


def rules_from_dict(data: Mapping[str, Any], source: str = "(dict)") -> Rules:
    """Returns the rules a parsed aliases file describes (unknown tables are an error)."""
    known = {"alias", "separate", "rules", "vendors", "families", "authors", "providers"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown table(s) {sorted(unknown)}; known: {sorted(known)}")
    r = dict(data.get("rules", {}))
    words = {"noise_tokens", "noise_sequences", "instruct_tokens", "path_containers",
             "region_prefixes", "generic_ids", "context_suffix_min_k", "fact_weight",
             "needs_agreeing_context"}
    confidence = {k: float(v) for k, v in r.items() if k not in words}
    bad = set(confidence) - set(RULES)
    if bad:
        raise ValueError(f"[rules] has unknown key(s) {sorted(bad)}; rules are {list(RULES)}")
    providers = data.get("providers", {})
    ids = IdRules(
        noise_tokens=frozenset(r.get("noise_tokens", ())),
        noise_sequences=tuple(tuple(s) for s in r.get("noise_sequences", ())),
        instruct_tokens=frozenset(r.get("instruct_tokens", ("instruct", "it"))),
        path_containers=frozenset(r.get("path_containers", ())),
        region_prefixes=frozenset(r.get("region_prefixes", ())),
        generic_ids=frozenset(r.get("generic_ids", ())),
        vendors=dict(data.get("vendors", {})),
        families=dict(data.get("families", {})),
        prefer_families=frozenset(data.get("authors", {}).get("prefer", ())),
        provider_prefixes={str(k).lower(): tuple(v.get("strip_prefixes", ()))
                           for k, v in providers.items()},
        context_suffix_min_k=int(r.get("context_suffix_min_k", 100)),
    )
    aliases = []
    for i, a in enumerate(data.get("alias", ())):
        if not a.get("id") or not a.get("model"):
            raise ValueError(f"[[alias]] number {i + 1} needs `id` and `model`")
        aliases.append(Alias(source_id=str(a["id"]), model=str(a["model"]).lower(),
                             provider=a.get("provider")))
    separate = []
    for i, s in enumerate(data.get("separate", ())):
        ids_ = s.get("ids", ())
        if len(ids_) < 2:
            raise ValueError(f"[[separate]] number {i + 1} needs `ids` with two or more IDs")
        separate.append(tuple(str(x) for x in ids_))
    needs = frozenset(r.get("needs_agreeing_context", ("instruct_implied",)))
    if needs - set(LOOSE_RULES):
        raise ValueError(f"[rules] needs_agreeing_context names unknown rule(s) "
                         f"{sorted(needs - set(LOOSE_RULES))}; loose rules are {list(LOOSE_RULES)}")
    return Rules(ids=ids, confidence=confidence, fact_weight=float(r.get("fact_weight", 0.03)),
                 needs_agreeing_context=needs,
                 aliases=tuple(aliases), separate=tuple(separate), source=source)


# -- resolution -----------------------------------------------------------------------------

@dataclass
class _Group:
    """Listings whose IDs share one normal form."""

    tokens: tuple[str, ...]
    members: list[int]
    parent: int | None = None
    link: tuple[str, float, tuple[str, ...]] | None = None  # how it joined its parent


class _Resolver:
    def __init__(self, listings: Sequence[Listing], rules: Rules) -> None:
        self.listings = listings
        self.rules = rules
        self.forms: list[IdForm] = []
        self.override: dict[int, Alias] = {}
        self.groups: list[_Group] = []
        self.group_of: list[int] = []
        self._separate: dict[tuple[str, ...], int] = {}
        self._memo: dict[tuple[str, str | None, str | None], IdForm] = {}

    def form(self, source: str, provider: str | None = None, author: str | None = None
             ) -> IdForm:
        key = (source, provider, author)
        if key not in self._memo:
            self._memo[key] = id_form(source, provider, self.rules.ids, author)
        return self._memo[key]

    # union-find over groups; links keep the rule each group joined by
    def root(self, g: int) -> int:
        while (parent := self.groups[g].parent) is not None:
            g = parent
        return g

    def run(self) -> list[Match]:
        self._group()
        self._index_separate()
        roots = {g: [g] for g in range(len(self.groups))}
        for rule in LOOSE_RULES:
            if self.rules.conf(rule) > 0:
                roots = self._loosen(rule, roots)
        return self._matches(roots)

    def _group(self) -> None:
        by_alias = {(a.source_id.lower(), (a.provider or "").lower()): a
                    for a in self.rules.aliases}
        index: dict[tuple[str, ...], int] = {}
        for i, lst in enumerate(self.listings):
            form = self.form(lst.source_model_id, lst.provider, lst.author)
            sid = lst.source_model_id.strip().lower()
            alias = by_alias.get((sid, (lst.provider or "").lower())) or by_alias.get((sid, ""))
            if alias is not None:
                self.override[i] = alias
                target = self.form(alias.model)
                form = IdForm(source=form.source, tokens=target.tokens,
                              surface=target.surface, vendor=form.vendor,
                              family_author=target.family_author, dropped=form.dropped)
            self.forms.append(form)
            g = index.get(form.tokens)
            if g is None:
                g = index[form.tokens] = len(self.groups)
                self.groups.append(_Group(form.tokens, []))
            self.groups[g].members.append(i)
            self.group_of.append(g)

    def _index_separate(self) -> None:
        for n, ids in enumerate(self.rules.separate):
            for sid in ids:
                self._separate[self.form(sid).tokens] = n

    def _units(self, groups: Iterable[int]) -> set[tuple[str, str]]:
        return {(self.listings[i].catalog or "", self.listings[i].provider or "")
                for g in groups for i in self.groups[g].members if self.listings[i].provider}

    def _may_imply(self, rule: str, g: int, extra: frozenset[str]) -> bool:
        """Whether group `g` may join a group that states more (`extra`) under `rule`.

        An implied `-instruct` needs a provider's own short alias ("gemma4-31b",
        "llama3-3-70b"): a repository path without it ("meta-llama/Llama-3.1-8B") names
        the base model, and so does a name that says "base"."""
        if rule != "instruct_implied" or extra:
            return True
        for i in self.groups[g].members:
            named = self.listings[i].name
            if self.forms[i].repo or (named and "base" in _name_form(named, self).tokens):
                return False
        return True

    def _loosen(self, rule: str, roots: dict[int, list[int]]) -> dict[int, list[int]]:
        """Joins roots that share this rule's key, where that is unambiguous and allowed."""
        keyer = _KEYS[rule]
        index: dict[tuple[str, ...], dict[int, set[frozenset[str]]]] = {}
        for r, groups in roots.items():
            for g in groups:
                for key, extra in keyer(self, g):
                    if self._may_imply(rule, g, extra):
                        index.setdefault(key, {}).setdefault(r, set()).add(extra)
        for key in sorted(index):
            found = index[key]
            if len(found) < 2:
                continue
            variants = {v for vs in found.values() for v in vs if v}
            if len(variants) > 1:
                continue  # "x" could be "x-7b" or "x-70b": leave it alone
            live = sorted({self.root(r) for r in found})
            live = [r for r in live if r in roots]
            if len(live) < 2:
                continue
            live.sort(key=lambda r: (-sum(len(self.groups[g].members) for g in roots[r]),
                                     -len(self.groups[r].tokens), self.groups[r].tokens))
            head = live[0]
            for other in live[1:]:
                if self._allowed(roots[head], roots[other]):
                    facts = self._facts(roots[head], roots[other])
                    if rule in self.rules.needs_agreeing_context and not any(
                            f.startswith("context length") and f.endswith("agrees")
                            for f in facts):
                        continue
                    evidence = (f"{rule}: {' '.join(key)}", *facts)
                    self.groups[other].parent = head
                    self.groups[other].link = (rule, self._adjust(rule, evidence), evidence)
                    roots[head] = roots[head] + roots.pop(other)
        return roots

    def _allowed(self, a: list[int], b: list[int]) -> bool:
        if self._units(a) & self._units(b):
            return False  # one catalog lists both as different models
        sep_a = {self._separate[self.groups[g].tokens] for g in a
                 if self.groups[g].tokens in self._separate}
        sep_b = {self._separate[self.groups[g].tokens] for g in b
                 if self.groups[g].tokens in self._separate}
        if sep_a & sep_b:
            return False
        fam_a = {self.forms[i].family_author for g in a for i in self.groups[g].members} - {None}
        fam_b = {self.forms[i].family_author for g in b for i in self.groups[g].members} - {None}
        return not (fam_a and fam_b and not fam_a & fam_b)

    def _facts(self, a: list[int], b: list[int]) -> tuple[str, ...]:
        out = []
        ctx_a, ctx_b = self._values(a, "context_length"), self._values(b, "context_length")
        if ctx_a & ctx_b:
            out.append(f"context length {min(ctx_a & ctx_b)} agrees")
        elif ctx_a and ctx_b:
            out.append(f"context length differs ({min(ctx_a)} vs {min(ctx_b)})")
        au_a, au_b = self._authors(a), self._authors(b)
        if au_a & au_b:
            out.append(f"author {min(au_a & au_b)} agrees")
        elif au_a and au_b:
            out.append(f"author differs ({min(au_a)} vs {min(au_b)})")
        return tuple(out)

    def _values(self, groups: list[int], name: str) -> set[Any]:
        return {getattr(self.listings[i], name) for g in groups
                for i in self.groups[g].members} - {None}

    def _authors(self, groups: list[int]) -> set[str]:
        vendors = self.rules.ids.vendors
        out = set()
        for g in groups:
            for i in self.groups[g].members:
                if self.forms[i].vendor:
                    out.add(self.forms[i].vendor or "")
                author = (self.listings[i].author or "").lower()
                if author in vendors:
                    out.add(vendors[author])
        return out - {""}

    def _adjust(self, rule: str, evidence: tuple[str, ...]) -> float:
        conf = self.rules.conf(rule)
        w = self.rules.fact_weight
        conf += sum(w for e in evidence if e.endswith("agrees"))
        conf -= sum(w for e in evidence if "differs" in e)
        return round(max(0.0, min(0.99, conf)), 3)

    def _matches(self, roots: dict[int, list[int]]) -> list[Match]:
        canonical = {r: self._canonical(groups) for r, groups in roots.items()}
        seen: dict[str, int] = {}
        for r in sorted(canonical, key=lambda r: self.groups[r].tokens):
            mid = canonical[r]
            if mid in seen and seen[mid] != r:  # two models, one name: keep them apart
                canonical[r] = f"{mid}~{_short_hash(self.groups[r].tokens)}"
            seen.setdefault(canonical[r], r)
        out = []
        for i, lst in enumerate(self.listings):
            g = self.group_of[i]
            model_id = canonical[self.root(g)]
            out.append(self._match(i, lst, g, model_id))
        return out

    def _match(self, i: int, lst: Listing, g: int, model_id: str) -> Match:
        form = self.forms[i]
        if i in self.override:
            alias = self.override[i]
            return Match(model_id, "override", self.rules.conf("override") or 1.0,
                         (f"{Path(self.rules.source).name}: {alias.source_id} -> {alias.model}",))
        steps = []
        node = g
        while self.groups[node].parent is not None:
            link = self.groups[node].link
            assert link is not None
            steps.append(link)
            node = self.groups[node].parent or 0
        slug = model_id.rpartition("/")[2]
        plain = lst.source_model_id.strip().lower()
        base: tuple[str, float, tuple[str, ...]]
        if plain in (model_id, slug):
            base = ("exact", self.rules.conf("exact") or 1.0, ())
        else:
            changes = form.dropped or ("case and separators",)
            base = ("normalised_id", self.rules.conf("normalised_id"),
                    tuple(f"dropped {d}" for d in changes if d != "case and separators")
                    or ("case and separators",))
        if not steps:
            return Match(model_id, base[0], base[1], base[2])
        rule, conf, evidence = min(steps, key=lambda s: s[1])
        return Match(model_id, rule, round(min(conf, base[1]), 3), (*evidence, *base[2]))

    def _canonical(self, groups: list[int]) -> str:
        members = [i for g in groups for i in self.groups[g].members]
        targets = sorted({self.override[i].model for i in members if i in self.override})
        if targets:
            return targets[0]
        # the most listed form names the model; on a tie, the one that says the most
        primary = min(groups, key=lambda g: (-len(self.groups[g].members),
                                             -len(self.groups[g].tokens), self.groups[g].tokens))
        surfaces = Counter(self.forms[i].surface for i in self.groups[primary].members)
        slug = _slug(min(surfaces, key=lambda s: (-surfaces[s], s)))
        authors = Counter(self.forms[i].family_author for i in members
                          if self.forms[i].family_author)
        if not authors:
            authors = Counter(a for a in (self._authors([g for g in groups])) if a)
        author = min(authors, key=lambda a: (-authors[a], a)) if authors else None
        return f"{_slug(author)}/{slug}" if author else slug


def _no_key(_: _Resolver, g: int) -> list[tuple[tuple[str, ...], frozenset[str]]]:
    return []


def _loose_key(drop: Callable[[str], bool], dotless: bool
               ) -> Callable[[_Resolver, int], list[tuple[tuple[str, ...], frozenset[str]]]]:
    def keys(res: _Resolver, g: int) -> list[tuple[tuple[str, ...], frozenset[str]]]:
        tokens = res.groups[g].tokens
        kept = [t for t in tokens if not drop(t)]
        if not kept:
            return []
        gone = frozenset(t for t in tokens if drop(t))
        return [(_sorted(kept, dotless and res.rules.conf("dotless_version") > 0), gone)]
    return keys


def _name_keys(res: _Resolver, g: int) -> list[tuple[tuple[str, ...], frozenset[str]]]:
    """The group's own key, and its key with the words its display names add: ID
    "nemotron-3-nano-30b" named "Nemotron 3 Nano 30B A3B", ID "@cf/nvidia/nemotron-3-120b-a12b"
    named "Nemotron 3 Super 120B". A name only adds words; it never removes the ID's."""
    tokens = Counter(res.groups[g].tokens)
    out = [(_sorted(tokens.elements(), False), frozenset[str]())]
    for i in res.groups[g].members:
        name = res.listings[i].name
        if not name:
            continue
        # a name adds words, never a snapshot date: "GPT-4o 2024-08-06" is not evidence
        # that the ID "gpt-4o" is pinned to that snapshot
        named = Counter(t for t in _name_form(name, res).tokens if not is_date(t))
        both = tokens | named
        if both != tokens:
            out.append((_sorted(both.elements(), False), frozenset()))
    return out


def _sorted(tokens: Iterable[str], dotless: bool) -> tuple[str, ...]:
    if dotless:
        return tuple(sorted(t if is_date(t) else t.replace(".", "") for t in tokens))
    return tuple(sorted(tokens))


def _never(_: str) -> bool:
    return False


_IMPLIED = frozenset({INSTRUCT, "v1"})  # what an ID may leave unsaid


def _is_instruct(t: str) -> bool:
    return t in _IMPLIED


def _is_active(t: str) -> bool:
    return t == "v1" or is_active(t)


def _is_any_size(t: str) -> bool:
    return t in _IMPLIED or is_active(t) or is_size(t)


_KEYS: dict[str, Callable[[_Resolver, int], list[tuple[tuple[str, ...], frozenset[str]]]]] = {
    "word_order": _loose_key(_never, dotless=False),
    "dotless_version": _loose_key(_never, dotless=True),
    "name": _name_keys,
    "instruct_implied": _loose_key(_is_instruct, dotless=True),
    "active_params_implied": _loose_key(_is_active, dotless=True),
    "size_implied": _loose_key(_is_any_size, dotless=True),
}


def _name_form(name: str, res: _Resolver) -> IdForm:
    """Returns the normal form of a display name: "NVIDIA: Nemotron 3 Super (free)" reads as
    "nemotron-3-super"."""
    return res.form(_name_as_id(name))


def _clean_name_form(name: str, rules: IdRules) -> IdForm:
    return id_form(_name_as_id(name), rules=rules)


def _name_as_id(name: str) -> str:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name)
    text = text.rpartition(": ")[2] if ": " in text else text
    return re.sub(r"[\s/]+", "-", text.strip()) or name


def _slug(text: str) -> str:
    text = re.sub(r"[^a-z0-9._+-]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", text).strip("-.") or "unknown"


def _short_hash(tokens: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:6]


def resolve(listings: Sequence[Listing], rules: Rules | None = None) -> list[Match]:
    """Returns one `Match` per listing, in order: the canonical model ID it resolves to
    (listings of one model share it), the rule, a confidence in [0, 1] and the evidence.

    >>> [m.model_id for m in resolve([Listing("mistralai/mistral-small-3.2-24b-instruct"),
    ...                               Listing("mistralai/Mistral-Small-3.2-24B-Instruct-2506")])]
    ['mistralai/mistral-small-3.2-24b-instruct', 'mistralai/mistral-small-3.2-24b-instruct']
    """
    if not listings:
        return []
    return _Resolver(listings, rules or load_rules()).run()


class Listed(Protocol):
    """What resolving an offering's model reads of it (an `Offering` has all of it)."""

    @property
    def url(self) -> str: ...
    @property
    def model_id(self) -> str: ...
    @property
    def source_model_id(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def catalog(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def context_length(self) -> int | None: ...
    @property
    def modalities(self) -> tuple[str, ...]: ...


class ListedOffering(NamedTuple):
    """The little of an offering that resolving its model reads: what a catalog too large
    to hold as whole offerings keeps of each while its models are resolved."""

    url: str
    model_id: str
    source_model_id: str
    provider: str
    catalog: str
    name: str
    author: str | None
    context_length: int | None
    modalities: tuple[str, ...]

    @classmethod
    def of(cls, off: Offering) -> ListedOffering:
        return cls(off.url, off.model_id, off.source_model_id, off.provider, off.catalog,
                   off.name, off.author, off.context_length, off.modalities)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The canonical models of a set of offerings: `matches[i]` is how offering i's model
    was resolved, `models` one merged record per canonical model, `author_of` each canonical
    model's author."""

    matches: list[Match]
    models: dict[str, dict[str, Any]]
    author_of: dict[str, str | None]

    def assign(self, off: Offering, i: int) -> Offering:
        """Returns offering i with its resolved `model_id` (and, where its page names no
        author, the model's)."""
        match = self.matches[i]
        update: dict[str, Any] = {"model_id": match.model_id}
        if not off.author and self.author_of[match.model_id]:
            update["author"] = self.author_of[match.model_id]
        return off.model_copy(update=update)


def resolve_models(offerings: Sequence[Listed], models: Mapping[str, Mapping[str, Any]],
                   rules: Rules | None = None) -> Resolved:
    """Returns the canonical models of `offerings`.

    `models` holds the per-page model records by the offerings' provisional model IDs; the
    records of one canonical model are merged: the most common of the names that say what
    the canonical ID says (else the most common name), the most common context length,
    every modality, the description of an offering its author serves (a record's
    `own_description`), else of one with that context length (a record's `described_by`
    says whose description it has), and for other fields the first value in URL order.
    """
    rules = rules or load_rules()
    matches = resolve([Listing(source_model_id=o.source_model_id, provider=o.provider,
                               catalog=o.catalog, name=o.name, author=o.author,
                               context_length=o.context_length) for o in offerings], rules)
    members: dict[str, list[int]] = {}
    for i, match in enumerate(matches):
        members.setdefault(match.model_id, []).append(i)
    out_models: dict[str, dict[str, Any]] = {}
    author_of: dict[str, str | None] = {}
    name_tokens: dict[str, set[str]] = {}
    for model_id in sorted(members):
        idx = sorted(members[model_id], key=lambda i: offerings[i].url)
        record: dict[str, Any] = {}
        for i in idx:
            for key, value in (models.get(offerings[i].model_id) or {}).items():
                if record.get(key) in (None, "", []) and value not in (None, "", []):
                    record[key] = value
        authors = Counter(offerings[i].author for i in idx if offerings[i].author)
        author = model_id.rpartition("/")[0] or (
            min(authors, key=lambda a: (-authors[a], a)) if authors else None)
        author_of[model_id] = author
        names = Counter(offerings[i].name for i in idx)
        says = set(id_form(model_id, rules=rules.ids).tokens)
        fitting = Counter({n: k for n, k in names.items() if says == (
            name_tokens.get(n) or name_tokens.setdefault(n, set(_clean_name_form(
                n, rules.ids).tokens)))})
        names = fitting or names
        contexts: Counter[int] = Counter(c for i in idx if (c := offerings[i].context_length))
        modalities = list(dict.fromkeys(m for i in idx for m in offerings[i].modalities))
        record.update(id=model_id, name=min(names, key=lambda n: (-names[n], len(n), n)),
                      author=author, modalities=modalities,
                      context_length=min(contexts, key=lambda c: (-contexts[c], -c))
                      if contexts else None)
        record.setdefault("family", None)
        record.pop("described_by", None)
        record.pop("own_description", None)
        pages = [models.get(offerings[i].model_id) or {} for i in idx]
        record["description"] = next(
            (rec["own_description"] for rec in pages if rec.get("own_description")),
            None) or _description(
            [(rec["description"], rec.get("described_by") or (None, None)) for rec in pages
             if rec.get("description")], author, record["context_length"])
        out_models[model_id] = record
    return Resolved(matches, out_models, author_of)


def _description(described: list[tuple[str, tuple[str | None, int | None]]],
                 author: str | None, context: int | None) -> str | None:
    """Returns a model's description from those of its pages, (text, (provider, context
    length) of the offering it describes) in URL order: the author's own offering's, else
    the first whose offering has the model's context length (descriptions state it), else
    the first."""
    own = author.lower() if author else None
    for text, (provider, _) in described:
        if own is not None and provider == own:
            return text
    for text, (_, length) in described:
        if context is not None and length == context:
            return text
    return described[0][0] if described else None


def assign_models(offerings: Sequence[Offering], models: Mapping[str, Mapping[str, Any]],
                  rules: Rules | None = None
                  ) -> tuple[list[Offering], dict[str, dict[str, Any]], dict[str, Match]]:
    """Returns the offerings with resolved `model_id`s (and, where a page names no author,
    the model's), one model record per canonical model (see `resolve_models`), and each
    offering's `Match` by URL."""
    resolved = resolve_models(offerings, models, rules)
    return ([resolved.assign(off, i) for i, off in enumerate(offerings)], resolved.models,
            {o.url: m for o, m in zip(offerings, resolved.matches, strict=True)})
