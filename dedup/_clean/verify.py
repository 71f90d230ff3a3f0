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
* they start with different labels ("Plus: ..." / "Advanced: ...");
* one is more than two words shorter and still has a word of its own (not an abridged
  copy but another description of another photo), or either has two or more words of
  its own (no form of them in the other: "resign" and "resignation" are one word);
* they are the same template with different words in its slots: the only edits are
  one-for-one swaps of different words and they touch more than one word in twelve ("The
  northern route is closed" / "The southern route is closed"). A translation variant of a
  long caption may swap one synonym ("following" / "after"); a template fill changes facts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from .config import CleanConfig
from .normalize import Keys
from .types import Candidates, Key, Kind, Match, Rule

__all__ = [
    "MIN_LENGTH_RATIO", "Verification", "guard", "ratio_similarity", "similarity", "verify",
]  # fmt: skip

MIN_LENGTH_RATIO: Final = 0.75
"""Two keys whose lengths differ more (the shorter under this share of the longer) are
never near-duplicates: one adds content the other lacks."""
_MAX_SLOT_SHARE: Final = 1 / 12
_NAME_SHARE: Final = 0.7
"""Names make up at least 30% of the words: then the other words must agree too."""
_MIN_REST_SIMILARITY: Final = 75
_MAX_WORDS_SHORTER: Final = 2
"""A variant more than this many words shorter than its twin may have no word of its own."""
_MIN_OWN_WORD: Final = 3
"""A word of its own has more than this many letters ("and", "the" do not count)."""
_MAX_OWN_WORDS: Final = 2
"""A variant with this many words of its own (not another form of a word of its twin)
says something else: "as long as it specifies" is not a rewording of "for an existing"."""
_MIN_STEM: Final = 5
"""Two words of which one begins the other are one word from this many letters on
("resign" / "resignation")."""


def similarity(a: str, b: str, cutoff: float = 0.0) -> float:
    """Similarity of two comparison keys on the 0-1 scale (0.0 when below ``cutoff``).

    >>> similarity("protesters in the capital of belarus", "protesters in the capital of minsk")
    0.8571
    >>> similarity("a b c", "x y z", cutoff=0.5)
    0.0
    """
    return ratio_similarity(fuzz.ratio(a, b, processor=None, score_cutoff=cutoff * 100))


def ratio_similarity(ratio: float) -> float:
    """A rapidfuzz ``fuzz.ratio`` (0-100) on the 0-1 scale of :func:`similarity`, to four
    places: for ratios computed in bulk (``process.cpdist``), the very number
    :func:`similarity` gives for the pair.

    >>> ratio_similarity(85.71428571428571)
    0.8571
    """
    return round(ratio / 100, 4)


def guard(a: Key, b: Key) -> str | None:
    """The reason two similar keys must not be merged, or ``None`` when nothing objects.

    >>> from dedup._clean.normalize import normalize
    >>> from dedup._clean.segment import segment
    >>> k = normalize(segment("Termin: 21.02.2024 in Berlin\\nTermin: 29.02.2024 in Berlin"))
    >>> guard(k.info(0), k.info(1))
    'numbers differ'
    """
    la, lb = len(a.text), len(b.text)
    if min(la, lb) < MIN_LENGTH_RATIO * max(la, lb):
        return "lengths differ"
    if a.numbers != b.numbers and sorted(a.numbers) != sorted(b.numbers):
        return "numbers differ"
    if a.names != b.names:
        return "names differ"
    if a.label != b.label:
        return "labels differ"
    wa, wb = a.text.split(), b.text.split()
    if _slots_differ(wa, wb):
        return "template slots differ"
    if a.names and _only_names_agree(a.names, wa, wb):
        return "only the names agree"
    sa, sb = set(wa), set(wb)
    own_a, own_b = _own_words(sa, sb, b.text), _own_words(sb, sa, a.text)
    if abs(len(wa) - len(wb)) > _MAX_WORDS_SHORTER and (own_a if len(wa) < len(wb) else own_b):
        # not an abridged copy but another description ("a model wearing a grey
        # jumpsuit" / "a model wearing a white shirt and grey pants")
        return "the shorter one says something else"
    if own_a >= _MAX_OWN_WORDS or own_b >= _MAX_OWN_WORDS:
        return "each says something the other does not"
    return None


def _own_words(a: set[str], b: set[str], b_text: str) -> int:
    """How many words of ``a`` (longer than three letters) have no form in ``b``: no word
    that is the same word with another ending ("rises" / "rising"), begins it or that it
    begins ("resign" / "resignation"). Counts up to ``_MAX_OWN_WORDS``, all a guard asks.
    ``b_text`` is the key whose words ``b`` holds (single spaces): the words of ``b`` that
    begin with given letters are found where it spells them, one search each, instead of
    trying every word of ``b`` (most words of ``a`` have none, or one).

    >>> _own_words(set("calling for the president to resign".split()),
    ...            set("demanding the resignation of the president".split()),
    ...            "demanding the resignation of the president")
    1
    """
    found = 0
    spelled = " " + b_text + " "
    for w in a - b:
        if len(w) <= _MIN_OWN_WORD:
            continue
        start = " " + w[:3]  # related forms share their first three letters
        at = spelled.find(start)
        while at >= 0:  # each word of b with those letters, found where it is spelled
            end = spelled.index(" ", at + 1)
            if _related(w, spelled[at + 1 : end]):
                break
            at = spelled.find(start, end)
        else:
            found += 1
            if found >= _MAX_OWN_WORDS:
                break
    return found


def _related(a: str, b: str) -> bool:
    return _same_word(a, b) or (
        min(len(a), len(b)) >= _MIN_STEM and (a.startswith(b) or b.startswith(a))
    )


def _only_names_agree(names: frozenset[str], wa: list[str], wb: list[str]) -> bool:
    """True when two keys of words ``wa`` and ``wb`` and the same ``names`` are similar
    only through a long shared name: two alt texts of different photos of one product
    ("The lid of the Harbourline Deluxe Steam Kettle" / "A hand pouring water from the
    Harbourline Deluxe Steam Kettle")."""
    rest_a = [w for w in wa if w[:5] not in names]
    if len(rest_a) > _NAME_SHARE * len(wa):
        return False  # the names are a small part: the rest decides as a whole
    rest_b = [w for w in wb if w[:5] not in names]
    score = fuzz.ratio(" ".join(rest_a), " ".join(rest_b), processor=None)
    return bool(score < _MIN_REST_SIMILARITY)


def _slots_differ(a: list[str], b: list[str]) -> bool:
    """True when the two word sequences look like one template filled in differently.

    Either ``b`` is ``a`` with some words swapped one for one (and no other edit) touching
    more than one word in twelve, or the word-level alignment has two or more separate
    places where words were replaced (not just inserted or deleted). A swap between two
    forms of one word (same first three letters: "rises" / "rising") does not count.

    Each test first asks whether there are edits enough, with a distance that stops
    counting early: a swap of more than one word in twelve takes a Levenshtein distance
    above that share, and a replaced place one deleted and one inserted word (most
    variants differ by a word or two: then no alignment is needed).
    """
    most = int(_MAX_SLOT_SHARE * len(a))  # more swaps than this fill in a template
    if len(a) == len(b) and Levenshtein.distance(a, b, score_cutoff=most) > most:
        swapped = 0
        for op in Levenshtein.opcodes(a, b):
            tag = op.tag
            if tag == "replace":
                a_start, b_start = op.src_start, op.dest_start
                for k in range(op.src_end - a_start):
                    if not _same_word(a[a_start + k], b[b_start + k]):
                        swapped += 1
            elif tag != "equal":
                break  # not only swaps
        else:
            if swapped > most:
                return True
    if Indel.distance(a, b, score_cutoff=_TWO_PLACES - 1) < _TWO_PLACES:
        return False
    replaced = 0
    removed: list[str] = []
    added: list[str] = []
    for op in [*Indel.opcodes(a, b), None]:
        if op is None or op.tag == "equal":
            if removed and added and not _same_stems(removed, added):
                replaced += 1
            removed, added = [], []
        elif op.tag == "delete":
            removed += a[op.src_start : op.src_end]
        else:
            added += b[op.dest_start : op.dest_end]
    return replaced >= 2


_TWO_PLACES: Final = 4
"""The fewest words deleted or inserted in two places where words were replaced."""


def _same_stems(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(_same_word(x, y) for x, y in zip(a, b, strict=True))


def _same_word(a: str, b: str) -> bool:
    """Two forms of one word: only endings of up to three letters differ ("rises" /
    "rising", "Georgia" / "Georgian"), and at least three letters are shared: the words
    agree in their first ``max(3, longer - 3)`` letters.

    >>> _same_word("rises", "rising"), _same_word("rise", "rose"), _same_word("at", "at")
    (True, False, False)
    """
    shared = max(len(a), len(b)) - 3
    if shared < 3:
        shared = 3
    return len(a) >= shared and len(b) >= shared and a[:shared] == b[:shared]


class Verification:
    """The output of the verify stage: the test of a near-duplicate pair, made when the
    decide stage asks and remembered.

    :meth:`best` gives a unit's best match among its candidate pairs (those of
    ``scope="document"``); :meth:`check` tests any other pair: decide asks it about each
    unit and the kept unit just before it, which only decide knows, since it depends on
    what was removed.
    """

    __slots__ = ("_cache", "_config", "_earlier", "_keys", "_later", "_scores", "_starts")

    def __init__(self, keys: Keys, config: CleanConfig, cands: Candidates | None = None) -> None:
        self._keys = keys
        self._config = config
        self._cache: dict[tuple[int, int], Match | None] = {}
        if cands is None:
            cands = Candidates(group=())  # no candidate pairs
        # the candidate pairs by later unit, best first (see Candidates), and where the
        # pairs of each later unit start
        self._earlier, self._later, self._scores = cands.earlier, cands.later, cands.scores
        last = len(self._later) - 1
        self._starts = dict(zip(reversed(self._later), range(last, -1, -1), strict=True))

    def best(self, j: int, usable: Callable[[int], bool]) -> Match | None:
        """The most similar match of ``j`` among its candidate pairs whose earlier unit is
        ``usable`` (still kept); of equally similar ones, the first proposed (the earliest
        unit). The candidates stage gives a unit's pairs best first, with their scores;
        they are guarded in that order up to the first match: of a unit with many near
        copies, most pairs are never guarded."""
        start = self._starts.get(j)
        if start is None:
            return None
        stop = bisect_right(self._later, j, start)
        earlier, scores, threshold = self._earlier, self._scores, self._config.threshold
        for k in range(start, stop):
            score = scores[k]
            if score < threshold:
                break  # the rest score lower still
            i = earlier[k]
            if usable(i):
                found = self._test(i, j, score)
                if found is not None:
                    return found
        return None

    def check(self, i: int, j: int) -> Match | None:
        """The match of units ``i < j``, or ``None`` when they are not near-duplicates."""
        return self._test(i, j, None)

    def _test(self, i: int, j: int, score: float | None) -> Match | None:
        """:meth:`check`, with the pair's similarity when it is known (``None`` if not)."""
        texts = self._keys.texts
        la, lb = len(texts[i]), len(texts[j])
        short, long = (la, lb) if la < lb else (lb, la)
        if short < self._config.min_chars or short < MIN_LENGTH_RATIO * long:
            return None  # the common case, answered without any cache
        found = self._cache.get((i, j), self)
        if found is self:
            found = self._cache[(i, j)] = self._check(i, j, score)
        return found  # type: ignore[return-value]

    def _check(self, i: int, j: int, score: float | None) -> Match | None:
        keys, config = self._keys, self._config
        if keys.words(i) < config.min_words or keys.words(j) < config.min_words:
            return None
        if score is None:
            score = similarity(keys.texts[i], keys.texts[j], config.threshold)
        if score < config.threshold:  # below the cutoff (0.0), or by rounding
            return None
        structure = keys.kind(i) is not Kind.TEXT or keys.kind(j) is not Kind.TEXT
        if config.protect_structure and structure:
            return None
        if guard(keys.info(i), keys.info(j)) is not None:
            return None
        return Match(i, j, score, Rule.NEAR_DUPLICATE)


def verify(keys: Keys, cands: Candidates, config: CleanConfig) -> Verification:
    """The test of near-duplicate pairs, for the candidate pairs and any pair decide asks
    about: a pair matches when it reaches the threshold and passes the guards.

    Both units must be long enough (``min_chars``, ``min_words``) and, with
    ``protect_structure``, text: list items, questions, labels, headings, tables and code
    differ on purpose. The candidate pairs come scored and in the order they are tested;
    they are tested when decide asks (:meth:`Verification.best`).
    """
    return Verification(keys, config, cands)
