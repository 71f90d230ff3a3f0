"""dedup: remove repeated photo captions and near-duplicate paragraphs from scraped text.

>>> import dedup
>>> dedup.clean("Rain floods the old town\\nRain floods the old town\\n")
'Rain floods the old town\\n'
"""

from __future__ import annotations

from ._api import clean, explain
from ._config import CleanConfig, KeepPolicy, Scope, SegmentMode
from ._errors import ConfigError, DedupError, InputTooLargeError
from ._normalize import normalize_text
from ._render import apply_removals
from ._types import Removal, Report, Rule
from ._verify import similarity

__version__ = "0.1.0"

__all__ = [
    "CleanConfig",
    "ConfigError",
    "DedupError",
    "InputTooLargeError",
    "KeepPolicy",
    "Removal",
    "Report",
    "Rule",
    "Scope",
    "SegmentMode",
    "__version__",
    "apply_removals",
    "clean",
    "explain",
    "normalize_text",
    "similarity",
]

# Show the public names as ``dedup.X`` (in reprs, tracebacks and docs), as httpx does.
for _obj in (CleanConfig, ConfigError, DedupError, InputTooLargeError, Removal, Report, Rule):
    _obj.__module__ = "dedup"
for _fn in (apply_removals, clean, explain, normalize_text, similarity):
    _fn.__module__ = "dedup"
del _obj, _fn
