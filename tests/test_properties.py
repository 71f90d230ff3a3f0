"""Properties of clean() and explain() over generated text (hypothesis)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

import dedup

_SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "nex", "bra", "ju", "qo"]
WORDS = ["".join(p) for p in itertools.product(_SYLLABLES, repeat=3)]  # 2197 invented words

words = st.sampled_from(WORDS)
sentence = st.lists(words, min_size=8, max_size=16).map(lambda w: " ".join(w).capitalize() + ".")
paragraphs = st.lists(sentence, min_size=1, max_size=12, unique=True)
separators = st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\r"])


def _noisy_copy(line: str, how: int) -> str:
    """A copy of ``line`` as scraping leaves it: other case, credit, quotes, spacing."""
    body = line.rstrip(".")
    return [
        line.upper(),
        body + " (pictured)",
        body + ". Photo: Staff",
        "\u201c" + body + "\u201d",
        body.replace(" ", "  ", 2),
        "  \u2022 " + line,
        body,
    ][how]


@st.composite
def articles(draw: st.DrawFn) -> str:
    """Paragraphs with some adjacent and some gallery copies, joined by one separator."""
    units = draw(paragraphs)
    out: list[str] = []
    for unit in units:
        out.append(unit)
        if draw(st.booleans()):
            out.append(_noisy_copy(unit, draw(st.integers(0, 6))))
    if len(units) >= 3 and draw(st.booleans()):
        out.extend(units[:3])
    return draw(separators).join(out)


def _nonblank_lines(text: str) -> list[str]:
    return [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line]


@given(articles())
def test_idempotent(text: str) -> None:
    once = dedup.clean(text)
    assert dedup.clean(once) == once


@given(articles())
def test_output_is_an_ordered_subset_of_input_lines(text: str) -> None:
    out = iter(_nonblank_lines(text))
    for line in _nonblank_lines(dedup.clean(text)):
        assert any(line == candidate for candidate in out), line


@given(articles())
def test_explain_matches_clean_and_replays(text: str) -> None:
    report = dedup.explain(text)
    assert report.text == dedup.clean(text)
    assert dedup.apply_removals(text, report.removals) == report.text
    previous_end = 0
    for removal in report.removals:
        start, end = removal.deleted_span
        assert previous_end <= start < end <= len(text)
        assert start <= removal.span[0] < removal.span[1] <= end
        assert text[removal.span[0] : removal.span[1]] == removal.text
        assert text[removal.kept_span[0] : removal.kept_span[1]] == removal.kept_text
        assert 0.0 <= removal.similarity <= 1.0
        previous_end = end


@given(paragraphs, separators)
def test_dissimilar_units_come_back_unchanged(units: list[str], sep: str) -> None:
    text = sep.join(units)
    assert dedup.clean(text) == text


@given(paragraphs, separators, st.data())
def test_inserting_a_noisy_copy_after_a_unit_is_undone(
    units: list[str], sep: str, data: st.DataObject
) -> None:
    where = data.draw(st.integers(0, len(units) - 1))
    copy = _noisy_copy(units[where], data.draw(st.integers(0, 6)))
    noisy = [*units[: where + 1], copy, *units[where + 1 :]]
    assert dedup.clean(sep.join(noisy)) == sep.join(units)


def test_same_output_across_hash_seeds() -> None:
    text = "\n".join(
        [
            "Storm clouds gather over the bay before the evening rush hour",
            "Storm clouds gathering over the bay before the evening rush hour",
            "The first gusts arrived shortly after six in the evening.",
        ]
        + [f"{w} {w} kalomi renvel {i} dorpi nexbra tusa." for i, w in enumerate(WORDS[:50])]
    )
    program = (
        "import json, sys, dedup; "
        "print(json.dumps(dedup.explain(sys.stdin.read(), scope='document').to_dict()))"
    )
    outputs = set()
    for seed in ("0", "1", "4242", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", program],
            input=text,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["removals"]
