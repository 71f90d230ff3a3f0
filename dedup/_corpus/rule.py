"""The duplicate rule: given a document and the indexed documents that share one of its
LSH band keys, is it a copy of one of them, and which copy stays indexed?

One function, :func:`decide_duplicate`, used by every store and by the Spark job, so all
of them decide alike. LSH only proposes candidates: each is verified here (content hash
for an exact copy, the estimated Jaccard similarity of the two shingle sets for a
near-duplicate) before it can make a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .._clean import KeepPolicy, Rule
from .minhash import estimate_jaccard_bytes
from .store import Candidate, Doc

__all__ = ["Action", "Decision", "decide_duplicate"]

Action = Literal["insert", "dup", "replace"]
"""``insert``: index the document; ``dup``: it copies ``slot``; ``replace``: it copies
``slot`` and, being longer under ``keep="longest"``, takes its place."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one document; ``slot`` is the candidate it copies (or replaces)."""

    action: Action
    slot: int = -1
    similarity: float = 0.0
    rule: Rule | None = None


_INSERT = Decision("insert")


def decide_duplicate(
    doc: Doc, cands: Sequence[Candidate], *, min_jaccard: float, keep: KeepPolicy
) -> Decision:
    """Verify every candidate and decide; the best match wins, the earliest on ties.

    >>> from dedup._corpus.minhash import SignatureParams, signatures
    >>> s = signatures(["one two three four five", "one two three four five!"],
    ...                SignatureParams())
    >>> doc = Doc("b", None, (), s.sig[1].tobytes(), int(s.content[1]), 24, ())
    >>> decide_duplicate(doc, [(0, s.sig[0].tobytes(), int(s.content[0]), 23)],
    ...                  min_jaccard=0.7, keep="first")
    Decision(action='dup', slot=0, similarity=1.0, rule=<Rule.EXACT: 'exact'>)
    >>> decide_duplicate(doc, [], min_jaccard=0.7, keep="first").action
    'insert'
    """
    if not cands:
        return _INSERT
    best: tuple[float, int, int] | None = None  # (similarity, -slot, index)
    for k, (slot, sig, content, _) in enumerate(cands):
        sim = 1.0 if content == doc.content else estimate_jaccard_bytes(doc.sig, sig)
        if sim >= min_jaccard and (best is None or (sim, -slot) > best[:2]):
            best = (sim, -slot, k)
    if best is None:
        return _INSERT
    sim, _, k = best
    slot, _, content, length = cands[k]
    rule = Rule.EXACT if content == doc.content else Rule.NEAR_DUPLICATE
    if keep == "longest" and doc.length > length:
        return Decision("replace", slot, sim, rule)
    return Decision("dup", slot, sim, rule)
