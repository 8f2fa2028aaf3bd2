"""Every extractor on truncated, binary and random pages: records or findings, never a raise.

Each extractor is fed (a) real pages of its format cut at random points and spliced with
random bytes, (b) random bytes decoded as the pipeline decodes them, and (c) arbitrary
text; and `extract_page` is fed the same under every content type it dispatches on. The
records that come out are normalised too: normalisation must not raise either.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.extract.catalog_html import extract_catalog_html
from catalog.extract.dispatch import decode_body, extract_page
from catalog.extract.generic_html import extract_generic_html
from catalog.extract.llms_txt import extract_llms_txt
from catalog.extract.openrouter import extract_openrouter
from catalog.extract.records import Extracted
from catalog.extract.seed_markdown import extract_seed_markdown
from catalog.normalise.offerings import normalise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SNAPSHOT = ROOT / "data" / "snapshot"
SEED = "models/anthropic/claude-sonnet-4-5"

Extractor = Callable[[str, str], Extracted]
SAMPLES: dict[str, tuple[Extractor, str, str]] = {
    # name: (extractor, URL, a real page of its format)
    "catalog_html": (extract_catalog_html, f"http://127.0.0.1/{SEED}",
                     (SNAPSHOT / SEED / "index.html").read_text(encoding="utf-8")),
    "seed_markdown": (extract_seed_markdown, f"http://127.0.0.1/{SEED}.md",
                      (SNAPSHOT / f"{SEED}.md").read_text(encoding="utf-8")),
    "llms_txt": (extract_llms_txt, "http://127.0.0.1/llms.txt",
                 (FIXTURES / "llms" / "messy-cms.txt").read_text(encoding="utf-8")),
    "openrouter": (extract_openrouter, "https://openrouter.ai/api/v1/models",
                   (FIXTURES / "openrouter" / "special.json").read_text(encoding="utf-8")),
    "generic_jsonld": (extract_generic_html, "https://x.test/m",
                       (FIXTURES / "generic" / "jsonld" / "01.html").read_text(encoding="utf-8")),
    "generic_cards": (extract_generic_html, "https://x.test/m",
                      (FIXTURES / "generic" / "cards" / "01.html").read_text(encoding="utf-8")),
}
CONTENT_TYPES = [("https://x.test/models/a/b", "text/html; charset=utf-8"),
                 ("https://x.test/models/a/b.md", "text/markdown"),
                 ("https://x.test/llms.txt", "text/plain"),
                 ("https://openrouter.ai/api/v1/models", "application/json"),
                 ("https://x.test/sitemap.xml", "application/xml"),
                 ("https://x.test/a", None)]
FAST = settings(max_examples=75, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(out: Extracted, url: str) -> None:
    assert isinstance(out, Extracted)
    for rec in out.offerings:
        assert rec.url == url
    normalise(out.offerings, out.findings)  # normalisation must not raise either


@FAST
@given(st.sampled_from(sorted(SAMPLES)), st.floats(min_value=0, max_value=1),
       st.binary(max_size=300), st.floats(min_value=0, max_value=1))
def test_truncated_and_spliced_pages(name: str, cut: float, junk: bytes, at: float) -> None:
    extractor, url, text = SAMPLES[name]
    head = text[: int(len(text) * cut)]
    k = int(len(head) * at)
    page = head[:k] + junk.decode("utf-8", errors="replace") + head[k:]
    check(extractor(url, page), url)


@FAST
@given(st.sampled_from(sorted(SAMPLES)), st.binary(max_size=2000))
def test_binary_pages(name: str, blob: bytes) -> None:
    extractor, url, _ = SAMPLES[name]
    check(extractor(url, decode_body(blob, "text/html; charset=latin-1")), url)
    check(extractor(url, blob.decode("utf-8", errors="replace")), url)


@FAST
@given(st.sampled_from(sorted(SAMPLES)), st.text(max_size=1500))
def test_random_text(name: str, text: str) -> None:
    extractor, url, _ = SAMPLES[name]
    check(extractor(url, text), url)


@FAST
@given(st.sampled_from(CONTENT_TYPES), st.sampled_from(sorted(SAMPLES)),
       st.floats(min_value=0, max_value=1), st.binary(max_size=200))
def test_dispatch_never_raises(target: tuple[str, str | None], name: str, cut: float,
                               junk: bytes) -> None:
    url, ctype = target
    text = SAMPLES[name][2]
    body = text[: int(len(text) * cut)].encode() + junk
    check(extract_page(url, ctype, body), url)


@FAST
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20)
                    | st.decimals(allow_nan=False, allow_infinity=False).map(str),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(
                        ["data", "id", "name", "pricing", "prompt", "completion", "overrides",
                         "min_prompt_tokens", "created", "context_length", "architecture",
                         "input_modalities", "request", "image"]), inner, max_size=5),
                    max_leaves=25))
def test_openrouter_shaped_junk(doc: object) -> None:
    import json
    text = json.dumps({"data": doc if isinstance(doc, list) else [doc]})
    check(extract_openrouter("https://openrouter.ai/api/v1/models", text),
          "https://openrouter.ai/api/v1/models")
