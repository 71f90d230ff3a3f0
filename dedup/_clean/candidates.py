"""Stage 3, candidates: keys -> exact groups and candidate near-duplicate pairs.

Exact copies are found by hashing the comparison keys (one dictionary pass). A unit and the
kept unit just before it are always compared (by the decide stage, which knows what was
kept). For ``scope="document"`` a proposal step whose only job is recall pairs units from
anywhere in the text: all pairs up to ``all_pairs_limit`` units long enough for matching
(rapidfuzz ``process.cdist``), MinHash LSH on word shingles above it (seeded, vectorized,
the corpus layer's MinHash).
Every pair is verified by the next stage before anything is removed.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from itertools import count
from operator import itemgetter
from typing import TYPE_CHECKING, Final

from rapidfuzz import fuzz, process

from .config import CleanConfig
from .normalize import Keys
from .types import Candidates, Pair

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]

__all__ = ["candidates", "minor_units", "transparent_units"]

_MIN_LENGTH_RATIO: Final = 0.75
# 21 bands of 3 rows: pairs with a Jaccard similarity of their shingle sets above about
# 0.36 become candidates (with probability >= 0.5); verification does the rest.
_BANDS: Final = 21
_ROWS: Final = 3
_MAX_BUCKET: Final = 64
_CHAR_GRAM: Final = 3
_SPACELESS_WORD_LENGTH: Final = 12  # average "word" longer than this: no spaces in script


def transparent_units(lengths: Sequence[int], config: CleanConfig) -> list[bool]:
    """For each unit, from its key length: too short to be removed ("Share", "1 of 5");
    such units never break adjacency."""
    low = config.min_exact_chars
    return list(map(low.__gt__, lengths))  # n < low, for each length n


_MINOR_CHARS: Final = 30
_MINOR_WORDS: Final = 4


def minor_units(lengths: Sequence[int], spaces: Sequence[int], config: CleanConfig) -> list[bool]:
    """For each unit, from its key length and spaces: short ("Photo: Jane Roe", "Image 3 of
    12"), so it does not separate a text unit from its copy. Such units are still removed
    themselves when copied directly."""
    low = config.min_exact_chars
    return [
        n < low or (n < _MINOR_CHARS and k < _MINOR_WORDS)
        for n, k in zip(lengths, spaces, strict=True)
    ]


def candidates(keys: Keys, config: CleanConfig) -> Candidates:
    """Group exact copies and propose near-duplicate pairs.

    >>> from dedup._clean.normalize import normalize
    >>> from dedup._clean.segment import segment
    >>> line = "Crowds march through the old capital city on Sunday to protest the tax"
    >>> variant = "Crowds marched through the old capital city on Sunday to protest the tax"
    >>> keys = normalize(segment("\\n".join([line, "Short line.", variant, line])))
    >>> candidates(keys, CleanConfig()).group
    (0, 1, 2, 0)
    >>> candidates(keys, CleanConfig(scope="document")).pairs
    ((0, 2), (2, 3))
    """
    first: dict[str, int] = {}
    group = tuple(map(first.setdefault, keys.texts, count()))  # k -> the first j with k
    if config.scope != "document":
        return Candidates(group=group, pairs=())
    min_chars, min_words = config.min_chars, config.min_words
    eligible = [
        len(text) >= min_chars and (text.count(" ") + 1 >= min_words or keys.words(j) >= min_words)
        for j, text in enumerate(keys.texts)
    ]
    return Candidates(group=group, pairs=_all_pairs(keys, group, eligible, config))


def _all_pairs(
    keys: Keys, group: tuple[int, ...], eligible: list[bool], config: CleanConfig
) -> tuple[Pair, ...]:
    texts = keys.texts
    # One representative per exact group: copies of a representative are exact matches.
    reps = [j for j in range(len(texts)) if eligible[j] and group[j] == j]
    if len(reps) < 2:
        return ()
    chosen = [texts[j] for j in reps]
    if len(reps) > config.all_pairs_limit:
        found = _scored(chosen, *_lsh_pairs(chosen, config), config)
    else:
        matrix = process.cdist(
            chosen,
            chosen,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=config.threshold * 100,
            workers=1,
        )
        rows, cols = matrix.nonzero()
        found = {(a, b) for a, b in zip(rows.tolist(), cols.tolist(), strict=True) if a < b}
    # Every copy of one representative is paired with the other representative, so a
    # copy can still be matched when its own representative was removed.
    members: dict[int, list[int]] = {}
    for j, g in enumerate(group):
        if eligible[j]:
            members.setdefault(g, []).append(j)
    # The members of a group have its representative's text, hence its length.
    pairs: set[Pair] = set()
    for a, b in found:
        if not _lengths_close(len(chosen[a]), len(chosen[b])):
            continue
        first, second = reps[a], reps[b]  # first < second
        ours, theirs = members[first], members[second]
        if len(ours) == 1 and len(theirs) == 1:
            pairs.add((first, second))
            continue
        for one, others in ((first, theirs), (second, ours)):
            for other in others:
                if other != one:
                    pairs.add((one, other) if one < other else (other, one))
    return tuple(sorted(pairs, key=itemgetter(1, 0)))


def _lsh_pairs(texts: list[str], config: CleanConfig) -> tuple[Ints, Ints]:
    """Pairs of ``texts`` (by position) that share a MinHash LSH band, as two arrays of
    first and second positions (first < second), each pair once, in order.

    Shingles are words, or character trigrams for scripts written without spaces, hashed
    with CRC-32; the MinHash values and band keys are those of the corpus index
    (``dedup._corpus.minhash``), with this stage's bands and rows. Buckets larger than
    ``_MAX_BUCKET`` pair each member with its neighbours only.
    """
    import numpy as np

    from .._corpus.minhash import SignatureParams, band_keys, minhash_sets  # no import cycle

    hashes: list[int] = []
    starts: list[int] = []
    codes: dict[str, int] = {}
    for text in texts:
        starts.append(len(hashes))
        for gram in _grams(text):
            code = codes.get(gram)
            if code is None:
                code = codes[gram] = zlib.crc32(gram.encode("utf-8", "surrogatepass"))
            hashes.append(code)
    params = SignatureParams(num_perm=_BANDS * _ROWS, bands=_BANDS, rows=_ROWS, seed=config.seed)
    mins = minhash_sets(
        np.asarray(hashes, dtype=np.uint64), np.asarray(starts, dtype=np.intp),
        params.num_perm, params.seed,
    )  # fmt: skip
    keys = band_keys(mins, params)
    n = len(texts)
    found = [np.zeros(0, dtype=np.int64)]
    for band in range(_BANDS):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")  # a bucket's members in text order
        ordered = column[order]
        new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        bucket = np.cumsum(new)  # bucket number of each position in ``order``
        sizes = np.diff(np.append(np.flatnonzero(new), n))
        small = sizes[bucket - 1] <= _MAX_BUCKET
        # members d places apart in one bucket: every pair of a small bucket, and the
        # neighbours (d == 1) of a large one
        for d in range(1, n):
            same = bucket[:-d] == bucket[d:]
            if d > 1:
                same &= small[:-d]
            if not same.any():
                break  # no bucket of more than d members left
            found.append(order[:-d][same].astype(np.int64) * n + order[d:][same])
    pairs = np.sort(np.concatenate(found))
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # each pair once
    return pairs // n, pairs % n


def _scored(texts: list[str], firsts: Ints, seconds: Ints, config: CleanConfig) -> set[Pair]:
    """The pairs ``(firsts[k], seconds[k])`` of ``texts`` (by position) whose lengths are
    close and whose similarity reaches the threshold: the first tests of verification,
    made here in bulk (one rapidfuzz call) because LSH proposes many pairs that share words
    and little else. The copies of a representative have its very text, so the test holds
    for them too.
    """
    import numpy as np

    sizes = np.fromiter(map(len, texts), dtype=np.float64, count=len(texts))
    a, b = sizes[firsts], sizes[seconds]
    close = np.minimum(a, b) >= _MIN_LENGTH_RATIO * np.maximum(a, b)
    ones, others = firsts[close].tolist(), seconds[close].tolist()
    scores = process.cpdist(
        [texts[k] for k in ones],
        [texts[k] for k in others],
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=config.threshold * 100,
        workers=1,
    )
    return {(ones[k], others[k]) for k in np.flatnonzero(scores).tolist()}


def _grams(text: str) -> set[str]:
    words = text.split()
    if len(words) * _SPACELESS_WORD_LENGTH >= len(text) or len(text) < _CHAR_GRAM:
        return set(words) or {text}
    return {text[k : k + _CHAR_GRAM] for k in range(len(text) - _CHAR_GRAM + 1)}


def _lengths_close(a: int, b: int) -> bool:
    return min(a, b) >= _MIN_LENGTH_RATIO * max(a, b)
