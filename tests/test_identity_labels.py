"""Identity resolution measured from outside: `catalog resolve` over real labelled IDs.

`data/sources/identity-labels.json` holds 729 (provider, provider model ID, name) rows,
each labelled with its canonical model (119 models; from models.dev's `base_model`
fields). The resolver's canonical IDs are its own, so it is measured pairwise: for every
pair of labelled rows, "same canonical model" by the labels against "same `model_id`" by
`catalog resolve`. Precision must be at least 0.99 (a wrong merge is worse than a missed
one) and recall at least 0.90.

The labels are split by a hash of the canonical model: the development part (about
three quarters) was looked at while writing the rules in `data/aliases.toml`; the
held-out part (the models whose SHA-256 starts with a byte divisible by 4) was not, and
is reported separately. Set CATALOG_IDENTITY_LABELS to measure another labelled file in
the same format.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELS = Path(os.environ.get("CATALOG_IDENTITY_LABELS")
              or ROOT / "data" / "sources" / "identity-labels.json")
MIN_PRECISION = 0.99
MIN_RECALL = 0.90


def held_out(canonical: str) -> bool:
    """Whether a labelled model is in the held-out part (about a quarter of the models)."""
    return hashlib.sha256(canonical.encode()).digest()[0] % 4 == 0


@pytest.fixture(scope="module")
def resolved() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = json.loads(LABELS.read_text(encoding="utf-8"))
    lines = "".join(json.dumps({"provider": r["provider"], "provider_model_id":
                                r["provider_model_id"], "name": r["name"]}) + "\n" for r in rows)
    proc = subprocess.run([sys.executable, "-m", "catalog", "resolve"], input=lines,
                          capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(rows)
    return rows, out


def pairwise(rows: list[dict[str, Any]], out: list[dict[str, Any]], idx: list[int]
             ) -> tuple[float, float, int, int, int]:
    """Returns (precision, recall, true pairs, false merges, missed pairs) over rows `idx`."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(idx, 2):
        same = rows[i]["canonical"] == rows[j]["canonical"]
        merged = out[i]["model_id"] == out[j]["model_id"]
        tp += same and merged
        fp += merged and not same
        fn += same and not merged
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


@pytest.mark.parametrize("part", ["all", "development", "held-out"])
def test_pairwise_precision_and_recall(resolved: tuple[list[dict[str, Any]],
                                                       list[dict[str, Any]]],
                                       part: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows, out = resolved
    idx = [i for i, r in enumerate(rows)
           if part == "all" or held_out(r["canonical"]) == (part == "held-out")]
    precision, recall, tp, fp, fn = pairwise(rows, out, idx)
    models = len({rows[i]["canonical"] for i in idx})
    with capsys.disabled():
        print(f"\nidentity labels, {part}: {len(idx)} IDs of {models} models, {tp + fn} "
              f"same-model pairs: precision {precision:.4f} ({fp} wrong merges), "
              f"recall {recall:.4f} ({fn} missed)")
    assert precision >= MIN_PRECISION, f"{part}: precision {precision:.4f}"
    assert recall >= MIN_RECALL, f"{part}: recall {recall:.4f}"


def test_every_line_says_why(resolved: tuple[list[dict[str, Any]], list[dict[str, Any]]]
                             ) -> None:
    rows, out = resolved
    for row, got in zip(rows, out, strict=True):
        assert got["provider_model_id"] == row["provider_model_id"]
        assert got["model_id"] and got["rule"] and 0 < got["confidence"] <= 1
        assert isinstance(got["evidence"], list)
