"""Stage 1, segment: text -> units with spans.

A unit is a non-blank line (what most extractors emit: one paragraph per line, bullets one
per line) or, for blocks that look like one hard-wrapped paragraph, the whole block. Line
terminators ``\\r\\n``, ``\\r`` and ``\\n`` are all recognised and never altered.
"""

from __future__ import annotations

import itertools
from typing import Final

import regex

from ._config import SegmentMode
from ._types import Segmentation, Unit

__all__ = ["segment"]

_LINE: Final = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET_START: Final = regex.compile(
    r"\s*(?:[-*+\u2022\u00b7\u25aa\u25e6\u25cf\u2013\u2014>]|\d{1,3}[.)])\s"
)
_SENTENCE_END: Final = frozenset(".!?:;\"'\u201d\u2019)]\u3002\uff01\uff1f")


def segment(text: str, mode: SegmentMode = "auto") -> Segmentation:
    """Cut ``text`` into units.

    Args:
        text: the input.
        mode: ``"line"``, ``"block"`` or ``"auto"`` (see ``CleanConfig.segment``).

    Returns:
        The units in order, with the line and block layout rendering needs.

    >>> seg = segment("One.\\nTwo.\\n\\nThree.")
    >>> [seg.text[u.start:u.end] for u in seg.units]
    ['One.', 'Two.', 'Three.']
    >>> [u.block for u in seg.units]
    [0, 0, 1]
    """
    # Each entry: (content start, content end, terminator end, blank?)
    lines: list[tuple[int, int, int, bool]] = []
    for m in _LINE.finditer(text):
        start, stop = m.span()
        if start == stop:
            break
        body_end = stop
        while body_end > start and text[body_end - 1] in "\r\n":
            body_end -= 1
        lines.append((start, body_end, stop, text[start:body_end].isspace() or start == body_end))

    # Group non-blank lines into blocks, remembering the blank run after each block.
    blocks: list[list[tuple[int, int, int]]] = []
    gaps: list[tuple[int, int]] = []
    current: list[tuple[int, int, int]] = []
    gap_start = -1
    for start, end, stop, blank in lines:
        if blank:
            if current:
                blocks.append(current)
                gaps.append((start, stop))
                current = []
                gap_start = len(gaps) - 1
            elif gap_start >= 0:
                gaps[gap_start] = (gaps[gap_start][0], stop)
            continue
        current.append((start, end, stop))
        gap_start = -1
    if current:
        blocks.append(current)
        gaps.append((len(text), len(text)))

    units: list[Unit] = []
    line_ends: list[int] = []
    block_units: list[tuple[int, ...]] = []
    for b, block in enumerate(blocks):
        first = len(units)
        if mode == "block" or (mode == "auto" and _looks_wrapped(text, block)):
            units.append(Unit(len(units), block[0][0], block[-1][1], b))
            line_ends.append(block[-1][2])
        else:
            for start, end, stop in block:
                units.append(Unit(len(units), start, end, b))
                line_ends.append(stop)
        block_units.append(tuple(range(first, len(units))))
    return Segmentation(text, tuple(units), tuple(line_ends), tuple(block_units), tuple(gaps))


def _looks_wrapped(text: str, block: list[tuple[int, int, int]]) -> bool:
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
