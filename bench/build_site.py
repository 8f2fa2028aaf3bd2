"""Site build of a 5,000-offering catalog against Hugo, and incremental rebuilds.

1. Crawls the 5,000-offering bench mirror (nginx on 127.0.0.1) once into a database:
   `catalog crawl ORIGIN/ --concurrency 16 --per-host 16 --delay 0`.
2. Writes a minimal Hugo site from the same database (through `catalog export --format
   json`): one content file per canonical model, provider and author page, plus pages of
   400-model tables like the catalog's paginated index, so that Hugo writes as many output
   pages (HTML and Markdown files both count: an HTML layout and a custom Markdown output
   format) as `catalog build` does.
3. Each run: `catalog build` into a fresh directory (a first build), Hugo into a fresh
   directory, then both again over their existing output (a rebuild), on the same disk,
   order alternated between runs. Wall time and peak RSS from `/usr/bin/time -v`; the
   Hugo-to-catalog ratios are computed run by run. Old output is removed at the start of
   the benchmark, never right before a timed build. The search index (Pagefind) is left
   out of the builds and timed on its own over the built sites.
4. Incremental: for each round, 1% of the offerings get new prices in the mirror (only
   their files change), the same crawl runs again, and `catalog build` rebuilds over the
   previous output; re-crawl time, rebuild time as a percentage of the median first build,
   and the files the build reports as written / unchanged.

    .venv/bin/python bench/build_site.py [--runs 3] [--rounds 3] [--offerings 5000]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common as c

ROWS_PER_TABLE = 400

HUGO_CONFIG = """\
baseURL = "http://localhost:8000/"
title = "AI model catalog"
languageCode = "en"
uglyURLs = true
disablePathToLower = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableGitInfo = false

[mediaTypes."text/markdown"]
suffixes = ["md"]

[outputFormats.markdown]
mediaType = "text/markdown"
isPlainText = true
isHTML = false
permalinkable = true

[outputs]
home = ["html", "markdown"]
section = ["html", "markdown"]
page = ["html", "markdown"]

[markup.goldmark.renderer]
unsafe = false
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title>
<meta name="description" content="{{ .Params.description | default .Title }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "markdown" }}<link rel="alternate" type="text/markdown" \
href="{{ .RelPermalink }}">{{ end }}
<link rel="stylesheet" href="{{ "assets/style.css" | relURL }}">
{{ block "head" . }}{{ end }}
</head>
<body>
<header class="site"><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "models.html" | relURL }}">Models</a> \
<a href="{{ "providers.html" | relURL }}">Providers</a> \
<a href="{{ "authors.html" | relURL }}">Authors</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}: prices in USD per 1M tokens unless stated. \
<a href="{{ "index.md" | relURL }}">Markdown</a></p></footer>
</body>
</html>
"""

SINGLE = """\
{{ define "head" }}{{ if eq .Section "models" }}<script type="application/ld+json">\
{{ dict "@context" "https://schema.org" "@type" "Product" "name" .Title \
"offers" (apply .Params.offerings "partial" "offer.html" ".") | jsonify | safeJS }}</script>\
{{ end }}{{ end }}
{{ define "main" }}
<nav class="breadcrumb"><a href="{{ "" | relURL }}">Catalog</a> / \
<a href="{{ .Section | printf "%s.html" | relURL }}">{{ .Section | title }}</a></nav>
<h1>{{ .Title }}</h1>
{{ with .Params.model_id }}<p class="meta">Model ID <code>{{ . }}</code>{{ with \
$.Params.author }} by <a href="{{ printf "authors/%s.html" (urlize .) | relURL }}">{{ . }}\
</a>{{ end }}</p>{{ end }}
{{ .Content }}
{{ with .Params.offerings }}
<table class="offerings"><thead><tr><th>Provider</th><th>Input</th><th>Output</th>\
<th>Cache read</th><th>Per call</th><th>Per image</th><th>Context</th><th>Added</th>\
<th>Source</th></tr></thead><tbody>
{{ range sort . "rank" }}<tr><td><a href="{{ printf "providers/%s.html" (urlize .provider) \
| relURL }}">{{ .provider }}</a></td><td>{{ with .input }}${{ . }}{{ else }}—{{ end }}</td>\
<td>{{ with .output }}${{ . }}{{ else }}—{{ end }}</td><td>{{ with .cache_read }}${{ . }}\
{{ else }}—{{ end }}</td><td>{{ with .per_call }}${{ . }}{{ else }}—{{ end }}</td>\
<td>{{ with .per_image }}${{ . }}{{ else }}—{{ end }}</td><td>{{ with .context }}\
{{ lang.FormatNumber 0 . }}{{ else }}—{{ end }}</td><td>{{ with .added }}{{ . }}{{ else }}—\
{{ end }}</td><td><a href="{{ .url }}" rel="nofollow">page</a></td></tr>
{{ end }}</tbody></table>
{{ end }}
{{ with .Params.rows }}
<table class="models"><thead><tr><th>Model</th><th>Author</th><th>Input</th><th>Output</th>\
</tr></thead><tbody>
{{ range . }}<tr><td><a href="{{ .href | relURL }}">{{ .name }}</a></td><td>{{ .author }}\
</td><td>{{ with .input }}${{ . }}{{ else }}—{{ end }}</td><td>{{ with .output }}${{ . }}\
{{ else }}—{{ end }}</td></tr>
{{ end }}</tbody></table>
{{ end }}
{{ with .Params.related }}<h2>Related models</h2><ul class="related">
{{ range . }}<li><a href="{{ .href | relURL }}">{{ .name }}</a></li>{{ end }}</ul>{{ end }}
{{ end }}
"""

OFFER_PARTIAL = """\
{{ return dict "@type" "Offer" "seller" .provider "url" .url "priceCurrency" "USD" \
"price" (.input | default 0) }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} pages.</p>
<ul class="list">{{ range first 400 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}\
</a></li>{{ end }}</ul>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> \
({{ len .Pages }})</li>{{ end }}</ul>
<table class="models"><tbody>{{ range first 400 (where site.RegularPages "Section" \
"models") }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>\
{{ .Params.author }}</td><td>{{ len .Params.offerings }}</td></tr>{{ end }}</tbody></table>
{{ end }}
"""

SINGLE_MD = """\
---
title: {{ .Title | jsonify }}
url: {{ .Permalink }}
{{ with .Params.model_id }}model_id: {{ . | jsonify }}
{{ end }}---

# {{ .Title }}

{{ .RawContent }}
{{ with .Params.offerings }}
| provider | input | output | cache read | per call | per image | context | added |
|---|---|---|---|---|---|---|---|
{{ range sort . "rank" }}| [{{ .provider }}]({{ .url }}) | {{ .input | default "—" }} | \
{{ .output | default "—" }} | {{ .cache_read | default "—" }} | {{ .per_call | default "—" }} \
| {{ .per_image | default "—" }} | {{ .context | default "—" }} | {{ .added | default "—" }} |
{{ end }}{{ end }}
{{ with .Params.rows }}
| model | author | input | output |
|---|---|---|---|
{{ range . }}| [{{ .name }}]({{ .href | absURL }}) | {{ .author }} | \
{{ .input | default "—" }} | {{ .output | default "—" }} |
{{ end }}{{ end }}
{{ with .Params.related }}
## Related models

{{ range . }}- [{{ .name }}]({{ .href | absURL }})
{{ end }}{{ end }}
"""

LIST_MD = """\
# {{ .Title }}

{{ range first 400 .Pages }}- [{{ .Title }}]({{ .Permalink }})
{{ end }}
"""

CSS = "body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; }\n"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def stem_of(text: str, taken: set[str]) -> str:
    base = _UNSAFE.sub("-", text.replace("/", "--")) or "x"
    stem, n = base, 1
    while stem.lower() in taken:
        n += 1
        stem = f"{base}-{n}"
    taken.add(stem.lower())
    return stem


def _num(v: Any) -> str | None:
    return None if v is None else str(v)


def write_hugo_site(export: dict[str, Any], site: Path, target_pages: int) -> dict[str, int]:
    """A Hugo site that renders the exported offerings into `target_pages` output pages
    (HTML + Markdown files). Returns its page counts."""
    c.remove_tree(site)
    for rel, text in {"config.toml": HUGO_CONFIG, "layouts/_default/baseof.html": BASEOF,
                      "layouts/_default/single.html": SINGLE,
                      "layouts/_default/list.html": LIST, "layouts/index.html": HOME,
                      "layouts/partials/offer.html": OFFER_PARTIAL,
                      "layouts/_default/single.markdown.md": SINGLE_MD,
                      "layouts/_default/list.markdown.md": LIST_MD,
                      "layouts/index.markdown.md": LIST_MD,
                      "static/assets/style.css": CSS}.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    models: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in export["offerings"]:
        models[o["model_id"]].append(o)
    taken: set[str] = set()
    stems = {mid: stem_of(mid, taken) for mid in sorted(models)}
    by_provider: dict[str, list[str]] = defaultdict(list)
    by_author: dict[str, list[str]] = defaultdict(list)
    by_url = {o["url"]: o["model_id"] for o in export["offerings"]}

    def row(mid: str) -> dict[str, Any]:
        first = models[mid][0]
        return {"name": first["name"] or mid, "href": f"models/{stems[mid]}.html",
                "author": first["author"], "input": _num(first["input_usd_per_mtok"]),
                "output": _num(first["output_usd_per_mtok"])}

    def write(rel: str, front: dict[str, Any], body: str) -> None:
        path = site / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body + "\n")

    for mid, offers in models.items():
        first = offers[0]
        related = []
        for url in dict.fromkeys(u for o in offers for u in o.get("related_urls") or []):
            rid = by_url.get(url)
            if rid and rid != mid:
                related.append({"name": models[rid][0]["name"] or rid,
                                "href": f"models/{stems[rid]}.html"})
        for o in offers:
            by_provider[o["provider"] or "unknown"].append(mid)
        by_author[first["author"] or "unknown"].append(mid)
        write(f"models/{stems[mid]}.md", {
            "title": first["name"] or mid, "model_id": mid, "author": first["author"],
            "description": f"{first['name']}: {len(offers)} offerings",
            "offerings": [{
                "provider": o["provider"], "url": o["url"], "rank": o.get("rank_within_model")
                or 0, "input": _num(o["input_usd_per_mtok"]),
                "output": _num(o["output_usd_per_mtok"]),
                "cache_read": _num(o["cache_read_usd_per_mtok"]),
                "per_call": _num(o["per_call_usd"]), "per_image": _num(o["per_image_usd"]),
                "context": o["context_length"], "added": o["date_added"]} for o in offers],
            "related": related[:12]},
            f"**{first['name']}** by *{first['author']}* is listed by {len(offers)} "
            f"provider(s). Modalities: {', '.join(first.get('modalities') or []) or '—'}.")
    for section in ("models", "providers", "authors"):
        write(f"{section}/_index.md", {"title": section.title()}, "")
    # Home, the three sections and the model pages, each as HTML and Markdown; the rest of
    # the catalog's page count is filled with provider pages, author pages (largest first)
    # and 400-row tables; an odd count makes the last page HTML only.
    budget = target_pages - 2 * (1 + 3 + len(models))
    full, half = divmod(max(0, budget), 2)
    units = full + half
    providers = sorted(by_provider)[:units]
    units -= len(providers)
    authors = sorted(by_author, key=lambda a: (-len(by_author[a]), a))[:units]
    units -= len(authors)
    tables = max(0, units - 1)
    written: list[tuple[str, dict[str, Any], str]] = []
    pstems: set[str] = set()
    for provider in providers:
        written.append((f"providers/{stem_of(provider, pstems)}.md",
                        {"title": provider, "rows": [row(m) for m in sorted(set(
                            by_provider[provider]))]}, f"Models served by **{provider}**."))
    astems: set[str] = set()
    for author in sorted(authors):
        written.append((f"authors/{stem_of(author, astems)}.md",
                        {"title": author, "rows": [row(m) for m in sorted(set(
                            by_author[author]))]}, f"Models made by **{author}**."))
    if units > 0:
        written.append(("tables/_index.md", {"title": "Tables"}, ""))
        ids = sorted(models)
        for n in range(tables):
            start = (n * ROWS_PER_TABLE) % max(1, len(ids))
            written.append((f"tables/table-{n + 1}.md", {
                "title": f"Models, table {n + 1}",
                "rows": [row(m) for m in ids[start:start + ROWS_PER_TABLE]]}, ""))
    if half and written:
        written[-1][1]["outputs"] = ["html"]
    for rel, front, body in written:
        write(rel, front, body)
    expected = 2 * (1 + 3 + len(models) + len(written)) - (1 if half and written else 0)
    return {"models": len(models), "providers": len(providers), "authors": len(authors),
            "tables": tables, "expected_pages": expected}


def pagefind_exe() -> str | None:
    proc = c.run_quiet([c.PY, "-c", "import pagefind_bin; print(pagefind_bin.get_executable())"])
    path = proc.stdout.strip()
    return path if proc.returncode == 0 and path else shutil.which("pagefind")


def run(args: argparse.Namespace) -> dict[str, Any]:
    c.log(f"== build: catalog build vs Hugo on the {args.offerings:,}-offering mirror; "
          "incremental rebuilds")
    m = c.print_machine()
    if not c.ensure_gnu_time():
        c.log("NOTE: GNU time is missing and cannot be installed: no peak RSS")
    hugo_ok = c.ensure_tool("hugo", "hugo")
    m = c.machine() if hugo_ok else m
    profiler = c.tools_venv() is not None and c.PY_SPY.exists()
    if not profiler:
        c.log("NOTE: py-spy is not available: no profiles")
    work = c.OUT / f"build-{args.offerings}"
    c.remove_tree(work)  # old output goes now, minutes before any timed build
    work.mkdir(parents=True)
    facts = c.make_mirror(args.offerings)
    db = work / "catalog.db"
    res: dict[str, Any] = {"machine": m, "mirror": facts, "offerings": args.offerings}
    with c.serve_mirror(c.mirror_dir(args.offerings)) as server:
        res["server"] = server.kind
        c.log("crawling the mirror once (concurrency 16, per host 16, delay 0; py-spy "
              "samples it from outside) ...")
        crawl_profile = c.PROFILES / f"crawl-{args.offerings}.txt"
        crawl = c.must(c.catalog_crawl(server.origin, db, concurrency=16,
                                       profile_to=crawl_profile if profiler else None), "crawl")
        res["crawl"] = crawl.as_dict()
        c.log(f"  {crawl.wall:.1f} s, peak RSS {crawl.rss_mb} MB: {crawl.stdout.strip()}")
        csv_runs = []
        for _ in range(args.runs):
            t = c.must(c.timed([c.CATALOG, "export", "--db", db, "--format", "csv", "--out",
                                work / "pricing.csv"]), "export csv")
            csv_runs.append(t.as_dict())
        res["export_csv"] = csv_runs
        c.log(f"  export --format csv: {c.fmt(c.stat([t['wall'] for t in csv_runs]), 's')}")
        export_file = work / "export.json"
        ex = c.must(c.timed([c.CATALOG, "export", "--db", db, "--format", "json", "--out",
                             export_file]), "export")
        res["export_json"] = ex.as_dict()
        export = json.loads(export_file.read_text())

        # ---- full builds: catalog and Hugo, first build and rebuild, run by run
        runs: list[dict[str, Any]] = []
        hugo_site = work / "hugo-src"
        target: dict[str, int] | None = None
        for n in range(1, args.runs + 1):
            r: dict[str, Any] = {"run": n}
            site = work / f"site-{n}"
            public = work / f"hugo-public-{n}"
            for step in ("catalog", "hugo") if n % 2 else ("hugo", "catalog"):
                if step == "catalog":
                    t = c.must(c.timed(c.build_command(db, site)), "catalog build")
                    r["catalog_first"] = {**t.as_dict(), **c.parse_build(t.stdout)}
                    if target is None:
                        target = c.count_pages(site)
                        res["catalog_pages"] = target
                        res["hugo_site"] = write_hugo_site(
                            export, hugo_site, target["html"] + target["md"])
                elif hugo_ok and target is not None:  # (run 1 builds the catalog first)
                    t = c.must(c.timed(["hugo", "--source", hugo_site, "--destination",
                                        public, "--quiet"]), "hugo")
                    r["hugo_first"] = t.as_dict()
                    if "hugo_pages" not in res:
                        res["hugo_pages"] = c.count_pages(public)
            for step in ("catalog", "hugo") if n % 2 else ("hugo", "catalog"):
                if step == "catalog":
                    t = c.must(c.timed(c.build_command(db, site)), "catalog rebuild")
                    r["catalog_rebuild"] = {**t.as_dict(), **c.parse_build(t.stdout)}
                elif hugo_ok and "hugo_first" in r:
                    t = c.must(c.timed(["hugo", "--source", hugo_site, "--destination",
                                        public, "--quiet"]), "hugo rebuild")
                    r["hugo_rebuild"] = t.as_dict()
            c.log(f"  run {n}: catalog first {r['catalog_first']['wall']:.2f} s "
                  f"({r['catalog_first']['rss_mb']} MB), rebuild "
                  f"{r['catalog_rebuild']['wall']:.2f} s; Hugo first "
                  f"{r.get('hugo_first', {}).get('wall', float('nan')):.2f} s "
                  f"({r.get('hugo_first', {}).get('rss_mb')} MB), rebuild "
                  f"{r.get('hugo_rebuild', {}).get('wall', float('nan')):.2f} s")
            runs.append(r)
        res["runs"] = runs
        c.log(f"  pages: catalog {res['catalog_pages']}, Hugo {res.get('hugo_pages')}")

        # ---- a profile of one more first build (not timed)
        build_profile = c.PROFILES / f"build-{args.offerings}.txt"
        if profiler:
            c.timed(c.build_command(db, work / "site-profile"), profile_to=build_profile)
        res["profiles"] = profiles({"crawl": crawl_profile, "build": build_profile})

        # ---- search index, on its own
        exe = pagefind_exe()
        search: list[dict[str, Any]] = []
        if exe:
            for n in range(1, args.runs + 1):
                site = work / f"site-{n}"
                t = c.timed([exe, "--site", site, "--glob", "models/*.html", "--output-subdir",
                             "pagefind-bench", "--silent"])
                search.append(t.as_dict())
                c.remove_tree(site / "pagefind-bench")
            c.log(f"  Pagefind over the model pages: "
                  f"{c.fmt(c.stat([s['wall'] for s in search]), 's')}")
        res["search"] = search

        # ---- incremental: 1% of prices change, re-crawl, rebuild over the last output
        rounds: list[dict[str, Any]] = []
        site = work / "site-1"
        try:
            for k in range(1, args.rounds + 1):
                mirror = c.make_mirror(args.offerings, change_rounds=k)
                recrawl = c.must(c.catalog_crawl(server.origin, db, concurrency=16), "re-crawl")
                t = c.must(c.timed(c.build_command(db, site)), "incremental build")
                rd = {"round": k, "changed_offerings_total": mirror["changed_offerings"],
                      "recrawl": recrawl.as_dict(),
                      "rebuild": {**t.as_dict(), **c.parse_build(t.stdout)},
                      "build_output": t.stdout.strip()}
                rounds.append(rd)
                c.log(f"  round {k}: re-crawl {recrawl.wall:.1f} s "
                      f"({recrawl.stdout.strip().splitlines()[-1] if recrawl.stdout else ''}); "
                      f"rebuild {t.wall:.2f} s: {t.stdout.strip()}")
        except SystemExit as exc:  # keep the full-build figures; say why rounds are missing
            res["incremental_error"] = str(exc).strip().splitlines()[-1][:300]
            c.log(f"  incremental round failed: {exc}")
        finally:
            c.make_mirror(args.offerings, change_rounds=0)  # leave the mirror as it was
        res["incremental"] = rounds
    res["summary"] = summarise(res)
    res["command"] = "make bench (or: .venv/bin/python bench/build_site.py)"
    c.save_result(f"build-{args.offerings}", res)
    return res


def profiles(raws: dict[str, Path]) -> dict[str, Any]:
    """Hot spots of each profile, and a flame graph SVG beside each."""
    out: dict[str, Any] = {}
    for name, raw in raws.items():
        if raw.is_file() and raw.stat().st_size:
            svg = raw.with_suffix(".svg")
            c.flamegraph_svg(raw, svg, f"catalog {name}")
            out[name] = {**c.hotspots(raw), "raw": str(raw.relative_to(c.ROOT)),
                         "svg": str(svg.relative_to(c.ROOT))}
            c.log(f"  profile of the {name}: {out[name]['samples']} samples; top self "
                  f"{out[name]['self'][:3]}; flame graph {out[name]['svg']}")
    return out


def profile_section(res: dict[str, Any]) -> str:
    """The hot spots of the crawl and of the build, for BENCHMARKS.md."""
    parts = []
    for name, what in (("crawl", "the crawl pipeline (fetch + extract + store + ingest)"),
                       ("build", "a first `catalog build` (no search index)")):
        p = res.get("profiles", {}).get(name)
        if not p:
            continue
        self_rows = [[f"`{f}`", f"{v} %"] for f, v in p["self"][:10]]
        total_rows = [[f"`{f}`", f"{v} %"] for f, v in p["total"][:10]]
        parts.append(f"""### Profile of {what}

py-spy sampling at 100 Hz from outside the process (active time only), {p['samples']:,}
samples; flame graph `{p['svg']}`, collapsed stacks `{p['raw']}` (git-ignored).

{c.md_table(["function (self time: the frame running)", "% of samples"], self_rows)}

{c.md_table(["catalog function (total time: anywhere on the stack)", "% of samples"],
            total_rows)}
""")
    if not parts:
        return ""
    return (f"## Profiles ({res['offerings']:,}-offering mirror)\n\n" + "\n".join(parts)
            + "\nReproduce: `.venv/bin/python bench/build_site.py` (part of `make bench`).\n")


def summarise(res: dict[str, Any]) -> dict[str, Any]:
    runs = res["runs"]

    def walls(key: str) -> list[float]:
        return [r[key]["wall"] for r in runs if key in r]

    def ratio(a: str, b: str) -> list[float]:
        return [r[a]["wall"] / r[b]["wall"] for r in runs if a in r and b in r]

    def cpus(key: str) -> list[float]:
        return [cpu(r[key]) for r in runs if key in r and cpu(r[key]) is not None]

    s: dict[str, Any] = {
        "catalog_first": c.stat(walls("catalog_first")),
        "catalog_rebuild": c.stat(walls("catalog_rebuild")),
        "hugo_first": c.stat(walls("hugo_first")),
        "hugo_rebuild": c.stat(walls("hugo_rebuild")),
        "hugo_over_catalog_first": c.stat(ratio("hugo_first", "catalog_first")),
        "hugo_over_catalog_rebuild": c.stat(ratio("hugo_rebuild", "catalog_rebuild")),
        "catalog_first_cpu": c.stat(cpus("catalog_first")),
        "catalog_rebuild_cpu": c.stat(cpus("catalog_rebuild")),
        "hugo_first_cpu": c.stat(cpus("hugo_first")),
        "hugo_rebuild_cpu": c.stat(cpus("hugo_rebuild")),
        "catalog_first_rss": c.stat([r["catalog_first"]["rss_mb"] for r in runs
                                     if r["catalog_first"].get("rss_mb")]),
        "catalog_rebuild_rss": c.stat([r["catalog_rebuild"]["rss_mb"] for r in runs
                                       if r["catalog_rebuild"].get("rss_mb")]),
        "hugo_first_rss": c.stat([r["hugo_first"]["rss_mb"] for r in runs
                                  if r.get("hugo_first", {}).get("rss_mb")]),
        "search": c.stat([s["wall"] for s in res.get("search", [])]),
        "export_csv": c.stat([t["wall"] for t in res.get("export_csv", [])]),
        "export_csv_rss": c.stat([t["rss_mb"] for t in res.get("export_csv", [])
                                  if t.get("rss_mb")]),
    }
    pages = res["catalog_pages"]["html"] + res["catalog_pages"]["md"]
    s["catalog_ms_per_page"] = c.stat([1000 * w / pages for w in walls("catalog_first")])
    if res.get("hugo_pages"):
        hp = res["hugo_pages"]["html"] + res["hugo_pages"]["md"]
        s["hugo_ms_per_page"] = c.stat([1000 * w / hp for w in walls("hugo_first")])
    inc = res.get("incremental", [])
    full = s["catalog_first"]["median"] or 0
    if inc and full:
        s["recrawl"] = c.stat([r["recrawl"]["wall"] for r in inc])
        s["incremental_build"] = c.stat([r["rebuild"]["wall"] for r in inc])
        s["incremental_pct"] = c.stat([100 * r["rebuild"]["wall"] / full for r in inc])
        full_cpu = s["catalog_first_cpu"]["median"]
        if full_cpu:
            s["incremental_cpu_pct"] = c.stat([100 * cpu(r["rebuild"]) / full_cpu for r in inc
                                               if cpu(r["rebuild"]) is not None])
        s["incremental_files_changed"] = c.stat([
            r["rebuild"]["files_written"] - r["rebuild"]["files_unchanged"] for r in inc
            if "files_written" in r["rebuild"]])
    return s


def cpu(t: dict[str, Any]) -> float | None:
    """User + system CPU seconds of a timed command (all its processes), if measured."""
    if t.get("user") is None or t.get("sys") is None:
        return None
    return float(t["user"]) + float(t["sys"])


def section(res: dict[str, Any]) -> str:
    s = res["summary"]
    cp, hp = res["catalog_pages"], res.get("hugo_pages") or {}
    n = res["summary"]["catalog_first"]["n"]
    crawl = res["crawl"]
    def cpu_of(key: str) -> str:
        return c.fmt(s[key], "s") if s.get(key, {}).get("n") else "—"

    rows = [
        ["`catalog build`, first build (fresh directory)", c.fmt(s["catalog_first"], "s"),
         cpu_of("catalog_first_cpu"), c.fmt(s["catalog_ms_per_page"], "", 3),
         c.fmt(s["catalog_first_rss"], "MB", 0)],
        ["`catalog build`, rebuild over its output (nothing changed)",
         c.fmt(s["catalog_rebuild"], "s"), cpu_of("catalog_rebuild_cpu"), "",
         c.fmt(s["catalog_rebuild_rss"], "MB", 0)],
        ["Hugo, first build (fresh directory)", c.fmt(s["hugo_first"], "s"),
         cpu_of("hugo_first_cpu"), c.fmt(s.get("hugo_ms_per_page"), "", 3),
         c.fmt(s["hugo_first_rss"], "MB", 0)],
        ["Hugo, rebuild over its output", c.fmt(s["hugo_rebuild"], "s"),
         cpu_of("hugo_rebuild_cpu"), "", ""],
        ["Pagefind search index over the model pages (not in the builds above)",
         c.fmt(s["search"], "s"), "", "", ""],
    ]
    verdict = s["hugo_over_catalog_first"]["median"]
    goal = "meets" if verdict and verdict >= 2 else "misses"
    inc_rows = []
    for r in res.get("incremental", []):
        rb = r["rebuild"]
        rc = r["recrawl"]
        inc_rows.append([
            r["round"], f"{rc['wall']:.1f} s", f"{rc.get('fetched', '?')} fetched, "
            f"{rc.get('changed', '?')} changed, {rc.get('not_modified', '?')} not modified",
            f"{rb['wall']:.2f} s", f"{cpu(rb):.2f} s" if cpu(rb) is not None else "—",
            f"{100 * rb['wall'] / (s['catalog_first']['median'] or 1):.0f} %",
            f"{rb.get('pages_rendered', '?')} pages rendered, "
            f"{rb.get('pages_reused', '?')} reused; {rb.get('files_written', '?')} files, "
            f"{rb.get('files_unchanged', '?')} byte-identical"])
    inc = ""
    if res.get("incremental_error"):
        inc = (f"\n### Incremental\n\nNot measured in this run: a round failed "
               f"(`{res['incremental_error']}`).\n")
    if inc_rows:
        pct = s["incremental_pct"]["median"]
        inc = f"""
### Incremental: 1% of prices changed, re-crawl, rebuild

Each round changes the token prices of another 1% of the offerings in the mirror (only their
files change, so the rest answer 304 to the crawler's conditional GETs), re-runs the same
crawl into the same database, and rebuilds over the previous output.

{c.md_table(["round", "re-crawl", "crawl says", "rebuild", "rebuild CPU",
             "% of a first build", "build says"], inc_rows)}

Re-crawl {c.fmt(s['recrawl'], 's')}; rebuild {c.fmt(s['incremental_build'], 's')} =
**{c.fmt(s['incremental_pct'], '%', 0)}** of a full first build (target ≤ 5 %:
{"met" if pct is not None and pct <= 5 else "not met"}); by CPU time (user + system),
{c.fmt(s.get('incremental_cpu_pct'), '%', 0)} of a first build's; files whose bytes
changed per rebuild: {c.fmt(s['incremental_files_changed'], '', 0)}.
"""
    return f"""\
## Site build vs Hugo ({res['offerings']:,} offerings)

The {res['offerings']:,}-offering bench mirror, crawled once into a database
(`catalog crawl ORIGIN/ --concurrency 16 --per-host 16 --delay 0`, sampled by py-spy from
outside the process for the profile below: {crawl['wall']:.1f} s, peak RSS {crawl['rss_mb']} MB,
{crawl.get('fetched', '?')} pages fetched,
{crawl.get('offerings', '?')} offerings of {crawl.get('models', '?')} models). `catalog build`
writes {cp['html']:,} HTML + {cp['md']:,} Markdown pages (+ {cp['other']:,} other files);
Hugo {res['machine'].get('hugo', '').split(' linux')[0]} builds
{hp.get('html', 0):,} HTML + {hp.get('md', 0):,} Markdown pages from content generated from the
same database (model, provider and author pages and 400-row tables, an HTML layout and a
custom Markdown output format). Same disk (ext4), same run; wall time, CPU time (user +
system, of all the command's processes: `catalog build` renders on every core, as Hugo does)
and peak RSS from `/usr/bin/time -v`; median (min–max) of {n} runs.

{c.md_table(["build", "wall", "CPU", "ms per page", "peak RSS"], rows)}

**Hugo time / catalog time, run by run: first build ×{c.fmt(s['hugo_over_catalog_first'])},
rebuild ×{c.fmt(s['hugo_over_catalog_rebuild'])}** (target: catalog ≥ 2× faster than Hugo
on a full build — {goal} it).
{inc}
Reproduce: `.venv/bin/python bench/build_site.py` (part of `make bench`).
Machine: {c.machine_line(res['machine'])}.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offerings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="incremental rounds")
    parser.add_argument("--no-write", action="store_true", help="do not edit BENCHMARKS.md")
    args = parser.parse_args(argv)
    res = run(args)
    c.log("\n" + section(res))
    if not args.no_write:
        c.update_section(f"build-{args.offerings}", section(res))
        if profile_section(res):
            c.update_section(f"profiles-{args.offerings}", profile_section(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
