"""Smoke and unit tests of the benchmark package (``python -m benchmarks``).

The real-page accuracy test reads the shared corpora and skips when they are absent;
everything else runs on text generated here.
"""

from __future__ import annotations

import doctest
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import dedup

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` run without `python -m`: benchmarks/ is not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import (  # noqa: E402
    _table,
    accuracy,
    corpus,
    extractors,
    methods,
    metric,
    speed,
    synthetic,
)
from benchmarks.__main__ import main  # noqa: E402
from benchmarks.corpora import find_data  # noqa: E402


@pytest.mark.parametrize(
    "module", [_table, accuracy, corpus, extractors, methods, metric, speed, synthetic]
)
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0


# --- the metric, on hand-made pages -------------------------------------------------------


def test_norm_unifies_case_punctuation_and_width() -> None:
    assert metric.norm("\uff21 Caption\u2014here!") == metric.norm("a caption here")


def test_removing_the_only_copy_of_reference_text_is_wrong() -> None:
    ref = "The council met on Monday.\nThe vote was close."
    s = metric.score_page(ref, ["The vote was close."], ["The council met on Monday."])
    assert [w[0] for w in s.wrong] == ["The vote was close."]


def test_removing_a_copy_when_one_survives_is_not_wrong() -> None:
    ref = "The council met on Monday.\nThe vote was close."
    out = ["The council met on Monday.", "The vote was close."]
    assert metric.score_page(ref, ["The vote was close."], out).wrong == []


def test_removing_text_the_reference_lacks_is_not_wrong() -> None:
    s = metric.score_page("Body only.", ["A dog on a beach."], ["Body only."])
    assert s.wrong == []
    assert s.removed == 1


def test_reference_repeating_a_line_makes_its_second_removal_wrong() -> None:
    ref = "Chorus line here.\nVerse.\nChorus line here."
    s = metric.score_page(ref, ["Chorus line here."], ["Chorus line here.", "Verse."])
    assert s.wrong == [("Chorus line here.", 2, 1)]


def test_missed_copies_count_surplus_and_gap() -> None:
    ref = "Intro.\nQuote.\nQuote."
    out = ["Intro.", "Caption.", "Caption.", "Caption.", "Quote.", "x", "Quote."]
    s = metric.score_page(ref, [], out)
    assert s.missed == [("Caption.", 3, 0, 1)]  # Quote. twice is what the reference has
    assert s.missed_copies == 2


def test_counting_is_whole_word_and_within_paragraphs() -> None:
    assert metric.count_in("car", ["a carpet", "car"]) == 1
    assert metric.count_in("end start", ["the end", "start here"]) == 0


# --- the synthetic set ---------------------------------------------------------------------


def test_synthetic_set_is_deterministic_and_seeded() -> None:
    a, b = synthetic.generate(5, 3), synthetic.generate(5, 3)
    assert a == b
    assert synthetic.generate(6, 3) != a
    assert len(a) == 3 * len(synthetic.NOISE_KINDS)


def test_synthetic_set_is_the_same_in_another_process() -> None:
    code = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]);"
        "from benchmarks.synthetic import generate;"
        "print(hashlib.blake2b(repr(generate(5, 3)).encode()).hexdigest())"
    )
    here = hashlib.blake2b(repr(synthetic.generate(5, 3)).encode()).hexdigest()
    other = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == here


def test_synthetic_labels_cover_every_kind() -> None:
    docs = synthetic.generate(2, 4)
    labels = {lab for d in docs for lab in d.labels}
    assert set(synthetic.NOISE_KINDS) <= labels
    assert set(synthetic.HARD_NEGATIVES) <= labels
    for d in docs:
        assert len(d.lines) == len(d.labels)
        # a labelled copy always has its original earlier in the document
        assert any(d.is_noise(k) for k in range(len(d.lines)))


def test_score_method_counts_against_labels() -> None:
    docs = synthetic.generate(3, 2)
    keep_all = synthetic.score_method(lambda lines: [True] * len(lines), docs)[0]["all"]
    assert keep_all.tp == 0
    assert keep_all.fp == 0
    assert keep_all.recall == 0.0
    perfect = synthetic.score_method(lambda lines: _oracle(docs, lines), docs)[0]["all"]
    assert perfect.precision == 1.0
    assert perfect.recall == 1.0
    assert perfect.f1 == 1.0
    drop_all = synthetic.score_method(lambda lines: [False] * len(lines), docs)[0]["all"]
    assert drop_all.recall == 1.0
    assert drop_all.precision < 0.5


def _oracle(docs: list[synthetic.Doc], lines: object) -> list[bool]:
    doc = next(d for d in docs if d.lines == tuple(lines))  # type: ignore[arg-type]
    return [not doc.is_noise(k) for k in range(len(doc.lines))]


def test_clean_beats_exact_line_on_the_synthetic_set() -> None:
    docs = synthetic.generate(9, 6)
    clean_s, clean_hard = synthetic.score_method(methods.clean_keep, docs)
    exact_s, _ = synthetic.score_method(methods.exact_line_keep, docs)
    assert clean_s["all"].f1 > exact_s["all"].f1
    assert clean_hard["templated-numbers"][0] == 0


# --- methods ---------------------------------------------------------------------------------


LINES = [
    "Crowds wave flags at a rally in the city centre of Marsk",
    "Crowds waving flags at a rally in the city center of Marsk",
    "The council met late into the night to discuss the new bridge budget.",
    "Crowds wave flags at a rally in the city centre of Marsk",
]


def test_clean_keep_matches_clean() -> None:
    keep = methods.clean_keep(LINES)
    kept = [line for line, k in zip(LINES, keep, strict=True) if k]
    assert "\n".join(kept) == dedup.clean("\n".join(LINES)).rstrip("\n")


def test_removals_to_mask_covers_multi_line_spans() -> None:
    assert methods.removals_to_mask(["a", "b", "c", "d"], [(2, 5)]) == [True, False, False, True]


def test_rapidfuzz_seq_and_cdist_agree() -> None:
    docs = synthetic.generate(4, 2)
    for d in docs:
        assert methods.rapidfuzz_seq_keep(d.lines) == methods.rapidfuzz_cdist_keep(d.lines)


def test_baselines_on_a_hand_made_list() -> None:
    assert methods.exact_line_keep(LINES) == [True, True, True, False]
    assert methods.rapidfuzz_seq_keep(LINES) == [True, False, True, False]


def test_fuzzy_floor_drops_exact_normalized_and_near_copies_of_the_line_before() -> None:
    text = "\n".join(
        [
            "Boats wait in the harbour at dawn",
            "Boats wait in the harbour at dawn.",  # normalized copy
            "Boats waited in the harbour at dawn",  # near copy of the line kept before
            "The ferry leaves at noon",
            "Boats wait in the harbour at dawn",  # exact copy far off
            "Pros",
            "Cons",
        ]
    )
    assert speed.fuzzy_floor(text).splitlines() == [
        "Boats wait in the harbour at dawn",
        "The ferry leaves at noon",
        "Pros",
        "Cons",
    ]


def test_trafilatura_rule_needs_long_lines_seen_three_times() -> None:
    pytest.importorskip("trafilatura", reason="the trafilatura baseline needs trafilatura")
    long = "A long paragraph " * 8
    assert len(long.strip()) > 100
    assert methods.trafilatura_lru_keep([long] * 5) == [True, True, True, False, False]
    assert methods.trafilatura_lru_keep(["short line"] * 5) == [True] * 5


def test_get_method_names_the_choices() -> None:
    with pytest.raises(KeyError, match="exact-line"):
        methods.get_method("nope")


# --- extractors -----------------------------------------------------------------------------


def test_captions_extractor_prints_every_caption_copy() -> None:
    html = (
        "<html><body><nav><p>Menu</p></nav><article>"
        "<h1>Storm hits the coast</h1><p>The storm arrived at night.</p>"
        "<figure><a href='big.jpg' data-lightbox='g' title='Waves break over the pier'>"
        "<img src='a.jpg' alt='Waves break over the pier' title='Waves break over the pier'></a>"
        "<figcaption>Waves break over the pier</figcaption></figure>"
        "<div class='gallery-caption'>Boats in the harbour</div>"
        "<script>var x = 1;</script></article></body></html>"
    )
    lines = extractors.captions_extract(html).splitlines()
    assert lines.count("Waves break over the pier") == 4
    assert "Boats in the harbour" in lines
    assert "Menu" not in lines
    assert not any("var x" in line for line in lines)


def test_captions_extractor_survives_empty_input() -> None:
    assert extractors.captions_extract("") == ""


# --- commands -------------------------------------------------------------------------------


def test_synthetic_command_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "synthetic",
                "--quick",
                "--out",
                str(tmp_path),
                "--docs",
                "3",
                "--methods",
                "clean,exact-line",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "best clean() F1" in text
    md = (tmp_path / "synthetic.md").read_text()
    assert "| clean | all |" in md
    if _has("matplotlib"):
        assert (tmp_path / "synthetic-threshold.png").stat().st_size > 1000


def test_speed_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "speed",
                "--quick",
                "--out",
                str(tmp_path),
                "--max-units",
                "1000",
                "--methods",
                "clean,exact-line,rapidfuzz-cdist",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "scaling exponent" in text
    md = (tmp_path / "speed.md").read_text()
    for stage in speed.STAGES:
        assert f"| {stage} |" in md
    assert "| clean |" in md
    assert "| rapidfuzz-cdist |" in md
    assert "tracemalloc" in md


def test_fit_exponent_finds_quadratic() -> None:
    pts = [(n, 1e-6 * n * n) for n in (10, 100, 1000)]
    assert speed.fit_exponent(pts) == pytest.approx(2.0)


def test_article_size_is_realistic() -> None:
    texts = speed.articles(20)
    mean = sum(len(t.encode()) for t in texts) / len(texts)
    assert 2_500 < mean < 6_000
    assert all(25 <= t.count("\n") <= 45 for t in texts)
    assert speed.articles(3) == texts[:3]


def test_stage_times_cover_every_stage() -> None:
    times = speed.stage_times(speed.articles(5))
    assert set(times) == set(speed.STAGES)
    assert all(v >= 0 for v in times.values())


def test_corpus_command_jsonl_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "docs.jsonl"
    with path.open("w") as fh:
        for k in range(12):
            fh.write(json.dumps({"id": k, "body": speed.article(k)}) + "\n")
    report = tmp_path / "report.html"
    assert (
        main(
            [
                "corpus",
                str(path),
                "--text-field",
                "body",
                "--out",
                str(tmp_path),
                "--methods",
                "clean,exact-line",
                "--sample",
                "4",
                "--report",
                str(report),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "12 documents" in text
    assert "removals per rule" in text
    page = report.read_text()
    assert page.startswith("<!doctype html>")
    assert "<table>" in page
    assert "kept twin" in (tmp_path / "corpus.md").read_text()


def test_corpus_sample_is_seeded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": speed.article(k)}) + "\n" for k in range(8)))
    outs = []
    for _ in range(2):
        main(
            [
                "corpus",
                str(path),
                "--out",
                str(tmp_path),
                "--methods",
                "clean",
                "--sample",
                "3",
                "--seed",
                "4",
            ]
        )
        outs.append(capsys.readouterr().out.split("sampled at random")[1])
    assert outs[0] == outs[1]


def test_corpus_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="parquet input needs pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"text": [speed.article(k) for k in range(3)]}), path)
    assert corpus.read_documents(path, "text") == [speed.article(k) for k in range(3)]
    with pytest.raises(ValueError, match="columns are: text"):
        corpus.read_documents(path, "body")


def test_corpus_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        corpus.read_documents(tmp_path / "missing.jsonl", "text")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        corpus.read_documents(bad, "text")
    other = tmp_path / "other.jsonl"
    other.write_text('{"body": "x"}\n')
    with pytest.raises(ValueError, match="fields found: body"):
        corpus.read_documents(other, "text")
    with pytest.raises(ValueError, match="unknown file type"):
        corpus.read_documents(bad.rename(tmp_path / "x.csv"), "text")


def test_unknown_method_is_refused() -> None:
    with pytest.raises(SystemExit, match="unknown method"):
        main(["synthetic", "--quick", "--methods", "clean,nope"])


def test_accuracy_on_the_shared_corpora(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = find_data()
    if data is None:
        pytest.skip("shared corpora not found (set DEDUP_BENCH_DATA or put them at ../shared/data)")
    pytest.importorskip("trafilatura", reason="page extraction needs trafilatura")
    pytest.importorskip("lxml", reason="page extraction needs lxml")
    assert (
        main(
            [
                "accuracy",
                "--data",
                str(data),
                "--out",
                str(tmp_path),
                "--limit",
                "2",
                "--methods",
                "clean,exact-line",
                "--no-synthetic",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "article pages w/ wrong" in text
    md = (tmp_path / "accuracy.md").read_text()
    assert "| aeb | captions | clean | 2 |" in md
    assert "| wcxb-article | trafilatura | exact-line | 2 |" in md
    # the committed-safe table holds counts and ids, the listing holds the text
    assert (tmp_path / "accuracy-listing.txt").is_file()


def _has(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_bad_input_file_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", str(tmp_path / "none.jsonl"), "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
