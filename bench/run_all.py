"""Run the performance benchmarks and write their sections of BENCHMARKS.md.

In order: the bench mirror of 5,000 offerings; HTTP transports (`transport_clients.py`);
the crawl comparisons (`bench/crawl_*.py`, when present); the site build against Hugo
with incremental rebuilds and profiles (`build_site.py`); `catalog demo` end to end
(`demo_run.py`); and, unless `--quick`, 50,000 offerings (`scale_runs.py`). Each script
prints the machine and its figures and replaces its own section of BENCHMARKS.md; this
one then writes the summary of the targets. A failing step is reported and the others
still run (exit 1 at the end).

Comparison tools are installed for the benchmarks only: nginx, Hugo and GNU time from
Debian, and Scrapy, aiohttp, httpx-aiohttp, sniffio and py-spy into virtualenvs under
`bench/out/` (git-ignored, like every output of the benchmarks).

    .venv/bin/python bench/run_all.py            # everything (about 1 h on a busy 2-core box)
    .venv/bin/python bench/run_all.py --quick    # without 50,000 offerings
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common as c


def step(name: str, cmd: list[str | Path], failures: list[str]) -> None:
    c.log(f"\n######## {name}: {' '.join(str(x) for x in cmd)}")
    started = time.monotonic()
    rc = subprocess.call([str(x) for x in cmd], cwd=c.ROOT)
    c.log(f"######## {name}: exit {rc} after {time.monotonic() - started:.0f} s")
    if rc != 0:
        failures.append(f"{name} (exit {rc})")


def summary_section(quick: bool) -> str:
    t = c.load_result("transport")
    b = c.load_result("build-5000")
    d = c.load_result("demo")
    s = None if quick else c.load_result("scale")
    rows: list[list[str]] = []

    def ok(flag: bool | None) -> str:
        return "—" if flag is None else ("met" if flag else "**not met**")

    v = c.load_result("crawl_vs_scrapy")
    try:
        for conc, runs in sorted((v or {}).get("by_concurrency", {}).items(),
                                 key=lambda kv: int(kv[0])):
            ours = [float(r["pps"]) for r in runs["catalog"]]
            for key, how in (("scrapy", "following links"),
                             ("scrapy_list", "from the URL list")):
                theirs = [float(r["pps"]) for r in runs.get(key) or []]
                if not theirs:
                    continue
                ratio = c.stat([a / b_ for a, b_ in zip(ours, theirs, strict=False) if b_])
                rows.append([f"Crawl pipeline vs Scrapy fetch-only ({how}), 5,000-offering "
                             f"bench mirror, {conc} in flight (`bench/crawl_vs_scrapy.py`)",
                             f"catalog {c.fmt(c.stat(ours), 'pages/s', 0)}, Scrapy "
                             f"{c.fmt(c.stat(theirs), 'pages/s', 0)}: ×{c.fmt(ratio)}",
                             "≥ ×3", ok((ratio["median"] or 0) >= 3)])
        runs16, runs64 = (v or {}).get("by_concurrency", {}).get("16"), (v or {}).get(
            "by_concurrency", {}).get("64")
        if runs16 and runs64:
            s64 = c.stat([a["pps"] / b_["pps"] for a, b_ in zip(
                runs64["catalog"], runs16["catalog"], strict=False)])
            rows.append(["`catalog crawl` pages/s at 64 in flight / at 16",
                         f"×{c.fmt(s64)}", "≥ ×1 (no slower)",
                         ok((s64["median"] or 0) >= 0.95)])
    except (KeyError, TypeError, ValueError):
        pass
    if b:
        cr = b["crawl"]
        rate = (cr.get("fetched") or 0) / cr["crawl_seconds"] if cr.get("crawl_seconds") else None
        rows.append(["Crawl pipeline, 5,000-offering bench mirror, 16 in flight (one run)",
                     f"{cr['wall']:.0f} s for {cr.get('fetched', 0):,} pages "
                     f"({rate:.0f} pages/s in the crawl stage, then extract/normalise/store)"
                     if rate else f"{cr['wall']:.0f} s",
                     "", ""])
    if t:
        ts = t["summary"]
        h16, h64 = ts.get("httpx@16", {}), ts.get("httpx@64", {})
        win = ts["winner_httpx_api"]
        rows.append(["Transport, fetch-only pages/s at 16 / 64 in flight: stock httpx",
                     f"{c.fmt(h16.get('pages_per_s'), '', 0)} / "
                     f"{c.fmt(h64.get('pages_per_s'), '', 0)}",
                     "(reference: the crawler no longer uses it)", "—"])
        rows.append([f"Transport: best with the httpx API = `{win}`",
                     f"{c.fmt(ts[f'{win}@16']['pages_per_s'], '', 0)} / "
                     f"{c.fmt(ts[f'{win}@64']['pages_per_s'], '', 0)} pages/s "
                     f"(×{c.fmt(ts[f'{win}@16']['vs_httpx'])} / "
                     f"×{c.fmt(ts[f'{win}@64']['vs_httpx'])} stock httpx)",
                     "choose by measurement", "chosen: the crawler's transport"])
    if b:
        bs = b["summary"]
        ratio = bs["hugo_over_catalog_first"]["median"]
        rows.append(["Full site build, 5,000 offerings: Hugo time / catalog time (run by run)",
                     f"×{c.fmt(bs['hugo_over_catalog_first'])} (catalog "
                     f"{c.fmt(bs['catalog_first'], 's')}, Hugo {c.fmt(bs['hugo_first'], 's')})",
                     "≥ 2", ok(ratio >= 2 if ratio else None)])
        if bs.get("incremental_pct"):
            pct = bs["incremental_pct"]["median"]
            rows.append(["Incremental rebuild after 1% of prices changed, % of a full build",
                         f"{c.fmt(bs['incremental_pct'], '%', 0)} "
                         f"({c.fmt(bs['incremental_build'], 's')}; re-crawl "
                         f"{c.fmt(bs['recrawl'], 's', 0)})", "≤ 5 %",
                         ok(pct <= 5 if pct is not None else None)])
    if s:
        ss = s["summary"]
        big = max((k for k in ss if k.isdigit()), key=int)
        for cmd in ("crawl", "build", "export"):
            d_ = ss[big][cmd]
            rss = d_["rss"]["max"]
            rows.append([f"{int(big):,} offerings: `catalog {cmd}` peak RSS"
                         + (" (stopped at the cap)" if d_["stopped"] else ""),
                         f"{rss:.0f} MB" if rss else "not measured", "≤ 300 MB",
                         ok(rss <= 300 if rss and not d_["stopped"] else None)])
        for cmd, g in (ss.get("growth") or {}).items():
            rows.append([f"cost per offering, {cmd}, 50,000 vs 5,000", f"×{g}" if g else "—",
                         "≤ ×1 (linear)", ok(g <= 1.1 if g else None)])
    elif quick:
        rows.append(["50,000 offerings", "skipped (`--quick`)", "", ""])
    if d:
        ds = d["summary"]
        med = ds["wall"]["median"]
        rows.append(["`catalog demo` end to end",
                     f"{c.fmt(ds['wall'], 's', 1)} (crawl + normalise "
                     f"{c.fmt(ds['crawl_normalise'], 's', 1)}, build {c.fmt(ds['build'], 's', 1)})",
                     "< 30 s", ok(med < 30 if med else None)])
    m = c.machine()
    return f"""\
## Performance targets: summary

What `make bench` measured last (`bench/run_all.py`{" --quick" if quick else ""}); each
figure is a median (min–max) of runs, each ratio computed run by run, and the sections
below give the details and the command that reproduces each. The machine is shared and
has 2 cores, so absolute figures are noisy; the ratios compare tools in the same run.
Growth counts as linear up to ×1.1 (noise).

{c.md_table(["what", "measured", "target", ""], rows)}

Machine: {c.machine_line(m)}.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip 50,000 offerings")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--summary-only", action="store_true",
                        help="only rewrite the summary from the saved results")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["transport", "crawl", "build", "demo", "scale"])
    args = parser.parse_args(argv)
    if args.summary_only:
        c.update_section("summary", summary_section(args.quick))
        return 0
    started = time.monotonic()
    c.log("== make bench: performance benchmarks")
    c.print_machine()
    c.ensure_gnu_time()
    c.ensure_tool("nginx", "nginx")
    c.ensure_tool("hugo", "hugo")
    c.tools_venv()
    c.stock_venv()
    c.make_mirror(5000)
    failures: list[str] = []
    py = c.PY
    runs = ["--runs", str(args.runs)]
    if "transport" not in args.skip:
        step("transport", [py, c.BENCH / "transport_clients.py", *runs], failures)
    if "crawl" not in args.skip:
        for script in sorted(c.BENCH.glob("crawl_*.py")):
            step(script.stem, [py, script], failures)
    if "build" not in args.skip:
        step("build", [py, c.BENCH / "build_site.py", *runs], failures)
    if "demo" not in args.skip:
        step("demo", [py, c.BENCH / "demo_run.py", *runs], failures)
    if not args.quick and "scale" not in args.skip:
        step("scale", [py, c.BENCH / "scale_runs.py", *runs], failures)
    c.update_section("summary", summary_section(args.quick))
    c.log(f"\nmake bench: done in {(time.monotonic() - started) / 60:.0f} min; results in "
          f"{c.BENCHMARKS_MD.relative_to(c.ROOT)} and {c.RESULTS.relative_to(c.ROOT)}/")
    if failures:
        c.log("failed: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
