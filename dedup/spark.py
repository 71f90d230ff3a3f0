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
6. within each component, in input order, the exact streaming decision of ``Corpus``
   (each document against the documents kept so far): components are independent, so
   this runs in parallel, one pass per partition.

Step 6 makes the result equal to streaming the same documents, in the same order, through
``Corpus`` with the same options: a pair ``Corpus`` would match is a verified pair and so
lies within one component, and a bucket big enough for ``Corpus``'s ``max_bucket`` cap to
matter lies within one component too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ._corpus.minhash import SignatureParams, estimate_jaccard, signatures
from ._corpus.stores import Doc, MemoryStore

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["deduplicate", "read_documents", "session", "write_documents"]

_U64 = 2**64
_ROW = "__dedup_row"


def _require() -> Any:
    try:
        import pyspark
        import pyspark.sql.functions
    except ImportError as exc:
        raise ImportError(
            "dedup.spark needs pyspark, pandas and pyarrow: pip install 'news-dedup[spark]'"
        ) from exc
    return pyspark


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
    *,
    text_col: str = "text",
    id_col: str = "id",
    threshold: float = 0.7,
    keep: str = "first",
    num_perm: int = 128,
    bands: int = 18,
    rows: int = 7,
    word_shingle: int = 3,
    char_shingle: int = 4,
    seed: int = 1,
    max_bucket: int = 100,
) -> tuple[DataFrame, DataFrame]:
    """Remove near-duplicate documents from ``df``.

    Args:
        df: the documents; rows are taken in the DataFrame's order (its partitions in
            order, rows in order within each): that order decides which copy is first.
        text_col: column with the text.
        id_col: column with a unique id.
        threshold, keep, num_perm, bands, rows, word_shingle, char_shingle, seed,
        max_bucket: as for :class:`dedup.Corpus`; the same values give the same result.

    Returns:
        ``(kept, removed)``: ``kept`` has the columns of ``df`` for the documents kept;
        ``removed`` has ``id``, ``duplicate_of``, ``similarity`` and ``rule`` for the
        others.
    """
    _require()
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql import types as T  # noqa: N812

    params = SignatureParams(
        num_perm=num_perm,
        bands=bands,
        rows=rows,
        word_shingle=word_shingle,
        char_shingle=char_shingle,
        seed=seed,
    )
    if keep not in ("first", "longest"):
        from ._errors import ConfigError

        raise ConfigError(f"keep must be one of 'first', 'longest', got {keep!r}")
    for col in (text_col, id_col):
        if col not in df.columns:
            raise ValueError(f"no column {col!r} in the DataFrame; its columns are {df.columns}")

    base = df.withColumn(_ROW, F.monotonically_increasing_id()).localCheckpoint(eager=True)
    sig_schema = T.StructType(
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
            content = s.content.view(np.int64)
            yield pd.DataFrame(
                {
                    "row": part["row"].to_numpy(dtype=np.int64),
                    "keys": list(s.bands.astype(np.int64)),
                    "sig": [bytes(r) for r in s.sig],
                    "content": content,
                    "length": s.length,
                }
            )

    sigs = (
        base.select(F.col(_ROW).alias("row"), F.col(text_col).alias("text"))
        .mapInPandas(sign, sig_schema)
        .localCheckpoint(eager=True)
    )

    # Candidate pairs from (band, key) buckets; giant buckets are tied to their first row.
    keyed = sigs.select("row", F.posexplode("keys").alias("band", "key"))
    sizes = keyed.groupBy("band", "key").agg(F.count("*").alias("n"), F.min("row").alias("first"))
    keyed = keyed.join(sizes, ["band", "key"])
    small = keyed.where(F.col("n") <= max_bucket).select("band", "key", "row")
    pairs = (
        small.alias("a")
        .join(small.alias("b"), ["band", "key"])
        .where(F.col("a.row") < F.col("b.row"))
        .select(F.col("a.row").alias("a"), F.col("b.row").alias("b"))
        .distinct()
    )
    ties = (
        keyed.where((F.col("n") > max_bucket) & (F.col("row") != F.col("first")))
        .select(F.col("first").alias("a"), F.col("row").alias("b"))
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
    edge_schema = T.StructType([T.StructField("a", T.LongType()), T.StructField("b", T.LongType())])

    def verify(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        for part in batches:
            if part.empty:
                continue
            k = params.sig_bytes
            sa = np.frombuffer(b"".join(part["sa"].tolist()), dtype=np.uint8).reshape(-1, k)
            sb = np.frombuffer(b"".join(part["sb"].tolist()), dtype=np.uint8).reshape(-1, k)
            sim = _pairwise_jaccard(sa, sb)
            ok = part["same"].to_numpy(dtype=bool) | (sim >= threshold)
            yield pd.DataFrame({"a": part["a"][ok], "b": part["b"][ok]})

    verified = joined.mapInPandas(verify, edge_schema)
    edges = verified.unionByName(ties).localCheckpoint(eager=True)
    comps = _components(edges)  # (node, comp) for every node on an edge

    # The streaming decision within each component, in input order.
    members = (
        comps.join(sigs, comps["node"] == sigs["row"])
        .select("comp", "row", "keys", "sig", "content", "length")
        .repartition("comp")
        .sortWithinPartitions("row")
    )
    out_schema = T.StructType(
        [
            T.StructField("row", T.LongType()),
            T.StructField("dup_of", T.LongType()),
            T.StructField("similarity", T.DoubleType()),
            T.StructField("rule", T.StringType()),
        ]
    )

    def greedy(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        store = MemoryStore(params, max_bucket=max_bucket)
        order: list[int] = []
        for part in batches:
            docs = [
                Doc(
                    doc_id=str(row),
                    site=None,
                    keys=tuple(int(x) for x in keys),
                    sig=bytes(sig),
                    content=int(content) % _U64,
                    length=int(length),
                    lines=(),
                )
                for row, keys, sig, content, length in zip(
                    part["row"].tolist(),
                    part["keys"].tolist(),
                    part["sig"].tolist(),
                    part["content"].tolist(),
                    part["length"].tolist(),
                    strict=True,
                )
            ]
            store.add_batch(docs, threshold, keep)
            order.extend(int(r) for r in part["row"].tolist())
        rows_out, dup_of, sim, rule = [], [], [], []
        for row in order:
            v = store.verdict(str(row))
            if v is not None and v.is_duplicate:
                assert v.duplicate_of is not None
                rows_out.append(row)
                dup_of.append(int(v.duplicate_of))
                sim.append(float(v.similarity))
                rule.append(v.rule or "")
        yield pd.DataFrame(
            {"row": rows_out, "dup_of": dup_of, "similarity": sim, "rule": rule},
            columns=["row", "dup_of", "similarity", "rule"],
        ).astype({"row": "int64", "dup_of": "int64", "similarity": "float64"})

    gone = members.mapInPandas(greedy, out_schema).localCheckpoint(eager=True)

    ids = base.select(F.col(_ROW).alias("row"), F.col(id_col).alias("id"))
    removed = (
        gone.join(ids, "row")
        .join(ids.select(F.col("row").alias("dup_of"), F.col("id").alias("duplicate_of")), "dup_of")
        .orderBy("row")
        .select("id", "duplicate_of", "similarity", "rule")
    )
    kept = (
        base.join(gone.select(F.col("row").alias(_ROW)), _ROW, "left_anti").orderBy(_ROW).drop(_ROW)
    )
    return kept, removed


def _pairwise_jaccard(sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
    """Row-wise estimated Jaccard of two packed 4-bit signature matrices."""
    x = np.bitwise_xor(sa, sb)
    equal = np.count_nonzero((x & 0x0F) == 0, axis=1) + np.count_nonzero((x >> 4) == 0, axis=1)
    m = equal / (2 * sa.shape[1])
    result: np.ndarray = np.clip((m - 1 / 16) / (15 / 16), 0.0, 1.0)
    return result


_ = estimate_jaccard  # the streaming estimator; _pairwise_jaccard is its row-wise twin


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
