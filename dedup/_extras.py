"""The one way dedup imports an optional dependency: :func:`require`, which raises
:class:`~dedup.MissingExtraError` naming the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from ._errors import MissingExtraError

__all__ = ["MissingExtraError", "require"]


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra to install.

    >>> require("json", extra="testing", feature="dedup.testing").__name__
    'json'
    >>> require("no_such_module_xyz", extra="testing", feature="dedup.testing")
    Traceback (most recent call last):
      ...
    dedup.MissingExtraError: dedup.testing needs the package 'no_such_module_xyz', \
which is not installed; install it with: pip install 'news-dedup[testing]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise MissingExtraError(
            f"{feature} needs the package {top!r}, which is not installed; "
            f"install it with: pip install 'news-dedup[{extra}]'"
        ) from exc
