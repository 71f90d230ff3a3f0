"""The options of :func:`dedup.clean`, in one frozen dataclass.

All similarities in dedup are on one scale, 0 to 1: 1 means the two comparison keys are
identical, 0 that they share nothing. See ``docs/how-it-works.md`` for how each option acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from .._options import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    option,
    replace_checked,
    resolve,
)

__all__ = ["CleanConfig", "KeepPolicy", "Scope", "SegmentMode", "resolve_config"]

KeepPolicy = Literal["first", "longest"]
Scope = Literal["adjacent", "runs", "page", "document"]
SegmentMode = Literal["auto", "line", "block"]

KEEP_POLICIES: Final = ("first", "longest")
_SCOPES: Final = ("adjacent", "runs", "page", "document")
_SEGMENT_MODES: Final = ("auto", "line", "block")


@dataclass(frozen=True, kw_only=True, slots=True)
class CleanConfig:
    """Options for :func:`dedup.clean` and :func:`dedup.explain`.

    Every field has a default chosen for scraped news text; pass only what you want to
    change, either as a ``CleanConfig`` or as keyword overrides to ``clean``. Each field
    is also a flag of ``dedup clean`` and ``dedup explain`` (``min_chars`` ->
    ``--min-chars``).

    Examples:
        >>> CleanConfig().threshold
        0.8
        >>> CleanConfig(keep="longest").keep
        'longest'
        >>> CleanConfig(threshold=1.5)
        Traceback (most recent call last):
          ...
        dedup.ConfigError: threshold must be a number from 0.5 to 1.0, got 1.5
    """

    threshold: float = option(
        0.8,
        """Minimum similarity (0-1) for two units to count as near-duplicate variants of each
        other. Exact repeats (after normalization) always score 1. Default 0.8:
        machine-translation variants of one caption score 0.8-0.9, unrelated sentences of
        one article stay below 0.65.""",
    )
    keep: KeepPolicy = option(
        "first",
        """Which copy of a group survives: "first" (default) keeps the earliest, "longest"
        keeps the longest original text.""",
    )
    scope: Scope = option(
        "page",
        """Where a copy may stand relative to the copy that is kept. "adjacent": only
        directly after it (a caption under the image and again as its alt text). "runs":
        adjacent, or anywhere as part of a repeated run of at least min_run consecutive
        units (a block of paragraphs or a gallery printed twice). "page" (default): also
        within window units of it with other lines in between (alt text, headline,
        figcaption), and anywhere for a sentence-like unit of at least min_distant_words
        words and for a teaser cut short with an ellipsis. "document": any copy anywhere
        in the text. Short lines repeated far apart are usually on purpose (a table of
        contents and its headings, a call to action under every product), which is why
        "page" leaves them alone.""",
    )
    min_run: int = option(3, "Length of a repeated run, in units, for every scope but adjacent.")
    window: int = option(
        6,
        """How many kept units back (past the one just before) a copy may stand with other
        lines in between, for scope "page" and "document".""",
    )
    min_distant_words: int = option(
        10,
        """Fewest words (scripts without spaces: characters / 2) of a sentence-like unit
        removed as an exact copy of a unit anywhere before, for scope "page".""",
    )
    min_chars: int = option(
        40,
        """Minimum length of a unit's comparison key (in characters) for near-duplicate
        matching. Shorter units are only removed as exact copies.""",
    )
    min_words: int = option(
        10,
        """Minimum number of words (for scripts without spaces: characters / 2) of a unit
        for near-duplicate matching.""",
    )
    min_exact_chars: int = option(
        12,
        """Exact copies whose comparison key is shorter than this are kept: "Share", "Q:",
        "—" and other short structural lines.""",
    )
    segment: SegmentMode = option(
        "auto",
        """How text is cut into units. "line": every non-blank line. "block": every
        blank-line separated block. "auto" (default): lines, except blocks that look like
        one hard-wrapped paragraph.""",
    )
    protect_structure: bool = option(
        True,
        """When true (default) lines that look like structure (list items, table rows,
        code, questions, labels ending in ":", headings) are only removed as exact copies
        directly after their twin, and bullet lines are never matched against body text
        (a summary restates the body on purpose).""",
    )
    max_chars: int | None = option(
        None,
        """Refuse inputs longer than this many characters with dedup.InputTooLargeError;
        None (default) for no limit.""",
    )
    all_pairs_limit: int = option(
        400,
        """Up to this many units, near-duplicate candidates for scope="document" come from
        comparing all pairs; above it, from MinHash LSH.""",
    )
    seed: int = option(1, "Seed of every hash used for candidate generation.")

    def __post_init__(self) -> None:
        check_number("threshold", self.threshold, 0.5, 1.0)
        check_choice("keep", self.keep, KEEP_POLICIES)
        check_choice("scope", self.scope, _SCOPES)
        check_choice("segment", self.segment, _SEGMENT_MODES)
        check_int("min_run", self.min_run, 2, 1_000)
        check_int("window", self.window, 1, 1_000)
        check_int("min_distant_words", self.min_distant_words, 1, 10_000)
        check_int("min_chars", self.min_chars, 0, 10_000)
        check_int("min_words", self.min_words, 1, 1_000)
        check_int("min_exact_chars", self.min_exact_chars, 1, 10_000)
        check_bool("protect_structure", self.protect_structure)
        if self.max_chars is not None:
            check_int("max_chars", self.max_chars, 1, 2**62)
        check_int("all_pairs_limit", self.all_pairs_limit, 2, 1_000_000)
        check_int("seed", self.seed, 0, 2**32 - 1)

    def replace(self, **overrides: Any) -> CleanConfig:
        """Return a copy with some options changed (validated like the constructor).

        >>> CleanConfig().replace(scope="adjacent").scope
        'adjacent'
        """
        return replace_checked(self, overrides)


def resolve_config(config: CleanConfig | None, overrides: dict[str, Any]) -> CleanConfig:
    """Merge keyword overrides into ``config`` (or the defaults) and validate the result."""
    return resolve(CleanConfig, _DEFAULT, config, overrides)


_DEFAULT: Final = CleanConfig()
