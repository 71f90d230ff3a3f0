"""``python -m benchmarks {accuracy,labels,synthetic,speed,corpus}``: see ``docs/benchmarks.md``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import OUT_DIR
from .methods import METHODS, available_methods

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Accuracy and speed of dedup.clean() and its baselines (docs/benchmarks.md).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    method_names = ", ".join(m.name for m in METHODS)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
        sp.add_argument("--out", type=Path, default=OUT_DIR, help="results folder")
        sp.add_argument(
            "--methods", default=None, help=f"comma-separated subset of: {method_names}"
        )

    acc = sub.add_parser("accuracy", help="real pages (--data) and the synthetic set")
    common(acc)
    acc.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("DEDUP_BENCH_DATA", "../shared/data")),
        help="folder holding aeb/ and wcxb/ (default ../shared/data)",
    )
    acc.add_argument("--limit", type=int, default=None, help="first N pages of each group")
    acc.add_argument(
        "--findings",
        type=Path,
        default=None,
        help="also write clean()'s full listing (with page text) to this file",
    )
    acc.add_argument("--no-synthetic", action="store_true", help="skip the synthetic set")
    acc.add_argument(
        "--sweep", action="store_true", help="also clean the article pages at thresholds 0.7-0.95"
    )
    acc.add_argument("--no-pages", action="store_true", help="skip the real pages")
    acc.add_argument(
        "--no-labels", action="store_true", help="skip the hand-labelled pages (labels/)"
    )

    lab = sub.add_parser("labels", help="precision/recall on the hand-labelled real pages")
    common(lab)
    lab.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("DEDUP_BENCH_DATA", "../shared/data")),
        help="folder holding aeb/ and wcxb/ (default ../shared/data)",
    )
    lab.add_argument("--labels", type=Path, default=None, help="labels file (jsonl)")
    lab.add_argument(
        "--no-copies",
        action="store_true",
        help="skip counting exact sentence-like copies on all article pages",
    )

    syn = sub.add_parser("synthetic", help="only the synthetic labelled set")
    common(syn)
    syn.add_argument("--seed", type=int, default=7)
    syn.add_argument("--docs", type=int, default=None, help="documents per kind of noise")

    spd = sub.add_parser("speed", help="throughput, stages, scaling, memory, baseline ratios")
    common(spd)
    spd.add_argument(
        "--max-units",
        type=int,
        default=None,
        help="largest input of the scaling run (default 100,000; 1,000 --quick)",
    )
    spd.add_argument("--skip-100mb", action="store_true", help="skip the 100 MB memory run")
    spd.add_argument("--profile", action="store_true", help="cProfile clean() on the articles")

    cor = sub.add_parser("corpus", help="clean() and baselines on your own documents")
    common(cor)
    cor.add_argument("path", type=Path, help="a .jsonl / .json-lines or .parquet file")
    cor.add_argument("--text-field", default="text", help="the field holding the text")
    cor.add_argument("--limit", type=int, default=None, help="read at most N documents")
    cor.add_argument("--sample", type=int, default=20, help="removals to show for review")
    cor.add_argument("--seed", type=int, default=1, help="seed of the review sample")
    cor.add_argument(
        "--report",
        type=Path,
        default=None,
        help="also write a report: .md for Markdown, .html for HTML",
    )
    return p


def _methods(spec: str | None) -> list:  # type: ignore[type-arg]
    if spec is None:
        return available_methods()
    names = [s.strip() for s in spec.split(",") if s.strip()]
    known = {m.name for m in METHODS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown method {unknown[0]!r}; choose from {', '.join(sorted(known))}")
    return available_methods(names)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one benchmark command; returns the exit status (2 for a bad file or option)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"python -m benchmarks {args.command}: error: {exc}", file=sys.stderr)
        return 2


LABEL_METHODS = ("clean", "exact-line", "rapidfuzz-seq")
"""Methods of ``python -m benchmarks labels`` when ``--methods`` is not given."""


def _run(args: argparse.Namespace) -> int:
    if args.command == "labels" and args.methods is None:
        args.methods = ",".join(LABEL_METHODS)
    methods = _methods(args.methods)
    missing = [m.name for m in METHODS if not m.available()]
    if missing:
        print(f"(not installed, skipped: {', '.join(missing)})", file=sys.stderr)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if args.command == "accuracy":
        from . import accuracy

        if not args.no_pages:
            if (args.data / "aeb").is_dir() or (args.data / "wcxb").is_dir():
                print(
                    accuracy.run(
                        args.data,
                        methods,
                        out,
                        quick=args.quick,
                        limit=args.limit,
                        findings=args.findings,
                        sweep=args.sweep,
                    )
                )
            else:
                print(
                    f"no corpora under {args.data} (expected aeb/ or wcxb/): "
                    "real-page accuracy skipped; pass --data",
                    file=sys.stderr,
                )
        if not args.no_labels and not args.no_pages:
            from . import labelled

            if labelled.LABELS_FILE.is_file() and (args.data / "aeb").is_dir():
                print(labelled.run(args.data, methods, out, cache_dir=out / "cache"))
        if not args.no_synthetic:
            from . import synthetic

            print(synthetic.run(methods, out, quick=args.quick))
    elif args.command == "labels":
        from . import labelled

        print(
            labelled.run(
                args.data,
                methods,
                out,
                labels=args.labels or labelled.LABELS_FILE,
                copies=not args.no_copies,
                cache_dir=out / "cache",
            )
        )
    elif args.command == "synthetic":
        from . import synthetic

        print(synthetic.run(methods, out, quick=args.quick, seed=args.seed, docs=args.docs))
    elif args.command == "speed":
        from . import speed

        print(
            speed.run(
                methods,
                out,
                quick=args.quick,
                max_units=args.max_units,
                skip_100mb=args.skip_100mb,
                profile=args.profile,
            )
        )
    elif args.command == "corpus":
        from . import corpus

        print(
            corpus.run(
                args.path,
                methods,
                out,
                text_field=args.text_field,
                quick=args.quick,
                limit=args.limit,
                sample=args.sample,
                seed=args.seed,
                report=args.report,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
