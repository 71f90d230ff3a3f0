"""The Redis store against a real redis-server started on 127.0.0.1 by the tests."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import dedup
from benchmarks.docgen import generate
from dedup import Corpus

redis = pytest.importorskip("redis", reason="redis-py is not installed (pip install '.[redis]')")

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server binary not found (apt-get install redis-server)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class RedisServer:
    port: int
    workdir: Path
    durable: bool = False
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.workdir),
                "--save", "",
                "--appendonly", "yes" if self.durable else "no",
                "--appendfsync", "always",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    srv = RedisServer(_free_port(), tmp_path)
    srv.start()
    yield srv
    srv.kill()


@pytest.fixture
def durable_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A server with an fsynced append-only file, so state survives a kill."""
    srv = RedisServer(_free_port(), tmp_path, durable=True)
    srv.start()
    yield srv
    srv.kill()


@pytest.mark.parametrize("keep", ["first", "longest"])
def test_redis_gives_the_same_verdicts_as_memory(server: RedisServer, keep: str) -> None:
    docs = generate(300, seed=21)
    memory = Corpus(keep=keep)
    expected = memory.add_many((d.doc_id, d.text, d.site) for d in docs)
    with Corpus(server.url, keep=keep) as corpus:
        got = corpus.add_many((d.doc_id, d.text, d.site) for d in docs)  # pipelined batches
        assert got == expected
        # again, with the same ids twice in one batch: every verdict is the recorded one
        again = corpus.add_many([(d.doc_id, d.text, d.site) for d in docs[:20]] * 2)
        assert again == memory.add_many([(d.doc_id, d.text, d.site) for d in docs[:20]] * 2)
        assert len(corpus) == len(memory)
        page = docs[0].text
        assert corpus.explain("x", page, site=docs[0].site) == memory.explain(
            "x", page, site=docs[0].site
        )
        again = corpus.add(docs[5].doc_id, docs[5].text)
        assert again.seen
        kept = next(d.doc_id for d, v in zip(docs, got, strict=True) if not v.is_duplicate)
        corpus.remove(kept)
        assert kept not in corpus
        assert len(corpus) == len(memory) - 1
        with pytest.raises(KeyError):
            corpus.remove(kept)


def test_redis_add_many_stops_at_a_bad_document_as_memory_does(server: RedisServer) -> None:
    # the next batch is signed in a thread while one is stored: its error still comes
    # after every earlier batch is stored, and nothing of its own batch is
    docs: list[Any] = [(d.doc_id, d.text) for d in generate(600, seed=8, dup_share=0.0)]
    docs[550] = ("bad", b"bytes, not text")
    for store in (server.url, None):
        with Corpus(store) as corpus:
            with pytest.raises(TypeError, match="decode it first"):
                corpus.add_many(iter(docs))
            assert len(corpus) == 512
            assert docs[511][0] in corpus
            assert docs[512][0] not in corpus


def test_redis_options_must_match_the_index(server: RedisServer) -> None:
    Corpus(server.url).close()
    with pytest.raises(dedup.ConfigError, match="seed"):
        Corpus(server.url, seed=2)
    Corpus(server.url, seed=2, prefix="other").close()


def test_redis_index_of_another_layout_is_refused_by_name(server: RedisServer) -> None:
    client = redis.Redis(host="127.0.0.1", port=server.port)
    params = {"num_perm": 128, "bands": 18, "rows": 7, "word_shingle": 3, "char_shingle": 4}
    client.set("dedup:params", json.dumps({**params, "seed": 1}))  # written without a layout
    client.close()
    with pytest.raises(dedup.ConfigError, match=r"key layout 1 .* reads layout 2") as info:
        Corpus(server.url)
    assert info.value.option == "prefix"
    Corpus(server.url, prefix="fresh").close()


def test_unreachable_redis_names_the_address() -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(dedup.StoreError, match=re.escape(url)):
        Corpus(url)


_WORKER = """
import json, sys
from dedup import Corpus
from benchmarks.docgen import generate
docs = generate(150, seed=99, dup_share=0.0)
order = docs if int(sys.argv[2]) % 2 == 0 else docs[::-1]
with Corpus(sys.argv[1]) as corpus:
    out = []
    for d in order:
        # every worker adds its own near-identical copy of every story
        text = d.text + "Updated by worker " + sys.argv[2] + "."
        v = corpus.add(d.doc_id + "/w" + sys.argv[2], text)
        out.append([v.doc_id, v.is_duplicate, v.duplicate_of])
print(json.dumps(out))
"""


_BATCH_WORKER = """
import json, sys
from dedup import Corpus
from benchmarks.docgen import generate
docs = generate(150, seed=99, dup_share=0.0)
order = docs if int(sys.argv[2]) % 2 == 0 else docs[::-1]
with Corpus(sys.argv[1]) as corpus:
    items = [(d.doc_id + "/w" + sys.argv[2], d.text + "Updated by worker " + sys.argv[2] + ".")
             for d in order]
    out = []
    for k in range(0, len(items), 7):  # pipelined batches, interleaved with the others
        out += [[v.doc_id, v.is_duplicate, v.duplicate_of] for v in corpus.add_many(items[k:k + 7])]
print(json.dumps(out))
"""


@pytest.mark.parametrize("worker", [_WORKER, _BATCH_WORKER], ids=["add", "add_many"])
def test_concurrent_workers_keep_exactly_one_copy(
    server: RedisServer, tmp_path: Path, worker: str
) -> None:
    script = tmp_path / "worker.py"
    script.write_text(worker)
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), server.url, str(w)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    results = []
    for p in workers:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        results.append(__import__("json").loads(out))
    docs = generate(150, seed=99, dup_share=0.0)
    kept: dict[str, list[str]] = {d.doc_id: [] for d in docs}
    for res in results:
        for doc_id, is_dup, dup_of in res:
            story = doc_id.rsplit("/", 1)[0]
            if not is_dup:
                kept[story].append(doc_id)
            else:
                assert dup_of.rsplit("/", 1)[0] == story
    assert all(len(v) == 1 for v in kept.values()), [k for k, v in kept.items() if len(v) != 1]
    with Corpus(server.url) as corpus:
        assert len(corpus) == len(docs)
        assert all(v[0] in corpus for v in kept.values())


def test_redis_going_away_is_a_clear_error_and_leaves_no_partial_state(
    durable_server: RedisServer,
) -> None:
    server = durable_server
    docs = generate(300, seed=5)
    corpus = Corpus(server.url)
    for d in docs[:150]:
        corpus.add(d.doc_id, d.text, site=d.site)
    server.kill()
    d = docs[150]
    with pytest.raises(dedup.StoreError, match=f"127.0.0.1:{server.port}") as info:
        corpus.add(d.doc_id, d.text, site=d.site)
    assert "nothing of the current document was written" in str(info.value)
    # the append-only file holds whole documents only: every script ran entirely or not
    server.start()
    client = redis.Redis(host="127.0.0.1", port=server.port)
    ids: dict[str, int] = {}  # indexed documents: id -> slot
    dups: set[str] = set()
    for key in client.scan_iter("dedup:i:*"):
        for k, v in client.hgetall(key).items():
            if v.isdigit():
                ids[k.decode()] = int(v)
            else:
                dups.add(k.decode())
    names = {
        int(key.rsplit(b":", 1)[1]) * 64 + int(k): v.decode()
        for key in client.scan_iter("dedup:n:*")
        for k, v in client.hgetall(key).items()
    }
    assert {names[s] for s in ids.values()} == set(ids)
    assert len(names) == len(ids)
    assert int(client.get("dedup:live")) == len(ids)
    assert set(ids) | dups == {d.doc_id for d in docs[:150]}
    used = int(client.get("dedup:next"))
    records = client.get("dedup:r:0")  # fewer than 1,077 slots: one block
    assert sorted(client.scan_iter("dedup:r:*")) == [b"dedup:r:0"]
    assert len(records) == 1077 * 76
    written = [records[s * 76 : (s + 1) * 76] != bytes(76) for s in range(1077)]
    assert written == [s < used for s in range(1077)]
    in_buckets = set()
    for v in client.hvals("dedup:b"):
        assert len(v) % 7 == 0
        in_buckets.update(int.from_bytes(v[k + 3 : k + 7], "big") for k in range(0, len(v), 7))
    assert in_buckets == set(range(used))
    client.close()
    # and the run resumes to the same result as an uninterrupted one
    with Corpus(server.url) as again:
        rerun = again.add_many((d.doc_id, d.text, d.site) for d in docs)
    ref = Corpus().add_many((d.doc_id, d.text, d.site) for d in docs)
    assert [(v.is_duplicate, v.duplicate_of) for v in rerun] == [
        (v.is_duplicate, v.duplicate_of) for v in ref
    ]


STORY = (
    "The city council approved a new budget for the harbour district on Tuesday, "
    "after a debate that lasted well into the night. Residents had asked for more "
    "money for the ferry service and for repairs to the old sea wall."
)

# The module whose duplicate rule the Redis store calls (patched to interleave a client).
_RULE_AT = ("dedup._corpus.redis", "decide_duplicate")


def _between_decision_and_script(
    monkeypatch: pytest.MonkeyPatch, action: Callable[[], None], times: int = 1
) -> None:
    """Run ``action`` (another client's write) right after the store decided a
    document, before its script commits the decision."""
    module = importlib.import_module(_RULE_AT[0])
    rule = getattr(module, _RULE_AT[1])
    left = [times]
    busy = [False]

    def interleaved(*args: Any, **kwargs: Any) -> Any:
        decision = rule(*args, **kwargs)
        if left[0] > 0 and not busy[0]:  # not inside the other client's own write
            left[0] -= 1
            busy[0] = True
            try:
                action()
            finally:
                busy[0] = False
        return decision

    monkeypatch.setattr(module, _RULE_AT[1], interleaved)


def test_redis_duplicate_of_a_document_removed_meanwhile_is_retried(
    server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Corpus(server.url) as first, Corpus(server.url) as other:
        first.add("x", STORY)
        _between_decision_and_script(monkeypatch, lambda: other.remove("x"))
        v = first.add("x-copy", STORY + " Updated at noon.")
        # x was gone when the script ran: the copy is checked again and kept
        assert not v.is_duplicate
        assert "x-copy" in first
        assert "x" not in first
        assert first.verdict("x-copy") == dedup.Verdict("x-copy", False, seen=True)


def test_redis_store_gives_up_after_bounded_retries(
    server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Corpus(server.url) as first, Corpus(server.url) as other:
        first.add("x", STORY)

        def churn() -> None:  # x leaves and comes back: its buckets grow every time
            other.remove("x")
            other.add("x", STORY)

        _between_decision_and_script(monkeypatch, churn, times=1000)
        with pytest.raises(dedup.StoreError, match="changed"):
            first.add("x-copy", STORY + " Updated at noon.")
        assert "x-copy" not in first
        assert first.verdict("x-copy") is None
