"""The built demo site in a real headless Chromium (Debian's, driven by Playwright): the
whole table, sorting, filtering and search work, with and without JavaScript; no page
logs an error or requests anything off 127.0.0.1; axe-core finds no serious or critical
accessibility problem; pages fit a phone's width. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from catalog.render import BuildReport
from catalog.render.site import DEFAULT_BASE_URL
from catalog.serve import serving
from tests.support import SEED_PATH, CrawledMirror
from tests.test_site_demo import DEMO_ROWS_PER_PAGE, demo_site

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CATALOG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
if not Path(CHROMIUM).exists():
    pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (Debian package chromium)",
                pytrace=False)


@pytest.fixture(scope="module")
def site(crawled_mirror: CrawledMirror, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[Path, BuildReport]:
    return demo_site(crawled_mirror, tmp_path_factory)


@pytest.fixture(scope="module")
def served_site(site: tuple[Path, BuildReport]) -> Iterator[str]:
    with serving(site[0]) as base:
        yield base


@pytest.fixture(scope="module")
def models(crawled_mirror: CrawledMirror) -> int:
    store = crawled_mirror.store()
    try:
        return len({o["model_id"] for o in store.offerings()})
    finally:
        store.close()


@pytest.fixture(scope="module")
def seed(site: tuple[Path, BuildReport], crawled_mirror: CrawledMirror
         ) -> tuple[str, str, str]:
    """The name and page (relative to the site) of the model the seed page lists, and the
    provider of its seed offering."""
    models = json.loads((site[0] / "api/models.json").read_text())
    url = crawled_mirror.base + SEED_PATH
    [(model, offering)] = [(m, o) for m in models for o in m["offerings"] if o["url"] == url]
    return model["name"], model["page"].removeprefix(DEFAULT_BASE_URL), offering["provider"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Tab:
    """A page that records console errors and every request it makes."""

    def __init__(self, browser: Any, url: str, width: int = 1280, js: bool = True) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           java_script_enabled=js)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="networkidle")

    def shot(self, name: str, full_page: bool = False) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)

    def off_host(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in ("data", "about")
                and urlsplit(u).hostname != "127.0.0.1"]

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.off_host() == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, served_site: str) -> Iterator[Any]:
    tabs: list[Tab] = []

    def open_tab(path: str, **kwargs: Any) -> Tab:
        t = Tab(browser, served_site + path, **kwargs)
        tabs.append(t)
        return t

    yield open_tab
    for t in tabs:
        t.close()


def _visible_rows(page: Any) -> Any:
    return page.locator("#models tbody tr:not([hidden])")


def test_index_shows_every_model_in_one_table(tab: Any, models: int) -> None:
    t = tab("/index.html")
    page = t.page
    assert models > DEMO_ROWS_PER_PAGE  # the built page holds part; the script loads all
    page.wait_for_function(f"document.querySelectorAll('#models tbody tr').length == {models}")
    assert page.locator(".pager").first.is_hidden()
    assert page.locator("#f-count").inner_text() == f"Showing {models} of {models} models."
    t.shot("index.png")
    t.check_clean()


def test_index_without_javascript_is_complete_across_pages(tab: Any, models: int) -> None:
    t = tab("/index.html", js=False)
    page = t.page
    assert page.locator("#models tbody tr").count() == DEMO_ROWS_PER_PAGE
    assert page.locator("#filters").is_hidden() and page.locator("#search").is_hidden()
    links = page.locator(".pager").first.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs[0] == "index.html" and len(hrefs) == -(-models // DEMO_ROWS_PER_PAGE)
    total = 0
    for href in hrefs:
        page.goto(f"{page.url.rsplit('/', 1)[0]}/{href}")
        total += page.locator("#models tbody tr").count()
    assert total == models
    t.shot("index-no-js.png")
    t.check_clean()


def test_sorting_by_price_announces_the_order(tab: Any) -> None:
    page = tab("/index.html").page
    page.wait_for_selector("#f-count:has-text('Showing')")
    header = page.locator("#models thead th").nth(4)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert page.locator("#models thead th[aria-sort]").count() == 1

    def blended() -> list[float | None]:
        cells = page.locator("#models tbody tr td:nth-child(5)").all_inner_texts()
        return [0.0 if c == "Free" else None if c == "—" else float(c.strip("$").replace(
            ",", "")) for c in cells]

    up = [v for v in blended() if v is not None]
    assert up == sorted(up) and len(up) > 100
    assert blended()[-1] is None  # unknown prices stay last
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    down = [v for v in blended() if v is not None]
    assert down == sorted(down, reverse=True)


def test_filters_narrow_the_whole_table(tab: Any, models: int,
                                        seed: tuple[str, str, str]) -> None:
    t = tab("/index.html")
    page = t.page
    page.wait_for_function(f"document.querySelectorAll('#models tbody tr').length == {models}")
    page.check("#f-free")
    free = _visible_rows(page)
    assert 0 < free.count() < models
    assert all(r == "Free" for r in free.locator("td:nth-child(5)").all_inner_texts()
               if r != "—")
    page.uncheck("#f-free")
    page.select_option("#f-provider", label=seed[2])
    rows = _visible_rows(page)
    n = rows.count()
    assert 0 < n < models
    assert page.locator("#f-count").inner_text() == f"Showing {n} of {models} models."
    page.select_option("#f-provider", index=0)
    page.fill("#f-max", "0.5")
    cheap = _visible_rows(page).locator("td:nth-child(5)").all_inner_texts()
    assert cheap and all(c == "Free" or float(c.strip("$")) <= 0.5 for c in cheap)
    page.fill("#f-min", "0.2")
    band = _visible_rows(page).locator("td:nth-child(5)").all_inner_texts()
    assert band and all(0.2 <= float(c.strip("$")) <= 0.5 for c in band)
    t.check_clean()


def test_search_finds_models_and_filters_them(tab: Any, seed: tuple[str, str, str]) -> None:
    name, path, provider = seed
    t = tab("/index.html")
    page = t.page
    page.wait_for_selector("#search:not([hidden])")
    page.fill("#q", name)
    results = page.locator("#search-results li a")
    page.locator(f'#search-results a[href="/{path}"]').wait_for()
    titles = results.all_inner_texts()
    assert name in titles
    page.wait_for_function("document.querySelectorAll('#s-provider option').length > 10")
    page.select_option("#s-provider", label=provider)
    page.wait_for_function("document.querySelector('#search-results p') && "
                           "document.querySelector('#search-results p').textContent"
                           ".includes('found')")
    page.wait_for_timeout(300)
    filtered = page.locator("#search-results li a").all_inner_texts()
    assert filtered and len(filtered) <= len(titles)
    t.shot("search.png")
    page.fill("#q", "")
    page.select_option("#s-provider", index=0)
    page.fill("#q", name)
    page.locator(f'#search-results a[href="/{path}"]').click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == name
    t.check_clean()


def test_seed_model_page_shows_its_prices_and_history(tab: Any, seed: tuple[str, str, str],
                                                      crawled_mirror: CrawledMirror) -> None:
    t = tab("/index.html")
    page = t.page
    page.get_by_role("link", name=seed[0], exact=True).first.click()
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "$0.075" in text and "$0.20" in text
    assert crawled_mirror.base + SEED_PATH in page.content()
    assert page.locator("svg.chart[role=img]").count() == 1
    t.shot("model.png", full_page=True)
    t.check_clean()


@pytest.mark.parametrize("path", ["/index.html", "/models/mistralai--mistral-small-3.2-24b"
                                  "-instruct.html", "/changes.html", "/quality.html",
                                  "/providers/index.html", "/authors/mistralai.html",
                                  "/index-2.html", "/404.html"])
def test_no_serious_accessibility_violations(tab: Any, path: str) -> None:
    t = tab(path)
    t.page.wait_for_load_state("networkidle")
    # Rows past the 50th of a long table repeat the markup and colours of the first ones;
    # axe takes a second per hundred of them, so they are taken out before it runs.
    t.page.evaluate("document.querySelectorAll('tbody tr:nth-child(n+51)')"
                    ".forEach(r => r.remove())")
    results = axe_api.Axe().run(t.page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
               for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    t.check_clean()


@pytest.mark.parametrize("path", ["/index.html", "/models/mistralai--mistral-small-3.2-24b"
                                  "-instruct.html"])
def test_pages_fit_a_phone(tab: Any, path: str) -> None:
    t = tab(path, width=375)
    overflow = t.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    t.shot(("index" if "index" in path else "model") + "-phone.png")
    t.check_clean()
