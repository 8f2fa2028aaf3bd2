"""An extraction worker process: `python -m catalog.crawl.worker`.

Reads jobs from stdin and writes answers to stdout, each a 4-byte big-endian length then
`marshal` data: a job is (id, url, content type, body); an answer (id, True, extracted
JSON, links, lists offerings) or (id, False, error text, [], False). It says b"ready"
once its imports are done, and ends at the end of its input. See
`catalog.crawl.extracted.ExtractorPool`.
"""

from __future__ import annotations

import marshal
import struct
import sys
from typing import BinaryIO

_LENGTH = struct.Struct("!I")


def _send(out: BinaryIO, data: bytes) -> None:
    out.write(_LENGTH.pack(len(data)) + data)
    out.flush()


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def main() -> None:
    from catalog.crawl.extracted import extract_for_crawl

    source, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the answers
    _send(out, b"ready")
    while (head := _read(source, _LENGTH.size)) is not None:
        message = _read(source, _LENGTH.unpack(head)[0])
        if message is None:
            return
        job, url, content_type, body = marshal.loads(message)
        try:
            e = extract_for_crawl(url, content_type, body)
            answer = (job, True, e.data, e.links, e.offerings)
        except Exception as exc:  # reported to the crawl, which notes it and goes on
            answer = (job, False, f"{type(exc).__name__}: {exc}", [], False)
        _send(out, marshal.dumps(answer))


if __name__ == "__main__":
    main()
