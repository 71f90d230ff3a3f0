"""The hand-labelled real pages (``benchmarks/labels/``) and their evaluation.

The format checks run everywhere; the checks against the pages themselves read the shared
corpora and skip when they are absent.
"""

from __future__ import annotations

import doctest
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` run without `python -m`: benchmarks/ is not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import labelled, labeltool  # noqa: E402
from benchmarks.corpora import find_data, load_pages  # noqa: E402
from benchmarks.methods import Method, get_method  # noqa: E402

ROW_KEYS = {"corpus", "page_id", "extractor", "extractor_version", "lines", "labels"}
LABEL_KEYS = {"line", "hash", "label", "of", "class", "position"}


def _rows() -> list[dict[str, object]]:
    text = labelled.LABELS_FILE.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("module", [labelled, labeltool])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0


def test_labels_file_format() -> None:
    rows = _rows()
    assert len(rows) >= 60
    assert {r["corpus"] for r in rows} == {"aeb", "wcxb"}
    assert len({(r["corpus"], r["page_id"]) for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == ROW_KEYS
        assert row["extractor"] == "captions"
        labels = row["labels"]
        assert isinstance(labels, list)
        seen = set()
        for lab in labels:
            assert set(lab) <= LABEL_KEYS, "labels hold ids, numbers and hashes only"
            assert 0 <= lab["line"] < row["lines"]
            assert lab["line"] not in seen
            seen.add(lab["line"])
            assert re.fullmatch(r"[0-9a-f]{10}", lab["hash"])
            assert lab["label"] in labelled.LABELS
            if lab["label"] == "dup":
                assert 0 <= lab["of"] < lab["line"]
                assert lab["class"] in labelled.CLASSES
                assert lab["position"] in labelled.POSITIONS
            else:
                assert {"of", "class", "position"}.isdisjoint(lab)
    pages = labelled.load_labels()
    assert len(pages) == len(rows)
    assert sum(lab.label == "dup" for p in pages for lab in p.labels) >= 500


def test_malformed_labels_are_refused(tmp_path: Path) -> None:
    row = {
        "corpus": "aeb",
        "page_id": "x",
        "extractor": "captions",
        "extractor_version": "captions-1",
        "lines": 5,
        "labels": [{"line": 2, "hash": "0" * 10, "label": "dup", "of": 3, "class": "exact"}],
    }
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(labelled.LabelError, match="not earlier"):
        labelled.load_labels(path)
    row["labels"] = [{"line": 2, "hash": "0" * 10, "label": "copy"}]
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(labelled.LabelError, match="unknown label"):
        labelled.load_labels(path)


def test_information_loss_needs_one_kept_line_with_every_word() -> None:
    lines = ["Crowds at the rally in Minsk", "Police at the rally", "crowds at the RALLY, in minsk"]
    assert labelled.lost_information(lines, [True, True, False]) == []
    assert labelled.lost_information(lines, [False, True, True]) == []
    assert labelled.lost_information(lines, [False, True, False]) == [0, 2]
    # every word is kept somewhere, but not in one line
    spread = ["Police at the rally in Minsk", "rally in Minsk", "Police at the"]
    assert labelled.lost_information(spread, [False, True, True]) == [0]


def test_sentence_copies_counts_only_kept_sentence_like_repeats() -> None:
    sentence = "The council voted on Monday to close the old bridge for repairs."
    lines = ["Intro", sentence, "Photo: AP", sentence, "Short line.", "Short line."]
    keep_all = Method("keep-all", lambda ls: [True] * len(ls))
    page = ("p", lines, "Intro\nSomething else.")
    assert labelled.sentence_copies(keep_all, [page]) == (1, 1, [("p", 3)])
    assert labelled.sentence_copies(get_method("exact-line"), [page])[:2] == (0, 0)
    # a repeat that the reference prints too is no missed copy
    meant = ("p", lines, f"{sentence}\nIn between.\n{sentence}")
    assert labelled.sentence_copies(keep_all, [meant])[:2] == (0, 0)


def test_credit_words_are_not_information() -> None:
    lines = [
        "Rain floods the old town square",
        "Rain floods the old town square (Photo: Jane Roe/AP)",
    ]
    assert labelled.lost_information(lines, [True, False]) == []
    assert labelled.lost_information(
        ["Rain floods the square", "Rain floods the old town"], [True, False]
    ) == [1]


DATA = find_data()
needs_data = pytest.mark.skipif(
    DATA is None, reason="shared corpora not found (set DEDUP_BENCH_DATA or ../shared/data)"
)


@needs_data
def test_hashes_match_the_extracted_lines(tmp_path: Path) -> None:
    assert DATA is not None
    pages = labelled.load_labels()
    some = pages[:3] + pages[-3:]
    lines = labelled.check_hashes(some, DATA)
    assert len(lines) == len(some)
    # a stale hash is reported, not silently used
    first = some[0]
    bad = labelled.LabelledPage(
        first.corpus,
        first.page_id,
        first.extractor,
        first.extractor_version,
        first.lines,
        (labelled.Label(first.labels[0].line, "0000000000", "keep"),),
    )
    with pytest.raises(labelled.LabelError, match="hash mismatch"):
        labelled.check_hashes([bad], DATA)


@needs_data
def test_exact_line_removes_every_exact_dup_and_nothing_is_exact_that_differs() -> None:
    assert DATA is not None
    pages = labelled.check_hashes(labelled.load_labels(), DATA)
    for lp in labelled.load_labels():
        lines = pages[(lp.corpus, lp.page_id)]
        for lab in lp.labels:
            if lab.label == "dup" and lab.cls == "exact":
                assert lines[lab.line].strip() == lines[lab.of].strip(), (lp.short_id, lab.line)
    score = labelled.evaluate(get_method("exact-line"), DATA, pages=pages)
    exact = score.by_class["exact"]
    assert exact > 0
    assert score.by_class_removed["exact"] == exact  # every exact dup removed...
    assert score.correct >= exact  # ...and each counted as a correct removal
    assert score.lost_lines == 0  # an exact copy never loses a word
    assert all(score.by_class_removed[c] == 0 for c in labelled.CLASSES if c != "exact")


@needs_data
def test_labels_command_prints_the_class_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.__main__ import main

    args = ["labels", "--data", str(DATA), "--out", str(tmp_path), "--no-copies"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "By class" in text
    assert "By position" in text
    assert re.search(r"^exact\s+[\d,]+\s", text, re.MULTILINE)
    assert "clean" in text
    assert "rapidfuzz-seq" in text
    assert "| exact |" in (tmp_path / "labels.md").read_text(encoding="utf-8")


@needs_data
def test_no_dup_is_a_paragraph_the_reference_prints_twice() -> None:
    """A line the author printed twice (twice in the human reference) is not a copy."""
    assert DATA is not None
    from collections import Counter

    corpus = {(p.corpus, p.page_id): p for p in load_pages(DATA)}
    labels = labelled.load_labels()
    pages = labelled.check_hashes(labels, DATA)

    def key(text: str) -> str:
        return " ".join(labelled.words(text))

    for lp in labels:
        reference = corpus[(lp.corpus, lp.page_id)].reference
        paragraphs = Counter(key(p) for p in reference.splitlines() if p.strip())
        lines = pages[(lp.corpus, lp.page_id)]
        for lab in lp.labels:
            if lab.label == "dup":
                assert paragraphs[key(lines[lab.line])] < 2, (lp.short_id, lab.line)
