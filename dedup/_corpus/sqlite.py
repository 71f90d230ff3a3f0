"""The index in an SQLite file (``Corpus("sqlite:///path.db")``), mirrored in memory for
queries.

WAL journal, one transaction per batch: a batch is committed whole or not at all. Several
processes may write one file, taking turns: each batch takes the write lock and first
reads what the others changed since its last batch: the documents they added (slots above
the last one seen; slots are never reused, so none is missed) and the documents they
removed (a log of removals, read past the last entry seen).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import struct
from collections.abc import Sequence
from typing import Final

import numpy as np

from .._errors import StoreError
from .memory import MemoryStore
from .minhash import SignatureParams
from .store import Doc, Verdict, check_params, params_dict

__all__ = ["SQLiteStore"]

_DOCS_TABLE: Final = """
CREATE TABLE IF NOT EXISTS docs (
    slot INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL UNIQUE, data BLOB NOT NULL);
"""
_SCHEMA: Final = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS removed (seq INTEGER PRIMARY KEY AUTOINCREMENT, slot INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dups (
    doc_id TEXT PRIMARY KEY, dup_of TEXT NOT NULL, similarity REAL NOT NULL,
    rule TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines (
    site TEXT NOT NULL, h INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (site, h)) WITHOUT ROWID;
"""
    + _DOCS_TABLE
)
# Files written before slots were kept unique (``slot INTEGER PRIMARY KEY`` reused the
# slot of a removed newest document): copied once into the table above.
_MIGRATE: Final = """
CREATE TABLE docs_v2 (
    slot INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL UNIQUE, data BLOB NOT NULL);
INSERT INTO docs_v2 SELECT slot, doc_id, data FROM docs ORDER BY slot;
DROP TABLE docs;
ALTER TABLE docs_v2 RENAME TO docs;
"""
_SYNCHRONOUS: Final = {"normal": "NORMAL", "full": "FULL"}


class SQLiteStore(MemoryStore):
    """The index in an SQLite file, mirrored in memory for queries.

    A row of ``docs`` holds the band keys (4 bytes each), the 4-bit signature, the content
    hash (8 bytes) and the length (4 bytes) in one blob: 148 bytes at 128 permutations and
    18 bands, plus the id. ``durability="normal"`` (SQLite's ``synchronous=NORMAL``)
    survives a crash of the process; ``"full"`` also a power loss, at a cost per batch.
    """

    def __init__(
        self,
        path: str,
        params: SignatureParams,
        *,
        max_bucket: int,
        durability: str = "normal",
    ) -> None:
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
            self.db.execute(f"PRAGMA synchronous={_SYNCHRONOUS[durability]}")
            self.db.execute("PRAGMA busy_timeout=60000")
            self._migrate_old_schema()
            self.db.executescript(_SCHEMA)
            self._load_meta()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite index {self.address}: {exc}") from exc
        self._record = struct.Struct(f"<{params.bands}I{params.sig_bytes}sQI")
        self._loaded_until = -1  # the highest slot read from the file
        self._removed_until = 0  # the last removal read from the log
        self._in_tx = False
        self._load_all()

    def _migrate_old_schema(self) -> None:
        row = self.db.execute("SELECT sql FROM sqlite_master WHERE name = 'docs'").fetchone()
        if row is None or "AUTOINCREMENT" in row[0].upper():
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute("SELECT sql FROM sqlite_master WHERE name = 'docs'").fetchone()
            if "AUTOINCREMENT" not in row[0].upper():  # not migrated by another process
                for statement in _MIGRATE.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _load_meta(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        if row is None:
            self.db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('params', ?)",
                (json.dumps(params_dict(self.params)),),
            )
            row = self.db.execute("SELECT value FROM meta WHERE key='params'").fetchone()
        check_params(self.address, json.loads(row[0]), self.params)

    # -- reading what other processes (or an earlier run) committed --------------------
    def _load_all(self) -> None:
        """Fill the empty mirror from one snapshot of the file."""
        self.db.execute("BEGIN")
        try:
            row = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM removed").fetchone()
            self._removed_until = int(row[0])  # older removals: their rows are gone
            self._catch_up()
        finally:
            self.db.execute("COMMIT")

    def _catch_up(self) -> None:
        self._load_new_docs()
        self._apply_removals()
        self._skip_used_slots()

    def _load_new_docs(self) -> None:
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
            self._pad_to(slot)
            got = self.index.insert(keys, sig, content, length)
            assert got == slot
            self.slot_of[doc_id] = slot
            self.id_of.append(doc_id)
        self._loaded_until = rows[-1][0]

    def _pad_to(self, slot: int) -> None:
        """Fill the mirror with dead slots up to ``slot`` (removed documents' slots)."""
        while self.index.slots < slot:
            self.index.insert([0] * self.params.bands, bytes(self.params.sig_bytes), 0, 0)
            self.index.kill(self.index.slots - 1)
            self.id_of.append(None)

    def _apply_removals(self) -> None:
        rows = self.db.execute(
            "SELECT seq, slot FROM removed WHERE seq > ? ORDER BY seq", (self._removed_until,)
        ).fetchall()
        for _, slot in rows:
            if slot < self.index.slots:
                self._forget(slot)
        if rows:
            self._removed_until = rows[-1][0]

    def _skip_used_slots(self) -> None:
        """Make the next slot this process uses one no process ever used."""
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'docs'").fetchone()
        if row is not None:
            self._pad_to(int(row[0]) + 1)
            self._loaded_until = max(self._loaded_until, int(row[0]))

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

    # -- transactions -------------------------------------------------------------------
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
        self._load_all()

    # -- persisting each change -----------------------------------------------------------
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
        rule = None if v.rule is None else v.rule.value
        self.db.execute(
            "INSERT OR REPLACE INTO dups VALUES (?, ?, ?, ?)",
            (v.doc_id, v.duplicate_of, v.similarity, rule),
        )
        self.dups.pop(v.doc_id, None)  # the database is the record; keep memory small

    def _persist_kill(self, slot: int, doc_id: str) -> None:
        self.db.execute("DELETE FROM docs WHERE slot = ?", (slot,))
        self.db.execute("INSERT INTO removed (slot) VALUES (?)", (slot,))

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
