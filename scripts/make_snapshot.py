"""Build `data/snapshot/`: a static mirror of an AI model catalog website.

The mirror renders real models.dev data (`data/sources/models-dev-api.json`) into
model pages in the format of a real catalog page, the ModelsLab Markdown page kept
verbatim in `data/sources/seed/`. It is what the crawler, the extractors and the
demo server are exercised against, so it is served as a website:

    robots.txt                             /robots.txt
    sitemap.xml, sitemaps/models.xml       /sitemap.xml, /sitemaps/models.xml
    llms.txt                               /llms.txt
    index.html, models/index.html          /, /models
    models/<provider>/index.html           /models/<provider>
    models/<provider>/<slug>/index.html    /models/<provider>/<slug>
    models/<provider>/<slug>.md            /models/<provider>/<slug>.md
    models/<provider>/<slug>/llms.txt      /models/<provider>/<slug>/llms.txt

Every absolute URL to the mirror itself is written as `__ORIGIN__/path`; the demo
server replaces `__ORIGIN__` with its own origin in every text response. The seed
page is copied byte for byte to `models/mistralai/<its slug>.md`; its HTML page and
llms.txt are built from the facts the seed states.

Selection: providers in id order, skipping providers with fewer than
MIN_PROVIDER_MODELS models, up to PER_PROVIDER models each (evenly spaced in model-id
order), plus the models in MUST_INCLUDE and every Mistral Small 3.2 offering.

Two pricing rules are synthetic (models.dev has neither kind of price); they exist
to exercise those code paths:

* per image: a model whose output modalities include `image` is priced per image,
  at output price per 1M tokens x 1290 / 1,000,000 (1290 output tokens per image,
  as Google prices Gemini image output), instead of per token;
* per call: the models in PER_CALL are priced at the listed amount per call instead
  of per token.

The output is deterministic: same inputs, byte-identical files.

    .venv/bin/python scripts/make_snapshot.py            # rewrite data/snapshot/
    .venv/bin/python scripts/make_snapshot.py --check    # exit 1 if it is stale
    .venv/bin/python scripts/make_snapshot.py --out DIR  # write elsewhere
"""

from __future__ import annotations

import argparse
import decimal
import html
import json
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
MODELS_DEV = SOURCES / "models-dev-api.json"
SEED = SOURCES / "seed" / "modelslab-mistral-small-3.2-24b-instruct.md"
DEFAULT_OUT = ROOT / "data" / "snapshot"
MODELS_DEV_PATH = "api/models-dev.json"

ORIGIN = "__ORIGIN__"
CATALOG = "Demo Catalog"
GENERATOR = "scripts/make_snapshot.py"
GENERATED_AT = "2026-05-13T00:00:00Z"
GENERATED_DAY = "2026-05-13"

MIN_PROVIDER_MODELS = 5
PER_PROVIDER = 6
RELATED_MAX = 12
RELATED_MIN = 5
OMIT_ADDED_ONE_IN = 12  # besides month-only dates, about 1 page in 12 has no Added date
SEED_RANDOM = 20260513

TOKENS_PER_IMAGE = 1290
PER_CALL: dict[tuple[str, str], Decimal] = {
    ("perplexity", "sonar"): Decimal("0.005"),
    ("perplexity", "sonar-pro"): Decimal("0.008"),
    ("perplexity", "sonar-deep-research"): Decimal("0.012"),
    ("openrouter", "perplexity/sonar"): Decimal("0.005"),
    ("nano-gpt", "exa-research"): Decimal("0.02"),
}
MUST_INCLUDE: tuple[tuple[str, str], ...] = (
    # image output (priced per image), including a free one and one without prices
    ("google", "gemini-2.5-flash-image"),
    ("google", "gemini-3.1-flash-image-preview"),
    ("kilo", "google/gemini-3-pro-image-preview"),
    ("nearai", "black-forest-labs/FLUX.2-klein-4B"),
    ("digitalocean", "openai-gpt-image-1"),
    ("digitalocean", "fal-ai/flux/schnell"),
    ("nvidia", "black-forest-labs/flux.1-dev"),
    # cache read and cache write prices
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-haiku-4-5"),
    ("kilo", "mistralai/mistral-small-3.2-24b-instruct"),
    # free
    ("openrouter", "nousresearch/hermes-3-llama-3.1-405b:free"),
    # no cost at all
    ("google", "gemma-4-31b-it"),
)
MISTRAL_SMALL_32 = re.compile(r"mistral-small-3\.2|mistral-small-2506", re.IGNORECASE)

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

PROMPTS = (
    "Explain quantum computing in simple terms",
    "Write a Python function to sort a list",
    "Create a marketing email for a SaaS product",
    "Compare REST vs GraphQL APIs",
)
USE_CASES = (
    "AI chatbots and virtual assistants",
    "Code generation and developer tools",
    "Content writing and copywriting automation",
    "Data analysis, summarization, and extraction",
)
ENDPOINTS: tuple[tuple[str, str, str], ...] = (
    ("OpenAI Compatible", "/api/v1/chat/completions", "Endpoint"),
    ("Anthropic Compatible", "/api/v1/messages", "Messages"),
    ("Anthropic Compatible", "/api/v1/messages/count_tokens", "Count Tokens"),
    ("Anthropic Compatible", "/api/v1/models", "Models"),
)
PRICE_LABELS = {
    "input": "Input", "output": "Output", "cache_read": "Cache read",
    "cache_write": "Cache write", "image": "Per image", "call": "Per call",
}


# --------------------------------------------------------------------------- values


def slugify(text: str) -> str:
    """A model id as a path segment: `/` and anything outside [A-Za-z0-9._-] become `-`."""
    return UNSAFE.sub("-", text.replace("/", "-"))


def dec(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"not an exact number: {value!r}")


def money(amount: Decimal) -> str:
    """`$` and the exact amount with at least two decimals: $0.20, $0.075, $3.00."""
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def mean6(a: Decimal, b: Decimal) -> str:
    mean = ((a + b) / 2).quantize(Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP)
    return f"${mean}"


def long_date(iso: str) -> str:
    """2026-02-20 -> February 20, 2026; 2025-06 -> June 2025."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    return f"{MONTHS[parts[1] - 1]} {parts[0]}"


def parse_long_date(text: str) -> str | None:
    m = re.fullmatch(r"([A-Z][a-z]+) (\d{1,2}), (\d{4})", text)
    if not m or m.group(1) not in MONTHS:
        return None
    return f"{m.group(3)}-{MONTHS.index(m.group(1)) + 1:02d}-{int(m.group(2)):02d}"


def initials(name: str) -> str:
    words = name.split()
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return (name[:2] or "??").upper()


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- records


@dataclass
class Related:
    url: str  # the HTML model page, absolute (__ORIGIN__ or a foreign host)
    name: str
    provider_label: str
    provider_url: str
    license: str
    badge: str
    md_url: str


@dataclass
class Page:
    """Everything a model page states, whichever form (HTML, Markdown, llms.txt) shows it."""

    provider: str
    provider_name: str
    slug: str
    name: str
    author: str
    catalog: str
    license: str
    meta_description: str
    about: str
    price_rows: list[tuple[str, str]]  # (component, text) e.g. ("input", "$0.075 / 1M tokens")
    headline: str | None  # "$0.137500 / call"
    spec_price: str | None  # "$0.137500 per million tokens"
    added: str | None  # "February 20, 2026"
    added_iso: str | None
    release: str | None = None
    context: str | None = None
    modalities: tuple[str, str] | None = None
    features: list[str] = field(default_factory=list)
    endpoints: list[tuple[str, str, str]] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    note: str = ""  # short price note for llms.txt and listings
    family: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    model_id: str = ""

    @property
    def path(self) -> str:
        return f"/models/{self.provider}/{self.slug}"

    @property
    def page_url(self) -> str:
        return ORIGIN + self.path

    @property
    def md_url(self) -> str:
        return f"{ORIGIN}{self.path}.md"

    @property
    def llms_url(self) -> str:
        return f"{ORIGIN}{self.path}/llms.txt"

    @property
    def playground_url(self) -> str:
        return f"{ORIGIN}/playground/{self.provider}/{self.slug}"

    def as_related(self) -> Related:
        return Related(
            url=self.page_url, name=self.name, provider_label=self.provider_name,
            provider_url=f"{ORIGIN}/models/{self.provider}", license=self.license,
            badge=initials(self.name), md_url=self.md_url,
        )


# --------------------------------------------------------------------------- models.dev


def load_models_dev() -> dict[str, Any]:
    with MODELS_DEV.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f, parse_float=Decimal)
    return data


def select(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (provider, model id) pairs the mirror lists, in (provider, slug) order."""
    chosen: set[tuple[str, str]] = set()
    for pid in sorted(data):
        ids = sorted(data[pid]["models"])
        if len(ids) < MIN_PROVIDER_MODELS:
            continue
        k = min(PER_PROVIDER, len(ids))
        for i in range(k):
            chosen.add((pid, ids[(i * len(ids)) // k]))
    for pid in sorted(data):
        for mid in sorted(data[pid]["models"]):
            if MISTRAL_SMALL_32.search(mid):
                chosen.add((pid, mid))
    for key in (*MUST_INCLUDE, *PER_CALL):
        if key[1] not in data.get(key[0], {}).get("models", {}):
            raise SystemExit(f"{MODELS_DEV}: no model {key[1]!r} under provider {key[0]!r}")
        chosen.add(key)
    # drop ids whose slug would clash with another one (also case-insensitively)
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    out: list[tuple[str, str]] = []
    for pid, mid in sorted(chosen, key=lambda k: (k[0], slugify(k[1]), k[1])):
        slug = slugify(mid)
        key = (pid, slug.lower())
        if slug.startswith(".") or slug.endswith(".md") or key in seen:
            continue
        seen[key] = (pid, mid)
        out.append((pid, mid))
    return out


def author_of(mid: str, model: dict[str, Any], pid: str) -> str:
    if "/" in mid:
        author = mid.split("/", 1)[0].lower()
    elif model.get("family"):
        author = str(model["family"]).split("-", 1)[0].lower()
    else:
        author = pid
    return slugify(author)


def price_facts(
    pid: str, mid: str, model: dict[str, Any],
) -> tuple[list[tuple[str, str]], str | None, str | None, str]:
    """Price rows, headline, spec price and a short note for one models.dev offering."""
    cost = model.get("cost")
    if (pid, mid) in PER_CALL:
        per_call = money(PER_CALL[(pid, mid)])
        return ([("call", f"{per_call} / call")], f"{per_call} / call", f"{per_call} per call",
                f"{per_call} per call")
    if not cost:
        return [], None, None, "no listed price"
    if "image" in model["modalities"]["output"]:
        per_image = dec(cost["output"]) * TOKENS_PER_IMAGE / Decimal(1_000_000)
        text = "Free" if per_image == 0 else f"{money(per_image)} / image"
        note = "free" if per_image == 0 else f"{money(per_image)} per image"
        spec = f"{money(per_image)} per image" if per_image else None
        return [("image", text)], None, spec, note
    rows: list[tuple[str, str]] = []
    for comp in ("input", "output", "cache_read", "cache_write"):
        if comp in cost:
            amount = dec(cost[comp])
            rows.append((comp, "Free" if amount == 0 else f"{money(amount)} / 1M tokens"))
    inp, outp = dec(cost["input"]), dec(cost["output"])
    mean = mean6(inp, outp)
    if inp == 0 and outp == 0:
        note = "free"
    else:
        note = f"{money(inp)} input, {money(outp)} output per 1M tokens"
    return rows, f"{mean} / call", f"{mean} per million tokens", note


def features_of(model: dict[str, Any]) -> list[str]:
    ins, outs = model["modalities"]["input"], model["modalities"]["output"]
    feats: list[str] = []
    if "text" in outs:
        feats.append("Chat completion and multi-turn conversation API")
        feats.append("Streaming response with token-by-token output")
    if "image" in outs:
        feats.append("Image generation from text prompts")
    if model.get("tool_call"):
        feats.append("Function calling and tool use support")
    if model.get("structured_output"):
        feats.append("JSON mode and structured output")
    if model.get("reasoning"):
        feats.append("Step-by-step reasoning mode")
    if "image" in ins:
        feats.append("Image understanding (vision input)")
    if "pdf" in ins:
        feats.append("PDF document input")
    if "audio" in ins:
        feats.append("Audio input")
    if model.get("open_weights"):
        feats.append("Open weights")
    return feats or ["System prompts and role-based messaging"]


def about_of(name: str, author: str, provider_name: str, model: dict[str, Any]) -> str:
    family = model.get("family")
    lead = f"{name} is a {family} model" if family else f"{name} is a model"
    parts = [f"{lead} from {author}, served by {provider_name}."]
    limit = model.get("limit") or {}
    ctx, out = limit.get("context"), limit.get("output")
    if ctx and out:
        parts.append(f"It has a context window of {ctx:,} tokens and writes up to {out:,} "
                     "tokens per response.")
    elif ctx:
        parts.append(f"It has a context window of {ctx:,} tokens.")
    ins, outs = model["modalities"]["input"], model["modalities"]["output"]
    parts.append(f"It accepts {join_words(ins)} input and produces {join_words(outs)} output.")
    if model.get("release_date"):
        parts.append(f"Released {long_date(model['release_date'])}"
                     + (", with open weights." if model.get("open_weights") else "."))
    if model.get("knowledge"):
        parts.append(f"Knowledge cutoff: {long_date(model['knowledge'])}.")
    return " ".join(parts)


def build_pages(data: dict[str, Any]) -> list[Page]:
    rng = random.Random(SEED_RANDOM)
    pages: list[Page] = []
    for pid, mid in select(data):
        provider = data[pid]
        model = provider["models"][mid]
        slug = slugify(mid)
        author = author_of(mid, model, pid)
        name = str(model["name"])
        rows, headline, spec_price, note = price_facts(pid, mid, model)
        added_iso: str | None = str(model["last_updated"])
        omit = rng.randrange(OMIT_ADDED_ONE_IN) == 0
        if omit or added_iso is None or len(added_iso) != 10:
            added_iso = None
        ctx = (model.get("limit") or {}).get("context")
        license_ = "Open Source Model" if model.get("open_weights") else "Closed Source Model"
        desc = f"{name} from {author}, served by {provider['name']}"
        desc += f", with a {ctx:,}-token context window." if ctx else "."
        pages.append(Page(
            provider=pid, provider_name=str(provider["name"]), slug=slug, name=name,
            author=author, catalog=CATALOG, license=license_, meta_description=desc,
            about=about_of(name, author, str(provider["name"]), model),
            price_rows=rows, headline=headline, spec_price=spec_price,
            added=long_date(added_iso) if added_iso else None, added_iso=added_iso,
            release=long_date(model["release_date"]) if model.get("release_date") else None,
            context=f"{ctx:,} tokens" if ctx else None,
            modalities=(", ".join(model["modalities"]["input"]),
                        ", ".join(model["modalities"]["output"])),
            features=features_of(model),
            endpoints=[(a, ORIGIN + p, c) for a, p, c in ENDPOINTS],
            note=note, family=model.get("family"), raw=model, model_id=mid,
        ))
    return pages


# --------------------------------------------------------------------------- seed


def seed_page(text: str) -> Page:
    """The seed's facts, read from the seed file itself."""

    def find(pattern: str, flags: int = re.MULTILINE) -> re.Match[str]:
        m = re.search(pattern, text, flags)
        if not m:
            raise SystemExit(f"{SEED}: cannot find {pattern!r}")
        return m

    title = find(r"^title: (.+) \| Text Generation \| (.+)$")
    name, catalog = title.group(1), title.group(2)
    headline = find(r"^(\S+) (\S+) ((?:Closed|Open) Source Model) (\$[\d.]+ / call)$")
    slug, author, license_, headline_text = headline.groups()
    pricing = find(r"^Copy model ID\n(.+?)^API Endpoints", re.MULTILINE | re.DOTALL).group(1)
    rows = [
        (m.group(1).lower().replace(" ", "_"), m.group(2))
        for m in re.finditer(r"^(?:Pricing)?(Input|Output|Cache read|Cache write) (.+)$",
                             pricing, re.MULTILINE)
    ]
    specs = find(r"^Model ID(\S+)Category(.+?)Task(.+?)Price(.+?)Added(.+)$")
    if specs.group(1) != slug:
        raise SystemExit(f"{SEED}: model id {specs.group(1)!r} != headline slug {slug!r}")
    about = find(r"^About .+\n---\n\n(.+)$").group(1)
    features = re.findall(r"^- (.+)$", find(r"### Key Features\n\n((?:- .+\n)+)").group(1),
                          re.MULTILINE)
    endpoints: list[tuple[str, str, str]] = []
    api_block = find(r"API Endpoints(.+?)Use with Claude Code", re.DOTALL).group(1)
    group = ""
    for line in api_block.split("\n"):
        m = re.fullmatch(r"`([^`]+)`(.+)", line)
        if m:
            endpoints.append((group, m.group(1), m.group(2)))
        elif line.strip():
            group = line.strip()
    provider_name = find(r"\[More from ([^\]]+)\]").group(1)
    related: list[Related] = []
    for m in re.finditer(
        r"^\[([^\]]*|!\[[^\]]*\]\([^)]*\))\]\(([^)]+)\)\[([^\]]+)\]\(([^)]+)\)\n\n"
        r" \[([^\n]+)\n\n((?:Closed|Open) Source Model)\]\(([^)]+)\)$",
        text, re.MULTILINE,
    ):
        badge = m.group(1) if not m.group(1).startswith("![") else initials(m.group(5))
        related.append(Related(
            url=m.group(7), name=m.group(5), provider_label=m.group(3),
            provider_url=m.group(4), license=m.group(6), badge=badge,
            md_url=m.group(7) + ".md",
        ))
    if len(related) < RELATED_MIN:
        raise SystemExit(f"{SEED}: found only {len(related)} related models")
    added = specs.group(5)
    description = find(r"^description: (.+)$").group(1)
    return Page(
        provider=author, provider_name=provider_name, slug=slug, name=name, author=author,
        catalog=catalog, license=license_, meta_description=description, about=about,
        price_rows=rows, headline=headline_text, spec_price=specs.group(4),
        added=added, added_iso=parse_long_date(added), features=features,
        endpoints=endpoints, related=related,
        note=f"{rows[0][1].split(' /')[0]} input, {rows[1][1].split(' /')[0]} output "
             "per 1M tokens (the real catalog page)",
        model_id=slug,
    )


# --------------------------------------------------------------------------- related


def link_related(pages: list[Page], seed: Page) -> None:
    """Same family first, then same author, then same provider, then neighbours."""
    by_family: dict[str, list[int]] = {}
    by_author: dict[str, list[int]] = {}
    by_provider: dict[str, list[int]] = {}
    for i, p in enumerate(pages):
        if p.family:
            by_family.setdefault(p.family, []).append(i)
        by_author.setdefault(p.author, []).append(i)
        by_provider.setdefault(p.provider, []).append(i)
    n = len(pages)

    def after(i: int, group: list[int]) -> list[int]:
        # the group in cyclic order starting just after i, so links spread over the group
        later = [j for j in group if j > i]
        return later + [j for j in group if j < i]

    for i, p in enumerate(pages):
        picks: list[Related] = []
        if MISTRAL_SMALL_32.search(p.model_id):
            picks.append(seed.as_related())
        taken = {i}
        tiers = [
            after(i, by_family.get(p.family, [])) if p.family else [],
            after(i, by_author[p.author]),
            after(i, by_provider[p.provider]),
        ]
        for tier in tiers:
            for j in tier:
                if len(picks) >= RELATED_MAX:
                    break
                if j not in taken:
                    taken.add(j)
                    picks.append(pages[j].as_related())
        k = i
        while len(picks) < RELATED_MIN:
            k = (k + 1) % n
            if k not in taken:
                taken.add(k)
                picks.append(pages[k].as_related())
        p.related = picks


# --------------------------------------------------------------------------- Markdown


def render_markdown(p: Page) -> str:
    """A Markdown twin with the seed page's structure and labels."""
    headline = f"{p.slug} {p.author} {p.license}" + (f" {p.headline}" if p.headline else "")
    out: list[str] = [
        "---",
        f"title: {p.name} | Text Generation | {CATALOG}",
        f"description: {p.meta_description}",
        f"url: {p.md_url}",
        f"canonical: {p.md_url}",
        "type: product",
        "component: Playground/LLM/Index",
        f"generated_by: {GENERATOR}",
        f"generated_at: {GENERATED_AT}",
        "---",
        "",
        p.name,
        "---",
        "",
        f" [LLMs.txt]({p.llms_url}) [.md]({p.md_url})",
        "",
        headline,
        "",
        p.name,
        "---",
        "",
        "Choose a prompt below to get started or type your own message",
        "",
    ]
    for prompt in PROMPTS:
        out += [f" {prompt}", ""]
    out += ["Send", "", f"### {p.name}", "", f"{p.author} {p.slug}", "", "Copy model ID", ""]
    for k, (comp, text) in enumerate(p.price_rows):
        out += [("Pricing" if k == 0 else "") + f"{PRICE_LABELS[comp]} {text}", ""]
    group = ""
    for k, (label, url, kind) in enumerate(p.endpoints):
        if label != group:
            out += [("API Endpoints" if k == 0 else "") + label, ""]
            group = label
        out += [f"`{url}`{kind}", ""]
    out += [
        "Use with Claude Code", "", "cURL Example", "",
        "ParametersSystem MessageYou are a helpful AI assistant specialized in providing "
        "accurate and detailed responses.", "",
        "Temperature0.7", "", "Max Tokens1000", "", "Top P0.9", "",
        "Frequency Penalty0", "", "Presence Penalty0", "", "Model Info", "", "Support", "",
        "Related Models", "---", "",
        "Discover similar models you might be interested in", "",
        f" [View all LLM Models]({ORIGIN}/models)", "",
    ]
    for r in p.related:
        out += [
            f"[{r.badge}]({r.url})[{r.provider_label}]({r.provider_url})", "",
            f" [{r.name}", "", f"{r.license}]({r.url})", "",
        ]
    specs = f"Model ID{p.slug}CategoryLLM ModelsTaskText Generation"
    if p.spec_price:
        specs += f"Price{p.spec_price}"
    if p.added:
        specs += f"Added{p.added}"
    out += [f"About {p.name}", "---", "", p.about, "", "### Technical Specifications", "",
            specs, "", "### Key Features", ""]
    out += [f"- {f}" for f in p.features]
    out += [
        "", "### Quick Start", "",
        f"Integrate {p.name} into your application with a single API call. Get your API key "
        f"from the [pricing page]({ORIGIN}/pricing) to get started.", "",
        "PythonJavaScriptcURLPHP", "",
        "```",
        "<code>import requests",
        "import json",
        "",
        f'url = "{ORIGIN}/api/v1/chat/completions"',
        "",
        'headers = {"Content-Type": "application/json"}',
        "",
        "data = {",
        f'    "model_id": "{p.slug}",',
        '    "messages": [{"role": "user", "content": "Hello!"}],',
        '    "max_tokens": 1000,',
        '    "key": "YOUR_API_KEY"',
        "}",
        "",
        "response = requests.post(url, headers=headers, json=data)",
        "response.raise_for_status()",
        "print(json.dumps(response.json(), indent=2))</code>",
        "```",
        "",
        f"View the [full API documentation]({p.llms_url}) for SDKs, code examples in Python, "
        "JavaScript, and more.", "",
        "### Pricing", "",
        f"{cost_sentence(p, api=True)} Pay only for what you use with no minimum commitments. "
        f"[View pricing plans]({ORIGIN}/pricing)", "",
        "### Use Cases", "",
    ]
    out += [f"- {u}" for u in USE_CASES]
    out += [
        "",
        f"[Browse LLM Models]({ORIGIN}/models) [More from {p.author.capitalize()}]"
        f"({ORIGIN}/models/{p.provider}) [View Pricing]({ORIGIN}/pricing)", "",
        f"{p.name} FAQ", "---", "",
        f"### What is {p.name}?", "", p.about, "",
        f"### How do I use the {p.name} API?", "",
        f"You can integrate {p.name} into your application with a single API call. Sign up on "
        f'{CATALOG} to get your API key, then use the model ID "{p.slug}" in your API requests. '
        "We provide SDKs for Python, JavaScript, and cURL examples in the API documentation.",
        "",
        f"### How much does {p.name} cost?", "", cost_sentence(p, api=False), "",
        f"### What is the {p.name} model ID?", "",
        f'The model ID for {p.name} is "{p.slug}". Use this ID in your API requests to '
        "specify this model.", "",
        f"### Does {p.name} have a free tier?", "",
        (f"Yes, {p.name} is free to use on {CATALOG}." if p.note == "free" else
         f"{CATALOG} lists no free tier for {p.name}; check the pricing above."), "",
        "---", "",
        "*This markdown version is optimized for AI agents and LLMs.*", "",
        "**Links:**",
        f"- [Website]({ORIGIN}/)",
        f"- [API Documentation]({ORIGIN}/llms.txt)",
        f"- [Sitemap]({ORIGIN}/sitemap.xml)", "",
        "---",
        f"*Generated by {CATALOG} - {GENERATED_DAY}*",
    ]
    return "\n".join(out) + "\n"


def cost_sentence(p: Page, *, api: bool) -> str:
    subject = f"{p.name} API" if api else p.name
    if not p.price_rows:
        return f"Pricing for {subject} is not listed yet."
    if p.spec_price is None:  # free per-image model
        return f"{subject} is free to use."
    return f"{subject} costs {p.spec_price}."


# --------------------------------------------------------------------------- HTML


def html_head(title: str, description: str, canonical: str, catalog: str,
              extra: Iterable[str] = ()) -> list[str]:
    return [
        "<!DOCTYPE html>",
        f"<!-- generated by {GENERATOR} from data/sources; do not edit -->",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f'<meta name="description" content="{esc(description)}">',
        f'<meta property="og:site_name" content="{esc(catalog)}">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<link rel="canonical" href="{esc(canonical)}">',
        *extra,
        f'<link rel="stylesheet" href="{ORIGIN}/assets/catalog.css">',
        "</head>",
    ]


def site_header(catalog: str) -> list[str]:
    return [
        '<header class="site-header">',
        f'<a class="brand" href="/">{esc(catalog)}</a>',
        '<nav aria-label="Site"><a href="/models">Models</a> <a href="/pricing">Pricing</a> '
        '<a href="/llms.txt">llms.txt</a></nav>',
        "</header>",
    ]


def site_footer() -> list[str]:
    return [
        '<footer class="site-footer">',
        f"<p>Generated by <code>{GENERATOR}</code> from models.dev data. "
        '<a href="/sitemap.xml">Sitemap</a> · <a href="/llms.txt">llms.txt</a></p>',
        "</footer>",
    ]


def render_html(p: Page) -> str:
    title = f"{p.name} | Text Generation | {p.catalog}"
    out = html_head(title, p.meta_description, p.page_url, p.catalog, [
        '<meta property="og:type" content="product">',
        f'<meta property="og:url" content="{esc(p.page_url)}">',
        f'<link rel="alternate" type="text/markdown" href="{esc(p.md_url)}">',
        f'<link rel="alternate" type="text/plain" title="llms.txt" href="{esc(p.llms_url)}">',
    ])
    provider_href = f"/models/{p.provider}"
    out += ['<body data-layout="catalog">', *site_header(p.catalog)]
    out += [
        '<nav class="breadcrumb" aria-label="Breadcrumb"><ol>',
        '<li><a href="/models">Models</a></li>',
        f'<li><a href="{esc(provider_href)}">{esc(p.provider_name)}</a></li>',
        f'<li aria-current="page">{esc(p.name)}</li>',
        "</ol></nav>",
        f'<main id="model" data-page="model" data-provider="{esc(p.provider)}" '
        f'data-model-id="{esc(p.slug)}">',
        '<article class="model">',
        '<header class="model-header">',
        f'<h1 id="model-name">{esc(p.name)}</h1>',
        '<p class="model-meta">',
        f'<span class="label">Model ID</span> <code id="model-id">{esc(p.slug)}</code>',
        f'<span class="label">by</span> <span id="model-author">{esc(p.author)}</span>',
        f'<span class="label">on</span> <a id="model-provider" href="{esc(provider_href)}" '
        f'data-provider="{esc(p.provider)}">{esc(p.provider_name)}</a>',
        f'<span id="model-license" class="badge">{esc(p.license)}</span>',
    ]
    if p.headline:
        out.append(f'<span id="headline-price" class="headline-price">{esc(p.headline)}</span>')
    out += [
        "</p>",
        '<p class="model-docs">',
        f'<a id="md-link" rel="alternate" type="text/markdown" href="{esc(p.md_url)}">.md</a>',
        f'<a id="llms-link" href="{esc(p.llms_url)}">LLMs.txt</a>',
        f'<a id="playground-link" class="button" rel="nofollow" '
        f'href="{esc(p.playground_url)}">Try it in the playground</a>',
        "</p>",
        "</header>",
        '<section id="pricing" aria-labelledby="pricing-title">',
        '<h2 id="pricing-title">Pricing</h2>',
    ]
    if p.price_rows:
        out.append('<table class="pricing"><tbody>')
        for comp, text in p.price_rows:
            out.append(f'<tr data-price="{comp}"><th scope="row">{PRICE_LABELS[comp]}</th>'
                       f'<td class="amount">{esc(text)}</td></tr>')
        out.append("</tbody></table>")
    else:
        out.append('<p class="pricing-missing">No price is listed for this model.</p>')
    out += ["</section>", '<section id="about" aria-labelledby="about-title">',
            f'<h2 id="about-title">About {esc(p.name)}</h2>',
            f'<p id="model-description">{esc(p.about)}</p>', "</section>",
            '<section id="specs" aria-labelledby="specs-title">',
            '<h2 id="specs-title">Technical Specifications</h2>', '<dl class="specs">']
    specs: list[tuple[str, str, str | None]] = [
        ("model-id", "Model ID", p.slug),
        ("category", "Category", "LLM Models"),
        ("task", "Task", "Text Generation"),
        ("price", "Price", p.spec_price),
        ("added", "Added", p.added),
        ("context-length", "Context length", p.context),
    ]
    for key, label, value in specs:
        if value is not None:
            out.append(f'<div data-spec="{key}"><dt>{label}</dt><dd>{esc(value)}</dd></div>')
    if p.modalities is not None:
        out.append(
            '<div data-spec="modalities"><dt>Modalities</dt><dd>'
            f'<span data-direction="input">Input: {esc(p.modalities[0])}</span>; '
            f'<span data-direction="output">Output: {esc(p.modalities[1])}</span></dd></div>')
    if p.release is not None:
        out.append(f'<div data-spec="release-date"><dt>Release date</dt>'
                   f"<dd>{esc(p.release)}</dd></div>")
    out += ["</dl>", "</section>",
            '<section id="features" aria-labelledby="features-title">',
            '<h2 id="features-title">Key Features</h2>', '<ul class="features">']
    out += [f"<li>{esc(f)}</li>" for f in p.features]
    out += ["</ul>", "</section>",
            '<section id="endpoints" aria-labelledby="endpoints-title">',
            '<h2 id="endpoints-title">API Endpoints</h2>', '<ul class="endpoints">']
    for label, url, kind in p.endpoints:
        out.append(f'<li data-api="{esc(label)}"><span class="api">{esc(label)}</span> '
                   f'<span class="kind">{esc(kind)}</span> <code class="endpoint">{esc(url)}'
                   "</code></li>")
    out += ["</ul>", "</section>",
            '<section id="related" aria-labelledby="related-title">',
            '<h2 id="related-title">Related Models</h2>', '<ul class="related-models">']
    for r in p.related:
        href = r.url[len(ORIGIN):] if r.url.startswith(ORIGIN + "/") else r.url
        phref = (r.provider_url[len(ORIGIN):] if r.provider_url.startswith(ORIGIN + "/")
                 else r.provider_url)
        out.append(
            f'<li class="related-model"><span class="badge" aria-hidden="true">{esc(r.badge)}'
            f'</span> <a class="related-link" href="{esc(href)}">{esc(r.name)}</a> '
            f'<a class="related-provider" href="{esc(phref)}">{esc(r.provider_label)}</a> '
            f'<span class="related-license">{esc(r.license)}</span></li>')
    out += ["</ul>", "</section>", "</article>", "</main>", *site_footer(), "</body>",
            "</html>"]
    return "\n".join(out) + "\n"


def render_listing(provider: str, provider_name: str, pages: list[Page]) -> str:
    title = f"{provider_name} models | {CATALOG}"
    desc = f"{len(pages)} models served by {provider_name} in the {CATALOG}."
    out = html_head(title, desc, f"{ORIGIN}/models/{provider}", CATALOG)
    out += ['<body data-layout="catalog">', *site_header(CATALOG),
            '<nav class="breadcrumb" aria-label="Breadcrumb"><ol>',
            '<li><a href="/models">Models</a></li>',
            f'<li aria-current="page">{esc(provider_name)}</li>', "</ol></nav>",
            f'<main id="provider" data-page="provider" data-provider="{esc(provider)}">',
            f"<h1>{esc(provider_name)}</h1>", f"<p>{esc(desc)}</p>",
            '<ul class="model-list">']
    for p in pages:
        out.append(f'<li class="model-item" data-model-id="{esc(p.slug)}">'
                   f'<a href="{esc(p.path)}">{esc(p.name)}</a> '
                   f'<span class="note">{esc(p.note)}</span></li>')
    out += ["</ul>", "</main>", *site_footer(), "</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_index(title: str, path: str, page_kind: str, intro: str,
                 providers: list[tuple[str, str, int]]) -> str:
    out = html_head(f"{title} | {CATALOG}", intro, ORIGIN + path, CATALOG)
    out += ['<body data-layout="catalog">', *site_header(CATALOG),
            f'<main id="{page_kind}" data-page="{page_kind}">', f"<h1>{esc(title)}</h1>",
            f"<p>{esc(intro)}</p>", '<ul class="provider-list">']
    for pid, pname, count in providers:
        out.append(f'<li data-provider="{esc(pid)}"><a href="/models/{esc(pid)}">'
                   f"{esc(pname)}</a> <span class=\"count\">{count} models</span></li>")
    out += ["</ul>", "</main>", *site_footer(), "</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_pricing_page() -> str:
    intro = ("Every model page lists its own prices: per 1M input and output tokens, cache "
             "reads and writes where offered, and per image or per call for the models "
             "priced that way.")
    out = html_head(f"Pricing | {CATALOG}", intro, f"{ORIGIN}/pricing", CATALOG)
    out += ['<body data-layout="catalog">', *site_header(CATALOG),
            '<main id="pricing-info" data-page="info">', "<h1>Pricing</h1>",
            f"<p>{esc(intro)}</p>", '<p><a href="/models">Browse all models</a></p>',
            "</main>", *site_footer(), "</body>", "</html>"]
    return "\n".join(out) + "\n"


CSS = """\
/* generated by scripts/make_snapshot.py */
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }
.site-header, .site-footer { display: flex; gap: 1rem; justify-content: space-between; }
.breadcrumb ol { display: flex; gap: .5rem; list-style: none; padding: 0; }
.breadcrumb li + li::before { content: "/"; margin-right: .5rem; }
.model-meta, .model-docs { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.label { color: #666; }
.badge { border: 1px solid #ccc; border-radius: .3rem; padding: 0 .3rem; }
.headline-price { font-weight: bold; }
.button { background: #124; color: #fff; border-radius: .3rem; padding: .2rem .6rem; }
table.pricing th { text-align: left; padding-right: 2rem; }
dl.specs div { display: flex; gap: 1rem; }
dl.specs dt { min-width: 10rem; font-weight: bold; }
dl.specs dd { margin: 0; }
.related-models li { margin: .2rem 0; }
"""


# --------------------------------------------------------------------------- text files


def render_model_llms(p: Page) -> str:
    price = p.note if p.price_rows else "no listed price"
    out = [
        f"# {p.name}", "",
        f"> {p.name} (model ID `{p.slug}`) by {p.author}, served by {p.provider_name} "
        f"in the {p.catalog} catalog: {price}.", "",
        "## Docs", "",
        f"- [{p.name}]({p.page_url}): HTML model page",
        f"- [{p.name} (Markdown)]({p.md_url}): the same page as Markdown", "",
        "## Optional", "",
    ]
    out += [f"- [{r.name}]({r.md_url}): {r.provider_label}" for r in p.related]
    return "\n".join(out) + "\n"


def provider_titles(groups: dict[str, list[Page]]) -> dict[str, str]:
    names = {pid: ps[0].provider_name for pid, ps in groups.items()}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {pid: (n if counts[n] == 1 else f"{n} ({pid})") for pid, n in names.items()}


def render_site_llms(groups: dict[str, list[Page]], total: int) -> str:
    titles = provider_titles(groups)
    out = [
        f"# {CATALOG}", "",
        f"> A static AI model catalog: {total} model offerings from {len(groups)} providers, "
        "each with an HTML page, a Markdown twin and an llms.txt. Prices are USD; token "
        f"prices are per 1M tokens. Generated by {GENERATOR} from models.dev data.", "",
    ]
    for pid, ps in groups.items():
        out += [f"## {titles[pid]}", ""]
        out += [f"- [{p.name}]({p.md_url}): {p.note}" for p in ps]
        out.append("")
    out += [
        "## Optional", "",
        f"- [Sitemap]({ORIGIN}/sitemap.xml): every HTML model page",
        f"- [All providers]({ORIGIN}/models): provider listings",
        f"- [About this mirror]({ORIGIN}/GENERATED.md): how the catalog was generated",
        f"- [models.dev catalog]({ORIGIN}/{MODELS_DEV_PATH}): every provider's models and "
        "prices as models.dev publishes them (`api.json`)", "",
        f"Generated by {GENERATOR}; do not edit.",
    ]
    return "\n".join(out) + "\n"


def render_sitemaps(pages: list[Page]) -> tuple[str, str]:
    note = f"<!-- generated by {GENERATOR} -->"
    index = "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>', note,
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        f"  <sitemap><loc>{ORIGIN}/sitemaps/models.xml</loc></sitemap>",
        "</sitemapindex>",
    ]) + "\n"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', note,
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for p in pages:
        lastmod = f"<lastmod>{p.added_iso}</lastmod>" if p.added_iso else ""
        lines.append(f"  <url><loc>{esc(p.page_url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return index, "\n".join(lines) + "\n"


ROBOTS = f"""\
# generated by {GENERATOR}
User-agent: *
Disallow: /playground/

Sitemap: {ORIGIN}/sitemap.xml
"""


def render_generated_md(pages: list[Page], groups: dict[str, list[Page]],
                        kinds: dict[str, list[Page]], file_count: int) -> str:
    per_call = "\n".join(f"| `{pid}` | `{mid}` | {money(amount)} / call |"
                         for (pid, mid), amount in sorted(PER_CALL.items()))
    examples = "\n".join(
        f"- {kind}: " + ", ".join(f"`{p.path}`" for p in ps[:3]) for kind, ps in kinds.items())
    return f"""\
# data/snapshot: a generated catalog mirror

Generated by `{GENERATOR}`; do not edit by hand. Regenerate with

    .venv/bin/python {GENERATOR}

and check that the committed copy is current with

    .venv/bin/python {GENERATOR} --check

## What it is

A static website in the format of a real AI model catalog: {len(pages)} model offerings
from {len(groups)} providers, {file_count} files.

- `models/<provider>/<slug>/index.html` (served at `/models/<provider>/<slug>`): the HTML
  model page; `models/<provider>/<slug>.md`: its Markdown twin; and
  `models/<provider>/<slug>/llms.txt`: its llms.txt. `<provider>` is the models.dev provider
  id and `<slug>` the model id with `/` (and anything outside `[A-Za-z0-9._-]`) as `-`.
- `models/<provider>/index.html`, `models/index.html`, `index.html`: listings.
- `robots.txt` (disallows `/playground/`), `sitemap.xml` -> `sitemaps/models.xml`,
  `llms.txt` (llmstxt.org format).
- `{MODELS_DEV_PATH}`: `data/sources/models-dev-api.json` verbatim, linked from `llms.txt`.

Model pages render real data from `data/sources/models-dev-api.json` (models.dev): names,
families, token prices (USD per 1M tokens, exact decimals), context limits, modalities,
release dates. The date a page says the model was "Added" is the model's `last_updated`;
some pages omit it (month-only dates, and about one page in {OMIT_ADDED_ONE_IN} chosen with a
fixed-seed random generator). The Markdown twins follow the structure and labels of the
real page, including its quirk of a headline "$X / call" that is the mean of the input
and output prices per 1M tokens.

`models/mistralai/mistralai-mistral-small-3.2-24b-instruct.md` is the real ModelsLab page
`data/sources/seed/modelslab-mistral-small-3.2-24b-instruct.md`, byte for byte (its links
still point at the real ModelsLab host). Its HTML page and llms.txt are generated from the
facts it states, and its HTML page says `og:site_name` ModelsLab.

## Synthetic prices

models.dev has no per-image or per-call prices. To exercise those code paths:

- Per image: a model whose output modalities include `image` is priced per image
  instead of per token, at its output price per 1M tokens x {TOKENS_PER_IMAGE} / 1,000,000
  ({TOKENS_PER_IMAGE} output tokens per image, as Google prices Gemini image output).
- Per call: these models are priced per call instead of per token:

| provider | model | price |
|---|---|---|
{per_call}

## Examples

{examples}

## `__ORIGIN__`

Every absolute URL to the mirror itself is written as `__ORIGIN__/path`. The demo server
replaces the literal `__ORIGIN__` with its own origin (`http://127.0.0.1:PORT`) in every
text response. HTML pages also use root-relative links (`/models/...`).
"""


# --------------------------------------------------------------------------- build


def kinds_of(pages: list[Page]) -> dict[str, list[Page]]:
    kinds: dict[str, list[Page]] = {
        "free": [], "missing price": [], "per image": [], "per call": [], "cache prices": [],
    }
    for p in pages:
        comps = [c for c, _ in p.price_rows]
        if not comps:
            kinds["missing price"].append(p)
        elif comps == ["call"]:
            kinds["per call"].append(p)
        elif comps == ["image"]:
            kinds["per image"].append(p)
        elif all(t == "Free" for _, t in p.price_rows):
            kinds["free"].append(p)
        if "cache_read" in comps and "cache_write" in comps and p.note != "free":
            kinds["cache prices"].append(p)
    return kinds


def build() -> dict[str, bytes]:
    """Every file of the snapshot, by relative path."""
    data = load_models_dev()
    seed_bytes = SEED.read_bytes()
    seed = seed_page(seed_bytes.decode("utf-8"))
    pages = build_pages(data)
    link_related(pages, seed)
    all_pages = sorted([*pages, seed], key=lambda p: (p.provider, p.slug))
    groups: dict[str, list[Page]] = {}
    for p in all_pages:
        groups.setdefault(p.provider, []).append(p)
    kinds = kinds_of(pages)
    for kind, ps in kinds.items():
        if not ps:
            raise SystemExit(f"selection has no {kind} model")

    files: dict[str, str | bytes] = {}
    for p in all_pages:
        base = f"models/{p.provider}/{p.slug}"
        files[f"{base}/index.html"] = render_html(p)
        files[f"{base}/llms.txt"] = render_model_llms(p)
        files[f"{base}.md"] = seed_bytes if p is seed else render_markdown(p)
    titles = provider_titles(groups)
    for pid, ps in groups.items():
        files[f"models/{pid}/index.html"] = render_listing(pid, titles[pid], ps)
    listing = [(pid, titles[pid], len(ps)) for pid, ps in groups.items()]
    intro = f"{len(all_pages)} model offerings from {len(groups)} providers."
    files["models/index.html"] = render_index("All providers", "/models", "providers", intro,
                                              listing)
    files["index.html"] = render_index(CATALOG, "/", "home", intro, listing)
    files["pricing/index.html"] = render_pricing_page()
    files["assets/catalog.css"] = CSS
    files["robots.txt"] = ROBOTS
    files["sitemap.xml"], files["sitemaps/models.xml"] = render_sitemaps(all_pages)
    files["llms.txt"] = render_site_llms(groups, len(all_pages))
    files[MODELS_DEV_PATH] = MODELS_DEV.read_bytes()  # served verbatim, like the seed page
    files["GENERATED.md"] = render_generated_md(all_pages, groups, kinds, len(files) + 1)
    return {path: (v if isinstance(v, bytes) else v.encode("utf-8"))
            for path, v in sorted(files.items())}


def write_tree(files: dict[str, bytes], out: Path) -> None:
    for rel, content in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def read_tree(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    out = []
    for rel in sorted(set(expected) | set(actual)):
        if rel not in actual:
            out.append(f"missing: {rel}")
        elif rel not in expected:
            out.append(f"extra: {rel}")
        elif expected[rel] != actual[rel]:
            out.append(f"differs: {rel}")
    return out


def replace_dir(files: dict[str, bytes], out: Path) -> None:
    if out.exists() and any(out.iterdir()) and not (out / "GENERATED.md").is_file():
        raise SystemExit(f"{out}: not empty and not a snapshot (no GENERATED.md); "
                         "refusing to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=out.parent))
    try:
        write_tree(files, tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="directory to write (replaced wholly); default data/snapshot")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 listing the files that differ from --out")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        problems = diff(files, read_tree(args.out))
        for line in problems:
            print(line)
        if problems:
            print(f"{args.out} is stale: run .venv/bin/python {GENERATOR}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({len(files)} files)")
        return 0
    replace_dir(files, args.out)
    size = sum(len(v) for v in files.values())
    print(f"wrote {len(files)} files, {size / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
