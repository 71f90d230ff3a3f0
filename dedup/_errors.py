"""The exceptions raised by dedup.

Every error the library raises on purpose derives from :class:`DedupError`. Subclasses
also derive from the matching built-in exception, so ``except ValueError`` keeps working
for callers that do not know about dedup.
"""

from __future__ import annotations

__all__ = ["ConfigError", "DedupError", "InputTooLargeError", "MissingExtraError", "StoreError"]


class DedupError(Exception):
    """Root of every exception dedup raises on purpose."""


class ConfigError(DedupError, ValueError):
    """An option has a value outside its allowed range or set, or is unknown.

    The message names the option, the value given and what is allowed; ``option``
    holds the option's name (``None`` when the problem is not one option's).

    >>> import dedup
    >>> try:
    ...     dedup.CleanConfig(threshold=2)
    ... except ConfigError as exc:
    ...     exc.option
    'threshold'
    """

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


class InputTooLargeError(DedupError, ValueError):
    """The input is longer than ``CleanConfig.max_chars`` allows."""


class MissingExtraError(DedupError, ImportError):
    """An optional dependency of a dedup feature is not installed.

    The message names the feature, the package and the ``pip install`` command that
    brings it (``pip install 'news-dedup[EXTRA]'``).
    """


class StoreError(DedupError, ConnectionError):
    """A corpus index store could not be reached, opened or written; the message names
    its address and what happened."""
