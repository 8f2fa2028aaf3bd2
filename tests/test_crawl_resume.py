"""Resumable crawls: `kill -9` mid-run, then the same command finishes the run; the
command line's --resume / --fresh, the lock, the summary and the exit codes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from catalog.crawl.crawler import crawl_lock
from catalog.errors import CatalogError
from catalog.store import Store
from tests.crawl_support import HTML, FaultSite, RequestLog, Response, page, running, slow_mirror

PAGES = 80
ROOT = Path(__file__).resolve().parent.parent


def _make_mirror(root: Path) -> list[str]:
    """Writes a small static site; returns the paths a complete crawl fetches."""
    (root / "p").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n"
                                     "Sitemap: __ORIGIN__/sitemap.xml\n")
    half = [f"/p/{i}" for i in range(PAGES // 2)]
    locs = "".join(f"<url><loc>__ORIGIN__{p}</loc></url>" for p in half)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>")
    (root / "index.html").write_bytes(page("/p/0", "/p/40"))
    for i in range(PAGES):  # the second half is only reachable through links
        links = [f"/p/{(i + 1) % PAGES}", f"/p/{(i * 7 + 3) % PAGES}", f"/private/{i}"]
        (root / "p" / f"{i}.html").write_bytes(page(*links, title=f"page {i}"))
    return ["/robots.txt", "/", "/sitemap.xml", *(f"/p/{i}" for i in range(PAGES))]


def _command(base: str, db: Path) -> list[str]:
    return [sys.executable, "-m", "catalog", "crawl", base + "/", "--db", str(db), "--delay",
            "0", "--per-host", "2", "--concurrency", "2"]


def _env() -> dict[str, str]:
    return {"CI": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}


def _finished(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {urlsplit(r[0]).path for r in conn.execute(
            "SELECT url FROM frontier WHERE state != 'pending'")}


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_sigkill_mid_crawl_then_the_same_command_finishes_the_run(tmp_path: Path) -> None:
    expected = _make_mirror(tmp_path / "site")
    db = tmp_path / "catalog.db"
    log = RequestLog()
    with slow_mirror(tmp_path / "site", delay=0.04, log=log) as (base, delay):
        proc = subprocess.Popen(_command(base, db), env=_env(), cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(log) < 30 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.communicate()

        assert _integrity(db) == "ok"
        finished = _finished(db)
        stored_before = {urlsplit(p.url).path: p.sha256 for p in Store(db).pages()}
        assert "/robots.txt" in finished and 10 < len(finished) < len(expected), finished

        delay[0] = 0.0
        resumed_at = time.monotonic()
        again = subprocess.run(_command(base, db), env=_env(), cwd=tmp_path, capture_output=True,
                               text=True, timeout=120)
        requested_again = set(log.since(resumed_at))

    assert again.returncode == 0, again.stderr
    assert "(resumed)" in again.stdout.splitlines()[0], again.stdout
    twice = finished & requested_again
    assert not twice, f"finished before the kill, requested again after it: {sorted(twice)}"
    assert _integrity(db) == "ok"
    store = Store(db)
    [run] = store.runs()
    assert run["finished_at"] and run["complete"] == 1, "one run, resumed and completed"
    stored = {urlsplit(p.url).path: p.sha256 for p in store.pages()}
    assert sorted(stored) == sorted(expected), "the resumed crawl is not complete"
    assert stored_before.items() <= stored.items(), "a page stored before the kill was lost"
    assert store.pending(run["id"]) == []
    assert run["stats"]["fetched"] == len(expected) and run["stats"]["resumed"] is True
    assert run["stats"]["skipped"]["robots"] == PAGES
    assert not [p for p in log.since(0) if p.startswith("/private/")]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultSite]:
    monkeypatch.chdir(tmp_path)  # quick retries, through catalog.toml as a user would set them
    (tmp_path / "catalog.toml").write_text("[crawl]\nbackoff_base = 0.01\n")
    with running() as s:
        s.routes = {"/": Response(body=page("/a", "/b"), headers=HTML),
                    "/a": Response(body=page(), headers=HTML),
                    "/b": Response(503, b"down for maintenance")}
        yield s


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_failures_are_listed_with_url_and_reason_and_exit_1(site: FaultSite,
                                                             tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    code, out, err = _cli("crawl", site.base + "/", "--db", db, "--delay", "0")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("crawl run 1: 2 fetched (2 new, 0 changed, 0 unchanged), "
                            "0 not modified, 1 failed, 3 skipped, 3 retries, ")
    assert "  failed: 1 HTTP 503" in out and "  skipped: 3 optional missing" in out
    assert f"failed: {site.base}/b: HTTP 503 (after 4 attempts)" in err
    assert "\x1b[" not in out + err, "no progress bar when not on a terminal"
    stats = Store(db).run(1)["stats"]
    assert stats["failed_by_reason"] == {"HTTP 503": 1} and stats["retries"] == 3
    assert stats["skipped"] == {"optional_missing": 3}  # robots.txt, sitemap.xml, llms.txt
    assert set(stats["offerings"]) == {"new", "changed", "removed", "unchanged"}
    assert stats["complete"] is True
    site.routes["/b"] = Response(body=page(), headers=HTML)
    code, out, _ = _cli("crawl", site.base + "/", "--db", db, "--delay", "0")
    assert code == 0 and "0 failed" in out


def test_resume_without_urls_continues_the_interrupted_run(site: FaultSite,
                                                           tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    store = Store(db)
    run_id = store.start_run([site.base + "/"], {})
    store.enqueue(run_id, [(site.base + "/", "page", 0, None)])
    code, out, _ = _cli("crawl", "--resume", "--db", str(db), "--delay", "0")
    assert code == 1 and out.startswith(f"crawl run {run_id}: ") and "(resumed)" in out
    assert [r["id"] for r in store.runs()] == [run_id] and store.run(run_id)["finished_at"]
    code, _, err = _cli("crawl", "--resume", "--db", str(db))
    assert code == 2 and f"no interrupted crawl in {db} to resume" in err


def test_fresh_abandons_the_interrupted_run(site: FaultSite, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    store = Store(db)
    old = store.start_run([site.base + "/"], {})
    code, out, _ = _cli("crawl", site.base + "/", "--fresh", "--db", str(db), "--delay", "0")
    assert out.startswith(f"crawl run {old + 1}: ") and code == 1
    assert store.run(old)["stats"] == {"abandoned": True} and store.run(old)["complete"] == 0


@pytest.mark.parametrize(("args", "message"), [
    (["crawl", "--db", "{db}"], "give the URL of at least one site to crawl"),
    (["crawl", "http://127.0.0.1:1/", "--resume", "--fresh", "--db", "{db}"],
     "--resume and --fresh exclude each other"),
    (["crawl", "http://127.0.0.1:1/", "--resume", "--db", "{db}"],
     "no interrupted crawl of these URLs in"),
])
def test_crawl_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = _cli(*(a.format(db=tmp_path / "c.db") for a in args))
    assert code == 2 and message in out + err


def test_a_second_crawl_on_the_same_database_is_refused(site: FaultSite, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with crawl_lock(db):
        code, _, err = _cli("crawl", site.base + "/", "--db", str(db))
    assert code == 2 and f"another crawl is running on {db}" in err
    assert site.log == [], "the refused crawl made requests"


def test_the_lock_goes_with_a_killed_process(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from catalog.crawl.crawler import crawl_lock\n"
         "with crawl_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n"
         "    time.sleep(60)\n", str(db)],
        env=_env(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(CatalogError, match="another crawl is running"), crawl_lock(db):
        pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with crawl_lock(db):
        pass
