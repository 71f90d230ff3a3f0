"""PNG plots (matplotlib, headless). Each function returns False when matplotlib is absent."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["plot_scaling", "plot_threshold_curve"]


def _pyplot() -> Any:
    if importlib.util.find_spec("matplotlib") is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_threshold_curve(
    curve: Sequence[tuple[float, Any]],
    baseline: Sequence[tuple[float, Any]],
    path: Path,
    default: float = 0.8,
) -> bool:
    """Precision, recall and F1 of clean() against the threshold, and the P/R curve."""
    plt = _pyplot()
    if plt is None:
        return False
    ts = [t for t, _ in curve]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), dpi=90)
    ax1.plot(ts, [s.precision for _, s in curve], "o-", label="clean precision", ms=3)
    ax1.plot(ts, [s.recall for _, s in curve], "s-", label="clean recall", ms=3)
    ax1.plot(ts, [s.f1 for _, s in curve], "^-", label="clean F1", ms=3)
    ax1.plot(ts, [s.f1 for _, s in baseline], ":", color="grey", label="rapidfuzz-seq F1")
    ax1.axvline(default, color="k", lw=0.8, ls="--", label=f"default {default}")
    ax1.set_xlabel("threshold (similarity 0-1; rapidfuzz cutoff/100)")
    ax1.set_ylim(0, 1.02)
    ax1.set_title("Synthetic set: scores over the threshold")
    ax1.legend(fontsize=8, loc="lower left")
    ax2.plot(
        [s.recall for _, s in curve], [s.precision for _, s in curve], "o-", ms=3, label="clean"
    )
    ax2.plot(
        [s.recall for _, s in baseline],
        [s.precision for _, s in baseline],
        "x:",
        color="grey",
        ms=3,
        label="rapidfuzz-seq",
    )
    for t, s in curve:
        if abs(t - default) < 1e-9:
            ax2.annotate(
                f"{t}",
                (s.recall, s.precision),
                textcoords="offset points",
                xytext=(5, -12),
                fontsize=8,
            )
            ax2.plot([s.recall], [s.precision], "k*", ms=10)
    ax2.set_xlabel("recall")
    ax2.set_ylabel("precision")
    ax2.set_xlim(0, 1.02)
    ax2.set_ylim(0, 1.02)
    ax2.set_title("Precision / recall (star: default)")
    ax2.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def plot_scaling(
    points: Mapping[str, Sequence[tuple[int, float]]], exponent: float, path: Path
) -> bool:
    """Seconds against units, log-log, one line per method."""
    plt = _pyplot()
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(6, 4.2), dpi=90)
    for name, pts in points.items():
        if pts:
            ax.loglog([n for n, _ in pts], [s for _, s in pts], "o-", ms=3, label=name)
    ax.set_xlabel("units (lines) in one input")
    ax.set_ylabel("seconds")
    ax.set_title(f"Scaling (clean() fitted exponent {exponent:.2f})")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True
