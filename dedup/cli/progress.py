"""Progress bars (tqdm) on standard error, drawn only where a person is watching.

A bar is drawn when standard error is a terminal, unless the command says otherwise
(``--progress`` / ``--no-progress``, ``--quiet``); output to a pipe or a file never gets
one. Messages printed while a bar is up go through :func:`above_bars`, so the bar is
cleared first and redrawn after.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from tqdm import tqdm

__all__ = ["above_bars", "progress_bar"]


def progress_bar(
    *,
    enabled: bool | None = None,
    total: int | None = None,
    desc: str | None = None,
    unit: str = "it",
    bar_format: str | None = None,
) -> tqdm[Any]:
    """A progress bar on standard error; advance it with ``update(n)``, ``close()`` it.

    Args:
        enabled: draw it (``True``), never (``False``), or when standard error is a
            terminal (``None``).
        total: how many steps make 100%; ``None`` for a counter with a rate.
        desc: a label in front.
        unit: what a step is, for the counter and rate.
        bar_format: tqdm's format of the line, for a bar of one's own.

    >>> bar = progress_bar(enabled=False, total=3)
    >>> bar.update(1)
    >>> bar.close()
    """
    draw = sys.stderr.isatty() if enabled is None else enabled
    columns, lines = _size() if draw else (None, None)
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        bar_format=bar_format,
        ascii=".#",
        file=sys.stderr,
        disable=not draw,
        leave=True,
        ncols=columns,
        nrows=lines,
    )


def _size() -> tuple[int, int]:
    """Columns and rows of the terminal on standard error, 80 x 24 where it reports none
    (a pseudo-terminal that was never given a size): tqdm draws nothing in zero rows."""
    try:
        columns, lines = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError):
        columns, lines = 0, 0
    return (columns if columns > 0 else 80, lines if lines > 0 else 24)


@contextlib.contextmanager
def above_bars() -> Iterator[None]:
    """Clear the bars on standard error while the block prints there, then redraw them."""
    with tqdm.external_write_mode(file=sys.stderr):
        yield
