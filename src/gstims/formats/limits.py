"""Bounds on every file gstims imports, checked before the file is parsed (issue 14 item 7).

A small file can cost a great deal to read: a 1.5 MB .xlsx that unpacks to gigabytes of XML,
a 100 KB JSON of nothing but `[` (a streaming parser's prefix strings grow with the square of
the depth). So before any parser sees a file:

    JSON      at most MAX_JSON_BYTES, nested at most MAX_JSON_DEPTH deep (a GSTR-1 needs 6);
              the depth is read by ijson's prefix-free event parser, in linear time
    workbook  at most MAX_WORKBOOK_BYTES; its parts unpack to at most MAX_UNPACKED_BYTES
              together and at most MAX_RATIO times what they take packed; a sheet has at most
              MAX_ROWS rows (checked while reading, `excel._read_sheet`)

A file over a bound is refused whole with one problem naming the bound (`FileRefused`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import ijson

from gstims.domain.documents import Problem

MiB = 1024 * 1024
MAX_JSON_BYTES = 2048 * MiB  # a million-document GSTR-1 is ~600 MB
MAX_JSON_DEPTH = 32
MAX_WORKBOOK_BYTES = 256 * MiB
MAX_UNPACKED_BYTES = 2048 * MiB
MAX_RATIO = 100  # worksheets of real data pack about 10:1
MAX_ROWS = 1_048_576  # Excel's own row limit


def json_problems(path: Path | str) -> list[Problem]:
    """Why the JSON file at `path` is too big or too deep to read (empty: neither)."""
    size = Path(path).stat().st_size
    if size > MAX_JSON_BYTES:
        return [_problem(f"{size:,} bytes: a JSON file has at most {MAX_JSON_BYTES:,}")]
    depth = 0
    with open(path, "rb") as raw:
        try:
            for event, _ in ijson.basic_parse(raw, use_float=False):
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > MAX_JSON_DEPTH:
                        return [_problem(f"nested deeper than {MAX_JSON_DEPTH} levels")]
                elif event in ("end_map", "end_array"):
                    depth -= 1
        except ijson.JSONError:
            return []  # not JSON: the reader says where, as it always has
    return []


def workbook_problems(path: Path | str) -> list[Problem]:
    """Why the .xlsx at `path` is too big to open (empty: it may be opened)."""
    size = Path(path).stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        return [_problem(f"{size:,} bytes: a workbook has at most {MAX_WORKBOOK_BYTES:,}")]
    try:
        with zipfile.ZipFile(path) as packed:
            parts = packed.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return [_problem(f"not a workbook: {exc}")]
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        return [_problem(f"unpacks to {unpacked:,} bytes: at most {MAX_UNPACKED_BYTES:,}")]
    for part in parts:
        if part.file_size > MAX_RATIO * max(part.compress_size, 1) and part.file_size > MiB:
            message = (
                f"part {part.filename} unpacks {part.file_size // max(part.compress_size, 1):,} "
                f"times its packed size: at most {MAX_RATIO} (a compression bomb?)"
            )
            return [_problem(message)]
    return []


def _problem(message: str) -> Problem:
    return Problem("file", "", "(file)", message)
