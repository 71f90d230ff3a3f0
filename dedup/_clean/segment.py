"""Stage 1, segment: text -> units with spans.

A unit is a non-blank line (what most extractors emit: one paragraph per line, bullets one
per line) or, for blocks that look like one hard-wrapped paragraph, the whole block. Line
terminators ``\\r\\n`` and ``\\n`` are recognised, and a lone ``\\r`` too in text that has no
``\\n`` at all (old Mac files); elsewhere a lone ``\\r`` belongs to its line. Terminators are
never altered.
"""

from __future__ import annotations

import itertools
from itertools import accumulate
from operator import add, not_
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
    lines, blank = _read_lines(text)
    if any(blank):
        blocks, gaps = _blocks(lines, blank, len(text))
    else:  # no blank line: one block
        blocks, gaps = ([lines], [(len(text), len(text))]) if lines else ([], [])

    starts: list[int] = []
    ends: list[int] = []
    line_ends: list[int] = []
    block_units: list[tuple[int, ...]] = []
    wrapped: dict[str, bool] = {}  # by the block's text: a repeated block is read once
    for block in blocks:
        first = len(starts)
        if len(block) == 1:  # one line, one unit
            start, end, stop = block[0]
            starts.append(start)
            ends.append(end)
            line_ends.append(stop)
            block_units.append((first,))
            continue
        if mode == "auto" and _widths_wrapped(block):
            whole = text[block[0][0] : block[-1][1]]
            found = wrapped.get(whole)
            if found is None:
                found = wrapped[whole] = _looks_wrapped(text, block)
        else:
            found = False
        if mode == "block" or found:
            starts.append(block[0][0])
            ends.append(block[-1][1])
            line_ends.append(block[-1][2])
        else:
            block_starts, block_ends, block_stops = zip(*block, strict=True)
            starts += block_starts
            ends += block_ends
            line_ends += block_stops
        block_units.append(tuple(range(first, len(starts))))
    return Segmentation(
        text, tuple(starts), tuple(ends), tuple(line_ends), tuple(block_units), tuple(gaps)
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
    return _read_lines(text)[0]


def _read_lines(text: str) -> tuple[list[_Line], list[bool]]:
    """:func:`_lines`, and for each line whether it is blank (white space only)."""
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
    return list(zip(starts, ends, stops, strict=True)), blank


def _blocks(
    lines: list[_Line], blank: list[bool], size: int
) -> tuple[list[list[_Line]], list[tuple[int, int]]]:
    """The blank-line separated blocks of ``lines``, and the span of the blank lines after
    each block (the end of the text after the last block when no blank line follows it)."""
    blocks: list[list[_Line]] = []
    gaps: list[tuple[int, int]] = []
    current: list[_Line] = []
    for (start, end, stop), empty in zip(lines, blank, strict=True):
        if empty:
            if current:
                blocks.append(current)
                gaps.append((start, stop))
                current = []
            elif gaps and gaps[-1][1] == start:
                gaps[-1] = (gaps[-1][0], stop)
            continue
        current.append((start, end, stop))
    if current:
        blocks.append(current)
        gaps.append((size, size))
    return blocks, gaps


def _widths_wrapped(block: list[_Line]) -> bool:
    """The first test of :func:`_looks_wrapped`: the longest line is 40-100 characters."""
    return 40 <= max(end - start for start, end, _ in block) <= 100


def _looks_wrapped(text: str, block: list[_Line]) -> bool:
    """True when a block reads as one paragraph hard-wrapped at a fixed width.

    Every line but the last is long (at least 40 characters and within 25% of the
    longest), none is over 100 characters or starts with a bullet, and at least half of
    the line breaks fall mid-sentence: the next line goes on in lower case.
    """
    if len(block) < 2:
        return False
    lengths = [end - start for start, end, _ in block]
    widest = max(lengths)
    if widest > 100 or widest < 40:
        return False
    if any(length < 0.75 * widest for length in lengths[:-1]):
        return False
    if any(_BULLET_START.match(text, start, end) for start, end, _ in block):
        return False
    continued = 0
    for (_, end, _), (start, next_end, _) in itertools.pairwise(block):
        head = text[start:next_end].lstrip()[:1]
        if text[end - 1] not in _SENTENCE_END and head.islower():
            continued += 1
    return 2 * continued >= len(block) - 1
