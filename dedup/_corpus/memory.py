"""The index in this process's memory (``Corpus(store=None)``), and the mirror behind the
SQLite store, which subclasses it and persists each change through the ``_persist_*``
hooks."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._clean import KeepPolicy
from .lshindex import LSHIndex
from .minhash import SignatureParams
from .rule import Decision, decide_duplicate
from .store import Doc, Verdict

__all__ = ["MemoryStore"]

_INSERT = Decision("insert")


class MemoryStore:
    """The index in this process's memory: an :class:`LSHIndex` plus the ids of its
    slots, the verdicts of duplicates and the per-site line statistics."""

    address = "memory"
    prepare_ahead = False

    def __init__(self, params: SignatureParams, *, max_bucket: int) -> None:
        self.params = params
        self.max_bucket = max_bucket
        self._lock = threading.RLock()
        # a subclass that keeps verdicts outside ``dups`` (SQLite) is always asked
        self._dups_elsewhere = type(self)._stored_dup is not MemoryStore._stored_dup
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
    def add_batch(self, docs: Sequence[Doc], min_jaccard: float, keep: KeepPolicy) -> list[Verdict]:
        """Query, verify and insert each document in order, as one transaction."""
        with self._lock:
            self._begin()
            try:
                plan = None
                if len(docs) > 1:
                    keys = np.array([doc.keys for doc in docs], dtype=np.uint32)
                    plan = self.index.plan(keys.reshape(len(docs), self.params.bands))
                if plan is None:
                    out = [self._add_one(doc, min_jaccard, keep) for doc in docs]
                else:
                    pos, lonely = plan
                    out = [
                        self._add_one(doc, min_jaccard, keep, pos[k], lonely[k])
                        for k, doc in enumerate(docs)
                    ]
                self._commit()
            except BaseException:
                self._rollback()
                raise
            return out

    def _add_one(
        self,
        doc: Doc,
        min_jaccard: float,
        keep: KeepPolicy,
        pos: Sequence[int] | None = None,
        lonely: bool = False,
    ) -> Verdict:
        """Add one document. ``pos``: its chain positions, when known; ``lonely``: it is
        known to have no candidate (see :meth:`LSHIndex.plan`)."""
        if doc.doc_id in self.slot_of or doc.doc_id in self.dups or self._dups_elsewhere:
            prior = self.verdict(doc.doc_id)
            if prior is not None:
                return prior
        index = self.index
        if pos is None:
            pos = index.positions(doc.keys)
        slots = [] if lonely else index.candidates_at(pos, doc.keys)
        if not slots:
            out = _INSERT
        else:
            cands = [(s, *index.record(s)) for s in slots]
            out = decide_duplicate(doc, cands, min_jaccard=min_jaccard, keep=keep)
        if out.action == "dup":
            v = Verdict(doc.doc_id, True, self._id(out.slot), out.similarity, out.rule)
            self._record_dup(v)
            return v
        replaced = None
        if out.action == "replace":
            replaced = self._id(out.slot)
            self._kill(out.slot)
            self._record_dup(Verdict(replaced, True, doc.doc_id, out.similarity, out.rule))
        slot = index.insert(doc.keys, doc.sig, doc.content, doc.length, pos)
        self.slot_of[doc.doc_id] = slot
        self.id_of.append(doc.doc_id)
        self._learn(doc)
        self._persist_insert(slot, doc)
        return Verdict(doc.doc_id, False, replaced=replaced)

    def _id(self, slot: int) -> str:
        doc_id = self.id_of[slot]
        assert doc_id is not None, "a candidate is always a live slot"
        return doc_id

    def _record_dup(self, v: Verdict) -> None:
        self.dups[v.doc_id] = v
        self._persist_dup(v)

    def _learn(self, doc: Doc) -> None:
        if doc.site is None:
            return
        entry = self.sites.setdefault(doc.site, [0, {}])
        entry[0] += 1
        counts: dict[int, int] = entry[1]
        for h in doc.lines:
            counts[h] = counts.get(h, 0) + 1

    def _kill(self, slot: int) -> None:
        """Take a slot out of the index and persist that."""
        doc_id = self._forget(slot)
        if doc_id is not None:
            self._persist_kill(slot, doc_id)

    def _forget(self, slot: int) -> str | None:
        """Take a slot out of the in-memory index only; returns the id it held."""
        doc_id = self.id_of[slot]
        self.index.kill(slot)
        self.id_of[slot] = None
        if doc_id is not None:
            self.slot_of.pop(doc_id, None)
        return doc_id

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
