"""Site search: runs Pagefind over the built model pages.

Pagefind (`pip install 'pagefind[bin]'`) reads the model pages (`data-pagefind-body`,
with `data-pagefind-filter` for provider, author and modality) and writes a static index
under `pagefind/`, which the index page's search form loads on demand. Its output is a
pure function of the pages, so builds stay byte-identical. Its bundled user interfaces
are removed: the site has its own small, accessible search form.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from catalog.errors import CatalogError
from catalog.render import cbor

#: What Pagefind indexes, relative to the site: the model pages only.
GLOB = "models/*.html"
OUTPUT = "pagefind"
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
           "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
           "pagefind-highlight.js")


def find_pagefind() -> Path | None:
    """Returns the Pagefind executable (from the `pagefind[bin]` wheel, else on PATH)."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]

        exe: Path = pagefind_bin.get_executable()
        return exe
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
        return Path(found) if found else None


def index_site(site: Path, exe: Path) -> list[str]:
    """Indexes the model pages of the site at `site`; returns the files written (relative
    to `site`). Raises `CatalogError` with Pagefind's message if it fails."""
    try:
        proc = subprocess.run(
            [str(exe), "--site", str(site), "--glob", GLOB, "--output-subdir", OUTPUT,
             "--silent"], capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CatalogError(f"search indexing with {exe} failed ({exc}); reinstall "
                           "`pagefind[bin]` or build without search (--no-search)") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise CatalogError(f"search indexing with {exe} failed (exit {proc.returncode}): "
                           + " / ".join(detail) + "; build without search (--no-search) "
                           "to skip it")
    out = site / OUTPUT
    for name in _UNUSED:
        (out / name).unlink(missing_ok=True)
    try:
        sort_filters(out)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise CatalogError(f"unexpected search index layout in {out} ({exc}): this version "
                           "of catalog knows Pagefind 1.x") from exc
    return sorted(p.relative_to(site).as_posix() for p in out.rglob("*") if p.is_file())


_SIGNATURE = b"pagefind_dcd"


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind index file")
    return cbor.loads(data[len(_SIGNATURE):])


def _write(directory: Path, prefix: str, digits: int, suffix: str, value: object) -> str:
    """Writes `value` as a Pagefind file named by its content; returns the name's hash."""
    data = _SIGNATURE + cbor.dumps(value)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (directory / f"{name}{suffix}").write_bytes(gzip.compress(data, 9, mtime=0))
    return name


def sort_filters(out: Path) -> None:
    """Rewrites Pagefind's filter files with their values sorted, and renames them (and
    the metadata file that lists them) after their new content.

    Pagefind collects filter values in a hash map, so their order, and with it the
    bytes and names of these files, differs from run to run; everything else it writes
    is already a pure function of the pages.
    """
    entry_path = out / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in sorted(entry["languages"].items()):
        meta_path = out / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        assert isinstance(meta, list)
        filters = []
        for name, digest in meta[3]:
            path = out / "filter" / f"{digest}.pf_filter"
            doc = _read(path)
            assert isinstance(doc, list) and len(doc) == 2
            filter_name, values = doc
            path.unlink()
            prefix = digest.split("_")[0]
            filters.append([name, _write(out / "filter", prefix, 7, ".pf_filter",
                                         [filter_name, sorted(values)])])
        meta[3] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write(out, f"pagefind.{info['hash'].split('_')[0]}", 10, ".pf_meta",
                              meta).removeprefix("pagefind.")
        entry["languages"][lang] = info
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
