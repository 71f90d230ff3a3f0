"""Stage 1, segment: text -> units with spans.

A unit is a non-blank line (what most extractors emit: one paragraph per line, bullets one
per line) or, for blocks that look like one hard-wrapped paragraph, the whole block. Line
terminators ``\\r\\n`` and ``\\n`` are recognised, and a lone ``\\r`` too in text that has no
``\\n`` at all (old Mac files); elsewhere a lone ``\\r`` belongs to its line. Terminators are
never altered.
"""

from __future__ import annotations

from itertools import accumulate
from operator import add, not_, sub
from typing import Final

import regex

from .config import SegmentMode
from .types import Segmentation

__all__ = ["segment"]

_BULLET_START: Final = regex.compile(
    r"\s*(?:[-*+\u2022\u00b7\u25aa\u25e6\u25cf\u2013\u2014>]|\d{1,3}[.)])\s"
)
_SENTENCE_END: Final = frozenset(".!?:;\"'\u201d\u2019)]\u3002\uff01\uff1f")

# A line: (content start, content end, terminator end)
_Line = tuple[int, int, int]


def segment(text: str, mode: SegmentMode = "auto") -> Segmentation:
    """Cut ``text`` into units.

    Args:
        text: the input.
        mode: ``"line"``, ``"block"`` or ``"auto"`` (see ``CleanConfig.segment``).

    Returns:
        The units in order, with the line and block layout rendering needs.

    >>> seg = segment("One.\\nTwo.\\n\\nThree.")
    >>> [seg.unit(i) for i in range(len(seg))]
    ['One.', 'Two.', 'Three.']
    >>> seg.block_units
    ((0, 1), (2,))
    """
    starts, ends, stops, blank = _read_lines(text)
    if any(blank):
        blocks, gaps = _blocks(starts, stops, blank, len(text))
    else:  # no blank line: one block
        blocks, gaps = ([(0, len(starts))], [(len(text), len(text))]) if starts else ([], [])

    unit_starts: list[int] = []
    unit_ends: list[int] = []
    line_ends: list[int] = []
    block_units: list[tuple[int, ...]] = []
    wrapped: dict[str, bool] = {}  # by the block's text: a repeated block is read once
    for a, b in blocks:  # the block's lines are a to b - 1
        first = len(unit_starts)
        several = b - a > 1
        if several and mode == "auto" and _widths_wrapped(starts[a:b], ends[a:b]):
            whole = text[starts[a] : ends[b - 1]]
            found = wrapped.get(whole)
            if found is None:
                found = wrapped[whole] = _looks_wrapped(text, starts[a:b], ends[a:b])
        else:
            found = False
        if several and (mode == "block" or found):  # the block is one unit
            unit_starts.append(starts[a])
            unit_ends.append(ends[b - 1])
            line_ends.append(stops[b - 1])
        else:  # a unit per line
            unit_starts += starts[a:b]
            unit_ends += ends[a:b]
            line_ends += stops[a:b]
        block_units.append(tuple(range(first, len(unit_starts))))
    return Segmentation(
        text,
        tuple(unit_starts),
        tuple(unit_ends),
        tuple(line_ends),
        tuple(block_units),
        tuple(gaps),
    )


def _lines(text: str) -> list[_Line]:
    """Every line of ``text`` as (content start, content end, terminator end).

    Lines end at ``\\n`` (the ``\\r`` of ``\\r\\n`` is part of the terminator). A lone
    ``\\r`` ends a line only in text without any ``\\n``.

    >>> _lines("a\\r\\nb\\rc\\n")
    [(0, 1, 3), (3, 6, 7)]
    >>> _lines("a\\rb")
    [(0, 1, 2), (2, 3, 3)]
    """
    starts, ends, stops, _ = _read_lines(text)
    return list(zip(starts, ends, stops, strict=True))


def _read_lines(text: str) -> tuple[list[int], list[int], list[int], list[bool]]:
    """:func:`_lines` as three lists (content starts, content ends, terminator ends), and
    for each line whether it is blank (white space only)."""
    has_newline = "\n" in text
    sep = "\n" if has_newline or "\r" not in text else "\r"
    size = len(text)
    parts = text.split(sep)
    lengths = list(map(len, parts))
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    del starts[-1]
    if starts[-1] >= size:  # the text ends with a terminator, or is empty
        del parts[-1], lengths[-1], starts[-1]
    ends = list(map(add, starts, lengths))
    stops = list(map((1).__add__, ends))
    if ends and ends[-1] == size:
        stops[-1] = size  # the last line has no terminator
    if has_newline and "\r" in text:
        for k, part in enumerate(parts):
            if part.endswith("\r") and ends[k] < size:
                ends[k] -= 1  # the \r of \r\n is part of the terminator
    # a line is blank when its content is white space (nothing is left once stripped); a
    # \r at its end is white space too
    blank = list(map(not_, map(str.strip, parts)))
    return starts, ends, stops, blank


def _blocks(
    starts: list[int], stops: list[int], blank: list[bool], size: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The blank-line separated blocks of the lines, each as the range of its lines (the
    first, and one past the last), and the span of the blank lines after each block (the
    end of the text after the last block when no blank line follows it)."""
    blocks: list[tuple[int, int]] = []
    gaps: list[tuple[int, int]] = []
    first = -1  # the first line of the block being read, or -1 between blocks
    for k, empty in enumerate(blank):
        if empty:
            if first >= 0:
                blocks.append((first, k))
                gaps.append((starts[k], stops[k]))
                first = -1
            elif gaps and gaps[-1][1] == starts[k]:
                gaps[-1] = (gaps[-1][0], stops[k])
        elif first < 0:
            first = k
    if first >= 0:
        blocks.append((first, len(blank)))
        gaps.append((size, size))
    return blocks, gaps


def _widths_wrapped(starts: list[int], ends: list[int]) -> bool:
    """The first test of :func:`_looks_wrapped`: the longest line is 40-100 characters."""
    widest: int = max(map(sub, ends, starts))
    return 40 <= widest <= 100


def _looks_wrapped(text: str, starts: list[int], ends: list[int]) -> bool:
    """True when a block of lines (their content ``starts`` and ``ends``) reads as one
    paragraph hard-wrapped at a fixed width.

    Every line but the last is long (at least 40 characters and within 25% of the
    longest), none is over 100 characters or starts with a bullet, and at least half of
    the line breaks fall mid-sentence: the next line goes on in lower case.
    """
    if len(starts) < 2:
        return False
    lengths = list(map(sub, ends, starts))
    widest = max(lengths)
    if widest > 100 or widest < 40:
        return False
    if any(length < 0.75 * widest for length in lengths[:-1]):
        return False
    if any(_BULLET_START.match(text, start, end) for start, end in zip(starts, ends, strict=True)):
        return False
    continued = 0
    for end, start, next_end in zip(ends[:-1], starts[1:], ends[1:], strict=True):
        head = text[start:next_end].lstrip()[:1]
        if text[end - 1] not in _SENTENCE_END and head.islower():
            continued += 1
    return 2 * continued >= len(starts) - 1
