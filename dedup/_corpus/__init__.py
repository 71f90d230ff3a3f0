"""Indexing a corpus: one document -> MinHash signature (``minhash.py``) -> LSH
candidates (``lshindex.py``) -> the duplicate rule (``rule.py``) -> a store (``store.py``:
``memory.py``, ``sqlite.py``, ``redis.py``) -> a verdict.

``corpus.py`` holds :class:`Corpus`, the entry point, and ``config.py`` its options;
everything else is private to this package.
"""

from __future__ import annotations

from .._errors import StoreError
from .config import CorpusConfig, Durability
from .corpus import BoilerplateRemoval, Corpus, CorpusReport
from .store import Verdict

__all__ = [
    "BoilerplateRemoval",
    "Corpus",
    "CorpusConfig",
    "CorpusReport",
    "Durability",
    "StoreError",
    "Verdict",
]
