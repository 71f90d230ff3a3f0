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
  unit's, and the same numbers: "Jane Roe signs copies of The Harbour Keeper at the
  library" / "Jane Roe signs copies of The Harbour Keeper"). Headings, short lines (but
  an alt text whose twin carries a credit or label: "Cover image for Tide Keeper by Jane
  Roe" / "Tide Keeper by Jane Roe"), lines that start with a label ("Response Test:
  ...") and lines printed in three or more places (under every product) do not: they
  repeat on purpose.
* ``run`` (every scope but ``"adjacent"``): the unit stands in a run of at least
  ``min_run`` consecutive units that each repeat, exactly, a unit earlier in the text: a
  block of paragraphs printed twice, or a gallery that repeats the captions scattered
  through the article. Headings count only when the earlier copies stand in the same
  order too, and the block holds a sentence or caption or at least twelve headings (a
  menu printed again in the footer, not a table of contents and its headings) or four
  headings printed twice in a row. Lines printed in three or more places do not count,
  unless the block has eight lines or more and a sentence (a contents list and a
  newsletter box printed twice, whose entries are also the section headings).
  A block printed again loosely counts too: at least four neighbouring lines of five
  words or more on average, each repeating a different line whose earlier copies stand
  close together in any order (related headlines printed again without their dates);
  spec lines ("Price: ...", a label used with different values) and indented lines do
  not count.
* ``distant`` (scope ``"page"``): an exact copy of a sentence-like text unit of at least
  ``min_distant_words`` words anywhere before (a lead caption printed again in the body,
  a paragraph printed again after an advert, one caption under every photo of a
  gallery), unless it answers a question (the same answer under two questions of an FAQ)
  or is a question printed in three or more places; a headline-like unit of twelve words
  or more that is not a contents entry; an exact copy of the headline, however often, or
  of an image's alt text ("Avatar for Jane Roe"); a headline printed again as a card
  (link, alt text and title in a row, in a list of cards); a teaser ending in an
  ellipsis whose words begin a kept unit ("On Monday the council decided to..."); and a
  title printed again after a teaser card glued it to its summary, or the headline
  without its year. With ``scope="document"``, any exact or near copy anywhere before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import compress, count, pairwise
from operator import ne
from typing import Final

from .candidates import minor_units, transparent_units
from .config import CleanConfig
from .credits import is_image_label, strip_frame
from .normalize import Keys, normalize_text
from .types import Candidates, Decision, Kind, Position, Rule
from .verify import Verification

__all__ = ["decide"]

_CAPTION_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING, Kind.FRAGMENT})
"""Kinds that captions, alt texts and sentences have: they may be copies at a gap."""
_BLOCK_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING, Kind.FRAGMENT})
"""Kinds that count in a block printed twice when the earlier copies are in order too (a
fragment: a menu entry such as "e-mail & calendar sync")."""
_FIELD_KINDS: Final = frozenset({Kind.FIELD, Kind.DATA})
"""Kinds of headlines behind a kicker label or with many numbers, when long enough."""
_MIN_DISTANT_HEADLINE_WORDS: Final = 12
"""A headline (no full stop) printed again anywhere counts from this many words: a long
related-story title, not a section heading or a spec line (at ten words two article
pages' contents entries went)."""
_MIN_GAP_FIELD_WORDS: Final = 10
"""Such a headline counts at a gap from this many words: a pick's "Best for sailors: Quay
Wool Blanket" stays."""

_Found = tuple[int, float, Rule, Position]

_MAX_BETWEEN: Final = 2
"""At most this many short units may stand between a text unit and its adjacent copy."""
_MIN_HEADING_BLOCK: Final = 12
"""Headings alone count as a block printed twice from this many in the same order on: a
menu printed again in the footer (a table of contents is not printed twice in a row)."""
_MIN_SHARED_BLOCK: Final = 8
"""A block printed again in the same order counts with lines printed in three or more places
from this many lines on, when a sentence or caption is in it: a contents list and
newsletter box printed twice, whose entries are also the section headings."""
_MIN_DOUBLED_BLOCK: Final = 4
"""Headings printed twice in a row count as a block from this many on."""
_SAME_PLACE: Final = 2
"""Copies at most this many units apart stand in one place (a caption and its alt text)."""
_BLOCK_SLACK: Final = 6
"""Neighbouring copies belong to one block printed again, loosely, when their first copies
stand at most this many units apart: a list of related links printed again with dates
dropped or images added."""
_LOOSE_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING, Kind.LABEL, Kind.QUESTION})
_SPEC_LABEL_VALUES: Final = 2
"""A field label used with this many different values is a spec ("Price: ..."), not a
kicker before a headline ("Paris 2024: ...")."""
_MIN_LOOSE_HEADINGS: Final = 4
_MIN_HEADLINE_WORDS: Final = 5
"""A loose block only counts with this many lines, of this many words on average:
headlines of related articles, not short feature or service names."""
_MIN_TITLE_WORDS: Final = 5
_BREADCRUMB_MARKS: Final = (" > ", " \u00bb ", " \u203a ")
_MAX_STEP_WORDS: Final = 3
_TITLE_COPIES: Final = 3
_SENTENCE_STOPS: Final = (".", "\u3002", "!", "\uff01")
_TITLE_KINDS: Final = frozenset({Kind.TEXT, Kind.HEADING, Kind.QUESTION, Kind.LABEL, Kind.FIELD})
_HEADING_GAP: Final = 4
"""A heading's exact copy counts at a gap only this many lines on at most: a product name
as image alt and card title, not a table-of-contents entry and its section heading."""
_MIN_CARD_WORDS: Final = 3
_MAX_ATTRIBUTE_WORDS: Final = 2
_MIN_GAP_CHARS: Final = 30
_MIN_GAP_WORDS: Final = 6
"""Exact copies at a gap have this many characters or words ("Read our full review
here." has neither); a word of a script without spaces is two characters."""
_STOPS: Final = tuple(".!?\"'\u201d\u2019\u3002\uff01\uff1f\u0964")
"""How a sentence-like unit ends."""
_MIN_FRAMED_WORDS: Final = 3
_MAX_AUTHOR_WORDS: Final = 4
_SUBTITLE_SEPARATORS: Final = (": ", " - ", " \u2013 ", " \u2014 ", " | ")
_MAX_DATE_WORDS: Final = 4
_MONTHS: Final = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
))  # fmt: skip
"""A date after a title: month names and numbers ("november 19 2019", "19 nov 2019")."""
_DATE_LEADS: Final = frozenset(("for", "in", "of"))
_MIN_CONTAINED_WORDS: Final = 6
_MIN_CONTAINED_SHARE: Final = 0.6
_MIN_CARD_TITLE_WORDS: Final = 5
_MIN_CARD_REST_WORDS: Final = 3
"""A title glued to its teaser's summary has five words or more, and the summary three."""
_CARD_LOOKAHEAD: Final = 3
_MAX_CARD_TITLE_WORDS: Final = 20
"""A card's copy is followed by this many units that are no paragraph: none ends with a
full stop or is longer than a long headline."""
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
        self.last_copy: dict[int, int] | None = None  # group -> its last unit, when asked
        # "tide keeper by jane roe" under its title: a copy may drop the author
        self.titled: dict[str, list[int]] = {}
        if " by " in "\n".join(self.texts):
            for j, text in enumerate(self.texts):
                if " by " in text:
                    self.titled.setdefault(text.rpartition(" by ")[0], []).append(j)
        # the units that repeat an earlier one: all that the run rules look at, and few
        copies = list(compress(count(), map(ne, self.group, count())))
        self.templated = _templated(self.group, copies) if self.page else frozenset()
        # per unit, worked out once: key length, spaces in the key, minor, transparent
        self.lengths = lengths = list(map(len, self.texts))
        self.spaces = keys.spaces
        self.minor = minor_units(lengths, self.spaces, config)
        self.transparent = transparent_units(lengths, config)
        # every teaser ends in an ellipsis (_ELLIPSIS)
        raws = "\n".join(keys.raws)
        self.teasers = "..." in raws or "\u2026" in raws
        self.headed_by = (
            _headed_by(self.texts, self.spaces, _MIN_CARD_TITLE_WORDS) if self.page else {}
        )
        self.in_run = (
            _copy_runs(
                keys, self.group, copies, config, self.templated, self.minor, self.transparent
            )
            if config.scope != "adjacent"
            else set()
        )

    @cached_property
    def title(self) -> int:
        """The page's headline (see :func:`_title`), worked out when a rule first asks."""
        if not self.page:
            return -1
        return _title(self.keys, self.group, self.transparent, self.first_unit)

    def _is_title(self, i: int) -> bool:
        """Whether kept unit ``i`` is the page's headline. Only the first unit that is not
        transparent or a breadcrumb can be: the headline's tests are made once that one is
        asked about."""
        return i == self.first_unit and i == self.title

    @cached_property
    def first_unit(self) -> int:
        """The first unit that is not transparent or a breadcrumb: the only one that can be
        the headline."""
        raws = self.keys.raws
        for j, skip in enumerate(self.transparent):
            if not skip and not _breadcrumb(raws[j]):
                return j
        return -1

    def run(self) -> dict[int, Decision]:
        transparent = self.transparent
        protect = self.config.protect_structure
        group, page = self.group, self.page
        for j in range(len(self.texts)):
            if transparent[j]:
                if page and group[j] != j:
                    self._short_copy(j)
                self.since_prev += 1
                self.since_major += 1
                continue
            found = self._find(j)
            if found is not None and protect and self.keys.is_verbatim(j):
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

    def _short_copy(self, j: int) -> None:
        """Remove ``j``, a unit too short for the other rules, when it is a short twin of
        the unit before or an image's alt text printed again ("Acme logo")."""
        position: Position = "adjacent"
        if self._short_twin(j):
            i = j - 1
        elif self._image_label(j) and self.group[j] not in self.removed:
            i = self.group[j]  # short units are never kept, never removed but here
            position = self._where(i, j)
        else:
            return
        self.removed[j] = Decision(j, i, 1.0, _exact_rule(self.keys, i, j), position)
        self.referenced.add(i)

    def _short_twin(self, j: int) -> bool:
        """A short line of two or more words printed twice in a row ("Kia EV3" as image
        alt and card title): too short for any other rule, but a copy with nothing at all
        in between. One-word lines ("Yes", "Pros") and lines that start with a number ("3.5
        Good") stay: table cells, ratings."""
        i = j - 1
        if i < 0 or self.group[i] != self.group[j] or i in self.removed:
            return False
        text = self.texts[j]
        first = text.partition(" ")[0]
        if " " not in text or not (first.isalpha() and len(first) > 1):
            return False  # "3.5 Good" twice in a row: two products' ratings
        if self._sentence_end(j):
            return False  # "Try it now." under two offers: a call to action
        return self.keys.kind(j) in _CAPTION_KINDS

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
            prev = self.prev
            framed = False
            if prev >= 0 and self.since_prev <= _MAX_BETWEEN:
                text, kept = self.texts[j], self.texts[prev]
                framed = len(kept) > len(text) and (kept.startswith(text) or kept.endswith(text))
            found = (
                (self._framed(j) if framed else None)
                or self._gap(j)
                or (self._distant(j) if self.group[j] in self.group_rep else None)
                or (self._teaser(j) if self.teasers else None)
                or (self._title_of_card(j) if j in self.headed_by else None)
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
            # (The kind of j is asked last: a twin right after a line of text is a copy,
            # whatever j looks like; a long kicker headline may have short units between.)
            if (
                self.config.protect_structure
                and ((between and not self._long_field(j)) or keys.is_verbatim(prev))
                and keys.kind(j) is not Kind.TEXT
            ):
                return None
            return prev, 1.0, _exact_rule(keys, prev, j), "adjacent"
        m = self.verified.check(prev, j)
        if m is not None and not self._others_removed_between(prev, j):
            return prev, m.similarity, m.rule, "adjacent"
        return None

    def _others_removed_between(self, prev: int, j: int) -> bool:
        """Whether units removed as copies of something other than ``prev`` stand between
        it and ``j``: then the two were not printed together (a line under every item
        stood between two items), and a near-duplicate of them is two items, not a
        caption and its alt text ("... its natural height." / "... its natural width.")."""
        removed = self.removed
        return any(k in removed and removed[k].kept != prev for k in range(prev + 1, j))

    def _long_field(self, j: int, least: int = _MIN_GAP_WORDS) -> bool:
        """A headline behind a kicker or with many numbers ("Deal Alert: Save $50 on the
        Harbour 5 speaker"): as long as a sentence, so its copy behind an image label is
        a copy, not a spec line repeated per product ("Price: $3")."""
        return (
            self.keys.kind(j) in _FIELD_KINDS
            and self.keys.words(j) >= least
            and self.group[j] not in self.templated
        )

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
        tried = prev if not self.since_prev else -1  # right before: tried as adjacent
        for i in reversed(self.recent):
            if i == tried:
                continue
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
        # a short card title is minor, so not in recent: its copy a few lines on
        rep = self.group_rep.get(own, -1)
        if 0 <= rep != tried and j - rep <= _HEADING_GAP and self.minor[rep]:
            found = self._copy_at_gap(rep, j)
            if found is not None:
                return found
        for i in self.titled.get(texts[j], ()):
            if i in self.recent and self._without_author(i, j):
                return i, _share(texts[j], texts[i]), Rule.CONTAINED, self._where(i, j)

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

    def _framed(self, j: int) -> _Found | None:
        """The unit just kept without its list number ("1. Catan [Trading Game]" /
        "Catan - Trading Game"), without a date or count after it ("Council opens
        ferry terminal November 19, 2019" / "Council opens ferry terminal"), without
        its subtitle ("Ferry Guide: The 2026 Edition" / "Ferry Guide") or without the
        series name before it ("Best Novels of 2025 - Tide Keeper" / "Tide Keeper"): the
        copy says nothing the kept unit does not."""
        prev = self.prev  # the caller has seen it near, and its text start or end with j's
        text, kept = self.texts[j], self.texts[prev]
        if self.keys.words(j) < _MIN_FRAMED_WORDS:
            return None
        if kept.startswith(text) and kept[len(text)] == " ":
            if self._title_of(prev, text):
                return prev, _share(text, kept), Rule.CONTAINED, "adjacent"
            extra = kept[len(text) + 1 :].split(" ")
        elif kept.endswith(text) and kept[-len(text) - 1] == " ":
            if self._title_of(prev, text, after=True):
                return prev, _share(text, kept), Rule.CONTAINED, "adjacent"
            extra = kept[: -len(text) - 1].split(" ")
            if len(extra) != 1 or self.keys.kind(prev) is not Kind.BULLET:
                return None  # only a list number goes before
        else:
            return None
        if not _dated(" ".join(extra)):
            return None
        return prev, _share(text, kept), Rule.CONTAINED, "adjacent"

    def _without_author(self, i: int, j: int) -> bool:
        """Whether ``j`` is kept unit ``i`` without its author ("Tide Keeper" / "Tide
        Keeper by Jane Roe"): a book's cover alt text and its title line."""
        text, kept = self.texts[j], self.texts[i]
        if " " not in text or not kept.startswith(text + " by "):
            return False
        author = kept[len(text) + 4 :].count(" ") + 1
        return author <= _MAX_AUTHOR_WORDS and self._caption_like(j)

    def _title_of(self, i: int, text: str, *, after: bool = False) -> bool:
        """Whether ``text`` is unit ``i``'s title before a subtitle ("Home Automation
        Guide: The 2026 Edition" / "Home Automation Guide"), or with ``after``, the
        title after a series name ("Best Novels of 2025 - Tide Keeper by Jane Roe" /
        "Tide Keeper by Jane Roe")."""
        raw = self.keys.raws[i]
        for separator in _SUBTITLE_SEPARATORS:
            head, found, tail = raw.partition(separator)
            if found and normalize_text(tail if after else head) == text:
                return True
        return False

    def _copy_at_gap(self, i: int, j: int) -> _Found | None:
        """Unit ``j`` as a copy of ``i`` with other units between; kinds are looked at
        only once the words match (most units match nothing)."""
        texts = self.texts
        if self.group[i] == self.group[j]:
            rule = _exact_rule(self.keys, i, j)
            # an alt text and its caption, one of them framed by a credit or label
            framed = rule is Rule.NORMALIZED and self._framed_pair(i, j)
            short = len(texts[j]) < _MIN_GAP_CHARS and self.keys.words(j) < _MIN_GAP_WORDS
            if short and not (framed or self._attributes_between(i, j)):
                return None
            if not self._gap_pair(i, j):
                return None
            kind = self.keys.kind(j)
            if kind is not Kind.TEXT and not (
                (kind is Kind.HEADING and (framed or self._card_title(i, j)))
                or self._long_field(j, _MIN_GAP_FIELD_WORDS)
            ):
                return None  # a heading far off or a fragment: a TOC entry, a command
            if (
                kind is Kind.TEXT
                and not framed
                and self._contents_entry(i, j)
                and not self._attributes_between(i, j)  # a card's attributes, not entries
            ):
                return None
            return i, 1.0, rule, self._where(i, j)
        share = _contained(texts[j], texts[i])
        if share and self._gap_pair(i, j) and not self._in_contents(j):
            return i, share, Rule.CONTAINED, self._where(i, j)
        return None

    def _in_contents(self, j: int) -> bool:
        """Whether ``j`` stands in a table of contents: the units on either side of it are
        titles printed again further on (their section headings)."""
        before, after = self.last_seen, self._first_after(j, len(self.texts))
        return all(
            0 <= k < len(self.texts) and not self._sentence_end(k) and self._printed_twice(k)
            for k in (before, after)
        )

    def _card_title(self, i: int, j: int) -> bool:
        """A heading printed again a few lines on, as the image alt and the title of one
        card: not when the first copy is followed by another heading, as an entry of a
        table of contents is."""
        if j - i > _HEADING_GAP:
            return False
        after = self._first_after(i, j)
        return (
            after == j
            or self.keys.kind(after) is not Kind.HEADING
            or self._attributes_between(i, j)
        )

    def _contents_entry(self, i: int, j: int) -> bool:
        """Whether ``i`` and its copy ``j`` look like a table of contents entry and its
        section heading: neither ends like a sentence, and the line after ``i`` is a
        title printed twice too (the next entry, or the first heading after the last
        entry)."""
        if self._sentence_end(j):
            return False
        after = self._first_after(i, j)
        if after == j or self._sentence_end(after) or self.group[after] in self.templated:
            return False  # a paragraph, or a product's attribute printed under every card
        return self._printed_twice(after)

    def _first_after(self, i: int, j: int) -> int:
        """The first unit after ``i`` that is not transparent, or ``j`` if none is before it."""
        return next((k for k in range(i + 1, j) if not self.transparent[k]), j)

    def _printed_twice(self, k: int) -> bool:
        group = self.group
        if self.last_copy is None:
            self.last_copy = {g: u for u, g in enumerate(group)}
        return group[k] != k or self.last_copy[group[k]] > k

    def _sentence_end(self, i: int) -> bool:
        return self.keys.raws[i].rstrip().endswith(_STOPS)

    def _framed_pair(self, i: int, j: int) -> bool:
        """Whether one of two copies has a credit or label the other lacks ("Cover image
        for Tide Keeper by Jane Roe" / "Tide Keeper by Jane Roe"): an image's alt text
        and its caption, however short, not a line repeated on purpose."""
        return any(strip_frame(line) != line for line in map(self.keys.spaced, (i, j)))

    def _attributes_between(self, i: int, j: int) -> bool:
        """Only a product's attributes stand between a title and its copy a few lines on
        ("Linen Wrap Dress", "Linen", "Machine wash", "Linen Wrap Dress"): one- and
        two-word lines as written ("2-way stretch"), each at most half the title's words; the
        title has three or more."""
        if j - i > _HEADING_GAP:
            return False
        words = self.keys.words(j)
        if words < _MIN_CARD_WORDS:
            return False
        between = [k for k in range(i + 1, j) if not self.transparent[k]]
        raws = self.keys.raws
        return all(
            (n := len(raws[k].split())) <= _MAX_ATTRIBUTE_WORDS and 2 * n <= words for k in between
        )

    def _gap_pair(self, i: int, j: int) -> bool:
        """Whether ``i`` and ``j`` may be copies at a gap: captions, or long headlines
        behind a kicker; the kept one may have a colon the copy has not ("Harbour Guide:
        Six Walks" / "Harbour Guide Six Walks"); no answer to a question."""
        if self._answer(j):
            return False
        if self._long_field(j, _MIN_GAP_FIELD_WORDS):
            return self.group[i] == self.group[j]
        if not self._caption_like(j):
            return False
        return self._caption_like(i) or self.group[i] == self.group[j]

    def _distant(self, j: int) -> _Found | None:
        """An exact copy of a long sentence-like unit anywhere before, or of a very long
        headline-like one, or of the page's headline, an image's alt text or a card."""
        rep = self.group_rep.get(self.group[j])
        if rep is not None and self._is_title(rep) and self.keys.kind(j) in _TITLE_KINDS:
            return rep, 1.0, _exact_rule(self.keys, rep, j), "distant"
        if rep is not None and (self._image_label(j) or self._card_again(j)):
            return rep, 1.0, _exact_rule(self.keys, rep, j), self._where(rep, j)
        if rep is None or self.keys.words(j) < self.config.min_distant_words:
            return None
        if self.group[j] in self.templated and (
            not self._sentence_end(j) or self.keys.raws[j].rstrip().endswith("?")
        ):
            return None  # under every item; but a long sentence (one caption on every
            # photo of a gallery, a banner in every menu) is said once, unless it asks
            # the same question of several people
        if not self._sentence_end(j) and (
            self.keys.words(j) < _MIN_DISTANT_HEADLINE_WORDS or self._contents_entry(rep, j)
        ):
            return None  # a long headline printed again, not a contents entry's heading
        if not self._sentence_like(j) or not self._sentence_like(rep):
            return None
        if self._answer(j):
            return None
        return rep, 1.0, _exact_rule(self.keys, rep, j), "distant"

    def _teaser(self, j: int) -> _Found | None:
        """A teaser cut short with an ellipsis whose words begin a kept unit; its last
        word may be cut too ("... the Update Ass..."). Of any kind: a cut copy of a
        labelled or number-heavy line is no meant repeat either."""
        raw = self.keys.raws[j].rstrip()
        if not raw.endswith(_ELLIPSIS):
            return None
        text = self.texts[j]
        if text.count(" ") + 1 < _MIN_TEASER_WORDS:
            return None
        for i in self.kept[self.headed :]:  # indexed only once a teaser turns up
            self.heads.setdefault(_head(self.texts[i]), []).append(i)
        self.headed = len(self.kept)
        for i in reversed(self.heads.get(_head(text), ())[-_TEASER_CANDIDATES:]):
            longer = self.texts[i]
            if len(longer) > len(text) and longer.startswith(text):  # a word may be cut
                return i, round(len(text) / len(longer), 4), Rule.CONTAINED, self._where(i, j)
        return None

    def _title_of_card(self, j: int) -> _Found | None:
        """A title printed again after a teaser card that glued it to its summary ("Ferry
        crews return to work after the strike" / "Ferry crews return to work after the
        strike PORT ELLERY: Crews voted on Monday..."): ``j`` is the first words of a
        kept unit, and what follows them there starts a new sentence or block (a capital,
        a digit or a sign), not the rest of a sentence that merely starts with a heading's
        words ("Climate change" / "Climate change is ..."). Or the headline without its
        year ("The Best Harbour Speakers for 2026" / "The Best Harbour Speakers")."""
        if self.group[j] in self.templated:
            return None  # printed under every item ("All prices checked this week.")
        if self.keys.words(j) > _MAX_CARD_TITLE_WORDS or not self._caption_like(j):
            return None  # a paragraph that begins a longer one is another paragraph
        if self.keys.raws[j].rstrip().endswith(_SENTENCE_STOPS):
            return None  # a sentence that begins a paragraph, said again: not a title
        text = self.keys.spaced(j)
        for i in reversed(self.headed_by[j]):
            if i in self.removed or not self._caption_like(i):
                continue
            longer = self.keys.spaced(i)
            if not longer.startswith(text + " "):
                continue
            rest = longer[len(text) + 1 :]
            headline_year = i == self.title and _dated(self.texts[i][len(self.texts[j]) + 1 :])
            if not headline_year and (
                rest[0].islower() or rest.count(" ") + 1 < _MIN_CARD_REST_WORDS
            ):
                continue
            return i, _share(self.texts[j], self.texts[i]), Rule.CONTAINED, self._where(i, j)
        return None

    def _anywhere(self, j: int) -> _Found | None:
        """``scope="document"``: an exact or verified near copy anywhere before."""
        if self._structure(j):
            return None
        rep = self.group_rep.get(self.group[j])
        if rep is not None and rep != j:
            return rep, 1.0, _exact_rule(self.keys, rep, j), "distant"
        removed = self.removed
        best = self.verified.best(j, lambda i: i not in removed)
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

    def _card_again(self, j: int) -> bool:
        """A headline printed again as a card: as the link, the image's alt text and its
        title, one after another ("Mayor vows to fight the cuts" three times in a row).
        A table of contents entry, a spec line or a heading is not printed so."""
        group = self.group
        if self.keys.words(j) < _MIN_CARD_TITLE_WORDS or group[j] in self.templated:
            return False
        n = len(group)
        last, after = self.last_seen, self._first_after(j, n)
        in_place = (last >= 0 and group[last] == group[j]) or (
            after < n and group[after] == group[j]
        )
        if not in_place or self.keys.kind(j) not in _TITLE_KINDS:
            return False  # a kicker may stand before it ("Mayor: ...")
        while after < n and group[after] == group[j]:
            after = self._first_after(after, n)
        # a list of cards goes on with more titles; a section heading, with its paragraphs
        for _ in range(_CARD_LOOKAHEAD):
            if after >= n:
                break
            raw = self.keys.raws[after].rstrip()  # a headline may ask a question
            if raw.endswith(_SENTENCE_STOPS) or self.keys.words(after) > _MAX_CARD_TITLE_WORDS:
                return False
            after = self._first_after(after, n)
        return True

    def _image_label(self, j: int) -> bool:
        """An image's alt text of two or more words ("Avatar for Jane Roe", "Acme Forms
        logo"): printed again, under every comment or card, it says nothing new."""
        line = self.keys.spaced(j)
        return " " in line and is_image_label(line)

    def _answer(self, j: int) -> bool:
        """Whether ``j`` stands right after a question: one answer under two questions of
        an FAQ is meant."""
        last = self.last_seen
        return last >= 0 and self.keys.is_question(last)

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
        return "gap" if i in self.recent or j - i <= self.config.window else "distant"


def _title(keys: Keys, group: tuple[int, ...], transparent: list[bool], first: int) -> int:
    """The page's headline: its first unit that is not too short to matter, when it has at
    least ``_MIN_TITLE_WORDS`` words, does not end like a sentence and does not start a
    list of headings (a table of contents); else -1. Printed again as image alt text, in a
    promo box or a related link, it is never new information. ``first`` is the first unit
    that is not transparent or a breadcrumb (``_Decider.first_unit``), or -1."""
    if first < 0 or keys.kind(first) not in _TITLE_KINDS:
        return -1
    if keys.raws[first].rstrip().endswith(_SENTENCE_STOPS):
        return -1  # a sentence, not a headline: the lead the summary bullets restate
    if keys.words(first) < _MIN_TITLE_WORDS:
        return -1
    # a list of headings (a table of contents) starts the text, unless the first is
    # printed in three or more places: no table of contents entry is; the next unit is
    # looked for past breadcrumbs ("Blog > Travel > Ferry guides") and copies of the first
    second = next(
        (
            j
            for j in range(first + 1, len(group))
            if not transparent[j] and group[j] != group[first] and not _breadcrumb(keys.raws[j])
        ),
        -1,
    )
    toc = second >= 0 and keys.kind(first) is keys.kind(second) is Kind.HEADING
    if toc and sum(1 for g in group if g == first) < _TITLE_COPIES:
        return -1
    return first


def _dated(key: str) -> bool:
    """Whether a key is a date or count after a title: month names and numbers
    ("november 19 2019", "19 nov 2019"), perhaps after "for", "in" or "of" ("for 2026").

    >>> _dated("november 19 2019"), _dated("for 2026"), _dated("for beginners")
    (True, True, False)
    """
    words = key.split(" ")
    if len(words) > 1 and words[0] in _DATE_LEADS:
        words = words[1:]
    return len(words) <= _MAX_DATE_WORDS and all(w.isdigit() or w in _MONTHS for w in words)


def _breadcrumb(raw: str) -> bool:
    """Whether a line is a breadcrumb trail: two or more short steps between ``>``, ``»``
    or a single right-pointing angle quote ("Blog > Travel > Ferry guides", "Home »
    Harbour news").

    >>> _breadcrumb("Blog > Travel > Ferry Guides")
    True
    >>> _breadcrumb("Tide > 2 m at noon on the quay")
    False
    """
    for mark in _BREADCRUMB_MARKS:
        if mark in raw:
            steps = raw.split(mark)
            return all(0 < len(step.split()) <= _MAX_STEP_WORDS for step in steps)
    return False


def _templated(group: tuple[int, ...], copies: list[int]) -> frozenset[int]:
    """Groups whose copies stand in three or more places, each with at least two other
    units before the next: a line printed under every item ("Compare deals with ..."),
    not a caption and its alt text. ``copies`` are the units that repeat an earlier one."""
    seen: set[int] = set()
    many: set[int] = set()  # groups of three or more: two or more copies
    for j in copies:
        g = group[j]
        if g in seen:
            many.add(g)
        seen.add(g)
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


def _headed_by(texts: Sequence[str], spaces: Sequence[int], least: int) -> dict[int, list[int]]:
    """Unit of ``least`` words or more (``spaces``: the spaces in each key, counted
    already) -> the nearest earlier units (at most ``_TEASER_CANDIDATES``) whose keys
    start with its key and a space. The keys that start with ``key + " "`` sort right
    after it, before ``key + "!"``: one sort and a look at each key's successor tell which
    keys begin others (few do), two bisections which.

    >>> _headed_by(["a b c", "x", "a b", "a bc", "a b c d", "a b"], [2, 0, 1, 1, 3, 1], 2)
    {2: [0], 5: [0, 4]}
    """
    keys = sorted(set(compress(texts, [n >= least - 1 for n in spaces])))
    heads = [a for a, b in pairwise(keys) if b.startswith(a) and b[len(a) : len(a) + 1] == " "]
    if not heads:
        return {}
    where: dict[str, list[int]] = {}
    for u, text in enumerate(texts):
        where.setdefault(text, []).append(u)
    found: dict[int, list[int]] = {}
    for key in heads:
        lo = bisect_left(keys, key + " ")
        hi = bisect_left(keys, key + "!", lo)
        longer = sorted(u for other in keys[lo:hi] for u in where[other])
        for j in where[key]:
            end = bisect_left(longer, j)
            earlier = longer[max(0, end - _TEASER_CANDIDATES) : end]
            if earlier:
                found[j] = earlier
    return found


def _share(short: str, long: str) -> float:
    """The share of ``long``'s words that ``short`` has."""
    return round((short.count(" ") + 1) / (long.count(" ") + 1), 4)


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
    rest = iter(longer)
    if not all(word in rest for word in words):
        return 0.0  # a word missing or out of order (most pairs fail here)
    if _digits(words) != _digits(longer):
        return 0.0  # "5 miles" is not a shorter "4-5 miles"
    return round(share, 4)


def _digits(words: list[str]) -> list[str]:
    return [w for w in words if w.isdigit()]


def _copy_runs(
    keys: Keys,
    group: tuple[int, ...],
    copies: list[int],
    config: CleanConfig,
    templated: frozenset[int],
    minor: list[bool],
    transparent: list[bool],
) -> set[int]:
    """Units in runs of at least ``min_run`` consecutive units that each repeat an
    earlier unit exactly (of ``copies``, the units that do; transparent units in between
    neither count nor break a run).

    Text counts in any run; other kinds (but tables, code and data) only in a block
    whose earlier copies stand in the same order; and, but for ``scope="runs"``, the
    members of blocks printed again loosely (:func:`_loose_blocks`).
    """
    members: set[int] = set()
    if config.scope != "runs":  # loose blocks skip lines a strict run stops at
        members.update(_loose_blocks(keys, group, copies, config, templated, minor, transparent))
    chained = _chained(copies, minor, config.min_run)
    if not chained:
        return members  # too few repeats, or too far apart, to make a strict run
    for run in _text_runs(keys, chained, config, minor):
        if len(run) >= config.min_run:
            members.update(run)
    for block in _block_runs(keys, group, chained, config, transparent):
        run = [j for j in block if group[j] not in templated]
        if len(block) >= _MIN_SHARED_BLOCK and any(_is_text(keys, j) for j in block):
            run = block  # its lines stand elsewhere too, but the whole block is printed twice
        if len(run) < config.min_run:
            continue
        long_block = len(run) >= _MIN_HEADING_BLOCK or (
            len(run) >= _MIN_DOUBLED_BLOCK and _doubled(group, transparent, run)
        )
        if not config.protect_structure or long_block or any(_is_text(keys, j) for j in run):
            members.update(run)  # a block with a sentence or caption in it, or a long one
    return members


def _loose_blocks(
    keys: Keys,
    group: tuple[int, ...],
    copies: list[int],
    config: CleanConfig,
    templated: frozenset[int],
    minor: list[bool],
    transparent: list[bool],
) -> set[int]:
    """Copies in a block printed again loosely: neighbouring lines, each repeating a
    different earlier line, whose earlier copies stand close together (each within
    ``_BLOCK_SLACK`` units of the one before) but not necessarily in the same order or at
    the same distances (a list of related articles printed again without its dates).

    With ``protect_structure`` a block needs ``_MIN_LOOSE_HEADINGS`` lines of
    ``_MIN_HEADLINE_WORDS`` words on average: headlines, not two products' short feature
    lines or a list of services shared by two plans, which repeat on purpose. Spec fields
    ("Price: ...", a label used with different values) and indented lines never count. A
    table of contents and its headings never make a block: each heading is followed by
    its section, not by the next entry's copy."""
    least = config.min_run if not config.protect_structure else _MIN_LOOSE_HEADINGS
    if not _may_hold_loose_block(group, copies, templated, minor, transparent, least):
        return set()
    seq: list[int] = []  # non-transparent units; a line repeated in place only once
    in_place: dict[int, list[int]] = {}  # its copies in place after it
    for j, skip in enumerate(transparent):
        if skip and config.protect_structure and keys.is_list_item(j):
            seq.append(j)  # a list under each heading: sections, not a list printed again
            continue
        if skip or group[j] in templated:
            continue  # "image 1" before every linked headline neither counts nor breaks
        if seq and group[seq[-1]] == group[j]:
            in_place.setdefault(seq[-1], []).append(j)
        else:
            seq.append(j)

    specs: dict[str, set[int]] | None = None

    def spec_labels() -> dict[str, set[int]]:
        """Field labels -> the different lines that use them ("Price: ..." under every
        product), worked out once a field turns up."""
        nonlocal specs
        if specs is None:
            specs = {}
            for k, raw in enumerate(keys.raws):
                if ":" in raw and not transparent[k]:
                    kind, label = keys.shape(k)
                    if kind is Kind.FIELD:
                        specs.setdefault(label, set()).add(group[k])
        return specs

    def repeat(j: int) -> bool:
        g = group[j]
        if g == j or g in templated or keys.raws[j][:1].isspace():
            return False
        if not config.protect_structure:
            return True
        kind, label = keys.shape(j)
        if kind is Kind.FIELD:  # a kicker ("Paris 2024: ..."), not a spec ("Price: $3")
            return len(spec_labels().get(label, ())) < _SPEC_LABEL_VALUES
        if kind is Kind.DATA:  # a headline with a sum and a year, not a row of figures
            words = keys.texts[j].split(" ")
            return 2 * sum(1 for w in words if w.isdigit()) < len(words)
        return kind in _LOOSE_KINDS

    def block(run: list[int]) -> bool:
        if len(run) < config.min_run:
            return False
        if not config.protect_structure:
            return True
        words = sum(keys.words(j) for j in run)
        return len(run) >= _MIN_LOOSE_HEADINGS and words >= _MIN_HEADLINE_WORDS * len(run)

    members: set[int] = set()

    def take(run: list[int]) -> None:
        if block(run):
            members.update(run)
            for j in run:
                members.update(in_place.get(j, ()))

    run: list[int] = []
    for j in seq:
        is_repeat = repeat(j)
        if is_repeat and (
            not run
            or (group[j] != group[run[-1]] and abs(group[j] - group[run[-1]]) <= _BLOCK_SLACK)
        ):
            run.append(j)
            continue
        if not is_repeat and minor[j] and keys.kind(j) is Kind.FRAGMENT:
            continue  # "blog image 1" before every linked headline: no break
        take(run)
        run = [j] if is_repeat else []
    take(run)
    return members


def _may_hold_loose_block(
    group: tuple[int, ...],
    copies: list[int],
    templated: frozenset[int],
    minor: list[bool],
    transparent: list[bool],
    least: int,
) -> bool:
    """A cheap test, on the groups alone, that lets through every text with a loose block
    of ``least`` lines (most texts without one are turned away): ``least`` repeats, each
    of another group within ``_BLOCK_SLACK`` of the one before, with only short, templated
    or in-place copies between them."""
    repeats = [j for j in copies if not transparent[j]]
    if len(repeats) < least:
        return False  # too few repeats to make a block
    chain, last = 0, -1
    previous = -1
    for j in repeats:
        g = group[j]
        if g in templated:
            continue
        between = range(previous + 1, j)
        if previous >= 0 and not all(
            minor[k] or group[k] in templated or group[k] == last for k in between
        ):
            chain, last = 0, -1  # a line that is no repeat stands between
        previous = j
        if g == last:
            continue  # a copy in place
        if last < 0 or abs(g - last) <= _BLOCK_SLACK:
            chain += 1
        else:
            chain = 1
        last = g
        if chain >= least:
            return True
    return False


def _doubled(group: tuple[int, ...], transparent: list[bool], run: list[int]) -> bool:
    """Whether ``run`` starts right where its earlier copy ends: a menu printed twice in a
    row (for two screen sizes), not a list shared by two products with a name between."""
    return all(transparent[k] for k in range(group[run[-1]] + 1, run[0]))


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
        if is_minor_ and not (protect and run and keys.is_list_item(j)):
            continue  # short lines neither count nor break, but for list items: headings
            # each followed by a list are sections, not a block printed again
        if j in chained and (not protect or keys.kind(j) is Kind.TEXT):
            run.append(j)
            continue
        if run:
            yield run
            run = []
    if run:
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
    protect = config.protect_structure
    # transparent lines are skipped, but for list items: a list under each heading makes
    # sections, not a block printed again
    seq = [
        j for j, skip in enumerate(transparent) if not skip or (protect and keys.is_list_item(j))
    ]
    last: dict[int, int] = {}  # group -> its latest position in seq
    run: list[int] = []
    offset = 0
    for p, j in enumerate(seq):
        g = group[j]
        blockable = j in chained and (not config.protect_structure or keys.kind(j) in _BLOCK_KINDS)
        if run and blockable and group[seq[p - offset]] == g:
            run.append(j)
        else:
            if run:
                yield run
                run = []
            if blockable and g in last:
                offset = p - last[g]
                run = [j]
        last[g] = p
    if run:
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
