"""What every config object shares: option fields with their help text (the one source
of the docs, the class docstring's ``Attributes:`` section and ``--help``), checks of
option values (each raises :class:`~dedup.ConfigError` naming the option, the value
given and what is allowed) and merging keyword overrides into a config.
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from typing import Any, TypeVar

from ._errors import ConfigError

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_number",
    "document_options",
    "help_of",
    "option",
    "replace_checked",
    "resolve",
]

C = TypeVar("C")


def option(default: Any, help: str) -> Any:
    """A config field with its help text, the one source for docs and ``--help``."""
    return dataclasses.field(default=default, metadata={"help": " ".join(help.split())})


def help_of(field: dataclasses.Field[Any]) -> str:
    """The help text of a field made with :func:`option` ("" for others)."""
    return str(field.metadata.get("help", ""))


def document_options(cls: type[C]) -> type[C]:
    """Add an ``Attributes:`` section to the docstring of the dataclass ``cls``, one entry
    per field made with :func:`option`, so ``help(cls)`` and the docs show the help text.

    The section goes before an ``Examples:`` section, or at the end; a class already
    documented is left as it is.

    >>> @document_options
    ... @dataclasses.dataclass
    ... class Demo:
    ...     '''Demo options.'''
    ...     size: int = option(3, "How many.")
    >>> print(Demo.__doc__)
    Demo options.
    <BLANKLINE>
    Attributes:
        size: How many.
    <BLANKLINE>
    """
    doc = inspect.cleandoc(cls.__doc__ or "")
    if "\nAttributes:\n" in f"\n{doc}\n":
        return cls
    entries = [
        textwrap.fill(
            f"{field.name}: {help_of(field)}",
            width=96,
            initial_indent="    ",
            subsequent_indent="        ",
            break_on_hyphens=False,
        )
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]
        if help_of(field)
    ]
    section = "Attributes:\n" + "\n".join(entries) + "\n"
    head, examples, tail = doc.partition("\nExamples:\n")
    if examples:
        cls.__doc__ = f"{head.rstrip()}\n\n{section}{examples}{tail}\n"
    else:
        cls.__doc__ = f"{doc}\n\n{section}"
    return cls


def replace_checked(config: C, overrides: dict[str, Any]) -> C:
    """A copy of the dataclass ``config`` with ``overrides``; unknown names are a
    :class:`~dedup.ConfigError` listing the options, values are checked by the class."""
    names = {f.name for f in dataclasses.fields(config)}  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise ConfigError(
            f"unknown option {unknown[0]!r}; the options are: {', '.join(sorted(names))}",
            option=unknown[0],
        )
    return dataclasses.replace(config, **overrides)  # type: ignore[type-var]


def resolve(kind: type[C], default: C, config: C | None, overrides: dict[str, Any]) -> C:
    """``config`` (or ``default``) with keyword ``overrides`` merged in and checked."""
    if config is not None and not isinstance(config, kind):
        raise TypeError(
            f"config must be a dedup.{kind.__name__} or None, got {type(config).__name__}; "
            "pass options as keywords instead, e.g. threshold=0.9"
        )
    base = config if config is not None else default
    return replace_checked(base, overrides) if overrides else base


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
