"""The index in a Redis server (``Corpus("redis://host:port/db")``), shared by any number
of worker processes.

Adding a document is optimistic: the worker reads the document's buckets and the
candidates' records, decides with :func:`~dedup._corpus.rule.decide_duplicate`, then
commits through one Lua script. The script first checks that the decision still holds
(no bucket of the document grew, and the copy it names is still indexed); otherwise it
answers "retry" and the worker reads and decides again, a bounded number of times.
"""

from __future__ import annotations

import functools
import json
import random
import struct
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from .._clean import KeepPolicy
from .._errors import StoreError
from .._extras import require
from .lshindex import take_candidates
from .minhash import SignatureParams
from .rule import Decision, decide_duplicate
from .store import Candidate, Doc, Verdict, check_params, params_dict

__all__ = ["RedisStore"]

# ARGV: prefix, id, band keys, record, bucket total, action, slot (or "id:" and the id
# of a document added earlier in the same pipelined batch), dup verdict, evicted verdict,
# chain key, chain position, site, line hashes...
# A pipelined batch (see RedisStore._add_pipelined) passes a chain key: the script then
# runs only if every earlier document of the batch was applied as its worker decided.
_ADD_SCRIPT: Final = """
local p = ARGV[1]
local id = ARGV[2]
local chain = ARGV[10]
if chain ~= '' and tonumber(redis.call('GET', chain) or '0') ~= tonumber(ARGV[11]) then
  return {'skip'}
end
local s = redis.call('HGET', p .. ':ids', id)
if s then return {'indexed', s} end
local d = redis.call('HGET', p .. ':dups', id)
if d then return {'dup', d} end
local keys = ARGV[3]
local nb = #keys / 4
local total = 0
local vals = {}
local names = {}
for b = 0, nb - 1 do
  local h = struct.unpack('<I4', keys, b * 4 + 1)
  names[b] = p .. ':b:' .. b .. ':' .. math.floor(h / SHARD)
  local v = redis.call('HGET', names[b], string.sub(keys, b * 4 + 1, b * 4 + 4))
  vals[b] = v or ''
  total = total + #vals[b] / 4
end
if total ~= tonumber(ARGV[5]) then return {'retry', 'added'} end
local action = ARGV[6]
if action ~= 'insert' then
  local orig = ARGV[7]
  local there
  if string.sub(orig, 1, 3) == 'id:' then
    there = redis.call('HGET', p .. ':ids', string.sub(orig, 4))
  else
    there = redis.call('HGET', p .. ':names', orig)
  end
  if not there then return {'retry', 'removed'} end
end
if chain ~= '' then redis.call('INCR', chain) end
if action == 'dup' then
  redis.call('HSET', p .. ':dups', id, ARGV[8])
  return {'done'}
end
if action == 'replace' then
  local other = redis.call('HGET', p .. ':names', ARGV[7])
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
  redis.call('HSET', names[b], string.sub(keys, b * 4 + 1, b * 4 + 4), vals[b] .. packed)
end
redis.call('HSET', p .. ':ids', id, slot)
redis.call('HSET', p .. ':names', slot, id)
redis.call('INCR', p .. ':live')
local site = ARGV[12]
if site ~= '' then
  redis.call('HINCRBY', p .. ':sites', site, 1)
  for i = 13, #ARGV do
    redis.call('HINCRBY', p .. ':lines:' .. site, ARGV[i], 1)
  end
end
return {'inserted', tostring(slot)}
"""

# Reads of a pipelined batch, one command each (a reply of one string, cheap to parse).
# ARGV: prefix, bands, the band keys of every document (packed). Reply: per document and
# band, the bucket's length and value.
_READ_BUCKETS: Final = """
local p = ARGV[1]
local nb = tonumber(ARGV[2])
local keys = ARGV[3]
local out = {}
for i = 0, #keys / 4 - 1 do
  local h = struct.unpack('<I4', keys, i * 4 + 1)
  local name = p .. ':b:' .. (i % nb) .. ':' .. math.floor(h / SHARD)
  local v = redis.call('HGET', name, string.sub(keys, i * 4 + 1, i * 4 + 4)) or ''
  out[i + 1] = struct.pack('>I4', #v) .. v
end
return table.concat(out)
"""

# ARGV: prefix, record size, n, n slots, m, m slots, ids... Reply: the name of each of the
# n slots (length, or -1 when not indexed; bytes), the record of each of the m slots,
# then one byte per id: '1' when it was added before (indexed or a duplicate).
_READ_CANDIDATES: Final = """
local p = ARGV[1]
local size = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local out = {}
for i = 4, 3 + n do
  local name = redis.call('HGET', p .. ':names', ARGV[i])
  if name then
    out[#out + 1] = struct.pack('>i4', #name) .. name
  else
    out[#out + 1] = struct.pack('>i4', -1)
  end
end
local m = tonumber(ARGV[4 + n])
for i = 5 + n, 4 + n + m do
  local s = tonumber(ARGV[i])
  local r = redis.call('GETRANGE', p .. ':rec', s * size, (s + 1) * size - 1)
  out[#out + 1] = r .. string.rep('\0', size - #r)
end
for i = 5 + n + m, #ARGV do
  local seen = redis.call('HEXISTS', p .. ':ids', ARGV[i]) == 1
    or redis.call('HEXISTS', p .. ':dups', ARGV[i]) == 1
  out[#out + 1] = seen and '1' or '0'
end
return table.concat(out)
"""

_REMOVE_SCRIPT: Final = """
local p = ARGV[1]
local s = redis.call('HGET', p .. ':ids', ARGV[2])
if not s then return 0 end
redis.call('HDEL', p .. ':ids', ARGV[2])
redis.call('HDEL', p .. ':names', s)
redis.call('INCRBY', p .. ':live', -1)
return 1
"""

_SHARD_SHIFT: Final = 20  # the scripts divide by 2**20 (SHARD) to name a bucket's hash
_READ_AHEAD: Final = 4  # bucket entries read per max_bucket live candidates wanted
_MAX_ATTEMPTS: Final = 8
_BACKOFF: Final = 0.002  # seconds before the second attempt; doubles after each


def _pack_keys(keys: Sequence[int]) -> bytes:
    """Band keys as the scripts take them: 4 bytes each, little-endian."""
    return struct.pack(f"<{len(keys)}I", *keys)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What a worker read of one document's buckets before deciding."""

    total: int  # entries in all the document's buckets (the script checks it)
    cands: list[Candidate]
    names: dict[int, str]  # candidate slot -> id


class RedisStore:
    """The index in a Redis server, shared by any number of worker processes.

    Keys (``prefix`` defaults to ``dedup``): ``P:b:<band>:<shard>`` small hashes (4,096
    shards per band, so they stay in Redis's compact listpack encoding up to about half a
    million documents) from band key to the packed slots in that bucket; ``P:rec`` one
    string with a fixed-size record (signature, content hash, length) per slot;
    ``P:ids``/``P:names`` between ids and slots; ``P:dups`` the verdicts of duplicates;
    ``P:sites``/``P:lines:<site>`` line statistics. Slots are never reused.
    """

    def __init__(
        self, url: str, params: SignatureParams, *, max_bucket: int, prefix: str = "dedup"
    ) -> None:
        self._redis = require("redis", extra="redis", feature="the Redis store of dedup.Corpus")
        self.address = url
        self.params = params
        self.max_bucket = max_bucket
        self.prefix = prefix
        self._rec = struct.Struct(f"<{params.sig_bytes}sQI")
        parts = urlsplit(url)
        self._host = f"{parts.hostname}:{parts.port or 6379}"
        self.client = self._redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=30, retry_on_timeout=False
        )
        self._call(self._setup)

    def _call(
        self, fn: Callable[[], Any], written: str = "nothing of the current document was written"
    ) -> Any:
        try:
            return fn()
        except (self._redis.ConnectionError, self._redis.TimeoutError) as exc:
            raise StoreError(
                f"cannot reach the Redis index at {self.address} ({self._host}): {exc}; {written}"
            ) from exc

    def _setup(self) -> None:
        key = f"{self.prefix}:params"
        self.client.setnx(key, json.dumps(params_dict(self.params)))
        raw = self.client.get(key)
        stored = json.loads(raw) if isinstance(raw, (bytes, str)) else {}
        check_params(self.address, stored, self.params)
        shard = str(1 << _SHARD_SHIFT)
        self._add = self.client.register_script(_ADD_SCRIPT.replace("SHARD", shard))
        self._remove = self.client.register_script(_REMOVE_SCRIPT)
        self._read_buckets = self.client.register_script(_READ_BUCKETS.replace("SHARD", shard))
        self._read_candidates = self.client.register_script(_READ_CANDIDATES)

    # -- adding ---------------------------------------------------------------------------
    def add_batch(self, docs: Sequence[Doc], min_jaccard: float, keep: KeepPolicy) -> list[Verdict]:
        out: list[Verdict] = []
        if len(docs) > 1:
            out = self._call(
                functools.partial(self._add_pipelined, docs, min_jaccard, keep),
                "documents of the batch may have been written, each one whole; adding the "
                "batch again returns their verdicts",
            )
        out.extend(
            self._call(functools.partial(self._add_one, doc, min_jaccard, keep))
            for doc in docs[len(out) :]
        )
        return out

    def _add_pipelined(
        self, docs: Sequence[Doc], min_jaccard: float, keep: KeepPolicy
    ) -> list[Verdict]:
        """Add a batch in three round trips; returns the verdicts of the documents it
        settled, a prefix of ``docs`` (the caller adds the rest one by one).

        The worker reads every document's buckets and candidates at once, decides the
        documents in order as if each earlier one of the batch were already indexed (as
        :meth:`_add_one` would find them), then sends one script per document in one
        pipeline. Each script makes the checks of :meth:`_add_one` (buckets unchanged
        since the read, apart from the batch's own additions; the original still
        indexed) and, through a chain counter, runs only if every earlier script of the
        batch applied its decision: at the first document whose world changed, the rest
        of the batch is left to the one-by-one path, which reads again.
        """
        p = self.prefix
        raw: bytes = self._read_buckets(
            args=[p, self.params.bands, b"".join(_pack_keys(doc.keys) for doc in docs)]
        )
        nb = self.params.bands
        ahead = self.max_bucket * _READ_AHEAD
        real: list[list[tuple[int, ...]]] = []  # per doc, per band: newest first
        totals: list[int] = []
        at = 0
        for _ in docs:
            row = []
            total = 0
            for _ in range(nb):
                size = int.from_bytes(raw[at : at + 4], "big")
                count = size // 4
                total += count
                row.append(struct.unpack_from(f">{count}I", raw, at + 4)[::-1][:ahead])
                at += 4 + size
            real.append(row)
            totals.append(total)
        members = sorted({s for row in real for bucket in row for s in bucket})
        likely = sorted({s for row in real for bucket in row for s in bucket[: self.max_bucket]})
        doc_ids = [doc.doc_id for doc in docs]
        rec_size = self._rec.size
        got: bytes = self._read_candidates(
            args=[p, rec_size, len(members), *members, len(likely), *likely, *doc_ids]
        )
        alive: dict[int, str] = {}  # live slot -> id, the batch's own included
        at = 0
        for s in members:
            size = int.from_bytes(got[at : at + 4], "big", signed=True)
            if size >= 0:
                alive[s] = got[at + 4 : at + 4 + size].decode()
                at += 4 + size
            else:
                at += 4
        records: dict[int, bytes] = {}
        for s in likely:
            records[s] = got[at : at + rec_size]
            at += rec_size
        known = [got[at + k] == ord("1") for k in range(len(docs))]
        # Decide in order; documents of the batch get provisional slots above every real
        # one (the script gives them real slots in the same order).
        base = 1 << 40
        local: dict[tuple[int, int], list[int]] = {}  # (band, key) -> batch slots, oldest first
        local_docs: dict[int, Doc] = {}
        ids: set[str] = set()
        plans: list[tuple[Doc, int, Decision, dict[int, str]] | None] = []
        for k, doc in enumerate(docs):
            if doc.doc_id in ids:
                break  # the same id twice in one batch: left to the one-by-one path
            ids.add(doc.doc_id)
            if known[k]:
                plans.append(None)  # added before: its recorded verdict is read below
                continue
            buckets = [
                ([*local.get((b, key), ())[::-1], *real[k][b]])[:ahead]
                for b, key in enumerate(doc.keys)
            ]
            slots = take_candidates(buckets, alive.__contains__, self.max_bucket)
            missing = [s for s in slots if s < base and s not in records]
            if missing:
                pipe = self.client.pipeline(transaction=False)
                for s in missing:
                    self._get_record(pipe, s)
                records.update(zip(missing, pipe.execute(), strict=True))
            cands: list[Candidate] = []
            for s in slots:
                if s >= base:
                    d = local_docs[s]
                    cands.append((s, d.sig, d.content, min(d.length, 2**32 - 1)))
                else:
                    cands.append((s, *self._rec.unpack(records[s])))
            decision = decide_duplicate(doc, cands, min_jaccard=min_jaccard, keep=keep)
            if decision.action == "replace" and decision.slot >= base:
                break  # replacing a document of the same batch: left to the one-by-one path
            expected = totals[k] + sum(
                len(local.get((b, key), ())) for b, key in enumerate(doc.keys)
            )
            original = {decision.slot: alive[decision.slot]} if decision.slot >= 0 else {}
            plans.append((doc, expected, decision, original))
            if decision.action == "replace":
                del alive[decision.slot]
            if decision.action != "dup":
                slot = base + k
                local_docs[slot] = doc
                alive[slot] = doc.doc_id
                for b, key in enumerate(doc.keys):
                    local.setdefault((b, key), []).append(slot)
        chain = f"{p}:chain:{uuid.uuid4().hex}"
        pipe = self.client.pipeline(transaction=False)
        position = 0
        for k, plan in enumerate(plans):
            if plan is None:
                pipe.hexists(f"{p}:ids", doc_ids[k])
                pipe.hget(f"{p}:dups", doc_ids[k])
                continue
            doc, expected, decision, original = plan
            orig = decision.slot
            self._add(
                keys=[],
                args=self._script_args(
                    doc,
                    expected,
                    decision,
                    original,
                    f"id:{original[orig]}" if orig >= base else orig,
                    chain,
                    position,
                ),
                client=pipe,
            )
            position += 1
        pipe.delete(chain)
        results = iter(pipe.execute()[:-1])
        out: list[Verdict] = []
        for k, plan in enumerate(plans):
            if plan is None:
                indexed, dup = next(results), next(results)
                if indexed:
                    out.append(Verdict(doc_ids[k], False, seen=True))
                elif dup is not None:
                    dup_of, sim, rule = json.loads(dup)
                    out.append(Verdict(doc_ids[k], True, dup_of, sim, rule, seen=True))
                else:  # removed meanwhile (by another client): added again now
                    out.append(self._add_one(docs[k], min_jaccard, keep))
                continue
            doc, _, decision, original = plan
            res = next(results)
            status = res[0].decode()
            if status in ("skip", "retry"):
                break
            out.append(self._verdict_of(doc, status, res, _Snapshot(0, [], original), decision))
            if status in ("indexed", "dup"):
                break  # added meanwhile by another worker: the rest is decided again
        return out

    def _add_one(self, doc: Doc, min_jaccard: float, keep: KeepPolicy) -> Verdict:
        """Read, decide, commit; again (after a pause) while others change the buckets."""
        bucket_keys = self._bucket_keys(doc)
        why = ""
        for attempt in range(_MAX_ATTEMPTS):
            if attempt:
                time.sleep(_BACKOFF * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
            seen = self._read(doc, bucket_keys)
            decision = decide_duplicate(doc, seen.cands, min_jaccard=min_jaccard, keep=keep)
            res = self._commit(doc, bucket_keys, seen, decision)
            status = res[0].decode()
            if status != "retry":
                return self._verdict_of(doc, status, res, seen, decision)
            why = res[1].decode()
        raise StoreError(
            f"gave up adding {doc.doc_id!r} to the Redis index at {self.address} after "
            f"{_MAX_ATTEMPTS} attempts: each time, other clients changed its candidates "
            f"(last: a candidate was {why}) between reading and writing; nothing of it was "
            "written, add it again"
        )

    def _bucket_keys(self, doc: Doc) -> list[str]:
        p = self.prefix
        return [f"{p}:b:{b}:{h >> _SHARD_SHIFT}" for b, h in enumerate(doc.keys)]

    def _read(self, doc: Doc, bucket_keys: list[str]) -> _Snapshot:
        """The document's buckets, then the ids and records of its candidates."""
        pipe = self.client.pipeline(transaction=False)
        for name, key in zip(bucket_keys, doc.keys, strict=True):
            pipe.hget(name, struct.pack("<I", key))
        buckets = [v or b"" for v in pipe.execute()]
        total = sum(len(v) // 4 for v in buckets)
        ahead = self.max_bucket * _READ_AHEAD
        newest = [struct.unpack(f">{len(v) // 4}I", v)[::-1][:ahead] for v in buckets]
        members = sorted({s for bucket in newest for s in bucket})
        if not members:
            return _Snapshot(total, [], {})
        # Records of the likely candidates come with the ids; others only if needed.
        likely = sorted({s for bucket in newest for s in bucket[: self.max_bucket]})
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(f"{self.prefix}:names", members)
        for s in likely:
            self._get_record(pipe, s)
        got = pipe.execute()
        names = {s: n.decode() for s, n in zip(members, got[0], strict=True) if n is not None}
        records = dict(zip(likely, got[1:], strict=True))
        slots = take_candidates(newest, names.__contains__, self.max_bucket)
        missing = [s for s in slots if s not in records]
        if missing:
            pipe = self.client.pipeline(transaction=False)
            for s in missing:
                self._get_record(pipe, s)
            records.update(zip(missing, pipe.execute(), strict=True))
        cands = [(s, *self._rec.unpack(records[s])) for s in slots]
        return _Snapshot(total, cands, names)

    def _get_record(self, pipe: Any, slot: int) -> None:
        size = self._rec.size
        pipe.getrange(f"{self.prefix}:rec", slot * size, (slot + 1) * size - 1)

    def _commit(
        self, doc: Doc, bucket_keys: list[str], seen: _Snapshot, decision: Decision
    ) -> list[bytes]:
        """Run the add script: it rechecks ``seen`` and applies ``decision`` atomically."""
        res: list[bytes] = self._add(
            keys=[],
            args=self._script_args(doc, seen.total, decision, seen.names, decision.slot, "", 0),
        )
        return res

    def _script_args(
        self,
        doc: Doc,
        total: int,
        decision: Decision,
        names: dict[int, str],
        original: int | str,
        chain: str,
        position: int,
    ) -> list[Any]:
        dup_json = evict_json = ""
        if decision.action == "dup":
            dup_json = json.dumps([names[decision.slot], decision.similarity, decision.rule])
        elif decision.action == "replace":
            evict_json = json.dumps([doc.doc_id, decision.similarity, decision.rule])
        return [
            self.prefix,
            doc.doc_id,
            _pack_keys(doc.keys),
            self._rec.pack(doc.sig, doc.content, min(doc.length, 2**32 - 1)),
            total,
            decision.action,
            original,
            dup_json,
            evict_json,
            chain,
            position,
            doc.site if doc.site is not None else "",
            *doc.lines,
        ]

    @staticmethod
    def _verdict_of(
        doc: Doc, status: str, res: list[bytes], seen: _Snapshot, decision: Decision
    ) -> Verdict:
        if status == "indexed":  # added before, by this or another worker
            return Verdict(doc.doc_id, False, seen=True)
        if status == "dup":
            dup_of, sim, rule = json.loads(res[1])
            return Verdict(doc.doc_id, True, dup_of, sim, rule, seen=True)
        if decision.action == "dup":
            other = seen.names[decision.slot]
            return Verdict(doc.doc_id, True, other, decision.similarity, decision.rule)
        replaced = seen.names[decision.slot] if decision.action == "replace" else None
        return Verdict(doc.doc_id, False, replaced=replaced)

    # -- the rest of the store protocol ------------------------------------------------
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
