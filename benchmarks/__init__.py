"""Evaluation and benchmarks for dedup (not part of the installed library).

Run from a checkout with the ``bench`` extra installed::

    python -m benchmarks accuracy --data ../shared/data
    python -m benchmarks speed
    python -m benchmarks corpus docs.jsonl --text-field text

Every command takes ``--quick`` for a seconds-long smoke run. Results go to
``benchmarks/out/`` (git-ignored); see ``docs/benchmarks.md`` for what each number means.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["OUT_DIR"]

OUT_DIR = Path(__file__).resolve().parent / "out"
"""Where results, plots and the extraction cache are written."""
