"""Griffe extension for the docs build: option classes documented as Python sees them.

The help text of each option lives once, in its field definition (``option(default,
help)``); ``dedup`` builds the ``Attributes:`` section of ``CleanConfig`` and
``CorpusConfig`` from it when it is imported. mkdocstrings reads the source, where that
section is not written and a default reads ``option(0.8, "...")``, so this extension
imports ``dedup`` and, for every public dataclass with option fields, puts the built
docstring in place of the written one and the plain default values in the signature.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

import griffe

_ROOT = Path(__file__).resolve().parents[2]


class OptionDocs(griffe.Extension):
    """Replace the docstrings of ``dedup``'s option classes once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.name != "dedup":
            return
        if str(_ROOT) not in sys.path:
            sys.path.insert(0, str(_ROOT))
        module = importlib.import_module("dedup")
        for name in module.__all__:
            obj = getattr(module, name)
            if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
                continue
            if not any("help" in f.metadata for f in dataclasses.fields(obj)):
                continue
            target = pkg[name]
            if isinstance(target, griffe.Alias):
                target = target.final_target
            built = inspect.cleandoc(obj.__doc__ or "")
            if target.docstring is None:
                target.docstring = griffe.Docstring(built, parent=target)
            else:
                target.docstring.value = built
            _plain_defaults(target, obj)


def _plain_defaults(target: Any, cls: type[Any]) -> None:
    """``threshold: float = 0.8`` for the fields and ``__init__`` of ``target``."""
    defaults = {
        f.name: _shown(f.default)
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING
    }
    for name, default in defaults.items():
        member = target.members.get(name)
        if isinstance(member, griffe.Attribute):
            member.value = default
    init = target.members.get("__init__")
    if isinstance(init, griffe.Function):
        for parameter in init.parameters:
            if parameter.name in defaults:
                parameter.default = defaults[parameter.name]


def _shown(value: object) -> str:
    """How a default reads in a signature: ``CleanConfig()`` for a config of defaults."""
    kind = type(value)
    if dataclasses.is_dataclass(kind) and value == kind():
        return f"{kind.__name__}()"
    return repr(value)
