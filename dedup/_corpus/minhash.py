"""Document signatures for the corpus layer: shingles, seeded MinHash, LSH band keys.

Everything here is vectorized with numpy and seeded: the same text gives the same
signature in every process, on every machine (no use of Python's salted ``hash()``).

* Tokens: the text is case-folded and cut into runs of letters, digits and marks.
  Documents written mostly in a script without spaces (Chinese, Japanese, Thai, Lao,
  Khmer, Myanmar) are shingled by characters instead of words.
* Shingles: ``word_shingle`` consecutive words, or ``char_shingle`` consecutive characters.
* MinHash: ``num_perm`` multiply-shift hash functions over 64-bit shingle hashes; each
  value is the high 32 bits of the minimum.
* Bands: ``bands`` keys of ``rows`` values each, hashed to 32 bits (band index folded in).
* Stored signature: the low 4 bits of every MinHash value (b-bit MinHash), two per byte:
  64 bytes at 128 permutations, enough to estimate Jaccard within about 0.04 at 0.8.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "MAX_SHINGLE",
    "SignatureParams",
    "Signatures",
    "band_keys",
    "estimate_jaccard",
    "estimate_jaccard_bytes",
    "estimate_jaccard_rows",
    "minhash_sets",
    "shingles",
    "shingles_batch",
    "signature_one",
    "signatures",
]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
U8 = npt.NDArray[np.uint8]

_TABLE_SIZE: Final = 0x30000
_SPACELESS_RANGES: Final = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FFFF),  # CJK extensions B-F
)


def _u64(value: int) -> U64:
    """A uint64 constant as a 0-d array: numpy combines it with an array faster than a
    numpy scalar (it matters on one document's few hundred values)."""
    return np.array(value, dtype=np.uint64)


_POLY: Final = _u64(0x9E3779B97F4A7C15)
_POLY_INV: Final = _u64(pow(0x9E3779B97F4A7C15, -1, 2**64))
_SHINGLE_MULT: Final = np.array(
    [0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0xD6E8FEB86659FD93, 0xA0761D6478BD642F],
    dtype=np.uint64,
)  # fmt: skip
MAX_SHINGLE: Final = len(_SHINGLE_MULT)
"""The longest shingle, in words or characters, that signatures support."""
_CHUNK: Final = 8192
_ONE_CHUNK: Final = 1024  # shingles per step of signature_one (2 MB of tiled constants)
_POWERS_CACHED: Final = 1 << 16
_S30: Final = _u64(30)
_S27: Final = _u64(27)
_S31: Final = _u64(31)
_S32: Final = _u64(32)
_M1: Final = _u64(0xBF58476D1CE4E5B9)
_M2: Final = _u64(0x94D049BB133111EB)
_ONE: Final = _u64(1)
_SHINGLE_MULTS: Final = tuple(_u64(m) for m in _SHINGLE_MULT.tolist())
_LOW4: Final = np.array(0xF, dtype=np.uint8)
_FOUR: Final = np.array(4, dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class SignatureParams:
    """How signatures are made; two indexes can only be compared when these are equal.

    Values are checked where users give them, by :class:`~dedup.CorpusConfig`.
    """

    num_perm: int = 128
    bands: int = 18
    rows: int = 7
    word_shingle: int = 3
    char_shingle: int = 4
    seed: int = 1

    @property
    def sig_bytes(self) -> int:
        """Bytes of one stored (4-bit) signature."""
        return self.num_perm // 2


@dataclass(frozen=True, slots=True)
class Signatures:
    """Signatures of a batch of documents (row ``i`` is document ``i``).

    Attributes:
        bands: ``uint32[n, bands]`` LSH band keys.
        sig: ``uint8[n, num_perm // 2]`` 4-bit MinHash values, two per byte.
        content: ``uint64[n]`` hash of the document's token sequence (exact copies).
        length: number of characters of each document.
    """

    bands: U32
    sig: U8
    content: U64
    length: npt.NDArray[np.int64]


@lru_cache(maxsize=1)
def _char_classes() -> U8:
    """0 = separator, 1 = word character, 2 = character of a script without spaces."""
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    cats = [unicodedata.category(chr(c))[0] for c in range(_TABLE_SIZE)]
    word = np.fromiter((c in "LNM" for c in cats), dtype=bool, count=_TABLE_SIZE)
    table[:_TABLE_SIZE][word] = 1
    for low, high in _SPACELESS_RANGES:
        high = min(high, _TABLE_SIZE - 1)
        part = table[low : high + 1]
        part[part == 1] = 2
    table[_TABLE_SIZE] = 1  # everything above the table: a word character
    return table


class _Powers:
    """Cached powers of the polynomial base and of its inverse, modulo 2**64 (safe to
    share between threads: both arrays are replaced together)."""

    def __init__(self) -> None:
        self.both: tuple[U64, U64] = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))

    def get(self, n: int) -> tuple[U64, U64]:
        if n > _POWERS_CACHED:  # a big batch: computed for it alone, not kept
            return self._compute(n)
        pw, inv = self.both
        if len(pw) < n:
            pw, inv = self._compute(max(n, 2 * len(pw), 1024))
            self.both = (pw, inv)
        return pw[:n], inv[:n]

    @staticmethod
    def _compute(n: int) -> tuple[U64, U64]:
        p = np.full(n, _POLY, dtype=np.uint64)
        p[0] = 1
        q = np.full(n, _POLY_INV, dtype=np.uint64)
        q[0] = 1
        return np.cumprod(p, dtype=np.uint64), np.cumprod(q, dtype=np.uint64)


_POWERS: Final = _Powers()


def _mix(x: U64) -> U64:
    """splitmix64 finalizer, element-wise (wrapping arithmetic)."""
    x = x ^ (x >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def shingles(text: str, params: SignatureParams) -> tuple[U64, int]:
    """The 64-bit shingle hashes of ``text`` (with repeats) and the content hash.

    >>> p = SignatureParams()
    >>> a, ca = shingles("The mayor opened the new bridge on Monday.", p)
    >>> b, cb = shingles("the MAYOR opened the new bridge, on monday", p)
    >>> len(a), bool((a == b).all()), ca == cb
    (6, True, True)
    """
    folded = text.casefold()
    if folded.isascii():  # one byte per character, and no script without spaces
        codes = np.frombuffer(folded.encode("ascii"), dtype=np.uint8)
        tokens = _word_hashes(np.add(codes, _ONE, dtype=np.uint64), _ascii_word().take(codes))
        width = params.word_shingle
    else:
        wide = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        cls = _char_classes()[np.minimum(wide, _TABLE_SIZE)]
        word = cls != 0
        n_word = int(np.count_nonzero(word))
        if n_word and 3 * int(np.count_nonzero(cls == 2)) > n_word:
            tokens = wide[word].astype(np.uint64) + _ONE
            width = params.char_shingle
        else:
            tokens = _word_hashes(wide.astype(np.uint64) + _ONE, word)
            width = params.word_shingle
    content = int(np.dot(tokens, _POWERS.get(len(tokens))[0]))  # wrapping, as a sum
    if len(tokens) == 0:
        return np.zeros(1, dtype=np.uint64), content
    width = min(width, len(tokens))
    count = len(tokens) - width + 1
    acc = tokens[:count] * _SHINGLE_MULTS[0]
    for k in range(1, width):
        acc += tokens[k : k + count] * _SHINGLE_MULTS[k]
    return _mix(acc), content


@lru_cache(maxsize=1)
def _ascii_word() -> npt.NDArray[np.bool_]:
    """Per ASCII code: a word character?"""
    out: npt.NDArray[np.bool_] = _ascii_classes().astype(bool)
    return out


def _runs(word: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Starts and ends of the runs of True in ``word``."""
    padded = np.zeros(len(word) + 2, dtype=np.bool_)
    padded[1:-1] = word
    change = (padded[1:] != padded[:-1]).nonzero()[0]
    return change[0::2], change[1::2]


@lru_cache(maxsize=1)
def _ascii_classes() -> U8:
    table: U8 = np.array([1 if chr(c).isalnum() else 0 for c in range(128)], dtype=np.uint8)
    return table


def _word_hashes(plus_one: U64, word: npt.NDArray[np.bool_]) -> U64:
    """Position-independent polynomial hash of every run of word characters
    (``plus_one``: each character's code plus one; it is overwritten)."""
    starts, ends = _runs(word)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    pw, inv = _POWERS.get(len(plus_one) + 1)
    prefix = np.zeros(len(plus_one) + 1, dtype=np.uint64)
    np.add.accumulate(np.multiply(plus_one, pw[: len(plus_one)], out=plus_one), out=prefix[1:])
    out: U64 = (prefix[ends] - prefix[starts]) * inv[starts]
    return out


@lru_cache(maxsize=16)
def _permutations(num_perm: int, seed: int) -> tuple[U64, U64]:
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


@lru_cache(maxsize=16)
def _offsets(num_perm: int, seed: int) -> U64:
    """``b * a**-1`` modulo 2**64 for the permutations ``(a, b)``: ``a * (x + c) == a * x + b``."""
    a, b = _permutations(num_perm, seed)
    inv = np.array([pow(int(x), -1, 2**64) for x in a.tolist()], dtype=np.uint64)
    out: U64 = b * inv
    return out


@lru_cache(maxsize=16)
def _band_mults(bands: int, rows: int, seed: int) -> tuple[U64, U64]:
    rng = np.random.Generator(np.random.PCG64([seed, 0xBA4D]))
    mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    salt = rng.integers(0, 2**63, size=bands, dtype=np.uint64)
    return mult, salt


def minhash_sets(hashes: U64, starts: npt.NDArray[np.intp], num_perm: int, seed: int) -> U32:
    """Full 32-bit MinHash values of several sets given back to back.

    ``hashes`` holds 64-bit element hashes, set after set; set ``i`` starts at
    ``starts[i]`` (every set non-empty). Returns ``uint32[len(starts), num_perm]``: the
    seeded permutations of :func:`signatures`, so both layers hash sets alike.

    >>> h = np.array([11, 12, 13, 11, 12, 14], dtype=np.uint64)
    >>> m = minhash_sets(h, np.array([0, 3]), 8, seed=1)
    >>> m.shape, m.dtype.name, bool((m[0] == minhash_sets(h[:3], np.array([0]), 8, 1)).all())
    ((2, 8), 'uint32', True)
    """
    a, b = _permutations(num_perm, seed)
    out = np.empty((len(starts), num_perm), dtype=np.uint32)
    buf = _buffer(num_perm)
    ac, bc = a[:, None], b[:, None]
    # Sets are grouped so that one vectorized pass covers about _CHUNK elements.
    bounds = [*starts.tolist(), len(hashes)]
    first = 0
    while first < len(starts):
        last = first + 1
        while last < len(starts) and bounds[last + 1] - bounds[first] <= _CHUNK:
            last += 1
        lo, hi = bounds[first], bounds[last]
        if last == first + 1 and hi - lo > _CHUNK:
            out[first] = _minhash(hashes[lo:hi], a, b)
        else:
            offsets = np.asarray(bounds[first:last], dtype=np.intp) - lo
            vals = buf.reshape(-1)[: len(a) * (hi - lo)].reshape(len(a), hi - lo)
            np.multiply(ac, hashes[None, lo:hi], out=vals)
            vals += bc
            out[first:last] = (np.minimum.reduceat(vals, offsets, axis=1).T >> _S32).astype(
                np.uint32
            )
        first = last
    return out


_LOCAL: Final = threading.local()


def _buffer(num_perm: int) -> npt.NDArray[np.uint64]:
    """A reused ``uint64[num_perm, _CHUNK]`` work array, one per thread (allocating
    megabytes for every group costs page faults)."""
    buf: npt.NDArray[np.uint64] | None = getattr(_LOCAL, "buf", None)
    if buf is None or buf.shape[0] != num_perm:
        buf = np.empty((num_perm, _CHUNK), dtype=np.uint64)
        _LOCAL.buf = buf
    return buf


def _minhash(sh: U64, a: U64, b: U64) -> U32:
    """High 32 bits of min over shingles of ``a * x + b`` (mod 2**64), per permutation."""
    best = np.full(len(a), np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(sh), _CHUNK):
        part = a[:, None] * sh[None, start : start + _CHUNK]
        part += b[:, None]
        np.minimum(best, part.min(axis=1), out=best)
    out: U32 = (best >> _S32).astype(np.uint32)
    return out


def shingles_batch(texts: Sequence[str], params: SignatureParams) -> tuple[list[U64], U64]:
    """:func:`shingles` of many texts at once: one vectorized pass over all of them.

    Returns the shingle hashes of each text and the content hashes, exactly as
    :func:`shingles` gives them text by text.

    >>> p = SignatureParams()
    >>> texts = ["One two three four.", "", "Short", "北京市政府今天举行新闻发布会"]
    >>> got, content = shingles_batch(texts, p)
    >>> all((g == shingles(t, p)[0]).all() and c == shingles(t, p)[1]
    ...     for g, c, t in zip(got, content.tolist(), texts))
    True
    """
    flat, sizes, content = _shingles_flat(texts, params)
    return np.split(flat, np.cumsum(sizes)[:-1].tolist()) if len(texts) else [], content


def _shingles_flat(
    texts: Sequence[str], params: SignatureParams
) -> tuple[U64, npt.NDArray[np.int64], U64]:
    """:func:`shingles_batch` with the hashes back to back, and the number of each text's."""
    if not texts:
        return _EMPTY, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    # Groups of about _GROUP_CHARS characters: the hash powers they need stay cached
    # and their arrays stay in the CPU cache; every text's hashes are the same either way.
    parts: list[tuple[U64, npt.NDArray[np.int64], U64]] = []
    first = 0
    size = 0
    for i, t in enumerate(texts):
        if size and size + len(t) >= _GROUP_CHARS:
            parts.append(_shingles_group(texts[first:i], params))
            first, size = i, 0
        size += len(t) + 1
    parts.append(_shingles_group(texts[first:], params))
    if len(parts) == 1:
        return parts[0]
    flat, sizes, content = zip(*parts, strict=True)
    return np.concatenate(flat), np.concatenate(sizes), np.concatenate(content)


_GROUP_CHARS: Final = 60_000  # below _POWERS_CACHED


def _shingles_group(
    texts: Sequence[str], params: SignatureParams
) -> tuple[U64, npt.NDArray[np.int64], U64]:
    """Shingle hashes of ``texts`` back to back, the number of each text's, and the
    content hashes."""
    n = len(texts)
    content = np.zeros(n, dtype=np.uint64)
    folded = [t.casefold() for t in texts]
    joined = "\x00".join(folded)
    lengths = np.fromiter((len(f) for f in folded), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    ends = starts + lengths
    if joined.isascii():  # one byte per character, and no script without spaces
        codes: npt.NDArray[np.integer] = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        word = _ascii_word().take(codes)
        char_mode = np.zeros(n, dtype=bool)
        plus_one = np.add(codes, _ONE, dtype=np.uint64)
    else:
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        cls = _char_classes()[np.minimum(codes, _TABLE_SIZE)]
        word = cls != 0
        cw = np.concatenate(([0], np.cumsum(word, dtype=np.int64)))
        c2 = np.concatenate(([0], np.cumsum(cls == 2, dtype=np.int64)))
        n_word = cw[ends] - cw[starts]
        char_mode = (n_word > 0) & (3 * (c2[ends] - c2[starts]) > n_word)
        plus_one = codes.astype(np.uint64) + _ONE
    # Word runs over the whole batch (the separator is not a word character).
    w_start, w_end = _runs(word)
    pw, inv = _POWERS.get(len(codes) + 1)
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    np.cumsum(np.multiply(plus_one, pw[: len(codes)], out=plus_one), out=prefix[1:])
    tokens = (prefix[w_end] - prefix[w_start]) * inv[w_start]
    t_lo = np.searchsorted(w_start, starts)
    t_hi = np.searchsorted(w_start, ends)
    # Content hashes: position-independent polynomial of each document's tokens.
    tpw, tinv = _POWERS.get(len(tokens) + 1)
    tprefix = np.zeros(len(tokens) + 1, dtype=np.uint64)
    np.cumsum(tokens * tpw[: len(tokens)], out=tprefix[1:])
    content[:] = (tprefix[t_hi] - tprefix[t_lo]) * tinv[t_lo]
    # Shingles over the whole token stream; each document takes the ones inside it.
    width = params.word_shingle
    count = max(len(tokens) - width + 1, 0)
    acc = tokens[:count] * _SHINGLE_MULTS[0]
    for k in range(1, width):
        acc += tokens[k : k + count] * _SHINGLE_MULTS[k]
    mixed = _mix(acc)
    special = char_mode | (t_hi - t_lo < width)
    if not special.any():
        # every document's shingles, back to back: drop the windows across a boundary
        keep = np.ones(count, dtype=bool)
        across = (t_hi[:, None] - (width - 1) + np.arange(width - 1)).ravel()
        keep[across[(across >= 0) & (across < count)]] = False
        return mixed[keep], t_hi - t_lo - (width - 1), content
    out: list[U64] = []
    lo, hi = t_lo.tolist(), t_hi.tolist()
    for i, odd in enumerate(special.tolist()):
        if odd:
            sh, content[i] = shingles(texts[i], params)
            out.append(sh)
        else:
            out.append(mixed[lo[i] : hi[i] - width + 1])
    sizes = np.fromiter((len(sh) for sh in out), dtype=np.int64, count=n)
    return np.concatenate(out), sizes, content


_EMPTY: Final = np.zeros(0, dtype=np.uint64)


def signatures(texts: Sequence[str], params: SignatureParams) -> Signatures:
    """Band keys, 4-bit signatures and content hashes of a batch of texts.

    >>> p = SignatureParams()
    >>> s = signatures(["A storm hit the coast overnight", "A storm hit the coast overnight"], p)
    >>> s.bands.shape, s.sig.shape, bool((s.bands[0] == s.bands[1]).all())
    ((2, 18), (2, 64), True)
    """
    n = len(texts)
    length = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    allsh, sizes, content = _shingles_flat(texts, params)
    starts = np.zeros(n, dtype=np.intp)
    np.cumsum(sizes[:-1], out=starts[1:])
    mins = minhash_sets(allsh, starts, params.num_perm, params.seed)
    return Signatures(bands=band_keys(mins, params), sig=pack(mins), content=content, length=length)


def signature_one(text: str, params: SignatureParams) -> tuple[list[int], bytes, int]:
    """Band keys, packed 4-bit signature and content hash of one text: what
    :func:`signatures` gives for it, without a batch's fixed cost.

    >>> p = SignatureParams()
    >>> t = "A storm hit the coast overnight and closed the harbour road"
    >>> keys, sig, content = signature_one(t, p)
    >>> s = signatures([t], p)
    >>> keys == s.bands[0].tolist(), sig == s.sig[0].tobytes(), content == int(s.content[0])
    (True, True, True)
    """
    sh, content = shingles(text, params)
    num_perm = params.num_perm
    # a * x + b == (x + b / a) * a modulo 2**64 (a is odd), over a flat (shingle,
    # permutation) array: operands of the same shape, no broadcasting, which numpy runs
    # several times faster on one document's few hundred shingles
    offsets, mults = _tiled(num_perm, params.seed)
    top: U64 | None = None
    for lo in range(0, len(sh), _ONE_CHUNK):
        part = sh[lo : lo + _ONE_CHUNK]
        size = len(part) * num_perm
        vals = part.repeat(num_perm)
        vals += offsets[:size]
        vals *= mults[:size]
        low = vals.reshape(len(part), num_perm).min(axis=0)
        top = low if top is None else np.minimum(top, low, out=top)
    assert top is not None  # shingles() gives at least one hash
    top >>= _S32
    # band_keys() and pack() of this one row, with fewer steps
    mult, salt = _band_mults(params.bands, params.rows, params.seed)
    acc = top[: params.bands * params.rows].reshape(params.bands, params.rows) @ mult
    acc += salt
    keys: list[int] = (_mix(acc) >> _S32).tolist()
    nib = top.astype(np.uint8) & _LOW4
    return keys, (nib[0::2] | (nib[1::2] << _FOUR)).tobytes(), content


@lru_cache(maxsize=4)
def _tiled(num_perm: int, seed: int) -> tuple[U64, U64]:
    """The permutations' offsets and multipliers, repeated for _ONE_CHUNK shingles."""
    a, _ = _permutations(num_perm, seed)
    return np.tile(_offsets(num_perm, seed), _ONE_CHUNK), np.tile(a, _ONE_CHUNK)


def band_keys(mins: U32, params: SignatureParams) -> U32:
    """``uint32[n, bands]`` band keys of full MinHash values ``mins`` (``uint32[n, num_perm]``).

    Only ``params.bands``, ``params.rows`` and ``params.seed`` are used.
    """
    mult, salt = _band_mults(params.bands, params.rows, params.seed)
    used = mins[:, : params.bands * params.rows].astype(np.uint64)
    # one (wrapping) uint64 matrix product: sum over the rows of value * multiplier
    acc = (used.reshape(len(mins) * params.bands, params.rows) @ mult).reshape(
        len(mins), params.bands
    )
    acc += salt
    out: U32 = (_mix(acc) >> _S32).astype(np.uint32)
    return out


def pack(mins: U32) -> U8:
    """Keep the low 4 bits of every MinHash value, two values per byte."""
    nib = mins.astype(np.uint8) & _LOW4
    out: U8 = nib[:, 0::2] | (nib[:, 1::2] << _FOUR)
    return out


def estimate_jaccard_rows(a: U8, b: U8) -> npt.NDArray[np.float64]:
    """Estimated Jaccard similarity of row ``i`` of ``a`` with row ``i`` of ``b``
    (packed 4-bit signatures): :func:`estimate_jaccard`, pair by pair.

    >>> p = SignatureParams()
    >>> s = signatures(["one two three four five six", "one two three four five six"], p)
    >>> estimate_jaccard_rows(s.sig[:1], s.sig[1:]).tolist()
    [1.0]
    """
    return _from_agreement(np.bitwise_xor(a, b), a.shape[1])


def _from_agreement(x: U8, sig_bytes: int) -> npt.NDArray[np.float64]:
    """Jaccard estimates from the XOR of packed signatures (a zero nibble: agreement)."""
    equal = np.count_nonzero((x & np.uint8(0x0F)) == 0, axis=1) + np.count_nonzero(
        (x >> np.uint8(4)) == 0, axis=1
    )
    m = equal / (2 * sig_bytes)
    out: npt.NDArray[np.float64] = np.clip((m - 1 / 16) / (15 / 16), 0.0, 1.0)
    return out


@lru_cache(maxsize=8)
def _nibble_mask(nbytes: int) -> int:
    """The lowest bit of every 4-bit value of ``nbytes`` bytes."""
    return int.from_bytes(b"\x11" * nbytes, "little")


def estimate_jaccard_bytes(a: bytes, b: bytes) -> float:
    """:func:`estimate_jaccard` of two packed signatures given as bytes, in plain Python
    (no array set-up for one pair); the same float, bit for bit.

    >>> p = SignatureParams()
    >>> s = signatures(["one two three four five six", "one two three four six seven"], p)
    >>> e = estimate_jaccard_bytes(s.sig[0].tobytes(), s.sig[1].tobytes())
    >>> e == float(estimate_jaccard(s.sig[0], s.sig[1:])[0])
    True
    """
    x = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
    x |= x >> 1
    x |= x >> 2
    values = 2 * len(a)
    m = (values - (x & _nibble_mask(len(a))).bit_count()) / values
    return min(max((m - 1 / 16) / (15 / 16), 0.0), 1.0)


def estimate_jaccard(query: U8, others: U8) -> npt.NDArray[np.float64]:
    """Estimated Jaccard similarity of ``query`` (packed) against each row of ``others``.

    b-bit MinHash: with 4 bits, unrelated values agree with chance 1/16, which is
    subtracted out.

    >>> p = SignatureParams()
    >>> s = signatures(["one two three four five six", "one two three four five six"], p)
    >>> float(estimate_jaccard(s.sig[0], s.sig[1:])[0])
    1.0
    """
    return _from_agreement(np.bitwise_xor(others, query[None, :]), query.shape[0])
