"""The `catalog` command line: exit codes, messages, and that the README documents it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from tests.support import CrawledMirror

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command: str) -> None:
    assert re.search(rf"`catalog {command}\b", README), f"README does not document {command}"


def test_export_json_and_csv(crawled_mirror: CrawledMirror, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "pricing.json"
    result = runner.invoke(cli, ["export", "--db", str(crawled_mirror.db_path), "--format",
                                 "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 1 and doc["generated_at"]
    result = runner.invoke(cli, ["export", "--db", str(crawled_mirror.db_path), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("url,source_model_id,model_id,name,")
    assert len(result.output.splitlines()) == len(doc["offerings"]) + 1


@pytest.mark.parametrize(("args", "message"), [
    (["crawl", "not-a-url", "--db", "{tmp}/x.db"], "is not an http(s) URL"),
    (["build", "--db", "{tmp}/missing.db", "--out", "{tmp}/site"], "does not exist"),
    (["export", "--db", "{tmp}/missing.db"], "does not exist"),
    (["serve", "{tmp}/nothing"], "index.html not found"),
])
def test_input_errors_exit_2_with_the_fix(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert message in result.output


def test_diff_needs_two_complete_runs(crawled_mirror: CrawledMirror) -> None:
    result = CliRunner().invoke(cli, ["diff", "--db", str(crawled_mirror.db_path)])
    assert result.exit_code == 2
    assert "diff needs two" in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(cli, ["export", "--format", "xml"]).exit_code == 2


def test_demo_end_to_end(tmp_path: Path) -> None:
    """`python -m catalog demo`, as `make demo` runs it: serve, crawl, build, summary."""
    out, db = tmp_path / "site", tmp_path / "demo.db"
    proc = subprocess.run([sys.executable, "-m", "catalog", "demo", "--out", str(out),
                           "--db", str(db)], capture_output=True, text=True, timeout=240,
                          env={"CI": "1", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    summary = proc.stdout
    assert re.search(r"demo done in [\d.]+ s .*: \d+ pages fetched, \d+ models, \d+ offerings, "
                     r"\d+ providers, \d+ findings", summary)
    assert "preview it: catalog serve" in summary
    models = {p.stem for p in (out / "models").glob("*.html")}
    assert models and models == {p.stem for p in (out / "models").glob("*.md")}
    assert (out / "llms.txt").read_text().startswith("# ")
    assert (out / "index.html").is_file() and (out / "sitemap.xml").is_file()
