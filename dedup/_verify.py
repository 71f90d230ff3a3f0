"""Stage 4, verify: candidate pairs -> scored matches, with guards.

The similarity of two keys is rapidfuzz's ``fuzz.ratio`` (normalized Indel similarity:
insertions and deletions of characters, so local rewording and short moves of words count
as partial matches) scaled to 0-1. Sorting tokens first is not used: it merges lines that
say different things with the same words ("A hates B" / "B hates A"). A pair at or above
``CleanConfig.threshold`` is a match unless a guard objects:

* the keys' lengths differ by more than 25% (one adds content the other lacks: a caption
  that quotes a body sentence and adds its own words);
* their numbers differ ("Termin: 21.02.2024" vs "Termin: 29.02.2024", scores, prices);
* their names differ (capitalized words other than the first, compared by 5-letter stem,
  so "Belarus" and "Belarusian" agree but "Olesya" and "Oksana" do not).
"""

from __future__ import annotations

from typing import Final

from rapidfuzz import fuzz

from ._config import CleanConfig
from ._types import Candidates, Key, Match, Rule

__all__ = ["guard", "similarity", "verify"]

_MIN_LENGTH_RATIO: Final = 0.75


def similarity(a: str, b: str, cutoff: float = 0.0) -> float:
    """Similarity of two comparison keys on the 0-1 scale (0.0 when below ``cutoff``).

    >>> similarity("protesters in the capital of belarus", "protesters in the capital of minsk")
    0.8571
    >>> similarity("a b c", "x y z", cutoff=0.5)
    0.0
    """
    return round(fuzz.ratio(a, b, processor=None, score_cutoff=cutoff * 100) / 100, 4)


def guard(a: Key, b: Key) -> str | None:
    """The reason two similar keys must not be merged, or ``None`` when nothing objects.

    >>> from dedup._normalize import normalize
    >>> from dedup._segment import segment
    >>> k = normalize(segment("Termin: 21.02.2024 in Berlin\\nTermin: 29.02.2024 in Berlin"))
    >>> guard(k[0], k[1])
    'numbers differ'
    """
    la, lb = len(a.text), len(b.text)
    if min(la, lb) < _MIN_LENGTH_RATIO * max(la, lb):
        return "lengths differ"
    if a.numbers != b.numbers and sorted(a.numbers) != sorted(b.numbers):
        return "numbers differ"
    if a.names != b.names:
        return "names differ"
    return None


def verify(keys: tuple[Key, ...], cands: Candidates, config: CleanConfig) -> tuple[Match, ...]:
    """Score every candidate pair and keep those that pass the threshold and the guards."""
    threshold = config.threshold
    matches: list[Match] = []
    for i, j in cands.pairs:
        a, b = keys[i], keys[j]
        if guard(a, b) is not None:
            continue
        score = similarity(a.text, b.text, threshold)
        if score >= threshold:
            matches.append(Match(i, j, score, Rule.NEAR_DUPLICATE))
    return tuple(matches)
