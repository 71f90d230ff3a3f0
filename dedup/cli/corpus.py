"""The ``dedup corpus`` command: deduplicate a crawl (JSONL or Parquet) through a Corpus.

Two passes over the input: the first adds every document to the index (near-duplicate
verdicts, per-site line statistics), the second writes the kept documents, cleaned, to
the output and the removed ones to ``removed.jsonl``. Both passes are resumable: the index
is an SQLite file (``--store``, by default ``OUT.index.db``), adding a known id changes
nothing, and the second pass skips the ids already in the output files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

from .. import Corpus, DedupError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``corpus`` subcommand to a ``dedup`` command line."""
    p = subparsers.add_parser(
        "corpus",
        help="remove near-duplicate documents and site boilerplate from a crawl",
        description=(
            "Deduplicate the documents of a JSONL or Parquet file: near-duplicate documents "
            "are dropped (the first copy is kept) and kept documents are cleaned. A rerun "
            "skips what is already done."
        ),
    )
    p.add_argument("input", help="input file: .jsonl (one JSON object a line) or .parquet")
    p.add_argument("-o", "--output", required=True, help="output JSONL file of kept documents")
    p.add_argument("--text-field", default="text", help="field holding the text (default: text)")
    p.add_argument("--id-field", default="id", help="field holding a unique id (default: id)")
    p.add_argument("--site-field", default=None, help="field naming the site, e.g. domain")
    p.add_argument(
        "--store",
        default=None,
        help="index: sqlite:///path.db, redis://host:port/db or 'memory' "
        "(default: sqlite next to the output, OUTPUT.index.db)",
    )
    p.add_argument("--removed", default=None, help="report of removed documents "
                   "(default: removed.jsonl next to the output)")  # fmt: skip
    p.add_argument("--threshold", type=float, default=0.7, help="Jaccard threshold (0.5-1)")
    p.add_argument("--keep", choices=("first", "longest"), default="first")
    p.add_argument("--no-clean", action="store_true", help="write kept texts unchanged")
    p.add_argument("--spark", metavar="MASTER_URL", default=None,
                   help="run on Apache Spark (e.g. local[2] or spark://host:7077)")  # fmt: skip
    p.add_argument("--batch-size", type=int, default=512, help="documents per transaction")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``dedup corpus``; returns the exit status."""
    try:
        if args.spark:
            return _run_spark(args)
        return _run_stream(args)
    except (DedupError, OSError, ValueError, KeyError) as exc:
        print(f"dedup corpus: error: {exc}", file=sys.stderr)
        return 1


def _removed_path(args: argparse.Namespace) -> str:
    if args.removed:
        return str(args.removed)
    return os.path.join(os.path.dirname(args.output), "removed.jsonl")


def _run_stream(args: argparse.Namespace) -> int:
    if not args.output.endswith((".jsonl", ".json", ".ndjson")):
        raise ValueError(f"output {args.output!r} must be a .jsonl file (Parquet with --spark)")
    store = args.store
    if store is None:
        store = "sqlite:///" + os.path.abspath(args.output) + ".index.db"
    elif store == "memory":
        store = None
    removed_path = _removed_path(args)
    progress = _Progress("indexing")
    with Corpus(store, threshold=args.threshold, keep=args.keep) as corpus:
        batch: list[tuple[str, str, str | None]] = []
        for rec in _records(args.input):
            batch.append(_fields(rec, args))
            if len(batch) >= args.batch_size:
                corpus.add_many(batch)
                progress.step(len(batch))
                batch = []
        if batch:
            corpus.add_many(batch)
            progress.step(len(batch))
        progress.done()

        done = _written_ids(args.output, args.id_field) | _written_ids(removed_path, "id")
        progress = _Progress("writing")
        kept = removed = 0
        with (
            open(args.output, "a", encoding="utf-8") as out,
            open(removed_path, "a", encoding="utf-8") as rep,
        ):
            for rec in _records(args.input):
                doc_id, text, site = _fields(rec, args)
                progress.step(1)
                if doc_id in done:
                    continue
                done.add(doc_id)
                if doc_id in corpus:
                    if not args.no_clean:
                        rec = dict(rec)
                        rec[args.text_field] = corpus.clean(doc_id, text, site=site)
                    _write(out, rec)
                    kept += 1
                else:
                    v = corpus.verdict(doc_id)
                    entry = v.to_dict() if v is not None else {"id": doc_id, "duplicate": True}
                    _write(rep, entry)
                    removed += 1
        progress.done()
    print(
        f"dedup corpus: {kept} kept, {removed} removed (this run); report: {removed_path}",
        file=sys.stderr,
    )
    return 0


def _fields(rec: dict[str, Any], args: argparse.Namespace) -> tuple[str, str, str | None]:
    try:
        doc_id = rec[args.id_field]
        text = rec[args.text_field]
    except KeyError as exc:
        raise ValueError(
            f"a record of {args.input} has no field {exc.args[0]!r}; "
            f"its fields are {sorted(rec)}; use --id-field/--text-field"
        ) from None
    site = rec.get(args.site_field) if args.site_field else None
    if not isinstance(text, str):
        raise ValueError(f"field {args.text_field!r} of record {doc_id!r} is not a string")
    return str(doc_id), text, None if site is None else str(site)


def _records(path: str) -> Iterator[dict[str, Any]]:
    if path.endswith(".parquet") or os.path.isdir(path):
        try:
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ValueError(
                "reading Parquet needs pyarrow: pip install 'news-dedup[spark]'"
            ) from exc
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            yield from batch.to_pylist()
        return
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(rec, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object")
            yield rec


def _written_ids(path: str, field: str) -> set[str]:
    """Ids already in an output file; a torn last line (a crash mid-write) is cut off."""
    ids: set[str] = set()
    if not os.path.exists(path):
        return ids
    good = 0
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError:
                break
            ids.add(str(rec[field]))
            good += len(raw)
    if good != os.path.getsize(path):
        with open(path, "r+b") as fh:
            fh.truncate(good)
    return ids


def _write(fh: TextIO, rec: dict[str, Any]) -> None:
    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


class _Progress:
    """A one-line progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.count = 0
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def step(self, n: int) -> None:
        self.count += n
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.last >= 0.2:
            self.last = now
            rate = self.count / max(now - self.start, 1e-9)
            sys.stderr.write(f"\r{self.label}: {self.count:,} documents ({rate:,.0f}/s)")
            sys.stderr.flush()

    def done(self) -> None:
        if self.tty:
            self.last = 0.0
            self.step(0)
            sys.stderr.write("\n")


def _run_spark(args: argparse.Namespace) -> int:
    from pyspark.sql import SparkSession

    from ..spark import deduplicate, read_documents, session, write_documents

    running = SparkSession.getActiveSession()
    spark = session(args.spark)
    try:
        df = read_documents(spark, args.input)
        kept, removed = deduplicate(
            df,
            text_col=args.text_field,
            id_col=args.id_field,
            threshold=args.threshold,
            keep=args.keep,
        )
        write_documents(kept, args.output)
        write_documents(removed, _removed_path(args))
    finally:
        if running is None:
            spark.stop()
    print(f"dedup corpus: wrote {args.output} and {_removed_path(args)}", file=sys.stderr)
    return 0
