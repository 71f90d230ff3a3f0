"""Indexing a corpus: one document -> MinHash signature -> LSH candidates -> the
duplicate rule -> a store (memory, SQLite or Redis) -> a verdict.

``corpus.py`` holds :class:`Corpus`, the entry point; everything else is private to this
package.
"""

from __future__ import annotations

from .config import CorpusConfig
from .corpus import BoilerplateRemoval, Corpus, CorpusReport
from .stores import StoreError, Verdict

__all__ = [
    "BoilerplateRemoval",
    "Corpus",
    "CorpusConfig",
    "CorpusReport",
    "StoreError",
    "Verdict",
]
