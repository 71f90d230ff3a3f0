# ruff: noqa: RUF001, RUF003  (text in many scripts on purpose)
"""Hypothesis strategies and an assertion for the property tests of projects using dedup.

Modelled on ``hypothesis.extra``: install it with ``pip install 'news-dedup[testing]'``.
Every strategy takes keyword-only options and returns a ``SearchStrategy``; the examples
are news-like text written from original word lists in six scripts (``"latin"``,
``"cyrillic"``, ``"greek"``, ``"arabic"`` (right to left), ``"chinese"`` and
``"japanese"`` (no spaces between words)), and shrink to a short article in Latin script.

* :func:`articles` -- duplicate-free articles: ``dedup.clean`` must return them unchanged.
* :func:`captions` and :func:`caption_variants` -- a photo caption, and the copies of a
  caption that scraping and machine translation leave behind.
* :func:`articles_with_copies` -- articles with injected copies that carry their own
  ground truth (:class:`ArticleWithCopies`): the clean text, which units are copies, and
  which hard negatives must survive.
* :func:`hard_negatives` -- text that looks repetitive on purpose and must come back
  unchanged.
* :func:`assert_no_near_duplicates` -- an assertion whose failure message shows the
  offending pair and its similarity.

>>> from hypothesis import given
>>> from dedup.testing import articles_with_copies
>>> import dedup
>>> @given(articles_with_copies())
... def test_copies_are_removed(article):
...     assert dedup.clean(article.text) == article.expected
>>> test_copies_are_removed()
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from .._extras import require

require("hypothesis", extra="testing", feature="dedup.testing")

from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import InvalidArgument  # noqa: E402
from hypothesis.strategies import SearchStrategy  # noqa: E402

from .. import CleanConfig, explain, normalize_text, similarity  # noqa: E402
from .wordlists import SCRIPTS, Script  # noqa: E402

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn

T = TypeVar("T")

__all__ = [
    "ALL_SCRIPTS",
    "CASED_SCRIPTS",
    "EDITS",
    "NEAR_EDITS",
    "NEGATIVE_KINDS",
    "NORMALIZING_EDITS",
    "ArticleWithCopies",
    "InjectedCopy",
    "articles",
    "articles_with_copies",
    "assert_no_near_duplicates",
    "caption_variants",
    "captions",
    "hard_negatives",
]

ALL_SCRIPTS: Final = tuple(SCRIPTS)
"""Names of every script: latin, cyrillic, greek, arabic, chinese, japanese."""
CASED_SCRIPTS: Final = ("latin", "cyrillic", "greek")
"""Scripts with upper and lower case, where capitalized names can be told apart."""

NORMALIZING_EDITS: Final = ("entity", "credit", "quote", "spacing")
"""Edits that leave the comparison key unchanged: broken HTML entities (``& # 39;``), a
photo credit ("(pictured)", "Photo: Reuters"), a change of quote style, extra spacing."""
NEAR_EDITS: Final = ("synonym", "reorder")
"""Edits that change the wording a little: one verb swapped for a synonym, two trailing
phrases swapped ("... in Port Ellery on Sunday" -> "... on Sunday in Port Ellery")."""
EDITS: Final = NEAR_EDITS + NORMALIZING_EDITS
"""Every edit :func:`caption_variants` knows."""

NEGATIVE_KINDS: Final = ("number", "name", "question", "bullets", "caption_quote")
"""Hard negatives: templated lines that differ only in a number or a date, or only in a
name (cased scripts), interview questions under repeated ``Q:`` prefixes, a bullet summary
restating body sentences, a caption quoting a body sentence with new content."""

CopyKind = Literal["exact", "normalized", "variant", "gallery"]

# Margins inside the library's default guards (read from ``CleanConfig()``, so they follow
# the core), so that each injected variant is a copy by the documented rules with room to
# spare: similarity >= threshold, lengths within 25%, at least min_chars characters and
# min_words words, and a word swapped one for one in at most one word of twelve.
_DEFAULTS: Final = CleanConfig()
_VARIANT_MIN_SIMILARITY: Final = min(0.95, _DEFAULTS.threshold + 0.05)
_VARIANT_MIN_LENGTH_RATIO: Final = 0.85
_VARIANT_MIN_CHARS: Final = int(_DEFAULTS.min_chars * 1.1)
_VARIANT_MIN_WORDS: Final = _DEFAULTS.min_words + 1
_SWAP_MIN_WORDS: Final = 13  # one swapped word must stay under one word in twelve
_BASE_MAX_SIMILARITY: Final = 0.6


@dataclass(frozen=True)
class InjectedCopy:
    """One injected copy and the unit it copies.

    Attributes:
        span: ``(start, end)`` of the copy in :attr:`ArticleWithCopies.text`, line
            terminator excluded (the same convention as ``dedup.Removal.span``).
        original_span: ``(start, end)`` of the unit it copies.
        kind: ``"exact"`` (identical), ``"normalized"`` (only entities, credits, quotes or
            spacing differ), ``"variant"`` (a near-duplicate, directly after the original)
            or ``"gallery"`` (one of a run of at least three exact or normalized copies).
    """

    span: tuple[int, int]
    original_span: tuple[int, int]
    kind: CopyKind


@dataclass(frozen=True)
class ArticleWithCopies:
    """An article with injected copies, and what ``dedup.clean`` must make of it.

    Attributes:
        text: the article with the copies.
        expected: the article without them: what ``dedup.clean(text)`` returns.
        copies: every injected copy, in text order.
        negatives: spans of the hard-negative units, which must all survive.
        script: the script the article is written in.
    """

    text: str
    expected: str
    copies: tuple[InjectedCopy, ...]
    negatives: tuple[tuple[int, int], ...]
    script: str

    def unit(self, span: tuple[int, int]) -> str:
        """The text of the unit at ``span``."""
        return self.text[span[0] : span[1]]


# --------------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=4096)
def _sample_cached(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    return st.sampled_from(values)


def _sample(values: Sequence[T]) -> SearchStrategy[T]:
    """``st.sampled_from``, with one strategy object per distinct tuple (drawing is
    much faster when Hypothesis need not validate a new strategy on every draw)."""
    return _sample_cached(tuple(values))


@functools.lru_cache(maxsize=1024)
def _ints(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


_BOOLS: Final = st.booleans()


def _check_scripts(scripts: Collection[str] | None, name: str = "scripts") -> tuple[str, ...]:
    if scripts is None:
        return ALL_SCRIPTS
    if isinstance(scripts, str):
        raise InvalidArgument(f"{name} must be a collection of script names, not a str")
    chosen = tuple(scripts)
    unknown = [s for s in chosen if s not in SCRIPTS]
    if unknown or not chosen:
        raise InvalidArgument(
            f"{name} must be a non-empty collection of {', '.join(ALL_SCRIPTS)}; "
            f"got {list(chosen)!r}"
        )
    return chosen


def _check_choices(value: Collection[str], allowed: Sequence[str], name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidArgument(f"{name} must be a collection of names, not a str")
    chosen = tuple(value)
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise InvalidArgument(f"{name}: unknown {unknown[0]!r}; choose from {', '.join(allowed)}")
    return chosen


def _check_range(low: int, high: int, names: tuple[str, str], floor: int = 0) -> None:
    for value, name in zip((low, high), names, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or value < floor:
            raise InvalidArgument(f"{name} must be a whole number >= {floor}, got {value!r}")
    if low > high:
        raise InvalidArgument(f"{names[0]}={low} is larger than {names[1]}={high}")


def _caption_parts(
    draw: DrawFn, script: Script, *, reverse: bool = False
) -> tuple[str, str, str, str, str]:
    """Subject, verb, object, place and time, from one draw (drawing is the slow part of
    generating and shrinking; one number shrinks towards the first of every list)."""
    verbs = tuple(v for v, _ in script.verbs)
    lists = (script.subjects, verbs, script.objects, script.places, script.times)
    total = 1
    for values in lists:
        total *= len(values)
    index = draw(_ints(0, total - 1))
    parts: list[str] = []
    for values in lists:
        index, k = divmod(index, len(values))
        parts.append(values[-1 - k] if reverse else values[k])
    subject, verb, obj, place, time = parts
    return subject, verb, obj, place, time


def _draw_caption(draw: DrawFn, script: Script) -> str:
    # Captions draw their parts in reverse order, so that the simplest caption differs
    # from the simplest body sentence and examples shrink to distinct units.
    text = script.caption(*_caption_parts(draw, script, reverse=True))
    if not script.spaced:
        # Captions in scripts without spaces are long clauses: add one, so that their
        # variants reach the 40 characters near-duplicate matching needs.
        text += script.comma + draw(_sample(script.tails))
    elif draw(_BOOLS):
        # Some long captions, long enough for a synonym to be a variant, not a template.
        text += script.comma + " " + draw(_sample(script.tails))
    return text


def _fill(draw: DrawFn, sentence: str) -> str:
    if "{n}" not in sentence:
        return sentence
    return sentence.replace("{n}", str(draw(_ints(2, 99))))


def _body_sentence(draw: DrawFn, script: Script) -> str:
    """A sentence built from the caption parts plus an attribution."""
    subject, verb, obj, place, time = _caption_parts(draw, script)
    attribution = draw(_sample(script.attributions))
    if script.name == "chinese":
        return f"{attribution}，{time}{subject}在{place}{verb}{obj}。"
    if script.name == "japanese":
        return f"{time}、{place}で{subject}が{obj}を{verb}{attribution}。"
    clause = f"{subject[:1].upper()}{subject[1:]} {verb} {obj} {place} {time}"
    return f"{clause}{script.comma} {attribution}."


def _key(text: str) -> str:
    return normalize_text(text)


def _distinct(text: str, others: Sequence[str]) -> bool:
    """True when ``text`` is far from every text of ``others`` (and not a copy)."""
    key = _key(text)
    for other in others:
        okey = _key(other)
        if key == okey or similarity(key, okey) >= _BASE_MAX_SIMILARITY:
            return False
    return True


# --------------------------------------------------------------------------- edits


def _synonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for script in SCRIPTS.values():
        for a, b in script.verbs:
            table.setdefault(a, b)
            table.setdefault(b, a)
    return table


_SYNONYMS: Final = _synonym_table()
_PREPOSITIONS: Final = frozenset(
    [
        "in",
        "on",
        "at",
        "near",
        "after",
        "before",
        "during",
        "outside",
        "inside",
        "under",
        "behind",
        "в",
        "во",
        "на",
        "у",
        "возле",
        "после",
        "до",
        "στο",
        "στη",
        "στην",
        "στις",
        "κοντά",
        "μετά",
        "πριν",
        "κατά",
        "في",
        "قرب",
        "بعد",
        "قبل",
        "على",
        "خلال",
        "صباح",
        "يوم",
    ]
)
_CREDITS_NAME_SAFE: Final = (" (pictured)", ". Photo: Reuters", " (pictured, left)")
_CREDITS_ANY: Final = (*_CREDITS_NAME_SAFE, " (Photo: AFP)", " | Photo: Reuters", " \u00a9 AP")
_QUOTE_PAIRS: Final = (
    ("\u201c", "\u201d"),
    ("\u00ab", "\u00bb"),
    ('"', '"'),
    ("\u201e", "\u201c"),
    ("& quot;", "& quot;"),
    ("&quot;", "&quot;"),
)
_CJK_COMMAS: Final = ("\uff0c", "\u3001")
_FIELD_PREFIX_MAX: Final = 42  # "Label: value" lines have at most 41 characters before ":"


def _words(text: str) -> list[tuple[int, int]]:
    """Spans of the space-separated words of ``text``."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in text.split(" "):
        if word:
            spans.append((pos, pos + len(word)))
        pos += len(word) + 1
    return spans


def _edit_synonym(draw: DrawFn, text: str, spaced: bool) -> str:
    sites: list[tuple[int, int, str]] = []
    if spaced:
        words = _words(text)
        for k, (a, _b) in enumerate(words):
            # Multi-word verbs ("sort through") match on two words.
            for width in (2, 1):
                if k + width > len(words):
                    continue
                end = words[k + width - 1][1]
                phrase = text[a:end]
                if phrase in _SYNONYMS and k > 0:
                    sites.append((a, end, _SYNONYMS[phrase]))
                    break
    else:
        for word, other in _SYNONYMS.items():
            start = text.find(word)
            if start > 0 and not word.isascii():
                sites.append((start, start + len(word), other))
    if not sites:
        return text
    a, b, other = draw(_sample(sorted(sites)))
    return text[:a] + other + text[b:]


def _edit_reorder(draw: DrawFn, text: str, spaced: bool) -> str:
    """Swap the last two phrases that start with a preposition (never the first word)."""
    if not spaced:
        return text
    end = text.rstrip(".!?\u3002")
    tail = text[len(end) :]
    words = end.split(" ")
    starts = [k for k, w in enumerate(words) if k > 1 and w.lower() in _PREPOSITIONS]
    if len(starts) < 2:
        return text
    s1, s2 = starts[-2], starts[-1]
    if s2 - s1 < 2 or s2 == len(words) - 1:
        return text
    first, second = words[s1:s2], words[s2:]
    return " ".join(words[:s1] + second + first) + tail


def _edit_entity(draw: DrawFn, text: str, spaced: bool) -> str:
    for apostrophe in ("'", "\u2019"):
        if apostrophe in text:
            broken = draw(_sample(("& # 39;", "&#39;", "& #39;", "&#x27;")))
            return text.replace(apostrophe, broken, 1)
    if " & " in text:
        return text.replace(" & ", " & amp; ", 1)
    if not spaced:
        # Punctuation written as a (broken) numeric entity: "，" as "&#65292;".
        sites = [k for k, c in enumerate(text) if c in _CJK_COMMAS]
        if not sites:
            return text
        k = draw(_sample(sites))
        form = draw(_sample(("&#{};", "& #{};", "&#x{:x};")))
        return text[:k] + form.format(ord(text[k])) + text[k + 1 :]
    return _wrap(draw, text, spaced, ("& quot;", "& quot;"))


def _edit_quote(draw: DrawFn, text: str, spaced: bool) -> str:
    pair = draw(_sample(_QUOTE_PAIRS[:4]))
    return _wrap(draw, text, spaced, pair)


def _wrap(draw: DrawFn, text: str, spaced: bool, pair: tuple[str, str]) -> str:
    """Put quotes around a lower-case word (or around the last clause without spaces)."""
    opening, closing = pair
    if not spaced:
        cut = max(text.rfind(c) for c in _CJK_COMMAS)
        if cut < 0:
            return text
        body = text.rstrip("\u3002")
        return text[: cut + 1] + opening + body[cut + 1 :] + closing + text[len(body) :]
    words = _words(text)
    # Not the last word when the closing mark ends in ";": dedup reads a line ending in
    # ";" as code (see the xfail test of the core in tests/test_properties_strategies.py).
    # Nor before a capitalized word: dedup takes a word after ";" for a sentence start,
    # which is no name, so "& quot;bridge& quot; Brenner" would lose the name Brenner.
    entity = closing.endswith(";")
    last = len(words) - 1 if entity else len(words)
    sites = [
        (a, b)
        for k, (a, b) in enumerate(words)
        if 0 < k < last
        and text[a:b].isalpha()  # a plain word: not part of an entity or quotes already
        and not text[a].isupper()
        and not (entity and k + 1 < len(words) and text[words[k + 1][0]].isupper())
    ]
    if not sites:
        return text
    a, b = draw(_sample(sites))
    return text[:a] + opening + text[a:b] + closing + text[b:]


def _edit_spacing(draw: DrawFn, text: str, spaced: bool) -> str:
    gap = draw(_sample(("  ", "\u00a0", " \u00a0", "   ")))
    if not spaced:
        cut = max(text.find(c) for c in _CJK_COMMAS)
        if cut < 0:
            return text
        return text[: cut + 1] + gap + text[cut + 1 :]
    spaces = [k for k, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    k = draw(_sample(spaces))
    return text[:k] + gap + text[k + 1 :]


def _edit_credit(draw: DrawFn, text: str, name_safe: bool) -> str:
    options: tuple[str, ...] = _CREDITS_NAME_SAFE if name_safe else _CREDITS_ANY
    if len(text) < _FIELD_PREFIX_MAX:
        # "Short caption Photo: Reuters" reads as a "Label: value" line: keep to "(...)".
        options = tuple(c for c in options if ":" not in c)
    credit = draw(_sample(options))
    if credit.startswith(". ") and text.endswith((".", "\u3002")):
        credit = credit[1:]
    return text + credit


_Edit = Callable[["DrawFn", str, bool], str]
_EDIT_FUNCS: Final[dict[str, _Edit]] = {
    "synonym": _edit_synonym,
    "reorder": _edit_reorder,
    "entity": _edit_entity,
    "quote": _edit_quote,
    "spacing": _edit_spacing,
}


def _apply(draw: DrawFn, text: str, edits: Sequence[str], *, name_safe: bool) -> str:
    spaced = " " in text.strip()
    # Wording first, then quotes and spacing, then entities, credits last: each edit
    # works on plain words of the caption, never inside the marks an earlier one added.
    order = ("synonym", "reorder", "quote", "spacing", "entity", "credit")
    for edit in sorted(edits, key=order.index):
        if edit == "credit":
            text = _edit_credit(draw, text, name_safe)
        else:
            text = _EDIT_FUNCS[edit](draw, text, spaced)
    return text


# --------------------------------------------------------------------------- strategies


def captions(*, scripts: Collection[str] | None = None) -> SearchStrategy[str]:
    """Photo captions: who does what, where and when, without a final full stop.

    Args:
        scripts: names of the scripts to write in (default: all of :data:`ALL_SCRIPTS`).

    >>> from hypothesis import find
    >>> find(captions(scripts=["latin"]), lambda c: "Port Ellery" in c)
    'City workers sort through street signs in Port Ellery at noon'
    """
    chosen = _check_scripts(scripts)

    @st.composite
    def build(draw: DrawFn) -> str:
        return _draw_caption(draw, SCRIPTS[draw(_sample(chosen))])

    return build()


def caption_variants(
    caption: str,
    *,
    edits: Collection[str] = EDITS,
    min_edits: int = 1,
    max_edits: int = 3,
) -> SearchStrategy[str]:
    """Copies of ``caption`` as scraped or machine-translated text shows them.

    Each example applies between ``min_edits`` and ``max_edits`` of ``edits`` (see
    :data:`EDITS`); an edit with no place in the caption (no synonym known, no two
    trailing phrases to swap) leaves it as it is. When every drawn edit found no place,
    a "(pictured)" credit is added, so an example never equals ``caption``.

    Args:
        caption: the caption to copy.
        edits: the edits to choose from.
        min_edits: at least this many edits per example.
        max_edits: at most this many.

    >>> from hypothesis import find
    >>> caption = "Residents carry sandbags in Port Ellery on Sunday"
    >>> find(caption_variants(caption, edits=["synonym"]), lambda v: True)
    'Residents haul sandbags in Port Ellery on Sunday'
    """
    if not isinstance(caption, str):
        raise InvalidArgument(f"caption must be a str, not {type(caption).__name__}")
    chosen = _check_choices(edits, EDITS, "edits")
    if not chosen:
        raise InvalidArgument("edits must name at least one edit")
    _check_range(min_edits, max_edits, ("min_edits", "max_edits"), floor=1)

    @st.composite
    def build(draw: DrawFn) -> str:
        picked = draw(
            st.lists(
                _sample(chosen),
                min_size=min_edits,
                max_size=max_edits,
                unique=len(chosen) >= max_edits,
            )
        )
        variant = _apply(draw, caption, picked, name_safe=False)
        if variant == caption:
            variant = caption + " (pictured)"
        return variant

    return build()


@dataclass
class _Block:
    """Lines of one blank-line block: (text, copy kind or None, id of the original)."""

    lines: list[tuple[str, str | None, int]] = field(default_factory=list)


@dataclass
class _Draft:
    """An article being assembled: segments of blocks that stay together. Every line has
    an id (in order of creation); ``originals`` maps the id of a copy to its original's."""

    script: Script
    segments: list[list[_Block]] = field(default_factory=list)
    negatives: set[int] = field(default_factory=set)
    originals: dict[int, int] = field(default_factory=dict)
    count: int = 0

    def line(self, text: str) -> tuple[str, None, int]:
        self.count += 1
        return (text, None, self.count)

    def negative(self, text: str) -> tuple[str, None, int]:
        entry = self.line(text)
        self.negatives.add(entry[2])
        return entry

    def copy(self, text: str, kind: str, original: int) -> tuple[str, str, int]:
        """A line that copies the line ``original``."""
        self.count += 1
        self.originals[self.count] = original
        return (text, kind, self.count)

    def paragraph_at(self, k: int) -> str:
        """The first line of segment ``k``."""
        return self.segments[k][0].lines[0][0]

    def merge(self) -> None:
        """Every unit on its own line, in one block (no blank lines)."""
        lines = [line for segment in self.segments for b in segment for line in b.lines]
        self.segments = [[_Block(lines)]]


def _draw_base(
    draw: DrawFn,
    script: Script,
    min_paragraphs: int,
    max_paragraphs: int,
    n_captions: int,
    reserved: Collection[str] = (),
) -> tuple[str, list[str], list[str]]:
    """A headline, body paragraphs and captions, all far from each other."""
    sentences = [s for s in script.sentences if s not in reserved]
    headline_parts = _caption_parts(draw, script)
    headline = (
        script.caption(*headline_parts[:3], "", "").strip()
        if script.spaced
        else headline_parts[4] + headline_parts[3] + headline_parts[0] + headline_parts[1]
    )
    kept: list[str] = [headline]
    paragraphs: list[str] = []
    n_paragraphs = draw(_ints(min_paragraphs, max_paragraphs))
    for _ in range(n_paragraphs * 2):
        if len(paragraphs) >= n_paragraphs:
            break
        n_sentences = draw(_ints(1, 3))
        parts = [_body_sentence(draw, script)]
        used: set[str] = set()
        for _ in range(n_sentences - 1):
            template = draw(_sample(sentences)) if sentences else ""
            if template and template not in used:
                used.add(template)
                parts.append(_fill(draw, template))
        paragraph = script.join(parts)
        if _distinct(paragraph, kept):
            kept.append(paragraph)
            paragraphs.append(paragraph)
    caps: list[str] = []
    for _ in range(n_captions * 3):
        if len(caps) >= n_captions:
            break
        caption = _draw_caption(draw, script)
        if _distinct(caption, kept):
            kept.append(caption)
            caps.append(caption)
    return headline, paragraphs, caps


def _variant_ok(original: str, variant: str, edit: str) -> bool:
    a, b = _key(original), _key(variant)
    if min(len(a), len(b)) < _VARIANT_MIN_LENGTH_RATIO * max(len(a), len(b)):
        return False
    if min(len(a), len(b)) < _VARIANT_MIN_CHARS:
        return False
    if min(_word_count(a), _word_count(b)) < _VARIANT_MIN_WORDS:
        return False
    if edit == "synonym" and min(len(a.split()), len(b.split())) < _SWAP_MIN_WORDS:
        # dedup reads a one-for-one word swap in a short line as a template filled in
        # differently; in scripts without spaces its "words" are whole clauses.
        return False
    return similarity(a, b) >= _VARIANT_MIN_SIMILARITY


def _word_count(key: str) -> int:
    spaceless = sum(1 for c in key if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    return max(key.count(" ") + 1, spaceless // 2)


def _draw_copy(draw: DrawFn, caption: str, kinds: Sequence[str]) -> tuple[str, str]:
    """A copy of ``caption``: (text, kind)."""
    kind = draw(_sample(kinds))
    if kind == "exact":
        return caption, "exact"
    normalizing = draw(st.lists(_sample(NORMALIZING_EDITS), min_size=1, max_size=3, unique=True))
    if kind == "variant":
        first = draw(_sample(NEAR_EDITS))
        # When the drawn edit has no place in the caption, try the other one.
        for near in (first, *(e for e in NEAR_EDITS if e != first)):
            variant = _apply(draw, caption, [near, *normalizing], name_safe=True)
            if _key(variant) != _key(caption) and _variant_ok(caption, variant, near):
                return variant, "variant"
    copy = _apply(draw, caption, normalizing, name_safe=False)
    return (copy, "exact") if copy == caption else (copy, "normalized")


def _negative_blocks(
    draw: DrawFn, draft: _Draft, kind: str, paragraphs: list[str], reserved: Sequence[str]
) -> tuple[list[_Block], list[str]]:
    """Blocks of one hard negative, and the paragraphs they must come after."""
    script = draft.script
    if kind == "number":
        sentence = draw(_sample(reserved))
        numbers = draw(st.lists(_ints(2, 99), min_size=2, max_size=3, unique=True))
        return [_Block([draft.negative(sentence.replace("{n}", str(n))) for n in numbers])], []
    if kind == "name":
        template = script.named_line
        names = draw(st.lists(_sample(script.first_names), min_size=2, max_size=3, unique=True))
        last = draw(_sample(script.last_names))
        lines = [template.replace("{name}", f"{n} {last}".strip()) for n in names]
        return [_Block([draft.negative(line) for line in lines])], []
    if kind == "question":
        obj_a, obj_b = draw(st.lists(_sample(script.objects), min_size=2, max_size=2, unique=True))
        subject, verb, _, place, time = _caption_parts(draw, script)
        block = _Block()
        for obj in (obj_a, obj_b):
            caption = script.caption(subject, verb, obj, place, time)
            if script.spaced:
                question = f"{script.question} {caption[:1].lower()}{caption[1:]}"
            else:
                question = f"{script.question}{caption}"
            block.lines.append(draft.negative("Q:"))
            block.lines.append(draft.negative(f"Q: {question}{script.question_mark}"))
        return [block], []
    if kind == "bullets":
        restated = [p for p in paragraphs if p.count(script.full_stop) == 1]
        if not restated:
            return [], []
        chosen = draw(st.lists(_sample(restated), min_size=1, max_size=3, unique=True))
        bullet = draw(_sample(("\u2022 ", "- ", "* ")))
        block = _Block([draft.negative(script.summary_heading)])
        block.lines.extend(draft.negative(bullet + p) for p in chosen)
        return [block], chosen
    raise AssertionError(kind)  # pragma: no cover


def _quote_caption(script: Script, paragraph: str, tail: str) -> str | None:
    """A caption quoting the one-sentence ``paragraph`` and adding at least half again."""
    sentence = paragraph.rstrip(script.full_stop)
    if script.full_stop in sentence:
        return None
    addition = script.dash + tail + script.comma + " " + tail
    if len(addition) < 0.6 * len(sentence):
        return None
    return sentence + addition


def articles_with_copies(
    *,
    scripts: Collection[str] | None = None,
    copy_kinds: Collection[str] = ("exact", "normalized", "variant", "gallery"),
    negatives: Collection[str] = NEGATIVE_KINDS,
    min_paragraphs: int = 1,
    max_paragraphs: int = 5,
    max_captions: int = 4,
    newlines: Collection[str] = ("\n", "\r\n"),
) -> SearchStrategy[ArticleWithCopies]:
    """Articles with injected caption copies and hard negatives, with their ground truth.

    Each caption is followed, directly, by no copy or by one copy of a kind drawn from
    ``copy_kinds`` (``"exact"``, ``"normalized"``, ``"variant"``); with ``"gallery"``, the
    article may end with a run of at least three exact or normalized copies of its
    captions. Hard negatives (:data:`NEGATIVE_KINDS`) go between paragraphs. The ground
    truth follows dedup's documented default rules (``CleanConfig()``), with margin:
    a variant scores at least 0.85 against its original, keeps its numbers and names, is
    within 15% of its length, has 10% more characters and one word more than
    ``CleanConfig().min_chars`` and ``min_words`` ask, and a synonym swap needs 13 words (a
    one-word swap in a shorter line reads as a template); an edit that would leave those
    margins is replaced by a normalizing edit.

    Args:
        scripts: the scripts to write in (default: all; one script per article).
        copy_kinds: the kinds of copies to inject.
        negatives: the kinds of hard negatives to add (``"name"`` only in cased scripts).
        min_paragraphs: at least this many body paragraphs.
        max_paragraphs: at most this many.
        max_captions: at most this many captions (at least one; three for a gallery).
        newlines: line terminators to choose from (one per article).

    Returns:
        A strategy for :class:`ArticleWithCopies`.

    >>> import dedup
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(articles_with_copies(scripts=["greek", "japanese"]))
    ... def test_ground_truth(article):
    ...     report = dedup.explain(article.text)
    ...     assert report.text == article.expected
    ...     assert [r.span for r in report.removals] == [c.span for c in article.copies]
    >>> test_ground_truth()
    """
    chosen = _check_scripts(scripts)
    kinds = _check_choices(copy_kinds, ("exact", "normalized", "variant", "gallery"), "copy_kinds")
    negative_kinds = _check_choices(negatives, NEGATIVE_KINDS, "negatives")
    _check_range(min_paragraphs, max_paragraphs, ("min_paragraphs", "max_paragraphs"))
    _check_range(1, max_captions, ("1", "max_captions"), floor=1)
    terminators = _check_choices(newlines, ("\n", "\r\n", "\r"), "newlines")
    if not terminators:
        raise InvalidArgument("newlines must name at least one line terminator")
    adjacent_kinds = [k for k in kinds if k != "gallery"]

    @st.composite
    def build(draw: DrawFn) -> ArticleWithCopies:
        # The order of the draws is part of the strategy: the same seed gives the same
        # articles, so no step may change what it draws or in which order.
        script = SCRIPTS[draw(_sample(chosen))]
        picked, reserved = _draw_negative_kinds(draw, script, negative_kinds)
        gallery = "gallery" in kinds and draw(_BOOLS)
        least = 3 if gallery else 1
        n_captions = draw(_ints(least, max(max_captions, least)))
        headline, paragraphs, caps = _draw_base(
            draw, script, min_paragraphs, max_paragraphs, n_captions, reserved
        )
        one_block = draw(_BOOLS)
        draft = _Draft(script)
        for unit in (headline, *paragraphs):
            draft.segments.append([_Block([draft.line(unit)])])
        cap_ids = _insert_captions(draw, draft, caps, adjacent_kinds)
        for kind in picked:
            _insert_negative(draw, draft, kind, paragraphs, reserved)
        if gallery and len(caps) >= 3:
            _append_gallery(draw, draft, cap_ids)
        if one_block:
            draft.merge()
        return _finish(draft, draw(_sample(terminators)))

    return build()


def _draw_negative_kinds(
    draw: DrawFn, script: Script, kinds: Sequence[str]
) -> tuple[list[str], list[str]]:
    """The kinds of hard negatives of one article, and the numbered sentence kept out of
    the body for the ``"number"`` kind (none without it)."""
    usable = [k for k in kinds if k != "name" or script.name in CASED_SCRIPTS]
    picked = draw(st.lists(_sample(usable), unique=True)) if usable else []
    numbered = [s for s in script.sentences if "{n}" in s]
    reserved = [draw(_sample(numbered))] if "number" in picked else []
    return picked, reserved


def _insert_captions(
    draw: DrawFn, draft: _Draft, caps: Sequence[str], adjacent_kinds: Sequence[str]
) -> list[tuple[str, int]]:
    """Put each caption, maybe followed by a copy (in its block or the next), at a drawn
    place after the headline; returns ``(caption, line id)`` of each."""
    cap_ids: list[tuple[str, int]] = []
    for caption in caps:
        entry = draft.line(caption)
        cap_ids.append((caption, entry[2]))
        segment = [_Block([entry])]
        if len(adjacent_kinds) > 0 and draw(_BOOLS):
            copy, kind = _draw_copy(draw, caption, adjacent_kinds)
            copy_line = draft.copy(copy, kind, entry[2])
            if draw(_BOOLS):
                segment[0].lines.append(copy_line)
            else:
                segment.append(_Block([copy_line]))
        at = draw(_ints(1, len(draft.segments)))
        draft.segments.insert(at, segment)
    return cap_ids


def _insert_negative(
    draw: DrawFn, draft: _Draft, kind: str, paragraphs: list[str], reserved: Sequence[str]
) -> None:
    """Add one hard negative of ``kind`` at a drawn place (a caption quoting a paragraph
    goes right after that paragraph; a summary, after the paragraphs it restates)."""
    if kind == "caption_quote":
        _insert_caption_quote(draw, draft, paragraphs)
        return
    blocks, after = _negative_blocks(draw, draft, kind, paragraphs, reserved)
    if not blocks:
        return
    # A summary restating body sentences goes after them (see the xfail test of a
    # "key points" box above the body in test_properties_strategies.py).
    first = 1 + max(
        (k for k in range(len(draft.segments)) if draft.paragraph_at(k) in after), default=0
    )
    draft.segments.insert(draw(_ints(first, len(draft.segments))), blocks)


def _insert_caption_quote(draw: DrawFn, draft: _Draft, paragraphs: list[str]) -> None:
    quotable = [k for k in range(1, len(draft.segments)) if draft.paragraph_at(k) in paragraphs]
    if not quotable:
        return
    k = draw(_sample(quotable))
    quote = _quote_caption(draft.script, draft.paragraph_at(k), draw(_sample(draft.script.tails)))
    if quote is not None:
        draft.segments[k].append(_Block([draft.negative(quote)]))


def _append_gallery(draw: DrawFn, draft: _Draft, cap_ids: Sequence[tuple[str, int]]) -> None:
    """End the article with a run of at least three exact or normalized caption copies."""
    members = draw(st.lists(_sample(cap_ids), min_size=3, max_size=len(cap_ids)))
    block = _Block()
    for caption, ident in members:
        copy, _ = _draw_copy(draw, caption, ("exact", "normalized"))
        block.lines.append(draft.copy(copy, "gallery", ident))
    draft.segments.append([block])


def _finish(draft: _Draft, newline: str) -> ArticleWithCopies:
    """The article's text with ``newline`` line ends, and its ground truth."""
    blank = newline * 2
    text_parts: list[str] = []
    kept_blocks: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    copy_lines: list[tuple[int, str]] = []
    pos = 0
    blocks = [b for segment in draft.segments for b in segment if b.lines]
    for bi, block in enumerate(blocks):
        kept_lines: list[str] = []
        for li, (line, kind, ident) in enumerate(block.lines):
            if li > 0:
                text_parts.append(newline)
                pos += len(newline)
            spans[ident] = (pos, pos + len(line))
            text_parts.append(line)
            pos += len(line)
            if kind is None:
                kept_lines.append(line)
            else:
                copy_lines.append((ident, kind))
        if bi < len(blocks) - 1:
            text_parts.append(blank)
            pos += len(blank)
        if kept_lines:
            kept_blocks.append(newline.join(kept_lines))
    injected = tuple(
        InjectedCopy(spans[ident], spans[draft.originals[ident]], kind)  # type: ignore[arg-type]
        for ident, kind in copy_lines
    )
    negatives = tuple(spans[i] for i in sorted(draft.negatives))
    return ArticleWithCopies(
        text="".join(text_parts) + newline,
        expected=blank.join(kept_blocks) + newline,
        copies=injected,
        negatives=negatives,
        script=draft.script.name,
    )


def articles(
    *,
    scripts: Collection[str] | None = None,
    min_paragraphs: int = 1,
    max_paragraphs: int = 6,
    max_captions: int = 3,
    newlines: Collection[str] = ("\n", "\r\n"),
) -> SearchStrategy[str]:
    """Duplicate-free news articles: a headline, body paragraphs and captions.

    No two units of an example are copies or near-duplicates of each other (each pair of
    comparison keys scores below 0.6), so ``dedup.clean`` must return every example
    unchanged.

    Args:
        scripts: the scripts to write in (default: all; one script per article).
        min_paragraphs: at least this many body paragraphs (fewer only when the word
            lists run out of distinct sentences).
        max_paragraphs: at most this many.
        max_captions: at most this many captions.
        newlines: line terminators to choose from (one per article).

    >>> import dedup
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(articles(scripts=["arabic", "chinese"]))
    ... def test_clean_articles_stay_unchanged(text):
    ...     assert dedup.clean(text) == text
    >>> test_clean_articles_stay_unchanged()
    """
    return articles_with_copies(
        scripts=scripts,
        copy_kinds=(),
        negatives=(),
        min_paragraphs=min_paragraphs,
        max_paragraphs=max_paragraphs,
        max_captions=max_captions,
        newlines=newlines,
    ).map(lambda a: a.text)


def hard_negatives(
    *,
    scripts: Collection[str] | None = None,
    kinds: Collection[str] = NEGATIVE_KINDS,
    newlines: Collection[str] = ("\n", "\r\n"),
) -> SearchStrategy[str]:
    """Articles full of lines that look repetitive on purpose and must all survive.

    Each example is an article (as :func:`articles` makes them) with at least one hard
    negative of ``kinds`` (see :data:`NEGATIVE_KINDS`): ``dedup.clean`` must return it
    unchanged.

    >>> import dedup
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hard_negatives(kinds=["number", "bullets"]))
    ... def test_hard_negatives_survive(text):
    ...     assert dedup.clean(text) == text
    >>> test_hard_negatives_survive()
    """
    chosen = _check_choices(kinds, NEGATIVE_KINDS, "kinds")
    if not chosen:
        raise InvalidArgument("kinds must name at least one kind of hard negative")
    return (
        articles_with_copies(scripts=scripts, copy_kinds=(), negatives=chosen, newlines=newlines)
        .filter(lambda a: bool(a.negatives))
        .map(lambda a: a.text)
    )


def assert_no_near_duplicates(
    text: str,
    *,
    threshold: float = 0.8,
    scope: Literal["adjacent", "runs", "document"] = "document",
    config: CleanConfig | None = None,
) -> None:
    """Fail when ``text`` still holds a copy or near-duplicate that dedup would remove.

    Args:
        text: the text to check, e.g. the output of your own cleaning step.
        threshold: similarity (0-1) from which two units count as near-duplicates.
        scope: where copies are looked for; ``"document"`` (default) compares every pair
            of units, not only neighbours.
        config: further dedup options; ``threshold`` and ``scope`` override its values.

    Raises:
        AssertionError: naming each offending pair, its similarity and the rule.

    >>> assert_no_near_duplicates("The ferry leaves at noon.\\nThe bus leaves at ten.")
    >>> assert_no_near_duplicates(
    ...     "Rescue workers carry sandbags past the old fish market in Ellery on Sunday\\n"
    ...     "The council opened two shelters.\\n"
    ...     "Rescue workers haul sandbags past the old fish market in Ellery on Sunday\\n"
    ... )
    Traceback (most recent call last):
      ...
    AssertionError: text has 1 near-duplicate unit (threshold 0.8):
      line 3 'Rescue workers haul sandbags past the old fish market in Ellery on Sunday'
        repeats line 1 'Rescue workers carry sandbags past the old fish market in Ellery on Sunday'
        similarity 0.9524 (near-duplicate, distant)
    """
    base = config if config is not None else CleanConfig()
    report = explain(text, base.replace(threshold=threshold, scope=scope))
    if not report.removals:
        return
    n = len(report.removals)
    lines = [f"text has {n} near-duplicate unit{'s' if n > 1 else ''} (threshold {threshold}):"]
    for r in report.removals:
        lines.append(f"  line {_line_no(text, r.span[0])} {_short(r.text)}")
        lines.append(f"    repeats line {_line_no(text, r.kept_span[0])} {_short(r.kept_text)}")
        lines.append(f"    similarity {r.similarity:.4g} ({r.rule}, {r.position})")
    raise AssertionError("\n".join(lines))


def _line_no(text: str, offset: int) -> int:
    # The lines dedup reads: a lone "\r" ends a line only in text without any "\n".
    return text.count("\n" if "\n" in text or "\r" not in text else "\r", 0, offset) + 1


def _short(text: str, limit: int = 100) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
