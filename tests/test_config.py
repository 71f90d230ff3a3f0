"""CleanConfig: defaults, validation, overrides."""

from __future__ import annotations

import dataclasses

import pytest

import dedup
from dedup import CleanConfig, ConfigError


def test_frozen_and_keyword_only() -> None:
    config = CleanConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.threshold = 0.9  # type: ignore[misc]
    with pytest.raises(TypeError):
        CleanConfig(0.9)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("threshold", 1.5, "threshold must be a number from 0.5 to 1.0, got 1.5"),
        ("threshold", "high", "threshold must be a number"),
        ("threshold", float("nan"), "threshold must be a number"),
        ("keep", "last", "keep must be one of 'first', 'longest', got 'last'"),
        ("scope", "pages", "scope must be one of 'adjacent', 'runs', 'page', 'document'"),
        ("segment", "words", "segment must be one of"),
        ("min_run", 1, "min_run must be a whole number from 2"),
        ("min_chars", -1, "min_chars must be a whole number from 0"),
        ("min_words", 2.5, "min_words must be a whole number"),
        ("protect_structure", "yes", "protect_structure must be True or False"),
        ("max_chars", 0, "max_chars must be a whole number from 1"),
        ("seed", -1, "seed must be a whole number from 0"),
    ],
)
def test_bad_values_name_the_option(option: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CleanConfig(**{option: value})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=option):
        dedup.clean("text", **{option: value})


def test_unknown_option_lists_the_options() -> None:
    with pytest.raises(ConfigError, match=r"unknown option 'treshold'.*threshold"):
        dedup.clean("text", treshold=0.9)


def test_config_must_be_a_config() -> None:
    with pytest.raises(TypeError, match=r"config must be a dedup\.CleanConfig"):
        dedup.clean("text", {"threshold": 0.9})  # type: ignore[arg-type]


def test_overrides_apply_on_top_of_a_config() -> None:
    base = CleanConfig(threshold=0.95)
    a = "Thousands of people march through the old town demanding the resignation of the mayor"
    b = "Thousands of people march through the old town calling for the resignation of the mayor"
    text = f"{a}\n{b}"
    assert dedup.clean(text, base) == text
    assert dedup.clean(text, base, threshold=0.8) == a


def test_max_chars() -> None:
    with pytest.raises(dedup.InputTooLargeError, match="more than max_chars=10"):
        dedup.clean("x" * 11, max_chars=10)
    assert dedup.clean("x" * 10, max_chars=10) == "x" * 10
    assert issubclass(dedup.InputTooLargeError, dedup.DedupError)


def test_errors_are_rooted_and_builtin() -> None:
    assert issubclass(ConfigError, dedup.DedupError)
    assert issubclass(ConfigError, ValueError)
