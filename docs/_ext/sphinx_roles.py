"""Griffe extension for the docs build: Sphinx roles in docstrings made Markdown.

The library's docstrings use ``:class:`~dedup.X``` and ``:func:`dedup.y``` (readable in
``help()``); mkdocstrings does not know these roles, so they become cross-references
``[`X`][dedup.X]`` here (fields and methods plain ``X``), and ``double backquotes``
become single ones.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|attr|exc|mod|data|obj):`(~?)([\w.]+)`")


def _link(m: re.Match[str]) -> str:
    short, target = m.group(1), m.group(2)
    if not target.startswith("dedup."):
        target = "dedup." + target
    shown = target.rsplit(".", 1)[-1] if short else target.removeprefix("dedup.")
    if target.count(".") > 1:  # a field or method: its class's page section is enough
        return f"`{shown}`"
    return f"[`{shown}`][{target}]"


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring of the loaded package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        seen: set[int] = set()
        stack: list[griffe.Object | griffe.Alias] = [pkg]
        while stack:
            obj = stack.pop()
            if id(obj) in seen or isinstance(obj, griffe.Alias):
                continue
            seen.add(id(obj))
            if obj.docstring is not None:
                value = _ROLE.sub(_link, obj.docstring.value)
                obj.docstring.value = re.sub(r"``([^`]+)``", r"`\1`", value)
            stack.extend(obj.members.values())
