"""Where a :class:`dedup.Corpus` keeps its index: memory, SQLite or Redis.

Every store gives the same answers for the same input; they differ in where the state
lives and who may share it:

* memory (``store=None``): one process, gone on exit.
* SQLite (``"sqlite:///path.db"``): one file; WAL journal, one transaction per batch,
  survives restarts and crashes (a batch is committed whole or not at all). Several
  processes may write one file: each batch takes the write lock and first reads what the
  others added.
* Redis (``"redis://host:port/db"``): several worker processes share one index; the
  query-then-insert of a document runs as one Lua script, so of two near-duplicates added
  at the same time exactly one is kept.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import unquote, urlsplit

import numpy as np

from .._errors import ConfigError, DedupError
from .lshindex import LSHIndex
from .minhash import SignatureParams, estimate_jaccard

__all__ = [
    "Doc",
    "MemoryStore",
    "Outcome",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "Verdict",
    "open_store",
]


class StoreError(DedupError, ConnectionError):
    """The index store could not be reached, opened or written; the message names it."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What :meth:`dedup.Corpus.add` says of one document.

    Attributes:
        doc_id: the document's id.
        is_duplicate: whether the document copies one already in the index (it is then
            not recorded).
        duplicate_of: the id of the indexed document it copies, else ``None``.
        similarity: estimated Jaccard similarity (0-1) of the two documents' shingle
            sets; 1.0 for exact copies; 0.0 when not a duplicate.
        rule: ``"exact"`` (same words in the same order, ignoring case and
            punctuation), ``"near-duplicate"``, or ``None``.
        replaced: with ``keep="longest"``, the id of a shorter indexed copy that this
            document replaced (that copy is now a duplicate of this one).
        seen: the id was added before; the verdict is the one recorded then.
    """

    doc_id: str
    is_duplicate: bool
    duplicate_of: str | None = None
    similarity: float = 0.0
    rule: str | None = None
    replaced: str | None = None
    seen: bool = False

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (the schema of ``removed.jsonl`` lines)."""
        return {
            "id": self.doc_id,
            "duplicate": self.is_duplicate,
            "duplicate_of": self.duplicate_of,
            "similarity": round(self.similarity, 4),
            "rule": self.rule,
            "replaced": self.replaced,
        }


@dataclass(frozen=True, slots=True)
class Doc:
    """One document, ready for the index."""

    doc_id: str
    site: str | None
    keys: tuple[int, ...]
    sig: bytes
    content: int
    length: int
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The decision for one document: insert it, or it copies ``slot`` (or replaces it)."""

    action: str  # "insert" | "dup" | "replace"
    slot: int = -1
    similarity: float = 0.0
    rule: str | None = None


Candidate = tuple[int, bytes, int, int]  # slot, signature, content hash, length


def decide(doc: Doc, cands: Sequence[Candidate], *, threshold: float, keep: str) -> Outcome:
    """Verify every candidate and decide; the best match wins, the earliest on ties."""
    if not cands:
        return Outcome("insert")
    q = np.frombuffer(doc.sig, dtype=np.uint8)
    others = np.frombuffer(b"".join(c[1] for c in cands), dtype=np.uint8).reshape(len(cands), -1)
    est = estimate_jaccard(q, others)
    best: tuple[float, int, int] | None = None  # (similarity, -slot, index)
    for k, (slot, _, content, _) in enumerate(cands):
        sim = 1.0 if content == doc.content else float(est[k])
        if sim >= threshold and (best is None or (sim, -slot) > best[:2]):
            best = (sim, -slot, k)
    if best is None:
        return Outcome("insert")
    sim, _, k = best
    slot, _, content, length = cands[k]
    rule = "exact" if content == doc.content else "near-duplicate"
    if keep == "longest" and doc.length > length:
        return Outcome("replace", slot, sim, rule)
    return Outcome("dup", slot, sim, rule)


class Store(Protocol):
    """What :class:`dedup.Corpus` needs from a store."""

    address: str

    def add_batch(
        self, docs: Sequence[Doc], threshold: float, keep: str
    ) -> list[Verdict]: ...  # pragma: no cover
    def verdict(self, doc_id: str) -> Verdict | None: ...  # pragma: no cover
    def contains(self, doc_id: str) -> bool: ...  # pragma: no cover
    def remove(self, doc_id: str) -> bool: ...  # pragma: no cover
    def count(self) -> int: ...  # pragma: no cover
    def line_counts(
        self, site: str, lines: Sequence[int]
    ) -> tuple[int, list[int]]: ...  # pragma: no cover
    def nbytes(self) -> int: ...  # pragma: no cover
    def close(self) -> None: ...  # pragma: no cover


_PARAM_NAMES: Final = ("num_perm", "bands", "rows", "word_shingle", "char_shingle", "seed")


def _params_dict(params: SignatureParams) -> dict[str, int]:
    return {name: getattr(params, name) for name in _PARAM_NAMES}


def _check_params(address: str, stored: dict[str, Any], params: SignatureParams) -> None:
    wanted = _params_dict(params)
    for name in _PARAM_NAMES:
        if stored.get(name) != wanted[name]:
            raise ConfigError(
                f"the index at {address} was built with {name}={stored.get(name)!r}, "
                f"not {wanted[name]!r}; open it with the same options or use a new index"
            )


class MemoryStore:
    """The index in this process's memory (also the cache behind :class:`SQLiteStore`)."""

    address = "memory"

    def __init__(self, params: SignatureParams, *, max_bucket: int) -> None:
        self.params = params
        self.max_bucket = max_bucket
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self.index = LSHIndex(
            bands=self.params.bands, sig_bytes=self.params.sig_bytes, max_bucket=self.max_bucket
        )
        self.slot_of: dict[str, int] = {}
        self.id_of: list[str | None] = []
        self.dups: dict[str, Verdict] = {}
        self.sites: dict[str, list[Any]] = {}  # site -> [docs, {line hash: docs}]

    # -- hooks for persistent subclasses ------------------------------------------
    def _begin(self) -> None:
        pass

    def _commit(self) -> None:
        pass

    def _rollback(self) -> None:
        pass

    def _persist_insert(self, slot: int, doc: Doc) -> None:
        pass

    def _persist_dup(self, v: Verdict) -> None:
        pass

    def _persist_kill(self, slot: int, doc_id: str) -> None:
        pass

    def _stored_dup(self, doc_id: str) -> Verdict | None:
        return None

    # -- the store protocol ---------------------------------------------------------
    def add_batch(self, docs: Sequence[Doc], threshold: float, keep: str) -> list[Verdict]:
        """Query, verify and insert each document in order, as one transaction."""
        with self._lock:
            self._begin()
            try:
                out = [self._add_one(doc, threshold, keep) for doc in docs]
                self._commit()
            except BaseException:
                self._rollback()
                raise
            return out

    def _add_one(self, doc: Doc, threshold: float, keep: str) -> Verdict:
        prior = self.verdict(doc.doc_id)
        if prior is not None:
            return prior
        index = self.index
        slots = index.candidates(doc.keys)
        cands = [(s, *index.record(s)) for s in slots]
        out = decide(doc, cands, threshold=threshold, keep=keep)
        if out.action == "dup":
            other = self.id_of[out.slot]
            assert other is not None
            v = Verdict(doc.doc_id, True, other, out.similarity, out.rule)
            self.dups[doc.doc_id] = v
            self._persist_dup(v)
            return v
        replaced = None
        if out.action == "replace":
            replaced = self.id_of[out.slot]
            assert replaced is not None
            self._kill(out.slot)
            evicted = Verdict(replaced, True, doc.doc_id, out.similarity, out.rule)
            self.dups[replaced] = evicted
            self._persist_dup(evicted)
        slot = index.insert(doc.keys, doc.sig, doc.content, doc.length)
        self.slot_of[doc.doc_id] = slot
        self.id_of.append(doc.doc_id)
        self._learn(doc)
        self._persist_insert(slot, doc)
        return Verdict(doc.doc_id, False, replaced=replaced)

    def _learn(self, doc: Doc) -> None:
        if doc.site is None:
            return
        entry = self.sites.setdefault(doc.site, [0, {}])
        entry[0] += 1
        counts: dict[int, int] = entry[1]
        for h in doc.lines:
            counts[h] = counts.get(h, 0) + 1

    def _kill(self, slot: int) -> None:
        doc_id = self.id_of[slot]
        self.index.kill(slot)
        self.id_of[slot] = None
        if doc_id is not None:
            self.slot_of.pop(doc_id, None)
            self._persist_kill(slot, doc_id)

    def verdict(self, doc_id: str) -> Verdict | None:
        """The verdict recorded for ``doc_id``, or ``None`` when it was never added."""
        if doc_id in self.slot_of:
            return Verdict(doc_id, False, seen=True)
        v = self.dups.get(doc_id)
        if v is None:
            v = self._stored_dup(doc_id)
        if v is None:
            return None
        return Verdict(v.doc_id, True, v.duplicate_of, v.similarity, v.rule, seen=True)

    def contains(self, doc_id: str) -> bool:
        return doc_id in self.slot_of

    def remove(self, doc_id: str) -> bool:
        with self._lock:
            self._begin()
            try:
                slot = self.slot_of.get(doc_id)
                found = slot is not None
                if slot is not None:
                    self._kill(slot)
                self._commit()
            except BaseException:
                self._rollback()
                raise
            return found

    def count(self) -> int:
        return len(self.index)

    def line_counts(self, site: str, lines: Sequence[int]) -> tuple[int, list[int]]:
        entry = self.sites.get(site)
        if entry is None:
            return 0, [0] * len(lines)
        counts: dict[int, int] = entry[1]
        return entry[0], [counts.get(h, 0) for h in lines]

    def nbytes(self) -> int:
        """Bytes of the index arrays (ids and line statistics not included)."""
        return self.index.nbytes()

    def close(self) -> None:
        pass


_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    slot INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS dups (
    doc_id TEXT PRIMARY KEY, dup_of TEXT NOT NULL, similarity REAL NOT NULL,
    rule TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines (
    site TEXT NOT NULL, h INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (site, h)) WITHOUT ROWID;
"""


class SQLiteStore(MemoryStore):
    """The index in an SQLite file, mirrored in memory for queries.

    A row of ``docs`` holds the band keys (4 bytes each), the 4-bit signature, the content
    hash (8 bytes) and the length (4 bytes) in one blob: 148 bytes at 128 permutations and
    18 bands, plus the id.
    """

    def __init__(self, path: str, params: SignatureParams, *, max_bucket: int) -> None:
        self.path = path
        self.address = f"sqlite:///{path}"
        super().__init__(params, max_bucket=max_bucket)
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise StoreError(
                f"cannot open the SQLite index {self.address}: directory {parent} does not exist"
            )
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=60000")
            self.db.executescript(_SCHEMA)
            self._load_meta()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite index {self.address}: {exc}") from exc
        self._record = struct.Struct(f"<{params.bands}I{params.sig_bytes}sQI")
        self._loaded_until = -1
        self._in_tx = False
        self._catch_up()

    def _load_meta(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        if row is None:
            self.db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('params', ?)",
                (json.dumps(_params_dict(self.params)),),
            )
            row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        _check_params(self.address, json.loads(row[0]), self.params)

    def _catch_up(self) -> None:
        """Read the documents other processes (or an earlier run) committed."""
        rows = self.db.execute(
            "SELECT slot, doc_id, data FROM docs WHERE slot > ? ORDER BY slot",
            (self._loaded_until,),
        ).fetchall()
        if not rows:
            return
        if self._loaded_until < 0 and len(rows) > 1000:
            self._bulk_load(rows)
            return
        for slot, doc_id, data in rows:
            fields = self._record.unpack(data)
            keys = fields[: self.params.bands]
            sig, content, length = fields[self.params.bands :]
            while self.index.slots < slot:  # gaps left by removed documents
                self.index.insert([0] * self.params.bands, bytes(self.params.sig_bytes), 0, 0)
                self.index.kill(self.index.slots - 1)
                self.id_of.append(None)
            got = self.index.insert(keys, sig, content, length)
            assert got == slot
            self.slot_of[doc_id] = slot
            self.id_of.append(doc_id)
        self._loaded_until = rows[-1][0]

    def _bulk_load(self, rows: list[tuple[int, str, bytes]]) -> None:
        n = rows[-1][0] + 1
        bands, k = self.params.bands, self.params.sig_bytes
        keys = np.zeros((n, bands), dtype=np.uint32)
        sigs = bytearray(n * k)
        content = np.zeros(n, dtype=np.uint64)
        length = np.zeros(n, dtype=np.uint32)
        alive = np.zeros(n, dtype=bool)
        slots = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        blob = b"".join(r[2] for r in rows)
        rec = np.frombuffer(
            blob,
            dtype=np.dtype(
                [("keys", "<u4", (bands,)), ("sig", "u1", (k,)), ("c", "<u8"), ("n", "<u4")]
            ),
        )
        keys[slots] = rec["keys"]
        sig_arr = np.frombuffer(sigs, dtype=np.uint8).reshape(n, k)
        sig_arr[slots] = rec["sig"]
        content[slots] = rec["c"]
        length[slots] = rec["n"]
        alive[slots] = True
        self.index.load(keys, bytes(sig_arr), content, length, alive)
        self.id_of = [None] * n
        for slot, doc_id, _ in rows:
            self.id_of[slot] = doc_id
            self.slot_of[doc_id] = slot
        self._loaded_until = n - 1

    def _begin(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the SQLite index {self.address}: {exc}") from exc
        self._in_tx = True
        self._catch_up()

    def _commit(self) -> None:
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the SQLite index {self.address}: {exc}") from exc
        self._in_tx = False
        self._loaded_until = self.index.slots - 1

    def _rollback(self) -> None:
        if self._in_tx:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            self._in_tx = False
        # The memory mirror may hold part of the failed batch: reload what is committed.
        self._reset()
        self._loaded_until = -1
        self._catch_up()

    def _persist_insert(self, slot: int, doc: Doc) -> None:
        data = self._record.pack(*doc.keys, doc.sig, doc.content, min(doc.length, 2**32 - 1))
        self.db.execute("INSERT INTO docs VALUES (?, ?, ?)", (slot, doc.doc_id, data))
        if doc.site is not None:
            self.db.execute(
                "INSERT INTO sites VALUES (?, 1) ON CONFLICT(site) DO UPDATE SET docs = docs + 1",
                (doc.site,),
            )
            self.db.executemany(
                "INSERT INTO lines VALUES (?, ?, 1) ON CONFLICT(site, h) DO UPDATE SET n = n + 1",
                [(doc.site, h) for h in doc.lines],
            )

    def _learn(self, doc: Doc) -> None:
        pass  # line statistics live in the database only

    def _persist_dup(self, v: Verdict) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO dups VALUES (?, ?, ?, ?)",
            (v.doc_id, v.duplicate_of, v.similarity, v.rule),
        )
        self.dups.pop(v.doc_id, None)  # the database is the record; keep memory small

    def _persist_kill(self, slot: int, doc_id: str) -> None:
        self.db.execute("DELETE FROM docs WHERE slot = ?", (slot,))

    def _stored_dup(self, doc_id: str) -> Verdict | None:
        row = self.db.execute(
            "SELECT dup_of, similarity, rule FROM dups WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        return Verdict(doc_id, True, row[0], float(row[1]), row[2])

    def line_counts(self, site: str, lines: Sequence[int]) -> tuple[int, list[int]]:
        row = self.db.execute("SELECT docs FROM sites WHERE site = ?", (site,)).fetchone()
        if row is None:
            return 0, [0] * len(lines)
        counts = []
        for h in lines:
            r = self.db.execute(
                "SELECT n FROM lines WHERE site = ? AND h = ?", (site, h)
            ).fetchone()
            counts.append(0 if r is None else int(r[0]))
        return int(row[0]), counts

    def close(self) -> None:
        self.db.close()


_ADD_SCRIPT: Final = """
local p = ARGV[1]
local id = ARGV[2]
local s = redis.call('HGET', p .. ':ids', id)
if s then return {'indexed', s} end
local d = redis.call('HGET', p .. ':dups', id)
if d then return {'dup', d} end
local keys = ARGV[3]
local nb = #keys / 4
local total = 0
local vals = {}
for b = 0, nb - 1 do
  local v = redis.call('HGET', KEYS[b + 1], string.sub(keys, b * 4 + 1, b * 4 + 4))
  vals[b] = v or ''
  total = total + #vals[b] / 4
end
if total ~= tonumber(ARGV[5]) then return {'retry'} end
local action = ARGV[6]
if action == 'dup' then
  redis.call('HSET', p .. ':dups', id, ARGV[8])
  return {'done'}
end
if action == 'replace' then
  local other = redis.call('HGET', p .. ':names', ARGV[7])
  if not other then return {'retry'} end
  redis.call('HDEL', p .. ':names', ARGV[7])
  redis.call('HDEL', p .. ':ids', other)
  redis.call('HSET', p .. ':dups', other, ARGV[9])
  redis.call('INCRBY', p .. ':live', -1)
end
local slot = redis.call('INCR', p .. ':next') - 1
local rec = ARGV[4]
redis.call('SETRANGE', p .. ':rec', slot * #rec, rec)
local packed = struct.pack('>I4', slot)
for b = 0, nb - 1 do
  redis.call('HSET', KEYS[b + 1], string.sub(keys, b * 4 + 1, b * 4 + 4), vals[b] .. packed)
end
redis.call('HSET', p .. ':ids', id, slot)
redis.call('HSET', p .. ':names', slot, id)
redis.call('INCR', p .. ':live')
local site = ARGV[10]
if site ~= '' then
  redis.call('HINCRBY', p .. ':sites', site, 1)
  for i = 11, #ARGV do
    redis.call('HINCRBY', p .. ':lines:' .. site, ARGV[i], 1)
  end
end
return {'inserted', tostring(slot)}
"""

_SHARD_SHIFT: Final = 20

_REMOVE_SCRIPT: Final = """
local p = ARGV[1]
local s = redis.call('HGET', p .. ':ids', ARGV[2])
if not s then return 0 end
redis.call('HDEL', p .. ':ids', ARGV[2])
redis.call('HDEL', p .. ':names', s)
redis.call('INCRBY', p .. ':live', -1)
return 1
"""


class RedisStore:
    """The index in a Redis server, shared by any number of worker processes.

    Keys (``prefix`` defaults to ``dedup``): ``P:b:<band>:<shard>`` small hashes (4,096
    shards per band, so they stay in Redis's compact listpack encoding up to about half a
    million documents) from band key to the packed slots in that bucket; ``P:rec`` one
    string with a fixed-size record (signature, content hash, length) per slot;
    ``P:ids``/``P:names`` between ids and slots; ``P:dups`` the verdicts of duplicates;
    ``P:sites``/``P:lines:<site>`` line statistics.
    """

    def __init__(
        self, url: str, params: SignatureParams, *, max_bucket: int, prefix: str = "dedup"
    ) -> None:
        try:
            import redis
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "the Redis store needs redis-py: pip install 'news-dedup[redis]'"
            ) from exc
        self._redis = redis
        self.address = url
        self.params = params
        self.max_bucket = max_bucket
        self.prefix = prefix
        self._rec = struct.Struct(f"<{params.sig_bytes}sQI")
        parts = urlsplit(url)
        self._host = f"{parts.hostname}:{parts.port or 6379}"
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=30, retry_on_timeout=False
        )
        self._call(self._setup)

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except (self._redis.ConnectionError, self._redis.TimeoutError) as exc:
            raise StoreError(
                f"cannot reach the Redis index at {self.address} ({self._host}): {exc}; "
                "nothing of the current document was written"
            ) from exc

    def _setup(self) -> None:
        key = f"{self.prefix}:params"
        self.client.setnx(key, json.dumps(_params_dict(self.params)))
        raw = self.client.get(key)
        stored = json.loads(raw) if isinstance(raw, (bytes, str)) else {}
        _check_params(self.address, stored, self.params)
        self._add = self.client.register_script(_ADD_SCRIPT)
        self._remove = self.client.register_script(_REMOVE_SCRIPT)

    def add_batch(self, docs: Sequence[Doc], threshold: float, keep: str) -> list[Verdict]:
        out: list[Verdict] = []
        for doc in docs:
            out.append(self._call(functools.partial(self._add_one, doc, threshold, keep)))
        return out

    def _add_one(self, doc: Doc, threshold: float, keep: str) -> Verdict:
        p = self.prefix
        keys = struct.pack(f"<{len(doc.keys)}I", *doc.keys)
        buckets_at = [f"{p}:b:{b}:{h >> _SHARD_SHIFT}" for b, h in enumerate(doc.keys)]
        rec = self._rec.pack(doc.sig, doc.content, min(doc.length, 2**32 - 1))
        while True:
            pipe = self.client.pipeline(transaction=False)
            for b, name in enumerate(buckets_at):
                pipe.hget(name, keys[b * 4 : b * 4 + 4])
            buckets = pipe.execute()
            total = sum(len(v) // 4 for v in buckets if v)
            slots: list[int] = []
            seen: set[int] = set()
            for v in buckets:
                if not v:
                    continue
                members = struct.unpack(f">{len(v) // 4}I", v)[::-1][: self.max_bucket * 4]
                taken = 0
                for s in members:
                    if taken >= self.max_bucket:
                        break
                    if s in seen:
                        taken += 1
                        continue
                    seen.add(s)
                    slots.append(s)
                    taken += 1
            cands: list[Candidate] = []
            names: dict[int, str] = {}
            if slots:
                pipe = self.client.pipeline(transaction=False)
                size = self._rec.size
                for s in slots:
                    pipe.getrange(f"{p}:rec", s * size, (s + 1) * size - 1)
                pipe.hmget(f"{p}:names", slots)
                got = pipe.execute()
                for s, raw, name in zip(slots, got[:-1], got[-1], strict=True):
                    if name is None:
                        continue  # removed or replaced
                    sig, content, length = self._rec.unpack(raw)
                    cands.append((s, sig, content, length))
                    names[s] = name.decode()
            out = decide(doc, cands, threshold=threshold, keep=keep)
            dup_json = ""
            evict_json = ""
            if out.action == "dup":
                dup_json = json.dumps([names[out.slot], out.similarity, out.rule])
            elif out.action == "replace":
                evict_json = json.dumps([doc.doc_id, out.similarity, out.rule])
            res = self._add(
                keys=buckets_at,
                args=[
                    p,
                    doc.doc_id,
                    keys,
                    rec,
                    total,
                    out.action,
                    out.slot,
                    dup_json,
                    evict_json,
                    doc.site if doc.site is not None else "",
                    *doc.lines,
                ],
            )
            status = res[0].decode()
            if status == "retry":
                continue
            if status == "indexed":
                return Verdict(doc.doc_id, False, seen=True)
            if status == "dup":
                dup_of, sim, rule = json.loads(res[1])
                return Verdict(doc.doc_id, True, dup_of, sim, rule, seen=True)
            if out.action == "dup":
                return Verdict(doc.doc_id, True, names[out.slot], out.similarity, out.rule)
            replaced = names[out.slot] if out.action == "replace" else None
            return Verdict(doc.doc_id, False, replaced=replaced)

    def verdict(self, doc_id: str) -> Verdict | None:
        def run() -> Verdict | None:
            p = self.prefix
            if self.client.hexists(f"{p}:ids", doc_id):
                return Verdict(doc_id, False, seen=True)
            raw = self.client.hget(f"{p}:dups", doc_id)
            if raw is None:
                return None
            dup_of, sim, rule = json.loads(raw)
            return Verdict(doc_id, True, dup_of, sim, rule, seen=True)

        result: Verdict | None = self._call(run)
        return result

    def contains(self, doc_id: str) -> bool:
        return bool(self._call(lambda: self.client.hexists(f"{self.prefix}:ids", doc_id)))

    def remove(self, doc_id: str) -> bool:
        return bool(self._call(lambda: self._remove(args=[self.prefix, doc_id])))

    def count(self) -> int:
        return int(self._call(lambda: self.client.get(f"{self.prefix}:live")) or 0)

    def line_counts(self, site: str, lines: Sequence[int]) -> tuple[int, list[int]]:
        def run() -> tuple[int, list[int]]:
            p = self.prefix
            docs = self.client.hget(f"{p}:sites", site)
            if docs is None:
                return 0, [0] * len(lines)
            got = self.client.hmget(f"{p}:lines:{site}", [str(h) for h in lines]) if lines else []
            return int(docs), [int(g) if g is not None else 0 for g in got]

        result: tuple[int, list[int]] = self._call(run)
        return result

    def nbytes(self) -> int:
        """Memory the server reports in use (the whole server, not only this index)."""
        return int(self._call(lambda: self.client.info("memory"))["used_memory"])

    def close(self) -> None:
        self.client.close()


def open_store(
    store: str | None, params: SignatureParams, *, max_bucket: int, prefix: str = "dedup"
) -> Store:
    """Open the store named by ``store`` (``None``, ``sqlite:///…`` or ``redis://…``)."""
    if store is None:
        return MemoryStore(params, max_bucket=max_bucket)
    if not isinstance(store, str):
        raise TypeError(f"store must be None or a URL string, got {type(store).__name__}")
    if store.startswith("sqlite://"):
        path = unquote(store[len("sqlite://") :])
        if path.startswith("/") and not path.startswith("//"):
            path = path[1:]  # sqlite:///rel.db -> rel.db ; sqlite:////abs.db -> /abs.db
        elif path.startswith("//"):
            path = path[1:]
        if not path:
            raise ConfigError("store 'sqlite://' needs a path, e.g. sqlite:///index.db")
        return SQLiteStore(path, params, max_bucket=max_bucket)
    if store.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(store, params, max_bucket=max_bucket, prefix=prefix)
    raise ConfigError(
        f"unknown store {store!r}; use None (memory), 'sqlite:///path.db' or 'redis://host:port/db'"
    )
