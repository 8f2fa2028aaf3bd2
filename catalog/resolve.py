"""`catalog resolve`: the crawl's identity resolver over JSON lines, for measuring it.

Each input line is `{"provider": ..., "provider_model_id": ..., "name": ...}` (`name` may
be null or absent; `context_length` and `author` are used when present). Each output
line is the input object with `model_id`, `rule`, `confidence` and `evidence` added, in
input order. All lines are resolved together, as the crawl resolves all its offerings;
with a catalog database, its offerings join them, so IDs resolve to its models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from catalog.errors import CatalogError
from catalog.normalise.identity import Listing, Rules, resolve
from catalog.store import Store


def read_listings(lines: Iterable[str], where: str = "stdin"
                  ) -> tuple[list[dict[str, Any]], list[Listing]]:
    """Returns the parsed input objects and their listings; a bad line is an error naming it."""
    rows: list[dict[str, Any]] = []
    listings: list[Listing] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CatalogError(f"{where} line {n}: not JSON ({exc.msg}); give one object "
                               'per line like {"provider": "openrouter", '
                               '"provider_model_id": "openai/gpt-5.4", "name": null}') from exc
        source = row.get("provider_model_id") if isinstance(row, dict) else None
        if not isinstance(source, str) or not source.strip():
            raise CatalogError(f"{where} line {n}: needs a non-empty \"provider_model_id\"")
        ctx = row.get("context_length")
        rows.append(row)
        listings.append(Listing(
            source_model_id=source, provider=_text(row.get("provider")),
            catalog=_text(row.get("catalog")), name=_text(row.get("name")),
            author=_text(row.get("author")),
            context_length=ctx if isinstance(ctx, int) and not isinstance(ctx, bool) else None))
    return rows, listings


def db_listings(store: Store) -> list[Listing]:
    """Returns the listings of every active offering in a catalog database."""
    return [Listing(source_model_id=o["source_model_id"], provider=o["provider"],
                    catalog=o["catalog"], name=o["name"], author=o["author"],
                    context_length=o["context_length"]) for o in store.offerings()]


def resolve_lines(lines: Iterable[str], out: IO[str], rules: Rules | None = None,
                  context: list[Listing] | None = None) -> int:
    """Writes each input line back with its resolution; returns how many lines it wrote."""
    rows, listings = read_listings(lines)
    matches = resolve([*listings, *(context or [])], rules)
    for row, match in zip(rows, matches, strict=False):
        out.write(json.dumps({**row, "model_id": match.model_id, "rule": match.rule,
                              "confidence": match.confidence,
                              "evidence": list(match.evidence)}, ensure_ascii=False) + "\n")
    return len(rows)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
