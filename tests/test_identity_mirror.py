"""The bundled mirror end to end: its catalog pages and the models.dev `api.json` it
publishes, crawled together, meet in canonical models that compare providers."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from catalog.render import exports
from catalog.render.views import Catalog
from tests.support import SEED_PATH, CrawledMirror

SEED_MODEL = "mistralai/mistral-small-3.2-24b-instruct"


def test_the_crawl_ingests_the_models_dev_catalog(crawled_mirror: CrawledMirror) -> None:
    store = crawled_mirror.store()
    offerings = store.offerings()
    from_api = [o for o in offerings if o["catalog"] == "models.dev"]
    assert len(from_api) == 4803
    assert all(o["url"].startswith(crawled_mirror.base + "/api/models-dev.json#")
               for o in from_api)
    assert len({o["provider"] for o in from_api}) >= 100
    providers_per_model: dict[str, set[str]] = defaultdict(set)
    for o in offerings:
        providers_per_model[o["model_id"]].add(o["provider"])
    compared = [m for m, ps in providers_per_model.items() if len(ps) >= 2]
    assert len(compared) >= 300, "hundreds of models offered by more than one provider"


def test_the_seed_model_has_offerings_from_both_catalogs(crawled_mirror: CrawledMirror) -> None:
    store = crawled_mirror.store()
    [seed] = [o for o in store.offerings() if o["url"] == crawled_mirror.base + SEED_PATH]
    assert seed["model_id"] == SEED_MODEL
    mine = [o for o in store.offerings() if o["model_id"] == SEED_MODEL]
    catalogs = {o["catalog"] for o in mine}
    assert {"ModelsLab", "models.dev"} <= catalogs
    api = {o["provider"]: o for o in mine if o["catalog"] == "models.dev"}
    assert {"openrouter", "berget", "nano-gpt", "mistral", "meganova"} <= set(api)
    assert api["openrouter"]["prices"] == seed["prices"] == {
        "input": Decimal("0.075"), "output": Decimal("0.2")}
    assert api["mistral"]["source_model_id"] == "mistral-small-2506"
    assert api["mistral"]["model_rule"] == "override"
    assert all(o["model_rule"] and 0 < o["model_confidence"] <= 1 for o in mine)
    aliases = {a["alias"] for a in store.model_aliases()[SEED_MODEL]}
    assert {"mistralai-mistral-small-3.2-24b-instruct", "mistral-small-2506",
            "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
            "chutesai/Mistral-Small-3.2-24B-Instruct-2506"} <= aliases


def test_the_cheapest_offering_of_the_seed_model_is_computed(
        crawled_mirror: CrawledMirror) -> None:
    store = crawled_mirror.store()
    mine = [o for o in store.offerings() if o["model_id"] == SEED_MODEL]
    priced = [o for o in mine if {"input", "output"} <= set(o["prices"])
              and o["currency"] == "USD"]
    best = min((3 * o["prices"]["input"] + o["prices"]["output"]) / 4 for o in priced)
    [row] = [r for r in exports.model_rows(store) if r["model_id"] == SEED_MODEL]
    [cheapest] = [o for o in mine if o["url"] == row["cheapest_offering_url"]]
    assert (3 * cheapest["prices"]["input"] + cheapest["prices"]["output"]) / 4 == best
    assert len({o["provider"] for o in mine}) >= 8

    page = Catalog(store).model_page(SEED_MODEL)
    shown = {(v.catalog, v.provider) for v in page.offerings}
    assert ("ModelsLab", "mistralai") in shown and ("models.dev", "openrouter") in shown
    assert sum(v.cheapest for v in page.offerings) >= 1
    assert page.cheapest is not None and page.cheapest.cheapest
