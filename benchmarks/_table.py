"""Tables printed to the terminal and written as Markdown."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["markdown", "plain"]

Row = Sequence[object]


def _cells(rows: Sequence[Row]) -> list[list[str]]:
    return [[_fmt(c) for c in row] for row in rows]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def plain(header: Row, rows: Sequence[Row]) -> str:
    """A fixed-width table for the terminal.

    >>> print(plain(["a", "b"], [[1, 2.5], ["xy", 1000]]))
    a   b
    --  -----
    1   2.50
    xy  1,000
    """
    cells = _cells([header, *rows])
    widths = [max(len(r[k]) for r in cells) for k in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(header: Row, rows: Sequence[Row]) -> str:
    """A GitHub-flavoured Markdown table.

    >>> print(markdown(["a", "b"], [[1, "x|y"]]))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    cells = _cells([header, *rows])
    esc = [[c.replace("|", "\\|") for c in row] for row in cells]
    out = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in esc[1:]]
    return "\n".join(out)
