"""``clean()`` and the baselines, behind one interface: lines in, keep-mask out.

Every method sees the same input: a document as a list of non-blank lines (paragraphs,
captions), and says for each line whether it is kept. ``clean`` gets the lines joined
with ``"\\n"`` and its removals are mapped back to lines by their spans.

Baselines (all keep the first copy, as ``clean`` does by default):

* ``exact-line``: drop a line whose stripped text was seen before (the floor).
* ``rapidfuzz-seq``: drop a line whose ``fuzz.ratio`` with any kept line is >= 85.
* ``rapidfuzz-cdist``: the same decision from an all-pairs ``process.cdist`` matrix.
* ``minhash-lsh``: datasketch ``MinHash`` (128 permutations, seed 1) over each line's
  lower-cased word set, ``MinHashLSH(threshold=0.8)``; drop a line when the index already
  holds a candidate (unverified, as the LSH is commonly used). A fresh index per document;
  the permutations and the LSH's band/row parameters are computed once and reused.
* ``trafilatura-lru``: trafilatura's own ``deduplicate=True`` rule applied to text. In
  trafilatura, ``deduplication.duplicate_test(element, options)`` counts each element's
  text in an ``LRUCache`` and flags it when the text is longer than
  ``min_duplcheck_size`` (100) characters and was already seen more than
  ``max_repetitions`` (2) times. We call that very function on each line wrapped in an
  lxml ``<p>`` element, with a fresh ``LRUCache`` per document (so documents do not
  influence each other).
* ``fast-dedupe``: ``fastdedupe.dedupe(lines, threshold=85, n_jobs=1)`` when the package
  is importable (it declares ``rapidfuzz<3``, which conflicts with dedup's ``rapidfuzz>=3``;
  install it with ``pip install --no-deps fast-dedupe``).
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import dedup

__all__ = ["METHODS", "Method", "available_methods", "get_method"]

Keep = list[bool]

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Method:
    """A deduplication method under test.

    Attributes:
        name: short name used in tables.
        keep: lines -> keep mask.
        needs: the module that must be importable, or ``""``.
        max_units: skip inputs with more lines than this in scaling runs (0: no limit).
    """

    name: str
    keep: Callable[[Sequence[str]], Keep]
    needs: str = ""
    max_units: int = 0

    def available(self) -> bool:
        """Whether the method's package is installed."""
        return not self.needs or importlib.util.find_spec(self.needs) is not None


def clean_keep(lines: Sequence[str], config: dedup.CleanConfig | None = None) -> Keep:
    """Keep mask of ``dedup.explain`` on ``lines`` joined by newlines."""
    text = "\n".join(lines)
    report = dedup.explain(text, config)
    return removals_to_mask(lines, [r.span for r in report.removals])


def removals_to_mask(lines: Sequence[str], spans: Sequence[tuple[int, int]]) -> Keep:
    """Turn removal spans in ``"\\n".join(lines)`` into a keep mask over ``lines``.

    >>> removals_to_mask(["ab", "cd", "ef"], [(3, 5)])
    [True, False, True]
    """
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    keep = [True] * len(lines)
    for start, end in spans:
        first = bisect.bisect_right(starts, start) - 1
        last = bisect.bisect_right(starts, max(start, end - 1)) - 1
        for k in range(first, last + 1):
            keep[k] = False
    return keep


def exact_line_keep(lines: Sequence[str]) -> Keep:
    """Drop exact repeats of a stripped line.

    >>> exact_line_keep(["a", " a", "b"])
    [True, False, True]
    """
    seen: set[str] = set()
    keep = []
    for line in lines:
        key = line.strip()
        keep.append(key not in seen)
        seen.add(key)
    return keep


def rapidfuzz_seq_keep(lines: Sequence[str], cutoff: float = 85) -> Keep:
    """Drop a line whose ``fuzz.ratio`` with an already kept line is >= ``cutoff``."""
    from rapidfuzz import fuzz, process

    kept: list[str] = []
    keep = []
    for line in lines:
        hit = process.extractOne(line, kept, scorer=fuzz.ratio, score_cutoff=cutoff)
        keep.append(hit is None)
        if hit is None:
            kept.append(line)
    return keep


def rapidfuzz_cdist_keep(lines: Sequence[str], cutoff: float = 85) -> Keep:
    """All pairs by ``process.cdist``, then keep-first against kept lines."""
    import numpy as np
    from rapidfuzz import fuzz, process

    n = len(lines)
    if n < 2:
        return [True] * n
    matrix = process.cdist(
        lines, lines, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=1
    )
    keep_arr = np.ones(n, dtype=bool)
    for j in range(1, n):
        col = matrix[:j, j]
        if np.any((col >= cutoff) & keep_arr[:j]):
            keep_arr[j] = False
    return [bool(x) for x in keep_arr]


def minhash_lsh_keep(lines: Sequence[str], threshold: float = 0.8, num_perm: int = 128) -> Keep:
    """Drop a line when MinHash LSH already holds a candidate for its word set."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(
        threshold=threshold, num_perm=num_perm, params=_lsh_params(threshold, num_perm)
    )
    perms = _permutations(num_perm)
    keep = []
    for k, line in enumerate(lines):
        words = {w.encode("utf-8") for w in line.lower().split()}
        if not words:
            keep.append(True)
            continue
        mh = MinHash(num_perm=num_perm, seed=1, permutations=perms[0], scheme=perms[1])
        mh.update_batch(list(words))
        dup = bool(lsh.query(mh))
        keep.append(not dup)
        if not dup:
            lsh.insert(str(k), mh, check_duplication=False)
    return keep


@functools.cache
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """The LSH's bands and rows, computed once (datasketch integrates to find them)."""
    from datasketch import MinHashLSH

    made = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return made.b, made.r


@functools.cache
def _permutations(num_perm: int) -> Any:
    """The seeded permutations, made once (making them is most of ``MinHash()``'s cost)."""
    from datasketch import MinHash

    made = MinHash(num_perm=num_perm, seed=1)
    return made.permutations, made.scheme


def trafilatura_lru_keep(lines: Sequence[str]) -> Keep:
    """trafilatura's ``duplicate_test`` on each line, with one fresh LRU cache per document."""
    from lxml import etree
    from trafilatura.deduplication import LRUCache, duplicate_test
    from trafilatura.settings import LRU_SIZE, Extractor

    options = Extractor(dedup=LRUCache(maxsize=LRU_SIZE))
    keep = []
    for line in lines:
        el = etree.Element("p")
        el.text = _XML_BAD.sub(" ", line)  # lxml refuses control characters
        keep.append(not duplicate_test(el, options))
    return keep


def fast_dedupe_keep(lines: Sequence[str]) -> Keep:
    """``fastdedupe.dedupe(lines, threshold=85, n_jobs=1)``, its output mapped to lines.

    It returns the kept strings, not indices; a line is kept while the output still has an
    unclaimed copy of it (the output is in input order).
    """
    from fastdedupe import dedupe

    if not lines:
        return []
    out: Any = dedupe(list(lines), threshold=85, keep_first=True, n_jobs=1)[0]
    left = Counter(out)
    keep = []
    for line in lines:
        if left[line] > 0:
            left[line] -= 1
            keep.append(True)
        else:
            keep.append(False)
    return keep


METHODS: tuple[Method, ...] = (
    Method("clean", clean_keep),
    Method("exact-line", exact_line_keep),
    Method("rapidfuzz-seq", rapidfuzz_seq_keep, max_units=20_000),
    Method("rapidfuzz-cdist", rapidfuzz_cdist_keep, needs="numpy", max_units=10_000),
    Method("minhash-lsh", minhash_lsh_keep, needs="datasketch"),
    Method("trafilatura-lru", trafilatura_lru_keep, needs="trafilatura"),
    Method("fast-dedupe", fast_dedupe_keep, needs="fastdedupe", max_units=10_000),
)


def available_methods(names: Sequence[str] | None = None) -> list[Method]:
    """The methods whose packages are installed (all of them, or those named)."""
    chosen = [m for m in METHODS if names is None or m.name in names]
    return [m for m in chosen if m.available()]


def get_method(name: str) -> Method:
    """The method called ``name``; ``KeyError`` naming the choices otherwise."""
    for m in METHODS:
        if m.name == name:
            return m
    raise KeyError(f"unknown method {name!r}; choose from {', '.join(m.name for m in METHODS)}")
