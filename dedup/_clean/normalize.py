"""Stage 2, normalize: unit -> comparison key.

The key is what copies have in common once the noise of scraping is gone: Unicode
compatibility forms (NFKC), case, quote and dash styles, broken HTML entities such as
``& # 39;``, leading bullets, trailing photo credits ("(pictured)", "Photo: Reuters"),
punctuation and spacing. The stage also reads what guards need later: the numbers, the
names, the word count and what kind of line the unit is (list item, table row, code,
question, label, heading or text).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from itertools import accumulate, repeat
from typing import Final

import regex

from .credits import framed_lines, strip_frame
from .types import Key, Kind, Segmentation

__all__ = ["Keys", "normalize", "normalize_text"]

_BROKEN_NUMERIC_ENTITY: Final = regex.compile(r"&\s*+#\s*+([xX]?)\s*+([0-9a-fA-F]{1,6})\s*+;")
_BROKEN_NAMED_ENTITY: Final = regex.compile(
    r"&\s+(amp|quot|apos|lt|gt|nbsp|ndash|mdash|hellip|rsquo|lsquo|rdquo|ldquo)\s*;",
    regex.IGNORECASE,
)
_QUOTES: Final = (
    ("\u2018", "'"), ("\u2019", "'"), ("\u201a", "'"), ("\u201b", "'"), ("\u2032", "'"),
    ("`", "'"), ("\u00b4", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'),
    ("\u201f", '"'), ("\u2033", '"'), ("\u00ab", '"'), ("\u00bb", '"'), ("\u2010", "-"),
    ("\u2011", "-"), ("\u2012", "-"), ("\u2013", "-"), ("\u2014", "-"), ("\u2015", "-"),
    ("\u2212", "-"),
)  # fmt: skip
_LEADING_BULLET: Final = regex.compile(r"^\s*[-*+\u2022\u00b7\u25aa\u25e6\u25cf>]+\s*")
_BULLET_LINE: Final = regex.compile(
    r"\s*(?:[-*+\u2022\u00b7\u25aa\u25e6\u25cf\u2013\u2014>]|\d{1,3}[.)]|[a-z][.)])\s", regex.I
)
_PUNCTUATION: Final = regex.compile(r"[\p{P}\p{S}\p{Cc}\p{Cf}]+")
_ASCII_PUNCTUATION: Final = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not c.isalnum() and c != " "}
)
_ASCII_PUNCTUATION_KEEP_LINES: Final = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not c.isalnum() and c not in " \n"}
)
_DIGITS: Final = regex.compile(r"\d+")
_SPACELESS: Final = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"
)
_CODE_START: Final = ("//", "/*", "#!", "#include", "</", "<!--", "$ ", ">>> ")
_CODE_END: Final = ("{", "}", ";", "};", "[", "(", "],", "},", "*/")
_CODE_TOKENS: Final = ("=>", "->", "::", "()", "==", "!=", "&&", "||")
# literals only: the standard engine finds them several times faster than ``regex``
_CODE_TOKEN: Final = re.compile("|".join(map(re.escape, _CODE_TOKENS)))
_ASSIGNMENT: Final = regex.compile(r"\w+(?:\.\w+)*\s*=\s*\S")
_QUESTION_END: Final = ("?", "\uff1f", "\u061f")
_LABEL_END: Final = (":", "\uff1a")
_TERMINAL: Final = frozenset(".!?\u3002\uff01\uff1f\u061f\u0964\"'\u201d\u2019)")
_HEADING_MAX_WORDS: Final = 7
_SPACELESS_HEADING_MAX_WORDS: Final = 5
_FIELD: Final = regex.compile(r"[\p{L}\p{N}_][^:]{0,40}?:\s+(\S.*)")
_FIELD_MAX_PREFIX_WORDS: Final = 3
# tried right to left ((?r)): the end anchor is met at once, not after every position
_SENTENCE_STOP: Final = regex.compile(r"(?r)[.?\u3002\u061f\u0964][\"'\u201d\u2019)]?$")
_FIELD_MAX_VALUE_WORDS: Final = 8


class Keys:
    """The output of the normalize stage: one comparison key per unit.

    ``texts[i]`` is unit ``i``'s comparison key. What guards and structure rules need
    besides (numbers, names, kind of line) is worked out only for the units that reach
    them, by :meth:`info`, and remembered for the rest of the call (once per distinct
    unit text, so a text repeated many times costs one computation).
    """

    __slots__ = (
        "_by_raw", "_frames", "_info", "_parts", "_shape", "_verbatim", "_words", "raws",
        "spaces", "texts",
    )  # fmt: skip

    def __init__(
        self, texts: tuple[str, ...], raws: tuple[str, ...], frames: _Frames | None = None
    ) -> None:
        self.texts = texts
        self.raws = raws
        self._info: dict[int, Key] = {}
        self._shape: dict[int, tuple[Kind, str]] = {}
        self._parts: dict[int, _Parts] = {}  # what shape() worked out, for info()
        self._by_raw: dict[tuple[str, int], _Parts] = {}  # the same, by line: copies
        self._verbatim: dict[str, bool] = {}  # is_verbatim(), by line
        self._frames = frames
        self.spaces = list(map(str.count, texts, repeat(" ")))
        """The spaces in each key: its words less one, but in scripts without spaces."""
        self._words = _word_counts(texts, self.spaces)

    def __len__(self) -> int:
        return len(self.texts)

    def words(self, i: int) -> int:
        """Number of words of unit ``i`` (scripts without spaces: characters // 2)."""
        return self._words[i]

    def info(self, i: int) -> Key:
        """Everything known about unit ``i``'s text."""
        found = self._info.get(i)
        if found is None:
            parts = self._parts.pop(i, None)
            if parts is None:
                parts = _shape(self.raws[i], self._words[i], self._framed(i))
            found = self._info[i] = _key(self.texts[i], self._words[i], parts)
        return found

    def _framed(self, i: int) -> str | None:
        """Unit ``i`` without its frame, when the normalize pass already knows it."""
        frames = self._frames
        if frames is None:
            return None
        if i in frames:
            return frames[i]  # without its frame, or None: not known
        return self.spaced(i)

    def spaced(self, i: int) -> str:
        """Unit ``i`` as written, stripped, with single spaces between its words."""
        return _single_spaced(self.raws[i])

    def is_list_item(self, i: int) -> bool:
        """``kind(i) is Kind.BULLET``, read from the line alone: cheap enough to ask of
        lines whose other details are never needed."""
        known = self._shape.get(i)
        if known is not None:
            return known[0] is Kind.BULLET
        stripped = self.raws[i].strip()
        return bool(stripped) and _is_list_item(stripped)

    def is_verbatim(self, i: int) -> bool:
        """``kind(i) in (Kind.TABLE, Kind.CODE)``, read from the line alone (see
        :func:`_layout`): what ``protect_structure`` never removes, asked of every copy."""
        known = self._shape.get(i)
        if known is not None:
            return known[0] in _VERBATIM
        raw = self.raws[i]
        found = self._verbatim.get(raw)
        if found is None:
            stripped = raw.strip()
            found = self._verbatim[raw] = bool(stripped) and _layout(stripped) in _VERBATIM
        return found

    def is_question(self, i: int) -> bool:
        """``kind(i) is Kind.QUESTION``, answered from the line alone when it cannot end in
        a question mark: plain ASCII without one and without an entity (which may spell
        one). Asked of the unit before every copy far off, most of them never shaped."""
        if i not in self._shape:
            raw = self.raws[i]
            if "?" not in raw and raw.isascii() and "&" not in raw:
                return False
        return self.kind(i) is Kind.QUESTION

    def kind(self, i: int) -> Kind:
        """``info(i).kind``, without the names."""
        return self.shape(i)[0]

    def label(self, i: int) -> str:
        """``info(i).label``, without the names."""
        return self.shape(i)[1]

    def shape(self, i: int) -> tuple[Kind, str]:
        """``info(i).kind`` and ``info(i).label``: what the decide stage asks about a unit,
        without the names that only guards need."""
        found = self._shape.get(i)
        if found is None:
            known = self._info.get(i)
            if known is not None:
                found = (known.kind, known.label)
            else:
                line = (self.raws[i], self._words[i])
                parts = self._by_raw.get(line)
                if parts is None:  # the first copy of this line
                    parts = self._by_raw[line] = _shape(*line, self._framed(i))
                self._parts[i] = parts
                found = (parts[0], parts[1])
            self._shape[i] = found
        return found


def normalize(seg: Segmentation) -> Keys:
    """Make the comparison key of every unit of ``seg``, in unit order."""
    text = seg.text
    raws = tuple(map(text.__getitem__, map(slice, seg.starts, seg.ends)))
    texts, frames = _keys_and_frames(raws)
    return Keys(texts, raws, frames)


def normalize_text(text: str) -> str:
    """The comparison key of one piece of text.

    >>> normalize_text("Yesterday he said: & # 39;NATO troops\u2019 are at our gates (pictured)")
    'yesterday he said nato troops are at our gates'
    >>> normalize_text("\u2022 A crowd in the rain. Photo: Reuters")
    'a crowd in the rain'
    """
    return _keys((text,))[0]


def _keys(raws: tuple[str, ...]) -> tuple[str, ...]:
    """Normalize many units in one pass over their joined text (one line per unit)."""
    return _keys_and_frames(raws)[0]


# The units that lose a frame (credit, label), with what is left, and None for the units
# that are not plain ASCII without entities (worked out when asked); every other unit is
# its text with single spaces (see Keys._framed).
_Frames = dict[int, str | None]


def _keys_and_frames(raws: tuple[str, ...]) -> tuple[tuple[str, ...], _Frames | None]:
    joined = "\n".join(raws)
    if "\r" in joined or joined.count("\n") != len(raws) - 1:  # units of several lines
        units = [r.translate(_LINE_BREAKS) if "\n" in r or "\r" in r else r for r in raws]
        joined = "\n".join(units)
    else:  # one line each (most texts): one look at them all
        units = list(raws)
    plain = joined.isascii() and "&" not in joined  # _unify leaves it as it is
    unified = _unify(joined)
    if unified.count("\n") != len(units) - 1:  # an entity made or took a line break
        keys = [
            _squeeze(_strip_credits(_unify(u).translate(_LINE_BREAKS)).casefold()) for u in units
        ]
        return tuple(keys), None
    if unified.isascii():
        keys, found = _ascii_keys(unified)
        if plain:
            return tuple(keys), dict(found)
        ascii_lines: Sequence[int] = range(len(units))
    else:  # the ASCII lines (most, in most texts) at once, the others one by one
        lines = unified.split("\n")
        ascii_lines = [k for k, line in enumerate(lines) if line.isascii()]
        keys = [line if line.isascii() else _unit_key(line) for line in lines]
        found = {}
        if ascii_lines:
            some, found = _ascii_keys("\n".join([lines[k] for k in ascii_lines]))
            for k, key in zip(ascii_lines, some, strict=True):
                keys[k] = key
    # A plain unit (ASCII, no "&") is its line, which _unify left as it was; the frame of
    # any other unit is worked out when asked.
    frames: _Frames = dict.fromkeys(range(len(units)))
    for m, k in enumerate(ascii_lines):
        if units[k].isascii() and "&" not in units[k]:
            if m in found:
                frames[k] = found[m]
            else:
                del frames[k]
    return tuple(keys), frames


def _unit_key(line: str) -> str:
    """The key of one line of text that :func:`_unify` has made (not ASCII)."""
    line = _strip_credit(line).casefold()
    for char in _COMMON_SYMBOLS:
        if char in line:
            line = line.replace(char, " ")
    return _squeeze(line)


def _ascii_keys(text: str) -> tuple[list[str], dict[int, str]]:
    """The keys of the lines of ASCII ``text`` (entities repaired): every line squeezed at
    once, and only the lines that may hold a credit or label (:func:`credits.framed_lines`) one
    by one, through :func:`_strip_credit`. Also returns those lines without their frame."""
    spaced = text.lower().translate(_ASCII_PUNCTUATION_KEEP_LINES)  # lower: casefold, ASCII
    lines = spaced.split("\n")
    keys = _squeeze_lines(spaced)  # _squeeze of each line
    starts = list(accumulate(map((1).__add__, map(len, lines)), initial=0))
    del lines
    framed = framed_lines(text, spaced, starts, keys)
    frames = {k: _strip_credit(text[starts[k] : starts[k + 1] - 1]) for k in framed}
    for k, line in frames.items():
        keys[k] = _squeeze(line.casefold())
    return keys, frames


def _squeeze_lines(spaced: str) -> list[str]:
    """The lines of ``spaced``, whose only white space is spaces and line breaks, each with
    runs of spaces made one and none at its ends: ``" ".join(line.split())`` of each line,
    but with one pass of a pattern over the runs (a few per line) instead of cutting every
    line into words."""
    return list(map(str.strip, _SPACE_RUN.sub(" ", spaced).split("\n")))


_SPACE_RUN: Final = re.compile("  +")  # the standard engine: a literal start, found fast


def _squeeze(line: str) -> str:
    """Punctuation (bullets included) to spaces, then runs of white space to one space."""
    if line.isascii():
        return " ".join(line.translate(_ASCII_PUNCTUATION).split())
    return " ".join(_PUNCTUATION.sub(" ", line).split())


_LINE_BREAKS: Final = str.maketrans("\r\n", "  ")
# Bullets and signs common in news text; replaced up front so that text whose only
# non-ASCII characters are these can take the ASCII fast path.
_COMMON_SYMBOLS: Final = (
    "\u2022\u00b7\u25aa\u25e6\u25cf\u25a0\u25ba\u00a9\u00ae\u2122\u00b0\u20ac\u00a3\u00bf\u00a1"
    "\u2039\u203a"
)


def _unify(text: str) -> str:
    """Entities repaired, NFKC, quote and dash styles unified (case kept)."""
    if "&" in text:
        text = _fix_entities(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        for fancy, plain in _QUOTES:
            if fancy in text:
                text = text.replace(fancy, plain)
    return text


def _prepare(text: str) -> str:
    """:func:`_unify`, then case folded."""
    return _unify(text).casefold()


def _strip_credits(text: str) -> str:
    """Photo credits, caption labels and page furniture removed, line by line."""
    return "\n".join(map(_strip_credit, text.split("\n")))


def _strip_credit(line: str) -> str:
    # one space between words: no regex meets a long blank run
    return strip_frame(" ".join(line.split()))


def _words(key: str) -> int:
    if not key:
        return 0
    spaced = key.count(" ") + 1
    if key.isascii():
        return spaced
    return max(spaced, len(_SPACELESS.findall(key)) // 2)


def _word_counts(texts: tuple[str, ...], spaces: list[int]) -> list[int]:
    """:func:`_words` of every key, from its spaces: rules ask for the words of most units,
    several times each, and counting them for all at once costs less."""
    counts = [n + 1 for n in spaces]
    if "" in texts or not all(map(str.isascii, texts)):
        for k, key in enumerate(texts):
            if not key or not key.isascii():
                counts[k] = _words(key)
    return counts


def _key(key: str, words: int, parts: _Parts) -> Key:
    kind, label, stripped, framed, numbers = parts
    return Key(
        text=key,
        stripped=stripped,
        words=words,
        numbers=numbers,
        names=_names(framed),
        label=label,
        kind=kind,
    )


# kind, label, stripped text, text without its frame, numbers
_Parts = tuple[Kind, str, str, str, tuple[str, ...]]


def _shape(raw: str, words: int, framed: str | None = None) -> _Parts:
    """Kind, label, stripped text, text without its frame, and numbers of a unit of
    ``words`` words; ``framed``, when known, is the unit without its frame."""
    stripped = raw.strip()
    framed = (_frame(stripped) if framed is None else framed) or stripped
    prepared = framed.casefold()
    numbers = tuple(_DIGITS.findall(prepared))
    return _kind(stripped, framed, words, len(numbers)), _label(prepared), stripped, framed, numbers


def _single_spaced(raw: str) -> str:
    """``" ".join(raw.split())``, which most lines are already once stripped: printable
    text (no white space but the space; every other white-space character is
    non-printable) without two spaces in a row."""
    stripped = raw.strip()
    if stripped.isprintable() and "  " not in stripped:
        return stripped
    return " ".join(stripped.split())


def _frame(stripped: str) -> str:
    return _strip_credit(_unify(stripped).translate(_LINE_BREAKS))


def _fix_entities(text: str) -> str:
    text = _BROKEN_NUMERIC_ENTITY.sub(_numeric_entity, text)
    text = _BROKEN_NAMED_ENTITY.sub(lambda m: "&" + m.group(1) + ";", text)
    return html.unescape(text)


def _numeric_entity(m: regex.Match[str]) -> str:
    hexa, digits = m.group(1), m.group(2)
    try:
        code = int(digits, 16 if hexa else 10)
    except ValueError:
        code = 0
    if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000:
        return chr(code)
    return str(m.group(0))


def _label(prepared: str) -> str:
    """The ``Label:`` a unit starts with, if its first three words hold a colon.

    In scripts without spaces a "word" is two characters: after NFKC the full-width colon
    of a Chinese or Japanese sentence is a plain colon, and the clause before it is no
    label.
    """
    head = prepared[:60]
    colon = head.find(":")
    if colon <= 0 or _words(head[:colon].strip()) > _FIELD_MAX_PREFIX_WORDS:
        return ""
    return head[:colon].strip()


def _names(stripped: str) -> frozenset[str]:
    """Lower-cased 5-letter stems of capitalized words that do not start a sentence."""
    if stripped.isascii() and stripped[1:].islower():
        return frozenset()
    words = stripped.split()
    names = []
    # Only a word with a capital letter can be a name (most words have none); it is a name
    # unless the word before it (past words that are signs only: "-", "...") ends a
    # sentence, or there is none.
    for k in [k for k, word in enumerate(words) if not word.islower()]:
        bare = words[k].strip(_WORD_EDGES)
        if len(bare) < 2 or not bare[0].isupper():
            continue
        before = k - 1
        while before >= 0 and not words[before].strip(_WORD_EDGES):
            before -= 1
        if before >= 0 and not words[before].endswith(_SENTENCE_ENDS):
            names.append(bare.casefold()[:5])
    return frozenset(names)


_WORD_EDGES: Final = "\"'()[]{}\u201c\u201d\u2018\u2019\u00ab\u00bb,;.!?:-\u2022*"
_SENTENCE_ENDS: Final = (".", "!", "?", ":", ";", "\u2022", "-", "*", "\u3002")


def _is_list_item(stripped: str) -> bool:
    """Whether a stripped line is a list item ("- cotton", "2) Catan"): :func:`_kind`'s
    first test, which needs nothing else of the unit.

    A line that starts with a letter or digit is a list item only with a "." or ")" among
    its next three characters ("a) ", "12. "); most lines are answered by that alone.
    (The pattern's leading white space is never a letter or digit.)"""
    if stripped[0].isalnum() and "." not in stripped[1:4] and ")" not in stripped[1:4]:
        return False
    return _BULLET_LINE.match(stripped) is not None


_VERBATIM: Final = frozenset({Kind.TABLE, Kind.CODE})


def _layout(stripped: str) -> Kind | None:
    """The kind of a non-empty stripped line from its layout as written alone (list item,
    table row, code: :func:`_kind`'s first tests), or ``None`` when its words decide."""
    if _is_list_item(stripped):
        return Kind.BULLET
    if stripped[0] == "|" or stripped.count("|") >= 2 or "\t" in stripped:
        return Kind.TABLE
    if (
        stripped.startswith(_CODE_START)
        or stripped.endswith(_CODE_END)
        or _CODE_TOKEN.search(stripped) is not None
        or ("=" in stripped and _ASSIGNMENT.match(stripped) is not None)
    ):
        return Kind.CODE
    return None


def _kind(stripped: str, framed: str, words: int, numbers: int) -> Kind:
    """What the unit looks like: its layout (list item, table row, code) from the text as
    written, the rest from the text without its photo credit and caption label."""
    if not stripped:
        return Kind.TEXT
    layout = _layout(stripped)
    if layout is not None:
        return layout
    stripped = framed
    if stripped[0].islower():
        return Kind.FRAGMENT
    if stripped.endswith(_QUESTION_END):
        return Kind.QUESTION
    if stripped.endswith(_LABEL_END):
        return Kind.LABEL
    if ":" in stripped and _is_field(stripped):
        return Kind.FIELD
    if numbers >= 3 and numbers >= 0.15 * words:
        return Kind.DATA
    if words <= _heading_max_words(stripped) and stripped[-1] not in _TERMINAL:
        return Kind.HEADING
    return Kind.TEXT


def _heading_max_words(stripped: str) -> int:
    """Up to seven words make a heading; in a script without spaces (a "word" is two
    characters there) up to ten characters: a 15-character Chinese caption is no heading."""
    if " " in stripped or stripped.isascii():
        return _HEADING_MAX_WORDS
    return _SPACELESS_HEADING_MAX_WORDS


def _is_field(stripped: str) -> bool:
    """``Label: value`` lines: specs, schema and config entries, templated facts.

    The label has at most three words, the line does not end like a sentence, and the
    value is short or holds a number. "He said: 'We will rebuild.'" is a sentence.
    """
    if _SENTENCE_STOP.search(stripped):
        return False
    m = _FIELD.match(stripped)
    if m is None:
        return False
    prefix = stripped[: m.start(1)].rstrip().rstrip(":")
    if len(prefix.split()) > _FIELD_MAX_PREFIX_WORDS:
        return False
    value = m.group(1)
    return len(value.split()) <= _FIELD_MAX_VALUE_WORDS or any(c.isdigit() for c in value)
