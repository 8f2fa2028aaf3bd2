"""The lenient llms.txt parser: the llmstxt.org format as real files write it.

Differential: on every file the reference parser (PyPI `llms-txt`, `parse_llms_file`)
reads without crashing, both parsers agree on title, summary, info, section names and each
link's title, URL and notes; where it crashes or mis-reads, the cases below pin what this
parser keeps instead.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from llms_txt import parse_llms_file

from catalog.extract.dispatch import extract_page
from catalog.extract.llms_txt import LlmsTxt, extract_llms_txt, parse_llms_txt

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "llms"
SNAPSHOT = ROOT / "data" / "snapshot"
BASE = "https://site.example/llms.txt"


def _real_files() -> list[Path]:
    mirror = sorted(SNAPSHOT.glob("models/*/*/llms.txt"))
    return [*sorted(FIXTURES.glob("*.txt")), SNAPSHOT / "llms.txt", *mirror[::15]]


def differences(ref: Any, ours: LlmsTxt) -> list[str]:
    """Where the two parsers disagree, after the one reference mis-read we accept: with
    nothing after the summary, the reference reads the summary as info."""
    summary, info = ref.summary, ref.info
    if summary is None and info.startswith(">") and "\n" not in info.strip():
        summary, info = info[1:].strip(), ""
    out = []
    if (ref.title, summary or "", info) != (ours.title, ours.summary, ours.info):
        out.append(f"head: {(ref.title, summary, info)!r} vs "
                   f"{(ours.title, ours.summary, ours.info)!r}")
    if list(ref.sections) != list(ours.sections):
        out.append(f"sections: {list(ref.sections)} vs {list(ours.sections)}")
    for name, links in ref.sections.items():
        theirs = [(link["title"], link["url"], link["desc"]) for link in links]
        mine = [(link.title, link.href, link.notes if (
            link.notes or theirs[k][2] is not None) else None)
                for k, link in enumerate(ours.sections.get(name, [])) if k < len(theirs)]
        if theirs != mine or len(links) != len(ours.sections.get(name, [])):
            out.append(f"{name}: {theirs} vs {mine}")
    return out


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_differential_against_the_reference_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("__ORIGIN__", "http://127.0.0.1:8000")
    ours = parse_llms_txt(text, BASE)
    try:
        ref = parse_llms_file(text)
    except (AttributeError, TypeError):
        # the reference crashes (a prose bullet, a title with "]", no summary or info ...):
        # this parser still reads the file
        assert ours.title and (ours.links or not ours.section_list)
        return
    assert differences(ref, ours) == []


def test_crashes_of_the_reference_are_read() -> None:
    crashing = ["docs-platform.txt", "h1-only.txt", "messy-cms.txt"]
    for name in crashing:
        with pytest.raises((AttributeError, TypeError)):
            parse_llms_file((FIXTURES / name).read_text(encoding="utf-8"))
    doc = parse_llms_txt((FIXTURES / "docs-platform.txt").read_text(), BASE)
    assert doc.title == "Nimbus Inference API" and doc.summary == ""
    assert list(doc.sections) == ["Docs", "Models", "Guides", "Optional"]
    assert len(doc.links) == 15
    assert parse_llms_txt("# Just a title").title == "Just a title"


def test_messy_file() -> None:
    doc = parse_llms_txt((FIXTURES / "messy-cms.txt").read_text(), "https://brightline.example/llms.txt")
    assert doc.title == "Brightline Docs [beta]"
    # a multi-line blockquote is one summary
    assert doc.summary == ("Brightline turns support tickets into searchable knowledge. It "
                           "plugs into Zendesk, Intercom and plain email inboxes, and answers "
                           "questions with links to the tickets it learned from.")
    # links before any H2 are kept; the `## ` line inside the fenced code is not a section
    assert [link.title for link in doc.preamble] == ["Home", "Pricing"]
    # duplicate H2 names are merged; `###` groups links inside its H2
    assert list(doc.sections) == ["Getting started", "API"]
    started = doc.sections["Getting started"]
    assert [(link.title, link.group) for link in started] == [
        ("Connect an inbox", ""), ("First answers", ""), ("Invite your team", ""),
        ("Zendesk", "Integrations"), ("Slack (beta)", "Integrations"),
        ("FLUX [schnell] image captions", "Integrations"), ("Glossary", ""),
        ("Nested docs for the SDK", "")]
    # `*`, `+` and numbered bullets; notes after ":" or " - "
    assert [link.notes for link in started[:3]] == [
        "Zendesk, Intercom or IMAP", "what to expect on day one", "roles and seats"]
    # a URL with parentheses, a title with brackets, relative URLs resolved
    assert started[4].url == "https://brightline.example/docs/integrations/slack_(beta).md"
    assert started[6].url == "https://brightline.example/docs/glossary.md"
    # a prose bullet is the section's prose, not a link and not an error
    assert doc.section_list[0].prose == ["Sign up first; the free plan covers 500 tickets a month."]
    # nested llms.txt files are listed for the crawler
    assert doc.nested == ["https://brightline.example/sdk/llms.txt"]
    assert [link.title for link in doc.sections["API"]] == ["REST API"]


def test_h3_sections_in_a_file_without_h2() -> None:
    doc = parse_llms_txt("# T\n\n### A\n\n- [a](/a)\n\n### B\n\n- [b](/b)\n", BASE)
    assert {k: [x.url for x in v] for k, v in doc.sections.items()} == {
        "A": ["https://site.example/a"], "B": ["https://site.example/b"]}


def test_links_before_h2() -> None:
    doc = parse_llms_txt((FIXTURES / "links-before-h2.txt").read_text(), BASE)
    assert [link.title for link in doc.preamble] == [
        "dashboard guide", "script reference", "Self-hosting"]
    assert doc.preamble[2].notes == "run your own instance"
    assert [link.title for link in doc.sections["Docs"]] == ["Events"]


def test_extract_lists_links_and_nested_files() -> None:
    text = (FIXTURES / "model-catalog.txt").read_text()
    out = extract_page("https://index.example/llms.txt", "text/plain", text.encode())
    assert out.offerings == [] and out.findings == []
    assert "https://index.example/providers/groq/llms.txt" in out.links
    assert parse_llms_txt(text, "https://index.example/llms.txt").nested == [
        f"https://index.example/providers/{p}/llms.txt"
        for p in ("together", "fireworks", "groq", "deepinfra")] + [
        "https://index.example/llms-full.txt"]


@pytest.mark.parametrize("text", ["", "no heading at all", "## Only a section\n- [a](b)",
                                  "# T\n# Another H1\n", "\x00\x01", "- [x](http://[::1)"])
def test_odd_files_become_findings(text: str) -> None:
    out = extract_llms_txt(BASE, text)
    assert out.offerings == []
    if not text.startswith("# "):
        assert ("title", "missing") in [(f.field, f.kind) for f in out.findings]


# -- long files, parsed part by part ------------------------------------------------

#: Lines that make parsing a file part by part go wrong if a part starts in the wrong
#: place: code fences, block quotes, lists, setext underlines, HTML, link definitions.
_TRICKY_LINES = [
    "", "", "", "# Title", "## Section", "### Group", "#not a heading", "## ", "Prose text",
    "- [A](/a): notes", "* [B](/b)", "+ [C](https://c.example/c) - more",
    "- [D](/d)", "  - [nested](/n)", "    - [indented](/i)", "- plain bullet", "- - -",
    "---", "===", "> quoted", "> - [Q](/q)", ">", "```", "````", "```py", "~~~", "~~~ x",
    "  ```", "    code", "\tcode", "1. [one](/1)", "2) [two](/2)", "<div>", "</div>",
    "<!-- comment", "-->", "[ref]: /ref", "- [R][ref]", "text [S](/s) inline",
    "- [T](/t", "continued)", "- [U](</u v>)", "\\- [V](/v)",
]


#: Of those, the lines after which a file is read whole (see `llms_txt._parts`).
_SPANNING_LINES = ["  ```", "<div>", "</div>", "<!-- comment", "[ref]: /ref"]


def _tricky_file(rng: Any, lines: int, spanning: bool) -> str:
    vocabulary = [line for line in _TRICKY_LINES if spanning or line not in _SPANNING_LINES]
    return "\n".join(rng.choice(vocabulary) for _ in range(lines)) + rng.choice(["", "\n"])


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_file_read_in_parts_reads_as_the_whole(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    whole = parse_llms_txt(text, BASE, part_lines=10**9)
    for size in (1, 2, 5):
        assert parse_llms_txt(text, BASE, part_lines=size) == whole


def test_random_files_read_in_parts_read_as_the_whole() -> None:
    import random

    from catalog.extract.llms_txt import _parts

    rng = random.Random(8)
    split = 0
    for n in range(600):
        text = _tricky_file(rng, rng.randrange(5, 60), spanning=n % 3 == 0)
        split += len(_parts(text, text.split("\n"), 3)) > 1
        whole = parse_llms_txt(text, BASE, part_lines=10**9)
        for size in (1, 3):
            assert parse_llms_txt(text, BASE, part_lines=size) == whole, text
    assert split > 200  # many files were cut into parts, not read whole


def test_a_long_file_is_cut_only_where_a_block_begins() -> None:
    from catalog.extract.llms_txt import _parts

    text = ("# T\n\n## S\n\n" + "".join(f"- [M{n}](/m{n})\n" for n in range(10))
            + "```\n- [code](/c)\n## code\n```\n- [after](/a)\n")
    lines = text.split("\n")
    runs = _parts(text, lines, 3)
    assert len(runs) > 3 and runs[0][0] == 0 and runs[-1][1] == len(lines)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(runs))
    starts = [lines[start] for start, _ in runs[1:]]
    assert all(s.startswith(("- [", "#")) for s in starts)
    assert "- [code](/c)" not in starts and "## code" not in starts
    doc = parse_llms_txt(text, BASE, part_lines=3)
    assert [link.title for link in doc.links][-2:] == ["M9", "after"]
    # a link definition serves the whole file: such a file is read whole
    defined = text + "- [R][r]\n\n[r]: /r\n"
    assert _parts(defined, defined.split("\n"), 3) == [(0, len(defined.split("\n")))]
    assert parse_llms_txt(defined, BASE, part_lines=3).links[-1].url == \
        "https://site.example/r"
