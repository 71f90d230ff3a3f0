"""Near-duplicate removal on Apache Spark, with the same result as :class:`dedup.Corpus`.

Needs the ``spark`` extra: ``pip install 'news-dedup[spark]'`` (pyspark, pandas, pyarrow).

The job, for a DataFrame of documents:

1. a row index in input order (``keep="first"`` means first in input order);
2. signatures in parallel (``mapInPandas``, vectorized numpy MinHash, seeded: the same
   band keys as ``Corpus``);
3. candidate pairs from a self-join on ``(band, key)``; a bucket with more than
   ``max_bucket`` documents (a boilerplate page shared by thousands) is not joined with
   itself: its members are tied to its first member instead, so it costs one row each;
4. verification of every candidate pair (content hash, estimated Jaccard);
5. connected components of the verified pairs by alternating large-star and small-star
   rounds until nothing changes (as the BigCode near-dedup pipeline does);
6. within each component, in input order, the duplicate rule of ``Corpus``
   (``dedup._corpus.rule``: each document against the documents kept so far):
   components are independent, so this runs in parallel, one pass per partition.

Step 6 makes the result equal to streaming the same documents, in the same order, through
``Corpus`` with the same options: a pair ``Corpus`` would match is a verified pair and so
lies within one component, and a bucket big enough for ``Corpus``'s ``max_bucket`` cap to
matter lies within one component too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ._clean import KeepPolicy
from ._corpus.config import CorpusConfig, resolve_corpus_config
from ._corpus.lshindex import LSHIndex
from ._corpus.minhash import SignatureParams, estimate_jaccard_rows, signatures
from ._corpus.rule import decide_duplicate
from ._corpus.store import Doc
from ._extras import require

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["deduplicate", "read_documents", "session", "write_documents"]

_U64 = 2**64
_ROW = "__dedup_row"


def _require() -> None:
    for module in ("pyspark", "pyspark.sql.functions", "pandas", "pyarrow"):
        require(module, extra="spark", feature="dedup.spark")


def session(
    master: str = "local[2]", *, app_name: str = "dedup", partitions: int = 8
) -> SparkSession:
    """A SparkSession for ``master`` with settings suited to this job.

    The Python workers use this interpreter (``PYSPARK_PYTHON``) unless set otherwise.
    """
    _require()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


def read_documents(spark: SparkSession, path: str) -> DataFrame:
    """Read ``.parquet`` (file or directory) or JSONL (``.jsonl``/``.json``) documents."""
    _require()
    if path.endswith(".parquet"):
        return spark.read.parquet(path)
    return spark.read.json(path)


def write_documents(df: DataFrame, path: str) -> None:
    """Write ``df`` as Parquet (``.parquet``) or JSON lines, as a Spark output directory."""
    _require()
    if path.endswith(".parquet"):
        df.write.mode("overwrite").parquet(path)
    else:
        df.write.mode("overwrite").json(path)


def deduplicate(
    df: DataFrame,
    config: CorpusConfig | None = None,
    *,
    text_col: str = "text",
    id_col: str = "id",
    **overrides: Any,
) -> tuple[DataFrame, DataFrame]:
    """Remove near-duplicate documents from ``df``.

    Args:
        df: the documents; rows are taken in the DataFrame's order (its partitions in
            order, rows in order within each): that order decides which copy is first.
        config: the options of :class:`dedup.Corpus` (a :class:`dedup.CorpusConfig`;
            ``None`` for the defaults). ``min_jaccard``, ``keep`` and the MinHash/LSH
            options apply; the same values give the same result as ``Corpus``.
        text_col: column with the text.
        id_col: column with a unique id.
        **overrides: options that replace those of ``config``, e.g. ``min_jaccard=0.8``.

    Returns:
        ``(kept, removed)``: ``kept`` has the columns of ``df`` for the documents kept;
        ``removed`` has ``doc_id``, ``duplicate_of``, ``similarity`` and ``rule`` for the
        others (the fields of :meth:`dedup.Verdict.to_dict`).

    Raises:
        dedup.ConfigError: an option is unknown or out of range (before any Spark work).
    """
    cfg = resolve_corpus_config(config, overrides, caller="deduplicate")
    _require()
    from pyspark.sql import functions as F  # noqa: N812

    for col in (text_col, id_col):
        if col not in df.columns:
            raise ValueError(f"no column {col!r} in the DataFrame; its columns are {df.columns}")
    base = df.withColumn(_ROW, F.monotonically_increasing_id()).localCheckpoint(eager=True)
    sigs = _signatures(base, text_col, cfg.params)
    buckets = _bucket_members(sigs)
    edges = _verified_pairs(buckets, sigs, cfg).unionByName(_giant_bucket_ties(buckets, cfg))
    comps = _components(edges.localCheckpoint(eager=True))  # (node, comp) of every edge
    gone = _decide_in_components(comps, sigs, cfg)
    return _kept_and_removed(base, gone, id_col)


def _signatures(base: DataFrame, text_col: str, params: SignatureParams) -> DataFrame:
    """``(row, keys, sig, content, length)`` of every document, computed in parallel."""
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql import types as T  # noqa: N812

    schema = T.StructType(
        [
            T.StructField("row", T.LongType()),
            T.StructField("keys", T.ArrayType(T.LongType())),
            T.StructField("sig", T.BinaryType()),
            T.StructField("content", T.LongType()),
            T.StructField("length", T.LongType()),
        ]
    )

    def sign(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        for part in batches:
            texts = ["" if t is None else str(t) for t in part["text"].tolist()]
            s = signatures(texts, params)
            yield pd.DataFrame(
                {
                    "row": part["row"].to_numpy(dtype=np.int64),
                    "keys": list(s.bands.astype(np.int64)),
                    "sig": [bytes(r) for r in s.sig],
                    "content": s.content.view(np.int64),
                    "length": s.length,
                }
            )

    return (
        base.select(F.col(_ROW).alias("row"), F.col(text_col).alias("text"))
        .mapInPandas(sign, schema)
        .localCheckpoint(eager=True)
    )


def _bucket_members(sigs: DataFrame) -> DataFrame:
    """``(band, key, row, n, first)``: each document in each of its buckets, with the
    bucket's size and first row."""
    from pyspark.sql import functions as F  # noqa: N812

    keyed = sigs.select("row", F.posexplode("keys").alias("band", "key"))
    sizes = keyed.groupBy("band", "key").agg(F.count("*").alias("n"), F.min("row").alias("first"))
    return keyed.join(sizes, ["band", "key"])


def _verified_pairs(buckets: DataFrame, sigs: DataFrame, cfg: CorpusConfig) -> DataFrame:
    """``(a, b)`` pairs sharing a bucket of at most ``max_bucket`` members that verify:
    the same content hash, or an estimated Jaccard of at least ``min_jaccard``."""
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql import types as T  # noqa: N812

    small = buckets.where(F.col("n") <= cfg.max_bucket).select("band", "key", "row")
    pairs = (
        small.alias("a")
        .join(small.alias("b"), ["band", "key"])
        .where(F.col("a.row") < F.col("b.row"))
        .select(F.col("a.row").alias("a"), F.col("b.row").alias("b"))
        .distinct()
    )
    rec = sigs.select("row", "sig", "content")
    joined = (
        pairs.join(rec.alias("ra"), F.col("a") == F.col("ra.row"))
        .join(rec.alias("rb"), F.col("b") == F.col("rb.row"))
        .select(
            "a",
            "b",
            F.col("ra.sig").alias("sa"),
            F.col("rb.sig").alias("sb"),
            (F.col("ra.content") == F.col("rb.content")).alias("same"),
        )
    )
    sig_bytes, min_jaccard = cfg.params.sig_bytes, cfg.min_jaccard

    def verify(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        for part in batches:
            if part.empty:
                continue
            sa = np.frombuffer(b"".join(part["sa"].tolist()), dtype=np.uint8)
            sb = np.frombuffer(b"".join(part["sb"].tolist()), dtype=np.uint8)
            sim = estimate_jaccard_rows(sa.reshape(-1, sig_bytes), sb.reshape(-1, sig_bytes))
            ok = part["same"].to_numpy(dtype=bool) | (sim >= min_jaccard)
            yield pd.DataFrame({"a": part["a"][ok], "b": part["b"][ok]})

    schema = T.StructType([T.StructField("a", T.LongType()), T.StructField("b", T.LongType())])
    return joined.mapInPandas(verify, schema)


def _giant_bucket_ties(buckets: DataFrame, cfg: CorpusConfig) -> DataFrame:
    """A bucket with more than ``max_bucket`` members (a page shared by thousands) is
    not joined with itself: its members are tied to its first member, one row each."""
    from pyspark.sql import functions as F  # noqa: N812

    return (
        buckets.where((F.col("n") > cfg.max_bucket) & (F.col("row") != F.col("first")))
        .select(F.col("first").alias("a"), F.col("row").alias("b"))
        .distinct()
    )


def _decide_in_components(comps: DataFrame, sigs: DataFrame, cfg: CorpusConfig) -> DataFrame:
    """``(row, dup_of, similarity, rule)`` of the removed documents: within each
    component, in input order, the duplicate rule exactly as ``Corpus`` streams it."""
    from pyspark.sql import types as T  # noqa: N812

    members = (
        comps.join(sigs, comps["node"] == sigs["row"])
        .select("comp", "row", "keys", "sig", "content", "length")
        .repartition("comp")
        .sortWithinPartitions("row")
    )
    schema = T.StructType(
        [
            T.StructField("row", T.LongType()),
            T.StructField("dup_of", T.LongType()),
            T.StructField("similarity", T.DoubleType()),
            T.StructField("rule", T.StringType()),
        ]
    )
    params, min_jaccard, keep, max_bucket = cfg.params, cfg.min_jaccard, cfg.keep, cfg.max_bucket

    def decide(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        docs = (doc for part in batches for doc in _docs_of(part))
        gone = _stream_decisions(
            docs, params, min_jaccard=min_jaccard, keep=keep, max_bucket=max_bucket
        )
        rows = sorted(gone)
        yield pd.DataFrame(
            {
                "row": rows,
                "dup_of": [gone[r][0] for r in rows],
                "similarity": [gone[r][1] for r in rows],
                "rule": [gone[r][2] for r in rows],
            },
            columns=["row", "dup_of", "similarity", "rule"],
        ).astype({"row": "int64", "dup_of": "int64", "similarity": "float64"})

    return members.mapInPandas(decide, schema).localCheckpoint(eager=True)


def _docs_of(part: Any) -> Iterator[tuple[int, Doc]]:
    """The rows of a pandas batch of signatures as ``(row, Doc)``."""
    for row, keys, sig, content, length in zip(
        part["row"].tolist(),
        part["keys"].tolist(),
        part["sig"].tolist(),
        part["content"].tolist(),
        part["length"].tolist(),
        strict=True,
    ):
        doc = Doc(
            doc_id=str(row),
            site=None,
            keys=tuple(int(x) for x in keys),
            sig=bytes(sig),
            content=int(content) % _U64,
            length=int(length),
            lines=(),
        )
        yield int(row), doc


def _stream_decisions(
    docs: Iterable[tuple[int, Doc]],
    params: SignatureParams,
    *,
    min_jaccard: float,
    keep: KeepPolicy,
    max_bucket: int,
) -> dict[int, tuple[int, float, str]]:
    """Each document against those kept so far, in order, as ``Corpus`` adds them.

    Returns ``{row: (row it copies, similarity, rule)}`` for the documents not kept.
    """
    index = LSHIndex(bands=params.bands, sig_bytes=params.sig_bytes, max_bucket=max_bucket)
    row_at: list[int] = []  # slot -> row
    gone: dict[int, tuple[int, float, str]] = {}
    for row, doc in docs:
        cands = [(s, *index.record(s)) for s in index.candidates(doc.keys)]
        d = decide_duplicate(doc, cands, min_jaccard=min_jaccard, keep=keep)
        rule = "" if d.rule is None else d.rule.value
        if d.action == "dup":
            gone[row] = (row_at[d.slot], d.similarity, rule)
            continue
        if d.action == "replace":
            index.kill(d.slot)
            gone[row_at[d.slot]] = (row, d.similarity, rule)
        index.insert(doc.keys, doc.sig, doc.content, doc.length)
        row_at.append(row)
    return gone


def _kept_and_removed(base: DataFrame, gone: DataFrame, id_col: str) -> tuple[DataFrame, DataFrame]:
    from pyspark.sql import functions as F  # noqa: N812

    ids = base.select(F.col(_ROW).alias("row"), F.col(id_col).alias("doc_id"))
    removed = (
        gone.join(ids, "row")
        .join(
            ids.select(F.col("row").alias("dup_of"), F.col("doc_id").alias("duplicate_of")),
            "dup_of",
        )
        .orderBy("row")
        .select("doc_id", "duplicate_of", "similarity", "rule")
    )
    kept = (
        base.join(gone.select(F.col("row").alias(_ROW)), _ROW, "left_anti").orderBy(_ROW).drop(_ROW)
    )
    return kept, removed


def _edge_state(e: DataFrame) -> tuple[int, int, int]:
    """Count and two order-free checksums of a set of edges: equal sets, equal states.

    (Different sets with equal count and both 64-bit checksums are vanishingly unlikely;
    the worst case is one more round.)
    """
    from pyspark.sql import functions as F  # noqa: N812

    row = e.agg(
        F.count("*").alias("n"),
        F.sum(F.xxhash64("u", "v") % 1_000_000_007).alias("h1"),
        F.sum(F.hash("v", "u").cast("long")).alias("h2"),
    ).collect()[0]
    return int(row["n"]), int(row["h1"] or 0), int(row["h2"] or 0)


def _components(edges: DataFrame, max_rounds: int = 100) -> DataFrame:
    """Connected components by alternating large-star and small-star rounds.

    ``edges`` has long columns ``a`` and ``b``. Returns ``(node, comp)`` for every node
    on an edge, ``comp`` being the smallest node of its component.
    """
    from pyspark.sql import functions as F  # noqa: N812

    e = (
        edges.where(F.col("a") != F.col("b"))
        .select(F.least("a", "b").alias("u"), F.greatest("a", "b").alias("v"))
        .distinct()
        .localCheckpoint(eager=True)
    )
    state = _edge_state(e)
    for _ in range(max_rounds):
        # Large star: every neighbour larger than a node links to the node's smallest
        # neighbour (or the node itself).
        both = e.unionByName(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
        low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        large = (
            both.join(low, "u")
            .where(F.col("v") > F.col("u"))
            .select(F.least("v", "m").alias("u"), F.greatest("v", "m").alias("v"))
            .where(F.col("u") != F.col("v"))
            .distinct()
        )
        # Small star: a node and its smaller neighbours all link to the smallest of them.
        low2 = large.groupBy("v").agg(F.min("u").alias("m"))
        small = (
            large.join(low2, "v")
            .select(F.col("m").alias("u"), F.col("u").alias("v"))
            .unionByName(low2.select(F.col("m").alias("u"), F.col("v")))
            .where(F.col("u") != F.col("v"))
            .select(F.least("u", "v").alias("u"), F.greatest("u", "v").alias("v"))
            .distinct()
            .localCheckpoint(eager=True)
        )
        new_state = _edge_state(small)
        e = small
        if new_state == state:
            break
        state = new_state
    # Converged: every edge is (component minimum, member).
    return (
        e.select(F.col("v").alias("node"), F.col("u").alias("comp"))
        .unionByName(e.select(F.col("u").alias("node"), F.col("u").alias("comp")))
        .groupBy("node")
        .agg(F.min("comp").alias("comp"))
    )
