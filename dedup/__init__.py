"""dedup: remove repeated photo captions and near-duplicate paragraphs from scraped text.

>>> import dedup
>>> dedup.clean("Rain floods the old town\\nRain floods the old town\\n")
'Rain floods the old town\\n'
"""

from __future__ import annotations

from types import FunctionType as _FunctionType

from ._clean import (
    CleanConfig,
    KeepPolicy,
    Removal,
    Report,
    Rule,
    Scope,
    SegmentMode,
    apply_removals,
    clean,
    explain,
    normalize_text,
    similarity,
)
from ._corpus import (
    BoilerplateRemoval,
    Corpus,
    CorpusConfig,
    CorpusReport,
    Durability,
    Verdict,
)
from ._errors import ConfigError, DedupError, InputTooLargeError, MissingExtraError, StoreError
from ._options import document_options as _document_options

__version__ = "0.1.0"

__all__ = [
    "BoilerplateRemoval",
    "CleanConfig",
    "ConfigError",
    "Corpus",
    "CorpusConfig",
    "CorpusReport",
    "DedupError",
    "Durability",
    "InputTooLargeError",
    "KeepPolicy",
    "MissingExtraError",
    "Removal",
    "Report",
    "Rule",
    "Scope",
    "SegmentMode",
    "StoreError",
    "Verdict",
    "__version__",
    "apply_removals",
    "clean",
    "explain",
    "normalize_text",
    "similarity",
]

# The option classes' docstrings list their fields with the help text the fields carry
# (the same text ``--help`` shows), written once, in the field definitions.
_document_options(CleanConfig)
_document_options(CorpusConfig)

# Show the public names as ``dedup.X`` (in reprs, tracebacks and docs), as httpx does.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, (type, _FunctionType)):
        _obj.__module__ = "dedup"
del _name, _obj, _FunctionType, _document_options
