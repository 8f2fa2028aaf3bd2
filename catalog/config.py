"""Settings: defaults, overridden by `catalog.toml` in the working directory, then by flags.

```toml
[crawl]
concurrency = 8
delay = 0.5              # seconds between requests to one host
per_host_concurrency = 2
user_agent = "catalog/0.1.0 (+mailto:you@example.org)"
max_body = 10485760
```
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.errors import CatalogError

if TYPE_CHECKING:
    from catalog.crawl.crawler import CrawlSettings

CONFIG_FILE = Path("catalog.toml")
REPO_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = REPO_ROOT / "data" / "snapshot"


def load_config(path: Path = CONFIG_FILE) -> dict[str, Any]:
    """Returns the parsed `catalog.toml`, or {} when there is none."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: {exc}; fix the file or remove it") from exc


def crawl_settings(config: dict[str, Any], **flags: Any) -> CrawlSettings:
    """Returns crawl settings from the `[crawl]` table of `config`, then non-None `flags`."""
    # Imported here: the crawl stack is slow to import and only crawls need it.
    from catalog.crawl.crawler import CrawlSettings
    from catalog.crawl.fetch import FetchSettings

    values = {**config.get("crawl", {}), **{k: v for k, v in flags.items() if v is not None}}
    fetch_names = {f.name for f in fields(FetchSettings)}
    crawl_names = {f.name for f in fields(CrawlSettings)} - {"fetch"}
    unknown = set(values) - fetch_names - crawl_names
    if unknown:
        raise CatalogError(f"unknown crawl setting(s) {sorted(unknown)} in {CONFIG_FILE}; "
                           f"known: {sorted(fetch_names | crawl_names)}")
    fetch = FetchSettings(**{k: v for k, v in values.items() if k in fetch_names})
    return CrawlSettings(fetch=fetch, **{k: v for k, v in values.items() if k in crawl_names})
