"""Photo credits, caption labels and page furniture around captions, from word lists.

A caption is printed under the image, again as the image's alt text and again in the
gallery, each time with a different frame: a credit ("Jane Roe/Getty Images",
"(AP Photo/John Roe, File)", "Credit...John Doe/The New York Times", "=共同"), a label
("Pictured: ", "FILE - ", "Image caption "), or residue of the page ("... image",
"…more", "Continue reading →"). :func:`strip_frame` takes the frame off one line so that
the copies compare equal; the words of the caption itself are never touched.

The grammar is built from the lists below: agencies and photo services, the words that
say "photo", "picture", "image", "credit" or "source" in the languages dedup supports,
and the words that place an image ("pictured", "above", "file"). To teach dedup a new
agency or language, add words to these lists; a test checks every list entry is found.

A credit is only taken off where it is set apart: at the end of a line after a sentence
end, a separator (``/ | - —``), inside brackets, or introduced by a credit word and a
separator ("Photo: ", "Photo by ", "Credit..."). "... according to Reuters" keeps its
last word.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import repeat
from operator import itemgetter
from typing import Final

import regex

__all__ = [
    "AGENCIES",
    "COVER_LEADS",
    "CREDIT_WORDS",
    "IMAGE_LEADS",
    "IMAGE_NAMES",
    "LEAD_LABELS",
    "PLACE_WORDS",
    "RESIDUE",
    "RESIDUE_WORDS",
    "SHARE_TARGETS",
    "framed_lines",
    "is_image_label",
    "strip_frame",
]

AGENCIES: Final = (
    # wire services and photo agencies
    "AP", "AFP", "Reuters", "Getty", "Getty Images", "EPA", "EPA-EFE", "EFE", "Xinhua",
    "Kyodo", "Kyodo News", "Yonhap", "ANSA", "dpa", "DPA", "PA", "PA Wire", "PA Images",
    "PA Media", "Shutterstock", "Alamy", "iStock", "iStockphoto", "AAP", "Bloomberg",
    "NurPhoto", "Sipa", "Sipa USA", "Rex", "Rex Features", "REX/Shutterstock", "ZUMA",
    "ZUMA Press", "ZUMA Wire", "SOPA Images", "LightRocket", "TASS", "RIA Novosti",
    "Sputnik", "Anadolu", "Anadolu Agency", "IANS", "PTI", "ANI", "UPI", "Press Association",
    "WireImage", "FilmMagic", "Corbis", "Keystone", "Imago", "picture alliance",
    "picture-alliance", "KCNA", "Polaris", "Redux", "MEGA", "Splash News", "NASA",
    "Wikimedia Commons", "Unsplash", "Pexels", "Flickr", "Handout", "Bloomberg via Getty Images",
    "AFP via Getty Images", "The New York Times", "The Washington Post", "The Associated Press",
    "Associated Press", "Agence France-Presse", "Belga", "ANP", "NTB", "TT", "Ritzau",
    "Lehtikuva", "APA", "CTK", "PAP", "MTI", "Ansa", "Europa Press", "Notimex", "Agencia Brasil",
    "Kyodo/via Reuters", "Jiji", "Jiji Press", "Yomiuri", "Asahi", "Mainichi", "Xinhua News Agency",
    "China News Service", "CNS", "VCG", "Visual China Group", "IC Photo", "Newsis", "News1",
    # in other scripts
    "共同", "共同通信", "時事", "時事通信", "新华社", "新華社", "中新社", "中新網", "中新网",
    "人民网", "人民網", "视觉中国", "視覺中國", "ロイター", "ロイター通信", "연합뉴스", "연합",
    "뉴시스", "뉴스1", "网络", "網絡", "資料", "资料", "ТАСС", "РИА Новости", "Спутник",  # noqa: RUF001
)  # fmt: skip
"""Agencies, photo services and outlets that appear in image credits."""

CREDIT_WORDS: Final = (
    # English
    "photo", "photos", "photograph", "photographs", "photography", "photographer", "picture",
    "pictures", "pic", "pics", "image", "images", "img", "credit", "credits", "source",
    "courtesy", "illustration", "graphic", "video", "footage", "screenshot", "screengrab",
    "image source", "image credit", "photo credit", "picture credit",
    # German, Dutch, Scandinavian
    "foto", "fotos", "bild", "bilder", "quelle", "bildquelle", "fotograf", "beeld", "bron",
    # French, Spanish, Portuguese, Italian
    "crédit", "crédits", "crédit photo", "crédits photo", "fotografía", "imagen", "imágenes",
    "fuente", "crédito", "créditos", "imagem", "imagens", "fonte", "immagine", "immagini",
    # Polish, Czech, Turkish, Indonesian
    "fot", "zdjęcie", "źródło", "zdroj", "fotoğraf", "kaynak", "sumber", "gambar",
    # Russian, Ukrainian
    "фото", "фотография", "снимок", "источник", "джерело", "кадр",
    # Chinese, Japanese, Korean, Thai, Arabic
    "图", "圖", "图片", "圖片", "照片", "摄", "攝", "摄影", "攝影", "来源", "來源", "图片来源",
    "圖片來源", "写真", "画像", "提供", "撮影", "사진", "출처", "ภาพ", "ที่มา", "ภาพประกอบ",
    "صورة", "المصدر",
)  # fmt: skip
"""Words that say "photo", "picture", "image", "credit" or "source"."""

PLACE_WORDS: Final = (
    "pictured", "above", "below", "left", "right", "centre", "center", "top", "bottom",
    "file", "file photo", "inset", "main", "main picture", "main image", "top left",
    "top right", "bottom left", "bottom right", "clockwise from top left", "on photo",
    "на фото", "im bild", "auf dem bild", "en photo", "en la foto", "na foto", "nella foto",
)  # fmt: skip
"""Words that say where the pictured thing is: "(pictured)", "(above)", "(file)"."""

LEAD_LABELS: Final = (
    "pictured", "photo", "photos", "image", "images", "picture", "pictures", "above", "below",
    "left", "right", "top", "file", "file photo", "caption", "image caption", "photo caption",
    "watch", "video", "gallery", "in pictures", "slideshow", "see more", "read more",
    "more", "related", "also read", "read also", "see also", "share all sharing options for",
    "foto", "bild", "фото", "на фото", "写真", "图", "圖", "사진", "ภาพ",
)  # fmt: skip
"""Labels that can stand before a caption ("Pictured: ", "FILE - ", "Image caption ")."""

RESIDUE: Final = (
    "image", "thumbnail", "featured image", "photo", "gallery", "enlarge", "expand",
    "more less", "more", "less", "read more", "continue reading", "opens in new window",
    "open in new window", "view gallery", "view image", "view larger", "click to enlarge",
)  # fmt: skip
"""Page furniture printed after a caption or teaser, after an ellipsis: "…more … less"."""

RESIDUE_WORDS: Final = (
    "image", "thumbnail", "featured image", "continue reading", "read more",
    "opens in new window", "open in new window", "view gallery", "click to enlarge",
    "cover image", "book cover", "icon", "logo",
)  # fmt: skip
"""Page furniture that also stands after a caption without an ellipsis: "... image"."""

SHARE_TARGETS: Final = (
    "mail", "email", "e-mail", "twitter", "x", "facebook", "fb-messenger", "messenger",
    "whatsapp", "linkedin", "pinterest", "reddit", "telegram", "flipboard", "bluesky",
)  # fmt: skip
"""Where a share button sends a headline: "Share on twitter: ...", "Share with mail: ..."."""

COVER_LEADS: Final = (
    "cover image of", "cover image for", "cover of", "cover for", "book cover of",
    "cover art for", "cover art of", "cover photo of", "front cover of",
)  # fmt: skip
"""What stands before a book's title in its cover image's alt text: "Cover image of The
Harbour Keeper by Jane Roe"."""

IMAGE_LEADS: Final = (
    "avatar for", "avatar of", "gravatar for", "image of", "image for", "photo of",
    "picture of", "portrait of", "headshot of", "logo of", "logo for", "icon of", "icon for",
    "thumbnail of", "thumbnail for", "profile picture of", "profile photo of",
    "foto de", "foto von", "bild von", "photo de", "image de", "logo de",
)  # fmt: skip
"""What starts an image's alt text: "Avatar for Jane Roe", "Photo of the harbour wall"."""

IMAGE_NAMES: Final = (
    "image", "logo", "icon", "avatar", "thumbnail", "headshot", "book cover",
    "profile picture", "profile photo",
)  # fmt: skip
"""What ends an image's alt text: "Acme Registration Forms logo", "... Convertible image"
(and so "... featured image", "... cover image")."""


def _alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any blank run."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in ordered)


_AGENCY: Final = (
    "(?-i:" + _alternation(AGENCIES + tuple(a.upper() for a in AGENCIES if a.isascii())) + ")"
)  # case-sensitive: "AP" and "PA" are agencies, "ap" and "pa" are not
_CREDIT: Final = _alternation(CREDIT_WORDS)
_PLACE: Final = _alternation(PLACE_WORDS)
_LEAD: Final = _alternation(LEAD_LABELS)
_RESIDUE: Final = _alternation(RESIDUE)
_RESIDUE_WORDS: Final = _alternation(RESIDUE_WORDS)

# A person's name in a credit: one to four capitalized words ("Jane Roe", "Anna
# Moneymaker", "Jean-Luc de la Roe"), matched case-sensitively.
_NAME_WORD: Final = (
    r"(?-i:(?<![\p{L}\p{M}])\p{Lu}(?:\.|[\p{Lu}\p{M}'\-]+(?![\p{L}\p{M}])"
    r"|[\p{Ll}\p{M}'\-]*(?:\p{Lu}[\p{Ll}\p{M}'\-]+)?(?![\p{L}\p{M}])))"
)
_NAME: Final = (
    rf"{_NAME_WORD}(?:\s+(?:(?-i:de|da|del|la|le|van|von|der|den|bin|al|el|di)\s+)?"
    rf"{_NAME_WORD}){{0,3}}"
)
_SPACELESS: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}"
# Where a credit is set apart: the start of the line, a sentence end or closing bracket or
# quote before it (glued credits too: "...on Sunday.Jane Roe/Getty Images"), or a separator.
_APART: Final = (
    rf"(?:^|(?<=[.!?;)\]\"'\u3002\uff01\uff1f])\s*|\s*[|/=]\s*|\s+-\s+|(?<=[{_SPACELESS}]))"
)
# What follows a credit word: names, agencies and the little words between them ("Jane Roe
# for The Washington Post", "AFP via Getty Images"), or a short run of a spaceless script.
_CREDIT_TAIL: Final = (
    rf"(?:(?:{_NAME_WORD}|{_AGENCY}|(?:via|for|by|and|of|the|from|at|de|courtesy|file|files"
    rf"|handout|staff|archive|archives|photographer"
    rf"|(?<![{_SPACELESS}])[{_SPACELESS}]+(?![{_SPACELESS}])))[\s/,&;:\-]*+){{1,8}}"
)
_SEPARATOR: Final = r"(?:\s*(?::|\.{2,}|\u2026|/|\||=|\s-)\s*|\s+by\s+|\s+courtesy(?:\s+of)?\s+)"

# Each pattern is tried right to left ((?r)), so the end anchor fails fast on lines
# without a credit.
_TRAILING_PARTS: Final = (
    # a bracketed credit or place: "(AP Photo/John Roe, File)", "[File: Reuters]", "(共同)"
    (
        rf"\s*[(\[](?=[^()\[\]]{{0,80}}?(?:(?<![\p{{L}}])(?:{_CREDIT}|{_AGENCY}|{_PLACE})"
        rf"(?![\p{{L}}])|(?<=[{_SPACELESS}])(?:{_CREDIT}|{_AGENCY})(?=[^\p{{L}}]|[{_SPACELESS}])))"
        rf"[^()\[\]\n]{{1,80}}[)\]]$"
    ),
    # introduced by a credit word: "Photo: Reuters", "Photo by AFP", "Credit...John Doe/The
    # New York Times", "Image source, Getty Images", "Crédits photo : Jane Roe", "图/新华社"
    (
        rf"(?:{_APART}|(?<=\s))(?<!(?:{_AGENCY})\s+)(?:(?:{_CREDIT}){_SEPARATOR}|(?:image\s+)?source\s*,\s*)"
        rf"{_CREDIT_TAIL}$"
    ),
    # an agency after a name and a separator: "Jane Roe/Getty Images", "Jane Roe - Getty
    # Images"; "AP Photo/John Roe", "REUTERS/Jane Doe"
    (
        rf"(?:^|(?<=[\s.!?;:,)\]\"'\u3002]))(?:{_NAME}\s*[/|\-]\s*(?:{_AGENCY})"
        rf"|(?:{_AGENCY})(?:\s+photos?)?\s*/\s*{_NAME}(?:\s*,\s*file)?)$"
    ),
    # an agency on its own, set apart: "... on Sunday. Reuters", "AFP Photo", "=共同"
    (rf"{_APART}(?:{_AGENCY})(?:\s+(?:photos?|images?|pictures?|files?))?$"),
    # a copyright line: "© Jane Roe", "(c) Reuters 2024"
    (
        rf"(?:\s*[|/\-(\[])?\s*(?:\u00a9|\(c\))\s*(?:\d{{4}}\s+)?{_CREDIT_TAIL}"
        rf"(?:\d{{4}})?[)\]]?$"
    ),
    # page furniture: "... image", "... thumbnail", "…more … less", "... More »"
    (
        rf"(?:\s*(?:\.{{3}}|\u2026)\s*(?:{_RESIDUE})(?:\s*(?:\.{{3}}|\u2026)\s*(?:{_RESIDUE}))?"
        rf"|(?<=[\p{{L}}\p{{N}}.!?\"')\]])\s+(?:{_RESIDUE_WORDS}))"
        rf"(?:\s*[\u00bb\u203a>\u2192])?$"
    ),
)
# One pattern, tried right to left ((?r)) so the end anchor fails fast on lines without a
# frame; at the end of the line the alternatives are tried in the order above.
_TRAILING: Final = regex.compile(
    "(?r)" + "|".join(f"(?:{part})" for part in _TRAILING_PARTS), regex.IGNORECASE
)
_LEADING: Final = (
    # "Pictured: ", "FILE - ", "Image caption ", "Read more: ", "Share All sharing options
    # for: "
    regex.compile(rf"^\s*(?:{_LEAD})(?:\s*[:|]\s*|\s+-\s+)(?=\S)", regex.IGNORECASE),
    regex.compile(r"^\s*(?:image|photo|picture)?\s*caption\s+(?=(?-i:\p{Lu}))", regex.IGNORECASE),
    # "© John Roe ", "(c) Jane Doe / "
    regex.compile(
        rf"^\s*(?:\u00a9|\(c\))\s*{_NAME_WORD}(?:\s+{_NAME_WORD})?\s*(?:[/|:]\s*|\s-\s*)?(?=\S)"
    ),
    # "John Roe, File - "
    regex.compile(rf"^\s*{_NAME}\s*,\s*file\s*(?::|\s-)\s*(?=\S)", regex.IGNORECASE),
    # "Share on twitter: ", "Share with mail: "
    regex.compile(
        rf"^\s*share\s+(?:on|with|via|to)\s+(?:{_alternation(SHARE_TARGETS)})\s*:\s*(?=\S)",
        regex.IGNORECASE,
    ),
    # "Cover image of ", "Book cover of "
    regex.compile(rf"^\s*(?:{_alternation(COVER_LEADS)})\s+(?=\S)", regex.IGNORECASE),
)

# "(pictured)", "(left, file)" anywhere in the line
_INNER_PLACE: Final = regex.compile(
    rf"\(\s*(?:{_PLACE})(?:\s*[,;/]\s*(?:{_PLACE}))*\s*\)", regex.IGNORECASE
)

_TAIL: Final = 90
"""A trailing frame is looked for in the last this many characters of a line."""
_TRIGGER_END: Final = frozenset(")]\u00bb\u203a>\u2192")
_TAIL_CHARS: Final = frozenset("/=|\u2026\u00a9")
_TAIL_MARKS: Final = ("...", "(c)", "(C)")


def _trailing_words() -> frozenset[str]:
    words: set[str] = set()
    for phrase in (*AGENCIES, *CREDIT_WORDS, *RESIDUE, *RESIDUE_WORDS, *PLACE_WORDS):
        words.add(phrase.split()[-1].casefold())
    return frozenset(words)


def _leading_words() -> frozenset[str]:
    firsts = (*LEAD_LABELS, *COVER_LEADS, "share")
    return frozenset(phrase.split()[0].casefold() for phrase in firsts)


_IMAGE_LEADS: Final = tuple(f"{lead} " for lead in (*IMAGE_LEADS, *COVER_LEADS))
_IMAGE_NAMES: Final = tuple(f" {name}" for name in IMAGE_NAMES)


def is_image_label(line: str) -> bool:
    """Whether ``line`` (one line, single spaces) names an image: an alt text such as
    "Avatar for Jane Roe" or "Acme Forms logo", which says nothing new when printed again.

    >>> is_image_label("Avatar for Jane Roe"), is_image_label("Harbour Forms Logo")
    (True, True)
    >>> is_image_label("Logo"), is_image_label("Photo of the day is in")
    (False, True)
    """
    folded = line.casefold()
    return folded.startswith(_IMAGE_LEADS) or folded.endswith(_IMAGE_NAMES)


_LAST_WORDS: Final = _trailing_words()
_CREDIT_LAST_WORDS: Final = frozenset(w.split()[-1].casefold() for w in CREDIT_WORDS)
_FIRST_WORDS: Final = _leading_words()
_WORD_EDGE: Final = ".,;:!?\"'()[]|/-=\u2026\u00bb\u203a>\u2192"


def strip_frame(line: str) -> str:
    """``line`` without the credits, labels and page furniture around its words.

    The line must be one line with single spaces (as the normalize stage makes it).

    >>> strip_frame("Crowds fill the square on Sunday.Jane Roe-Getty Images")
    'Crowds fill the square on Sunday.'
    >>> strip_frame("(AP Photo/John Roe, File)")
    ''
    >>> strip_frame("Pictured: Crowds fill the square")
    'Crowds fill the square'
    >>> strip_frame("The agency said so, according to Reuters")
    'The agency said so, according to Reuters'
    """
    if not line:
        return line
    if "(" in line:
        line = " ".join(_INNER_PLACE.sub("", line).split())
    for _ in range(3):  # a credit and page furniture may both be there
        if not line or not _may_end_in_frame(line):
            break
        stripped = _TRAILING.sub("", line, count=1)
        if stripped == line:
            break
        line = stripped
    if line and _may_start_with_frame(line):
        for pattern in _LEADING:
            line = pattern.sub("", line, count=1)
    return line.strip()


def _may_end_in_frame(line: str) -> bool:
    """A cheap test that lets most lines skip the trailing patterns."""
    if line[-1] in _TRIGGER_END:
        return True
    tail = line[-_TAIL:]
    if not _TAIL_CHARS.isdisjoint(tail) or (
        ("." in tail or "(" in tail) and any(mark in tail for mark in _TAIL_MARKS)
    ):
        return True
    for separator in (":", " by "):
        at = tail.rfind(separator)
        if at > 0:
            before = tail[:at].rsplit(None, 1)[-1:] or [""]
            if before[0].strip(_WORD_EDGE).casefold() in _CREDIT_LAST_WORDS:
                return True
    last = tail.rsplit(None, 1)[-1].strip(_WORD_EDGE).casefold()
    return last in _LAST_WORDS or not last.isascii()


def _may_start_with_frame(line: str) -> bool:
    head = line[:40].split(None, 1)
    if not head:
        return False
    first = head[0].strip(_WORD_EDGE).casefold()
    return first in _FIRST_WORDS or line[0] in "\u00a9(" or ", file" in line[:60].casefold()


_ASCII_SIGNS: Final = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not c.isalnum() and c != " "}
)


def framed_lines(text: str, spaced: str, starts: list[int], keys: list[str]) -> list[int]:
    """The lines of ASCII ``text`` that :func:`strip_frame` might change: the whole-text
    form of its per-line tests (:func:`_may_end_in_frame`, :func:`_may_start_with_frame`
    and the test for a bracket), for the normalize stage. ``spaced`` is the text in lower
    case with every ASCII sign but the line break a space, ``starts`` where its lines
    start (and where one more would) and ``keys`` its lines squeezed.

    A superset of the lines the per-line tests let through (a bracket, a separator or an
    ellipsis; a colon or " by "; a first or last word of a credit or label), found with a
    few passes over the whole text instead of a test per line. The last (first) word test
    there reads the last 90 (first 40) characters of a line; a word cut there is only
    found when 16 or more signs stand in a row, which such lines are taken for as well.
    Change one form with the other.
    """
    found: set[int] = set()
    lasts = list(map(_third, map(str.rpartition, keys, repeat(" "))))
    if not _LAST_SEGMENTS.isdisjoint(lasts):
        found.update(k for k, word in enumerate(lasts) if word in _LAST_SEGMENTS)
    firsts = list(map(_first, map(str.partition, keys, repeat(" "))))
    if not _FIRST_SEGMENTS.isdisjoint(firsts):
        found.update(k for k, word in enumerate(firsts) if word in _FIRST_SEGMENTS)
    marks = text.encode("ascii").translate(None, _NOT_MARKS)  # the marks and line breaks
    if marks.strip(b"\n"):
        found.update(k for k, line in enumerate(marks.split(b"\n")) if line)
    needles = [(s, n) for s, n in ((text, "..."), (spaced, "file"), (spaced, _SIGN_RUN)) if n in s]
    needles += [(s, n) for s, n in ((text, ":"), (spaced, " by ")) if n in s]
    if needles:
        for source, needle in needles:
            at = source.find(needle)
            while at >= 0:
                k = bisect_right(starts, at) - 1
                if needle in _SEPARATORS and not _after_credit(spaced, max(starts[k], at - 48), at):
                    at = source.find(needle, at + 1)
                    continue
                found.add(k)
                at = source.find(needle, starts[k + 1])
    return sorted(found)


def _after_credit(spaced: str, start: int, at: int) -> bool:
    """Whether the word before ``at`` may end a credit word ("Photo: ", "Picture by ").

    A credit word cut by the start of the 90 characters looked at still ends the word
    before, hence the test of the ending; a word further back than 16 spaces is caught by
    the test for runs of signs.
    """
    return spaced[start:at].rstrip(" ").rpartition(" ")[2].endswith(_CREDIT_ENDS)


_third: Final = itemgetter(2)
_first: Final = itemgetter(0)
_NOT_MARKS: Final = bytes(c for c in range(256) if c not in b"()]>/=|\n")
_SEPARATORS: Final = (":", " by ")
_CREDIT_ENDS: Final = tuple(
    sorted(
        {
            w.translate(_ASCII_SIGNS).split()[-1]
            for w in _CREDIT_LAST_WORDS
            if w.isascii() and w.translate(_ASCII_SIGNS).split()
        }
    )
)
_SIGN_RUN: Final = " " * 16
_FIRST_SEGMENTS: Final = frozenset(w for w in _FIRST_WORDS if w.isascii())
_LAST_SEGMENTS: Final = frozenset(
    w.translate(_ASCII_SIGNS).split()[-1]
    for w in _LAST_WORDS
    if w.isascii() and w.translate(_ASCII_SIGNS).split()
)
