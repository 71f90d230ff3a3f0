"""Generated news-like documents with planted near-duplicates, for tests and benchmarks.

The text is made of pseudo-words drawn from a Zipf-like vocabulary; nothing is copied from
any real corpus. A cluster is one source article plus variants whose word 3-shingle
Jaccard similarity to the source is spread over ``jaccard`` (default 0.5-0.95): words are
replaced at random at the rate that gives the target similarity, and some variants also
get an update line or lose their last paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from dedup._corpus.minhash import SignatureParams, shingles

__all__ = ["SynthDoc", "exact_jaccard", "generate"]

_SYLLABLES = (
    "ka", "ro", "mi", "ta", "ne", "su", "lo", "va", "de", "pri", "zu", "bel", "mon", "tar",
    "ga", "li", "sen", "dor", "ful", "hap", "ex", "qui", "wen", "ost", "rin", "cha", "bo",
    "ner", "til",
)  # fmt: skip
_BOILERPLATE = (
    "Share this article",
    "TOP TRENDING",
    "Advertising",
    "Sign up for our newsletter",
    "Read more:",
)


@dataclass(frozen=True, slots=True)
class SynthDoc:
    """One generated document: its id, text, site and cluster (source's index)."""

    doc_id: str
    text: str
    site: str
    cluster: int


def _vocabulary(rng: np.random.Generator, size: int) -> np.ndarray:
    out: dict[str, None] = {}
    while len(out) < size:
        lengths = rng.integers(1, 4, size=2 * size).tolist()
        picks = rng.integers(0, len(_SYLLABLES), size=(2 * size, 3)).tolist()
        for n, row in zip(lengths, picks, strict=True):
            out["".join(_SYLLABLES[i] for i in row[:n])] = None
            if len(out) >= size:
                break
    return np.array(list(out), dtype=object)


def _replace_rate(target: float, width: int = 3) -> float:
    survive = 2 * target / (1 + target)
    return float(1 - survive ** (1 / width))


def generate(
    n_docs: int,
    *,
    dup_share: float = 0.3,
    jaccard: tuple[float, float] = (0.5, 0.95),
    words: tuple[int, int] = (150, 500),
    sites: int = 20,
    seed: int = 0,
    shuffle: bool = True,
) -> list[SynthDoc]:
    """``n_docs`` documents, about ``dup_share`` of them planted variants of another.

    >>> docs = generate(10, seed=1)
    >>> len(docs), len({d.doc_id for d in docs})
    (10, 10)
    """
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng, 20_000)
    ranks = np.arange(1, len(vocab) + 1)
    weights = 1.0 / ranks**1.05
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    n_variants = int(n_docs * dup_share)
    n_sources = n_docs - n_variants
    docs: list[tuple[str, str, int]] = []  # text, site, cluster
    source_words: list[np.ndarray] = []
    for c in range(n_sources):
        length = int(rng.integers(words[0], words[1] + 1))
        idx = np.searchsorted(cdf, rng.random(length))
        source_words.append(idx)
        site = f"site{int(rng.integers(0, sites))}.example"
        docs.append((_render(vocab, idx, rng, site), site, c))
    for _ in range(n_variants):
        c = int(rng.integers(0, n_sources))
        idx = source_words[c].copy()
        target = float(rng.uniform(*jaccard))
        q = _replace_rate(target)
        hit = rng.random(len(idx)) < q
        idx[hit] = np.searchsorted(cdf, rng.random(int(hit.sum())))
        site = f"site{int(rng.integers(0, sites))}.example"
        docs.append((_render(vocab, idx, rng, site), site, c))
    order = rng.permutation(len(docs)) if shuffle else np.arange(len(docs))
    return [
        SynthDoc(f"doc-{k:07d}", docs[i][0], docs[i][1], docs[i][2])
        for k, i in enumerate(order.tolist())
    ]


def _render(vocab: np.ndarray, idx: np.ndarray, rng: np.random.Generator, site: str) -> str:
    tokens = vocab[idx].tolist()
    cuts = np.cumsum(rng.integers(8, 25, size=len(tokens) // 8 + 1)).tolist()
    sentences: list[str] = []
    start = 0
    for end in cuts:
        if start >= len(tokens):
            break
        sentences.append(" ".join(tokens[start:end]).capitalize() + ".")
        start = end
    paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
    k = int(rng.integers(1, 3))
    tail = [_BOILERPLATE[(hash_site(site) + i) % len(_BOILERPLATE)] for i in range(k)]
    return "\n".join([*paragraphs, *tail]) + "\n"


def hash_site(site: str) -> int:
    """A stable small number for a site name."""
    return sum(site.encode())


def exact_jaccard(a: str, b: str, params: SignatureParams | None = None) -> float:
    """Exact Jaccard similarity of two texts' shingle sets (as the corpus shingles them).

    >>> exact_jaccard("one two three four", "one two three four")
    1.0
    """
    p = params or SignatureParams()
    sa = set(shingles(a, p)[0].tolist())
    sb = set(shingles(b, p)[0].tolist())
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def iter_jsonl_rows(docs: list[SynthDoc]) -> Iterator[dict[str, str]]:
    """The documents as JSONL-ready rows: ``url``, ``text``, ``domain``."""
    for d in docs:
        yield {"url": d.doc_id, "text": d.text, "domain": d.site}
