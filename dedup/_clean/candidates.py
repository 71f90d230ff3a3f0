"""Stage 3, candidates: keys -> exact groups and candidate near-duplicate pairs.

Exact copies are found by hashing the comparison keys (one dictionary pass). A unit and the
kept unit just before it are always compared (by the decide stage, which knows what was
kept). For ``scope="document"`` a proposal step whose only job is recall pairs units from
anywhere in the text: all pairs up to ``all_pairs_limit`` units long enough for matching
(rapidfuzz ``process.cdist``), MinHash LSH on word shingles above it (seeded, vectorized,
the corpus layer's MinHash). The pairs are kept when their similarity reaches the
threshold, and they come with it: the verify stage's score, which it need not compute
again. Every pair is verified by the next stage before anything is removed.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from itertools import compress, count
from operator import ne
from typing import TYPE_CHECKING, Any, Final

from rapidfuzz import fuzz, process

from .config import CleanConfig
from .normalize import Keys
from .types import Candidates
from .verify import MIN_LENGTH_RATIO, ratio_similarity, similarity

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.signedinteger[Any]]

__all__ = ["candidates", "minor_units", "transparent_units"]

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
    """Group exact copies and propose near-duplicate pairs, with their similarity.

    >>> from dedup._clean.normalize import normalize
    >>> from dedup._clean.segment import segment
    >>> line = "Crowds march through the old capital city on Sunday to protest the tax"
    >>> variant = "Crowds marched through the old capital city on Sunday to protest the tax"
    >>> keys = normalize(segment("\\n".join([line, "Short line.", variant, line])))
    >>> candidates(keys, CleanConfig()).group
    (0, 1, 2, 0)
    >>> found = candidates(keys, CleanConfig(scope="document"))
    >>> found.pairs, found.scores
    (((0, 2), (2, 3)), (0.9859, 0.9859))
    """
    first: dict[str, int] = {}
    group = tuple(map(first.setdefault, keys.texts, count()))  # k -> the first j with k
    if config.scope != "document":
        return Candidates(group=group)
    min_chars, min_words = config.min_chars, config.min_words
    eligible = [
        len(text) >= min_chars and (text.count(" ") + 1 >= min_words or keys.words(j) >= min_words)
        for j, text in enumerate(keys.texts)
    ]
    return _all_pairs(keys, group, eligible, config)


def _all_pairs(
    keys: Keys, group: tuple[int, ...], eligible: list[bool], config: CleanConfig
) -> Candidates:
    texts = keys.texts
    # One representative per exact group: copies of a representative are exact matches.
    reps = [j for j in range(len(texts)) if eligible[j] and group[j] == j]
    if len(reps) < 2:
        return Candidates(group=group)
    chosen = [texts[j] for j in reps]
    # representatives (by position in ``reps``) similar enough, with their similarity
    if len(reps) > config.all_pairs_limit:
        firsts, seconds, similar = _scored(chosen, *_lsh_pairs(chosen, config), config)
    else:
        firsts, seconds, similar = _matrix(chosen, config)
    if not firsts:
        return Candidates(group=group)
    # Every copy of one representative is paired with the other representative, so a
    # copy can still be matched when its own representative was removed. The members
    # of a group have its representative's text, hence its similarity to any other.
    copies: dict[int, list[int]] = {}  # groups with copies: their copies, in order
    for j in compress(count(), map(ne, group, count())):
        if eligible[j]:
            copies.setdefault(group[j], []).append(j)
    spread = _spread if len(firsts) <= _FEW else _spread_bulk
    earlier, later, scores = spread(reps, copies, firsts, seconds, similar)
    return Candidates(group=group, earlier=earlier, later=later, scores=scores)


_FEW: Final = 200
"""Up to this many pairs of representatives, :func:`_spread`; above, :func:`_spread_bulk`
(numpy's cost per call pays off from about there)."""

_Spread = tuple[tuple[int, ...], tuple[int, ...], tuple[float, ...]]


def _spread(
    reps: list[int],
    copies: dict[int, list[int]],
    firsts: list[int],
    seconds: list[int],
    similar: list[float],
) -> _Spread:
    """The candidate pairs of units from the pairs ``(firsts[k], seconds[k])`` of
    representatives (by position in ``reps``; ``copies`` holds the copies of those that
    have any): each first representative with the second and its copies, each copy of
    the first with the second representative, all with the score ``similar[k]`` of
    their representatives. As the columns of :class:`Candidates`, in its order.

    >>> _spread([0, 1, 3], {1: [2]}, [0, 1], [1, 2], [0.9, 0.8])
    ((0, 0, 1, 2), (1, 2, 3, 3), (0.9, 0.9, 0.8, 0.8))
    """
    found: list[tuple[int, float, int]] = []  # (later, -score, earlier): sorts as needed
    for a, b, score in zip(firsts, seconds, similar, strict=True):
        first, second = reps[a], reps[b]  # first < second
        for other in (second, *copies.get(second, ())):  # all after first
            found.append((other, -score, first))
        for one in copies.get(first, ()):
            found.append((one, -score, second) if one > second else (second, -score, one))
    if not found:
        return (), (), ()
    found.sort()
    later, negated, earlier = zip(*found, strict=True)
    return earlier, later, tuple(map(float.__neg__, negated))


def _spread_bulk(
    reps: list[int],
    copies: dict[int, list[int]],
    firsts: list[int],
    seconds: list[int],
    similar: list[float],
) -> _Spread:
    """:func:`_spread`, in numpy: the same pairs in the same order.

    >>> _spread_bulk([0, 1, 3], {1: [2]}, [0, 1], [1, 2], [0.9, 0.8])
    ((0, 0, 1, 2), (1, 2, 3, 3), (0.9, 0.9, 0.8, 0.8))
    """
    import numpy as np

    units = np.asarray(reps, dtype=np.int64)
    ones, others = np.asarray(firsts, dtype=np.int64), np.asarray(seconds, dtype=np.int64)
    # the copies, group by group in order, and where those of each representative start
    having = sorted(copies)
    spares = np.zeros(len(reps), dtype=np.int64)
    spares[np.searchsorted(units, having)] = [len(copies[g]) for g in having]
    starts = np.cumsum(spares) - spares
    extra = np.asarray([j for g in having for j in copies[g]], dtype=np.int64)
    # the pairs of representatives, first with the copies of second, the copies of first
    # with second
    theirs, their_copies = _runs(starts[others], spares[others])
    ours, our_copies = _runs(starts[ones], spares[ones])
    mine, yours = extra[our_copies], units[others][ours]
    earlier = np.concatenate((units[ones], units[ones][theirs], np.minimum(mine, yours)))
    later = np.concatenate((units[others], extra[their_copies], np.maximum(mine, yours)))
    score = np.asarray(similar)[np.concatenate((np.arange(len(ones)), theirs, ours))]
    order = np.lexsort((earlier, -score, later))
    return (
        tuple(earlier[order].tolist()),
        tuple(later[order].tolist()),
        tuple(score[order].tolist()),
    )


def _runs(starts: Ints, sizes: Ints) -> tuple[Ints, Ints]:
    """For runs ``starts[k] : starts[k] + sizes[k]``: the run of each position of each
    run and that position, run by run."""
    import numpy as np

    runs = np.repeat(np.arange(len(sizes)), sizes)
    ends = np.cumsum(sizes)
    return runs, np.arange(len(runs)) + np.repeat(starts - (ends - sizes), sizes)


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
    code = _Codes().__getitem__
    for text in texts:
        starts.append(len(hashes))
        hashes.extend(map(code, _grams(text)))
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


def _matrix(texts: list[str], config: CleanConfig) -> tuple[list[int], list[int], list[float]]:
    """Every pair of ``texts`` (by position) whose lengths are close and whose similarity
    reaches the threshold, found in a matrix of all pairs (one ``process.cdist`` call),
    as :func:`_scored` gives them. The pairs found are scored again by ``similarity``:
    few, and the matrix holds ``float32``, not the very number."""
    matrix = process.cdist(
        texts,
        texts,
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=config.threshold * 100,
        workers=1,
    )
    rows, cols = matrix.nonzero()
    firsts: list[int] = []
    seconds: list[int] = []
    scores: list[float] = []
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        one, other = texts[a], texts[b]
        if a < b and _lengths_close(len(one), len(other)):
            firsts.append(a)
            seconds.append(b)
            scores.append(similarity(one, other, config.threshold))
    return firsts, seconds, scores


def _scored(
    texts: list[str], firsts: Ints, seconds: Ints, config: CleanConfig
) -> tuple[list[int], list[int], list[float]]:
    """The pairs ``(firsts[k], seconds[k])`` of ``texts`` (by position) whose lengths are
    close and whose similarity reaches the threshold: the first tests of verification,
    made here in bulk (one rapidfuzz call) because LSH proposes many pairs that share
    words and little else. The copies of a representative have its very text, so the
    test holds for them too.

    As three lists: the first and second positions of the pairs found and their score,
    the very number of the verify stage's ``similarity``: ``process.cpdist`` gives the
    number of ``fuzz.ratio`` with ``float64`` output (its default for this scorer,
    ``float32``, would not), taken to the 0-1 scale by ``ratio_similarity`` as
    ``similarity`` does (Python's ``round``, not numpy's; once for each distinct number).
    """
    import numpy as np

    sizes = np.fromiter(map(len, texts), dtype=np.float64, count=len(texts))
    a, b = sizes[firsts], sizes[seconds]
    close = np.flatnonzero(np.minimum(a, b) >= MIN_LENGTH_RATIO * np.maximum(a, b))
    ones, others = firsts[close], seconds[close]
    strings = np.array(texts, dtype=object)  # picked by numpy, faster than by Python
    ratios = process.cpdist(
        strings[ones].tolist(),
        strings[others].tolist(),
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=config.threshold * 100,
        dtype=np.float64,
        workers=1,
    )
    found = np.flatnonzero(ratios)
    distinct, which = np.unique(ratios[found], return_inverse=True)
    rounded = np.array(list(map(ratio_similarity, distinct.tolist())), dtype=np.float64)
    return ones[found].tolist(), others[found].tolist(), rounded[which].tolist()


class _Codes(dict[str, int]):
    """The CRC-32 of each shingle, computed once: the first time it is asked for."""

    def __missing__(self, gram: str) -> int:
        code = self[gram] = zlib.crc32(gram.encode("utf-8", "surrogatepass"))
        return code


def _grams(text: str) -> set[str]:
    words = text.split()
    if len(words) * _SPACELESS_WORD_LENGTH >= len(text) or len(text) < _CHAR_GRAM:
        return set(words) or {text}
    return {text[k : k + _CHAR_GRAM] for k in range(len(text) - _CHAR_GRAM + 1)}


def _lengths_close(a: int, b: int) -> bool:
    return min(a, b) >= MIN_LENGTH_RATIO * max(a, b)
