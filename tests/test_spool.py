"""The ingest spool: objects out of memory, read back in order or grouped by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.normalise.records import Finding
from catalog.store import Spool


def test_items_come_back_in_the_order_they_were_added(tmp_path: Path) -> None:
    findings = [Finding(url=f"https://x.test/{i}", field="f", kind="k", detail=str(i))
                for i in range(1500)]  # more than one write batch
    with Spool(tmp_path / "catalog.db") as spool:
        for f in findings:
            spool.add("findings", f)
        assert list(spool.items("findings")) == findings
        assert list(spool.items("nothing")) == []


def test_groups_are_sorted_by_key_as_python_sorts_strings(tmp_path: Path) -> None:
    keys = ["b", "a", "é", "B", "b", "z", "a", "\u4e2d", "a"]
    with Spool(tmp_path / "catalog.db") as spool:
        for i, key in enumerate(keys):
            spool.add("records", (key, i), key=key)
        groups = list(spool.groups("records"))
    expected: dict[str, list[tuple[str, int]]] = {}
    for i, key in enumerate(keys):
        expected.setdefault(key, []).append((key, i))
    assert groups == sorted(expected.items())


def test_streams_are_apart_and_one_can_be_written_while_another_is_read(tmp_path: Path) -> None:
    with Spool(tmp_path / "catalog.db") as spool:
        for i in range(10):
            spool.add("a", i, key=str(i % 3))
        for key, group in spool.groups("a"):
            spool.add("b", (key, sum(group)))
        assert list(spool.items("b")) == [("0", 18), ("1", 12), ("2", 15)]


def test_the_spool_leaves_no_file_behind(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "catalog.db")
    spool.add("a", 1)
    assert list(tmp_path.iterdir()) == []  # unlinked as soon as it was open
    assert list(spool.items("a")) == [1]
    spool.close()
    assert list(tmp_path.iterdir()) == []


def test_a_stream_name_cannot_reach_into_the_sql(tmp_path: Path) -> None:
    with Spool(tmp_path / "catalog.db") as spool, pytest.raises(ValueError):
        spool.add("a; DROP TABLE streams", 1)
