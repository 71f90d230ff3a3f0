"""The public API: clean(), explain(), errors, the report."""

from __future__ import annotations

import pytest

import dedup

CAPTION = "Firefighters hose down the roof of the burning warehouse near the docks"


def test_exact_adjacent_copy_is_removed() -> None:
    text = f"Intro paragraph of the story goes here.\n{CAPTION}\n{CAPTION}\nEnd of story."
    assert dedup.clean(text) == f"Intro paragraph of the story goes here.\n{CAPTION}\nEnd of story."


@pytest.mark.parametrize("bad", [b"bytes", None, 3, ["a"]])
def test_non_str_input_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="text must be str"):
        dedup.clean(bad)  # type: ignore[arg-type]


def test_bytes_error_says_decode() -> None:
    with pytest.raises(TypeError, match="decode"):
        dedup.clean(b"x")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t \r\n"])
def test_empty_and_blank_text_comes_back_unchanged(text: str) -> None:
    assert dedup.clean(text) == text
