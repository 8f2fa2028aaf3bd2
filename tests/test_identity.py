"""Identity resolution: normal forms, the rules that join IDs, and the ones that never do."""

from __future__ import annotations

import json
import time
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from catalog.errors import CatalogError
from catalog.normalise.identity import (
    ALIASES_FILE,
    Listing,
    Match,
    assign_models,
    load_rules,
    resolve,
    rules_from_dict,
)
from catalog.normalise.ids import id_form
from catalog.normalise.offerings import note_model
from catalog.normalise.records import Offering

MODELS_DEV = Path(__file__).resolve().parent.parent / "data" / "sources" / "models-dev-api.json"


@cache
def models_dev_listings() -> tuple[Listing, ...]:
    """Every offering of the real models.dev catalog, as the crawl sees it."""
    data = json.loads(MODELS_DEV.read_text(encoding="utf-8"))
    return tuple(Listing(source_model_id=mid, provider=pid, catalog="models.dev",
                         name=m.get("name"), context_length=(m.get("limit") or {}).get("context"))
                 for pid, p in data.items() for mid, m in p["models"].items())


def same(*ids: str) -> bool:
    return len({m.model_id for m in resolve([Listing(i) for i in ids])}) == 1


@pytest.mark.parametrize(("source", "tokens"), [
    ("mistralai/Mistral-Small-3.2-24B-Instruct-2506", "mistral small 3.2 24b instruct"),
    ("mistralai-mistral-small-3.2-24b-instruct", "mistral small 3.2 24b instruct"),
    ("mistral-small-2506", "mistral small d:2506"),  # no version: the release tag is it
    ("us.anthropic.claude-opus-4-6-v1:0", "claude opus 4.6"),
    ("anthropic.claude-haiku-4-5-20251001-v1:0", "claude haiku 4.5 d:20251001"),
    ("claude-opus-4-5@20251101", "claude opus 4.5 d:20251101"),
    ("claude-opus-4-6@default", "claude opus 4.6"),
    ("openai.gpt-oss-120b-1:0", "gpt oss 120b"),
    ("anthropic.claude-opus-4-7", "claude opus 4.7"),
    ("accounts/fireworks/models/kimi-k2p5", "kimi k2.5"),
    ("hf:Qwen/Qwen3.6-27B", "qwen 3.6 27b"),
    ("qwen3-6-27b", "qwen 3.6 27b"),
    ("@cf/meta/llama-3.3-70b-instruct-fp8-fast", "llama 3.3 70b instruct"),
    ("google/gemma-4-31b-it:free", "gemma 4 31b instruct"),
    ("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", "llama 3.3 nemotron super 49b v1.5"),
    ("openai-gpt-54-mini", "gpt 54 mini"),
    ("databricks-claude-opus-4-6", "claude opus 4.6"),
    ("zai-org-glm-5-1", "glm 5.1"),
    ("meta-llama/Meta-Llama-3.1-8B-Instruct", "llama 3.1 8b instruct"),
    ("nemotron-3-nano:30b", "nemotron 3 nano 30b"),
    ("gpt-4o-2024-05-13", "gpt 4o d:2024-05-13"),
    ("command-r-08-2024", "command r d:08-2024"),
    ("gemini-2.5-flash-preview-09-2025", "gemini 2.5 flash preview d:09-2025"),
    ("route/qwen3.6-27b-202k", "qwen 3.6 27b"),
    ("claude-opus-4-0", "claude opus 4"),
    ("Qwen/Qwen3-235B-A22B-Thinking-2507", "qwen 3 235b a22b thinking"),
])
def test_normal_forms(source: str, tokens: str) -> None:
    assert " ".join(id_form(source, rules=load_rules().ids).tokens) == tokens


def test_normal_form_says_what_it_dropped() -> None:
    form = id_form("us.anthropic.claude-opus-4-6-v1:0", rules=load_rules().ids)
    assert form.surface == "claude-opus-4.6"
    assert form.family_author == "anthropic"
    assert "region us." in form.dropped and ":0" in form.dropped


def test_the_seed_model_under_all_its_names() -> None:
    """The issue's example: one model, five spellings, one canonical model."""
    ids = ["mistralai-mistral-small-3.2-24b-instruct", "mistralai/mistral-small-3.2-24b-instruct",
           "mistral-small-2506", "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
           "chutesai/Mistral-Small-3.2-24B-Instruct-2506"]
    providers = ["modelslab", "openrouter", "mistral", "berget", "nano-gpt"]
    matches = resolve([Listing(i, p) for i, p in zip(ids, providers, strict=True)])
    assert {m.model_id for m in matches} == {"mistralai/mistral-small-3.2-24b-instruct"}
    by_id = dict(zip(ids, matches, strict=True))
    assert by_id["mistral-small-2506"].rule == "override"
    assert by_id["mistralai/mistral-small-3.2-24b-instruct"].rule == "exact"
    assert by_id["chutesai/Mistral-Small-3.2-24B-Instruct-2506"].rule == "normalised_id"
    assert "dropped -2506 (release tag)" in by_id[
        "chutesai/Mistral-Small-3.2-24B-Instruct-2506"].evidence


HARD_NEGATIVES = [
    ("gpt-5.4", "gpt-5.4-mini"), ("openai/gpt-5.4", "openai/gpt-5.4-mini"),
    ("qwen3-235b-a22b", "qwen3-235b-a22b-thinking-2507"),
    ("Qwen/Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B-Thinking-2507"),
    ("claude-sonnet-4-5", "claude-sonnet-4-6"),
    ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-6"),
    # base vs instruct
    ("meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct"),
    ("llama-3.1-8b", "llama-3.1-8b-instruct"), ("Meta-Llama-3.1-8B", "Meta-Llama-3.1-8B-Instruct"),
    ("qwen2.5-7b", "qwen2.5-7b-instruct"), ("gemma-2-9b", "gemma-2-9b-it"),
    ("Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B-Instruct"), ("deepseek-v3-base", "deepseek-v3"),
    ("deepseek-ai/DeepSeek-V3-Base", "deepseek-ai/DeepSeek-V3"),
    ("google/gemma-3-27b-pt", "google/gemma-3-27b-it"),
    # sizes
    ("qwen3-32b", "qwen3-30b-a3b"), ("llama-3.1-8b-instruct", "llama-3.1-70b-instruct"),
    ("gpt-oss-120b", "gpt-oss-20b"), ("gemma-3n-e4b-it", "gemma-3n-e2b-it"),
    ("qwen3-coder-480b-a35b-instruct", "qwen3-coder-30b-a3b-instruct"),
    ("gemma-4-31b-it", "gemma-4-26b-a4b-it"), ("gemini-1.5-flash", "gemini-1.5-flash-8b"),
    # versions and snapshots
    ("gpt-4o", "gpt-4o-2024-05-13"), ("gpt-4o-2024-05-13", "gpt-4o-2024-11-20"),
    ("claude-haiku-4-5", "claude-haiku-4-5-20251001"), ("gpt-4", "gpt-4-0613"),
    ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022"),
    ("deepseek-r1", "deepseek-r1-0528"), ("deepseek-v3", "deepseek-v3-0324"),
    ("kimi-k2-instruct", "kimi-k2-instruct-0905"), ("mistral-small-2503", "mistral-small-2506"),
    ("mistral-medium-2505", "mistral-medium-2508"), ("kimi-k2.5", "kimi-k2.6"),
    ("llama-3-8b", "llama-3.1-8b"), ("qwen2.5-72b-instruct", "qwen2-72b-instruct"),
    ("claude-opus-4", "claude-opus-4.1"), ("claude-3-opus", "claude-opus-4"),
    ("qwen3.5-27b", "qwen3.6-27b"), ("mistral-7b-instruct-v0.1", "mistral-7b-instruct-v0.3"),
    ("deepseek-v3.1", "deepseek-v3.1-terminus"),
    # variants
    ("gemini-2.5-flash-preview", "gemini-2.5-flash"),
    ("gemini-3.1-flash-lite-preview", "gemini-3.1-flash-lite"),
    ("llama-3.2-11b-vision-instruct", "llama-3.2-11b-instruct"),
    ("qwen2.5-coder-32b-instruct", "qwen2.5-32b-instruct"), ("gpt-4o", "gpt-4o-mini"),
    ("o3", "o3-mini"), ("o3", "o3-pro"), ("o1", "o3"), ("gpt-4", "gpt-4-turbo"),
    ("gpt-4", "gpt-4-32k"), ("gpt-3.5-turbo", "gpt-3.5-turbo-16k"), ("grok-4", "grok-4-fast"),
    ("glm-4.5", "glm-4.5-air"), ("glm-4.5", "glm-4.5v"), ("glm-4.6", "glm-4.6v"),
    ("qwen3-vl-30b-a3b-instruct", "qwen3-vl-30b-a3b-thinking"),
    ("minimax-m2.7", "minimax-m2.7-highspeed"), ("gpt-5", "gpt-5-chat"),
    ("gpt-5.1", "gpt-5.1-codex"), ("gpt-5.1-codex", "gpt-5.1-codex-mini"),
    ("gpt-5.1-codex", "gpt-5.1-codex-max"), ("gemini-2.0-flash", "gemini-2.0-flash-lite"),
    ("phi-4", "phi-4-mini"), ("phi-4-mini", "phi-4-mini-reasoning"),
    ("gpt-oss-120b", "gpt-oss-safeguard-120b"), ("whisper-large-v3", "whisper-large-v3-turbo"),
    ("sonar", "sonar-pro"), ("sonar-reasoning", "sonar-reasoning-pro"),
    ("grok-4.20-reasoning", "grok-4.20-non-reasoning"), ("qwen-max", "qwen3-max"),
    ("text-embedding-3-small", "text-embedding-3-large"), ("gpt-4.1", "gpt-4.1-mini"),
    ("command-r", "command-r-plus"), ("command-r-08-2024", "command-r-plus-08-2024"),
    ("mimo-v2.5", "mimo-v2.5-pro"), ("kimi-k2-thinking", "kimi-k2"),
    ("claude-opus-4-7", "claude-opus-4-7-fast"), ("gemma-4-31b-it", "gemma-4-31b-turbo"),
    # models built on another
    ("llama-3.1-nemotron-70b-instruct", "llama-3.1-70b-instruct"),
    ("deepseek-r1-distill-llama-70b", "llama-3.3-70b-instruct"),
    ("deepseek-r1-distill-qwen-32b", "deepseek-r1"),
    ("llama-4-scout-17b-16e-instruct", "llama-4-maverick-17b-128e-instruct"),
    ("nemotron-3-nano-30b-a3b", "nemotron-3-super-120b-a12b"),
    ("openrouter/auto", "kilo-auto/auto"),
]


@pytest.mark.parametrize(("a", "b"), HARD_NEGATIVES)
def test_hard_negatives_stay_apart(a: str, b: str) -> None:
    assert not same(a, b)


def test_hard_negatives_stay_apart_among_the_whole_catalog() -> None:
    """The same pairs, resolved together with all 4,803 real models.dev offerings, whose
    loose rules and names could bridge them."""
    listings = list(models_dev_listings())
    n = len(listings)
    for a, b in HARD_NEGATIVES:
        listings += [Listing(a, "test-a"), Listing(b, "test-b")]
    matches = resolve(listings)
    merged = [(a, b) for k, (a, b) in enumerate(HARD_NEGATIVES)
              if matches[n + 2 * k].model_id == matches[n + 2 * k + 1].model_id]
    assert merged == []


@pytest.mark.parametrize(("a", "b", "rule"), [
    ("anthropic/claude-4-opus", "claude-opus-4", "word_order"),
    ("nvidia.nemotron-nano-3-30b", "nvidia/nemotron-3-nano-30b", "word_order"),
    ("openai-gpt-54", "gpt-5.4", "dotless_version"),
    ("minimax-m25", "MiniMaxAI/MiniMax-M2.5", "dotless_version"),
    ("gemma4-31b", "google/gemma-4-31b-it", "instruct_implied"),
    ("llama3-3-70b", "meta-llama/Llama-3.3-70B-Instruct", "instruct_implied"),
    ("qwen3.5-122b", "Qwen/Qwen3.5-122B-A10B", "active_params_implied"),
])
def test_loose_rules_join_what_is_unambiguous(a: str, b: str, rule: str) -> None:
    ma, mb = resolve([Listing(a, "p1", context_length=131072),
                      Listing(b, "p2", context_length=131072)])
    assert ma.model_id == mb.model_id
    assert rule in (ma.rule, mb.rule)
    loose = ma if ma.rule == rule else mb
    assert loose.confidence <= 0.97 and loose.evidence[0].startswith(rule)


def test_a_name_spells_out_what_the_id_leaves_out() -> None:
    ma, mb = resolve([Listing("@cf/nvidia/nemotron-3-120b-a12b", "cloudflare",
                              name="Nemotron 3 Super 120B"),
                      Listing("nvidia/nemotron-3-super-120b-a12b", "openrouter")])
    assert ma.model_id == mb.model_id == "nvidia/nemotron-3-super-120b-a12b"
    assert ma.rule == "name"


def test_loose_rules_never_pick_between_two_candidates() -> None:
    """"qwen3-coder" could be the 480B or the 30B model: it stays on its own."""
    matches = resolve([Listing("qwen3-coder", "p"), Listing("qwen3-coder-480b-a35b-instruct", "q"),
                       Listing("qwen3-coder-30b-a3b-instruct", "r")])
    assert len({m.model_id for m in matches}) == 3


def test_an_implied_instruct_needs_an_agreeing_fact() -> None:
    """"gemma4-31b" from a provider is usually "gemma-4-31b-it"; a context length that
    agrees is the evidence, since a bare ID can also name the base model."""
    bare = resolve([Listing("gemma4-31b", "p"), Listing("google/gemma-4-31b-it", "q")])
    agree = resolve([Listing("gemma4-31b", "p", context_length=262144),
                     Listing("google/gemma-4-31b-it", "q", context_length=262144)])
    differ = resolve([Listing("gemma4-31b", "p", context_length=8192),
                      Listing("google/gemma-4-31b-it", "q", context_length=262144)])
    assert bare[0].model_id != bare[1].model_id
    assert agree[0].model_id == agree[1].model_id
    assert differ[0].model_id != differ[1].model_id


def test_a_provider_listing_both_keeps_them_apart() -> None:
    """One provider offering "openai-gpt-54" and "gpt-5.4" says they differ."""
    apart = resolve([Listing("openai-gpt-54", "p"), Listing("gpt-5.4", "p")])
    together = resolve([Listing("openai-gpt-54", "p"), Listing("gpt-5.4", "q")])
    assert apart[0].model_id != apart[1].model_id
    assert together[0].model_id == together[1].model_id


def test_facts_move_the_confidence() -> None:
    agree = resolve([Listing("openai-gpt-54", "p", context_length=1_000_000),
                     Listing("gpt-5.4", "q", context_length=1_000_000)])
    differ = resolve([Listing("openai-gpt-54", "p", context_length=272_000),
                      Listing("gpt-5.4", "q", context_length=1_000_000)])
    assert agree[0].confidence > differ[0].confidence
    assert "context length 1000000 agrees" in agree[0].evidence
    assert "context length differs (1000000 vs 272000)" in differ[0].evidence


def test_an_override_in_the_data_file_changes_a_match(tmp_path: Path) -> None:
    listings = [Listing("mistral-nemo-instruct-2407", "chutes"),
                Listing("mistralai/mistral-nemo", "openrouter")]
    before = resolve(listings, load_rules())
    assert before[0].model_id != before[1].model_id
    text = ALIASES_FILE.read_text(encoding="utf-8") + (
        '\n[[alias]]\nid = "mistral-nemo-instruct-2407"\nmodel = "mistralai/mistral-nemo"\n')
    path = tmp_path / "aliases.toml"
    path.write_text(text, encoding="utf-8")
    after = resolve(listings, load_rules(path))
    assert after[0].model_id == after[1].model_id == "mistralai/mistral-nemo"
    assert after[0].rule == "override" and after[0].confidence == 1.0
    assert after[0].evidence == ("aliases.toml: mistral-nemo-instruct-2407 -> "
                                 "mistralai/mistral-nemo",)


def test_a_provider_scoped_override_applies_to_that_provider_only(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text('[[alias]]\nid = "large"\nprovider = "acme"\nmodel = "acme/large-2"\n')
    acme, other = resolve([Listing("large", "acme"), Listing("large", "other")], load_rules(path))
    assert acme.model_id == "acme/large-2" and acme.rule == "override"
    assert other.rule != "override"


def test_separate_in_the_data_file_undoes_a_loose_match(tmp_path: Path) -> None:
    listings = [Listing("gemma4-31b", "tinfoil", context_length=262144),
                Listing("google/gemma-4-31b-it", "google", context_length=262144)]
    assert resolve(listings)[0].model_id == resolve(listings)[1].model_id
    path = tmp_path / "aliases.toml"
    path.write_text(ALIASES_FILE.read_text(encoding="utf-8")
                    + '\n[[separate]]\nids = ["gemma4-31b", "gemma-4-31b-it"]\n')
    a, b = resolve(listings, load_rules(path))
    assert a.model_id != b.model_id


def test_a_loose_rule_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(ALIASES_FILE.read_text(encoding="utf-8").replace(
        "dotless_version = 0.86", "dotless_version = 0"))
    a, b = resolve([Listing("openai-gpt-54", "p"), Listing("gpt-5.4", "q")], load_rules(path))
    assert a.model_id != b.model_id


@pytest.mark.parametrize(("data", "message"), [
    ({"alias": [{"id": "x"}]}, "needs `id` and `model`"),
    ({"separate": [{"ids": ["x"]}]}, "two or more IDs"),
    ({"rules": {"word_ordr": 0.5}}, "unknown key(s) ['word_ordr']"),
    ({"aliases": []}, "unknown table(s) ['aliases']"),
])
def test_rules_file_errors_name_the_fix(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as exc:
        rules_from_dict(data)
    assert message in str(exc.value)


def test_a_broken_rules_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text("[[alias]\n")
    with pytest.raises(CatalogError, match=r"aliases\.toml"):
        load_rules(path)
    with pytest.raises(CatalogError, match="no such aliases file"):
        load_rules(tmp_path / "missing.toml")


def test_every_listing_gets_a_rule_and_a_confidence() -> None:
    matches = resolve(list(models_dev_listings()))
    rules = Counter(m.rule for m in matches)
    assert set(rules) <= {"override", "exact", "normalised_id", "word_order", "dotless_version",
                          "name", "instruct_implied", "active_params_implied"}
    assert rules["exact"] + rules["normalised_id"] > 0.9 * len(matches)
    assert all(0 < m.confidence <= 1 for m in matches)
    assert all(m.evidence for m in matches if m.rule not in ("exact",))
    models = {m.model_id for m in matches}
    assert 1000 < len(models) < 1400
    assert all(m == m.lower() and " " not in m and m.count("/") <= 1 for m in models)


def test_resolving_a_crawl_of_5000_offerings_is_fast() -> None:
    listings = list(models_dev_listings())
    listings += [Listing(f"{x.source_model_id}-v2", f"{x.provider}-b", name=x.name)
                 for x in listings[:400]]
    assert len(listings) > 5000
    started = time.perf_counter()
    resolve(listings)
    assert time.perf_counter() - started < 5


def test_resolution_is_deterministic_and_order_free() -> None:
    listings = list(models_dev_listings())[:1500]
    forward = {(x.provider, x.source_model_id): m.model_id
               for x, m in zip(listings, resolve(listings), strict=True)}
    backward = {(x.provider, x.source_model_id): m.model_id
                for x, m in zip(listings[::-1], resolve(listings[::-1]), strict=True)}
    assert forward == backward


def test_assign_models_merges_model_records_and_fills_the_author() -> None:
    def off(url: str, source: str, provider: str, author: str | None, name: str,
            ctx: int | None) -> Offering:
        return Offering(url=url, catalog="c", provider=provider, source_model_id=source,
                        model_id=f"provisional/{source}", name=name, author=author,
                        context_length=ctx, modalities=("text",))
    offerings = [off("https://a/1", "mistralai/mistral-small-3.2-24b-instruct", "openrouter",
                     "mistralai", "Mistral Small 3.2 24B", 128000),
                 off("https://a/2", "chutesai/Mistral-Small-3.2-24B-Instruct-2506", "nano-gpt",
                     None, "Mistral Small 3.2 24B", 131072),
                 off("https://a/3", "gpt-5.4", "azure", None, "GPT-5.4", None)]
    models = {o.model_id: {"id": o.model_id, "name": o.name, "description": f"about {o.url}",
                           "family": None} for o in offerings}
    out, records, matches = assign_models(offerings, models)
    assert [o.model_id for o in out] == ["mistralai/mistral-small-3.2-24b-instruct"] * 2 + [
        "openai/gpt-5.4"]
    assert out[1].author == "mistralai" and out[2].author == "openai"
    small = records["mistralai/mistral-small-3.2-24b-instruct"]
    assert small["name"] == "Mistral Small 3.2 24B" and small["description"] == "about https://a/1"
    assert small["context_length"] == 131072  # a tie goes to the larger
    assert isinstance(matches["https://a/2"], Match)


def test_a_model_takes_the_description_of_its_authors_offering_else_one_with_its_context() -> None:
    def off(url: str, provider: str, ctx: int | None) -> Offering:
        return Offering(url=url, catalog="c", provider=provider,
                        source_model_id="mistralai/mistral-small-3.2-24b-instruct",
                        model_id=f"provisional/{provider}", name="Mistral Small 3.2 24B",
                        context_length=ctx, description=f"{provider}: {ctx} tokens")

    berget, gateway, mistral = (off("https://a/1", "berget", 32000),
                                off("https://a/2", "llmgateway", 128000),
                                off("https://a/3", "openrouter", 128000))
    own = off("https://a/4", "mistralai", None)

    def description(offerings: list[Offering]) -> str:
        models: dict[str, dict[str, Any]] = {}
        for o in offerings:
            note_model(models, o)
        _, records, _ = assign_models(offerings, models)
        [record] = records.values()
        return str(record["description"])

    # berget comes first by URL, but states 32,000 tokens where most pages say 128,000
    assert description([berget, gateway, mistral]) == "llmgateway: 128000 tokens"
    assert description([berget, gateway, mistral, own]) == "mistralai: None tokens"
    assert description([berget]) == "berget: 32000 tokens"


def test_the_authors_own_description_wins_over_an_earlier_page_of_the_same_id() -> None:
    def off(url: str, provider: str, author: str | None) -> Offering:
        return Offering(url=url, catalog="c", provider=provider, author=author,
                        source_model_id="Mistral-Small-3.2-24B-Instruct-2506",
                        model_id="mistralai/mistral-small-3.2-24b-instruct-2506",
                        name="Mistral Small 3.2", description=f"as {provider} says")

    offerings = [off("https://a/1", "ovhcloud", None), off("https://a/2", "mistralai", "mistralai")]
    models: dict[str, dict[str, Any]] = {}
    for o in offerings:
        note_model(models, o)
    _, records, _ = assign_models(offerings, models)
    [record] = records.values()
    assert record["description"] == "as mistralai says"
    assert set(record) == {"id", "name", "author", "family", "description", "context_length",
                           "modalities"}
