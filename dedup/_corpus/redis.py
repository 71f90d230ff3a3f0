"""The index in a Redis server (``Corpus("redis://host:port/db")``), shared by any number
of worker processes.

Adding a document is optimistic: the worker reads the document's buckets and the
candidates' records, decides with :func:`~dedup._corpus.rule.decide_duplicate`, then
commits through one Lua script. The script first checks that the decision still holds
(no bucket of the document grew, and the copy it names is still indexed); otherwise it
answers "retry" and the worker reads and decides again, a bounded number of times. A
batch goes the same way in three round trips: one read of every document's buckets, one
of the candidates, one run of the script for the whole batch.
"""

from __future__ import annotations

import functools
import json
import random
import struct
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import numpy as np

from .._clean import KeepPolicy, Rule
from .._errors import ConfigError, StoreError
from .._extras import require
from .lshindex import take_candidates
from .minhash import SignatureParams
from .rule import Decision, decide_duplicate
from .store import Candidate, Doc, Verdict, check_params, params_dict

__all__ = ["RedisStore"]

# Key layout 2 (P is the prefix). Every structure is sharded so that Redis keeps it in a
# compact encoding (a plain string, or a small hash in a listpack):
#   P:params              the signature options and the layout number (JSON)
#   P:b                   one hash of bucket shards: field = band and the high 10 bits
#                         of the band key (2 bytes each); value = a string of 7-byte
#                         entries, appended in order: the low 22 bits of the band key
#                         (3 bytes) and a slot (4 bytes)
#   P:r:<slot / 1077>     records of 1,077 slots (signature, content hash, length), made
#                         at full size when the first of them is written
#   P:i:<crc32(id) % 4096> hash: id -> slot (digits) of an indexed document, or the
#                         verdict of a duplicate ('e' or 'n', similarity, ':', original)
#   P:n:<slot / 64>       hash: slot % 64 -> id of an indexed document
#   P:next, P:live        counters; P:sites, P:lines:<site> line statistics
# A bucket shard only grows, so the bytes a worker read of it tell the script where to
# look for entries added since; the script rewrites a shard whole (an exact-size string,
# where APPEND would leave up to half of it unused). Workers pass a document's buckets as
# its shards' fields then its 3 key bytes per band (see _buckets_arg), so the scripts do
# no arithmetic on keys.
_LAYOUT: Final = 2
_SHARD_BITS: Final = 22  # band key >> 22: 1,024 shards per band
_RECORDS_PER_KEY: Final = 1077  # 76-byte records: 81,852 bytes, one 80 KiB allocation
_ID_SHARDS: Final = 4096

# Count the entries of bucket ``rem`` in a shard ``blob``, from byte ``from``.
_COUNT: Final = """
local function count(blob, rem, from, out)
  local n = 0
  local at = from + 1
  while true do
    local i = string.find(blob, rem, at, true)
    if not i then return n end
    if (i - 1) % 7 == 0 then
      n = n + 1
      if out then out[#out + 1] = string.sub(blob, i + 3, i + 6) end
      at = i + 7
    else
      at = i + 1
    end
  end
end
"""

# Commits documents in order, each as its worker decided, as one atomic step. ARGV:
# 1 prefix, 2 bands, 3 record size, 4 the documents, each: a head (id shard and the
# original's id shard, 2 bytes each; entries of the document's buckets expected past the
# bytes read, the batch's own, 4 bytes; the original's slot, 8 bytes, -1 when none or a
# document of the same batch; the action: 'i'nsert, 'd'up or 'r'eplace), its buckets
# then the bytes of each bucket shard when read (see _buckets_arg, 4 bytes each), its
# record, then 4-byte lengths and the bytes of: its id, the original's id, the verdict
# (dup: this document's; replace: the original's), its site, its line hashes (comma
# separated). Reply: a status and a value per document, up to the first that was not
# applied: 'inserted' (the slot), 'done' (a duplicate), 'indexed' or 'dup' (added
# before, by this or another worker: the recorded value), 'retry' (why: a bucket had
# 'added' entries, or the original was 'removed', since the worker read them).
_ADD_SCRIPT: Final = (
    _COUNT
    + """
local p = ARGV[1]
local nb = tonumber(ARGV[2])
local size = tonumber(ARGV[3])
local data = ARGV[4]
local bname = p .. ':b'
local ff, fr, fl = string.rep('c4', nb), string.rep('c3', nb), '<' .. string.rep('I4', nb)
local out = {}
local made = {}
local function field(at)
  local n = struct.unpack('<I4', data, at)
  return string.sub(data, at + 4, at + 3 + n), at + 4 + n
end
local at = 1
while at <= #data do
  local shard, oshard, expected, oslot = struct.unpack('<HHIi8', data, at)
  local action = string.sub(data, at + 16, at + 16)
  local kl = string.sub(data, at + 17, at + 16 + 11 * nb)
  local rec = string.sub(data, at + 17 + 11 * nb, at + 16 + 11 * nb + size)
  at = at + 17 + 11 * nb + size
  local id, oid, verdict, site, lines
  id, at = field(at)
  oid, at = field(at)
  verdict, at = field(at)
  site, at = field(at)
  lines, at = field(at)
  local idkey = p .. ':i:' .. shard
  local s = redis.call('HGET', idkey, id)
  if s then
    out[#out + 1] = string.byte(s, 1) <= 57 and 'indexed' or 'dup'
    out[#out + 1] = s
    break
  end
  local fields = {struct.unpack(ff, kl)}
  local rems = {struct.unpack(fr, kl, 4 * nb + 1)}
  local lens = {struct.unpack(fl, kl, 7 * nb + 1)}
  local blobs = redis.call('HMGET', bname, unpack(fields, 1, nb))
  local found = 0
  for b = 1, nb do
    local blob = blobs[b] or ''
    blobs[b] = blob
    found = found + count(blob, rems[b], lens[b])
  end
  if found ~= expected then
    out[#out + 1] = 'retry'
    out[#out + 1] = 'added'
    break
  end
  if action ~= 'i' then
    local there = redis.call('HGET', p .. ':i:' .. oshard, oid)
    if not there or string.byte(there, 1) > 57 or (oslot >= 0 and tonumber(there) ~= oslot) then
      out[#out + 1] = 'retry'
      out[#out + 1] = 'removed'
      break
    end
  end
  if action == 'd' then
    redis.call('HSET', idkey, id, verdict)
    out[#out + 1] = 'done'
    out[#out + 1] = ''
  else
    if action == 'r' then
      redis.call('HSET', p .. ':i:' .. oshard, oid, verdict)
      redis.call('HDEL', p .. ':n:' .. math.floor(oslot / 64), oslot % 64)
      redis.call('INCRBY', p .. ':live', -1)
    end
    local slot = redis.call('INCR', p .. ':next') - 1
    local block = p .. ':r:' .. math.floor(slot / RECORDS)
    if not made[block] then
      if redis.call('EXISTS', block) == 0 then
        redis.call('SETRANGE', block, RECORDS * size - 1, '\\0')
      end
      made[block] = true
    end
    redis.call('SETRANGE', block, (slot % RECORDS) * size, rec)
    local packed = struct.pack('>I4', slot)
    local kv = {}
    for b = 1, nb do
      kv[2 * b - 1] = fields[b]
      kv[2 * b] = blobs[b] .. rems[b] .. packed
    end
    redis.call('HSET', bname, unpack(kv))
    redis.call('HSET', idkey, id, slot)
    redis.call('HSET', p .. ':n:' .. math.floor(slot / 64), slot % 64, id)
    redis.call('INCR', p .. ':live')
    if site ~= '' then
      redis.call('HINCRBY', p .. ':sites', site, 1)
      for h in string.gmatch(lines, '[^,]+') do
        redis.call('HINCRBY', p .. ':lines:' .. site, h, 1)
      end
    end
    out[#out + 1] = 'inserted'
    out[#out + 1] = tostring(slot)
  end
end
return out
"""
)

# The buckets of one or more documents, one command (a reply of one string, cheap to
# parse). ARGV: prefix, bands, the buckets of every document (see _buckets_arg). Reply: per
# document and band, the bytes of the bucket shard and the number of the bucket's entries
# (4 bytes each); then the slots of every bucket in the same order, oldest first.
_READ_BUCKETS: Final = (
    _COUNT
    + """
local name = ARGV[1] .. ':b'
local nb = tonumber(ARGV[2])
local keys = ARGV[3]
local head, slots = {}, {}
local ff, fr = string.rep('c4', nb), string.rep('c3', nb)
for d = 0, #keys / (7 * nb) - 1 do
  local at = d * nb * 7
  local fields = {struct.unpack(ff, keys, at + 1)}
  local rems = {struct.unpack(fr, keys, at + 4 * nb + 1)}
  local blobs = redis.call('HMGET', name, unpack(fields, 1, nb))
  for b = 1, nb do
    local blob = blobs[b] or ''
    local n = count(blob, rems[b], 0, slots)
    head[#head + 1] = struct.pack('>I4I4', #blob, n)
  end
end
return table.concat(head) .. table.concat(slots)
"""
)

# ARGV: prefix, record size, n slots (4 bytes each), m slots (4 bytes each), then per id
# its shard (2 bytes), its length (4 bytes) and its bytes. Reply: the id of each of the
# n slots (length, or -1 when not indexed; bytes), the record of each of the m slots,
# then one byte per id: '1' when it was added before (indexed or a duplicate).
_READ_CANDIDATES: Final = """
local p = ARGV[1]
local size = tonumber(ARGV[2])
local out = {}
local slots = ARGV[3]
for i = 1, #slots, 4 do
  local s = struct.unpack('>I4', slots, i)
  local name = redis.call('HGET', p .. ':n:' .. math.floor(s / 64), s % 64)
  if name then
    out[#out + 1] = struct.pack('>i4', #name) .. name
  else
    out[#out + 1] = struct.pack('>i4', -1)
  end
end
slots = ARGV[4]
for i = 1, #slots, 4 do
  local s = struct.unpack('>I4', slots, i)
  local at = (s % RECORDS) * size
  local r = redis.call('GETRANGE', p .. ':r:' .. math.floor(s / RECORDS), at, at + size - 1)
  out[#out + 1] = r .. string.rep('\\0', size - #r)
end
local ids = ARGV[5]
local at = 1
while at <= #ids do
  local shard, len = struct.unpack('>HI4', ids, at)
  local id = string.sub(ids, at + 6, at + 5 + len)
  at = at + 6 + len
  local seen = redis.call('HEXISTS', p .. ':i:' .. shard, id) == 1
  out[#out + 1] = seen and '1' or '0'
end
return table.concat(out)
"""

# ARGV: prefix, id, id shard.
_REMOVE_SCRIPT: Final = """
local p = ARGV[1]
local idkey = p .. ':i:' .. ARGV[3]
local s = redis.call('HGET', idkey, ARGV[2])
if not s or string.byte(s, 1) > 57 then return 0 end
s = tonumber(s)
redis.call('HDEL', idkey, ARGV[2])
redis.call('HDEL', p .. ':n:' .. math.floor(s / 64), s % 64)
redis.call('INCRBY', p .. ':live', -1)
return 1
"""

_READ_AHEAD: Final = 4  # bucket entries read per max_bucket live candidates wanted
_MAX_ATTEMPTS: Final = 8
_BACKOFF: Final = 0.002  # seconds before the second attempt; doubles after each


def _id_shard(doc_id: str) -> int:
    """The ``P:i:<shard>`` hash that holds ``doc_id`` (stable across processes)."""
    return zlib.crc32(doc_id.encode("utf-8", "surrogatepass")) % _ID_SHARDS


def _dump_dup(dup_of: str, similarity: float, rule: Rule | None) -> str:
    """A duplicate's verdict as stored: ``e`` or ``n`` (the rule), similarity, ``:``,
    the original's id; never starts with a digit (an indexed document's value does)."""
    return f"{'e' if rule is Rule.EXACT else 'n'}{similarity!r}:{dup_of}"


def _load_dup(doc_id: str, raw: bytes) -> Verdict:
    text = raw.decode()
    sim, _, dup_of = text[1:].partition(":")
    rule = Rule.EXACT if text[0] == "e" else Rule.NEAR_DUPLICATE
    return Verdict(doc_id, True, dup_of, float(sim), rule, seen=True)


_HEAD: Final = struct.Struct("<HHIqc")


def _pack_slots(slots: Sequence[int]) -> bytes:
    """Slots as the scripts take them: 4 bytes each, big-endian."""
    return struct.pack(f">{len(slots)}I", *slots)


def _buckets_arg(docs: Sequence[Doc], bands: int) -> bytes:
    """The buckets of ``docs`` as the scripts take them: per document, for every band the
    field of its shard in ``P:b`` (band, then the key's high 10 bits: 2 bytes each), then
    for every band the key's low 22 bits (3 bytes)."""
    keys = np.array([doc.keys for doc in docs], dtype=np.uint32).reshape(len(docs), bands)
    out = np.empty((len(docs), 7 * bands), dtype=np.uint8)
    fields = out[:, : 4 * bands].reshape(len(docs), bands, 4)
    rems = out[:, 4 * bands :].reshape(len(docs), bands, 3)
    band = np.arange(bands, dtype=np.uint32)
    fields[:, :, 0] = band >> np.uint32(8)
    fields[:, :, 1] = band & np.uint32(0xFF)
    shard = keys >> np.uint32(_SHARD_BITS)
    fields[:, :, 2] = shard >> np.uint32(8)
    fields[:, :, 3] = shard & np.uint32(0xFF)
    rems[:, :, 0] = (keys >> np.uint32(16)) & np.uint32(0x3F)
    rems[:, :, 1] = (keys >> np.uint32(8)) & np.uint32(0xFF)
    rems[:, :, 2] = keys & np.uint32(0xFF)
    return out.tobytes()


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What a worker read of one document's buckets before deciding."""

    read: _Buckets  # the document's buckets as read (the script checks them)
    cands: list[Candidate]
    names: dict[int, str]  # candidate slot -> id


@dataclass(frozen=True, slots=True)
class _Buckets:
    """One document's buckets as read: per band the shard's size and the slots, newest
    first (at most ``max_bucket * _READ_AHEAD`` of them)."""

    buckets: bytes  # see _buckets_arg
    read: bytes
    newest: list[tuple[int, ...]]
    busy: bool  # some bucket has entries


class RedisStore:
    """The index in a Redis server, shared by any number of worker processes.

    Keys start with ``prefix`` (default ``dedup``); the layout is described above
    (layout 2). Every structure is sharded to stay in Redis's compact encodings: bucket
    shards are exact-size strings of 7-byte entries, records are strings of 1,077
    records, and the id maps are hashes of at most 64 fields (``P:n``) or a few dozen
    (``P:i``), listpacks while ids are at most about 40 bytes (a duplicate's value holds
    its original's id and the similarity, within Redis's 64-byte listpack limit) and up
    to about half a million documents were added. Slots are never reused. An index
    written in another layout is refused with a :class:`ConfigError`.
    """

    prepare_ahead = True  # a batch mostly waits on the server

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
        self.client.setnx(key, json.dumps({**params_dict(self.params), "layout": _LAYOUT}))
        raw = self.client.get(key)
        stored = json.loads(raw) if isinstance(raw, (bytes, str)) else {}
        layout = stored.get("layout", 1)
        if layout != _LAYOUT:
            raise ConfigError(
                f"the Redis index at {self.address} (prefix {self.prefix!r}) was written "
                f"in key layout {layout!r} by another version of dedup; this version reads "
                f"layout {_LAYOUT} only. Build the index again: under another prefix "
                f"(prefix=...), or after deleting the keys {self.prefix}:*",
                option="prefix",
            )
        check_params(self.address, stored, self.params)
        self._add_args = [self.prefix, self.params.bands, self._rec.size]
        records = str(_RECORDS_PER_KEY)
        self._add = self.client.register_script(_ADD_SCRIPT.replace("RECORDS", records))
        self._remove = self.client.register_script(_REMOVE_SCRIPT)
        self._read_buckets = self.client.register_script(_READ_BUCKETS)
        self._read_candidates = self.client.register_script(
            _READ_CANDIDATES.replace("RECORDS", records)
        )

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

    def _buckets(self, docs: Sequence[Doc]) -> list[_Buckets]:
        """Read the buckets of ``docs`` (one command)."""
        n, nb = len(docs), self.params.bands
        arg = _buckets_arg(docs, nb)
        raw: bytes = self._read_buckets(args=[self.prefix, nb, arg])
        ahead = self.max_bucket * _READ_AHEAD
        head = np.frombuffer(raw, dtype=">u4", count=2 * n * nb).reshape(n, nb, 2)
        sizes = head[:, :, 0].astype("<u4").tobytes()
        counts = head[:, :, 1]
        slots = np.frombuffer(raw, dtype=">u4", offset=8 * n * nb)
        ends = np.cumsum(counts.reshape(-1)).tolist()
        busy = np.flatnonzero(counts.any(axis=1)).tolist()
        empty: list[tuple[int, ...]] = [()] * nb
        newest = [empty] * n
        for k in busy:
            row = []
            for b, c in enumerate(counts[k].tolist()):
                end = ends[k * nb + b]
                row.append(tuple(slots[end - c : end][::-1][:ahead].tolist()) if c else ())
            newest[k] = row
        w = 4 * nb
        return [
            _Buckets(
                arg[k * 7 * nb : (k + 1) * 7 * nb],
                sizes[k * w : (k + 1) * w],
                newest[k],
                newest[k] is not empty,
            )
            for k in range(n)
        ]

    def _add_pipelined(
        self, docs: Sequence[Doc], min_jaccard: float, keep: KeepPolicy
    ) -> list[Verdict]:
        """Add a batch in three round trips; returns the verdicts of the documents it
        settled, a prefix of ``docs`` (the caller adds the rest one by one).

        The worker reads every document's buckets and candidates at once, decides the
        documents in order as if each earlier one of the batch were already indexed (as
        :meth:`_add_one` would find them), then sends them all to one run of the add
        script. It makes, document by document, the checks of :meth:`_add_one` (buckets
        unchanged since the read, apart from the batch's own additions; the original
        still indexed) and stops at the first document whose world changed: the rest of
        the batch is left to the one-by-one path, which reads again.
        """
        p = self.prefix
        read = self._buckets(docs)
        ahead = self.max_bucket * _READ_AHEAD
        members = sorted({s for r in read for bucket in r.newest for s in bucket})
        likely = sorted({s for r in read for b in r.newest for s in b[: self.max_bucket]})
        doc_ids = [doc.doc_id for doc in docs]
        shards = [_id_shard(i) for i in doc_ids]
        rec_size = self._rec.size
        packed_ids = b"".join(
            struct.pack(">HI", shard, len(raw)) + raw
            for shard, raw in zip(shards, (i.encode() for i in doc_ids), strict=True)
        )
        got: bytes = self._read_candidates(
            args=[p, rec_size, _pack_slots(members), _pack_slots(likely), packed_ids]
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
        local: dict[int, list[int]] = {}  # band << 32 | key -> batch slots, oldest first
        local_docs: dict[int, Doc] = {}
        ids: set[str] = set()
        plans: list[tuple[Doc, int, Decision, dict[int, str]] | None] = []
        # A document with empty buckets and no band key in common with another one of
        # the batch has no candidate: decided without the walk below.
        keys = np.array([doc.keys for doc in docs], dtype=np.int64).reshape(len(docs), -1)
        flat = (np.arange(keys.shape[1], dtype=np.int64) << 32 | keys).reshape(-1)
        _, inverse, repeats = np.unique(flat, return_inverse=True, return_counts=True)
        shares = (repeats[inverse.reshape(-1)] > 1).reshape(keys.shape).any(axis=1).tolist()
        for k, doc in enumerate(docs):
            if doc.doc_id in ids:
                break  # the same id twice in one batch: left to the one-by-one path
            ids.add(doc.doc_id)
            if known[k]:
                plans.append(None)  # added before: its recorded verdict is read below
                continue
            if not shares[k] and not read[k].busy:
                decision = decide_duplicate(doc, [], min_jaccard=min_jaccard, keep=keep)
                plans.append((doc, 0, decision, {}))
                continue
            bkeys = [b << 32 | key for b, key in enumerate(doc.keys)]
            buckets: list[Sequence[int]] = []
            expected = 0  # entries the batch itself adds to the buckets before this one
            for bk, old in zip(bkeys, read[k].newest, strict=True):
                mine = local.get(bk)
                if mine:
                    expected += len(mine)
                    buckets.append([*mine[::-1], *old][:ahead])
                elif old:
                    buckets.append(old)
            slots = take_candidates(buckets, alive.__contains__, self.max_bucket)
            missing = [s for s in slots if s < base and s not in records]
            if missing:
                records.update(zip(missing, self._records(missing), strict=True))
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
            original = {decision.slot: alive[decision.slot]} if decision.slot >= 0 else {}
            plans.append((doc, expected, decision, original))
            if decision.action == "replace":
                del alive[decision.slot]
            if decision.action != "dup":
                slot = base + k
                local_docs[slot] = doc
                alive[slot] = doc.doc_id
                for bk in bkeys:
                    local.setdefault(bk, []).append(slot)
        parts = []
        for k, plan in enumerate(plans):
            if plan is not None:
                doc, expected, decision, original = plan
                indexed = decision.slot < base
                parts.append(
                    self._doc_arg(
                        doc, shards[k], read[k], expected, decision, original, indexed=indexed
                    )
                )
        pipe = self.client.pipeline(transaction=False)
        self._add(keys=[], args=[*self._add_args, b"".join(parts)], client=pipe)
        for k, plan in enumerate(plans):
            if plan is None:
                pipe.hget(f"{p}:i:{shards[k]}", doc_ids[k])
        got_back = pipe.execute()
        statuses = iter(zip(got_back[0][0::2], got_back[0][1::2], strict=True))
        priors = iter(got_back[1:])
        out: list[Verdict] = []
        for k, plan in enumerate(plans):
            if plan is None:
                prior = self._prior(doc_ids[k], next(priors))
                # None: removed meanwhile (by another client): added again now
                out.append(prior or self._add_one(docs[k], min_jaccard, keep))
                continue
            doc, _, decision, original = plan
            res = next(statuses, None)
            if res is None:
                break  # not applied: the script stopped at an earlier document
            status = res[0].decode()
            if status == "retry":
                break
            out.append(self._verdict_of(doc, status, res[1], original, decision))
            if status in ("indexed", "dup"):
                break  # added meanwhile by another worker: the rest is decided again
        return out

    def _add_one(self, doc: Doc, min_jaccard: float, keep: KeepPolicy) -> Verdict:
        """Read, decide, commit; again (after a pause) while others change the buckets."""
        shard = _id_shard(doc.doc_id)
        why = ""
        for attempt in range(_MAX_ATTEMPTS):
            if attempt:
                time.sleep(_BACKOFF * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
            seen = self._read(doc)
            decision = decide_duplicate(doc, seen.cands, min_jaccard=min_jaccard, keep=keep)
            res = self._commit(doc, shard, seen, decision)
            status = res[0].decode()
            if status != "retry":
                return self._verdict_of(doc, status, res[1], seen.names, decision)
            why = res[1].decode()
        raise StoreError(
            f"gave up adding {doc.doc_id!r} to the Redis index at {self.address} after "
            f"{_MAX_ATTEMPTS} attempts: each time, other clients changed its candidates "
            f"(last: a candidate was {why}) between reading and writing; nothing of it was "
            "written, add it again"
        )

    def _read(self, doc: Doc) -> _Snapshot:
        """The document's buckets, then the ids and records of its candidates."""
        (read,) = self._buckets([doc])
        members = sorted({s for bucket in read.newest for s in bucket})
        if not members:
            return _Snapshot(read, [], {})
        # Records of the likely candidates come with the ids; others only if needed.
        likely = sorted({s for bucket in read.newest for s in bucket[: self.max_bucket]})
        got: bytes = self._read_candidates(
            args=[self.prefix, self._rec.size, _pack_slots(members), _pack_slots(likely), b""]
        )
        names: dict[int, str] = {}
        at = 0
        for s in members:
            size = int.from_bytes(got[at : at + 4], "big", signed=True)
            at += 4
            if size >= 0:
                names[s] = got[at : at + size].decode()
                at += size
        size = self._rec.size
        records = {s: got[at + i * size : at + (i + 1) * size] for i, s in enumerate(likely)}
        slots = take_candidates(read.newest, names.__contains__, self.max_bucket)
        missing = [s for s in slots if s not in records]
        if missing:
            records.update(zip(missing, self._records(missing), strict=True))
        cands = [(s, *self._rec.unpack(records[s])) for s in slots]
        return _Snapshot(read, cands, names)

    def _records(self, slots: Sequence[int]) -> list[bytes]:
        """The records of ``slots`` (one round trip)."""
        size = self._rec.size
        pipe = self.client.pipeline(transaction=False)
        for s in slots:
            at = (s % _RECORDS_PER_KEY) * size
            pipe.getrange(f"{self.prefix}:r:{s // _RECORDS_PER_KEY}", at, at + size - 1)
        return [r.ljust(size, b"\0") for r in pipe.execute()]

    def _commit(self, doc: Doc, shard: int, seen: _Snapshot, decision: Decision) -> list[bytes]:
        """Run the add script: it rechecks ``seen`` and applies ``decision`` atomically."""
        original = {decision.slot: seen.names[decision.slot]} if decision.slot >= 0 else {}
        arg = self._doc_arg(doc, shard, seen.read, 0, decision, original, indexed=True)
        res: list[bytes] = self._add(keys=[], args=[*self._add_args, arg])
        return res

    def _doc_arg(
        self,
        doc: Doc,
        shard: int,
        read: _Buckets,
        expected: int,
        decision: Decision,
        original: dict[int, str],
        *,
        indexed: bool,
    ) -> bytes:
        """One document as the add script takes it. ``read``: its buckets as read;
        ``indexed``: the original has a real slot (it is not a document of the batch)."""
        verdict = orig_id = ""
        if decision.slot >= 0:
            orig_id = original[decision.slot]
        if decision.action == "dup":
            verdict = _dump_dup(orig_id, decision.similarity, decision.rule)
        elif decision.action == "replace":
            verdict = _dump_dup(doc.doc_id, decision.similarity, decision.rule)
        head = _HEAD.pack(
            shard,
            _id_shard(orig_id) if orig_id else 0,
            expected,
            decision.slot if decision.slot >= 0 and indexed else -1,
            decision.action[:1].encode(),
        )
        rec = self._rec.pack(doc.sig, doc.content, min(doc.length, 2**32 - 1))
        strings = (
            doc.doc_id.encode(),
            orig_id.encode(),
            verdict.encode(),
            (doc.site or "").encode(),
            ",".join(map(str, doc.lines)).encode(),
        )
        return b"".join(
            [head, read.buckets, read.read, rec]
            + [x for raw in strings for x in (len(raw).to_bytes(4, "little"), raw)]
        )

    @staticmethod
    def _verdict_of(
        doc: Doc, status: str, value: bytes, names: dict[int, str], decision: Decision
    ) -> Verdict:
        if status == "indexed":  # added before, by this or another worker
            return Verdict(doc.doc_id, False, seen=True)
        if status == "dup":
            return _load_dup(doc.doc_id, value)
        if decision.action == "dup":
            other = names[decision.slot]
            return Verdict(doc.doc_id, True, other, decision.similarity, decision.rule)
        replaced = names[decision.slot] if decision.action == "replace" else None
        return Verdict(doc.doc_id, False, replaced=replaced)

    @staticmethod
    def _prior(doc_id: str, raw: bytes | None) -> Verdict | None:
        """The recorded verdict of ``doc_id`` from its ``P:i`` value."""
        if raw is None:
            return None
        if raw[:1].isdigit():
            return Verdict(doc_id, False, seen=True)
        return _load_dup(doc_id, raw)

    # -- the rest of the store protocol ------------------------------------------------
    def verdict(self, doc_id: str) -> Verdict | None:
        key = f"{self.prefix}:i:{_id_shard(doc_id)}"
        result: Verdict | None = self._prior(
            doc_id, self._call(lambda: self.client.hget(key, doc_id))
        )
        return result

    def contains(self, doc_id: str) -> bool:
        key = f"{self.prefix}:i:{_id_shard(doc_id)}"
        raw = self._call(lambda: self.client.hget(key, doc_id))
        return raw is not None and raw[:1].isdigit()

    def remove(self, doc_id: str) -> bool:
        args = [self.prefix, doc_id, _id_shard(doc_id)]
        return bool(self._call(lambda: self._remove(args=args)))

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
