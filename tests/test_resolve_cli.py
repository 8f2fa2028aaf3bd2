"""`catalog resolve`: JSON lines in, the same lines with their canonical model out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from catalog.cli import cli
from tests.support import CrawledMirror


def run(lines: list[dict[str, object]] | str, *args: str) -> tuple[int, list[dict[str, object]],
                                                                    str]:
    text = lines if isinstance(lines, str) else "".join(json.dumps(x) + "\n" for x in lines)
    result = CliRunner().invoke(cli, ["resolve", *args], input=text)
    out = [json.loads(line) for line in result.stdout.splitlines()] if result.exit_code == 0 else []
    return result.exit_code, out, result.output


def test_lines_come_back_in_order_with_model_rule_and_confidence() -> None:
    code, out, _ = run([
        {"provider": "openrouter", "provider_model_id": "openai/gpt-5.4-mini", "name": None},
        {"provider": "azure", "provider_model_id": "gpt-5.4", "name": "GPT-5.4", "extra": 1},
        {"provider": "venice", "provider_model_id": "openai-gpt-54", "name": None},
    ])
    assert code == 0
    assert [o["model_id"] for o in out] == ["openai/gpt-5.4-mini", "openai/gpt-5.4",
                                            "openai/gpt-5.4"]
    assert [o["rule"] for o in out] == ["exact", "exact", "dotless_version"]
    assert out[1]["extra"] == 1 and out[1]["confidence"] == 1.0
    assert out[2]["evidence"][0] == "dotless_version: 54 gpt"


def test_blank_lines_are_skipped_and_name_may_be_missing() -> None:
    code, out, _ = run('\n{"provider": "p", "provider_model_id": "o3"}\n\n')
    assert code == 0 and [o["model_id"] for o in out] == ["openai/o3"]


def test_a_bad_line_is_an_input_error_naming_it() -> None:
    code, _, output = run('{"provider_model_id": "o3"}\nnot json\n')
    assert code == 2 and "stdin line 2: not JSON" in output
    code, _, output = run('{"provider": "p", "name": "x"}\n')
    assert code == 2 and 'line 1: needs a non-empty "provider_model_id"' in output


def test_an_aliases_file_overrides_a_match(tmp_path: Path) -> None:
    lines = [{"provider": "p", "provider_model_id": "house-model-v7", "name": None}]
    assert run(lines)[1][0]["model_id"] == "house-model-v7"
    path = tmp_path / "aliases.toml"
    path.write_text('[[alias]]\nid = "house-model-v7"\nmodel = "openai/gpt-5.4"\n')
    code, out, _ = run(lines, "--aliases", str(path))
    assert code == 0 and out[0]["model_id"] == "openai/gpt-5.4" and out[0]["rule"] == "override"
    code, _, output = run(lines, "--aliases", str(tmp_path / "missing.toml"))
    assert code == 2 and "no such aliases file" in output


def test_with_a_catalog_ids_resolve_to_its_models(crawled_mirror: CrawledMirror) -> None:
    lines = [{"provider": "mine", "provider_model_id": "Mistral-Small-3.2-24B-Instruct-2506"}]
    code, out, _ = run(lines, "--db", str(crawled_mirror.db_path))
    assert code == 0 and len(out) == 1
    assert out[0]["model_id"] == "mistralai/mistral-small-3.2-24b-instruct"
