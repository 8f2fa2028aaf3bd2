"""The small part of CBOR (RFC 8949) that Pagefind's index files use.

Pagefind writes its filter index from a hash map, so the order of filter values (and the
names of the files, which are hashes of their content) changes from run to run. `search`
decodes those files, sorts them, and encodes them again with this module so that a
rebuild is byte-identical. Only definite-length items are supported: unsigned and
negative integers, byte and text strings, arrays, maps, and the simple values false,
true and null.
"""

from __future__ import annotations

from typing import Any


class CborError(ValueError):
    """The bytes are not CBOR of the supported kind."""


def loads(data: bytes) -> Any:
    """Returns the single CBOR item that `data` holds."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise CborError(f"{len(data) - end} bytes after the CBOR item")
    return value


def _length(data: bytes, pos: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None or pos + size > len(data):
        raise CborError(f"unsupported length encoding {info} at byte {pos}")
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _decode(data: bytes, pos: int) -> tuple[Any, int]:
    if pos >= len(data):
        raise CborError("truncated CBOR")
    major, info = data[pos] >> 5, data[pos] & 31
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise CborError(f"unsupported simple value {info}")
        return simple[info], pos
    n, pos = _length(data, pos, info)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major in (2, 3):
        raw = data[pos:pos + n]
        if len(raw) != n:
            raise CborError("truncated CBOR string")
        return (raw if major == 2 else raw.decode("utf-8")), pos + n
    if major == 4:
        items = []
        for _ in range(n):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping = {}
        for _ in range(n):
            key, pos = _decode(data, pos)
            mapping[key], pos = _decode(data, pos)
        return mapping, pos
    raise CborError(f"unsupported CBOR major type {major}")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise CborError(f"integer {n} is too large")


def dumps(value: Any) -> bytes:
    """Returns `value` encoded as CBOR with the shortest length encodings."""
    if value is False or value is True or value is None:
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(dumps(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(dumps(k) + dumps(v) for k, v in value.items())
    raise CborError(f"cannot encode {type(value).__name__}")
