"""What the benchmarks share: the machine report, statistics, timed commands, the loopback
mirror server (nginx), the tools installed for comparison only, and BENCHMARKS.md.

Nothing here is part of catalog: the benchmarks drive the `catalog` command of the
project's virtualenv (`.venv`) as a user would. Comparison tools (nginx, Hugo, GNU time
from Debian; Scrapy, aiohttp, httpx-aiohttp, py-spy from PyPI) go into the system or into
virtualenvs under `bench/out/`, never into the project's dependencies.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
RESULTS = OUT / "results"
PROJECT_VENV = ROOT / ".venv"
PY = PROJECT_VENV / "bin" / "python"
CATALOG = PROJECT_VENV / "bin" / "catalog"
TOOLS_VENV = OUT / "venv"  # aiohttp, httpx-aiohttp, sniffio, py-spy, Scrapy
STOCK_VENV = OUT / "venv-stock"  # httpx as the project pins it, nothing else
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
GNU_TIME = Path("/usr/bin/time")
PROJECT_PACKAGES = ("httpx", "httpx-aiohttp", "aiohttp", "httpcore", "anyio", "sniffio",
                    "selectolax", "jinja2", "pydantic", "sqlite-utils", "protego", "pagefind",
                    "pagefind-bin")


# --------------------------------------------------------------------------- output


def log(*parts: object) -> None:
    print(*parts, flush=True)


def run_quiet(cmd: Sequence[str | Path], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


# --------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def venv_versions(python: Path, names: Sequence[str]) -> dict[str, str]:
    """Installed versions of `names` in the environment of `python` (absent ones left out)."""
    code = ("import importlib.metadata as m, json, sys\nout = {}\n"
            "for n in sys.argv[1:]:\n"
            "    try: out[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps(out))")
    proc = run_quiet([python, "-c", code, *names])
    try:
        return dict(json.loads(proc.stdout))
    except ValueError:
        return {}


def tool_version(cmd: Sequence[str]) -> str | None:
    if shutil.which(cmd[0]) is None:
        return None
    proc = run_quiet(cmd)
    text = (proc.stdout or proc.stderr).strip().splitlines()
    return text[0] if text else None


def machine() -> dict[str, Any]:
    """The machine and the versions that the figures depend on."""
    sqlite = run_quiet([PY, "-c", "import sqlite3; print(sqlite3.sqlite_version)"])
    py = run_quiet([PY, "-c", "import sys; print(sys.version.split()[0])"])
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": round(_ram_gib(), 1),
        "kernel": platform.release(),
        "python": py.stdout.strip() or platform.python_version(),
        "sqlite": sqlite.stdout.strip(),
        "packages": venv_versions(PY, PROJECT_PACKAGES),
        "nginx": tool_version(["nginx", "-v"]),
        "hugo": tool_version(["hugo", "version"]),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def machine_line(m: dict[str, Any]) -> str:
    pkgs = ", ".join(f"{k} {v}" for k, v in sorted(m["packages"].items()))
    tools = "; ".join(t for t in (m.get("nginx"), m.get("hugo")) if t)
    return (f"{m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}, "
            f"Python {m['python']}, SQLite {m['sqlite']}; {pkgs}"
            + (f"; {tools}" if tools else "")
            + f"; load average at start {m['load_avg_at_start']}")


def print_machine() -> dict[str, Any]:
    m = machine()
    log("machine:", machine_line(m))
    return m


# --------------------------------------------------------------------------- statistics


def stat(values: Sequence[float]) -> dict[str, Any]:
    """Median, min and max of `values` (and the values themselves)."""
    vals = [float(v) for v in values]
    if not vals:
        return {"median": None, "min": None, "max": None, "n": 0, "values": []}
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "n": len(vals), "values": vals}


def fmt_num(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.{digits}f}"


def fmt(s: dict[str, Any] | None, unit: str = "", digits: int = 2) -> str:
    """`median (min-max) unit`, or the single value when there was one run."""
    if not s or s.get("median") is None:
        return "—"
    u = f" {unit}" if unit else ""
    if s["n"] == 1:
        return f"{fmt_num(s['median'], digits)}{u} (1 run)"
    return (f"{fmt_num(s['median'], digits)} ({fmt_num(s['min'], digits)}–"
            f"{fmt_num(s['max'], digits)}){u}")


# --------------------------------------------------------------------------- timed commands


@dataclass
class Timed:
    """One command run under GNU time: wall seconds, peak RSS (MB), exit code, output."""

    cmd: list[str]
    wall: float
    rc: int
    stdout: str
    stderr: str
    rss_mb: float | None = None
    user: float | None = None
    sys: float | None = None
    timed_out: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"cmd": " ".join(self.cmd), "wall": round(self.wall, 3), "rc": self.rc,
                "rss_mb": self.rss_mb, "user": self.user, "sys": self.sys,
                "timed_out": self.timed_out, **self.extra}


def ensure_gnu_time() -> bool:
    if GNU_TIME.exists():
        return True
    return apt_install(["time"]) and GNU_TIME.exists()


def timed(cmd: Sequence[str | Path], *, timeout: float | None = None, cwd: Path = ROOT,
          env: dict[str, str] | None = None, rss: bool = True,
          profile_to: Path | None = None) -> Timed:
    """Runs `cmd` (under `/usr/bin/time -v` when `rss`), in its own process group so that a
    timeout stops it and its children. Wall time is measured here, around the process.

    With `profile_to`, py-spy (from the comparison virtualenv) samples the command's
    process from outside (`--nonblocking`, so it is not paused) and writes collapsed
    stacks there; GNU time still measures the command alone."""
    argv = [str(c) for c in cmd]
    fd, time_file = tempfile.mkstemp(prefix="bench-time-", suffix=".txt")
    os.close(fd)
    full = ([str(GNU_TIME), "-v", "-o", time_file, *argv]
            if rss and GNU_TIME.exists() else argv)
    started = time.perf_counter()
    proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    spy = _attach_profiler(proc.pid, full != argv, profile_to) if profile_to else None
    timed_out = False
    out: str | None = None
    err: str | None = None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        # stop the command itself first, so that GNU time still reports its peak RSS
        with contextlib.suppress(OSError, ValueError):
            for kid in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split():
                os.kill(int(kid), signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            out, err = proc.communicate(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        if proc.poll() is None or out is None:
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                out, err = proc.communicate()
    wall = time.perf_counter() - started
    if spy is not None:
        try:
            spy.wait(timeout=60)
        except subprocess.TimeoutExpired:
            spy.terminate()
            spy.wait()
    result = Timed(argv, wall, proc.returncode, out or "", err or "", timed_out=timed_out)
    try:
        text = Path(time_file).read_text()
        if m := re.search(r"Maximum resident set size \(kbytes\): (\d+)", text):
            result.rss_mb = round(int(m.group(1)) / 1024, 1)
        if m := re.search(r"User time \(seconds\): ([\d.]+)", text):
            result.user = float(m.group(1))
        if m := re.search(r"System time \(seconds\): ([\d.]+)", text):
            result.sys = float(m.group(1))
    except OSError:
        pass
    finally:
        Path(time_file).unlink(missing_ok=True)
    return result


PY_SPY = TOOLS_VENV / "bin" / "py-spy"
PROFILES = OUT / "profiles"


def _attach_profiler(pid: int, under_time: bool, out: Path
                     ) -> subprocess.Popen[bytes] | None:
    """Starts `py-spy record` on `pid` (or on its child, when `pid` is GNU time)."""
    if not PY_SPY.exists():
        return None
    target = pid
    if under_time:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                kids = children.read_text().split()
                if kids:
                    target = int(kids[0])
                    break
            time.sleep(0.005)
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([str(PY_SPY), "record", "--pid", str(target), "--rate", "100",
                             "--nonblocking", "--format", "raw", "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_stacks(raw: Path) -> list[tuple[list[str], int]]:
    """Collapsed stacks (`frame;frame;... count`) with line numbers dropped from frames."""
    stacks = []
    for line in raw.read_text(errors="replace").splitlines():
        frames, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        names = [re.sub(r":\d+\)$", ")", f) for f in frames.split(";")]
        stacks.append((names, int(count)))
    return stacks


def hotspots(raw: Path, top: int = 12) -> dict[str, Any]:
    """The functions with the most samples: by self time (the frame running) and by total
    time (anywhere on the stack; catalog's own functions, leaving out the entry points that
    hold over 90 % of the samples)."""
    stacks = read_stacks(raw)
    total = sum(n for _, n in stacks) or 1
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    for frames, n in stacks:
        if frames:
            own[frames[-1]] = own.get(frames[-1], 0) + n
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n

    def interesting(f: str) -> bool:
        return not any(x in f for x in ("<frozen", "asyncio/", "click/", "(catalog)",
                                        "threading.py", "<module>", "runpy.py"))

    def pct(d: dict[str, int], keep: Any) -> list[list[Any]]:
        rows = sorted(((f, v) for f, v in d.items() if keep(f) and v < 0.9 * total),
                      key=lambda x: -x[1])[:top]
        return [[f, round(100 * v / total, 1)] for f, v in rows]

    return {"samples": total, "self": pct(own, lambda f: True),
            "total": pct(incl, lambda f: interesting(f) and "catalog/" in f)}


def flamegraph_svg(raw: Path, svg: Path, title: str) -> None:
    """A static flame graph (SVG, hover for names) of collapsed stacks."""
    tree: dict[str, Any] = {"n": 0, "kids": {}}
    for frames, n in read_stacks(raw):
        node = tree
        node["n"] += n
        for f in frames:
            node = node["kids"].setdefault(f, {"n": 0, "kids": {}})
            node["n"] += n
    width, row = 1600.0, 17
    total = tree["n"] or 1
    rects: list[str] = []
    depth_max = 0

    def walk(node: dict[str, Any], x: float, depth: int) -> None:
        nonlocal depth_max
        for name, kid in sorted(node["kids"].items()):
            w = width * kid["n"] / total
            if w >= 0.5:
                depth_max = max(depth_max, depth)
                y = depth
                hue = 20 + (hash(name.split(" (")[-1]) % 40)
                label = name if w > 7 * len(name) else name[: max(0, int(w / 7) - 2)]
                esc = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                lab = label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                rects.append(
                    f'<g><title>{esc} ({100 * kid["n"] / total:.1f}%)</title>'
                    f'<rect x="{x:.1f}" y="{{Y{y}}}" width="{w:.1f}" height="{row - 1}" '
                    f'fill="hsl({hue},85%,60%)"/><text x="{x + 2:.1f}" y="{{T{y}}}">'
                    f"{lab}</text></g>")
                walk(kid, x, depth + 1)
            x += w

    walk(tree, 0.0, 0)
    height = (depth_max + 3) * row
    body = "\n".join(rects)
    for d in range(depth_max + 1):
        y = height - (d + 2) * row
        body = body.replace(f"{{Y{d}}}", str(y)).replace(f"{{T{d}}}", str(y + row - 5))
    svg.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'font-family="monospace" font-size="11"><text x="4" y="14">{title} — {total} '
        f"samples (py-spy, 100 Hz, active time)</text>\n{body}\n</svg>\n")


def must(t: Timed, what: str) -> Timed:
    """`t`, or exit with its output when it failed (exit 1 of catalog means it completed
    with failures, which the caller checks itself)."""
    if t.timed_out or t.rc not in (0, 1):
        tail = "\n".join((t.stdout + t.stderr).strip().splitlines()[-20:])
        raise SystemExit(f"{what} failed (exit {t.rc}{', timed out' if t.timed_out else ''}):"
                         f" {' '.join(t.cmd)}\n{tail}")
    return t


# --------------------------------------------------------------------------- installs


_APT_UPDATED = False


def apt_install(packages: Sequence[str]) -> bool:
    """Installs Debian packages (for comparison tools only); False if that is impossible."""
    global _APT_UPDATED
    if shutil.which("apt-get") is None:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if not _APT_UPDATED:
        run_quiet([*prefix, "apt-get", "update", "-qq"], env=env)
        _APT_UPDATED = True
    log(f"installing Debian packages for the comparison: {' '.join(packages)}")
    proc = run_quiet([*prefix, "apt-get", "install", "-y", "-qq", *packages], env=env)
    if proc.returncode != 0:
        log(f"  could not install {' '.join(packages)}: {proc.stderr.strip()[-300:]}")
    return proc.returncode == 0


def ensure_tool(exe: str, package: str) -> bool:
    return shutil.which(exe) is not None or (apt_install([package])
                                             and shutil.which(exe) is not None)


def ensure_venv(path: Path, packages: Sequence[str]) -> Path | None:
    """A virtualenv at `path` holding `packages` (pip specs); returns its python or None."""
    python = path / "bin" / "python"
    stamp = path / ".bench-packages"
    want = "\n".join(sorted(packages))
    if python.exists() and stamp.is_file() and stamp.read_text() == want:
        return python
    log(f"creating {path.relative_to(ROOT)} with {' '.join(packages)} (comparison only)")
    if not python.exists():
        proc = run_quiet([sys.executable, "-m", "venv", path])
        if proc.returncode != 0:
            log(f"  cannot create a virtualenv: {proc.stderr.strip()[-300:]}")
            return None
    proc = run_quiet([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                      *packages])
    if proc.returncode != 0:
        log(f"  pip install failed: {proc.stderr.strip()[-500:]}")
        return None
    stamp.write_text(want)
    return python


def project_version(name: str) -> str | None:
    return venv_versions(PY, [name]).get(name)


def tools_venv() -> Path | None:
    """The virtualenv of the comparison clients and the profiler: httpx as the project
    has it, plus sniffio, aiohttp, httpx-aiohttp and py-spy."""
    httpx = project_version("httpx")
    pins = [f"httpx=={httpx}" if httpx else "httpx", "sniffio", "aiohttp", "httpx-aiohttp",
            "py-spy"]
    return ensure_venv(TOOLS_VENV, pins)


def stock_venv() -> Path | None:
    """httpx exactly as the project installs it (same version), without sniffio."""
    httpx = project_version("httpx")
    python = ensure_venv(STOCK_VENV, [f"httpx=={httpx}" if httpx else "httpx"])
    if python is not None and "sniffio" in venv_versions(python, ["sniffio"]):
        run_quiet([python, "-m", "pip", "uninstall", "--quiet", "-y", "sniffio"])
    return python


# --------------------------------------------------------------------------- mirror


def mirror_dir(offerings: int) -> Path:
    return OUT / f"mirror-{offerings}"


def make_mirror(offerings: int, *, change_rounds: int = 0, html_bytes: int | None = None
                ) -> dict[str, Any]:
    """Generates (or brings up to date) the mirror of `offerings` offerings; returns its
    facts (`MIRROR.json`). Only changed files are rewritten."""
    out = mirror_dir(offerings)
    stamp = out / "MIRROR.json"
    want = {"offerings": offerings, "change_rounds": change_rounds}
    if html_bytes is not None:
        want["html_bytes"] = html_bytes
    if stamp.is_file():
        facts: dict[str, Any] = json.loads(stamp.read_text())
        args = facts.get("args", {})
        if all(args.get(k) == v for k, v in want.items()) and (
                html_bytes is not None or args.get("html_bytes") == 46_000):
            return facts
    cmd = [PY, BENCH / "make_mirror.py", "--offerings", str(offerings), "--out", out,
           "--change-rounds", str(change_rounds)]
    if html_bytes is not None:
        cmd += ["--html-bytes", str(html_bytes)]
    t = must(timed(cmd, rss=False), "make_mirror")
    log("  " + t.stdout.strip())
    result: dict[str, Any] = json.loads(stamp.read_text())
    result["generate_seconds"] = round(t.wall, 1)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


NGINX_CONF = """\
worker_processes {workers};
daemon off;
{user}pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{
        text/html html;
        text/markdown md;
        text/plain txt;
        application/xml xml;
        text/css css;
        application/json json;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/markdown text/plain text/css application/xml;
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{
            try_files $uri $uri/index.html =404;
            {substitute}
        }}
    }}
}}
"""
SUBSTITUTE = ("sub_filter '__ORIGIN__' 'http://127.0.0.1:{port}'; sub_filter_once off; "
              "sub_filter_types *; sub_filter_last_modified on;")


@dataclass
class Server:
    origin: str
    kind: str  # "nginx (sub_filter)", "nginx (origin written into a copy)", "catalog.serve"
    root: Path
    note: str = ""


def _wait_http(origin: str, proc: subprocess.Popen[bytes], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(origin + "/robots.txt", timeout=2) as r:
                return bool(r.status == 200)
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    return False


def conditional_get_works(origin: str, path: str) -> tuple[bool, str]:
    """Whether `path` answers a repeated GET with its ETag (or Last-Modified) with 304."""
    with urllib.request.urlopen(origin + path, timeout=5) as r:
        etag, modified = r.headers.get("ETag"), r.headers.get("Last-Modified")
        body = r.read()
    if b"__ORIGIN__" in body:
        return False, "the origin placeholder was not replaced"
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    if not headers:
        return False, "no ETag or Last-Modified"
    req = urllib.request.Request(origin + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return False, f"HTTP {r.status} to a conditional GET (ETag {etag})"
    except urllib.error.HTTPError as exc:
        return exc.code == 304, f"HTTP {exc.code} to a conditional GET (ETag {etag})"


def _start_nginx(root: Path, port: int, substitute: bool, workers: int
                 ) -> subprocess.Popen[bytes] | None:
    prefix = OUT / "nginx" / str(port)
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(
        workers=workers, prefix=prefix, port=port, root=root.resolve(),
        user="user root;\n" if os.geteuid() == 0 else "",
        substitute=SUBSTITUTE.format(port=port) if substitute else ""))
    proc = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    if _wait_http(f"http://127.0.0.1:{port}", proc):
        return proc
    _stop(proc)
    return None


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGQUIT if proc.args[0] == "nginx" else signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def substitute_copy(root: Path, origin: str) -> Path:
    """A copy of the mirror with the origin written into every file (hard links for the
    files that have no placeholder); files whose bytes are unchanged keep their mtime."""
    dest = root.parent / f"{root.name}-served"
    placeholder = b"__ORIGIN__"
    seen: set[str] = set()
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            src = Path(dirpath) / name
            rel = src.relative_to(root)
            seen.add(str(rel))
            dst = dest / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            data = src.read_bytes()
            new = data.replace(placeholder, origin.encode())
            with contextlib.suppress(FileNotFoundError):
                if dst.read_bytes() == new:
                    continue
            dst.write_bytes(new)
    for dirpath, _dirs, files in os.walk(dest):
        for name in files:
            path = Path(dirpath) / name
            if str(path.relative_to(dest)) not in seen:
                path.unlink()
    return dest


@contextlib.contextmanager
def serve_mirror(root: Path, *, workers: int = 1, port: int | None = None
                 ) -> Iterator[Server]:
    """Serves the mirror at `root` on 127.0.0.1 with nginx (installed from Debian when
    missing), which writes the origin in place of `__ORIGIN__` with `sub_filter`. If a
    conditional GET does not answer 304 that way, the origin is written into a copy of
    the mirror instead. Without nginx, `catalog.serve` serves it (and the report says so).
    nginx opens the files per request (no open-file cache), so a regenerated mirror is
    served at once."""
    port = port or free_port()
    origin = f"http://127.0.0.1:{port}"
    if threading.current_thread() is threading.main_thread():
        # a terminated benchmark still stops its server (the `finally` below)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    proc: subprocess.Popen[Any] | None = None
    server: Server | None = None
    try:
        if ensure_tool("nginx", "nginx"):
            proc = _start_nginx(root, port, substitute=True, workers=workers)
            if proc is not None:
                ok, why = conditional_get_works(origin, "/robots.txt")
                if ok:
                    server = Server(origin, "nginx (sub_filter)", root,
                                    "conditional GETs answer 304 through sub_filter")
                else:
                    _stop(proc)
                    copy = substitute_copy(root, origin)
                    proc = _start_nginx(copy, port, substitute=False, workers=workers)
                    if proc is not None:
                        server = Server(origin, "nginx (origin written into a copy)", copy,
                                        f"sub_filter broke conditional GETs ({why})")
        if server is None:
            code = ("import sys\nfrom pathlib import Path\nfrom catalog.serve import "
                    "make_server\ns = make_server(Path(sys.argv[1]), int(sys.argv[2]), "
                    "substitute_origin=True)\ns.serve_forever()")
            proc = subprocess.Popen([str(PY), "-c", code, str(root), str(port)],
                                    start_new_session=True)
            if not _wait_http(origin, proc):
                raise SystemExit("cannot serve the mirror: neither nginx nor catalog.serve")
            server = Server(origin, "catalog.serve", root,
                            "nginx could not be installed or started: served by "
                            "catalog.serve (threaded Python server), slower than nginx")
            log(f"NOTE: {server.note}")
        log(f"serving {root.relative_to(ROOT)} at {origin}/ with {server.kind}")
        yield server
    finally:
        if proc is not None:
            _stop(proc)


def sitemap_pages(origin: str) -> list[str]:
    """The model page URLs of a mirror, read from its sitemap index and sitemaps."""
    def get(url: str) -> str:
        with urllib.request.urlopen(url, timeout=30) as r:
            return str(r.read().decode())

    urls: list[str] = []
    for sitemap in re.findall(r"<loc>([^<]+)</loc>", get(origin + "/sitemap.xml")):
        urls += re.findall(r"<loc>([^<]+)</loc>", get(sitemap))
    return urls


# --------------------------------------------------------------------------- catalog


def catalog_crawl(origin: str, db: Path, *, concurrency: int = 16, timeout: float | None = None,
                  profile_to: Path | None = None) -> Timed:
    """`catalog crawl ORIGIN/ --db DB --concurrency N --per-host N --delay 0`, timed."""
    per_host = min(concurrency, 64)
    cmd = [CATALOG, "crawl", origin + "/", "--db", db, "--concurrency", str(concurrency),
           "--per-host", str(per_host), "--delay", "0"]
    t = timed(cmd, timeout=timeout, profile_to=profile_to)
    t.extra.update(parse_crawl(t.stdout))
    return t


def parse_crawl(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if m := re.search(r"(\d+) fetched \((\d+) new, (\d+) changed, (\d+) unchanged\), "
                      r"(\d+) not modified, (\d+) failed", text):
        keys = ("fetched", "new", "changed", "unchanged", "not_modified", "failed")
        out.update(dict(zip(keys, map(int, m.groups()), strict=True)))
    if m := re.search(r"retries, ([\d.]+) s", text):
        out["crawl_seconds"] = float(m.group(1))
    if m := re.search(r"catalog: (\d+) offerings of (\d+) models", text):
        out["offerings"], out["models"] = int(m.group(1)), int(m.group(2))
    return out


def build_supports(flag: str) -> bool:
    proc = run_quiet([CATALOG, "build", "--help"])
    return flag in proc.stdout


_BUILD_API = """\
import sys, time
from pathlib import Path
from catalog.render.site import build_site
from catalog.store import Store
r = build_site(Store(sys.argv[1]), Path(sys.argv[2]), search=False)
print(f"built {sys.argv[2]}/: {r.pages_rendered + r.pages_reused} pages: {r.pages_rendered} "
      f"rendered, {r.pages_reused} unchanged since the last build; {r.files_written} files "
      f"({r.files_unchanged} byte-identical); {r.seconds:.2f} s")
"""


def build_command(db: Path, out: Path, search: bool = False) -> list[str | Path]:
    """`catalog build` without the search index (`--no-search` when the command has it;
    otherwise the same `build_site` call with `search=False`)."""
    if search:
        return [CATALOG, "build", "--db", db, "--out", out]
    if build_supports("--no-search"):
        return [CATALOG, "build", "--db", db, "--out", out, "--no-search"]
    return [PY, "-c", _BUILD_API, db, out]


def parse_build(text: str) -> dict[str, Any]:
    """What `catalog build` says it did: files written and byte-identical to the previous
    build's, pages rendered and reused (both its current and its earlier wording)."""
    out: dict[str, Any] = {}

    def num(s: str) -> int:
        return int(s.replace(",", ""))

    m = (re.search(r"([\d,]+) files \(([\d,]+) byte-identical\)", text)
         or re.search(r"([\d,]+) files written, ([\d,]+) unchanged", text))
    if m:
        out["files_written"], out["files_unchanged"] = num(m.group(1)), num(m.group(2))
    if m := re.search(r"([\d,]+) rendered, ([\d,]+) (?:unchanged|reused)", text):
        out["pages_rendered"], out["pages_reused"] = num(m.group(1)), num(m.group(2))
    return out


def count_pages(site: Path) -> dict[str, int]:
    """HTML and Markdown files of a built site (what the Hugo comparison must match)."""
    html = md = other = 0
    for _dirpath, _dirs, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                html += 1
            elif name.endswith(".md"):
                md += 1
            else:
                other += 1
    return {"html": html, "md": md, "other": other}


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


# --------------------------------------------------------------------------- results


def save_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")
    return path


def load_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return dict(json.loads(path.read_text())) if path.is_file() else None


def update_section(key: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replaces the text between `<!-- bench:KEY -->` and `<!-- /bench:KEY -->` in
    BENCHMARKS.md (appending the section when it is not there), leaving the rest alone."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text() if path.is_file() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
