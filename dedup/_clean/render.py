"""Stage 6, render: decisions -> output text with the original separators, and the report.

A removed line takes its own line terminator with it. When every unit of a blank-line block
goes, the block also takes one blank-line separator with it (the one before it, or the one
after it when no kept block precedes it), so no double blank lines are left behind. When the
input does not end with a line terminator, neither does the output. Every kept character is
copied from the input unchanged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable

from .types import Decision, Removal, Report, Segmentation, Span

__all__ = ["apply_removals", "cut", "deleted_spans", "render", "render_text"]


def render(
    seg: Segmentation, decisions: tuple[Decision, ...], also: Collection[int] = ()
) -> tuple[Report, dict[int, Span]]:
    """Build the cleaned text and the report from the removed units.

    ``also`` names further units to delete that are not copies within the text (the
    corpus's site boilerplate). Returns the report and the span deleted for each unit
    removed, ``also`` included.
    """
    if not decisions and not also:
        return Report(text=seg.text, removals=(), units=len(seg)), {}
    gone = {d.index for d in decisions}.union(also)
    deleted = deleted_spans(seg, gone)
    starts, ends = seg.starts, seg.ends
    removals = tuple(
        Removal(
            span=(starts[d.index], ends[d.index]),
            text=seg.unit(d.index),
            kept_span=(starts[d.kept], ends[d.kept]),
            kept_text=seg.unit(d.kept),
            similarity=d.similarity,
            rule=d.rule,
            position=d.position,
            deleted_span=deleted[d.index],
        )
        for d in decisions
    )
    text = cut(seg.text, deleted.values())
    return Report(text=text, removals=removals, units=len(seg)), deleted


def render_text(seg: Segmentation, decisions: tuple[Decision, ...]) -> str:
    """The cleaned text alone: ``render(seg, decisions)[0].text`` without the report."""
    if not decisions:
        return seg.text
    return cut(seg.text, deleted_spans(seg, {d.index for d in decisions}).values())


def apply_removals(text: str, removals: Iterable[Removal]) -> str:
    """Delete every removal's ``deleted_span`` from ``text``: replays a report.

    >>> import dedup
    >>> original = "Crowds fill the main square at dusk\\n" * 2 + "The end."
    >>> report = dedup.explain(original)
    >>> apply_removals(original, report.removals) == report.text
    True
    """
    return cut(text, (r.deleted_span for r in removals))


def cut(text: str, spans: Iterable[Span]) -> str:
    """``text`` without the given disjoint spans."""
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            raise ValueError(f"removal spans overlap at offset {start}; was the report edited?")
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def deleted_spans(seg: Segmentation, gone: Collection[int]) -> dict[int, Span]:
    """The span of the input deleted for each unit of ``gone``: its line with its
    terminator, and one blank-line separator when its whole block goes."""
    starts, line_ends = seg.starts, seg.line_ends
    units = sorted(gone)
    spans = {u: (starts[u], line_ends[u]) for u in units}
    blocks = seg.block_units
    if len(blocks) > 1:  # the blocks that go whole
        firsts = [members[0] for members in blocks]
        touched = sorted({bisect_right(firsts, u) - 1 for u in units})
        whole = [b for b in touched if all(u in spans for u in blocks[b])]
    else:
        whole = [0] if blocks and len(units) == len(blocks[0]) else []
    kept_before = 0  # the first block that does not go whole
    for b in whole:
        if b != kept_before:
            break
        kept_before += 1
    for b in whole:
        members = blocks[b]
        if b > kept_before:  # a kept block before: take the blank lines before it
            first = members[0]
            gap_start, _ = seg.block_gaps[b - 1]
            spans[first] = (gap_start, spans[first][1])
        else:  # take the blank lines after it
            last = members[-1]
            _, gap_end = seg.block_gaps[b]
            spans[last] = (spans[last][0], gap_end)
    _keep_missing_final_newline(seg, gone, spans)
    return spans


def _keep_missing_final_newline(
    seg: Segmentation, gone: Collection[int], spans: dict[int, Span]
) -> None:
    """When the input ends without a line terminator and its last units go, the last
    kept unit's terminator goes with them, so the output ends without one too."""
    last = len(seg) - 1
    if last not in gone or seg.line_ends[last] != seg.ends[last] or last not in spans:
        return
    kept = last
    while kept >= 0 and kept in gone:
        kept -= 1
    if kept < 0:
        return
    first_gone = kept + 1
    start, end = spans[first_gone]
    if start == seg.line_ends[kept]:
        spans[first_gone] = (seg.ends[kept], end)
