"""Safe output file names and paths for untrusted IDs and names.

A model ID comes from scraped pages: it may hold `/`, `..`, unicode, Windows reserved
names (`con`, `nul`) or differ from another ID only in case. `safe_name` maps each to a
file name made of `[a-z0-9._-]` that is:

- stable: it depends on the ID alone, never on which other IDs exist;
- readable: an ID whose `/`-separated parts are already slugs keeps them, joined by
  `--` ("openai/gpt-4o" -> "openai--gpt-4o");
- unique: any other ID gets its slug plus the first 8 hex digits of the ID's sha256
  ("../../etc/passwd" -> "etc-passwd-3754d6cb");
- harmless: no leading dot, no path separator, no reserved device name, bounded length.

`NameMap` hands out these names for a set of IDs and, in the practically impossible case
that two still collide, lengthens the hash until they do not.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath

from catalog.errors import CatalogError

_RESERVED = {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"} | {
    f"{dev}{n}" for dev in ("com", "lpt") for n in "0123456789¹²³"}
_MAX_SLUG = 80


def slug(text: str) -> str:
    """Returns `text` as lowercase `[a-z0-9._-]`, runs of separators collapsed, ends trimmed.

    >>> slug("../../etc/passwd")
    'etc-passwd'
    >>> slug("Mistral Small 3.2")
    'mistral-small-3.2'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9._-]+", "-", ascii_text.lower())
    out = re.sub(r"[._-]{2,}", "-", out).strip("._-")
    return out[:_MAX_SLUG].rstrip("._-")


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _plain(ident: str, fold_case: bool) -> str | None:
    """Returns the name `ident` can use as it is, or None if it needs a hash.

    Each `/`-separated part must be its own slug (with `fold_case`: once case-folded and
    with spaces as `-`) and not a reserved device name; parts are joined with `--`, which
    no slug contains, so distinct IDs keep distinct names.
    """
    parts = [re.sub(r"\s+", "-", p.strip().casefold()) if fold_case else p
             for p in ident.split("/")]
    if not all(p and slug(p) == p and p.split(".")[0] not in _RESERVED for p in parts):
        return None
    name = "--".join(parts)
    return name if len(name) <= _MAX_SLUG else None


def safe_name(ident: str, hash_length: int = 8, fold_case: bool = False) -> str:
    """Returns the file name stem (no extension) for `ident`.

    >>> safe_name("openai/gpt-4o")
    'openai--gpt-4o'
    >>> safe_name("OpenAI", fold_case=True)
    'openai'
    >>> safe_name("CON") == "con-" + _digest("CON", 8)
    True
    """
    return _plain(ident, fold_case) or _hashed(ident, hash_length)


def _hashed(ident: str, hash_length: int) -> str:
    base = slug(ident) or "x"
    if base.split(".")[0] in _RESERVED:
        base = "x-" + base
    return f"{base}-{_digest(ident, hash_length)}"


class NameMap:
    """Safe, unique file name stems for a set of IDs (see the module docstring).

    `reserved` stems (such as "index") are never handed out. With `fold_case` (for display
    names such as providers) "OpenAI" may be "openai"; should "OPENAI" appear too, the one
    that sorts first keeps the plain name.
    """

    def __init__(self, idents: list[str], reserved: frozenset[str] = frozenset(),
                 fold_case: bool = False) -> None:
        self._names: dict[str, str] = {}
        taken = set(reserved)
        # IDs usable as they are go first: their names cannot change, hashed ones can.
        for ident in sorted(set(idents), key=lambda i: (_plain(i, fold_case) is None, i)):
            plain = _plain(ident, fold_case)
            candidates = [plain] if plain else []
            candidates += [_hashed(ident, n) for n in (8, 16, 32, 64)]
            name = next((c for c in candidates if c not in taken), None)
            if name is None:
                raise CatalogError(f"cannot find a unique file name for {ident!r}")
            taken.add(name)
            self._names[ident] = name

    def __getitem__(self, ident: str) -> str:
        return self._names[ident]

    def __contains__(self, ident: object) -> bool:
        return ident in self._names


def check_relative(rel: str) -> PurePosixPath:
    """Returns `rel` as a relative POSIX path after refusing anything that could escape."""
    path = PurePosixPath(rel)
    if (not rel or path.is_absolute() or "\\" in rel or "\x00" in rel
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise CatalogError(f"refusing to write unsafe output path {rel!r}")
    return path


def inside(root: Path, rel: str) -> Path:
    """Returns the absolute path of `rel` under `root`, asserting it resolves inside it."""
    target = (root / check_relative(rel)).resolve()
    base = root.resolve()
    if not target.is_relative_to(base) or target == base:
        raise CatalogError(f"refusing to write {rel!r}: it resolves outside {root}")
    return target
