"""Records passed between the pipeline stages, and the public report records.

segment -> ``Segmentation`` ; normalize -> ``Key`` ; candidates -> ``Candidates`` ;
verify -> ``Match`` (when decide asks) ; decide -> ``tuple[Decision, ...]`` ; render -> ``Report``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Candidates",
    "Decision",
    "Key",
    "Kind",
    "Match",
    "Pair",
    "Position",
    "Removal",
    "Report",
    "Rule",
    "Segmentation",
    "Span",
]

Span = tuple[int, int]
Pair = tuple[int, int]
"""Two unit indices ``(i, j)`` with ``i < j``: ``j`` may be a copy of ``i``."""


class Rule(str, enum.Enum):
    """Why a unit was found to be a copy of another.

    Attributes:
        EXACT: the two units are identical apart from surrounding white space.
        NORMALIZED: identical after normalization (case, Unicode form, quotes, entities,
            bullets, photo credits, punctuation, spacing).
        NEAR_DUPLICATE: similar at or above ``CleanConfig.threshold`` and no guard objected.
        CONTAINED: every word of the unit stands in the kept copy, in the same order: a
            shorter copy of a caption, or a teaser cut short with an ellipsis.
    """

    EXACT = "exact"
    NORMALIZED = "normalized"
    NEAR_DUPLICATE = "near-duplicate"
    CONTAINED = "contained"

    def __str__(self) -> str:
        return self.value


Position = Literal["adjacent", "gap", "run", "distant"]
"""Where the removed copy stood relative to the kept one."""


class Kind(str, enum.Enum):
    """What a unit looks like; anything but ``TEXT`` is structure."""

    TEXT = "text"
    BULLET = "bullet"
    FRAGMENT = "fragment"
    TABLE = "table"
    CODE = "code"
    QUESTION = "question"
    LABEL = "label"
    FIELD = "field"
    DATA = "data"
    HEADING = "heading"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The output of the segment stage: the units and the layout rendering needs.

    Unit ``i`` is ``text[starts[i]:ends[i]]`` (line terminators excluded, indentation
    included); ``line_ends[i]`` is where its line terminator ends. ``block_units[b]``
    lists the unit indices of blank-line block ``b``, ``block_gaps[b]`` the span of the
    blank lines after it.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    line_ends: tuple[int, ...]
    block_units: tuple[tuple[int, ...], ...]
    block_gaps: tuple[Span, ...]

    def __len__(self) -> int:
        return len(self.starts)

    def unit(self, i: int) -> str:
        """The original text of unit ``i``."""
        return self.text[self.starts[i] : self.ends[i]]


@dataclass(frozen=True, slots=True)
class Key:
    """The comparison key of one unit, made by the normalize stage.

    Attributes:
        text: the normalized text compared between units.
        stripped: the unit's original text without surrounding white space.
        words: number of words (scripts without spaces: characters // 2).
        numbers: the digit groups of the unit, in order.
        names: lower-cased 5-character stems of capitalized words after the first.
        label: the lower-cased ``Label:`` the unit starts with (up to three words), or "".
        kind: what the unit looks like.
    """

    text: str
    stripped: str
    words: int
    numbers: tuple[str, ...]
    names: frozenset[str]
    label: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Candidates:
    """The output of the candidates stage.

    The candidate pairs (``scope="document"`` only; none otherwise) are units with
    different keys that may be near-duplicates: pair ``k`` is ``(earlier[k], later[k])``
    with similarity ``scores[k]``. They come in order of the later unit, then most similar
    first, then in order of the earlier unit: the order in which the verify stage tests
    the pairs of a unit. The pairs are held as columns, which need no object per pair;
    :attr:`pairs` gives them as tuples.

    Attributes:
        group: for every unit, the index of the first unit with the same comparison key
            (the unit itself when it is the first); units of one group are exact copies.
        earlier: the first unit ``i`` of each candidate pair.
        later: the second unit ``j`` of each candidate pair, ``i < j``.
        scores: the similarity of each candidate pair, as
            :func:`dedup._clean.verify.similarity` gives it with
            ``CleanConfig.threshold`` as the cutoff (proposing a pair takes its score, so
            the verify stage need not compute it again). Pairs below the cutoff are not
            proposed; no guard has been asked yet.
    """

    group: tuple[int, ...]
    earlier: tuple[int, ...] = ()
    later: tuple[int, ...] = ()
    scores: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not len(self.earlier) == len(self.later) == len(self.scores):
            raise ValueError("earlier, later and scores must have one item per pair")

    @property
    def pairs(self) -> tuple[Pair, ...]:
        """The candidate pairs, each ``(i, j)`` with ``i < j``, in order (see above).

        >>> Candidates(group=(0, 1, 2), earlier=(0, 1), later=(2, 2), scores=(0.9, 0.85)).pairs
        ((0, 2), (1, 2))
        """
        return tuple(zip(self.earlier, self.later, strict=True))


@dataclass(frozen=True, slots=True)
class Match:
    """A verified pair: unit ``j`` is a copy of unit ``i`` (``i < j``)."""

    i: int
    j: int
    similarity: float
    rule: Rule


@dataclass(frozen=True, slots=True)
class Decision:
    """What the decide stage says of one removed unit."""

    index: int
    kept: int
    similarity: float
    rule: Rule
    position: Position


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed unit, with the evidence for removing it.

    Attributes:
        span: ``(start, end)`` of the removed unit's text in the input.
        text: the removed unit's text, ``input[span[0]:span[1]]``.
        kept_span: ``(start, end)`` of the copy that was kept.
        kept_text: the kept copy's text.
        similarity: 0-1 similarity of the two comparison keys (1.0 for exact copies).
        rule: which rule found the copy (see :class:`Rule`).
        position: ``"adjacent"``, ``"gap"``, ``"run"`` or ``"distant"``.
        deleted_span: the span actually deleted from the input: the unit plus its line
            terminator, and the blank lines after (or before) its block when the whole
            block went. Deleting every ``deleted_span`` reproduces :attr:`Report.text`.
    """

    span: Span
    text: str
    kept_span: Span
    kept_text: str
    similarity: float
    rule: Rule
    position: Position
    deleted_span: Span

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of this record (the schema of ``dedup explain --format json``)."""
        return {
            "span": list(self.span),
            "text": self.text,
            "kept_span": list(self.kept_span),
            "kept_text": self.kept_text,
            "similarity": round(self.similarity, 4),
            "rule": self.rule.value,
            "position": self.position,
            "deleted_span": list(self.deleted_span),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """What :func:`dedup.explain` returns.

    Attributes:
        text: the cleaned text, identical to what :func:`dedup.clean` returns.
        removals: every removed unit in input order.
        units: how many units the input was cut into.
    """

    text: str
    removals: tuple[Removal, ...]
    units: int

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of this report."""
        return {
            "text": self.text,
            "units": self.units,
            "removals": [r.to_dict() for r in self.removals],
        }
