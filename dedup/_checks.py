"""Checks of option values shared by every config object: each raises
:class:`~dedup.ConfigError` naming the option, the value given and what is allowed."""

from __future__ import annotations

from ._errors import ConfigError

__all__ = ["check_bool", "check_choice", "check_int", "check_number"]


def check_number(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ConfigError(
            f"{name} must be a number from {low} to {high}, got {value!r}", option=name
        )
    if not low <= value <= high:
        raise ConfigError(
            f"{name} must be a number from {low} to {high}, got {value!r}", option=name
        )


def check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(
            f"{name} must be a whole number from {low} to {high}, got {value!r}", option=name
        )


def check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {value!r}", option=name)


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ConfigError(f"{name} must be one of {allowed}, got {value!r}", option=name)
