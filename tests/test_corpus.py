"""The corpus layer in memory and in SQLite: verdicts, persistence, boilerplate, crashes."""

# ruff: noqa: RUF001

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import dedup
from benchmarks.docgen import exact_jaccard, generate
from dedup import Corpus, Verdict
from dedup._corpus.lshindex import LSHIndex
from dedup._corpus.minhash import SignatureParams, signatures

STORY = (
    "The city council approved a new budget for the harbour district on Tuesday, "
    "after a debate that lasted well into the night. Residents had asked for more "
    "money for the ferry service and for repairs to the old sea wall. The mayor said "
    "the plan would be reviewed again in the spring, when the first figures arrive."
)
OTHER = (
    "A late frost damaged vineyards across the valley this week, and growers fear "
    "that this year's harvest could be the smallest in a decade. Some farms lit "
    "small fires between the rows overnight to keep the young buds from freezing."
)
CHINESE = "北京市政府今天举行新闻发布会，介绍了今年春节期间交通运输保障工作的最新情况和主要措施。"
CHINESE_VARIANT = (
    "北京市政府今天举行新闻发布会，介绍了今年春节期间交通运输保障工作的最新情况与主要措施。"
)
CHINESE_OTHER = (
    "上海博物馆本周末推出青铜器特展，展出来自全国各地的两百余件珍贵文物，吸引大量市民参观。"
)


def test_exact_and_near_duplicates_and_unrelated() -> None:
    with Corpus() as corpus:
        assert corpus.add("a", STORY) == Verdict("a", False)
        exact = corpus.add("b", STORY.upper().replace(",", ""))
        assert (exact.is_duplicate, exact.duplicate_of, exact.rule) == (True, "a", "exact")
        assert exact.similarity == 1.0
        near = corpus.add("c", STORY.replace("Tuesday", "Wednesday") + " More to follow.")
        assert (near.is_duplicate, near.duplicate_of, near.rule) == (True, "a", "near-duplicate")
        assert 0.7 <= near.similarity < 1.0
        assert not corpus.add("d", OTHER).is_duplicate
        assert len(corpus) == 2
        assert "a" in corpus
        assert "d" in corpus
        assert "b" not in corpus
        assert "c" not in corpus
        assert 3 not in corpus


def test_rerun_is_idempotent_and_reports_the_recorded_verdict() -> None:
    corpus = Corpus()
    first = [corpus.add("a", STORY), corpus.add("b", STORY + " Updated.")]
    again = [corpus.add("a", STORY), corpus.add("b", "anything else entirely")]
    assert [v.seen for v in again] == [True, True]
    assert again[1].duplicate_of == first[1].duplicate_of == "a"
    assert len(corpus) == 1
    assert corpus.verdict("b") == again[1]
    assert corpus.verdict("zzz") is None


def test_keep_longest_replaces_the_shorter_copy() -> None:
    corpus = Corpus(keep="longest")
    corpus.add("short", STORY)
    v = corpus.add("long", STORY + " The council meets again on Friday.")
    assert (v.is_duplicate, v.replaced) == (False, "short")
    assert "long" in corpus
    assert "short" not in corpus
    evicted = corpus.verdict("short")
    assert evicted is not None
    assert evicted.duplicate_of == "long"
    w = corpus.add("shorter", STORY[:-20])
    assert (w.is_duplicate, w.duplicate_of) == (True, "long")


def test_remove_then_add_again_is_not_a_duplicate() -> None:
    corpus = Corpus()
    corpus.add("a", STORY)
    corpus.remove("a")
    assert "a" not in corpus
    assert len(corpus) == 0
    assert not corpus.add("a2", STORY).is_duplicate
    with pytest.raises(KeyError):
        corpus.remove("a")


def test_duplicates_within_one_batch_are_found() -> None:
    corpus = Corpus()
    verdicts = corpus.add_many([("x", STORY), ("y", OTHER), ("z", STORY + " Updated.")])
    assert [v.is_duplicate for v in verdicts] == [False, False, True]
    assert verdicts[2].duplicate_of == "x"


def test_chinese_is_shingled_by_characters() -> None:
    corpus = Corpus()
    corpus.add("zh", CHINESE)
    v = corpus.add("zh2", CHINESE_VARIANT)
    assert v.is_duplicate
    assert v.duplicate_of == "zh"
    assert not corpus.add("zh3", CHINESE_OTHER).is_duplicate


def test_thai_is_shingled_by_characters() -> None:
    base = "รัฐบาลประกาศมาตรการช่วยเหลือเกษตรกรที่ได้รับผลกระทบจากน้ำท่วมในภาคเหนือ"
    corpus = Corpus()
    corpus.add("th", base + "เมื่อวันจันทร์ที่ผ่านมา")
    v = corpus.add("th2", base + "เมื่อวันอังคารที่ผ่านมา")
    assert (v.is_duplicate, v.duplicate_of) == (True, "th")
    other = "นักท่องเที่ยวต่างชาติเดินทางมาเยือนจังหวัดเชียงใหม่เพิ่มขึ้นอย่างต่อเนื่องในช่วงเทศกาลปีใหม่"
    assert not corpus.add("th3", other).is_duplicate


def test_signatures_are_the_same_in_another_process() -> None:
    params = SignatureParams()
    here = signatures([STORY, CHINESE], params)
    code = textwrap.dedent(
        f"""
        import json, sys
        from dedup._corpus.minhash import SignatureParams, signatures
        s = signatures({[STORY, CHINESE]!r}, SignatureParams())
        print(json.dumps([s.bands.tolist(), s.sig.tolist(), [str(c) for c in s.content]]))
        """
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    bands, sig, content = json.loads(out.stdout)
    assert bands == here.bands.tolist()
    assert sig == here.sig.tolist()
    assert content == [str(c) for c in here.content]


def test_synthetic_corpus_recall_and_precision() -> None:
    docs = generate(1500, seed=11)
    corpus = Corpus()
    verdicts = corpus.add_many((d.doc_id, d.text) for d in docs)
    by_id = {d.doc_id: d for d in docs}
    flagged = [v for v in verdicts if v.is_duplicate]
    assert flagged
    assert all(by_id[v.doc_id].cluster == by_id[v.duplicate_of].cluster for v in flagged)
    members: dict[int, list[int]] = defaultdict(list)
    relevant = caught = 0
    for i, d in enumerate(docs):
        earlier = members[d.cluster]
        if any(exact_jaccard(docs[j].text, d.text) >= 0.8 for j in earlier):
            relevant += 1
            caught += verdicts[i].is_duplicate
        earlier.append(i)
    assert relevant > 50
    assert caught / relevant >= 0.95


def test_index_rebuild_keeps_every_candidate() -> None:
    rng = np.random.default_rng(5)
    ix = LSHIndex(bands=3, sig_bytes=2, max_bucket=100)
    keys = rng.integers(0, 2**32, size=(300, 3), dtype=np.uint64)
    keys[100:200, 1] = keys[:100, 1]  # planted collisions in band 1
    for row in keys.tolist():
        ix.insert(row, b"ab", 0, 1)
    ix.kill(7)
    before = [ix.candidates(row) for row in keys.tolist()]
    ix._rebuild(ix.bits + 1)
    assert [ix.candidates(row) for row in keys.tolist()] == before
    assert 7 not in before[107]
    assert sorted(before[150]) == [50, 150]


def test_batch_plan_finds_exactly_the_documents_without_candidates() -> None:
    rng = np.random.default_rng(9)
    ix = LSHIndex(bands=4, sig_bytes=2, max_bucket=100)
    old = rng.integers(0, 2**32, size=(200, 4), dtype=np.uint64)
    for row in old.tolist():
        ix.insert(row, b"ab", 0, 1)
    new = rng.integers(0, 2**32, size=(300, 4), dtype=np.uint64)
    new[:40, 2] = old[:40, 2]  # shares a key with an indexed document
    new[100:140, 1] = new[60:100, 1]  # with an earlier document of the list
    new[200:220, 3] = (new[200:220, 3] & 0xFFFF) | (old[:20, 3] & 0xFFFF0000)  # fingerprint only
    plan = ix.plan(new.astype(np.uint32))
    assert plan is not None
    pos, lonely = plan
    for k, row in enumerate(new.tolist()):
        assert pos[k] == ix.positions(row)
        assert lonely[k] == (not ix.candidates(row)), k
        ix.insert(row, b"ab", 0, 1)
    assert lonely[:40] == [False] * 40
    assert lonely[100:140] == [False] * 40
    assert all(lonely[200:220])
    # a dead slot still counts (never lonely by mistake); a growing table: no plan
    row = [1, 2, 3, 4]
    assert ix.plan(np.array([row], dtype=np.uint32)) == ([ix.positions(row)], [True])
    ix.kill(ix.insert(row, b"ab", 0, 1))
    assert ix.plan(np.array([row], dtype=np.uint32)) == ([ix.positions(row)], [False])
    assert ix.plan(rng.integers(0, 2**32, size=(2**17, 4), dtype=np.uint32)) is None


def test_add_many_gives_the_verdicts_of_add_one_by_one() -> None:
    docs = [(d.doc_id, d.text) for d in generate(1500, seed=11)]
    for keep in ("first", "longest"):
        one = Corpus(keep=keep)
        assert Corpus(keep=keep).add_many(docs) == [one.add(i, t) for i, t in docs]


def test_one_signature_equals_the_batch_signature() -> None:
    from dedup._corpus.minhash import signature_one

    params = SignatureParams()
    long_text = " ".join(f"word{i % 997} w{i % 13}" for i in range(3000))  # > 1,024 shingles
    texts = ["", "!!", "one", STORY, CHINESE, long_text]
    s = signatures(texts, params)
    for i, text in enumerate(texts):
        keys, sig, content = signature_one(text, params)
        assert keys == s.bands[i].tolist()
        assert sig == s.sig[i].tobytes()
        assert content == int(s.content[i])


def test_bad_options_and_inputs_are_clear_errors() -> None:
    with pytest.raises(dedup.ConfigError, match="min_jaccard") as info:
        Corpus(min_jaccard=0.2)
    assert info.value.option == "min_jaccard"
    with pytest.warns(DeprecationWarning, match="min_jaccard"):
        assert Corpus(threshold=0.9).config.min_jaccard == 0.9
    with pytest.raises(dedup.ConfigError, match="unknown option 'treshold'"):
        Corpus(treshold=0.9)
    with pytest.raises(dedup.ConfigError, match="keep"):
        Corpus(keep="last")
    with pytest.raises(dedup.ConfigError, match="bands"):
        Corpus(bands=20, rows=7)
    with pytest.raises(dedup.ConfigError, match="unknown store"):
        Corpus("postgres://x")
    corpus = Corpus()
    with pytest.raises(TypeError, match="text must be str"):
        corpus.add("a", b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="doc_id"):
        corpus.add(1, "text")  # type: ignore[arg-type]


# -- boilerplate ------------------------------------------------------------------------


def _site_pages(n: int) -> list[tuple[str, str]]:
    pages = []
    for i in range(n):
        words = [f"w{(i * 31 + k * 17) % 997}x{k % (i + 2)}" for k in range(40)]
        body = " ".join(words) + "."
        lines = [body, "Share this article", "TOP TRENDING"]
        if i % 2 == 0:
            lines.append("A stock photo of the harbour at dawn, with boats in the mist")
        pages.append((f"p{i}", "\n".join(lines) + "\n"))
    return pages


def test_site_boilerplate_is_learned_and_removed_with_evidence() -> None:
    corpus = Corpus(boilerplate_share=0.4, boilerplate_min_docs=3)
    for doc_id, text in _site_pages(10):
        corpus.add(doc_id, text, site="news.example")
    page = "A fresh story about the river.\nShare this article\nTOP TRENDING\nThe end of it.\n"
    report = corpus.explain("new", page, site="news.example")
    assert report.text == "A fresh story about the river.\nThe end of it.\n"
    assert corpus.clean("new", page, site="news.example") == report.text
    assert [(b.text, b.rule, b.frequency, b.site_docs) for b in report.boilerplate] == [
        ("Share this article", "site-boilerplate", 10, 10),
        ("TOP TRENDING", "site-boilerplate", 10, 10),
    ]
    caption = "A stock photo of the harbour at dawn, with boats in the mist"
    assert (
        corpus.explain("c", f"Story.\n{caption}\n", site="news.example").boilerplate[0].share == 0.5
    )
    # other sites, and no site at all, learn nothing from news.example
    assert corpus.clean("x", page, site="other.example") == page
    assert corpus.clean("x", page) == page
    # replaying the deleted spans gives the text
    spans = sorted(b.deleted_span for b in report.boilerplate)
    rebuilt, pos = "", 0
    for start, end in spans:
        rebuilt, pos = rebuilt + page[pos:start], end
    assert rebuilt + page[pos:] == report.text


def test_boilerplate_share_and_minimum_count_are_respected() -> None:
    corpus = Corpus(boilerplate_share=0.6, boilerplate_min_docs=3)
    for doc_id, text in _site_pages(10):
        corpus.add(doc_id, text, site="s")
    caption = "A stock photo of the harbour at dawn, with boats in the mist"
    assert corpus.clean("q", f"Body text.\n{caption}\n", site="s") == f"Body text.\n{caption}\n"
    few = Corpus(boilerplate_min_docs=20)
    for doc_id, text in _site_pages(10):
        few.add(doc_id, text, site="s")
    assert few.clean("q", "Body.\nShare this article\n", site="s") == "Body.\nShare this article\n"


def test_within_document_copies_are_still_removed() -> None:
    corpus = Corpus()
    caption = "Firefighters hose down the roof of the burning warehouse near the docks"
    text = f"Intro.\n{caption}\n{caption}\nEnd."
    report = corpus.explain("a", text, site="s")
    assert report.text == dedup.clean(text)
    assert len(report.removals) == 1


# -- SQLite ---------------------------------------------------------------------------


def test_sqlite_index_survives_a_restart(tmp_path: Path) -> None:
    url = "sqlite:////" + str(tmp_path / "idx.db").lstrip("/")
    with Corpus(url) as corpus:
        corpus.add("a", STORY, site="s")
        corpus.add("b", STORY + " Updated.", site="s")
        corpus.add("c", OTHER, site="s")
        assert corpus.address == url
    with Corpus(url) as corpus:
        assert len(corpus) == 2
        assert "a" in corpus
        assert "c" in corpus
        assert "b" not in corpus
        v = corpus.add("d", OTHER + " Updated.")
        assert (v.is_duplicate, v.duplicate_of) == (True, "c")
        again = corpus.add("b", STORY)
        assert again.seen
        assert again.duplicate_of == "a"
        _, counts = corpus._store.line_counts("s", [])
        assert counts == []
    db = sqlite3.connect(tmp_path / "idx.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM dups").fetchone()[0] == 2
    assert all(len(r[0]) == 148 for r in db.execute("SELECT data FROM docs"))


def test_sqlite_bulk_load_matches_memory(tmp_path: Path) -> None:
    docs = generate(1600, seed=4)
    url = "sqlite:////" + str(tmp_path / "bulk.db").lstrip("/")
    half = len(docs) // 2
    memory = Corpus()
    expected = memory.add_many((d.doc_id, d.text) for d in docs)
    with Corpus(url) as corpus:
        got = corpus.add_many((d.doc_id, d.text) for d in docs[:half])
    with Corpus(url) as corpus:  # > 1000 rows: loaded in bulk
        got += corpus.add_many((d.doc_id, d.text) for d in docs[half:])
        assert len(corpus) == len(memory)
    assert got == expected


def test_sqlite_options_must_match_the_index(tmp_path: Path) -> None:
    url = "sqlite:////" + str(tmp_path / "p.db").lstrip("/")
    Corpus(url).close()
    with pytest.raises(dedup.ConfigError, match="num_perm=128"):
        Corpus(url, num_perm=64, bands=8, rows=8)


def test_sqlite_missing_directory_names_the_path(tmp_path: Path) -> None:
    url = "sqlite:////" + str(tmp_path / "nope" / "x.db").lstrip("/")
    with pytest.raises(dedup.StoreError, match="nope"):
        Corpus(url)


def test_sqlite_locked_by_another_writer_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    url = "sqlite:////" + str(path).lstrip("/")
    corpus = Corpus(url)
    corpus.add("a", STORY)
    corpus._store.db.execute("PRAGMA busy_timeout=200")  # type: ignore[attr-defined]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(dedup.StoreError, match=r"locked\.db"):
        corpus.add_many([("b", OTHER), ("c", OTHER + " x")])
    other.execute("ROLLBACK")
    assert "b" not in corpus
    assert len(corpus) == 1
    assert not corpus.add("b", OTHER).is_duplicate
    corpus.close()


_WORKER = """
import json, sys
from dedup import Corpus
from benchmarks.docgen import generate
docs = generate({n}, seed=7)
with Corpus(sys.argv[1]) as corpus:
    for k in range(0, len(docs), {batch}):
        corpus.add_many((d.doc_id, d.text) for d in docs[k:k + {batch}])
        print(k + {batch}, flush=True)
"""


def test_sigkill_mid_run_loses_nothing_committed_and_resumes(tmp_path: Path) -> None:
    n, batch = 3000, 100
    path = tmp_path / "crash.db"
    url = "sqlite:////" + str(path).lstrip("/")
    script = tmp_path / "worker.py"
    script.write_text(_WORKER.format(n=n, batch=batch))
    proc = subprocess.Popen([sys.executable, str(script), url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    acknowledged = 0
    deadline = time.monotonic() + 60
    while acknowledged < 1000 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acknowledged >= 1000, "the worker did not get far enough"
    docs = generate(n, seed=7)
    db = sqlite3.connect(path)
    done = {r[0] for r in db.execute("SELECT doc_id FROM docs UNION SELECT doc_id FROM dups")}
    db.close()
    # every acknowledged batch is there, and only whole batches
    assert len(done) >= acknowledged
    assert len(done) % batch == 0
    assert done == {d.doc_id for d in docs[: len(done)]}
    # a rerun over the whole input resumes to the result of an uninterrupted run
    with Corpus(url) as corpus:
        rerun = corpus.add_many((d.doc_id, d.text) for d in docs)
        assert all(v.seen for v in rerun[: len(done)])
        kept = {d.doc_id for d in docs if d.doc_id in corpus}
    reference = Corpus()
    ref = reference.add_many((d.doc_id, d.text) for d in docs)
    assert kept == {d.doc_id for d in docs if d.doc_id in reference}
    strip = [(v.doc_id, v.is_duplicate, v.duplicate_of) for v in rerun]
    assert strip == [(v.doc_id, v.is_duplicate, v.duplicate_of) for v in ref]


def test_batch_shingling_equals_one_by_one() -> None:
    from dedup._corpus.minhash import shingles, shingles_batch

    rng = np.random.default_rng(3)
    pieces = ["alpha", "Beta", "ÉTÉ", "straße", "北京", "市政府", "ไทย", "x", "42", "—", "\n", " "]
    texts = ["".join(rng.choice(pieces, size=int(rng.integers(0, 30)))) for _ in range(300)]
    texts += ["", "a", "a b", "ǅ ŉ ß ﬁ", "\ud800 lone surrogate here"]
    params = SignatureParams()
    got, content = shingles_batch(texts, params)
    for text, sh, c in zip(texts, got, content.tolist(), strict=True):
        want, want_c = shingles(text, params)
        assert sh.tolist() == want.tolist(), text
        assert c == want_c, text


def test_hard_wrapped_boilerplate_footer_is_removed() -> None:
    """A footer wrapped over two lines is one unit for clean(); it is learnt as one, too."""
    footer = (
        "Sign up for the morning briefing and get the day's top stories\n"
        "from the harbour district delivered to your inbox before breakfast."
    )

    def page(i: int) -> str:
        words = " ".join(f"w{(i * 13 + k * 7) % 991}q{k % (i + 3)}" for k in range(30))
        return f"Story {i} begins here.\n\n{words}.\n\n{footer}\n"

    for mode in ("auto", "line", "block"):
        corpus = Corpus(boilerplate_min_docs=3, clean_config=dedup.CleanConfig(segment=mode))
        for i in range(6):
            corpus.add(f"p{i}", page(i), site="harbour.example")
        report = corpus.explain("new", page(99), site="harbour.example")
        assert report.boilerplate, mode
        assert "Sign up" not in report.text, mode
        assert "inbox" not in report.text, mode
        assert report.text.startswith("Story 99 begins here.\n\n"), mode


def _sqlite_url(path: Path) -> str:
    return "sqlite:////" + str(path).lstrip("/")


def test_sqlite_slot_of_a_removed_document_is_never_reused(tmp_path: Path) -> None:
    """Three writers of one file (separate connections, as separate processes have):
    P2 removes the newest document, P3 adds y; P1 must still see y and keep one copy."""
    url = _sqlite_url(tmp_path / "shared.db")
    y = OTHER
    p1 = Corpus(url)
    p1.add_many([("a", STORY), ("b", "Entirely unrelated text about trains and their timetables.")])
    with Corpus(url) as p2:
        p2.remove("b")
    with Corpus(url) as p3:
        assert not p3.add("y", y).is_duplicate
    v = p1.add("y-copy", y + " Updated at noon.")
    assert (v.is_duplicate, v.duplicate_of) == (True, "y")
    p1.close()
    with Corpus(url) as fresh:
        assert len(fresh) == 2
        assert "y" in fresh
        assert "y-copy" not in fresh


def test_sqlite_removal_by_another_writer_is_seen_at_the_next_batch(tmp_path: Path) -> None:
    url = _sqlite_url(tmp_path / "shared.db")
    p1 = Corpus(url)
    p1.add("a", STORY)
    with Corpus(url) as p2:
        p2.remove("a")
    v = p1.add("a-copy", STORY + " Updated.")
    assert not v.is_duplicate  # not a duplicate of a document that is gone
    assert "a" not in p1
    p1.close()


def test_jaccard_estimates_agree_with_datasketch_minhash() -> None:
    """The reference: datasketch's MinHash (128 permutations) over the same shingles.

    Both estimates fall within 3 standard errors of the exact Jaccard for nearly every
    pair (ours, 4-bit, has a slightly wider spread: sqrt(m(1-m)/128)/(15/16), m the
    chance two 4-bit values agree), neither is biased, and they agree closely on average.
    """
    datasketch = pytest.importorskip("datasketch")
    from dedup._corpus.minhash import estimate_jaccard, shingles

    p = SignatureParams()
    rng = np.random.default_rng(3)
    words = [f"w{k}" for k in range(5000)]
    exact, ours, theirs, se_ours, se_full = [], [], [], [], []
    for _ in range(300):
        base = list(rng.choice(words, size=int(rng.integers(60, 200))))
        variant = list(base)
        for k in rng.choice(len(base), size=int(len(base) * rng.uniform(0, 0.25)), replace=False):
            variant[k] = str(rng.choice(words))
        a, b = " ".join(base), " ".join(variant)
        sa, sb = set(shingles(a, p)[0].tolist()), set(shingles(b, p)[0].tolist())
        j = len(sa & sb) / len(sa | sb)
        sig = signatures([a, b], p).sig
        mine = float(estimate_jaccard(sig[0], sig[1:])[0])
        ma, mb = datasketch.MinHash(num_perm=128, seed=1), datasketch.MinHash(num_perm=128, seed=1)
        ma.update_batch([h.to_bytes(8, "little") for h in sorted(sa)])
        mb.update_batch([h.to_bytes(8, "little") for h in sorted(sb)])
        exact.append(j)
        ours.append(mine)
        theirs.append(float(ma.jaccard(mb)))
        m = j + (1 - j) / 16
        se_ours.append(max(np.sqrt(m * (1 - m) / 128) / (15 / 16), 1e-3))
        se_full.append(max(np.sqrt(j * (1 - j) / 128), 1e-3))
    e, o, t = np.array(exact), np.array(ours), np.array(theirs)
    assert e.min() < 0.4  # a spread of similarities was tested
    assert e.max() > 0.95
    assert np.mean(np.abs(o - e) <= 3 * np.array(se_ours)) >= 0.98
    assert np.mean(np.abs(t - e) <= 3 * np.array(se_full)) >= 0.98
    assert abs(float(np.mean(o - e))) < 0.01  # unbiased
    assert abs(float(np.mean(t - e))) < 0.01
    assert float(np.mean(np.abs(o - t))) < 0.06


def test_the_library_never_imports_datasketch(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["datasketch"] = None  # importing it would fail
        import dedup, dedup.spark
        lines = [f"Line number {k} of a page about the harbour and its boats" for k in range(30)]
        text = "\\n".join(lines + lines)
        assert dedup.clean(text, scope="document", all_pairs_limit=2).count("Line number 3 ") == 1
        with dedup.Corpus() as corpus:
            corpus.add("a", text)
            assert corpus.add("b", text).is_duplicate
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_sqlite_index_of_the_old_schema_is_migrated(tmp_path: Path) -> None:
    """Files written when ``docs.slot`` was a plain ``INTEGER PRIMARY KEY`` (slots could
    be reused) open as before and never reuse a slot from then on."""
    path = tmp_path / "old.db"
    with Corpus(_sqlite_url(path)) as corpus:
        corpus.add_many([("a", STORY), ("b", OTHER)])
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        """
        CREATE TABLE docs_old (
            slot INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, data BLOB NOT NULL);
        INSERT INTO docs_old SELECT * FROM docs;
        DROP TABLE docs;
        DROP TABLE removed;
        ALTER TABLE docs_old RENAME TO docs;
        DELETE FROM sqlite_sequence;
        """
    )
    db.close()
    p1 = Corpus(_sqlite_url(path))
    assert len(p1) == 2
    with Corpus(_sqlite_url(path)) as p2:
        p2.remove("b")
    with Corpus(_sqlite_url(path)) as p3:
        p3.add("y", CHINESE)
    assert p1.add("y-copy", CHINESE_VARIANT).duplicate_of == "y"
    p1.close()
    db = sqlite3.connect(path)
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'docs'").fetchone()
    assert "AUTOINCREMENT" in sql
    assert [r[0] for r in db.execute("SELECT doc_id FROM docs ORDER BY slot")] == ["a", "y"]
    db.close()


@pytest.mark.parametrize(
    ("blocked", "call", "extra"),
    [
        ("redis", "dedup.Corpus('redis://127.0.0.1:1/0')", "redis"),
        ("pyspark", "dedup.spark.session()", "spark"),
    ],
)
def test_a_missing_extra_is_a_missing_extra_error(blocked: str, call: str, extra: str) -> None:
    code = (
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "import dedup, dedup.spark\n"
        "try:\n"
        f"    {call}\n"
        "except dedup.MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert f"pip install 'news-dedup[{extra}]'" in out.stdout


@pytest.mark.parametrize(("durability", "level"), [("normal", 1), ("full", 2)])
def test_sqlite_durability_sets_the_sync_level(tmp_path: Path, durability: str, level: int) -> None:
    """``durability="full"`` makes SQLite sync every commit (survives a power loss);
    the default survives a killed process (WAL with ``synchronous=NORMAL``)."""
    with Corpus(f"sqlite:///{tmp_path / 'index.db'}", durability=durability) as corpus:
        corpus.add("a", "The council approved the new harbour budget on Tuesday evening.")
        store = corpus._store
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == level  # type: ignore[attr-defined]
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # type: ignore[attr-defined]
    with pytest.raises(dedup.ConfigError) as info:
        Corpus(durability="always")
    assert info.value.option == "durability"
