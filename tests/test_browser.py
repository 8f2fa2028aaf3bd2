"""The built demo site in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from catalog.render.site import build_site
from catalog.serve import serving
from tests.support import SEED_PATH, CrawledMirror

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CATALOG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (Debian package chromium)",
                pytrace=False)


@pytest.fixture(scope="module")
def served_site(crawled_mirror: CrawledMirror, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[str]:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(crawled_mirror.store(), out)
    with serving(out) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser: object, url: str, shot: str) -> tuple[object, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=False)
    return page, errors, requests


def _off_host(requests: list[str]) -> list[str]:
    return [u for u in requests
            if urlsplit(u).scheme in ("http", "https") and urlsplit(u).hostname != "127.0.0.1"]


def test_index_renders_every_model_without_errors(served_site: str, browser: object,
                                                  crawled_mirror: CrawledMirror) -> None:
    page, errors, requests = _open(browser, served_site + "/index.html", "index.png")
    assert errors == []
    assert _off_host(requests) == []
    rows = page.locator("table tbody tr").count()  # type: ignore[attr-defined]
    assert rows == len(crawled_mirror.store().models())
    assert page.title()  # type: ignore[attr-defined]


def test_seed_model_page_shows_its_prices(served_site: str, browser: object,
                                          crawled_mirror: CrawledMirror) -> None:
    page, errors, requests = _open(browser, served_site + "/index.html", "index-top.png")
    link = page.get_by_role("link", name="Mistral: Mistral Small 3.2 24B")  # type: ignore[attr-defined]
    link.first.click()
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "model.png"))  # type: ignore[attr-defined]
    text = page.inner_text("main")  # type: ignore[attr-defined]
    assert "$0.075" in text and "$0.20" in text
    assert crawled_mirror.base + SEED_PATH in page.content()  # type: ignore[attr-defined]
    assert errors == [] and _off_host(requests) == []
