"""Fetch-only throughput of HTTP clients over the 5,000-offering loopback mirror.

Which transport should the crawler's `httpx.AsyncClient` use? Four clients fetch every
model page of the mirror (5,000 HTML pages of about 46 KB, from the sitemap, served by
nginx on 127.0.0.1), reading each body in a stream as the crawler does, at 16 and at 64
requests in flight:

- `httpx`: stock httpx (the project's version) in a virtualenv without `sniffio`, which
  is how the project installs it (httpcore then tries to import sniffio per request);
- `httpx+sniffio`: the same httpx with `sniffio` installed;
- `httpx-aiohttp`: the same httpx `AsyncClient` API over the `httpx-aiohttp` transport;
- `aiohttp`: aiohttp alone, the ceiling for an asyncio client in Python.

Each run starts a fresh process per client (order rotated between runs); the figures are
medians (min-max) of `--runs` runs, and the ratios to stock httpx are computed run by run.
The comparison clients live in virtualenvs under `bench/out/` (not project dependencies).

    .venv/bin/python bench/transport_clients.py [--runs 3] [--concurrency 16 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

CLIENTS = ("httpx", "httpx+sniffio", "httpx-aiohttp", "aiohttp")


# --------------------------------------------------------------------------- worker
# (runs in the comparison virtualenvs: standard library and the client only)


async def _fetch_all(kind: str, urls: list[str], concurrency: int) -> dict[str, Any]:
    pending = iter(urls)
    done = 0
    size = 0
    errors: list[str] = []
    closers: list[Any] = []
    if kind == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency),
            timeout=aiohttp.ClientTimeout(total=60))
        closers.append(session.close)

        async def get(url: str) -> tuple[int, int]:
            async with session.get(url) as resp:
                n = 0
                async for chunk in resp.content.iter_chunked(65536):
                    n += len(chunk)
                return resp.status, n
    else:
        import httpx

        limits = httpx.Limits(max_connections=concurrency,
                              max_keepalive_connections=concurrency)
        transport = None
        if kind == "httpx-aiohttp":
            from httpx_aiohttp import AiohttpTransport

            transport = AiohttpTransport(limits=limits, trust_env=False)
        client = httpx.AsyncClient(transport=transport, limits=limits, trust_env=False,
                                   timeout=httpx.Timeout(60.0), follow_redirects=False)
        closers.append(client.aclose)

        async def get(url: str) -> tuple[int, int]:
            async with client.stream("GET", url) as resp:
                n = 0
                async for chunk in resp.aiter_bytes():
                    n += len(chunk)
                return resp.status_code, n

    async def worker() -> None:
        nonlocal done, size
        for url in pending:
            try:
                status, n = await get(url)
            except Exception as exc:
                errors.append(f"{url}: {type(exc).__name__}: {exc}")
                continue
            if status != 200:
                errors.append(f"{url}: HTTP {status}")
            done += 1
            size += n

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        seconds = time.perf_counter() - started
        for close in closers:
            await close()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"client": kind, "concurrency": concurrency, "pages": done, "bytes": size,
            "seconds": seconds, "pages_per_s": done / seconds, "cpu_seconds": cpu,
            "errors": len(errors), "first_errors": errors[:3],
            "rss_mb": round(after.ru_maxrss / 1024, 1)}


def worker_main(kind: str, urls_file: str, concurrency: int) -> int:
    urls = Path(urls_file).read_text().split()
    kind_lib = "httpx" if kind.startswith("httpx") and kind != "httpx-aiohttp" else kind
    result = asyncio.run(_fetch_all(kind_lib, urls, concurrency))
    result["client"] = kind
    try:
        import importlib.util

        result["sniffio_installed"] = importlib.util.find_spec("sniffio") is not None
    except (ImportError, ValueError):
        result["sniffio_installed"] = False
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------- driver


def run(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common as c

    c.log("== transport: fetch-only pages/s, stock httpx vs httpx+sniffio vs "
          "httpx-aiohttp vs aiohttp")
    m = c.print_machine()
    tools, stock = c.tools_venv(), c.stock_venv()
    if tools is None or stock is None:
        raise SystemExit("cannot create the comparison virtualenvs (pip install failed)")
    pythons = {"httpx": stock, "httpx+sniffio": tools, "httpx-aiohttp": tools,
               "aiohttp": tools}
    versions = {"stock": c.venv_versions(stock, ["httpx", "httpcore", "anyio", "sniffio"]),
                "tools": c.venv_versions(tools, ["httpx", "httpcore", "anyio", "sniffio",
                                                 "aiohttp", "httpx-aiohttp"])}
    c.log(f"clients: stock venv {versions['stock']}; comparison venv {versions['tools']}")
    facts = c.make_mirror(args.offerings)
    me = Path(__file__).resolve()
    results: list[dict[str, Any]] = []
    with c.serve_mirror(c.mirror_dir(args.offerings)) as server:
        urls = c.sitemap_pages(server.origin)
        urls_file = c.OUT / "transport-urls.txt"
        urls_file.write_text("\n".join(urls) + "\n")
        c.log(f"{len(urls):,} model pages (about {facts['model_page_bytes'] / 1000:.0f} KB each)")

        def once(client: str, conc: int, run_no: int) -> dict[str, Any]:
            t = c.timed([pythons[client], me, "--worker", client, "--urls", urls_file,
                         "--concurrency", str(conc)], rss=False, timeout=600)
            if t.rc != 0:
                raise SystemExit(f"{client} failed: {t.stderr.strip()[-800:]}")
            r = dict(json.loads(t.stdout.strip().splitlines()[-1]))
            r["run"] = run_no
            c.log(f"  run {run_no} c={conc:<3} {client:<14} {r['pages_per_s']:8,.0f} pages/s "
                  f"({r['seconds']:.2f} s, client CPU {r['cpu_seconds']:.1f} s, "
                  f"{r['errors']} errors)")
            if r["errors"]:
                c.log(f"    {r['first_errors']}")
            return r

        once("aiohttp", 16, 0)  # warm-up: nginx's open-file cache, the page cache
        for run_no in range(1, args.runs + 1):
            order = list(CLIENTS[run_no - 1:] + CLIENTS[:run_no - 1])
            for conc in args.concurrency:
                for client in order:
                    results.append(once(client, conc, run_no))
        server_kind = server.kind
    summary = summarise(results, args.concurrency, args.runs)
    out = {"machine": m, "versions": versions, "mirror": facts, "server": server_kind,
           "pages": len(urls), "runs": results, "summary": summary,
           "command": "make bench (or: .venv/bin/python bench/transport_clients.py)"}
    c.save_result("transport", out)
    print_summary(out)
    return out


def summarise(results: list[dict[str, Any]], concs: list[int], runs: int) -> dict[str, Any]:
    import common as c

    def rate(client: str, conc: int, run_no: int) -> float | None:
        for r in results:
            if r["client"] == client and r["concurrency"] == conc and r["run"] == run_no:
                return float(r["pages_per_s"])
        return None

    out: dict[str, Any] = {}
    for client in CLIENTS:
        for conc in concs:
            rates = [rate(client, conc, n) for n in range(1, runs + 1)]
            base = [rate("httpx", conc, n) for n in range(1, runs + 1)]
            out[f"{client}@{conc}"] = {
                "pages_per_s": c.stat([r for r in rates if r]),
                "vs_httpx": c.stat([r / b for r, b in zip(rates, base, strict=True)
                                    if r and b]),
                "cpu_ms_per_page": c.stat([
                    1000 * r["cpu_seconds"] / max(1, r["pages"]) for r in results
                    if r["client"] == client and r["concurrency"] == conc and r["run"] > 0]),
            }
        if len(concs) >= 2:
            lo, hi = concs[0], concs[-1]
            pairs = [(rate(client, hi, n), rate(client, lo, n)) for n in range(1, runs + 1)]
            out[f"{client}:{hi}/{lo}"] = c.stat([a / b for a, b in pairs if a and b])
    best = max(CLIENTS[:3], key=lambda k: min(
        out[f"{k}@{conc}"]["pages_per_s"]["median"] or 0 for conc in concs))
    out["winner_httpx_api"] = best
    return out


def print_summary(res: dict[str, Any]) -> None:
    import common as c

    s = res["summary"]
    concs = sorted({r["concurrency"] for r in res["runs"]})
    c.log("\nfetch-only pages/s, median (min–max) of runs; ratio to stock httpx run by run:")
    for client in CLIENTS:
        parts = [f"c={conc}: {c.fmt(s[f'{client}@{conc}']['pages_per_s'], '', 0)} "
                 f"(x{c.fmt(s[f'{client}@{conc}']['vs_httpx'])})" for conc in concs]
        c.log(f"  {client:<14} " + "; ".join(parts))
    c.log(f"winner among the httpx-API transports: {s['winner_httpx_api']}")


def section(res: dict[str, Any]) -> str:
    """The BENCHMARKS.md section for these results."""
    import common as c

    s = res["summary"]
    concs = sorted({r["concurrency"] for r in res["runs"]})
    lo, hi = concs[0], concs[-1]
    rows = []
    labels = {"httpx": "stock httpx `AsyncClient` (no sniffio, as the project installs it)",
              "httpx+sniffio": "httpx + `sniffio` installed",
              "httpx-aiohttp": "httpx `AsyncClient` over the `httpx-aiohttp` transport",
              "aiohttp": "aiohttp alone (ceiling)"}
    for client in CLIENTS:
        row = [labels[client]]
        for conc in concs:
            row += [c.fmt(s[f"{client}@{conc}"]["pages_per_s"], "", 0),
                    "×" + c.fmt(s[f"{client}@{conc}"]["vs_httpx"])]
        row.append("×" + c.fmt(s.get(f"{client}:{hi}/{lo}")))
        row.append(c.fmt(s[f"{client}@{lo}"]["cpu_ms_per_page"], "", 3))
        rows.append(row)
    header = ["client"]
    for conc in concs:
        header += [f"pages/s at {conc}", f"vs httpx at {conc}"]
    header += [f"{hi} vs {lo} in flight", f"client CPU ms/page at {lo}"]
    runs = max(r["run"] for r in res["runs"])
    v = res["versions"]["tools"]
    winner = s["winner_httpx_api"]
    return f"""\
## Transport: fetch-only throughput of HTTP clients

Every model page of the 5,000-offering bench mirror ({res['pages']:,} HTML pages of about
{res['mirror']['model_page_bytes'] / 1000:.0f} KB, served by {res['server']} on 127.0.0.1), each
body read as a stream as the crawler reads it; one fresh process per client and run, order
rotated between runs. Median (min–max) of {runs} runs; ratios computed run by run.
httpx {v.get('httpx')}, httpcore {v.get('httpcore')}, aiohttp {v.get('aiohttp')},
httpx-aiohttp {v.get('httpx-aiohttp')}.

{c.md_table(header, rows)}

**Winner for the crawler (keeps the httpx API): `{winner}`.**

Reproduce: `.venv/bin/python bench/transport_clients.py` (part of `make bench`).
Machine: {c.machine_line(res['machine'])}.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--offerings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--no-write", action="store_true", help="do not edit BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.urls, args.concurrency[0])
    res = run(args)
    if not args.no_write:
        import common as c

        c.update_section("transport", section(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
