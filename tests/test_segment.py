"""Stage 1: segment."""

from __future__ import annotations

import pytest

from dedup._clean.segment import segment


def _units(text: str, mode: str = "auto") -> list[str]:
    seg = segment(text, mode)  # type: ignore[arg-type]
    return [seg.unit(i) for i in range(len(seg))]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_and_blocks_for_every_line_ending(newline: str) -> None:
    text = newline.join(["One.", "Two.", "", "", "Three."])
    seg = segment(text)
    assert _units(text) == ["One.", "Two.", "Three."]
    assert seg.block_units == ((0, 1), (2,))
    gap_start, gap_end = seg.block_gaps[0]
    assert text[gap_start:gap_end] == newline * 2


def test_bullets_are_one_unit_each() -> None:
    text = "Summary\n  \u2022 First point here\n  \u2022 Second point here"
    assert _units(text) == ["Summary", "  \u2022 First point here", "  \u2022 Second point here"]


def test_hard_wrapped_paragraph_is_one_unit_in_auto_mode() -> None:
    text = (
        "The committee met again on Monday to discuss the spending plan for the\n"
        "next year, and members disagreed over how much money should go to the\n"
        "new tram line."
    )
    assert _units(text) == [text]
    assert len(_units(text, "line")) == 3


def test_lines_starting_with_capitals_are_not_taken_for_wrapping() -> None:
    text = (
        "Rescue boats ferry residents across the flooded market square\n"
        "Rescue boats ferry residents across the flooded market square (pictured)"
    )
    assert len(_units(text)) == 2


def test_block_mode_and_whitespace_only_lines() -> None:
    text = "a b\nc d\n \t \ne f"
    assert _units(text, "block") == ["a b\nc d", "e f"]


@pytest.mark.parametrize("text", ["", "\n", "\n\n\n", " \t "])
def test_no_units_in_blank_text(text: str) -> None:
    assert len(segment(text)) == 0
