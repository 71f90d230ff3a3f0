"""What every index store shares: the records passed to and from a store, the
:class:`Store` protocol and :func:`open_store`, which opens one by URL.

A store only stores: it finds the candidates of a document (the indexed documents sharing
one of its LSH band keys), asks :func:`~dedup._corpus.rule.decide_duplicate` what to do and
records the result atomically. The stores are:

* ``memory.py``: one process, gone on exit;
* ``sqlite.py``: one file that several processes may take turns writing;
* ``redis.py``: one Redis server shared by any number of worker processes.

For the same documents in the same order every store gives the same verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple, Protocol
from urllib.parse import unquote

from .._clean import KeepPolicy, Rule
from .._errors import ConfigError, StoreError
from .minhash import SignatureParams

__all__ = [
    "Candidate",
    "Doc",
    "Store",
    "StoreError",
    "Verdict",
    "check_params",
    "open_store",
    "params_dict",
]


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
        rule: :attr:`Rule.EXACT <dedup.Rule.EXACT>` (same words in the same order,
            ignoring case and punctuation), :attr:`Rule.NEAR_DUPLICATE
            <dedup.Rule.NEAR_DUPLICATE>`, or ``None``. A :class:`dedup.Rule` is a ``str``,
            so ``v.rule == "exact"`` works too.
        replaced: with ``keep="longest"``, the id of a shorter indexed copy that this
            document replaced (that copy is now a duplicate of this one).
        seen: the id was added before; the verdict is the one recorded then.

    >>> from dedup import Rule
    >>> v = Verdict("b", True, "a", 1.0, "exact")
    >>> v.rule is Rule.EXACT, v.rule == "exact"
    (True, True)
    >>> v.to_dict()["doc_id"], v.to_dict()["rule"]
    ('b', 'exact')
    """

    doc_id: str
    is_duplicate: bool
    duplicate_of: str | None = None
    similarity: float = 0.0
    rule: Rule | None = None
    replaced: str | None = None
    seen: bool = False

    def __post_init__(self) -> None:
        if self.rule is not None and not isinstance(self.rule, Rule):
            object.__setattr__(self, "rule", Rule(self.rule))  # as read back from a store

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (the schema of ``removed.jsonl`` lines)."""
        return {
            "doc_id": self.doc_id,
            "duplicate": self.is_duplicate,
            "duplicate_of": self.duplicate_of,
            "similarity": round(self.similarity, 4),
            "rule": None if self.rule is None else self.rule.value,
            "replaced": self.replaced,
        }


class Doc(NamedTuple):
    """One document, ready for the index (made by ``Corpus``, or by the Spark job); a
    named tuple, cheap to make for every document of a batch."""

    doc_id: str
    site: str | None
    keys: tuple[int, ...]
    sig: bytes
    content: int
    length: int
    lines: tuple[int, ...]


Candidate = tuple[int, bytes, int, int]
"""An indexed document that shares a band key: ``(slot, signature, content hash, length)``."""


class Store(Protocol):
    """What :class:`dedup.Corpus` needs from a store."""

    address: str
    prepare_ahead: bool
    """Whether ``Corpus.add_many`` should sign the next batch in a thread while the store
    adds this one (for a store that mostly waits on a server)."""

    def add_batch(
        self, docs: Sequence[Doc], min_jaccard: float, keep: KeepPolicy
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


def params_dict(params: SignatureParams) -> dict[str, int]:
    """The signature options an index records, to refuse being opened with others."""
    return {name: getattr(params, name) for name in _PARAM_NAMES}


def check_params(address: str, stored: dict[str, Any], params: SignatureParams) -> None:
    """Raise :class:`~dedup.ConfigError` when the index was built with other options."""
    wanted = params_dict(params)
    for name in _PARAM_NAMES:
        if stored.get(name) != wanted[name]:
            raise ConfigError(
                f"the index at {address} was built with {name}={stored.get(name)!r}, "
                f"not {wanted[name]!r}; open it with the same options or use a new index",
                option=name,
            )


def open_store(
    store: str | None,
    params: SignatureParams,
    *,
    max_bucket: int,
    prefix: str = "dedup",
    durability: str = "normal",
) -> Store:
    """Open the store named by ``store`` (``None``, ``sqlite:///…`` or ``redis://…``)."""
    if store is None:
        from .memory import MemoryStore

        return MemoryStore(params, max_bucket=max_bucket)
    if not isinstance(store, str):
        raise TypeError(f"store must be None or a URL string, got {type(store).__name__}")
    if store.startswith("sqlite://"):
        from .sqlite import SQLiteStore

        return SQLiteStore(
            _sqlite_path(store), params, max_bucket=max_bucket, durability=durability
        )
    if store.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisStore

        return RedisStore(store, params, max_bucket=max_bucket, prefix=prefix)
    raise ConfigError(
        f"unknown store {store!r}; use None (memory), 'sqlite:///path.db' or 'redis://host:port/db'"
    )


def _sqlite_path(url: str) -> str:
    """``sqlite:///rel.db`` -> ``rel.db``; ``sqlite:////abs.db`` -> ``/abs.db``."""
    path = unquote(url[len("sqlite://") :])
    if path.startswith("/"):
        path = path[1:]
    if not path:
        raise ConfigError("store 'sqlite://' needs a path, e.g. sqlite:///index.db")
    return path
