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
  so "Belarus" and "Belarusian" agree but "Olesya" and "Oksana" do not);
* they are the same template with different words in its slots: the only edits are
  one-for-one swaps of different words and they touch more than one word in twelve ("The
  northern route is closed" / "The southern route is closed"). A translation variant of a
  long caption may swap one synonym ("following" / "after"); a template fill changes facts.
"""

from __future__ import annotations

from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ._config import CleanConfig
from ._normalize import Keys
from ._types import Candidates, Key, Kind, Match, Rule

__all__ = ["guard", "similarity", "verify"]

_MIN_LENGTH_RATIO: Final = 0.75
_MAX_SLOT_SHARE: Final = 1 / 12


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
    >>> guard(k.info(0), k.info(1))
    'numbers differ'
    """
    la, lb = len(a.text), len(b.text)
    if min(la, lb) < _MIN_LENGTH_RATIO * max(la, lb):
        return "lengths differ"
    if a.numbers != b.numbers and sorted(a.numbers) != sorted(b.numbers):
        return "numbers differ"
    if a.names != b.names:
        return "names differ"
    if _slots_differ(a.text.split(), b.text.split()):
        return "template slots differ"
    return None


def _slots_differ(a: list[str], b: list[str]) -> bool:
    """True when ``b`` is ``a`` with some words swapped one for one, and no other edit.

    A swap between two forms of one word (same first three letters: "rises" / "rising")
    is an edit of wording, not a different word in the slot.
    """
    if len(a) != len(b):
        return False
    swapped = 0
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "replace":
            for k in range(op.src_end - op.src_start):
                if a[op.src_start + k][:3] != b[op.dest_start + k][:3]:
                    swapped += 1
        elif op.tag != "equal":
            return False
    return swapped > _MAX_SLOT_SHARE * len(a)


def verify(keys: Keys, cands: Candidates, config: CleanConfig) -> tuple[Match, ...]:
    """Score every candidate pair and keep those that pass the threshold and the guards.

    With ``protect_structure``, only text units are matched as near-duplicates: list
    items, questions, labels, headings, tables and code differ on purpose.
    """
    threshold = config.threshold
    cutoff = threshold * 100
    ratio = fuzz.ratio
    texts = keys.texts
    protect = config.protect_structure
    matches: list[Match] = []
    for i, j in cands.pairs:
        if not ratio(texts[i], texts[j], processor=None, score_cutoff=cutoff):
            continue
        score = similarity(texts[i], texts[j])
        if score < threshold:  # rounding
            continue
        a, b = keys.info(i), keys.info(j)
        if protect and (a.kind is not Kind.TEXT or b.kind is not Kind.TEXT):
            continue
        if guard(a, b) is None:
            matches.append(Match(i, j, score, Rule.NEAR_DUPLICATE))
    return tuple(matches)
