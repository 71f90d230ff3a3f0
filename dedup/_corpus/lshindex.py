"""A compact in-memory LSH index: band keys chained through flat arrays.

Per document the index holds: the 4-bit signature (``num_perm / 2`` bytes), a 16-bit
fingerprint and a 32-bit chain link per band, the content hash (8 bytes), the length
(4 bytes) and a live flag (1 byte); plus the chain heads, one 32-bit slot per bucket with
at most two documents per bucket on average. At 128 permutations and 18 bands that is
about 220-260 bytes per document, with no Python object per document.

A bucket is chosen by the low bits of the 32-bit band key and the fingerprint holds the
high 16 bits; the table has at least 2**16 buckets per band, so a chain entry matches a
query only when all 32 bits agree. Chains run newest first.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

__all__ = ["LSHIndex", "take_candidates"]

_MIN_BITS = 16


def take_candidates(
    buckets: Iterable[Iterable[int]], alive: Callable[[int], bool], cap: int
) -> list[int]:
    """The candidates of one document: from each of its buckets (slots newest first),
    the first ``cap`` live slots; each slot once, in order of first appearance.

    Every store takes its candidates through this walk, so all of them cap a crowded
    bucket alike.

    >>> take_candidates([[5, 4, 3], [4, 2]], alive=lambda s: s != 4, cap=1)
    [5, 2]
    """
    out: list[int] = []
    seen: set[int] = set()
    for bucket in buckets:
        taken = 0
        for s in bucket:
            if not alive(s):
                continue
            if s not in seen:
                seen.add(s)
                out.append(s)
            taken += 1
            if taken >= cap:
                break
    return out


class LSHIndex:
    """Band-key chains plus the per-document records needed to verify candidates.

    >>> ix = LSHIndex(bands=2, sig_bytes=4, max_bucket=10)
    >>> ix.insert([7, 9], b"abcd", 1, 10)
    0
    >>> ix.insert([7, 5], b"abce", 2, 12)
    1
    >>> ix.candidates([7, 1])
    [1, 0]
    >>> ix.kill(1); ix.candidates([7, 1])
    [0]
    """

    def __init__(self, *, bands: int, sig_bytes: int, max_bucket: int) -> None:
        self.bands = bands
        self.sig_bytes = sig_bytes
        self.max_bucket = max_bucket
        self.bits = _MIN_BITS
        self.heads = array("i", [-1]) * (bands << self.bits)
        self.fp = array("H")
        self.nxt = array("i")
        self.sig = bytearray()
        self.content = array("Q")
        self.length = array("I")
        self.alive = bytearray()
        self.live = 0

    def __len__(self) -> int:
        return self.live

    @property
    def slots(self) -> int:
        """Number of slots used, dead ones included."""
        return len(self.alive)

    def nbytes(self) -> int:
        """Bytes held by the index arrays (allocated capacity is close to this)."""
        return (
            sum(
                a.itemsize * len(a)
                for a in (self.heads, self.fp, self.nxt, self.content, self.length)
            )
            + len(self.sig)
            + len(self.alive)
        )

    def candidates(self, keys: Sequence[int]) -> list[int]:
        """Live slots sharing at least one band key with ``keys``, newest first per band.

        At most ``max_bucket`` live entries are taken from each band's bucket.
        """
        return self.candidates_at(self.positions(keys), keys)

    def positions(self, keys: Sequence[int]) -> list[int]:
        """The chain heads of ``keys``, one per band (valid until the next insert)."""
        bits = self.bits
        mask = (1 << bits) - 1
        return [(b << bits) | (h & mask) for b, h in enumerate(keys)]

    def candidates_at(self, pos: Sequence[int], keys: Sequence[int]) -> list[int]:
        """:meth:`candidates`, given :meth:`positions` of ``keys``."""
        # take_candidates() over this index's band chains, inlined: the hot loop of every add.
        alive, heads, fp, nxt = self.alive, self.heads, self.fp, self.nxt
        bands, cap = self.bands, self.max_bucket
        out: list[int] = []
        seen: set[int] = set()
        for b, h in enumerate(keys):
            s = heads[pos[b]]
            if s < 0:
                continue
            f = h >> 16
            taken = 0
            while s >= 0:
                i = s * bands + b
                if fp[i] == f and alive[s]:
                    if s not in seen:
                        seen.add(s)
                        out.append(s)
                    taken += 1
                    if taken >= cap:
                        break
                s = nxt[i]
        return out

    def plan(self, keys: npt.NDArray[np.uint32]) -> tuple[list[list[int]], list[bool]] | None:
        """For documents about to be inserted in order (``keys``: ``uint32[n, bands]``),
        their :meth:`positions` and whether each is *lonely*: no slot indexed now, and no
        earlier document of the list, shares one of its band keys, so it has no
        candidate. ``None`` when the table would grow (and move) before the last insert.

        The check is vectorized over the whole list: the chains are walked for all of
        them at once, comparing fingerprints (dead slots included, which only makes a
        document less often lonely).
        """
        n, bands = keys.shape
        if not bands or len(self.alive) + n > (2 << self.bits):
            return None
        bits = self.bits
        low = (keys & np.uint32((1 << bits) - 1)).astype(np.int64)
        pos = low | (np.arange(bands, dtype=np.int64) << bits)
        fps = (keys >> np.uint32(16)).astype(np.uint16)
        shared = np.zeros((n, bands), dtype=bool)
        # the index: walk every document's chains at once
        cur = np.frombuffer(self.heads, dtype=np.int32)[pos].astype(np.int64)
        fp = np.frombuffer(self.fp, dtype=np.uint16)
        nxt = np.frombuffer(self.nxt, dtype=np.int32)
        band = np.broadcast_to(np.arange(bands, dtype=np.int64), (n, bands))
        rows, cols = np.nonzero(cur >= 0)
        cur = cur[rows, cols]
        while len(cur):
            at = cur * bands + band[rows, cols]
            hit = fp[at] == fps[rows, cols]
            shared[rows[hit], cols[hit]] = True
            cur = nxt[at].astype(np.int64)
            go = (cur >= 0) & ~hit
            rows, cols, cur = rows[go], cols[go], cur[go]
        del fp, nxt  # views of the arrays inserts extend: released before any insert
        # the list itself: a (band, key) seen in an earlier document
        flat = (np.arange(bands, dtype=np.int64) << 32 | keys.astype(np.int64)).reshape(-1)
        _, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
        shared |= (first[inverse.reshape(-1)] < np.arange(n * bands)).reshape(n, bands)
        lonely = cast(list[bool], (~shared.any(axis=1)).tolist())
        return pos.tolist(), lonely

    def record(self, slot: int) -> tuple[bytes, int, int]:
        """``(signature, content hash, length)`` of one slot."""
        k = self.sig_bytes
        return bytes(self.sig[slot * k : (slot + 1) * k]), self.content[slot], self.length[slot]

    def sigs(self, slots: Sequence[int]) -> npt.NDArray[np.uint8]:
        """The signatures of ``slots`` as a ``uint8[len(slots), sig_bytes]`` array."""
        k = self.sig_bytes
        buf = b"".join(self.sig[s * k : (s + 1) * k] for s in slots)
        return np.frombuffer(buf, dtype=np.uint8).reshape(len(slots), k)

    def insert(
        self,
        keys: Sequence[int],
        sig: bytes,
        content: int,
        length: int,
        pos: Sequence[int] | None = None,
    ) -> int:
        """Add one document; returns its slot. ``pos``: :meth:`positions` of ``keys``."""
        slot = len(self.alive)
        bands, heads = self.bands, self.heads
        if pos is None:
            pos = self.positions(keys)
        self.nxt.extend([heads[p] for p in pos])
        for p in pos:
            heads[p] = slot
        self.fp.extend([h >> 16 for h in keys])
        self.sig += sig
        self.content.append(content)
        self.length.append(min(length, 2**32 - 1))
        self.alive.append(1)
        self.live += 1
        if slot + 1 > (2 << self.bits) and bands:
            self._rebuild(self.bits + 1)
        return slot

    def kill(self, slot: int) -> None:
        """Mark a slot dead: it stays in the chains but is never a candidate again."""
        if self.alive[slot]:
            self.alive[slot] = 0
            self.live -= 1

    def clear(self) -> None:
        """Forget everything (keeps the table size)."""
        self.__init__(bands=self.bands, sig_bytes=self.sig_bytes, max_bucket=self.max_bucket)  # type: ignore[misc]

    def full_keys(self) -> npt.NDArray[np.uint32]:
        """The 32-bit band keys of every slot (``uint32[slots, bands]``), from the chains."""
        n, bands, size = len(self.alive), self.bands, 1 << self.bits
        low = np.zeros((n, bands), dtype=np.uint32)
        heads = np.array(self.heads, dtype=np.int64)
        nxt = np.array(self.nxt, dtype=np.int64)
        for b in range(bands):
            cur = heads[b * size : (b + 1) * size]
            bucket = np.flatnonzero(cur >= 0)
            cur = cur[bucket]
            while len(cur):
                low[cur, b] = bucket
                cur = nxt[cur * bands + b]
                keep = cur >= 0
                cur, bucket = cur[keep], bucket[keep]
        fp = np.array(self.fp, dtype=np.uint32).reshape(n, bands)
        out: npt.NDArray[np.uint32] = (fp << np.uint32(16)) | (low & np.uint32(0xFFFF))
        return out

    def _rebuild(self, bits: int) -> None:
        keys = self.full_keys()
        alive = np.frombuffer(bytes(self.alive), dtype=np.uint8).astype(bool)
        self.load_chains(keys, alive, bits)

    def load_chains(
        self, keys: npt.NDArray[np.uint32], alive: npt.NDArray[np.bool_], bits: int | None = None
    ) -> None:
        """(Re)build heads, links and fingerprints from full band keys of every slot."""
        n, bands = keys.shape[0], self.bands
        if bits is None:
            bits = _MIN_BITS
            while n > (2 << bits):
                bits += 1
        size = 1 << bits
        heads = np.full(bands * size, -1, dtype=np.int32)
        nxt = np.full(n * bands, -1, dtype=np.int32)
        slots = np.flatnonzero(alive).astype(np.int64)
        for b in range(bands):
            if not len(slots):
                break
            bucket = (keys[slots, b] & np.uint32(size - 1)).astype(np.int64)
            order = np.lexsort((slots, bucket))
            sb, ss = bucket[order], slots[order]
            same = np.zeros(len(ss), dtype=bool)
            same[1:] = sb[1:] == sb[:-1]
            prev = np.empty_like(ss)
            prev[0] = -1
            prev[1:] = ss[:-1]
            nxt[ss * bands + b] = np.where(same, prev, -1)
            last = np.ones(len(ss), dtype=bool)
            last[:-1] = sb[1:] != sb[:-1]
            heads[b * size + sb[last]] = ss[last]
        self.bits = bits
        self.heads = array("i", heads.tobytes())
        self.nxt = array("i", nxt.tobytes())
        self.fp = array("H", (keys >> np.uint32(16)).astype(np.uint16).tobytes())

    def load(
        self,
        keys: npt.NDArray[np.uint32],
        sigs: bytes,
        content: npt.NDArray[np.uint64],
        length: npt.NDArray[np.uint32],
        alive: npt.NDArray[np.bool_],
    ) -> None:
        """Replace the whole index by ``len(alive)`` slots given as arrays."""
        self.sig = bytearray(sigs)
        self.content = array("Q", content.astype(np.uint64).tobytes())
        self.length = array("I", length.astype(np.uint32).tobytes())
        self.alive = bytearray(alive.astype(np.uint8).tobytes())
        self.live = int(alive.sum())
        self.load_chains(keys, alive)
