"""Reading documents: JSON lines or Parquet, one record (a dict) at a time.

The one reader of ``dedup corpus`` and of the benchmarks' ``corpus`` report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any, Final

from .._extras import require

__all__ = ["JSONL_SUFFIXES", "PARQUET_SUFFIXES", "read_records"]

JSONL_SUFFIXES: Final = (".jsonl", ".ndjson", ".json")
"""File names read as JSON lines (one JSON object a line)."""
PARQUET_SUFFIXES: Final = (".parquet",)
"""File names (or folders) read as Parquet; needs pyarrow."""


def read_records(
    path: str | os.PathLike[str], *, columns: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The records of ``path``, in file order: a ``.parquet`` file or folder (read in
    batches, needs pyarrow), anything else JSON lines (blank lines are skipped).

    Args:
        path: the file.
        columns: for Parquet, read only these columns (a missing one is an error).

    Raises:
        ValueError: a line that is not a JSON object (the message names the file and the
            line), or a Parquet file without one of ``columns``.
        dedup.MissingExtraError: Parquet input without pyarrow installed.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
    >>> _ = f.write_text('{"id": 1, "text": "a"}\\n\\n{"id": 2, "text": "b"}\\n')
    >>> [r["id"] for r in read_records(f)]
    [1, 2]
    """
    name = os.fspath(path)
    if name.lower().endswith(PARQUET_SUFFIXES) or os.path.isdir(name):
        yield from _parquet_records(name, columns)
    else:
        yield from _jsonl_records(name)


def _parquet_records(path: str, columns: Sequence[str] | None) -> Iterator[dict[str, Any]]:
    pq = require("pyarrow.parquet", extra="spark", feature="reading Parquet")
    source = pq.ParquetFile(path)
    if columns is not None:
        names = set(source.schema_arrow.names)
        for column in columns:
            if column not in names:
                raise ValueError(
                    f"{path} has no column {column!r}; its columns are: {', '.join(sorted(names))}"
                )
    for batch in source.iter_batches(batch_size=4096, columns=columns):
        yield from batch.to_pylist()


def _jsonl_records(path: str) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object")
            yield record
