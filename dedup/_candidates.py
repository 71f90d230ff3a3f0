"""Stage 3, candidates: keys -> exact groups and candidate near-duplicate pairs.

Exact copies are found by hashing the comparison keys (one dictionary pass). Pairs that may
be near-duplicates come from a cheap proposal step whose only job is recall; every pair is
verified by the next stage before anything is removed:

* ``scope="adjacent"`` or ``"runs"``: each unit against the few units just before it.
* ``scope="document"``: all pairs up to ``all_pairs_limit`` eligible units (rapidfuzz
  ``process.cdist``), MinHash LSH on character 4-grams above it (datasketch, seeded).
"""

from __future__ import annotations

from typing import Final

from rapidfuzz import fuzz, process

from ._config import CleanConfig
from ._normalize import Keys
from ._types import Candidates, Pair

__all__ = ["LOOKBACK", "candidates", "is_transparent"]

LOOKBACK: Final = 2
"""How many preceding substantial units each unit is paired with for adjacency."""

_MIN_LENGTH_RATIO: Final = 0.75
_LSH_THRESHOLD: Final = 0.3
_SHINGLE: Final = 4


def is_transparent(key: str, config: CleanConfig) -> bool:
    """Units too short to be removed ("Share", "Image 1 of 5"); they never break adjacency."""
    return len(key) < config.min_exact_chars


def candidates(keys: Keys, config: CleanConfig) -> Candidates:
    """Group exact copies and propose near-duplicate pairs.

    >>> from dedup._normalize import normalize
    >>> from dedup._segment import segment
    >>> line = "Crowds march through the capital city on Sunday"
    >>> variant = "Crowds marched through the capital city on Sunday"
    >>> seg = segment("\\n".join([line, variant, line]))
    >>> c = candidates(normalize(seg), CleanConfig())
    >>> c.group, c.pairs
    ((0, 1, 0), ((0, 1), (1, 2)))
    """
    first: dict[str, int] = {}
    group = tuple(first.setdefault(k, j) for j, k in enumerate(keys.texts))
    min_chars, min_words = config.min_chars, config.min_words
    eligible = [
        len(text) >= min_chars and (text.count(" ") + 1 >= min_words or keys.words(j) >= min_words)
        for j, text in enumerate(keys.texts)
    ]
    if config.scope == "document":
        pairs = _all_pairs(keys, group, eligible, config)
    else:
        pairs = _lookback_pairs(keys, group, eligible, config)
    return Candidates(group=group, pairs=pairs)


def _lookback_pairs(
    keys: Keys, group: tuple[int, ...], eligible: list[bool], config: CleanConfig
) -> tuple[Pair, ...]:
    lengths = [len(t) for t in keys.texts]
    min_exact = config.min_exact_chars
    pairs: list[Pair] = []
    recent: list[int] = []  # the last LOOKBACK non-transparent units, oldest first
    for j, length in enumerate(lengths):
        if length < min_exact:
            continue
        if eligible[j]:
            low, high = _MIN_LENGTH_RATIO * length, length / _MIN_LENGTH_RATIO
            for i in recent:
                if eligible[i] and group[i] != group[j] and low <= lengths[i] <= high:
                    pairs.append((i, j))
        recent.append(j)
        if len(recent) > LOOKBACK:
            del recent[0]
    return tuple(pairs)


def _all_pairs(
    keys: Keys, group: tuple[int, ...], eligible: list[bool], config: CleanConfig
) -> tuple[Pair, ...]:
    texts = keys.texts
    # One representative per exact group: copies of a representative are exact matches.
    reps = [j for j in range(len(texts)) if eligible[j] and group[j] == j]
    if len(reps) < 2:
        return ()
    if len(reps) > config.all_pairs_limit:
        found = _lsh_pairs(keys, reps, config)
    else:
        chosen = [texts[j] for j in reps]
        cutoff = config.threshold * 100
        found = set()
        matrix = process.cdist(
            chosen, chosen, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, workers=1
        )
        rows, cols = matrix.nonzero()
        for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
            if a < b:
                found.add((reps[a], reps[b]))
    # Extend each representative pair to every member of the two groups.
    members: dict[int, list[int]] = {}
    for j, g in enumerate(group):
        if eligible[j]:
            members.setdefault(g, []).append(j)
    pairs: set[Pair] = set()
    for a, b in found:
        for i in members[a]:
            for j in members[b]:
                if _lengths_close(len(texts[i]), len(texts[j])):
                    pairs.add((i, j) if i < j else (j, i))
    return tuple(sorted(pairs, key=lambda p: (p[1], p[0])))


def _lsh_pairs(keys: Keys, reps: list[int], config: CleanConfig) -> set[Pair]:
    from datasketch import MinHash, MinHashLSH

    shingles = [_shingles(keys.texts[j]) for j in reps]
    hashes = MinHash.bulk(shingles, num_perm=config.num_perm, seed=config.seed)
    lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=config.num_perm)
    with lsh.insertion_session() as session:
        for slot, mh in enumerate(hashes):
            session.insert(slot, mh, check_duplication=False)
    found: set[Pair] = set()
    for slot, mh in enumerate(hashes):
        for other in lsh.query(mh):
            if other != slot:
                a, b = reps[min(slot, other)], reps[max(slot, other)]
                found.add((a, b))
    return found


def _shingles(text: str) -> list[bytes]:
    data = text.encode("utf-8")
    if len(text) <= _SHINGLE:
        return [data]
    return [text[k : k + _SHINGLE].encode("utf-8") for k in range(len(text) - _SHINGLE + 1)]


def _lengths_close(a: int, b: int) -> bool:
    return min(a, b) >= _MIN_LENGTH_RATIO * max(a, b)
