"""Benchmark of the corpus layer: dedup.Corpus against datasketch and rensa, and Spark.

Run from the repository root::

    python -m benchmarks.corpus_bench            # 100,000 documents
    python -m benchmarks.corpus_bench --quick    # 10,000 documents, small Spark run
    python -m benchmarks.corpus_bench --scale 1000000  # Corpus alone, streamed: memory
    python -m benchmarks.corpus_bench --race     # throughput race against rensa, see race()
    python -m benchmarks.corpus_bench --redis    # Redis store: docs/s, server bytes per doc

The documents are generated (``benchmarks.docgen``): news-like pseudo-word articles, about 30%
of them planted variants of another at word-3-shingle Jaccard 0.5-0.95. Every engine
shingles the same way (case-folded word 3-grams), streams the documents in order
(query, then insert unless a duplicate), uses 128 permutations with 18 bands of 7 rows and
verifies candidates at estimated Jaccard >= 0.7.

Reported per engine: documents per second, bytes per document (growth of the process's
resident memory over the run, divided by the number of documents indexed; for Corpus also
the exact size of its index arrays, and the SQLite file size), recall over planted pairs
with true Jaccard >= 0.8 (the later document of the pair must be flagged) and precision
(a flagged document's match must come from the same planted cluster; "strict" also
requires true Jaccard >= 0.8 with the match).

Each engine runs in its own process (clean memory figures).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

THRESHOLD = 0.7
BANDS, ROWS, NUM_PERM = 18, 7, 128
_WORD = re.compile(r"\w+")


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _shingle_strings(text: str) -> list[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < 3:
        return [" ".join(words)]
    return [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]


def _load(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- engines (each runs in a child process) -----------------------------------------------


def engine_corpus(docs: list[dict[str, Any]], store: str | None) -> dict[str, Any]:
    from dedup import Corpus

    before = _rss()
    corpus = Corpus(store, min_jaccard=THRESHOLD, bands=BANDS, rows=ROWS, num_perm=NUM_PERM)
    start = time.perf_counter()
    flagged: dict[str, str | None] = {}
    for k in range(0, len(docs), 10_000):  # keep only the flagged ids, not every verdict
        verdicts = corpus.add_many((d["id"], d["text"]) for d in docs[k : k + 10_000])
        flagged.update((v.doc_id, v.duplicate_of) for v in verdicts if v.is_duplicate)
        del verdicts
    elapsed = time.perf_counter() - start
    out = {
        "seconds": elapsed,
        "indexed": len(corpus),
        "rss_bytes": _rss() - before,
        "index_bytes": corpus.nbytes(),
        "flagged": flagged,
    }
    corpus.close()
    if store and store.startswith("sqlite:///"):
        path = store[len("sqlite:///") :]
        out["file_bytes"] = sum(
            os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)
        )
    return out


def engine_datasketch(docs: list[dict[str, Any]]) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    before = _rss()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    kept: dict[str, Any] = {}
    flagged: dict[str, str] = {}
    start = time.perf_counter()
    for d in docs:
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch([s.encode() for s in _shingle_strings(d["text"])])
        best, best_sim = None, THRESHOLD
        for key in lsh.query(m):
            sim = m.jaccard(kept[key])
            if sim >= best_sim:
                best, best_sim = key, sim
        if best is not None:
            flagged[d["id"]] = best
        else:
            lsh.insert(d["id"], m, check_duplication=False)
            kept[d["id"]] = m
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "indexed": len(kept),
        "rss_bytes": _rss() - before,
        "flagged": flagged,
    }


def engine_rensa(docs: list[dict[str, Any]]) -> dict[str, Any]:
    from rensa import RMinHash, RMinHashLSH

    before = _rss()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    kept: list[Any] = []
    ids: list[str] = []
    flagged: dict[str, str] = {}
    start = time.perf_counter()
    for d in docs:
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update(_shingle_strings(d["text"]))
        best, best_sim = None, THRESHOLD
        for key in lsh.query(m):
            sim = m.jaccard(kept[key])
            if sim >= best_sim:
                best, best_sim = key, sim
        if best is not None:
            flagged[d["id"]] = ids[best]
        else:
            lsh.insert(len(kept), m)
            kept.append(m)
            ids.append(d["id"])
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "indexed": len(kept),
        "rss_bytes": _rss() - before,
        "flagged": flagged,
        "note": "rensa LSH with 16 bands x 8 rows (its band count must divide 128)",
    }


def _child(engine: str, data: str, out: str, store: str | None) -> None:
    docs = _load(data)
    if engine == "corpus":
        result = engine_corpus(docs, None)
    elif engine == "corpus-sqlite":
        result = engine_corpus(docs, store)
    elif engine == "datasketch":
        result = engine_datasketch(docs)
    elif engine == "rensa":
        result = engine_rensa(docs)
    else:
        raise SystemExit(f"unknown engine {engine}")
    Path(out).write_text(json.dumps(result))


# -- evaluation -------------------------------------------------------------------------


class Truth:
    """Planted clusters and exact Jaccard similarities (cached shingle sets)."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        from dedup._corpus.minhash import SignatureParams, shingles

        self.params = SignatureParams()
        self._shingles = shingles
        self.docs = docs
        self.pos = {d["id"]: i for i, d in enumerate(docs)}
        self.cluster = [d["cluster"] for d in docs]
        self._sets: dict[int, frozenset[int]] = {}
        members: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(self.cluster):
            members[c].append(i)
        self.relevant: list[int] = []  # docs with an earlier cluster member at J >= 0.8
        for group in members.values():
            for k, i in enumerate(group):
                if any(self.jaccard(j, i) >= 0.8 for j in group[:k]):
                    self.relevant.append(i)

    def _set(self, i: int) -> frozenset[int]:
        s = self._sets.get(i)
        if s is None:
            s = frozenset(self._shingles(self.docs[i]["text"], self.params)[0].tolist())
            self._sets[i] = s
        return s

    def jaccard(self, i: int, j: int) -> float:
        a, b = self._set(i), self._set(j)
        return len(a & b) / len(a | b)

    def score(self, flagged: dict[str, str]) -> dict[str, float]:
        hits = sum(1 for i in self.relevant if self.docs[i]["id"] in flagged)
        same = strict = 0
        for doc, dup in flagged.items():
            i, j = self.pos[doc], self.pos[dup]
            if self.cluster[i] == self.cluster[j]:
                same += 1
                strict += self.jaccard(i, j) >= 0.8
        n = max(len(flagged), 1)
        return {
            "recall_at_0.8": hits / max(len(self.relevant), 1),
            "precision": same / n,
            "strict_precision": strict / n,
            "flagged": len(flagged),
            "relevant": len(self.relevant),
        }


def _rapidfuzz_sample(docs: list[dict[str, Any]], flagged: dict[str, str], k: int = 200) -> float:
    """Share of a sample of flagged pairs whose texts also agree under rapidfuzz (>= 0.7)."""
    from rapidfuzz import fuzz

    pos = {d["id"]: i for i, d in enumerate(docs)}
    items = sorted(flagged.items())[:: max(1, len(flagged) // k)][:k]
    ok = 0
    for doc, dup in items:
        a, b = docs[pos[doc]]["text"], docs[pos[dup]]["text"]
        ok += fuzz.ratio(a, b, score_cutoff=70) > 0
    return ok / max(len(items), 1)


# -- Spark ------------------------------------------------------------------------------


def _jvm_peak_rss() -> int:
    """Peak resident memory (VmHWM) of the Spark JVMs started by this process."""
    me = os.getpid()
    peak = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"java" not in cmd or b"SparkSubmit" not in cmd:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"PPid:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        if ppid != me and not _descends(ppid, me):
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        if m:
            peak = max(peak, int(m.group(1)) * 1024)
    return peak


def _descends(pid: int, ancestor: int) -> bool:
    for _ in range(10):
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        pid = int(re.search(r"PPid:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return False


def spark_child(data: str, master: str, out: str) -> None:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from dedup.spark import deduplicate, session

    docs = _load(data)
    spark = session(master, partitions=4)
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame([(d["id"], d["text"]) for d in docs], ["id", "text"])
    start = time.perf_counter()
    kept, removed = deduplicate(df, min_jaccard=THRESHOLD, bands=BANDS, rows=ROWS)
    flagged = {r["doc_id"]: r["duplicate_of"] for r in removed.collect()}
    n_kept = kept.count()
    elapsed = time.perf_counter() - start
    result = {
        "seconds": elapsed,
        "kept": n_kept,
        "flagged": flagged,
        "jvm_peak_rss": _jvm_peak_rss(),
        "driver_memory": spark.conf.get("spark.driver.memory", "1g (default)"),
    }
    spark.stop()
    Path(out).write_text(json.dumps(result))


def scale_run(n: int) -> dict[str, Any]:
    """Corpus alone on ``n`` documents: throughput and size (no baselines, no recall)."""
    from benchmarks.docgen import generate
    from dedup import Corpus

    t0 = time.perf_counter()
    docs = [(d.doc_id, d.text) for d in generate(n, seed=2024)]
    gen = time.perf_counter() - t0
    before = _rss()
    corpus = Corpus(min_jaccard=THRESHOLD, bands=BANDS, rows=ROWS, num_perm=NUM_PERM)
    start = time.perf_counter()
    dups = 0
    for k in range(0, n, 10_000):
        dups += sum(v.is_duplicate for v in corpus.add_many(docs[k : k + 10_000]))
    elapsed = time.perf_counter() - start
    result = {
        "docs": n,
        "generate_seconds": gen,
        "seconds": elapsed,
        "docs_per_s": n / elapsed,
        "indexed": len(corpus),
        "duplicates": dups,
        "index_bytes_per_doc": corpus.nbytes() / len(corpus),
        "rss_bytes_per_doc": (_rss() - before) / len(corpus),
    }
    print(
        f"scale: {n:,} docs in {elapsed:.1f}s ({result['docs_per_s']:.0f} docs/s), "
        f"{len(corpus):,} indexed, index {result['index_bytes_per_doc']:.0f} B/doc, "
        f"RSS {result['rss_bytes_per_doc']:.0f} B/doc"
    )
    return result


# -- throughput race (in one process, engines interleaved) --------------------------------


def _race_datasketch(docs: list[tuple[str, str]]) -> dict[str, str]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    kept: dict[str, Any] = {}
    flagged: dict[str, str] = {}
    for doc_id, text in docs:
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch([s.encode() for s in _shingle_strings(text)])
        best, best_sim = None, THRESHOLD
        for key in lsh.query(m):
            sim = m.jaccard(kept[key])
            if sim >= best_sim:
                best, best_sim = key, sim
        if best is not None:
            flagged[doc_id] = best
        else:
            lsh.insert(doc_id, m, check_duplication=False)
            kept[doc_id] = m
    return flagged


def _race_rensa(docs: list[tuple[str, str]]) -> dict[str, str]:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    kept: list[Any] = []
    ids: list[str] = []
    flagged: dict[str, str] = {}
    for doc_id, text in docs:
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update(_shingle_strings(text))
        best, best_sim = None, THRESHOLD
        for key in lsh.query(m):
            sim = m.jaccard(kept[key])
            if sim >= best_sim:
                best, best_sim = key, sim
        if best is not None:
            flagged[doc_id] = ids[best]
        else:
            lsh.insert(len(kept), m)
            kept.append(m)
            ids.append(doc_id)
    return flagged


def _race_add(docs: list[tuple[str, str]]) -> dict[str, str]:
    from dedup import Corpus

    corpus = Corpus(min_jaccard=THRESHOLD, bands=BANDS, rows=ROWS, num_perm=NUM_PERM)
    flagged: dict[str, str] = {}
    for doc_id, text in docs:
        v = corpus.add(doc_id, text)
        if v.duplicate_of is not None:
            flagged[doc_id] = v.duplicate_of
    return flagged


def _race_add_many(docs: list[tuple[str, str]]) -> dict[str, str]:
    from dedup import Corpus

    corpus = Corpus(min_jaccard=THRESHOLD, bands=BANDS, rows=ROWS, num_perm=NUM_PERM)
    return {v.doc_id: v.duplicate_of for v in corpus.add_many(docs) if v.duplicate_of is not None}


RACE_ENGINES = {
    "datasketch MinHashLSH (threshold 0.8)": _race_datasketch,
    "Corpus.add() one document at a time": _race_add,
    "Corpus.add_many()": _race_add_many,
    "rensa RMinHashLSH (Rust)": _race_rensa,
}


def race(n: int = 20_000, copies: int = 4_000, rounds: int = 2) -> dict[str, Any]:
    """Documents per second of every engine on the same documents, interleaved in one
    process (round after round, best round kept), and each one's recall.

    ``n`` generated documents of 150-400 words, ``copies`` of them planted near-copies of
    another with about 2.5% of the words replaced (word-3-shingle Jaccard 0.73-0.95,
    0.85 on average), shuffled. Every engine hashes the same case-folded word 3-shingles
    with 128 permutations; rensa and datasketch get their shingles built in Python
    (timed), as their users build them. Recall: share of planted pairs whose later
    document is flagged as a duplicate.
    """
    import random

    from benchmarks.docgen import generate

    gen = generate(
        n, dup_share=copies / n, jaccard=(0.86, 0.87), words=(150, 400), seed=2025, shuffle=False
    )
    sources = n - copies  # unshuffled: the sources come first, then the copies
    order = list(range(n))
    random.Random(2025).shuffle(order)
    docs = [(gen[i].doc_id, gen[i].text) for i in order]
    where = {i: k for k, i in enumerate(order)}
    planted: list[str] = []  # per copy, the later of the copy and its source
    for i in range(sources, n):
        src = gen[i].cluster  # unshuffled, a source's cluster is its position
        planted.append(gen[max(i, src, key=where.__getitem__)].doc_id)
    best: dict[str, float] = {}
    recall: dict[str, float] = {}
    for _ in range(rounds):
        for name, fn in RACE_ENGINES.items():
            start = time.perf_counter()
            flagged = fn(docs)
            rate = n / (time.perf_counter() - start)
            best[name] = max(best.get(name, 0.0), rate)
            recall[name] = sum(1 for d in planted if d in flagged) / max(len(planted), 1)
    ref = best["rensa RMinHashLSH (Rust)"]
    print(f"{n:,} documents, {len(planted):,} planted near-copies, best of {rounds} rounds")
    print("| engine | docs/s | recall | vs rensa |")
    print("|---|---:|---:|---:|")
    for name in RACE_ENGINES:
        print(f"| {name} | {best[name]:,.0f} | {recall[name]:.2f} | {best[name] / ref:.2f}x |")
    return {"docs": n, "planted": len(planted), "docs_per_s": best, "recall": recall}


def redis_run(n: int = 100_000) -> dict[str, Any]:
    """``Corpus.add_many`` into a fresh local ``redis-server`` (started here, no
    persistence, over loopback): documents per second and the server's memory growth
    (``INFO memory`` ``used_memory``) per indexed document. Same documents as race()."""
    import shutil
    import socket

    import redis

    from benchmarks.docgen import generate
    from dedup import Corpus

    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server not found")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="corpus-bench-redis-")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir,
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        gen = generate(
            n, dup_share=0.2, jaccard=(0.86, 0.87), words=(150, 400), seed=2025, shuffle=True
        )
        docs = [(d.doc_id, d.text) for d in gen]
        before = int(client.info("memory")["used_memory"])
        corpus = Corpus(
            f"redis://127.0.0.1:{port}/0",
            min_jaccard=THRESHOLD,
            bands=BANDS,
            rows=ROWS,
            num_perm=NUM_PERM,
        )
        start = time.perf_counter()
        dups = 0
        for k in range(0, n, 10_000):
            dups += sum(v.is_duplicate for v in corpus.add_many(docs[k : k + 10_000]))
        elapsed = time.perf_counter() - start
        indexed = len(corpus)
        corpus.close()
        used = int(client.info("memory")["used_memory"]) - before
        client.close()
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "docs": n,
        "seconds": elapsed,
        "docs_per_s": n / elapsed,
        "indexed": indexed,
        "duplicates": dups,
        "server_bytes_per_doc": used / max(indexed, 1),
    }
    print(
        f"redis: {n:,} docs in {elapsed:.1f}s ({result['docs_per_s']:,.0f} docs/s), "
        f"{indexed:,} indexed, server memory {result['server_bytes_per_doc']:.0f} B/doc"
    )
    return result


# -- driver -----------------------------------------------------------------------------


def _run_child(args: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    try:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.corpus_bench", *args, "--out", out], check=True
        )
        result: dict[str, Any] = json.loads(Path(out).read_text())
        return result
    finally:
        os.unlink(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="10,000 documents, small Spark run")
    p.add_argument("--docs", type=int, default=None, help="number of documents (100,000)")
    p.add_argument("--engines", default="corpus,corpus-sqlite,datasketch,rensa")
    p.add_argument("--spark-docs", type=int, default=None, help="documents for Spark (20,000)")
    p.add_argument("--no-spark", action="store_true")
    p.add_argument("--json", default=None, help="also write the results to this file")
    p.add_argument(
        "--scale", type=int, default=None, help="only Corpus on this many documents (1000000)"
    )
    p.add_argument("--race", action="store_true", help="throughput race against rensa")
    p.add_argument("--rounds", type=int, default=2, help="race rounds (the best is kept)")
    p.add_argument("--redis", action="store_true", help="Redis store: docs/s and server B/doc")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    p.add_argument("--data", default=None, help=argparse.SUPPRESS)
    p.add_argument("--out", default=None, help=argparse.SUPPRESS)
    p.add_argument("--store", default=None, help=argparse.SUPPRESS)
    p.add_argument("--master", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child == "spark":
        spark_child(args.data, args.master, args.out)
        return 0
    if args.child:
        _child(args.child, args.data, args.out, args.store)
        return 0

    if args.redis:
        result = redis_run(args.docs or 100_000)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        return 0

    if args.race:
        result = race(args.docs or 20_000, rounds=args.rounds)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        return 0

    if args.scale:
        result = scale_run(args.scale)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        return 0

    from benchmarks.docgen import generate

    n = args.docs or (10_000 if args.quick else 100_000)
    n_spark = args.spark_docs or (2_000 if args.quick else 20_000)
    tmp = Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    t0 = time.perf_counter()
    docs = [{"id": d.doc_id, "text": d.text, "cluster": d.cluster} for d in generate(n, seed=2024)]
    data = tmp / "docs.jsonl"
    with open(data, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    mean_words = sum(len(d["text"].split()) for d in docs) / len(docs)
    print(f"generated {n:,} documents ({mean_words:.0f} words on average) "
          f"in {time.perf_counter() - t0:.1f}s")  # fmt: skip
    truth = Truth(docs)
    results: dict[str, Any] = {"docs": n, "mean_words": mean_words, "engines": {}}
    for engine in args.engines.split(","):
        extra = []
        if engine == "corpus-sqlite":
            extra = ["--store", f"sqlite:///{tmp}/index.db"]
        if engine == "rensa":
            try:
                import rensa  # noqa: F401
            except ImportError:
                print("rensa: not installed, skipped (pip install rensa)")
                continue
        r = _run_child(["--child", engine, "--data", str(data), *extra])
        flagged = r.pop("flagged")
        r.update(truth.score(flagged))
        r["docs_per_s"] = n / r["seconds"]
        r["rss_bytes_per_doc"] = r["rss_bytes"] / max(r["indexed"], 1)
        if "index_bytes" in r:
            r["index_bytes_per_doc"] = r["index_bytes"] / max(r["indexed"], 1)
        if "file_bytes" in r:
            r["file_bytes_per_doc"] = r["file_bytes"] / max(r["indexed"], 1)
        r["rapidfuzz_agree"] = _rapidfuzz_sample(docs, flagged)
        results["engines"][engine] = r
        print(_fmt(engine, r))
    base = results["engines"].get("datasketch")
    mine = results["engines"].get("corpus")
    if base and mine:
        print(
            f"Corpus (memory) vs datasketch: {mine['docs_per_s'] / base['docs_per_s']:.1f}x docs/s"
        )
    if not args.no_spark:
        sub = tmp / "spark.jsonl"
        with open(sub, "w", encoding="utf-8") as fh:
            for d in docs[:n_spark]:
                fh.write(json.dumps(d) + "\n")
        from dedup import Corpus

        corpus = Corpus(min_jaccard=THRESHOLD)
        stream = corpus.add_many((d["id"], d["text"]) for d in docs[:n_spark])
        expected = {v.doc_id: v.duplicate_of for v in stream if v.is_duplicate}
        results["spark"] = {"docs": n_spark}
        for master in ("local[1]", "local[2]"):
            r = _run_child(["--child", "spark", "--data", str(sub), "--master", master])
            same = r.pop("flagged") == expected
            r["equals_streaming"] = same
            results["spark"][master] = r
            rate = n_spark / r["seconds"]
            peak = r["jvm_peak_rss"] / 2**20
            print(
                f"spark {master}: {n_spark:,} docs in {r['seconds']:.1f}s ({rate:.0f} docs/s), "
                f"JVM peak RSS {peak:.0f} MiB, same result as Corpus: {same}"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


def _fmt(engine: str, r: dict[str, Any]) -> str:
    parts = [
        f"{engine:14s} {r['docs_per_s']:8.0f} docs/s",
        f"rss {r['rss_bytes_per_doc']:6.0f} B/doc",
    ]
    if "index_bytes_per_doc" in r:
        parts.append(f"index {r['index_bytes_per_doc']:.0f} B/doc")
    if "file_bytes_per_doc" in r:
        parts.append(f"file {r['file_bytes_per_doc']:.0f} B/doc")
    parts.append(
        f"recall@0.8 {r['recall_at_0.8']:.4f} precision {r['precision']:.4f} "
        f"(strict {r['strict_precision']:.3f}) flagged {r['flagged']}"
    )
    parts.append(f"rapidfuzz-agree {r['rapidfuzz_agree']:.3f}")
    return ", ".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
