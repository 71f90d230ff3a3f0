"""Stage 5, decide: exact groups and verified matches -> which units go.

Units are decided in order, each against the copies that are *kept* at that point, never
through chains of pairwise similarity (A~B and B~C does not make C a copy of A unless C
matches the kept copy itself). A unit is removed when it copies a kept unit, and only
then: what is removed is either the same words as the kept copy once credits, labels and
punctuation are set aside, a variant that scores at or above the threshold and passes
every guard, or a part of the kept copy's words in their order. Where it may stand:

* ``adjacent``: the kept unit is the nearest unit before it; up to two short units may
  stand between ("1 of 9", "Photo: Jane Roe"). Exact and near-duplicate copies qualify;
  structure (list items, questions, labels, fields, headings, data) only as exact copies
  with nothing at all in between; tables and code never.
* ``gap`` (scope ``"page"`` and ``"document"``): the kept unit is one of the last
  ``window`` kept units, with other lines between: alt text, headline and figcaption; a
  lightbox caption, gallery title and caption; a copy behind a credit line. Captions and
  sentences qualify, as exact copies or as contained copies (every word of the copy
  stands in the kept unit, in order, the copy has at least six words and 60% of the kept
  unit's, and the same numbers: "Cover image of The Harbour Keeper by Jane Roe" / "The
  Harbour Keeper by Jane Roe"). Headings, short
  lines, lines that start with a label ("Response Test: ...") and lines printed in three
  or more places (under every product) do not: they repeat on purpose.
* ``run`` (every scope but ``"adjacent"``): the unit stands in a run of at least
  ``min_run`` consecutive units that each repeat, exactly, a unit earlier in the text: a
  block of paragraphs printed twice, or a gallery that repeats the captions scattered
  through the article. Headings count only when the earlier copies stand in the same
  order too, and the block holds a sentence or caption or at least twelve headings (a
  menu printed again in the footer, not a table of contents and its headings). Lines
  printed in three or more places do not count.
* ``distant`` (scope ``"page"``): an exact copy of a sentence-like text unit of at least
  ``min_distant_words`` words anywhere before (a lead caption printed again in the body,
  a paragraph printed again after an advert), unless it answers a question (the same
  answer under two questions of an FAQ); an exact copy of the headline, however often;
  and a teaser ending in an ellipsis whose words begin a kept unit ("On Monday the council
  decided to..."). With ``scope="document"``, any exact or near copy anywhere before.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from functools import cached_property
from itertools import pairwise, repeat
from typing import Final

from .candidates import minor_units, transparent_units
from .config import CleanConfig
from .normalize import Keys
from .types import Candidates, Decision, Kind, Match, Position, Rule
from .verify import Verification

__all__ = ["decide"]

_NEVER_REMOVED: Final = frozenset({Kind.CODE, Kind.TABLE})
_CAPTION_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING, Kind.FRAGMENT})
"""Kinds that captions, alt texts and sentences have: they may be copies at a gap."""
_BLOCK_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING})
"""Kinds that count in a block printed twice when the earlier copies are in order too."""

_Found = tuple[int, float, Rule, Position]

_MAX_BETWEEN: Final = 2
"""At most this many short units may stand between a text unit and its adjacent copy."""
_MIN_HEADING_BLOCK: Final = 12
"""Headings alone count as a block printed twice from this many in the same order on: a
menu printed again in the footer (a table of contents is not printed twice in a row)."""
_SAME_PLACE: Final = 2
"""Copies at most this many units apart stand in one place (a caption and its alt text)."""
_MIN_TITLE_WORDS: Final = 5
_SENTENCE_STOPS: Final = (".", "\u3002", "!", "\uff01")
_TITLE_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING, Kind.QUESTION, Kind.LABEL, Kind.FIELD})
_HEADING_GAP: Final = 4
"""A heading's exact copy counts at a gap only this many lines on at most: a product name
as image alt and card title, not a table-of-contents entry and its section heading."""
_MIN_GAP_CHARS: Final = 30
_MIN_GAP_WORDS: Final = 6
"""Exact copies at a gap have this many characters or words ("Read our full review
here." has neither); a word of a script without spaces is two characters."""
_STOPS: Final = tuple(".!?\"'\u201d\u2019\u3002\uff01\uff1f\u0964")
"""How a sentence-like unit ends."""
_MIN_CONTAINED_WORDS: Final = 6
_MIN_CONTAINED_SHARE: Final = 0.6
_MIN_TEASER_WORDS: Final = 4
_TEASER_HEAD: Final = 3
_TEASER_CANDIDATES: Final = 16
_ELLIPSIS: Final = ("...", "\u2026", "...)", "\u2026)", "... \u00bb", "\u2026 \u00bb", "\u2026]")


def decide(
    keys: Keys, cands: Candidates, verified: Verification, config: CleanConfig
) -> tuple[Decision, ...]:
    """Decide which units are copies; returns one :class:`Decision` per removed unit."""
    removed = _Decider(keys, cands, verified, config).run()
    if config.keep == "longest":
        _keep_longest(keys, cands.group, verified, removed)
    return tuple(removed[j] for j in sorted(removed))


class _Decider:
    """The state of one left-to-right pass: what is kept so far and where."""

    def __init__(
        self, keys: Keys, cands: Candidates, verified: Verification, config: CleanConfig
    ) -> None:
        self.keys = keys
        self.texts = keys.texts
        self.group = cands.group
        self.verified = verified
        self.config = config
        self.page = config.scope in ("page", "document")
        self.removed: dict[int, Decision] = {}
        self.group_rep: dict[int, int] = {}  # exact group -> its kept member
        self.prev = -1  # the nearest kept unit so far
        self.prev_major = -1  # the nearest kept unit that is not minor
        self.since_prev = 0  # units left standing since prev
        self.since_major = 0  # units left standing since prev_major
        self.recent: deque[int] = deque(maxlen=config.window)  # kept units that are not minor
        self.last_seen = -1  # the nearest unit before, kept or not, that is not transparent
        self.kept: list[int] = []  # every kept unit, in order
        self.referenced: set[int] = set()  # kept units that a removed unit points to
        self.heads: dict[str, list[int]] = {}  # first words -> kept units, for teasers
        self.headed = 0  # how many of self.kept are in self.heads
        self.templated = _templated(self.group) if self.page else frozenset()
        # per unit, worked out once: key length, spaces in the key, minor, transparent
        self.lengths = lengths = list(map(len, self.texts))
        self.spaces = list(map(str.count, self.texts, repeat(" ")))
        self.minor = minor_units(lengths, self.spaces, config)
        self.transparent = transparent_units(lengths, config)
        # every teaser ends in an ellipsis (_ELLIPSIS)
        raws = "\n".join(keys.raws)
        self.teasers = "..." in raws or "\u2026" in raws
        self.in_run = (
            _copy_runs(keys, self.group, config, self.templated, self.minor, self.transparent)
            if config.scope != "adjacent"
            else set()
        )

    @cached_property
    def title(self) -> int:
        """The page's headline (see :func:`_title`), worked out when a rule first asks."""
        return _title(self.keys, self.transparent) if self.page else -1

    def run(self) -> dict[int, Decision]:
        transparent = self.transparent
        protect = self.config.protect_structure
        for j in range(len(self.texts)):
            if transparent[j]:
                self.since_prev += 1
                self.since_major += 1
                continue
            found = self._find(j)
            if found is not None and protect and self.keys.kind(j) in _NEVER_REMOVED:
                found = None
            if found is not None and self._says_more(j, found):
                self._keep_instead(found, j)
            elif found is None:
                self._keep(j)
            else:
                kept, similarity, rule, position = found
                self.removed[j] = Decision(j, kept, similarity, rule, position)
                self.referenced.add(kept)
            self.last_seen = j
        return self.removed

    def _says_more(self, j: int, found: _Found) -> bool:
        """Whether near-duplicate ``j`` has every word of its kept twin and more ("...
        flooded market square" after "... flooded square"): removing it would
        lose words. Rewordings (each has words the other lacks) are left to the threshold
        and the guards."""
        if found[2] is not Rule.NEAR_DUPLICATE or self.config.keep == "longest":
            return False  # keep="longest" picks the survivor afterwards
        return set(self.texts[j].split()) > set(self.texts[found[0]].split())

    def _keep_instead(self, found: _Found, j: int) -> None:
        """Keep ``j``, which says more than its twin; the twin goes instead when it is the
        unit just kept and nothing points to it, else both stay."""
        i, similarity, rule, position = found
        swap = i == self.prev and i not in self.referenced
        if swap:
            self._unkeep(i)
        self._keep(j)
        if swap:
            self.removed[i] = Decision(i, j, similarity, rule, position)
            self.referenced.add(j)

    def _unkeep(self, i: int) -> None:
        """Take back the keeping of ``i``, the last unit kept."""
        self.kept.pop()
        if self.headed > len(self.kept):
            self.heads[_head(self.texts[i])].remove(i)
            self.headed = len(self.kept)
        if self.recent and self.recent[-1] == i:
            self.recent.pop()
        if self.group_rep.get(self.group[i]) == i:
            del self.group_rep[self.group[i]]

    def _keep(self, j: int) -> None:
        self.prev, self.since_prev = j, 0
        if self.minor[j]:
            self.since_major += 1
        else:
            self.prev_major, self.since_major = j, 0
            self.recent.append(j)
        self.group_rep.setdefault(self.group[j], j)
        self.kept.append(j)

    def _find(self, j: int) -> _Found | None:
        found = self._in_run(j) if j in self.in_run else None
        if found is None:
            found = self._adjacent(self.prev, self.since_prev, j)
        if found is None and self.prev_major != self.prev and not self.minor[j]:
            found = self._adjacent(self.prev_major, self.since_major, j)
        if found is None and self.page:
            found = (
                self._gap(j)
                or (self._distant(j) if self.group[j] in self.group_rep else None)
                or (self._teaser(j) if self.teasers else None)
            )
        if found is None and self.config.scope == "document":
            found = self._anywhere(j)
        return found

    # -- the rules ---------------------------------------------------------------------
    def _adjacent(self, prev: int, between: int, j: int) -> _Found | None:
        if prev < 0 or between > _MAX_BETWEEN:
            return None  # a flattened table or list, not a caption and its copy
        keys = self.keys
        if self.group[prev] == self.group[j]:
            # Structure repeats on purpose ("- cotton" under every product): only a copy
            # with nothing at all between it and its twin is taken for a scraping artefact.
            structure = self.config.protect_structure and keys.kind(j) is not Kind.TEXT
            if structure and (between or keys.kind(prev) in _NEVER_REMOVED):
                return None
            return prev, 1.0, _exact_rule(keys, prev, j), "adjacent"
        m = self.verified.check(prev, j)
        if m is not None:
            return prev, m.similarity, m.rule, "adjacent"
        return None

    def _gap(self, j: int) -> _Found | None:
        """A copy of one of the last ``window`` kept units, with lines in between, or a
        contained copy of the unit just before."""
        group = self.group
        own = group[j]
        if own in self.templated:
            return None
        lengths, spaces, texts = self.lengths, self.spaces, self.texts
        size, words = lengths[j], spaces[j] + 1
        head, _, tail = texts[j].partition(" ")
        last = tail.rpartition(" ")[2]
        # what _contained asks first: at least 6 words, half of the longer unit's, and the
        # first and last words standing in the longer unit
        few = words < _MIN_CONTAINED_WORDS
        prev = self.prev
        for i in reversed(self.recent):
            if i == prev:
                continue  # the unit just before was tried as adjacent
            if group[i] == own or (  # a copy, or may hold one
                size < lengths[i] <= 3 * size
                and not few
                and 2 * words >= spaces[i] + 1
                and head in texts[i]
                and last in texts[i]
            ):
                found = self._copy_at_gap(i, j)
                if found is not None:
                    return found
        if (
            prev >= 0
            and not few
            and 2 * words >= spaces[prev] + 1
            and head in texts[prev]
            and last in texts[prev]
        ):
            share = _contained(self.texts[j], self.texts[prev])
            if share and self._caption_like(prev) and self._caption_like(j):
                return prev, share, Rule.CONTAINED, "adjacent"
        return None

    def _copy_at_gap(self, i: int, j: int) -> _Found | None:
        """Unit ``j`` as a copy of ``i`` with other units between; kinds are looked at
        only once the words match (most units match nothing)."""
        texts = self.texts
        if self.group[i] == self.group[j]:
            short = len(texts[j]) < _MIN_GAP_CHARS and self.keys.words(j) < _MIN_GAP_WORDS
            if short or not self._gap_pair(i, j):
                return None
            kind = self.keys.kind(j)
            if kind is not Kind.TEXT and not (kind is Kind.HEADING and self._card_title(i, j)):
                return None  # a heading far off or a fragment: a TOC entry, a command
            return i, 1.0, _exact_rule(self.keys, i, j), "gap"
        share = _contained(texts[j], texts[i])
        if share and self._gap_pair(i, j):
            return i, share, Rule.CONTAINED, "gap"
        return None

    def _card_title(self, i: int, j: int) -> bool:
        """A heading printed again a few lines on, as the image alt and the title of one
        card: not when the first copy is followed by another heading, as an entry of a
        table of contents is."""
        if j - i > _HEADING_GAP:
            return False
        after = next((k for k in range(i + 1, j) if not self.transparent[k]), j)
        return after == j or self.keys.kind(after) is not Kind.HEADING

    def _gap_pair(self, i: int, j: int) -> bool:
        return self._caption_like(j) and self._caption_like(i) and not self._answer(j)

    def _distant(self, j: int) -> _Found | None:
        """An exact copy of a long sentence-like unit anywhere before, or of the headline."""
        rep = self.group_rep.get(self.group[j])
        if rep is not None and rep == self.title and self.keys.kind(j) in _TITLE_KINDS:
            return rep, 1.0, _exact_rule(self.keys, rep, j), "distant"
        if rep is None or self.keys.words(j) < self.config.min_distant_words:
            return None
        if self.group[j] in self.templated or not self.keys.raws[j].rstrip().endswith(_STOPS):
            return None
        if not self._sentence_like(j) or not self._sentence_like(rep):
            return None
        if self._answer(j):
            return None
        return rep, 1.0, _exact_rule(self.keys, rep, j), "distant"

    def _teaser(self, j: int) -> _Found | None:
        """A teaser cut short with an ellipsis whose words begin a kept unit."""
        raw = self.keys.raws[j].rstrip()
        if not raw.endswith(_ELLIPSIS) or not self._caption_like(j):
            return None
        text = self.texts[j]
        if text.count(" ") + 1 < _MIN_TEASER_WORDS:
            return None
        for i in self.kept[self.headed :]:  # indexed only once a teaser turns up
            self.heads.setdefault(_head(self.texts[i]), []).append(i)
        self.headed = len(self.kept)
        for i in reversed(self.heads.get(_head(text), ())[-_TEASER_CANDIDATES:]):
            longer = self.texts[i]
            if len(longer) > len(text) and longer.startswith(text + " "):
                return i, round(len(text) / len(longer), 4), Rule.CONTAINED, self._where(i, j)
        return None

    def _anywhere(self, j: int) -> _Found | None:
        """``scope="document"``: an exact or verified near copy anywhere before."""
        if self._structure(j):
            return None
        rep = self.group_rep.get(self.group[j])
        if rep is not None and rep != j:
            return rep, 1.0, _exact_rule(self.keys, rep, j), "distant"
        best: Match | None = None
        for m in self.verified.matches.get(j, ()):
            if m.i not in self.removed and (best is None or m.similarity > best.similarity):
                best = m
        if best is not None:
            return best.i, best.similarity, best.rule, "distant"
        return None

    def _in_run(self, j: int) -> _Found | None:
        rep = self.group_rep.get(self.group[j])
        if rep is not None and rep != j:
            return rep, 1.0, _exact_rule(self.keys, rep, j), "run"
        return None

    # -- helpers -----------------------------------------------------------------------
    def _structure(self, j: int) -> bool:
        return self.config.protect_structure and self.keys.kind(j) is not Kind.TEXT

    def _answer(self, j: int) -> bool:
        """Whether ``j`` stands right after a question: one answer under two questions of
        an FAQ is meant."""
        last = self.last_seen
        return last >= 0 and self.keys.kind(last) is Kind.QUESTION

    def _sentence_like(self, j: int) -> bool:
        """Text without a ``Label:`` in front."""
        kind, label = self.keys.shape(j)
        return not label and (not self.config.protect_structure or kind is Kind.TEXT)

    def _caption_like(self, j: int) -> bool:
        """Text, a heading or a fragment, without a ``Label:`` in front."""
        if not self.config.protect_structure:
            return True
        kind, label = self.keys.shape(j)
        return kind in _CAPTION_KINDS and not label

    def _where(self, i: int, j: int) -> Position:
        if i == self.prev:
            return "adjacent"
        return "gap" if i in self.recent else "distant"


def _title(keys: Keys, transparent: list[bool]) -> int:
    """The page's headline: its first unit that is not too short to matter, when it has at
    least ``_MIN_TITLE_WORDS`` words, does not end like a sentence and does not start a
    list of headings (a table of contents); else -1. Printed again as image alt text, in a
    promo box or a related link, it is never new information."""
    first = [j for j, skip in enumerate(transparent) if not skip][:2]
    if not first or keys.kind(first[0]) not in _TITLE_KINDS:
        return -1
    if keys.raws[first[0]].rstrip().endswith(_SENTENCE_STOPS):
        return -1  # a sentence, not a headline: the lead the summary bullets restate
    if keys.words(first[0]) < _MIN_TITLE_WORDS:
        return -1
    if len(first) > 1 and keys.kind(first[0]) is keys.kind(first[1]) is Kind.HEADING:
        return -1  # a list of headings (a table of contents) starts the text
    return first[0]


def _templated(group: tuple[int, ...]) -> frozenset[int]:
    """Groups whose copies stand in three or more places, each with at least two other
    units before the next: a line printed under every item ("Compare deals with ..."),
    not a caption and its alt text."""
    many = {g for g, n in Counter(group).items() if n >= 3}
    if not many:
        return frozenset()  # no text printed three times
    last: dict[int, int] = {}
    places: dict[int, int] = {}
    for j, g in enumerate(group):
        if g not in many:
            continue
        if g in last and j - last[g] <= _SAME_PLACE:
            last[g] = j
            continue
        last[g] = j
        places[g] = places.get(g, 0) + 1
    return frozenset(g for g, n in places.items() if n >= 3)


def _head(text: str) -> str:
    """The first few words of a key: where teasers are looked up."""
    return " ".join(text.split(" ", _TEASER_HEAD)[:_TEASER_HEAD])


def _contained(short: str, long: str) -> float:
    """The share of ``long``'s words that ``short`` has, when every word of ``short``
    stands in ``long`` in the same order and the share is at least one half; else 0.
    (``_Decider._gap`` asks its first tests, lengths and the first and last words, before
    calling: change them together.)

    >>> _contained("the harbour keeper by jane roe", "cover of the harbour keeper by jane roe")
    0.75
    >>> _contained("jane roe the harbour keeper", "cover of the harbour keeper by jane roe")
    0.0
    """
    if len(short) >= len(long) or 3 * len(short) < len(long):
        return 0.0  # as long or longer, or far too short to have half the words
    first, _, tail = short.partition(" ")
    if f" {first} " not in f" {long} " or tail.rpartition(" ")[2] not in long:
        return 0.0  # the first and last words must be there
    n_short = short.count(" ") + 1
    if n_short < _MIN_CONTAINED_WORDS:
        return 0.0
    share = n_short / (long.count(" ") + 1)
    if share < _MIN_CONTAINED_SHARE:
        return 0.0
    words = short.split(" ")
    longer = long.split(" ")
    if _digits(words) != _digits(longer):
        return 0.0  # "5 miles" is not a shorter "4-5 miles"
    rest = iter(longer)
    if all(word in rest for word in words):
        return round(share, 4)
    return 0.0


def _digits(words: list[str]) -> list[str]:
    return [w for w in words if w.isdigit()]


def _copy_runs(
    keys: Keys,
    group: tuple[int, ...],
    config: CleanConfig,
    templated: frozenset[int],
    minor: list[bool],
    transparent: list[bool],
) -> set[int]:
    """Units in runs of at least ``min_run`` consecutive units that each repeat an
    earlier unit exactly (transparent units in between neither count nor break a run).

    Text counts in any run; other kinds (but tables, code and data) only in a block
    whose earlier copies stand in the same order.
    """
    members: set[int] = set()
    chained = _chained([j for j, g in enumerate(group) if g != j], minor, config.min_run)
    if not chained:
        return members  # too few repeats, or too far apart, to make a run
    for run in _text_runs(keys, chained, config, minor):
        if len(run) >= config.min_run:
            members.update(run)
    for block in _block_runs(keys, group, chained, config, transparent):
        run = [j for j in block if group[j] not in templated]
        if len(run) < config.min_run:
            continue
        long_block = len(run) >= _MIN_HEADING_BLOCK
        if not config.protect_structure or long_block or any(_is_text(keys, j) for j in run):
            members.update(run)  # a block with a sentence or caption in it, or a long one
    return members


def _chained(repeats: list[int], minor: list[bool], min_run: int) -> set[int]:
    """The ``repeats`` (units that repeat an earlier one) that stand in a chain of at least
    ``min_run`` of them with only minor units between: the members of a run of either kind
    stand so, so no other unit can be in one (nor stop a run that could be long enough).

    >>> sorted(_chained([2, 4, 5], [False, False, False, True, False, False], 3))
    [2, 4, 5]
    >>> _chained([2, 4, 5], [False] * 6, 3)
    set()
    """
    found: set[int] = set()
    if len(repeats) < min_run:
        return found
    chain = repeats[:1]
    for a, b in pairwise(repeats):
        if not all(map(minor.__getitem__, range(a + 1, b))):
            if len(chain) >= min_run:
                found.update(chain)
            chain = []
        chain.append(b)
    if len(chain) >= min_run:
        found.update(chain)
    return found


def _is_text(keys: Keys, j: int) -> bool:
    return keys.kind(j) is Kind.TEXT


def _text_runs(
    keys: Keys, chained: set[int], config: CleanConfig, minor: list[bool]
) -> Iterator[list[int]]:
    protect = config.protect_structure
    run: list[int] = []
    for j, is_minor_ in enumerate(minor):
        if is_minor_:
            continue
        if j in chained and (not protect or keys.kind(j) is Kind.TEXT):
            run.append(j)
            continue
        yield run
        run = []
    yield run


def _block_runs(
    keys: Keys,
    group: tuple[int, ...],
    chained: set[int],
    config: CleanConfig,
    transparent: list[bool],
) -> Iterator[list[int]]:
    """Runs of units whose earlier copies stand at one fixed distance before them (of the
    ``chained`` units: no other unit can be in a run long enough to count)."""
    seq = [j for j, skip in enumerate(transparent) if not skip]
    last: dict[int, int] = {}  # group -> its latest position in seq
    run: list[int] = []
    offset = 0
    for p, j in enumerate(seq):
        g = group[j]
        blockable = j in chained and (not config.protect_structure or keys.kind(j) in _BLOCK_KINDS)
        if run and blockable and group[seq[p - offset]] == g:
            run.append(j)
        else:
            yield run
            run = []
            if blockable and g in last:
                offset = p - last[g]
                run = [j]
        last[g] = p
    yield run


def _keep_longest(
    keys: Keys, group: tuple[int, ...], verified: Verification, removed: dict[int, Decision]
) -> None:
    """Let the longest copy of each group survive instead of the first.

    Copies are decided against the first copy; afterwards the longest member of the group
    becomes the survivor, provided every other member is itself a copy of it (exact, or
    verified near-duplicate). Otherwise the first copy stays: nothing is removed on the
    strength of a chain. Evidence is recomputed against the survivor.
    """
    members: dict[int, list[int]] = {}
    for d in removed.values():
        members.setdefault(d.kept, []).append(d.index)
    for first, copies in members.items():
        everyone = [first, *sorted(copies)]
        best = max(everyone, key=lambda u: (_length(keys, u), -u))
        if best == first:
            continue
        evidence = [(u, _evidence(keys, group, verified, best, u)) for u in everyone if u != best]
        checked = [(u, found) for u, found in evidence if found is not None]
        if len(checked) < len(evidence):
            continue
        position = removed.pop(best).position
        for u, (similarity, rule) in checked:
            where = position if u == first else removed[u].position
            removed[u] = Decision(u, best, similarity, rule, where)


def _evidence(
    keys: Keys, group: tuple[int, ...], verified: Verification, a: int, b: int
) -> tuple[float, Rule] | None:
    """Similarity and rule of units ``a`` and ``b`` as copies, or ``None``."""
    if group[a] == group[b]:
        return 1.0, _exact_rule(keys, a, b)
    m = verified.check(min(a, b), max(a, b))
    return None if m is None else (m.similarity, m.rule)


def _exact_rule(keys: Keys, i: int, j: int) -> Rule:
    return Rule.EXACT if keys.raws[i].strip() == keys.raws[j].strip() else Rule.NORMALIZED


def _length(keys: Keys, u: int) -> int:
    """A unit's length, the same whatever its line-ending style."""
    stripped = keys.info(u).stripped
    return len(stripped) - stripped.count("\r\n")
