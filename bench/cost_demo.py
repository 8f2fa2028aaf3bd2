"""Benchmark: `catalog cost` on the demo database answers in under a second.

Measures the wall time of the command as a user runs it (a new Python process each
time: interpreter start, imports, reading the catalog, ranking, printing), the median of
several runs, and the same work in-process. Prints its Markdown section and writes it into
BENCHMARKS.md (unless `--no-write`); exits 1 if the median wall time is over the
one-second budget.

    .venv/bin/python bench/cost_demo.py        # data/demo.db, or a fresh crawl of the mirror
    .venv/bin/python bench/cost_demo.py --db data/demo.db --runs 7
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import common  # noqa: E402

from catalog.render import cost  # noqa: E402
from catalog.store import Store  # noqa: E402

BUDGET_S = 1.0
WORKLOAD = ["--input-tokens", "2M", "--output-tokens", "500k", "--calls", "1000",
            "--cached-input", "30%"]
CASES = {
    "table, top 20": [],
    "json, all offerings": ["--format", "json", "--top", "0"],
    "table, --models": ["--models"],
}


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (f"{os.cpu_count()} CPUs (`nproc`), {model}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def demo_db(workdir: Path) -> Path:
    """Crawls the bundled mirror into a fresh database, as `make demo` does."""
    db = workdir / "demo.db"
    print("building the demo database (serve the mirror, crawl it) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "catalog", "demo", "--db", str(db), "--out",
                    str(workdir / "site")], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "CI": "1"})
    return db


def wall(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds per run of `python -m catalog ARGS`, output to
    a pipe, after one warm-up run."""
    env = {**os.environ, "CI": "1"}
    walls, cpus = [], []
    for n in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "catalog", *args], env=env,
                              capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            sys.exit(f"catalog {' '.join(args)} failed: {proc.stderr.decode()}")
        if n:
            walls.append(elapsed)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def in_process(db: Path, runs: int) -> tuple[list[float], list[float], int]:
    """Seconds per run of reading the catalog, and of ranking plus printing the table."""
    workload = cost.Workload.of(Decimal(2_000_000), Decimal(500_000), Decimal(1000),
                                cost.parse_share("30%"))
    reads, ranks = [], []
    offerings = 0
    for _ in range(runs):
        start = time.perf_counter()
        store = Store(db)
        rows = store.offering_prices()
        read = time.perf_counter()
        ranking = cost.rank_store(store, workload)
        cost.print_table(ranking, 20, file=io.StringIO())
        done = time.perf_counter()
        store.close()
        reads.append(read - start)
        ranks.append(done - read)
        offerings = len(rows)
    return reads, ranks, offerings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="demo database (default: data/demo.db from "
                        "`make demo` if there is one, else a fresh crawl of the mirror)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (>= 3)")
    parser.add_argument("--no-write", action="store_true", help="do not edit BENCHMARKS.md")
    opts = parser.parse_args()
    runs = max(3, opts.runs)
    with tempfile.TemporaryDirectory(prefix="cost-bench-") as tmp:
        default = ROOT / "data" / "demo.db"
        db = opts.db or (default if default.is_file() else demo_db(Path(tmp)))
        startup = wall(["--version"], runs)
        results = {name: wall(["cost", "--db", str(db), *WORKLOAD, *extra], runs)
                   for name, extra in CASES.items()}
        load = os.getloadavg()[0]
        reads, ranks, offerings = in_process(db, runs)
    lines: list[str] = []
    say = lines.append
    command = "catalog cost --db data/demo.db " + " ".join(WORKLOAD)
    say("## Exports and cost: `catalog cost` on the demo database\n")
    say(f"Machine: {machine()}; load average {load:.1f} while measuring. Demo database: "
        f"{offerings} active offerings. Median of {runs} runs after a warm-up; budget "
        f"{BUDGET_S:.0f} s of wall time.\n")
    say("| what | wall median | wall min | wall max | CPU median |\n"
        "|---|---:|---:|---:|---:|")
    for name, (walls, cpus) in [*results.items(), ("`catalog --version` (start-up and "
                                                     "CLI imports only)", startup)]:
        label = name if name.startswith("`") else f"`{command}` ({name})"
        say(f"| {label} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | "
              f"{max(walls):.3f} s | {statistics.median(cpus):.3f} s |")
    say(f"| in-process: open the database, read the offerings and prices | "
        f"{statistics.median(reads) * 1000:.0f} ms | {min(reads) * 1000:.0f} ms | "
        f"{max(reads) * 1000:.0f} ms | |")
    say(f"| in-process: filter, price, rank, print the table | "
        f"{statistics.median(ranks) * 1000:.0f} ms | {min(ranks) * 1000:.0f} ms | "
        f"{max(ranks) * 1000:.0f} ms | |")
    worst = max(statistics.median(w) for w, _ in results.values())
    say(f"\nSlowest case: {worst:.3f} s wall — "
        + ("within" if worst < BUDGET_S else "OVER") + f" the {BUDGET_S:.0f} s budget.")
    say("Regenerate: `.venv/bin/python bench/cost_demo.py` (or `make bench`).")
    text = "\n".join(lines)
    print(text)
    if not opts.no_write:
        common.update_section("cost", text)
    if worst >= BUDGET_S:
        sys.exit(1)


if __name__ == "__main__":
    main()
