"""Building the static catalog site: atomic, deterministic and incremental.

`build_site` renders the whole site (see `pages` for its layout) into a fresh directory
next to `out_dir` and then swaps it in, so a build that fails leaves the previous site as
it was. Output is a pure function of the database: no build time appears anywhere, every
list is sorted, and the dates shown are those of the crawl runs in which the data last
changed.

Incremental: the manifest (`.catalog-site`, which also marks the directory as a build)
records, for every page, a hash of everything it was rendered from. The next build
renders a page only when that hash changed; other pages are hard-linked from the previous
build. The hash covers the templates and the renderer's code too (the `fingerprint`), so
a new version of catalog renders everything once. A file that is rendered but comes out
byte-identical to the previous build's is linked from it too, not written again.

Parallel: on several CPUs, `SiteRenderer.run` shares the pages among forked worker
processes (`pages.parallel`); each reads what its pages need through a connection of its
own, renders and writes them into the same new directory, and their writers' records are
merged, so the site and its manifest are the same as those of a build in one process.

Memory: the build holds small records of every model for the lists of models; a model's
offerings, prices and findings are read a few models at a time, and the long files (the
exports, `api/models.json`, llms-full.txt) are written as they are made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalog.errors import CatalogError
from catalog.render import search as site_search
from catalog.render.exports import TextFiles
from catalog.render.feeds import SITEMAP_MAX_URLS
from catalog.render.pages import Files, SiteRenderer
from catalog.render.paths import check_relative, inside
from catalog.store import Store

#: Where the site is assumed to be served when no base URL is given (`python -m http.server`).
DEFAULT_BASE_URL = "http://localhost:8000/"
#: HTML pages larger than this are listed in `BuildReport.oversized`.
PAGE_BUDGET = 200 * 1024
#: Rows of a long table per page, at most (heavy rows split sooner: `pages.MAX_ROWS_WEIGHT`).
ROWS_PER_PAGE = 400
MARKER = ".catalog-site"
#: Processes rendering a build at most, and the catalog size from which it uses several.
MAX_WORKERS = 4
PARALLEL_MODELS = 200
#: The modules whose code decides what a page looks like (part of the `fingerprint`).
_RENDERER_MODULES = ("api", "changes", "chart", "exports", "feeds", "history", "markdown",
                     "pages", "paths", "site", "views")
_MANIFEST_VERSION = 1


@dataclass(frozen=True)
class BuildReport:
    """What a build did.

    `pages` are the units the site is rendered in (an HTML page with its Markdown twin,
    llms.txt, the sitemap, ...): `pages_rendered` were rendered, `pages_reused` taken
    unchanged from the previous build. `files_written` counts every file of the new site,
    `files_unchanged` those byte-identical to the previous build's. `search` says what
    happened to the search index; `oversized` lists HTML pages over `PAGE_BUDGET`, and
    `rendered` the pages that were rendered.
    """

    files_written: int
    files_unchanged: int
    pages_rendered: int
    pages_reused: int
    search: str
    seconds: float
    out_dir: Path
    oversized: tuple[str, ...] = ()
    rendered: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return self.pages_rendered + self.pages_reused

    def summary(self) -> str:
        """One line for people: what was rendered, reused and written."""
        return (f"{self.pages:,} pages: {self.pages_rendered:,} rendered, "
                f"{self.pages_reused:,} unchanged since the last build; "
                f"{self.files_written:,} files ({self.files_unchanged:,} byte-identical); "
                f"search: {self.search}; {self.seconds:.2f} s")


class SiteWriter:
    """Writes files under `root`, comparing each with the same file of `previous`.

    Every path is checked to resolve inside `root`. A file byte-identical to the previous
    build's is hard-linked from it rather than written again (copied, with its times, when
    links are not possible), so it keeps its modification time and hosts and mirrors see it
    as unchanged too.
    """

    def __init__(self, root: Path, previous: Path | None, fingerprint: str) -> None:
        self.root = root
        self._base = root.resolve()
        self._base_text = str(self._base)
        self.previous = previous
        self._previous_text = str(previous) if previous is not None else None
        self.fingerprint = fingerprint
        self.written: dict[str, int] = {}
        self.unchanged = 0
        self.units: dict[str, tuple[str, list[str]]] = {}
        self.rendered: list[str] = []
        self.reused = 0
        self._dirs: set[str] = {""}
        self._previous_units = _read_manifest(previous, fingerprint)

    def write(self, rel: str, content: str | bytes) -> None:
        if rel in self.written:
            raise CatalogError(f"two pages would be written to {rel}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = self._target(rel)
        if not self._link_if_same(rel, target, data):
            _write_file(target, data)
        self.written[rel] = len(data)

    def write_texts(self, files: TextFiles) -> None:
        """Writes `files` (as UTF-8) as they are made, rather than holding them whole;
        then links the previous build's copy of each that turned out the same."""
        for rel in files.paths:
            if rel in self.written:
                raise CatalogError(f"two pages would be written to {rel}")
        targets = [self._target(rel) for rel in files.paths]
        with contextlib.ExitStack() as stack:
            files.write(*(stack.enter_context(open(
                target, "w", encoding="utf-8", newline="", opener=_open_new))
                for target in targets))
        for rel, target in zip(files.paths, targets, strict=True):
            size = os.lstat(target).st_size
            old = _previous_file(self._previous_text, rel)
            if old is not None and old[1].st_size == size and _same_bytes(old[0], target):
                os.unlink(target)
                _link_or_copy(old[0], target, old[1])
                self.unchanged += 1
            self.written[rel] = size

    def _target(self, rel: str) -> str:
        """The path of `rel` in the new site. `root` is a directory this build created, so
        a relative path without ".." (`check_relative`) cannot leave it."""
        check_relative(rel)
        parent = rel.rpartition("/")[0]
        if parent not in self._dirs:
            os.makedirs(os.path.join(self._base_text, parent), exist_ok=True)
            self._dirs.add(parent)
        return os.path.join(self._base_text, rel)

    def adopt(self, rel: str) -> None:
        """Counts a file that a tool wrote under `root` itself (the search index)."""
        target = inside(self.root, rel)
        data = target.read_bytes()
        self.written[rel] = len(data)
        old = _previous_file(self._previous_text, rel)
        if old is not None and old[1].st_size == len(data) and _read(old[0]) == data:
            self.unchanged += 1
            os.utime(target, ns=(old[1].st_atime_ns, old[1].st_mtime_ns))

    def _link_if_same(self, rel: str, target: str, data: bytes) -> bool:
        """Links `rel` from the previous build if that file holds exactly `data`."""
        old = _previous_file(self._previous_text, rel)
        if old is None or old[1].st_size != len(data) or _read(old[0]) != data:
            return False
        _link_or_copy(old[0], target, old[1])
        self.unchanged += 1
        return True

    def unit(self, key: str, inputs: Any, produce: Callable[[], Files]) -> bool:
        """Writes the files of page `key` from `produce()`, or links them from the previous
        build if it recorded the same `inputs`. Returns whether it rendered.

        `produce` returns the content of each file by path: text, bytes, or `TextFiles`,
        which the paths it writes all share."""
        if key in self.units:
            raise CatalogError(f"two pages would be written to {key}")
        digest = input_digest(key, inputs)
        previous = self._previous_units.get(key)
        if previous and previous[0] == digest and self._link(previous[1]):
            self.units[key] = previous
            self.reused += 1
            return False
        files = produce()
        streamed: list[TextFiles] = []
        for rel, content in files.items():
            if not isinstance(content, TextFiles):
                self.write(rel, content)
            elif not any(content is done for done in streamed):
                if {path for path, other in files.items() if other is content} != set(
                        content.paths):
                    raise CatalogError(f"{key}: the files {content.paths} are listed "
                                       "under other paths")
                self.write_texts(content)
                streamed.append(content)
        self.units[key] = (digest, sorted(files))
        self.rendered.append(key)
        return True

    def _link(self, files: list[str]) -> bool:
        """Hard-links `files` from the previous build (copies across file systems)."""
        sources = [_previous_file(self._previous_text, rel) for rel in files]
        if not all(sources):
            return False
        for rel, source in zip(files, sources, strict=True):
            assert source is not None
            if rel in self.written:
                raise CatalogError(f"two pages would be written to {rel}")
            _link_or_copy(source[0], self._target(rel), source[1])
            self.written[rel] = source[1].st_size
            self.unchanged += 1
        return True

    def state(self) -> tuple[Any, ...]:
        """What this writer did, for `merge` into the writer of the same build in another
        process (a worker of a parallel build)."""
        return (self.written, self.unchanged, self.units, self.rendered, self.reused)

    def merge(self, state: tuple[Any, ...]) -> None:
        """Adds what another writer of this build did (`state`)."""
        written, unchanged, units, rendered, reused = state
        for rel in written:
            if rel in self.written:
                raise CatalogError(f"two pages would be written to {rel}")
        for key in units:
            if key in self.units:
                raise CatalogError(f"two pages would be written to {key}")
        self.written.update(written)
        self.units.update(units)
        self.unchanged += unchanged
        self.rendered.extend(rendered)
        self.reused += reused

    def manifest(self) -> str:
        return json.dumps({"catalog_site": _MANIFEST_VERSION, "fingerprint": self.fingerprint,
                           "pages": {k: list(v) for k, v in sorted(self.units.items())}},
                          indent=0, sort_keys=True) + "\n"


def _previous_file(previous: str | None, rel: str) -> tuple[str, os.stat_result] | None:
    """The previous build's regular file `rel` (never a symbolic link) as `(path, stat)`,
    or None."""
    if previous is None:
        return None
    path = os.path.join(previous, rel)
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return path, st


def _read(path: str) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        chunks = []
        while block := os.read(fd, 1 << 20):
            chunks.append(block)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _same_bytes(path: str, other: str) -> bool:
    """Whether the files `path` and `other` hold the same bytes (read part by part)."""
    with open(path, "rb", opener=_open_existing) as a, \
            open(other, "rb", opener=_open_existing) as b:
        while True:
            block = a.read(1 << 20)
            if block != b.read(1 << 20):
                return False
            if not block:
                return True


def _open_existing(path: str, flags: int) -> int:
    return os.open(path, flags | _NOFOLLOW)


def _open_new(path: str, flags: int) -> int:
    return os.open(path, flags | _NOFOLLOW, 0o666)


def _write_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _link_or_copy(source: str, target: str, st: os.stat_result) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, target, follow_symlinks=False)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def input_digest(key: str, inputs: Any) -> str:
    """A hash of what a page is rendered from. Inputs are dataclasses, strings, numbers,
    lists and dicts, whose `repr` is a complete and stable description of them."""
    text = repr((key, inputs))
    if " object at 0x" in text:
        raise CatalogError(f"the inputs of {key} cannot be hashed: {text[:200]}")
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _read_manifest(previous: Path | None, fingerprint: str) -> dict[str, tuple[str, list[str]]]:
    if previous is None:
        return {}
    try:
        doc = json.loads((previous / MARKER).read_text(encoding="utf-8"))
        if doc.get("catalog_site") != _MANIFEST_VERSION or doc.get("fingerprint") != fingerprint:
            return {}
        units = {str(k): (str(v[0]), [str(f) for f in v[1]]) for k, v in doc["pages"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}
    # Only paths a build could have written are ever linked from the previous build.
    return {k: v for k, v in units.items() if all(_safe(f) for f in v[1])}


def _safe(rel: str) -> bool:
    try:
        check_relative(rel)
    except CatalogError:
        return False
    return True


def fingerprint(*options: Any) -> str:
    """A hash of the templates, the renderer's code and the build options."""
    digest = hashlib.sha256(repr(options).encode())
    templates = resources.files("catalog") / "templates"
    paths: list[Any] = []
    stack = [templates]
    while stack:
        for entry in stack.pop().iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif not entry.name.startswith("."):
                paths.append(entry)
    paths += [Path(__file__).parent / f"{name}.py" for name in _RENDERER_MODULES]
    for entry in sorted(paths, key=lambda p: (p.name, str(p))):
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def normalise_base_url(base_url: str | None) -> str:
    """Returns `base_url` (default `DEFAULT_BASE_URL`) ending in "/"; it must be http(s)."""
    url = base_url or DEFAULT_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CatalogError(f"base URL {url!r} must be an absolute http(s) URL without query "
                           "or fragment, such as https://example.org/catalog/")
    return url if url.endswith("/") else url + "/"


def build_site(store: Store, out_dir: Path, base_url: str | None = None, *,
               search: bool | None = None, rows_per_page: int = ROWS_PER_PAGE,
               sitemap_max_urls: int = SITEMAP_MAX_URLS, workers: int | None = None
               ) -> BuildReport:
    """Renders the catalog in `store` as a static site into `out_dir`, replacing it whole.

    `search`: True requires the Pagefind index, False skips it, None (default) builds it
    when Pagefind is installed and says it was skipped otherwise. `out_dir` must not
    exist, be empty, or hold a previous build (it has the `MARKER` file): anything else
    is refused rather than deleted. `workers`: processes rendering pages (default: one
    per CPU, at most `MAX_WORKERS`, and one for small catalogs); the site is the same.
    """
    start = time.perf_counter()
    base = normalise_base_url(base_url)
    if rows_per_page < 1 or sitemap_max_urls < 1:
        raise CatalogError("rows per page and URLs per sitemap must be at least 1")
    out = Path(out_dir).absolute()
    _check_replaceable(out)
    exe = site_search.find_pagefind() if search is not False else None
    if search is True and exe is None:
        raise CatalogError("search needs Pagefind: pip install 'pagefind[bin]', or build "
                           "without search")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        tmp.chmod(0o755)
        writer = SiteWriter(tmp, out if out.is_dir() else None,
                            fingerprint(base, rows_per_page, sitemap_max_urls))
        renderer = SiteRenderer(store, base, writer, rows_per_page, sitemap_max_urls,
                                exe is not None)
        if workers is None:
            workers = default_workers(len(renderer.cat.models))
        # Workers open the database file again: an in-memory one builds in one process.
        renderer.run(workers if store.path.is_file() else 1)
        pages = sum(1 for p in writer.written if p.startswith("models/") and p.endswith(".html"))
        if exe is not None and pages:
            for rel in site_search.index_site(tmp, exe):
                writer.adopt(rel)
            status = f"Pagefind index of {pages:,} model pages"
        elif exe is not None:
            status = "skipped: no model pages to index"
        else:
            status = ("off" if search is False else
                      "skipped: Pagefind is not installed; pip install 'pagefind[bin]'")
        writer.write(MARKER, writer.manifest())
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    oversized = tuple(sorted(p for p, n in writer.written.items()
                             if n > PAGE_BUDGET and p.endswith(".html")))
    return BuildReport(len(writer.written), writer.unchanged, len(writer.rendered),
                       writer.reused, status, round(time.perf_counter() - start, 3), out,
                       oversized, tuple(sorted(writer.rendered)))


def default_workers(models: int) -> int:
    """Processes for a build of `models` models: one per CPU this process may run on, at
    most `MAX_WORKERS`; one below `PARALLEL_MODELS` models, where starting them costs more
    than it saves."""
    if models < PARALLEL_MODELS or not hasattr(os, "fork"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _check_replaceable(out: Path) -> None:
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        raise CatalogError(f"{out} exists and is not a directory: pass another output directory")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise CatalogError(f"{out} is not empty and holds no previous catalog build "
                           f"(no {MARKER} file); pass an empty or new output directory")


def _swap(new: Path, out: Path) -> None:
    """Puts `new` in place of `out`; if that fails, `out` is put back as it was."""
    if not out.exists():
        new.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        new.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
