"""``python -m benchmarks corpus PATH``: clean() and the baselines on your own documents.

Reads a JSON-lines file (``.jsonl``, ``.ndjson``, ``.json``: one JSON object per line) or a
Parquet file (``.parquet``, needs ``pyarrow``), takes the text from ``--text-field``, and
reports speed (docs/s, MB/s), how much text each method removes, ``clean()``'s removals per
rule and position, the documents with the most removals, and a seeded random sample of
removals next to the copy that was kept, to review by eye.
"""

from __future__ import annotations

import html
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import dedup
from dedup.cli.io import JSONL_SUFFIXES, PARQUET_SUFFIXES, read_records

from ._table import markdown, plain
from .methods import Method

__all__ = ["read_documents", "run"]

Section = tuple[str, Sequence[object], list[list[object]]]


def read_documents(path: Path, text_field: str, limit: int | None = None) -> list[str]:
    """The texts of the documents in ``path`` (read with dedup's own reader,
    :func:`dedup.cli.io.read_records`).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: unknown file type, a line that is not JSON, or no document has a
            string ``text_field`` (the message lists the fields that were found).
    """
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix not in JSONL_SUFFIXES + PARQUET_SUFFIXES:
        raise ValueError(f"{path}: unknown file type {suffix!r}; use .jsonl or .parquet")
    columns = [text_field] if suffix in PARQUET_SUFFIXES else None
    texts: list[str] = []
    fields: set[str] = set()
    try:
        for record in read_records(path, columns=columns):
            fields.update(record)
            value = record.get(text_field)
            if isinstance(value, str):
                texts.append(value)
            if limit is not None and len(texts) >= limit:
                break
    except ValueError as exc:
        if columns is None:
            raise
        raise ValueError(f"{exc} (choose one with --text-field)") from None
    if not texts:
        raise ValueError(
            f"no document in {path} has a string field {text_field!r}; fields found: "
            f"{', '.join(sorted(fields)) or 'none'} (choose one with --text-field)"
        )
    return texts


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def run(
    path: Path,
    methods: Sequence[Method],
    out_dir: Path,
    *,
    text_field: str = "text",
    quick: bool = False,
    limit: int | None = None,
    sample: int = 20,
    seed: int = 1,
    report: Path | None = None,
) -> str:
    """Run the corpus report; returns the terminal text."""
    docs = read_documents(
        path, text_field, limit if limit is not None else (200 if quick else None)
    )
    size = sum(len(d.encode("utf-8")) for d in docs)
    chars = sum(len(d) for d in docs)
    sections: list[Section] = []

    # speed and removed share, every method on the same documents
    rows: list[list[object]] = []
    clean_seconds = None
    seconds_of: dict[str, float] = {}
    for m in methods:
        t0 = time.perf_counter()
        removed_chars = 0
        touched = 0
        for d in docs:
            if m.name == "clean":
                gone = len(d) - len(dedup.clean(d))
            else:
                lines = d.splitlines()
                keep = m.keep(lines)
                kept = "\n".join(line for line, k in zip(lines, keep, strict=True) if k)
                gone = sum(len(line) + 1 for line, k in zip(lines, keep, strict=True) if not k)
                del kept
            removed_chars += gone
            touched += gone > 0
        seconds = time.perf_counter() - t0
        seconds_of[m.name] = seconds
        if m.name == "clean":
            clean_seconds = seconds
        rows.append(
            [
                m.name,
                len(docs) / seconds,
                size / seconds / 1e6,
                removed_chars / chars * 100 if chars else 0.0,
                touched,
                seconds,
            ]
        )
    for row, m in zip(rows, methods, strict=True):
        row.append(seconds_of[m.name] / clean_seconds if clean_seconds else float("nan"))
    sections.append(
        (
            f"{len(docs):,} documents, {size / 1e6:.2f} MB ({path.name}, field {text_field!r})",
            [
                "method",
                "docs/s",
                "MB/s",
                "% of text removed",
                "docs changed",
                "seconds",
                "time vs clean",
            ],
            rows,
        )
    )

    # clean()'s removals in detail
    per_rule: Counter[tuple[str, str]] = Counter()
    per_doc: list[tuple[int, int, float]] = []
    all_removals: list[tuple[int, dedup.Removal]] = []
    for k, d in enumerate(docs):
        rep = dedup.explain(d)
        for r in rep.removals:
            per_rule[(str(r.rule), r.position)] += 1
            all_removals.append((k, r))
        if rep.removals:
            per_doc.append((k, len(rep.removals), (len(d) - len(rep.text)) / max(len(d), 1)))
    sections.append(
        (
            "clean(): removals per rule and position",
            ["rule", "position", "removals"],
            [[rule, pos, n] for (rule, pos), n in sorted(per_rule.items())],
        )
    )
    per_doc.sort(key=lambda t: (-t[1], t[0]))
    sections.append(
        (
            "clean(): documents with the most removals",
            ["document (0-based line/row)", "removals", "% of its text"],
            [[k, n, share * 100] for k, n, share in per_doc[:10]],
        )
    )
    picked = random.Random(seed).sample(all_removals, min(sample, len(all_removals)))
    picked.sort(key=lambda t: (t[0], t[1].span))
    sections.append(
        (
            f"clean(): {len(picked)} removals sampled at random (seed {seed}) to review",
            ["doc", "rule", "similarity", "position", "removed", "kept twin"],
            [
                [k, str(r.rule), r.similarity, r.position, _short(r.text), _short(r.kept_text)]
                for k, r in picked
            ],
        )
    )

    term = []
    for title, header, body in sections:
        term += [title, plain(header, body) if body else "(none)", ""]
    md = ["# dedup corpus report", ""]
    for title, header, body in sections:
        md += [f"## {title}", "", markdown(header, body) if body else "(none)", ""]
    out_dir.mkdir(parents=True, exist_ok=True)
    default = out_dir / "corpus.md"
    default.write_text("\n".join(md), encoding="utf-8")
    written = [default]
    if report is not None:
        if report.suffix.lower() in (".html", ".htm"):
            report.write_text(_html(sections), encoding="utf-8")
        else:
            report.write_text("\n".join(md), encoding="utf-8")
        written.append(report)
    term.append("report: " + ", ".join(str(p) for p in written))
    return "\n".join(term)


def _html(sections: Sequence[Section]) -> str:
    from ._table import _fmt

    parts = [
        "<!doctype html><meta charset='utf-8'><title>dedup corpus report</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}"
        "td{max-width:40em}</style>",
        "<h1>dedup corpus report</h1>",
    ]
    for title, header, body in sections:
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if not body:
            parts.append("<p>(none)</p>")
            continue
        parts.append(
            "<table><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr>"
        )
        for row in body:
            parts.append(
                "<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in row) + "</tr>"
            )
        parts.append("</table>")
    return "\n".join(parts) + "\n"
