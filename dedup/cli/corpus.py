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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .. import Corpus, CorpusConfig, DedupError, MissingExtraError
from .._extras import require
from .flags import add_config_arguments, config_from_args, flag_of
from .io import read_records
from .progress import progress_bar

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``corpus`` subcommand to a ``dedup`` command line."""
    p = subparsers.add_parser(
        "corpus",
        help="remove near-duplicate documents and site boilerplate from a crawl",
        description=(
            "Deduplicate the documents of a JSONL or Parquet file: near-duplicate documents "
            "are dropped (by default the first copy is kept) and kept documents are "
            "cleaned. A rerun skips what is already done."
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
    p.add_argument("--no-clean", action="store_true", help="write kept texts unchanged")
    p.add_argument("--spark", metavar="MASTER_URL", default=None,
                   help="run on Apache Spark (e.g. local[2] or spark://host:7077)")  # fmt: skip
    p.add_argument("--batch-size", type=int, default=512, help="documents per transaction")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: only when stderr is a terminal)",
    )
    index = add_config_arguments(p, CorpusConfig, title="index options")
    index.add_argument(
        "--threshold",
        dest="min_jaccard",
        type=float,
        metavar="X",
        action=_DeprecatedAlias,
        default=argparse.SUPPRESS,
        help="deprecated: the old name of --min-jaccard",
    )
    p.set_defaults(func=run)


class _DeprecatedAlias(argparse.Action):
    """Store the value like the flag it stands for, with a note on stderr to use that."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        print(f"dedup: {option_string} is deprecated; use {flag_of(self.dest)}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def run(args: argparse.Namespace) -> int:
    """Run ``dedup corpus``; returns the exit status.

    Raises:
        CommandError: an index option is out of range (the message names the flag).
        dedup.MissingExtraError: the input or ``--spark`` needs a package that is not
            installed.
    """
    config = config_from_args(args, CorpusConfig)
    try:
        if args.spark:
            return _run_spark(args, config)
        return _run_stream(args, config)
    except MissingExtraError:
        raise
    except (DedupError, OSError, ValueError, KeyError) as exc:
        print(f"dedup corpus: error: {exc}", file=sys.stderr)
        return 1


def _removed_path(args: argparse.Namespace) -> str:
    if args.removed:
        return str(args.removed)
    return os.path.join(os.path.dirname(args.output), "removed.jsonl")


def _run_stream(args: argparse.Namespace, config: CorpusConfig) -> int:
    if not args.output.endswith((".jsonl", ".json", ".ndjson")):
        raise ValueError(f"output {args.output!r} must be a .jsonl file (Parquet with --spark)")
    store = args.store
    if store is None:
        store = "sqlite:///" + os.path.abspath(args.output) + ".index.db"
    elif store == "memory":
        store = None
    removed_path = _removed_path(args)
    progress = _progress(args, "indexing")
    with Corpus(store, config=config) as corpus:
        batch: list[tuple[str, str, str | None]] = []
        for rec in read_records(args.input):
            batch.append(_fields(rec, args))
            if len(batch) >= args.batch_size:
                corpus.add_many(batch)
                progress.update(len(batch))
                batch = []
        if batch:
            corpus.add_many(batch)
            progress.update(len(batch))
        progress.close()

        done = _written_ids(args.output, args.id_field) | _written_ids(removed_path, "doc_id")
        progress = _progress(args, "writing")
        kept = removed = 0
        with (
            open(args.output, "a", encoding="utf-8") as out,
            open(removed_path, "a", encoding="utf-8") as rep,
        ):
            for rec in read_records(args.input):
                doc_id, text, site = _fields(rec, args)
                progress.update(1)
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
                    entry = v.to_dict() if v is not None else {"doc_id": doc_id, "duplicate": True}
                    _write(rep, entry)
                    removed += 1
        progress.close()
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
            ids.add(str(rec[field] if field in rec else rec["id"]))  # "id": older reports
            good += len(raw)
    if good != os.path.getsize(path):
        with open(path, "r+b") as fh:
            fh.truncate(good)
    return ids


def _write(fh: TextIO, rec: dict[str, Any]) -> None:
    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _progress(args: argparse.Namespace, label: str) -> tqdm[Any]:
    """A document counter with a rate, on stderr (see ``--progress``)."""
    return progress_bar(enabled=args.progress, desc=label, unit=" documents")


def _run_spark(args: argparse.Namespace, config: CorpusConfig) -> int:
    spark_sql = require("pyspark.sql", extra="spark", feature="dedup corpus --spark")

    from ..spark import deduplicate, read_documents, session, write_documents

    running = spark_sql.SparkSession.getActiveSession()
    spark = session(args.spark)
    try:
        df = read_documents(spark, args.input)
        kept, removed = deduplicate(df, config, text_col=args.text_field, id_col=args.id_field)
        write_documents(kept, args.output)
        write_documents(removed, _removed_path(args))
    finally:
        if running is None:
            spark.stop()
    print(f"dedup corpus: wrote {args.output} and {_removed_path(args)}", file=sys.stderr)
    return 0
