"""Scale: crawl, build and export at 5,000 and at 50,000 offerings, cost per offering.

For each size, the bench mirror of that many offerings is generated and served by nginx on
127.0.0.1, then `catalog crawl` (concurrency 16, per host 16, delay 0), `catalog build`
(no search index, into a fresh directory) and `catalog export --format csv` run under
`/usr/bin/time -v` (wall time, peak RSS). A command that runs longer than `--cap` seconds
(default 900) is stopped and recorded as such; the crawl's progress (pages stored) is
sampled every 30 s, so a stopped crawl still shows its rate and whether it slows down.

The crawl runs once per size (it is the long one). Build and export run `--runs` times,
or once when a single run takes longer than `--slow` seconds. The 5,000 figures are
taken from `bench/build_site.py`'s results of the same `make bench` when they exist.

    .venv/bin/python bench/scale_runs.py [--sizes 5000 50000] [--cap 900]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common as c

RSS_TARGET_MB = 300


def stored_pages(db: Path) -> int | None:
    """Pages stored so far, read without disturbing the crawl (read-only, WAL)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM pages").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return None


def crawl_with_progress(origin: str, db: Path, cap: float) -> tuple[c.Timed, list[list[float]]]:
    samples: list[list[float]] = []
    stop = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not stop.wait(30):
            n = stored_pages(db)
            if n is not None:
                samples.append([round(time.monotonic() - started), n])

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        t = c.catalog_crawl(origin, db, concurrency=16, timeout=cap)
    finally:
        stop.set()
        thread.join()
    n = stored_pages(db)
    if n is not None:
        samples.append([round(t.wall), n])
    return t, samples


def repeat(cmd_for_run: Any, runs: int, slow: float, cap: float, what: str) -> list[dict[str, Any]]:
    out = []
    for n in range(1, runs + 1):
        t = c.timed(cmd_for_run(n), timeout=cap)
        d = {**t.as_dict(), **c.parse_build(t.stdout)}
        out.append(d)
        c.log(f"    {what} run {n}: {t.wall:.1f} s, peak RSS {t.rss_mb} MB"
              + (" (stopped at the cap)" if t.timed_out else "")
              + (f" (exit {t.rc}: {t.stderr.strip()[-300:]})" if t.rc not in (0, 1) else ""))
        if t.timed_out or t.rc not in (0, 1) or t.wall > slow:
            break
    return out


def from_build_bench(size: int) -> dict[str, Any] | None:
    """The figures of this size from bench/build_site.py's results, if it ran on the same
    mirror."""
    res = c.load_result(f"build-{size}")
    mirror = c.mirror_dir(size) / "MIRROR.json"
    if not res or not mirror.is_file() or "export_csv" not in res:
        return None
    return {"offerings": size, "source": "bench/build_site.py (same make bench)",
            "mirror": res["mirror"], "crawl": res["crawl"],
            "build": [r["catalog_first"] for r in res["runs"]],
            "export": res["export_csv"]}


def measure(size: int, args: argparse.Namespace) -> dict[str, Any]:
    c.log(f"-- {size:,} offerings")
    facts = c.make_mirror(size)
    work = c.OUT / f"scale-{size}"
    c.remove_tree(work)
    work.mkdir(parents=True)
    db = work / "catalog.db"
    res: dict[str, Any] = {"offerings": size, "source": "bench/scale_runs.py", "mirror": facts}
    with c.serve_mirror(c.mirror_dir(size)) as server:
        crawl, progress = crawl_with_progress(server.origin, db, args.cap)
    res["crawl"] = crawl.as_dict()
    res["crawl_progress"] = progress
    c.log(f"    crawl: {crawl.wall:.1f} s, peak RSS {crawl.rss_mb} MB"
          + (f" — stopped at the {args.cap:.0f} s cap with {progress[-1][1] if progress else '?'}"
             " pages stored" if crawl.timed_out else f": {crawl.stdout.strip()}"))
    if crawl.timed_out or crawl.rc not in (0, 1):
        res["build"] = res["export"] = []
        res["note"] = (f"crawl stopped after {args.cap:.0f} s (> {args.cap / 60:.0f} min): "
                       "no complete catalog to build or export at this size"
                       if crawl.timed_out else f"crawl failed (exit {crawl.rc})")
        c.save_result(f"scale-{size}", res)
        return res
    res["build"] = repeat(lambda n: c.build_command(db, work / f"site-{n}"), args.runs,
                          args.slow, args.cap, "build")
    res["export"] = repeat(lambda n: [c.CATALOG, "export", "--db", db, "--format", "csv",
                                      "--out", work / "pricing.csv"],
                           args.runs, args.slow, args.cap, "export")
    c.save_result(f"scale-{size}", res)
    return res


def summarise(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in sizes:
        n = r["offerings"]
        row: dict[str, Any] = {}
        for cmd in ("crawl", "build", "export"):
            runs = r.get(cmd)
            runs = [runs] if isinstance(runs, dict) else (runs or [])
            done = [x for x in runs if not x.get("timed_out") and x.get("rc") in (0, 1)]
            row[cmd] = {"wall": c.stat([x["wall"] for x in done]),
                        "rss": c.stat([x["rss_mb"] for x in runs if x.get("rss_mb")]),
                        "ms_per_offering": c.stat([1000 * x["wall"] / n for x in done]),
                        "stopped": any(x.get("timed_out") for x in runs)}
        out[str(n)] = row
    keys = sorted(out, key=int)
    if len(keys) >= 2:
        small, big = keys[0], keys[-1]
        growth = {}
        for cmd in ("crawl", "build", "export"):
            a = out[small][cmd]["ms_per_offering"]["median"]
            b = out[big][cmd]["ms_per_offering"]["median"]
            growth[cmd] = round(b / a, 2) if a and b else None
        out["growth"] = growth
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    c.log("== scale: crawl, build and export at " + " and ".join(f"{s:,}" for s in args.sizes)
          + " offerings")
    m = c.print_machine()
    c.ensure_gnu_time()
    sizes = []
    for size in args.sizes:
        reused = None if args.fresh else from_build_bench(size)
        if reused is None and args.reuse:
            reused = c.load_result(f"scale-{size}")
        if reused:
            c.log(f"-- {size:,} offerings: figures from {reused['source']}")
        sizes.append(reused or measure(size, args))
    res = {"machine": m, "sizes": sizes, "summary": summarise(sizes), "cap": args.cap,
           "notes": list(args.note),
           "command": "make bench (or: .venv/bin/python bench/scale_runs.py)"}
    c.save_result("scale", res)
    return res


def section(res: dict[str, Any]) -> str:
    s = res["summary"]
    keys = sorted((k for k in s if k.isdigit()), key=int)
    header = ["command"]
    for k in keys:
        header += [f"{int(k):,}: wall", f"{int(k):,}: ms per offering", f"{int(k):,}: peak RSS"]
    if "growth" in s:
        header.append("cost per offering, growth")
    rows = []
    for cmd in ("crawl", "build", "export"):
        row = [f"`catalog {cmd}`" + (" (no search index)" if cmd == "build" else "")
               + (" `--format csv`" if cmd == "export" else "")]
        for k in keys:
            d = s[k][cmd]
            if d["stopped"] and not d["wall"]["n"]:
                row += [f"stopped at {res['cap']:.0f} s", "—", c.fmt(d["rss"], "MB", 0)]
            else:
                row += [c.fmt(d["wall"], "s", 1), c.fmt(d["ms_per_offering"], "", 2),
                        c.fmt(d["rss"], "MB", 0)]
        if "growth" in s:
            g = s["growth"].get(cmd)
            row.append(f"×{g}" if g else "—")
        rows.append(row)
    notes = []
    for r in res["sizes"]:
        if r.get("note"):
            notes.append(f"- {r['offerings']:,}: {r['note']}.")
        prog = r.get("crawl_progress") or []
        if len(prog) >= 2:
            shown = prog[::4] + ([prog[-1]] if (len(prog) - 1) % 4 else [])
            text = ", ".join(f"{n:,} at {t:.0f} s" for t, n in shown)
            third = max(1, len(prog) // 3)
            (t0, n0), (t1, n1) = prog[0], prog[third]
            (t2, n2), (t3, n3) = prog[-1 - third], prog[-1]
            rates = ""
            if len(prog) >= 3 and t1 > t0 and t3 > t2:  # two samples: fetched before the first
                rates = (f"; {(n1 - n0) / (t1 - t0):.0f} pages/s stored early on, "
                         f"{(n3 - n2) / (t3 - t2):.0f} pages/s at the end")
            notes.append(f"- {r['offerings']:,}: pages stored during the crawl: {text}{rates} "
                         "(every page fetched, including .md and llms.txt twins; the catalog "
                         "is normalised after the crawl).")
        if r.get("source", "").startswith("bench/build_site"):
            notes.append(f"- {r['offerings']:,}: figures from `bench/build_site.py` in the "
                         "same run (same mirror, same commands; its crawl was sampled by "
                         "py-spy from outside the process).")
    notes += [f"- {n}" for n in res.get("notes", [])]
    big = keys[-1] if keys else None
    rss_ok = big and all((s[big][cmd]["rss"]["max"] or 0) <= RSS_TARGET_MB
                         and s[big][cmd]["rss"]["n"] for cmd in ("crawl", "build", "export"))
    return f"""\
## Scale: 5,000 vs 50,000 offerings

Bench mirrors of each size (nginx on 127.0.0.1); each command under `/usr/bin/time -v`;
a command running longer than {res['cap']:.0f} s is stopped. Crawl: one run per size;
build and export: median (min–max) of up to 3 runs (one when a run takes over 2 min).
Cost per offering = wall time / offerings; growth = cost at the largest size / cost at the
smallest (1.0 = linear).

{c.md_table(header, rows)}

{chr(10).join(notes)}

Targets: peak RSS ≤ {RSS_TARGET_MB} MB for each command at the largest size —
{"met" if rss_ok else "not met (or not measured)"}; cost per offering no worse than linear
(growth ≤ 1).

Reproduce: `.venv/bin/python bench/scale_runs.py` (part of `make bench`; `--quick` skips it).
Machine: {c.machine_line(res['machine'])}.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--cap", type=float, default=900.0,
                        help="stop a command after this many seconds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=120.0,
                        help="run a command only once when one run takes longer")
    parser.add_argument("--fresh", action="store_true",
                        help="measure every size here, even when build_site.py has figures")
    parser.add_argument("--reuse", action="store_true",
                        help="take a size measured earlier by this script "
                        "(bench/out/results/scale-N.json) instead of measuring it again")
    parser.add_argument("--note", action="append", default=[],
                        help="a line to add to the section's notes (how the run went)")
    parser.add_argument("--no-write", action="store_true", help="do not edit BENCHMARKS.md")
    args = parser.parse_args(argv)
    res = run(args)
    c.log("\n" + section(res))
    if not args.no_write:
        c.update_section("scale", section(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
