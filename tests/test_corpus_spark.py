"""dedup.spark on a real local Spark session: same result as the streaming Corpus."""

from __future__ import annotations

import json
import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dedup
from benchmarks.docgen import generate
from dedup import Corpus

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install '.[spark]')")
pytestmark = [
    pytest.mark.skipif(
        shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
        reason="no Java runtime (apt-get install openjdk-17-jre-headless)",
    ),
    # pyspark warns about pandas 3 on every pandas UDF; the tests prove the results
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from dedup.spark import session

    s = session("local[2]", app_name="dedup-tests", partitions=4)
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def _streaming(rows: list[tuple[str, str]], **options: Any) -> dict[str, tuple[str, str]]:
    corpus = Corpus(**options)
    out = {}
    for v in corpus.add_many(rows):
        if v.is_duplicate:
            assert v.duplicate_of is not None
            assert v.rule is not None
            out[v.doc_id] = (v.duplicate_of, v.rule)
    # with keep="longest" an indexed copy may be replaced later
    for doc_id, _ in rows:
        if doc_id not in corpus:
            v2 = corpus.verdict(doc_id)
            assert v2 is not None
            assert v2.duplicate_of is not None
            assert v2.rule is not None
            out[doc_id] = (v2.duplicate_of, v2.rule)
    return out


def _spark_result(spark: Any, rows: list[tuple[str, str]], **options: Any) -> Any:
    from dedup.spark import deduplicate

    df = spark.createDataFrame(rows, ["url", "body"])
    return deduplicate(df, text_col="body", id_col="url", **options)


@pytest.mark.parametrize("keep", ["first", pytest.param("longest", marks=pytest.mark.slow)])
def test_spark_equals_streaming_corpus(spark: Any, keep: str) -> None:
    docs = generate(300, seed=31, dup_share=0.35)
    rows = [(d.doc_id, d.text) for d in docs]
    expected = _streaming(rows, keep=keep)
    kept, removed = _spark_result(spark, rows, keep=keep)
    got = {r["doc_id"]: (r["duplicate_of"], r["rule"]) for r in removed.collect()}
    assert len(expected) > 50
    assert got == expected
    kept_ids = [r["url"] for r in kept.collect()]
    assert kept_ids == [d.doc_id for d in docs if d.doc_id not in expected]
    assert set(kept.columns) == {"url", "body"}


@pytest.mark.parametrize(
    ("options", "option"),
    [({"threshold": 7}, "min_jaccard"), ({"min_jaccard": 7}, "min_jaccard"),
     ({"keep": "last"}, "keep"), ({"bands": 100}, "bands"), ({"colour": 1}, "colour")],
)  # fmt: skip
def test_bad_options_are_config_errors_before_any_spark_work(
    options: dict[str, Any], option: str
) -> None:
    from dedup.spark import deduplicate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(dedup.ConfigError) as info:
            deduplicate(object(), **options)  # type: ignore[arg-type]
    assert info.value.option == option


def test_options_come_from_one_corpus_config(spark: Any) -> None:
    docs = generate(120, seed=6, dup_share=0.35)
    rows = [(d.doc_id, d.text) for d in docs]
    config = dedup.CorpusConfig(min_jaccard=0.9)
    _, removed = _spark_result(spark, rows, config=config)
    with pytest.warns(DeprecationWarning, match="min_jaccard"):
        _, alias = _spark_result(spark, rows, threshold=0.9)
    got = {r["doc_id"]: (r["duplicate_of"], r["rule"]) for r in removed.collect()}
    assert got == _streaming(rows, config=config)
    assert {r["doc_id"] for r in alias.collect()} == set(got)


def test_a_giant_bucket_is_capped_not_joined(spark: Any) -> None:
    page = "Subscribe to read this article. Already a subscriber? Log in to continue. " * 4
    rows = [(f"wall-{i:05d}", page) for i in range(2000)]
    docs = generate(200, seed=8)
    rows += [(d.doc_id, d.text) for d in docs]
    expected = _streaming(rows, max_bucket=50)
    kept, removed = _spark_result(spark, rows, max_bucket=50)
    got = {r["doc_id"]: (r["duplicate_of"], r["rule"]) for r in removed.collect()}
    assert got == expected
    assert sum(1 for r in kept.collect() if r["url"].startswith("wall-")) == 1
    assert got["wall-01999"] == ("wall-00000", "exact")


def test_components_by_large_and_small_star(spark: Any) -> None:
    from dedup.spark import _components

    edges = [(1, 2), (2, 3), (3, 4), (10, 11), (12, 11), (20, 5), (5, 21), (21, 30), (30, 6)]
    df = spark.createDataFrame(edges, "a long, b long")
    got = {r["node"]: r["comp"] for r in _components(df).collect()}
    assert got == {
        1: 1, 2: 1, 3: 1, 4: 1, 10: 10, 11: 10, 12: 10,
        5: 5, 6: 5, 20: 5, 21: 5, 30: 5,
    }  # fmt: skip


@pytest.mark.slow
def test_jsonl_and_parquet_round_trip_through_the_cli(spark: Any, tmp_path: Path) -> None:
    import argparse

    from dedup.cli.corpus import add_parser

    docs = generate(120, seed=2)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"url": d.doc_id, "text": d.text}) + "\n" for d in docs))
    parser = argparse.ArgumentParser(prog="dedup")
    add_parser(parser.add_subparsers())
    out = tmp_path / "out.parquet"
    args = parser.parse_args(
        ["corpus", str(src), "-o", str(out), "--id-field", "url", "--spark", "local[2]",
         "--removed", str(tmp_path / "removed.jsonl")]
    )  # fmt: skip
    assert args.func(args) == 0  # reuses the running session and leaves it running
    s = spark
    kept = {r["url"] for r in s.read.parquet(str(out)).collect()}
    removed = {r["doc_id"] for r in s.read.json(str(tmp_path / "removed.jsonl")).collect()}
    expected = _streaming([(d.doc_id, d.text) for d in docs])
    assert removed == set(expected)
    assert kept == {d.doc_id for d in docs} - set(expected)
