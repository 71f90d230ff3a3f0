"""Stage 2: normalize."""

from __future__ import annotations

import unicodedata

import pytest

from dedup import normalize_text
from dedup._clean import credits
from dedup._clean.normalize import normalize
from dedup._clean.segment import segment
from dedup._clean.types import Kind


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("He said: & # 39;We will win& # 39;", "he said we will win"),
        ("He said: &#39;We will win&#39;", "he said we will win"),
        ("Fish &amp; chips", "fish chips"),
        ("\u201cQuoted\u201d \u2018words\u2019", "quoted words"),
        ("\uff26\uff55\uff4c\uff4c width", "full width"),
        ("  \u2022  A bullet point", "a bullet point"),
        ("- A dash bullet", "a dash bullet"),
        ("A crowd in the square (pictured)", "a crowd in the square"),
        ("A crowd in the square. Photo: Jane Roe/Valley Press", "a crowd in the square"),
        ("A crowd in the square | Credit: Getty Images", "a crowd in the square"),
        ("A crowd in the square \u00a9 Harbour Press 2024", "a crowd in the square"),
        ("Mr Smith (left) and Ms Jones (right) arrive", "mr smith and ms jones arrive"),
        ("STRASSE Stra\u00dfe", "strasse strasse"),
        ("tab\tand\u00a0nbsp", "tab and nbsp"),
        ("", ""),
    ],
)
def test_keys(raw: str, key: str) -> None:
    assert normalize_text(raw) == key


def test_credit_words_inside_a_sentence_stay() -> None:
    assert normalize_text("The photo shows a crowd") == "the photo shows a crowd"


def test_an_entity_that_decodes_to_a_line_break_keeps_units_apart() -> None:
    keys = normalize(segment("First &#10; line here\nSecond line here"))
    assert keys.texts == ("first line here", "second line here")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("- a list item", Kind.BULLET),
        ("3. a numbered item", Kind.BULLET),
        ("| a | table | row |", Kind.TABLE),
        ("fn main() {", Kind.CODE),
        ('region = "us-east-1"', Kind.CODE),
        ("What did you eat today?", Kind.QUESTION),
        ("Key features:", Kind.LABEL),
        ("Award: Varies", Kind.FIELD),
        ("Price: 12 dollars for 3 months", Kind.FIELD),
        ("Mix 2 cups flour, 3 eggs and 1 cup milk", Kind.DATA),
        ("Pros and cons", Kind.HEADING),
        ("He said: 'We will rebuild every bridge by spring.'", Kind.TEXT),
        ("Protesters march through the capital after the election", Kind.TEXT),
    ],
)
def test_kinds(line: str, kind: Kind) -> None:
    assert normalize(segment(line)).info(0).kind is kind


def test_numbers_and_names() -> None:
    info = normalize(segment("On 21.02.2024 Anna Berg met Tom in Oslo.")).info(0)
    assert info.numbers == ("21", "02", "2024")
    assert info.names == frozenset({"anna", "berg", "tom", "oslo"})


def test_a_clause_before_a_full_width_colon_is_no_label() -> None:
    """After NFKC a Japanese sentence's full-width colon is a plain colon; what stands
    before it is a clause, not a ``Label:``."""
    sentence = "記者会見で首相は次のように述べた\uff1a経済対策を急ぐ"
    keys = normalize(segment(f"{sentence}\nTermin: 21.02.2024"))
    assert keys.info(0).label == ""
    assert keys.info(1).label == "termin"


def _nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


_CAPTION = "Crowds fill the square on Sunday"
_LIST_CASES = [
    *((f"agency {w}", f"{_CAPTION}. {w}", f"{_CAPTION}.") for w in credits.AGENCIES),
    *((f"credit {w}", f"{_CAPTION} ({w}: Jane Roe)", _CAPTION) for w in credits.CREDIT_WORDS),
    *(
        (f"place {w}", f"Jane Roe ({w}) at the harbour", "Jane Roe at the harbour")
        for w in credits.PLACE_WORDS
    ),
    *((f"lead {w}", f"{w}: {_CAPTION}", _CAPTION) for w in credits.LEAD_LABELS),
    *((f"residue {w}", f"{_CAPTION}... {w}", _CAPTION) for w in credits.RESIDUE),
    *((f"residue word {w}", f"{_CAPTION} {w}", _CAPTION) for w in credits.RESIDUE_WORDS),
    *(
        (
            f"cover {w}",
            f"{w.capitalize()} The Harbour Keeper by Jane Roe",
            "The Harbour Keeper by Jane Roe",
        )
        for w in credits.COVER_LEADS
    ),
]


@pytest.mark.parametrize(
    ("line", "expected"), [c[1:] for c in _LIST_CASES], ids=[c[0] for c in _LIST_CASES]
)
def test_every_word_list_entry_is_found(line: str, expected: str) -> None:
    """Each entry of the credit grammar's word lists takes its frame off a caption."""
    assert credits.strip_frame(_nfkc(line)) == _nfkc(expected)


@pytest.mark.parametrize(
    "line",
    [
        *(f"{w.capitalize()} Jane Roe" for w in (*credits.IMAGE_LEADS, *credits.COVER_LEADS)),
        *(f"Harbour Forms {w.title()}" for w in credits.IMAGE_NAMES),
    ],
)
def test_every_image_word_makes_an_image_label(line: str) -> None:
    assert credits.is_image_label(line)


@pytest.mark.parametrize(
    "line", ["Jane Roe", "Images of war, in the town museum", "An icon reborn at the harbour"]
)
def test_lines_that_do_not_name_an_image(line: str) -> None:
    assert not credits.is_image_label(line)


def test_whole_text_frame_test_lets_through_every_line_the_per_line_tests_do() -> None:
    """credits.framed_lines is the whole-text form of strip_frame's per-line tests: every
    line they let through must be among its lines (else a credit would stay on)."""
    import random

    from dedup._clean.credits import _may_end_in_frame, _may_start_with_frame
    from dedup._clean.normalize import _ascii_keys

    pieces = [
        "Crowds fill the square", "on Sunday.", "Photo:", "Photo by", "Jane Roe", "/",
        "Getty Images", "(pictured)", "...", "more", "Reuters", "Pictured:", "FILE -", "|",
        "Credit", "image", "(c)", "said", "by", "the", "file", "Image caption", ",", "-",
        ":", "Q:", "x" * 30, "Continue reading", ">", "=", "AP", "Sipa USA", "  ",
    ]  # fmt: skip
    rng = random.Random(5)
    for _ in range(3000):
        lines = [
            " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 16)))
            for _ in range(rng.randrange(1, 6))
        ]
        _, frames = _ascii_keys("\n".join(lines))
        for k, line in enumerate(lines):
            single = " ".join(line.split())
            if single and (
                "(" in single or _may_end_in_frame(single) or _may_start_with_frame(single)
            ):
                assert k in frames, line
