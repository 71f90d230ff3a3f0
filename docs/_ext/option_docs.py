"""Griffe extension for the docs build: option classes documented as Python sees them.

The help text of each option lives once, in its field definition (``option(default,
help)``); ``dedup`` builds the ``Attributes:`` section of ``CleanConfig`` and
``CorpusConfig`` from it when it is imported. mkdocstrings reads the source, where that
section is not written, so this extension imports ``dedup`` and puts the built docstring
of every public dataclass with option fields in place of the written one.
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
