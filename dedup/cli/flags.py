"""Command-line flags generated from an options dataclass, and read back from the parsed
arguments: one ``--flag`` per field (``min_chars`` -> ``--min-chars``), with the field's
default and its help text (:func:`dedup._options.help_of`).

Used for :class:`~dedup.CleanConfig` (``dedup clean`` and ``dedup explain``) and
:class:`~dedup.CorpusConfig` (``dedup corpus``).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, Literal, TypeVar

from .._errors import ConfigError
from .._options import help_of

__all__ = ["CommandError", "add_config_arguments", "config_from_args", "flag_of"]

C = TypeVar("C")


class CommandError(Exception):
    """A problem with one input, output or option value, reported as ``dedup: <message>``
    (exit status 1)."""


def flag_of(name: str) -> str:
    """The flag of the option ``name``: ``min_chars`` -> ``--min-chars``."""
    return "--" + name.replace("_", "-")


def add_config_arguments(
    parser: argparse.ArgumentParser, kind: type[Any], *, title: str = "options"
) -> argparse._ArgumentGroup:
    """Add one ``--flag`` per field of the options dataclass ``kind`` to ``parser``, in a
    group of its own, and return the group.

    Flags take dashes for underscores, defaults are the field defaults, help is the
    field's help text. A bool field is a ``--flag`` / ``--no-flag`` pair; a field that is
    itself an options dataclass (``CorpusConfig.clean_config``) gets no flag. Read the
    values back with :func:`config_from_args`.

    >>> from dedup import CleanConfig
    >>> p = argparse.ArgumentParser()
    >>> _ = add_config_arguments(p, CleanConfig)
    >>> config_from_args(p.parse_args(["--min-chars", "30", "--no-protect-structure"]),
    ...                  CleanConfig)  # doctest: +ELLIPSIS
    CleanConfig(threshold=0.8, ..., min_chars=30, ..., protect_structure=False, ...)
    """
    group = parser.add_argument_group(
        title, f"The fields of dedup.{kind.__name__}; see docs/configuration.md."
    )
    types_of = typing.get_type_hints(kind)
    for field in _flag_fields(kind, types_of):
        group.add_argument(flag_of(field.name), **_argument(field, types_of[field.name]))
    return group


def config_from_args(args: argparse.Namespace, kind: type[C]) -> C:
    """The ``kind`` options that the flags of :func:`add_config_arguments` in ``args``
    describe (fields without a flag keep their defaults).

    Raises:
        CommandError: a value is out of range; the message starts with the flag.
    """
    values = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(kind)  # type: ignore[arg-type]
        if hasattr(args, f.name)
    }
    try:
        return kind(**values)
    except ConfigError as e:
        flag = flag_of(e.option) if e.option in values else "option"
        raise CommandError(f"{flag}: {e}") from None


def _flag_fields(kind: type[Any], types_of: dict[str, Any]) -> list[dataclasses.Field[Any]]:
    return [
        f
        for f in dataclasses.fields(kind)
        if not (isinstance(types_of[f.name], type) and dataclasses.is_dataclass(types_of[f.name]))
    ]


def _argument(field: dataclasses.Field[Any], kind: object) -> dict[str, Any]:
    """``add_argument`` keywords for one field."""
    kwargs: dict[str, Any] = {
        "dest": field.name,
        "default": field.default,
        "help": help_of(field).replace("%", "%%") + " (default: %(default)s)",
    }
    choices = _literal_choices(kind)
    if kind is bool:
        kwargs["action"] = argparse.BooleanOptionalAction
    elif choices is not None:
        kwargs["choices"] = choices
    elif kind is float:
        kwargs.update(type=float, metavar="X")
    elif kind is int:
        kwargs.update(type=int, metavar="N")
    elif kind is str:
        kwargs.update(type=str, metavar="TEXT")
    elif _is_optional_int(kind):
        kwargs.update(type=_optional_int, metavar="N")
    else:  # pragma: no cover - a new kind of field needs a parser here
        raise TypeError(f"no command-line parser for option {field.name!r} of type {kind}")
    return kwargs


def _literal_choices(kind: object) -> tuple[str, ...] | None:
    if typing.get_origin(kind) is Literal:
        return tuple(str(a) for a in typing.get_args(kind))
    return None


def _is_optional_int(kind: object) -> bool:
    return isinstance(kind, types.UnionType) and set(typing.get_args(kind)) == {int, type(None)}


def _optional_int(value: str) -> int | None:
    if value.strip().lower() in ("none", ""):
        return None
    return int(value)


_optional_int.__name__ = "integer or 'none'"  # argparse names the type in its error
