"""End to end: `catalog demo` (serve the bundled mirror, crawl it, build the site).

Runs `catalog demo --db DB --out DIR` `--runs` times, each into a fresh output directory
(old ones are removed at the start, not right before a run), and reports its wall time
with the per-stage breakdown it prints (crawl + normalise, build) and its peak RSS.

    .venv/bin/python bench/demo_run.py [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common as c

TARGET_SECONDS = 30.0


def parse_demo(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if m := re.search(r"demo done in ([\d.]+) s \(crawl \+ normalise ([\d.]+) s, "
                      r"build ([\d.]+) s\)", text):
        out["total"], out["crawl_normalise"], out["build"] = map(float, m.groups())
    if m := re.search(r"(\d+) pages fetched, (\d+) models, (\d+) offerings", text):
        out["pages"], out["models"], out["offerings"] = map(int, m.groups())
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    c.log("== demo: catalog demo end to end on the bundled mirror")
    m = c.print_machine()
    c.ensure_gnu_time()
    work = c.OUT / "demo"
    c.remove_tree(work)
    work.mkdir(parents=True)
    runs = []
    for n in range(1, args.runs + 1):
        t = c.must(c.timed([c.CATALOG, "demo", "--db", work / f"demo-{n}.db", "--out",
                            work / f"site-{n}"]), "catalog demo")
        r = {**t.as_dict(), **parse_demo(t.stdout), "run": n}
        runs.append(r)
        c.log(f"  run {n}: {t.wall:.1f} s wall; catalog says {r.get('total')} s (crawl + "
              f"normalise {r.get('crawl_normalise')} s, build {r.get('build')} s); "
              f"peak RSS {t.rss_mb} MB")
    s = {k: c.stat([r[k] for r in runs if r.get(k) is not None])
         for k in ("wall", "total", "crawl_normalise", "build", "rss_mb")}
    res = {"machine": m, "runs": runs, "summary": s, "last_output": runs[-1]["cmd"],
           "command": "make bench (or: .venv/bin/python bench/demo_run.py)"}
    c.save_result("demo", res)
    return res


def section(res: dict[str, Any]) -> str:
    s = res["summary"]
    r = res["runs"][-1]
    med = s["wall"]["median"]
    rows = [
        ["wall time of the command", c.fmt(s["wall"], "s", 1)],
        ["demo total, as it reports", c.fmt(s["total"], "s", 1)],
        ["crawl + normalise", c.fmt(s["crawl_normalise"], "s", 1)],
        ["build (site, with the Pagefind index when installed)", c.fmt(s["build"], "s", 1)],
        ["peak RSS", c.fmt(s["rss_mb"], "MB", 0)],
    ]
    return f"""\
## End to end: `catalog demo`

`catalog demo` serves the bundled mirror (`data/snapshot/`) on 127.0.0.1, crawls it
({r.get('pages', '?')} pages, {r.get('offerings', '?')} offerings of {r.get('models', '?')}
models) and builds the site, each run into a fresh output directory. Median (min–max) of
{s['wall']['n']} runs.

{c.md_table(["stage", "time"], rows)}

Target: under {TARGET_SECONDS:.0f} s — {"met" if med and med < TARGET_SECONDS else "not met"}.

Reproduce: `.venv/bin/python bench/demo_run.py` (part of `make bench`).
Machine: {c.machine_line(res['machine'])}.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not edit BENCHMARKS.md")
    args = parser.parse_args(argv)
    res = run(args)
    c.log("\n" + section(res))
    if not args.no_write:
        c.update_section("demo", section(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
