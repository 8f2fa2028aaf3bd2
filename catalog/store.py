"""The catalog database: the only module that writes (or reads) SQL.

One SQLite file in WAL mode holds the raw crawl (`runs`, `pages`, `frontier`) and
the normalised catalog (`models`, `offerings`, `prices`, `related`, `findings`).
Prices are history: a row is closed (`valid_to_run`) and a new one opened only
when a value changes. A price is keyed by (component, min_prompt_tokens): NULL
`min_prompt_tokens` is the base price, a number a context tier (the price from that many
prompt tokens up). "The" price of a component is always the base price.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import pickle
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from catalog.errors import CatalogError
from catalog.normalise.records import Finding, Offering

SCHEMA_VERSION = 4  # 2: frontier.outcome/attempts, extracts; 3: model identity, aliases;
#                    4: prices.min_prompt_tokens (context tiers)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    seeds TEXT NOT NULL,          -- JSON list
    options TEXT NOT NULL DEFAULT '{}',  -- JSON
    complete INTEGER NOT NULL DEFAULT 0,
    stats TEXT NOT NULL DEFAULT '{}'     -- JSON
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    final_url TEXT,
    status INTEGER,
    content_type TEXT,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    body BLOB,
    fetched_at TEXT,
    run_id INTEGER,
    changed_run INTEGER,         -- run in which the body last changed
    error TEXT,                  -- last failure, NULL once a fetch succeeds
    error_run INTEGER
);
CREATE TABLE IF NOT EXISTS frontier (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,          -- robots | sitemap | llms | page | markdown
    depth INTEGER NOT NULL DEFAULT 0,
    found_on TEXT,
    state TEXT NOT NULL DEFAULT 'pending',   -- pending | done | failed | skipped
    reason TEXT,
    outcome TEXT,                -- new | changed | unchanged | not_modified | failed | why skipped
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS frontier_state ON frontier (run_id, state);
CREATE TABLE IF NOT EXISTS extracts (  -- what a page body yielded, so it is extracted once
    url TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    extractor TEXT NOT NULL,     -- fingerprint of the extractor code and page metadata
    data TEXT NOT NULL           -- JSON
);
CREATE TABLE IF NOT EXISTS models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    author TEXT,
    family TEXT,
    description TEXT,
    context_length INTEGER,
    modalities TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS offerings (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    catalog TEXT NOT NULL,
    provider TEXT NOT NULL,
    source_model_id TEXT NOT NULL,
    name TEXT NOT NULL,
    author TEXT,
    description TEXT,
    url TEXT NOT NULL UNIQUE,
    md_url TEXT,
    llms_url TEXT,
    date_added TEXT,
    release_date TEXT,           -- YYYY-MM-DD, or YYYY-MM when only the month is known
    context_length INTEGER,
    modalities TEXT NOT NULL DEFAULT '[]',
    sources TEXT NOT NULL DEFAULT '[]',
    first_seen_run INTEGER NOT NULL,
    last_seen_run INTEGER NOT NULL,
    changed_run INTEGER NOT NULL,   -- run in which any of its data last changed
    status TEXT NOT NULL DEFAULT 'active'   -- active | removed
);
CREATE INDEX IF NOT EXISTS offerings_model ON offerings (model_id);
CREATE INDEX IF NOT EXISTS offerings_md_url ON offerings (md_url);
CREATE TABLE IF NOT EXISTS aliases (     -- every ID a canonical model is listed under
    model_id TEXT NOT NULL,
    alias TEXT NOT NULL,         -- the model ID as the catalog states it
    provider TEXT NOT NULL,
    catalog TEXT NOT NULL,
    rule TEXT,                   -- how the resolver matched it (see data/aliases.toml)
    confidence REAL,
    PRIMARY KEY (model_id, alias, provider, catalog)
);
CREATE TABLE IF NOT EXISTS prices (
    offering_id TEXT NOT NULL,
    component TEXT NOT NULL,
    unit TEXT NOT NULL,
    amount TEXT NOT NULL,        -- decimal text, never a float
    currency TEXT NOT NULL,
    valid_from_run INTEGER NOT NULL,
    valid_to_run INTEGER,
    min_prompt_tokens INTEGER    -- a context tier: applies from this prompt size; NULL = base
);
CREATE INDEX IF NOT EXISTS prices_offering ON prices (offering_id, component);
CREATE TABLE IF NOT EXISTS related (
    offering_id TEXT NOT NULL,
    related_url TEXT NOT NULL,
    related_model_id TEXT,
    PRIMARY KEY (offering_id, related_url)
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    offering_id TEXT,
    field TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_run ON findings (run_id);
"""


_ADDED_COLUMNS = [("frontier", "outcome", "TEXT"),
                  ("frontier", "attempts", "INTEGER NOT NULL DEFAULT 0"),
                  # how an offering's model was resolved: rule, confidence, evidence (JSON)
                  ("offerings", "model_rule", "TEXT"),
                  ("offerings", "model_confidence", "REAL"),
                  ("offerings", "model_evidence", "TEXT NOT NULL DEFAULT '[]'"),
                  # context-tier prices (schema 4); older rows are base prices
                  ("prices", "min_prompt_tokens", "INTEGER")]


def now_iso() -> str:
    """Returns the current UTC time as an ISO 8601 string with a `Z` suffix."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def offering_id(url: str) -> str:
    """Returns the stable ID of the offering listed at `url` (16 hex digits of its sha256)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PageRow:
    """A stored page, as the extract stage needs it."""

    url: str
    final_url: str | None
    status: int | None
    content_type: str | None
    body: bytes | None
    sha256: str | None
    changed_run: int | None


@dataclass(frozen=True)
class FetchResult:
    """The outcome of fetching one URL, to be stored in `pages`."""

    url: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    error: str | None = None
    not_modified: bool = False
    rejected: bool = False    # not a type the crawl reads (e.g. an image): skipped, not stored
    attempts: int = 1


class Store:
    """The catalog database at `path`; creates or migrates its schema on open."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{path} is not a catalog database ({exc}); "
                               "pass another --db or delete the file") from exc
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self._migrate()

    # -- schema ---------------------------------------------------------------

    def _migrate(self) -> None:
        conn = self.db.conn
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if has_meta:
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise CatalogError(
                    f"{self.path} has schema {version}, this version of catalog knows up to "
                    f"{SCHEMA_VERSION}: upgrade catalog or use another --db")
        else:
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise CatalogError(f"{self.path} is an SQLite file but not a catalog database: "
                                   "pass another --db")
        with self.db.conn:
            conn.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
            for table, column, decl in _ADDED_COLUMNS:  # databases from older versions
                if column not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.db.conn.close()

    def _tx(self) -> Any:
        return self.db.atomic() if hasattr(self.db, "atomic") else self.db.conn

    # -- runs -----------------------------------------------------------------

    def start_run(self, seeds: list[str], options: dict[str, Any]) -> int:
        """Returns the ID of a new crawl run."""
        cur = self.db.conn.execute(
            "INSERT INTO runs (started_at, seeds, options) VALUES (?, ?, ?)",
            (now_iso(), json.dumps(seeds), json.dumps(options, sort_keys=True)))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def unfinished_run(self, seeds: list[str] | None) -> int | None:
        """Returns the latest run with these seeds (any seeds, if None) that never finished."""
        row = self.db.conn.execute(
            "SELECT id FROM runs WHERE finished_at IS NULL AND (? IS NULL OR seeds = ?) "
            "ORDER BY id DESC LIMIT 1",
            (None if seeds is None else json.dumps(seeds),) * 2).fetchone()
        return int(row[0]) if row else None

    def finish_run(self, run_id: int, stats: dict[str, Any], complete: bool) -> None:
        self.db.conn.execute(
            "UPDATE runs SET finished_at = ?, stats = ?, complete = ? WHERE id = ?",
            (now_iso(), json.dumps(stats, sort_keys=True), int(complete), run_id))

    def run(self, run_id: int) -> dict[str, Any]:
        row = self.db.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise CatalogError(f"no run {run_id} in {self.path}")
        cols = [d[0] for d in self.db.conn.execute("SELECT * FROM runs LIMIT 0").description]
        out = dict(zip(cols, row, strict=True))
        out["stats"] = json.loads(out["stats"])
        out["seeds"] = json.loads(out["seeds"])
        return out

    def runs(self) -> list[dict[str, Any]]:
        return [self.run(r[0]) for r in self.db.conn.execute("SELECT id FROM runs ORDER BY id")]

    def latest_run_id(self) -> int | None:
        row = self.db.conn.execute("SELECT max(id) FROM runs").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    # -- frontier -------------------------------------------------------------

    def enqueue(self, run_id: int, items: Iterable[tuple[str, str, int, str | None]]) -> int:
        """Adds (url, kind, depth, found_on) to the run's frontier; returns how many were new."""
        cur = self.db.conn.executemany(
            "INSERT OR IGNORE INTO frontier (run_id, url, kind, depth, found_on) "
            "VALUES (?, ?, ?, ?, ?)",
            [(run_id, u, k, d, f) for (u, k, d, f) in items])
        return cur.rowcount

    def pending(self, run_id: int) -> list[tuple[str, str, int]]:
        """Returns (url, kind, depth) of every URL still to fetch in this run."""
        return [(r[0], r[1], r[2]) for r in self.db.conn.execute(
            "SELECT url, kind, depth FROM frontier WHERE run_id = ? AND state = 'pending' "
            "ORDER BY rowid", (run_id,))]

    def frontier_urls(self, run_id: int) -> list[str]:
        return [r[0] for r in self.db.conn.execute(
            "SELECT url FROM frontier WHERE run_id = ?", (run_id,))]

    def frontier_states(self, run_id: int) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.conn.execute(
            "SELECT state, count(*) FROM frontier WHERE run_id = ? GROUP BY state", (run_id,))}

    def frontier_failures(self, run_id: int) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.db.conn.execute(
            "SELECT url, coalesce(reason, '') FROM frontier WHERE run_id = ? AND state = 'failed' "
            "ORDER BY url", (run_id,))]

    def skip(self, run_id: int, url: str, reason: str, outcome: str = "skipped",
             attempts: int = 0) -> None:
        """Marks a frontier URL skipped; `outcome` names why in one word ("robots")."""
        self.db.conn.execute(
            "UPDATE frontier SET state = 'skipped', reason = ?, outcome = ?, attempts = ? "
            "WHERE run_id = ? AND url = ?", (reason, outcome, attempts, run_id, url))

    def frontier_state(self, run_id: int, url: str) -> tuple[str, str | None] | None:
        """Returns (state, reason) of `url` in the run's frontier, or None if not there."""
        row = self.db.conn.execute("SELECT state, reason FROM frontier WHERE run_id = ? AND "
                                   "url = ?", (run_id, url)).fetchone()
        return (row[0], row[1]) if row else None

    def crawl_stats(self, run_id: int) -> dict[str, Any]:
        """Returns the run's frontier outcomes: counts per outcome, retries, failures."""
        outcomes: dict[str, int] = {}
        retries = 0
        for outcome, n, extra in self.db.conn.execute(
                "SELECT coalesce(outcome, state), count(*), sum(max(attempts - 1, 0)) "
                "FROM frontier WHERE run_id = ? GROUP BY 1", (run_id,)):
            outcomes[outcome] = n
            retries += extra or 0
        return {"outcomes": outcomes, "retries": retries,
                "failures": self.frontier_failures(run_id)}

    # -- extraction cache -----------------------------------------------------

    def cached_extract(self, url: str, sha256: str, extractor: str) -> str | None:
        """Returns the stored extraction (JSON) of this body of `url` by this extractor."""
        row = self.db.conn.execute(
            "SELECT data FROM extracts WHERE url = ? AND sha256 = ? AND extractor = ?",
            (url, sha256, extractor)).fetchone()
        return str(row[0]) if row else None

    def cache_extracts(self, entries: Iterable[tuple[str, str, str, str]]) -> None:
        """Stores (url, sha256, extractor, data) extractions, replacing older ones."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO extracts VALUES (?, ?, ?, ?)", entries)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- pages ----------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """Returns the stored (etag, last_modified) of `url` for a conditional GET."""
        row = self.db.conn.execute(
            "SELECT etag, last_modified FROM pages WHERE url = ? AND body IS NOT NULL",
            (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def record_fetch(self, run_id: int, result: FetchResult,
                     discovered: Iterable[tuple[str, str, int, str | None]] = (),
                     extract: tuple[str, str, str] | None = None, *,
                     commit: bool = True) -> str:
        """Stores one fetch result, the URLs it led to and the (sha256, extractor, data) of
        its extraction, all or nothing, and commits. With `commit=False` the transaction
        stays open for more results (a crawl commits them in batches: cheaper than one
        commit per page) until `commit()`.

        Returns "new", "changed", "unchanged", "not_modified" or "failed". A failure keeps
        the last good copy of the page and only records the error (the crawler may still
        pass the URLs that copy links to).
        """
        conn = self.db.conn
        began = not conn.in_transaction
        if began:
            conn.execute("BEGIN IMMEDIATE")
        conn.execute("SAVEPOINT record_fetch")
        try:
            outcome = self._record_fetch(run_id, result)
            state, reason = ("failed", result.error) if outcome == "failed" else ("done", None)
            conn.execute("UPDATE frontier SET state = ?, reason = ?, outcome = ?, attempts = ? "
                         "WHERE run_id = ? AND url = ?",
                         (state, reason, outcome, result.attempts, run_id, result.url))
            self.enqueue(run_id, discovered)
            if extract is not None:
                conn.execute("INSERT OR REPLACE INTO extracts VALUES (?, ?, ?, ?)",
                             (result.url, *extract))
            conn.execute("RELEASE record_fetch")
        except BaseException:
            conn.execute("ROLLBACK TO record_fetch")
            conn.execute("RELEASE record_fetch")
            if began and commit:
                conn.execute("ROLLBACK")
            raise
        if commit:
            conn.execute("COMMIT")
        return outcome

    def commit(self) -> None:
        """Commits the fetch results that `record_fetch(commit=False)` left open."""
        if self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")

    def _record_fetch(self, run_id: int, r: FetchResult) -> str:
        conn = self.db.conn
        old = conn.execute("SELECT sha256 FROM pages WHERE url = ?", (r.url,)).fetchone()
        fetched_at = now_iso()
        if r.error is not None:
            if old is None:
                conn.execute(
                    "INSERT INTO pages (url, final_url, status, content_type, fetched_at, run_id, "
                    "error, error_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (r.url, r.final_url, r.status, r.content_type, fetched_at, run_id,
                     r.error, run_id))
            else:
                conn.execute("UPDATE pages SET error = ?, error_run = ? WHERE url = ?",
                             (r.error, run_id, r.url))
            return "failed"
        if r.not_modified and old is not None and old[0] is not None:
            conn.execute("UPDATE pages SET fetched_at = ?, run_id = ?, error = NULL, "
                         "error_run = NULL WHERE url = ?", (fetched_at, run_id, r.url))
            return "not_modified"
        body = r.body or b""
        sha = hashlib.sha256(body).hexdigest()
        outcome = "new" if old is None or old[0] is None else (
            "unchanged" if old[0] == sha else "changed")
        changed_run_sql = "changed_run" if outcome == "unchanged" else "?"
        params: list[Any] = [r.final_url, r.status, r.content_type, r.etag, r.last_modified,
                             sha, body, fetched_at, run_id]
        if outcome != "unchanged":
            params.append(run_id)
        if old is None:
            conn.execute(
                "INSERT INTO pages (url, final_url, status, content_type, etag, last_modified, "
                "sha256, body, fetched_at, run_id, changed_run) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [r.url, *params[:9], run_id])
        else:
            conn.execute(
                "UPDATE pages SET final_url = ?, status = ?, content_type = ?, etag = ?, "
                "last_modified = ?, sha256 = ?, body = ?, fetched_at = ?, run_id = ?, "
                f"changed_run = {changed_run_sql}, error = NULL, error_run = NULL WHERE url = ?",
                [*params, r.url])
        return outcome

    def pages(self, urls: Iterable[str] | None = None) -> Iterator[PageRow]:
        """Yields stored pages that have a body (all of them, or those in `urls`)."""
        sql = ("SELECT url, final_url, status, content_type, body, sha256, changed_run "
               "FROM pages WHERE body IS NOT NULL")
        if urls is None:
            rows: Iterable[Any] = self.db.conn.execute(sql + " ORDER BY url")
        else:
            wanted = sorted(set(urls))
            rows = (row for chunk in _chunks(wanted, 500) for row in self.db.conn.execute(
                sql + f" AND url IN ({','.join('?' * len(chunk))}) ORDER BY url", chunk))
        for row in rows:
            yield PageRow(*row)

    def run_urls(self, run_id: int) -> list[str]:
        """Returns every URL the run reached, fetched or failed (a failure keeps its last
        good copy, which still describes the page)."""
        return [r[0] for r in self.db.conn.execute(
            "SELECT url FROM frontier WHERE run_id = ? AND state IN ('done', 'failed') "
            "ORDER BY url", (run_id,))]

    def page_errors(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.db.conn.execute(
            "SELECT url, error FROM pages WHERE error IS NOT NULL ORDER BY url")]

    # -- catalog --------------------------------------------------------------

    def save_catalog(self, run_id: int, offerings: Iterable[Offering],
                     findings: Iterable[Finding], models: Iterable[Mapping[str, Any]],
                     complete: bool, matches: Mapping[str, Any] | None = None
                     ) -> dict[str, int]:
        """Upserts offerings (with price history), models, related edges and findings.

        Each is read once, in that order (models, offerings, findings), inside the
        transaction, so they can be streams: an offering is read before it is stored (it
        may still read the prices in force, `open_prices`), and `findings` after every
        offering has been stored.

        `matches` (offering URL -> an object with `rule`, `confidence` and `evidence`) says
        how each offering's model was resolved; every source ID of a model is kept in
        `aliases`.

        With `complete`, offerings not seen in this run are marked removed. Returns counts
        of new, changed, unchanged and removed offerings.
        """
        counts = {"new": 0, "changed": 0, "unchanged": 0, "removed": 0}
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for m in models:
                conn.execute(
                    "INSERT OR REPLACE INTO models (id, name, author, family, description, "
                    "context_length, modalities) VALUES (?,?,?,?,?,?,?)",
                    (m["id"], m["name"], m.get("author"), m.get("family"), m.get("description"),
                     m.get("context_length"), json.dumps(m.get("modalities", []))))
            seen: set[str] = set()
            for off in offerings:
                oid = offering_id(off.url)
                seen.add(oid)
                counts[self._upsert_offering(run_id, oid, off)] += 1
                if matches and off.url in matches:
                    m = matches[off.url]
                    conn.execute("UPDATE offerings SET model_rule = ?, model_confidence = ?, "
                                 "model_evidence = ? WHERE id = ?",
                                 (m.rule, m.confidence, json.dumps(list(m.evidence)), oid))
            conn.execute("DELETE FROM findings WHERE run_id = ?", (run_id,))
            conn.executemany(
                "INSERT INTO findings (run_id, url, offering_id, field, kind, detail) "
                "VALUES (?,?,?,?,?,?)",
                ((run_id, f.url, offering_id(f.offering_url) if f.offering_url else None,
                  f.field, f.kind, f.detail) for f in findings))
            if complete:
                gone = [r[0] for r in conn.execute(
                    "SELECT id FROM offerings WHERE status = 'active'") if r[0] not in seen]
                for oid in gone:
                    conn.execute("UPDATE offerings SET status = 'removed', changed_run = ? "
                                 "WHERE id = ?", (run_id, oid))
                    conn.execute("UPDATE prices SET valid_to_run = ? WHERE offering_id = ? "
                                 "AND valid_to_run IS NULL", (run_id, oid))
                counts["removed"] = len(gone)
            self._resolve_related()
            conn.execute("DELETE FROM models WHERE id NOT IN (SELECT model_id FROM offerings)")
            conn.execute("DELETE FROM aliases")
            conn.execute("INSERT OR IGNORE INTO aliases SELECT model_id, source_model_id, "
                         "provider, catalog, model_rule, model_confidence FROM offerings "
                         "ORDER BY status = 'active' DESC, url")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return counts

    def _upsert_offering(self, run_id: int, oid: str, off: Offering) -> str:
        conn = self.db.conn
        fields = {
            "model_id": off.model_id, "catalog": off.catalog, "provider": off.provider,
            "source_model_id": off.source_model_id, "name": off.name, "author": off.author,
            "description": off.description, "url": off.url, "md_url": off.md_url,
            "llms_url": off.llms_url,
            "date_added": off.date_added.isoformat() if off.date_added else None,
            "release_date": off.release_date,
            "context_length": off.context_length, "modalities": json.dumps(list(off.modalities)),
            "sources": json.dumps(sorted(off.sources)),
        }
        cols = list(fields)
        old = conn.execute(f"SELECT {', '.join(cols)}, status FROM offerings WHERE id = ?",
                           (oid,)).fetchone()
        prices_changed = self._version_prices(run_id, oid, off)
        related = sorted(set(off.related_urls))
        old_related = [r[0] for r in conn.execute(
            "SELECT related_url FROM related WHERE offering_id = ? ORDER BY related_url", (oid,))]
        if related != old_related:
            conn.execute("DELETE FROM related WHERE offering_id = ?", (oid,))
            conn.executemany("INSERT INTO related (offering_id, related_url) VALUES (?, ?)",
                             [(oid, u) for u in related])
        if old is None:
            conn.execute(
                f"INSERT INTO offerings (id, {', '.join(cols)}, first_seen_run, last_seen_run, "
                f"changed_run, status) VALUES (?, {', '.join('?' * len(cols))}, ?, ?, ?, 'active')",
                (oid, *fields.values(), run_id, run_id, run_id))
            return "new"
        changed = (tuple(old[:-1]) != tuple(fields.values()) or old[-1] != "active"
                   or prices_changed or related != old_related)
        sets = ", ".join(f"{c} = ?" for c in cols)
        conn.execute(
            f"UPDATE offerings SET {sets}, last_seen_run = ?, status = 'active'"
            + (", changed_run = ?" if changed else "") + " WHERE id = ?",
            (*fields.values(), run_id, *((run_id,) if changed else ()), oid))
        return "changed" if changed else "unchanged"

    def _version_prices(self, run_id: int, oid: str, off: Offering) -> bool:
        """Versions the offering's base and context-tier prices, each keyed by (component,
        min_prompt_tokens): a change closes only that key's row. Returns whether any changed."""
        conn = self.db.conn
        current = {(r[0], r[4]): (r[1], r[2], r[3]) for r in conn.execute(
            "SELECT component, unit, amount, currency, min_prompt_tokens FROM prices "
            "WHERE offering_id = ? AND valid_to_run IS NULL", (oid,))}
        new = {(p.component, p.min_prompt_tokens): (p.unit, _dec_text(p.amount), p.currency)
               for p in (*off.prices, *off.tier_prices)}
        changed = False
        for key in sorted(set(current) | set(new), key=lambda k: (k[0], k[1] or 0)):
            if current.get(key) == new.get(key):
                continue
            changed = True
            comp, tier = key
            if key in current:
                conn.execute("UPDATE prices SET valid_to_run = ? WHERE offering_id = ? AND "
                             "component = ? AND min_prompt_tokens IS ? AND valid_to_run IS NULL",
                             (run_id, oid, comp, tier))
            if key in new:
                unit, amount, currency = new[key]
                conn.execute(
                    "INSERT INTO prices (offering_id, component, unit, amount, currency, "
                    "valid_from_run, min_prompt_tokens) VALUES (?,?,?,?,?,?,?)",
                    (oid, comp, unit, amount, currency, run_id, tier))
        return changed

    def _resolve_related(self) -> None:
        # two indexed lookups: an OR across both columns scans every offering per edge
        self.db.conn.execute(
            "UPDATE related SET related_model_id = coalesce("
            "(SELECT o.model_id FROM offerings o WHERE o.url = related.related_url), "
            "(SELECT o.model_id FROM offerings o WHERE o.md_url = related.related_url LIMIT 1))")

    # -- reading the catalog --------------------------------------------------

    def offerings(self, include_removed: bool = False,
                  model_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Returns every offering (or those of `model_ids`, a few hundred models at most)
        as a dict with `prices` (component -> Decimal, base prices only), `currency` (of
        the base prices), `tier_prices` (context tiers: dicts of `component`, `unit`,
        `amount` as Decimal, `currency`, `min_prompt_tokens`, by component then tier),
        `related_urls` and decoded `modalities`, ordered by model then URL."""
        of_models, params = _in("model_id", model_ids)
        where = _where("" if include_removed else "status = 'active'", of_models)
        rows = self._dicts(f"SELECT * FROM offerings {where}ORDER BY model_id, url", params)
        of_offerings, params = _of_models("offering_id", model_ids)
        prices: dict[str, list[dict[str, Any]]] = {}
        tiers: dict[str, list[dict[str, Any]]] = {}
        for p in self._dicts("SELECT offering_id, component, unit, amount, currency, "
                             "min_prompt_tokens FROM prices "
                             + _where("valid_to_run IS NULL", of_offerings)
                             + "ORDER BY offering_id, component, min_prompt_tokens", params):
            if p["min_prompt_tokens"] is None:
                prices.setdefault(p["offering_id"], []).append(p)
            else:
                tiers.setdefault(p.pop("offering_id"), []).append(
                    {**p, "amount": Decimal(p["amount"])})
        related: dict[str, list[str]] = {}
        for r in self.db.conn.execute("SELECT offering_id, related_url FROM related "
                                      + _where(of_offerings)
                                      + "ORDER BY offering_id, related_url", params):
            related.setdefault(r[0], []).append(r[1])
        for row in rows:
            row["modalities"] = json.loads(row["modalities"])
            row["sources"] = json.loads(row["sources"])
            row["model_evidence"] = json.loads(row.get("model_evidence") or "[]")
            plist = prices.get(row["id"], [])
            row["prices"] = {p["component"]: Decimal(p["amount"]) for p in plist}
            row["price_units"] = {p["component"]: p["unit"] for p in plist}
            currencies = sorted({p["currency"] for p in plist})
            row["currency"] = currencies[0] if len(currencies) == 1 else (
                None if not currencies else "/".join(currencies))
            row["related_urls"] = related.get(row["id"], [])
            row["tier_prices"] = tiers.get(row["id"], [])
        return rows

    def offering_prices(self) -> list[dict[str, Any]]:
        """Returns every active offering with what pricing it needs, in one query: `id`,
        `model_id`, `name`, `author`, `provider`, `catalog`, `url`, `context_length`,
        `modalities`, `prices`, `currency` and `tier_prices` as `offerings` has them, in
        its order."""
        out: list[dict[str, Any]] = []
        last: dict[str, Any] = {"id": None}
        currencies: set[str] = set()
        for (oid, model_id, name, author, provider, catalog, url, context, modalities,
             component, unit, amount, currency, tier) in self.db.conn.execute(
                "SELECT o.id, o.model_id, o.name, o.author, o.provider, o.catalog, o.url, "
                "o.context_length, o.modalities, p.component, p.unit, p.amount, p.currency, "
                "p.min_prompt_tokens FROM offerings o LEFT JOIN prices p "
                "ON p.offering_id = o.id AND p.valid_to_run IS NULL WHERE o.status = 'active' "
                "ORDER BY o.model_id, o.url, p.component, p.min_prompt_tokens"):
            if oid != last["id"]:
                currencies = set()
                last = {"id": oid, "model_id": model_id, "name": name, "author": author,
                        "provider": provider, "catalog": catalog, "url": url,
                        "context_length": context, "modalities": json.loads(modalities),
                        "prices": {}, "currency": None, "tier_prices": []}
                out.append(last)
            if tier is not None:
                last["tier_prices"].append({"component": component, "unit": unit,
                                            "amount": Decimal(amount), "currency": currency,
                                            "min_prompt_tokens": tier})
            elif component is not None:
                last["prices"][component] = Decimal(amount)
                currencies.add(currency)
                last["currency"] = "/".join(sorted(currencies))
        return out

    def export_offerings(self) -> Iterator[dict[str, Any]]:
        """Yields every active offering as `offerings` has it, but only the columns an
        export needs (`url`, `source_model_id`, `model_id`, `name`, `author`, `provider`,
        `catalog`, `currency`, `context_length`, `modalities`, `date_added`,
        `release_date`, `related_urls` and base `prices`), one at a time in its order."""
        rows = self.db.conn.execute(
            "SELECT o.id, o.url, o.source_model_id, o.model_id, o.name, o.author, o.provider, "
            "o.catalog, o.context_length, o.modalities, o.date_added, o.release_date, "
            "p.component, p.amount, p.currency FROM offerings o LEFT JOIN prices p "
            "ON p.offering_id = o.id AND p.valid_to_run IS NULL "
            "AND p.min_prompt_tokens IS NULL WHERE o.status = 'active' "
            "ORDER BY o.model_id, o.url, p.component")
        related = self.db.conn.cursor().execute(
            "SELECT o.url, r.related_url FROM related r JOIN offerings o ON o.id = r.offering_id "
            "WHERE o.status = 'active' ORDER BY o.model_id, o.url, r.related_url")
        pending = related.fetchone()
        for (oid, url, source_id, model_id, name, author, provider, catalog, context,
             modalities, date_added, release_date), prices in _with_prices(rows):
            off = {"id": oid, "url": url, "source_model_id": source_id,
                   "model_id": model_id, "name": name, "author": author,
                   "provider": provider, "catalog": catalog, "context_length": context,
                   "modalities": json.loads(modalities), "date_added": date_added,
                   "release_date": release_date, "prices": prices["prices"],
                   "related_urls": [], "currency": prices["currency"]}
            while pending is not None and pending[0] == url:
                off["related_urls"].append(pending[1])
                pending = related.fetchone()
            yield off

    def listing_offerings(self) -> Iterator[dict[str, Any]]:
        """Yields every offering, removed ones too, with only what lists of models need:
        `id`, `model_id`, `status`, `name`, `author`, `provider`, `url`, `context_length`,
        `modalities`, `date_added`, `first_seen_run`, `changed_run`, and base `prices`
        with their `currency` as `offerings` has them (none for removed offerings); one at
        a time in the order of `offerings(include_removed=True)`."""
        rows = self.db.conn.execute(
            "SELECT o.id, o.model_id, o.status, o.name, o.author, o.provider, o.url, "
            "o.context_length, o.modalities, o.date_added, o.first_seen_run, o.changed_run, "
            "p.component, p.amount, p.currency FROM offerings o LEFT JOIN prices p "
            "ON p.offering_id = o.id AND p.valid_to_run IS NULL "
            "AND p.min_prompt_tokens IS NULL AND o.status = 'active' "
            "ORDER BY o.model_id, o.url, p.component")
        for (oid, model_id, status, name, author, provider, url, context, modalities,
             date_added, first_seen, changed), prices in _with_prices(rows):
            yield {"id": oid, "model_id": model_id, "status": status, "name": name,
                   "author": author, "provider": provider, "url": url,
                   "context_length": context, "modalities": json.loads(modalities),
                   "date_added": date_added, "first_seen_run": first_seen,
                   "changed_run": changed, **prices}

    def export_prices(self, history: bool = False) -> Iterator[dict[str, Any]]:
        """Yields the price versions in force of the active offerings (with `history`:
        every version, of removed offerings too), context tiers included, one at a time:
        `model_id`, `provider`, `url` and `status` of the offering, the columns of
        `price_history` (`amount` as Decimal), ordered by model ID, URL, component, tier
        (the base price first) and `valid_from_run`."""
        where = "" if history else "WHERE o.status = 'active' AND p.valid_to_run IS NULL "
        cur = self.db.conn.execute(
            "SELECT o.model_id, o.provider, o.url, o.status, p.component, p.min_prompt_tokens, "
            "p.unit, p.amount, p.currency, p.valid_from_run, r1.started_at AS valid_from, "
            "p.valid_to_run, r2.started_at AS valid_to FROM prices p "
            "JOIN offerings o ON o.id = p.offering_id "
            "LEFT JOIN runs r1 ON r1.id = p.valid_from_run "
            "LEFT JOIN runs r2 ON r2.id = p.valid_to_run " + where +
            "ORDER BY o.model_id, o.url, p.component, coalesce(p.min_prompt_tokens, 0), "
            "p.valid_from_run, p.rowid")
        cols = [d[0] for d in cur.description]
        for row in cur:
            out = dict(zip(cols, row, strict=True))
            out["amount"] = Decimal(out["amount"])
            yield out

    def export_findings(self) -> Iterator[dict[str, Any]]:
        """Yields the findings of the latest finished run, one at a time: `run_id`, `url`,
        `field`, `kind`, `detail`, and the `offering_url`, `model_id` and `provider` of the
        offering it is about (None when none is), ordered by `url`, `field`, `kind`,
        `detail` and `offering_url` (None first)."""
        cur = self.db.conn.execute(
            "SELECT f.run_id, f.url, o.url AS offering_url, o.model_id, o.provider, f.field, "
            "f.kind, f.detail FROM findings f LEFT JOIN offerings o ON o.id = f.offering_id "
            "WHERE f.run_id = ? ORDER BY f.url, f.field, f.kind, f.detail, "
            "coalesce(o.url, '')", (self._latest_finished_run(),))
        cols = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(cols, row, strict=True))

    def catalog_digest(self) -> str:
        """Returns a hash of every row of the catalog tables (runs, models, offerings,
        prices, related links and the latest finished run's findings): it changes whenever
        anything a listing of the whole catalog (an export) is made of changes."""
        digest = hashlib.sha256()
        for table, where, params in (
                ("runs", "", ()), ("models", "", ()), ("offerings", "", ()),
                ("prices", "", ()), ("related", "", ()),
                ("findings", "WHERE run_id = ?", (self._latest_finished_run(),))):
            digest.update(table.encode() + b"\0")
            cur = self.db.conn.execute(f"SELECT * FROM {table} {where}", params)
            while rows := cur.fetchmany(1000):
                digest.update(repr(rows).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def first_listing(self, run_id: int) -> tuple[int, int]:
        """Returns how many offerings, and of how many models, were first seen in runs up
        to `run_id` (what the changes of a first run would list)."""
        row = self.db.conn.execute(
            "SELECT count(*), count(DISTINCT model_id) FROM offerings "
            "WHERE first_seen_run > 0 AND first_seen_run <= ?", (run_id,)).fetchone()
        return int(row[0]), int(row[1])

    def reader(self) -> Store:
        """Returns a new, read-only connection to this database, for a forked process (a
        worker of a site build): SQLite connections must not be used across `fork`."""
        if str(self.path) == ":memory:":
            raise CatalogError("an in-memory database cannot be opened again")
        store = Store.__new__(Store)  # no migration: this one is up to date
        store.path = self.path
        store.db = sqlite_utils.Database(sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30,
            isolation_level=None))
        return store

    def open_prices(self, url: str | None = None) -> dict[str, dict[str, tuple[Decimal, str]]]:
        """Returns offering URL -> component -> (amount, currency) of the prices in force,
        which are the previous run's until this run's catalog is saved (base prices only),
        of every offering or of the one at `url`."""
        sql = ("SELECT o.url, p.component, p.amount, p.currency FROM prices p "
               "JOIN offerings o ON o.id = p.offering_id WHERE p.valid_to_run IS NULL "
               "AND p.min_prompt_tokens IS NULL")
        rows = (self.db.conn.execute(sql) if url is None else
                self.db.conn.execute(sql + " AND o.id = ?", (offering_id(url),)))
        out: dict[str, dict[str, tuple[Decimal, str]]] = {}
        for row_url, component, amount, currency in rows:
            out.setdefault(row_url, {})[component] = (Decimal(amount), currency)
        return out

    def models(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Returns every stored model (or those with `ids`), ordered by ID."""
        of_ids, params = _in("id", ids)
        rows = self._dicts(f"SELECT * FROM models {_where(of_ids)}ORDER BY id", params)
        for row in rows:
            row["modalities"] = json.loads(row["modalities"])
        return rows

    def model_aliases(self) -> dict[str, list[dict[str, Any]]]:
        """Returns model ID -> every ID it is listed under: `alias`, `provider`, `catalog`,
        `rule` and `confidence`, ordered by alias, provider and catalog."""
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self._dicts("SELECT * FROM aliases ORDER BY model_id, alias, provider, "
                               "catalog"):
            out.setdefault(row.pop("model_id"), []).append(row)
        return out

    def related_edges(self, model_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Returns every related link of an offering (or of the offerings of `model_ids`)."""
        of_models, params = _of_models("offering_id", model_ids)
        return self._dicts(f"SELECT * FROM related {_where(of_models)}"
                           "ORDER BY offering_id, related_url", params)

    def price_history(self, tiers: bool = False, model_ids: Sequence[str] | None = None
                      ) -> list[dict[str, Any]]:
        """Returns every base price version with its run dates, oldest first; with `tiers`,
        context-tier versions too (`min_prompt_tokens` set), each after its component's
        base versions. `model_ids`: only the versions of these models' offerings."""
        of_models, params = _of_models("p.offering_id", model_ids)
        where = _where("" if tiers else "p.min_prompt_tokens IS NULL", of_models)
        return self._dicts(
            "SELECT p.*, r1.started_at AS valid_from, r2.started_at AS valid_to FROM prices p "
            "LEFT JOIN runs r1 ON r1.id = p.valid_from_run "
            "LEFT JOIN runs r2 ON r2.id = p.valid_to_run " + where +
            "ORDER BY p.offering_id, p.component, coalesce(p.min_prompt_tokens, 0), "
            "p.valid_from_run", params)

    def findings(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """Returns the findings of `run_id` (default: the latest finished run)."""
        if run_id is None:
            run_id = self._latest_finished_run()
            if run_id is None:
                return []
        return self._dicts("SELECT * FROM findings WHERE run_id = ? "
                           "ORDER BY url, field, kind, detail", (run_id,))

    def finding_keys(self, run_id: int) -> Iterator[tuple[Any, ...]]:
        """Yields (`url`, `offering_id`, `field`, `kind`, `detail`) of each finding of
        `run_id`, one at a time in the order of `findings`."""
        yield from self.db.conn.execute(
            "SELECT url, offering_id, field, kind, detail FROM findings WHERE run_id = ? "
            "ORDER BY url, field, kind, detail", (run_id,))

    def findings_by_id(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Returns the findings with these IDs, in the order of `findings`."""
        rows = [row for chunk in _chunks(list(ids), 500)
                for row in self._dicts("SELECT * FROM findings WHERE "
                                       f"id IN ({','.join('?' * len(chunk))})", tuple(chunk))]
        return sorted(rows, key=lambda f: (f["url"], f["field"], f["kind"], f["detail"],
                                           f["id"]))

    def finding_ids_by_model(self) -> dict[str, list[int]]:
        """Returns model ID -> the IDs of the latest finished run's findings about its
        offerings (for `findings_by_id`: the findings table has no index by offering)."""
        run_id = self._latest_finished_run()
        out: dict[str, list[int]] = {}
        for model_id, finding_id in self.db.conn.execute(
                "SELECT o.model_id, f.id FROM findings f JOIN offerings o "
                "ON o.id = f.offering_id WHERE f.run_id = ? ORDER BY f.id", (run_id,)):
            out.setdefault(model_id, []).append(finding_id)
        return out

    def _latest_finished_run(self) -> int | None:
        row = self.db.conn.execute(
            "SELECT max(id) FROM runs WHERE finished_at IS NOT NULL").fetchone()
        return None if row[0] is None else int(row[0])

    def run_dates(self) -> dict[int, str]:
        """Returns run ID -> the date (YYYY-MM-DD) the run started."""
        return {r[0]: r[1][:10] for r in self.db.conn.execute("SELECT id, started_at FROM runs")}

    def complete_runs(self) -> list[int]:
        return [r[0] for r in self.db.conn.execute(
            "SELECT id FROM runs WHERE complete = 1 ORDER BY id")]

    def changes(self, after_run: int, upto_run: int) -> dict[str, list[dict[str, Any]]]:
        """Returns what changed in runs after `after_run` up to `upto_run`: new and removed
        offerings, and base price changes (old and new amount per component; context tiers
        are not listed)."""
        new = self._dicts(
            "SELECT id, model_id, provider, url, first_seen_run AS run_id FROM offerings "
            "WHERE first_seen_run > ? AND first_seen_run <= ? ORDER BY model_id, url",
            (after_run, upto_run))
        removed = self._dicts(
            "SELECT id, model_id, provider, url, changed_run AS run_id FROM offerings "
            "WHERE status = 'removed' AND changed_run > ? AND changed_run <= ? "
            "ORDER BY model_id, url", (after_run, upto_run))
        prices = self._dicts(
            "SELECT o.id, o.model_id, o.provider, o.url, p.component, p.unit, p.currency, "
            "old.amount AS old_amount, p.amount AS new_amount, p.valid_from_run AS run_id "
            "FROM prices p JOIN offerings o ON o.id = p.offering_id "
            "LEFT JOIN prices old ON old.offering_id = p.offering_id "
            "AND old.component = p.component AND old.valid_to_run = p.valid_from_run "
            "AND old.min_prompt_tokens IS NULL "
            "WHERE p.valid_from_run > ? AND p.valid_from_run <= ? AND o.first_seen_run <= ? "
            "AND p.min_prompt_tokens IS NULL "
            "ORDER BY o.model_id, o.url, p.component", (after_run, upto_run, after_run))
        return {"new": new, "removed": removed, "prices": prices}

    def counts(self) -> dict[str, int]:
        one = self.db.conn.execute
        return {
            "pages": one("SELECT count(*) FROM pages WHERE body IS NOT NULL").fetchone()[0],
            "models": one("SELECT count(*) FROM models").fetchone()[0],
            "offerings": one("SELECT count(*) FROM offerings WHERE status='active'").fetchone()[0],
            "providers": one("SELECT count(DISTINCT provider) FROM offerings "
                             "WHERE status='active'").fetchone()[0],
        }

    def _dicts(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cur = self.db.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur]


class Spool:
    """A private scratch database for what one command would otherwise hold in memory:
    Python objects appended to named streams and read back in order, or grouped by a key.

    It lives in a file next to `near` (the catalog database; the system's temporary
    directory for an in-memory catalog) that is unlinked as soon as it is open, so
    nothing is left behind, even by a crash. Its objects are pickled: only objects this
    process made go in, and they never outlive it.
    """

    _NAME = re.compile(r"[a-z_]+")

    def __init__(self, near: Path | None = None) -> None:
        where = near.parent if near is not None and str(near) != ":memory:" else None
        fd, path = tempfile.mkstemp(prefix=".catalog-spool-", suffix=".db", dir=where)
        os.close(fd)
        try:
            self._conn = sqlite3.connect(path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=OFF")
            self._conn.execute("PRAGMA synchronous=OFF")
            self._conn.execute("PRAGMA cache_size=-4096")  # KiB: the point is a small heap
            self._conn.execute("CREATE TABLE streams (name TEXT PRIMARY KEY)")  # opens the file
        finally:
            os.unlink(path)
        self._conn.execute("BEGIN")
        self._streams: set[str] = set()
        self._pending: dict[str, list[tuple[str, bytes]]] = {}

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def _table(self, stream: str) -> str:
        if stream not in self._streams:
            if not self._NAME.fullmatch(stream):
                raise ValueError(f"bad spool stream name {stream!r}")
            self._conn.execute(f"CREATE TABLE s_{stream} (seq INTEGER PRIMARY KEY, "
                               "key TEXT NOT NULL, data BLOB NOT NULL)")
            self._streams.add(stream)
        return f"s_{stream}"

    def add(self, stream: str, obj: Any, key: str = "") -> None:
        """Appends `obj` to `stream`, under `key` for `groups`."""
        pending = self._pending.setdefault(self._table(stream), [])
        pending.append((key, pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)))
        if len(pending) >= 512:
            self._flush(self._table(stream))

    def _flush(self, table: str) -> None:
        pending = self._pending.pop(table, None)
        if pending:
            self._conn.executemany(f"INSERT INTO {table} (key, data) VALUES (?, ?)", pending)

    def items(self, stream: str) -> Iterator[Any]:
        """Yields the objects of `stream` in the order they were added."""
        table = self._table(stream)
        self._flush(table)
        for (data,) in self._conn.execute(f"SELECT data FROM {table} ORDER BY seq"):
            yield pickle.loads(data)

    def groups(self, stream: str) -> Iterator[tuple[str, list[Any]]]:
        """Yields (key, objects) for each key of `stream`, keys in order (by code point,
        as Python sorts strings), each group's objects in the order they were added."""
        table = self._table(stream)
        self._flush(table)
        self._conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_key ON {table} (key, seq)")
        key: str | None = None
        group: list[Any] = []
        for row_key, data in self._conn.execute(f"SELECT key, data FROM {table} "
                                                "ORDER BY key, seq"):
            if row_key != key:
                if key is not None:
                    yield key, group
                key, group = row_key, []
            group.append(pickle.loads(data))
        if key is not None:
            yield key, group


def _with_prices(rows: Iterable[tuple[Any, ...]]
                 ) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Groups rows of an offering's columns (its ID first) joined with its base prices
    (`component`, `amount`, `currency` last; NULL when it has none), ordered by offering:
    yields (the offering's columns, {"prices": component -> Decimal, "currency": ...})."""
    for _, group in itertools.groupby(rows, key=lambda row: row[0]):
        first = next(group)
        prices: dict[str, Decimal] = {}
        currencies: set[str] = set()
        for *_, component, amount, currency in itertools.chain((first,), group):
            if component is not None:
                prices[component] = Decimal(amount)
                currencies.add(currency)
        ordered = sorted(currencies)
        yield first[:-3], {"prices": prices, "currency": ordered[0] if len(ordered) == 1 else (
            None if not ordered else "/".join(ordered))}


def _dec_text(d: Decimal) -> str:
    """Returns `d` as plain decimal text without exponent or trailing zeros ("0.075")."""
    text = format(d.normalize(), "f")
    return text


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _where(*conditions: str) -> str:
    """`WHERE` with the conditions that are not empty, joined by `AND`, and a trailing
    space; "" when all are empty."""
    kept = [c for c in conditions if c]
    return f"WHERE {' AND '.join(kept)} " if kept else ""


def _in(column: str, values: Sequence[Any] | None) -> tuple[str, tuple[Any, ...]]:
    """The condition `column IN (?, ...)` and its parameters; no condition ("") when
    `values` is None."""
    if values is None:
        return "", ()
    return f"{column} IN ({','.join('?' * len(values))})", tuple(values)


def _of_models(column: str, model_ids: Sequence[str] | None) -> tuple[str, tuple[Any, ...]]:
    """The condition that the offering whose ID is in `column` belongs to one of
    `model_ids`, and its parameters; no condition ("") when `model_ids` is None."""
    of_models, params = _in("model_id", model_ids)
    return (f"{column} IN (SELECT id FROM offerings WHERE {of_models})" if of_models
            else ""), params
