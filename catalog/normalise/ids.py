"""Model IDs and slugs: normal forms that let the same model meet across catalogs.

A catalog writes one model many ways: `mistralai/Mistral-Small-3.2-24B-Instruct-2506`,
`mistral-small-3.2-24b-instruct`, `us.anthropic.claude-opus-4-6-v1:0`,
`accounts/fireworks/models/kimi-k2p5`, `openai-gpt-54-mini`. `id_form` reduces an ID to
the tokens that tell models apart and records what it dropped; which tokens are noise,
which words are vendors and which are model families come from `IdRules` (filled from
`data/aliases.toml` by `catalog.normalise.identity`).

>>> id_form("mistralai/Mistral-Small-3.2-24B-Instruct-2506").tokens
('mistral', 'small', '3.2', '24b', 'instruct')
>>> from catalog.normalise.identity import load_rules
>>> id_form("us.anthropic.claude-opus-4-6-v1:0", rules=load_rules().ids).surface
'claude-opus-4.6'
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

INSTRUCT = "instruct"
"""The one spelling of "instruction-tuned" in normal forms (`-it`, `-inst` become it)."""


def slugify(text: str) -> str:
    """Returns a lowercase slug of `text` made of [a-z0-9._-] ("Open Router" -> "open-router")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9._-]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", text).strip("-.") or "unknown"


def canonical_model_id(source_model_id: str, author: str | None) -> str:
    """Returns the plain `author/model` form of a model ID as a catalog states it.

    This is the per-page form before identity resolution (which joins the forms of one
    model across catalogs: `catalog.normalise.identity`).

    >>> canonical_model_id("mistralai-mistral-small-3.2-24b-instruct", "mistralai")
    'mistralai/mistral-small-3.2-24b-instruct'
    >>> canonical_model_id("mistralai/Mistral-Small-3.2-24B-Instruct-2506", None)
    'mistralai/mistral-small-3.2-24b-instruct-2506'
    """
    mid = source_model_id.strip().lower()
    if "/" in mid:
        vendor, _, rest = mid.rpartition("/")
        vendor = vendor.split("/")[-1]
        return f"{slugify(vendor)}/{_id_part(rest)}"
    if author:
        a = slugify(author)
        if mid.startswith(a + "-"):
            mid = mid[len(a) + 1:]
        return f"{a}/{_id_part(mid)}"
    return _id_part(mid)


def _id_part(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", "-", text.strip())
    return re.sub(r"[^\w.:+-]", "-", text) or "unknown"


@dataclass(frozen=True)
class IdRules:
    """What `id_form` treats as noise, vendor, family or routing prefix."""

    noise_tokens: frozenset[str] = frozenset()
    noise_sequences: tuple[tuple[str, ...], ...] = ()
    instruct_tokens: frozenset[str] = frozenset({"instruct", "it"})
    path_containers: frozenset[str] = frozenset()
    region_prefixes: frozenset[str] = frozenset()
    generic_ids: frozenset[str] = frozenset()
    vendors: Mapping[str, str] = field(default_factory=dict)
    families: Mapping[str, str] = field(default_factory=dict)
    prefer_families: frozenset[str] = frozenset()
    provider_prefixes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    context_suffix_min_k: int = 100


@dataclass(frozen=True)
class IdForm:
    """The normal form of one model ID.

    `tokens` decide identity; `surface` is a readable form of the model part (for
    canonical IDs); `vendor` is the author the ID's path or prefix names, `family_author`
    the author its family word names; `dropped` says what normalisation removed.
    """

    source: str
    tokens: tuple[str, ...]
    surface: str
    vendor: str | None = None
    family_author: str | None = None
    dropped: tuple[str, ...] = ()
    repo: bool = False  # written as a repository path ("meta-llama/Llama-3.1-8B")


_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?[bmt]|\d+x\d+(?:\.\d+)?b|e\d+b)$")
_ACTIVE = re.compile(r"^(?:a\d+(?:\.\d+)?b|\d+e)$")
_CONTEXT = re.compile(r"^(\d+)k$")
_DOT_PREFIX = re.compile(r"^([a-z][a-z-]*)\.(?=[a-z])")
_FIREWORKS_POINT = re.compile(r"^([a-z]*\d+)p(\d+)$")
_ALPHA_NUM = re.compile(r"^([a-z]{2,})(\d+(?:\.\d+)*[a-z]?)$")
_WHOLE = re.compile(r"^(v?\d+)\.0$")  # "4.0" is version 4, "v1.0" is v1
_DATE_PREFIX = "d:"


def is_size(token: str) -> bool:
    """Returns whether `token` is a parameter count ("24b", "8x7b", "1t", "e4b")."""
    return bool(_SIZE.match(token))


def is_active(token: str) -> bool:
    """Returns whether `token` is an active-parameter or expert count ("a22b", "128e")."""
    return bool(_ACTIVE.match(token))


def is_date(token: str) -> bool:
    return token.startswith(_DATE_PREFIX)


def family_word(token: str, rules: IdRules) -> str | None:
    """Returns the family word `token` starts with ("qwen3.6" -> "qwen"), if any."""
    if token in rules.families:
        return token
    m = re.match(r"[a-z]+", token)
    if m and len(m.group(0)) >= 2 and m.group(0) in rules.families:
        return m.group(0)
    return None


def id_form(source: str, provider: str | None = None, rules: IdRules | None = None,
            author: str | None = None) -> IdForm:
    """Returns the normal form of a model ID as a catalog or provider states it.

    A leading provider name or stated author is dropped when a model family follows
    ("databricks-claude-opus-4-6", "route-deepseek-v3.2" by author "route").

    >>> id_form("accounts/fireworks/models/kimi-k2p5").tokens
    ('kimi', 'k2.5')
    >>> id_form("gemma-4-31B-it:free").tokens
    ('gemma', '4', '31b', 'instruct')
    """
    rules = rules or IdRules()
    dropped: list[str] = []
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", source).strip().lower())
    *path, model = [seg.strip() for seg in text.split("/")]
    vendor = _path_vendor(path, rules)
    repo = vendor is not None
    if path:
        dropped.append("path " + "/".join(path) + "/")
    model, revision = _strip_cloud_affixes(model, rules, dropped)
    tokens = [t for t in re.split(r"[-_ ]+", model) if t]
    tokens = _strip_noise(tokens, rules, dropped)
    tokens, prefix_vendor = _strip_prefixes(tokens, provider, author, rules, dropped)
    vendor = vendor or prefix_vendor
    if len(tokens) > 1 and revision.fullmatch(tokens[-1]):
        dropped.append(f"-{tokens.pop()} (cloud revision)")
    if len(tokens) == 1 and tokens[0] in rules.generic_ids:
        tokens.insert(0, vendor or slugify(provider or "") or "any")
    tokens = [_FIREWORKS_POINT.sub(r"\1.\2", t) if "p" in t else t for t in tokens]
    parts = _merge_numbers(_read_dates(tokens))
    parts = _strip_release_tag(parts, dropped)
    surface = "-".join(t for t, _ in parts) or model
    final: list[str] = []
    for t, kind in parts:
        if kind == "date":
            final.append(_DATE_PREFIX + t)
        elif t in rules.instruct_tokens:
            final.append(INSTRUCT)
        elif kind == "word" and (m := _ALPHA_NUM.match(t)):
            final.extend(_whole(x) for x in m.groups())
        else:
            final.append(_whole(t))
    # Interned: the same few thousand words make up every ID of a large catalog.
    return IdForm(source=source, tokens=tuple(map(sys.intern, final)) or (model,),
                  surface=surface, vendor=vendor, family_author=_family_author(final, rules),
                  dropped=tuple(dropped), repo=repo)


def _whole(token: str) -> str:
    return _WHOLE.sub(r"\1", token) if token.endswith(".0") else token


def _path_vendor(path: list[str], rules: IdRules) -> str | None:
    """Returns the author a path names ("meta-llama/..." -> "meta-llama"), known vendors first."""
    names = [seg.lstrip("~@").split(":")[-1].split(" ")[0] for seg in path]
    names = [n for n in names if n and n not in rules.path_containers]
    for name in reversed(names):
        if name in rules.vendors:
            return rules.vendors[name]
    return slugify(names[-1]) if names else None


_NO_REVISION = re.compile(r"(?!)")
_V1 = re.compile(r"v1")
_REVISION = re.compile(r"v1|\d+")


def _strip_cloud_affixes(model: str, rules: IdRules, dropped: list[str]
                         ) -> tuple[str, re.Pattern[str]]:
    """Strips `@tag`, `:tag` and cloud prefixes ("eu.anthropic."); returns the model part and
    the pattern of the revision its last token may be: IDs with a cloud vendor prefix end in
    `-v1` (`anthropic.claude-opus-4-6-v1`), or `-N:0` (`openai.gpt-oss-120b-1:0`)."""
    if "@" in model.lstrip("@"):
        base, _, tag = model.lstrip("@").partition("@")
        if _digits(tag, 8) or tag not in rules.noise_tokens:
            model = f"{base}-{tag}"
        else:
            model = base
            dropped.append(f"@{tag}")
    versioned = False
    if ":" in model:
        base, *tags = model.split(":")
        versioned = any(t.isdigit() for t in tags)
        if base:
            model = base
            for tag in tags:
                if is_size(tag):
                    model += f"-{tag}"
                elif tag:
                    dropped.append(f":{tag}")
    bedrock = False
    while m := _DOT_PREFIX.match(model):
        word = m.group(1)
        if word in rules.region_prefixes:
            dropped.append(f"region {word}.")
            model = model[m.end():]
        else:
            bedrock = True
            model = f"{word}-{model[m.end():]}"
    if not bedrock:
        return model, _NO_REVISION
    return model, _REVISION if versioned else _V1


def _strip_noise(tokens: list[str], rules: IdRules, dropped: list[str]) -> list[str]:
    out = list(tokens)
    for seq in rules.noise_sequences:
        n = len(seq)
        for i in range(len(out) - n, -1, -1):
            if tuple(out[i:i + n]) == seq:
                dropped.append("-" + "-".join(seq))
                del out[i:i + n]
    kept = [t for t in out if t not in rules.noise_tokens]
    dropped.extend(f"-{t}" for t in out if t in rules.noise_tokens)
    if len(kept) > 1 and (m := _CONTEXT.match(kept[-1])) and (
            int(m.group(1)) >= rules.context_suffix_min_k):
        dropped.append(f"-{kept.pop()} (context variant)")
    return kept or out


def _strip_prefixes(tokens: list[str], provider: str | None, author: str | None,
                    rules: IdRules, dropped: list[str]) -> tuple[list[str], str | None]:
    """Strips a provider's own prefixes and leading vendor words that precede a family word
    ("databricks-claude-...", "openai-gpt-54", "mistralai-mistral-small", "meta-llama-3")."""
    vendor = None
    prov = (provider or "").lower()
    for prefix in rules.provider_prefixes.get(prov, ()):
        joined = "-".join(tokens)
        if joined.startswith(prefix) and len(joined) > len(prefix):
            dropped.append(f"{prefix} (provider prefix)")
            tokens = [t for t in re.split(r"[-_ ]+", joined[len(prefix):]) if t]
    own = {prov, prov.split("-")[0], slugify(author) if author else ""} - {""}
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for n in (3, 2, 1):
            head = "-".join(tokens[:n])
            if len(tokens) <= n or family_word(tokens[n], rules) is None:
                continue
            if head in rules.vendors or head in own:
                dropped.append(f"{head}- (vendor prefix)")
                vendor = vendor or rules.vendors.get(head)
                tokens = tokens[n:]
                changed = True
                break
    return tokens, vendor


def _read_dates(tokens: list[str]) -> list[tuple[str, str]]:
    """Returns (text, kind) pairs; kind is "date" (a snapshot date, always significant),
    "release" (a YYMM release tag such as 2506), "num" (digits) or "word"."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        nxt2 = tokens[i + 2] if i + 2 < len(tokens) else ""
        prev_alpha = bool(out) and not out[-1][0][-1:].isdigit()
        if _digits(t, 8) and t.startswith("20") and _month(t[4:6]) and _day(t[6:8]):
            out.append((t, "date"))
        elif _year(t) and _month(nxt) and _day(nxt2):
            out.append((f"{t}-{nxt}-{nxt2}", "date"))
            i += 2
        elif _month(t) and (_year(nxt) or (
                prev_alpha and len(nxt) == 2 and _day(nxt))):
            out.append((f"{t}-{nxt}", "date"))  # 09-2025 (month-year), 06-17 (month-day)
            i += 1
        elif _digits(t, 4) and 22 <= int(t[:2]) <= 29 and _month(t[2:]):
            out.append((t, "release"))
        elif _digits(t, 4) and _month(t[:2]) and _day(t[2:]):
            out.append((t, "date"))
        else:
            out.append((t, "num" if t.isdigit() else "word"))
        i += 1
    return out


def _digits(text: str, n: int) -> bool:
    return len(text) == n and text.isascii() and text.isdigit()


def _year(text: str) -> bool:
    return _digits(text, 4) and text.startswith("20")


def _month(text: str) -> bool:
    return _digits(text, 2) and 1 <= int(text) <= 12


def _day(text: str) -> bool:
    return _digits(text, 2) and 1 <= int(text) <= 31


def _merge_numbers(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Joins version numbers split by a separator: "4-5" -> "4.5", "qwen3-6" -> "qwen3.6",
    "m2_7" -> "m2.7" (sizes, dates and release tags are never joined)."""
    out: list[tuple[str, str]] = []
    for text, kind in parts:
        if (kind == "num" and len(text) <= 2 and out and out[-1][1] in ("num", "word")
                and out[-1][0][-1:].isdigit() and not is_size(out[-1][0])):
            prev, prev_kind = out.pop()
            out.append((f"{prev}.{text}", prev_kind))
        else:
            out.append((text, kind))
    return out


def _strip_release_tag(parts: list[tuple[str, str]], dropped: list[str]
                       ) -> list[tuple[str, str]]:
    """Drops a YYMM release tag when the ID also states a version ("mistral-small-3.2-...-2506"
    is 3.2), and keeps it as the version otherwise ("mistral-medium-2505")."""
    tags = [t for t, k in parts if k == "release"]
    if not tags:
        return parts
    versioned = any(k in ("num", "word") and any(c.isdigit() for c in t)
                    and not is_size(t) and not is_active(t) for t, k in parts)
    if not versioned:
        return [(t, "date" if k == "release" else k) for t, k in parts]
    dropped.extend(f"-{t} (release tag)" for t in tags)
    return [(t, k) for t, k in parts if k != "release"]


def _family_author(tokens: list[str], rules: IdRules) -> str | None:
    for t in tokens:
        if t in rules.prefer_families:
            return rules.families.get(t)
    for t in tokens:
        word = family_word(t, rules)
        if word is not None:
            return rules.families[word]
    return None
