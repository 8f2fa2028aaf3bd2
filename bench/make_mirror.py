"""Generate a synthetic catalog mirror of N model offerings for the benchmarks.

The pages are in exactly the formats of the bundled mirror (`data/snapshot/`), rendered
by the functions of `scripts/make_snapshot.py`: for every offering an HTML model page
(`models/<provider>/<slug>/index.html`), its Markdown twin (`models/<provider>/<slug>.md`)
and its llms.txt; provider listings, `index.html`, `robots.txt`, a sitemap index with
sitemaps of at most `--sitemap-max` URLs each, and the site's `llms.txt`. Absolute URLs
to the mirror are written as `__ORIGIN__/...`, as in the bundled mirror.

Offerings: every offering of the models.dev catalog (`data/sources/models-dev-api.json`,
about 4,800), then clones of them until there are N: clone round k gives each model ID,
model name, provider ID and provider name the suffix `-ck` / ` Ck`, so each round is a
disjoint copy of the catalog with its own models and providers (authors and families are
shared). A partial last round takes evenly spaced offerings. The real seed page is one of
the N. Output is deterministic: same arguments, byte-identical files.

HTML model pages of the bundled mirror are about 9 KB; a real catalog page, with its
inline styles, icon sprite and hydration data, is about 46 KB. `--html-bytes` (default
46,000) pads each model page to that size with an inline SVG icon sprite and a
`<script type="application/json">` hydration payload before `</body>`: no links, nothing
the extractors read, but bytes to transfer and markup to parse, as on the real site.

Price changes for incremental benchmarks: `--change-rounds R` multiplies the token prices
of R disjoint slices of `--change-percent` (default 1) percent of the offerings by 5/4,
so round R differs from round R-1 in exactly one slice. Only files whose bytes change are
rewritten (unchanged files keep their modification time, so a server's validators stay),
and files no longer generated are removed.

    .venv/bin/python bench/make_mirror.py --offerings 5000 --out bench/out/mirror-5000
    .venv/bin/python bench/make_mirror.py --offerings 5000 --out bench/out/mirror-5000 \\
        --change-rounds 1       # 1% of the prices changed
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import random
import sys
import time
import zlib
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_SCRIPT = ROOT / "scripts" / "make_snapshot.py"
GENERATOR = "bench/make_mirror.py"
STAMP = "MIRROR.json"
DEFAULT_HTML_BYTES = 46_000
SITEMAP_MAX = 50_000
CHANGE_FACTOR = Decimal(5) / Decimal(4)
CHANGE_SEED = 8_5000


def load_snapshot_module() -> ModuleType:
    """`scripts/make_snapshot.py` as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("make_snapshot", SNAPSHOT_SCRIPT)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {SNAPSHOT_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_snapshot"] = module
    spec.loader.exec_module(module)
    return module


snap = load_snapshot_module()


# --------------------------------------------------------------------------- selection


def pool(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (provider, model id) of models.dev whose slug is usable, in (provider, slug)
    order; the same clash rules as the bundled mirror's selection."""
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    keys = [(pid, mid) for pid in data for mid in data[pid]["models"]]
    for pid, mid in sorted(keys, key=lambda k: (k[0], snap.slugify(k[1]), k[1])):
        slug = snap.slugify(mid)
        key = (pid, slug.lower())
        if (slug.startswith(".") or slug.endswith(".md") or key in seen
                or not renderable(data, pid, mid)):
            continue
        seen.add(key)
        out.append((pid, mid))
    return out


def renderable(data: dict[str, Any], pid: str, mid: str) -> bool:
    """Whether the bundled mirror's renderer can state this offering (a few models.dev
    entries have dates it cannot read, such as a month 00)."""
    model = data[pid]["models"][mid]
    try:
        snap.price_facts(pid, mid, model)
        snap.about_of(str(model["name"]), "a", "p", model)
        for key in ("release_date", "last_updated"):
            if model.get(key):
                snap.long_date(str(model[key]))
    except (KeyError, IndexError, TypeError, ValueError, ArithmeticError):
        return False
    return True


def clone_data(data: dict[str, Any], base: list[tuple[str, str]], total: int,
               seed_key: tuple[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A models.dev-shaped dict of `total` offerings (rounds of clones of `base`), and the
    (provider, model id) pairs in it, in (provider, slug) order."""
    out: dict[str, Any] = {}
    chosen: list[tuple[str, str]] = []
    taken: set[tuple[str, str]] = {(seed_key[0], seed_key[1].lower())}
    k = 0
    while len(chosen) < total:
        need = total - len(chosen)
        picks = base if need >= len(base) else [
            base[(i * len(base)) // need] for i in range(need)]
        for pid, mid in picks:
            if len(chosen) >= total:
                break
            provider = data[pid]
            model = provider["models"][mid]
            cid, cmid = (pid, mid) if k == 0 else (f"{pid}-c{k}", f"{mid}-c{k}")
            key = (cid, snap.slugify(cmid).lower())
            if key in taken:
                continue
            taken.add(key)
            entry = out.setdefault(cid, {
                "id": cid, "models": {},
                "name": provider["name"] if k == 0 else f"{provider['name']} C{k}"})
            if k:
                model = {**model, "id": cmid, "name": f"{model['name']} C{k}"}
            entry["models"][cmid] = model
            chosen.append((cid, cmid))
        k += 1
    chosen.sort(key=lambda key: (key[0], snap.slugify(key[1]), key[1]))
    return out, chosen


def change_prices(data: dict[str, Any], chosen: list[tuple[str, str]], percent: float,
                  rounds: int) -> list[tuple[str, str]]:
    """Multiplies the token prices of `rounds` disjoint slices of `percent` % of the
    token-priced offerings by 5/4; returns the changed (provider, model id) pairs."""
    if rounds <= 0:
        return []
    candidates = [key for key in chosen if _token_priced(data, key)]
    random.Random(CHANGE_SEED).shuffle(candidates)
    size = max(1, round(len(chosen) * percent / 100))
    changed = candidates[: size * rounds]
    if len(changed) < size * rounds:
        raise SystemExit(f"only {len(candidates)} token-priced offerings: cannot change "
                         f"{rounds} slices of {size}")
    for pid, mid in changed:
        model = data[pid]["models"][mid] = copy.deepcopy(data[pid]["models"][mid])
        model["cost"] = {comp: (v * CHANGE_FACTOR if isinstance(v, Decimal | int) else v)
                         for comp, v in model["cost"].items()}
    return changed


def _token_priced(data: dict[str, Any], key: tuple[str, str]) -> bool:
    model = data[key[0]]["models"][key[1]]
    cost = model.get("cost")
    return (bool(cost) and key not in snap.PER_CALL
            and "image" not in model["modalities"]["output"] and cost["input"] > 0)


# --------------------------------------------------------------------------- padding


def padding(p: Any, target: int, current: int) -> str:
    """Markup that brings a model page from `current` to about `target` bytes: an inline
    SVG icon sprite (about 40 %) and a JSON hydration payload, as real catalog pages
    carry. Deterministic per page; contains no link and nothing an extractor reads."""
    need = target - current
    if need <= 200:
        return ""
    rng = random.Random(zlib.crc32(f"{p.provider}/{p.slug}".encode()))
    sprite = ['<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
              'style="display:none">']
    size = len(sprite[0])
    i = 0
    while size < need * 0.4:
        d = " ".join(f"{rng.choice('MLQC')}{rng.randint(0, 240) / 10:.1f} "
                     f"{rng.randint(0, 240) / 10:.1f}" for _ in range(8))
        symbol = (f'<symbol id="i{i}" viewBox="0 0 24 24"><path fill="none" '
                  f'stroke="currentColor" stroke-width="1.5" d="{d}z"/></symbol>')
        sprite.append(symbol)
        size += len(symbol)
        i += 1
    sprite.append("</svg>")
    props: dict[str, Any] = {
        "model": {"id": p.slug, "name": p.name, "author": p.author,
                  "provider": p.provider, "license": p.license,
                  "prices": dict(p.price_rows), "features": p.features,
                  "endpoints": [list(e) for e in p.endpoints]},
        "related": [{"name": r.name, "provider": r.provider_label, "license": r.license}
                    for r in p.related],
        "chunks": [],
    }
    head = '<script id="__NEXT_DATA__" type="application/json">'
    body = json.dumps({"props": {"pageProps": props}, "page": "/models/[provider]/[slug]"},
                      separators=(",", ":"))
    budget = need - size - len(head) - len("</script>") - 2
    chunks = props["chunks"]
    while len(body) < budget:
        chunks.append(f"static/chunks/{rng.getrandbits(64):016x}-{rng.getrandbits(32):08x}.js")
        if len(chunks) % 32 == 0:
            body = json.dumps({"props": {"pageProps": props},
                               "page": "/models/[provider]/[slug]"}, separators=(",", ":"))
    body = json.dumps({"props": {"pageProps": props}, "page": "/models/[provider]/[slug]"},
                      separators=(",", ":")).replace("</", "<\\/")
    return "\n".join(sprite) + "\n" + head + body + "</script>\n"


def padded_html(p: Any, html_bytes: int) -> str:
    html = snap.render_html(p)
    if not html_bytes:
        return html
    at = html.rindex("</body>")
    return html[:at] + padding(p, html_bytes, len(html.encode())) + html[at:]


# --------------------------------------------------------------------------- site files


def render_sitemaps(pages: list[Any], per_file: int) -> dict[str, str]:
    """A sitemap index and sitemaps of at most `per_file` URLs, in the bundled mirror's
    format (`sitemaps/models.xml`, then `models-2.xml`, ...)."""
    files: dict[str, str] = {}
    locs: list[str] = []
    for n, start in enumerate(range(0, len(pages), per_file), 1):
        name = "sitemaps/models.xml" if n == 1 else f"sitemaps/models-{n}.xml"
        files[name] = snap.render_sitemaps(pages[start:start + per_file])[1].replace(
            snap.GENERATOR, GENERATOR)
        locs.append(f"  <sitemap><loc>{snap.ORIGIN}/{name}</loc></sitemap>")
    files["sitemap.xml"] = "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>', f"<!-- generated by {GENERATOR} -->",
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', *locs,
        "</sitemapindex>"]) + "\n"
    return files


def generated_md(args: argparse.Namespace, pages: int, providers: int, changed: int) -> str:
    return f"""\
# A generated catalog mirror for benchmarks

Generated by `{GENERATOR}` with `--offerings {args.offerings} --html-bytes {args.html_bytes}
--change-rounds {args.change_rounds} --change-percent {args.change_percent}`: {pages} model
offerings from {providers} providers, in the formats of `data/snapshot/` (rendered by
`scripts/make_snapshot.py`), from models.dev data cloned under suffixed model and provider
IDs. {changed} offerings have token prices changed by 5/4 from models.dev's.

Every absolute URL to the mirror itself is written as `__ORIGIN__/path`; the server
replaces it with its own origin.
"""


def build(args: argparse.Namespace) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file of the mirror by relative path, and facts about it."""
    data = snap.load_models_dev()
    seed_bytes = snap.SEED.read_bytes()
    seed = snap.seed_page(seed_bytes.decode("utf-8"))
    base = pool(data)
    cloned, chosen = clone_data(data, base, args.offerings - 1, (seed.provider, seed.slug))
    changed = change_prices(cloned, chosen, args.change_percent, args.change_rounds)
    snap.select = lambda _data: chosen  # build_pages renders exactly these offerings
    pages = snap.build_pages(cloned)
    snap.link_related(pages, seed)
    all_pages = sorted([*pages, seed], key=lambda p: (p.provider, p.slug))
    groups: dict[str, list[Any]] = {}
    for p in all_pages:
        groups.setdefault(p.provider, []).append(p)

    files: dict[str, str | bytes] = {}
    for p in all_pages:
        path = f"models/{p.provider}/{p.slug}"
        files[f"{path}/index.html"] = padded_html(p, args.html_bytes)
        files[f"{path}/llms.txt"] = snap.render_model_llms(p)
        files[f"{path}.md"] = seed_bytes if p is seed else snap.render_markdown(p)
    titles = snap.provider_titles(groups)
    for pid, ps in groups.items():
        files[f"models/{pid}/index.html"] = snap.render_listing(pid, titles[pid], ps)
    listing = [(pid, titles[pid], len(ps)) for pid, ps in groups.items()]
    intro = f"{len(all_pages)} model offerings from {len(groups)} providers."
    files["models/index.html"] = snap.render_index("All providers", "/models", "providers",
                                                   intro, listing)
    files["index.html"] = snap.render_index(snap.CATALOG, "/", "home", intro, listing)
    files["pricing/index.html"] = snap.render_pricing_page()
    files["assets/catalog.css"] = snap.CSS
    files["robots.txt"] = snap.ROBOTS.replace(snap.GENERATOR, GENERATOR)
    files.update(render_sitemaps(all_pages, args.sitemap_max))
    # Only the demo mirror serves the models.dev `api.json` its llms.txt links: here that
    # link would be a page missing (HTTP 404) from every crawl.
    files["llms.txt"] = "".join(
        line for line in snap.render_site_llms(groups, len(all_pages)).splitlines(True)
        if snap.MODELS_DEV_PATH not in line)
    files["GENERATED.md"] = generated_md(args, len(all_pages), len(groups), len(changed))
    out = {rel: (v if isinstance(v, bytes) else v.encode("utf-8"))
           for rel, v in sorted(files.items())}
    facts = {"offerings": len(all_pages), "providers": len(groups),
             "changed_offerings": len(changed), "files": len(out),
             "bytes": sum(len(v) for v in out.values()),
             "model_page_bytes": round(sum(len(out[f"models/{p.provider}/{p.slug}/index.html"])
                                           for p in all_pages) / len(all_pages)),
             "args": {k: v for k, v in vars(args).items() if k != "out"}}
    return out, facts


def write(files: dict[str, bytes], out: Path) -> tuple[int, int]:
    """Writes `files` under `out`, touching only files whose bytes differ; removes files
    that are not in `files`. Returns (written, removed)."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    made: set[Path] = set()
    for rel, content in files.items():
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        try:
            if path.stat().st_size == len(content) and path.read_bytes() == content:
                continue
        except FileNotFoundError:
            pass
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, path)
        written += 1
    removed = 0
    for dirpath, _dirnames, filenames in os.walk(out, topdown=False):
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), out).replace(os.sep, "/")
            if rel not in files and rel != STAMP:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if dirpath != str(out) and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return written, removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offerings", type=int, required=True, help="model offerings (N)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write")
    parser.add_argument("--html-bytes", type=int, default=DEFAULT_HTML_BYTES,
                        help="pad model HTML pages to about this size (0: no padding)")
    parser.add_argument("--sitemap-max", type=int, default=SITEMAP_MAX,
                        help="URLs per sitemap file (at most 50,000)")
    parser.add_argument("--change-rounds", type=int, default=0,
                        help="how many disjoint slices of offerings have changed prices")
    parser.add_argument("--change-percent", type=float, default=1.0,
                        help="size of one slice, in percent of the offerings")
    args = parser.parse_args(argv)
    if args.offerings < 2:
        parser.error("--offerings must be at least 2")
    if not 1 <= args.sitemap_max <= SITEMAP_MAX:
        parser.error(f"--sitemap-max must be between 1 and {SITEMAP_MAX}")
    if args.out.resolve() == snap.DEFAULT_OUT.resolve():
        parser.error("refusing to write into the bundled mirror")
    started = time.perf_counter()
    files, facts = build(args)
    written, removed = write(files, args.out)
    (args.out / STAMP).write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
    print(f"{args.out}: {facts['offerings']:,} offerings from {facts['providers']:,} "
          f"providers, {facts['files']:,} files, {facts['bytes'] / 1e6:.0f} MB (model pages "
          f"{facts['model_page_bytes'] / 1000:.1f} KB), {facts['changed_offerings']} with "
          f"changed prices; {written:,} files written, {removed:,} removed, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
