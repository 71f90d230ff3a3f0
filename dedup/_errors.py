"""The exceptions raised by dedup.

Every error the library raises on purpose derives from :class:`DedupError`. Subclasses
also derive from the matching built-in exception, so ``except ValueError`` keeps working
for callers that do not know about dedup.
"""

from __future__ import annotations

__all__ = ["ConfigError", "DedupError", "InputTooLargeError"]


class DedupError(Exception):
    """Root of every exception dedup raises on purpose."""


class ConfigError(DedupError, ValueError):
    """An option has a value outside its allowed range or set.

    The message names the option, the value given and what is allowed.
    """


class InputTooLargeError(DedupError, ValueError):
    """The input is longer than ``CleanConfig.max_chars`` allows."""
