"""The corpus layer: near-duplicate documents across a crawl, and per-site boilerplate.

:class:`Corpus` streams documents through a MinHash LSH index (see ``minhash.py``) kept
in memory, in SQLite or in Redis (see ``store.py``), which asks the duplicate rule
(``rule.py``) about each document. Every LSH candidate is verified
(content hash for exact copies, the estimated Jaccard similarity of the two shingle sets
for near-duplicates) before a verdict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final

from .._clean import (
    Removal,
    Segmentation,
    check_text,
    find_copies,
    normalize_text,
    render,
    segment_checked,
)
from .config import CorpusConfig, resolve_corpus_config
from .minhash import signature_one, signatures
from .store import Doc, Store, StoreError, Verdict, open_store

__all__ = ["BoilerplateRemoval", "Corpus", "CorpusReport", "StoreError", "Verdict"]

_MAX_LINE_CHARS: Final = 400
_BATCH: Final = 512


@dataclass(frozen=True, slots=True)
class BoilerplateRemoval:
    """A line removed because many documents of the same site carry it.

    Attributes:
        span: ``(start, end)`` of the line in the input.
        text: the line.
        deleted_span: the span actually deleted (the line and its terminator, and a
            blank-line separator when its whole block went).
        rule: always ``"site-boilerplate"``.
        frequency: how many indexed documents of the site carry the line.
        site_docs: how many indexed documents the site has.
    """

    span: tuple[int, int]
    text: str
    deleted_span: tuple[int, int]
    rule: str
    frequency: int
    site_docs: int

    @property
    def share(self) -> float:
        """``frequency / site_docs``."""
        return self.frequency / self.site_docs if self.site_docs else 0.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of this record."""
        return {
            "span": list(self.span),
            "text": self.text,
            "deleted_span": list(self.deleted_span),
            "rule": self.rule,
            "frequency": self.frequency,
            "site_docs": self.site_docs,
        }


@dataclass(frozen=True, slots=True)
class CorpusReport:
    """What :meth:`Corpus.explain` returns.

    Attributes:
        text: the cleaned text (what :meth:`Corpus.clean` returns).
        removals: units removed as copies within the document (as :func:`dedup.explain`).
        boilerplate: lines removed as the site's boilerplate or repeated captions.
    """

    text: str
    removals: tuple[Removal, ...]
    boilerplate: tuple[BoilerplateRemoval, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of this report."""
        return {
            "text": self.text,
            "removals": [r.to_dict() for r in self.removals],
            "boilerplate": [b.to_dict() for b in self.boilerplate],
        }


class Corpus:
    """An index of documents that finds near-duplicates and learns per-site boilerplate.

    Args:
        store: ``None`` (in memory), ``"sqlite:///path.db"`` (a file; four slashes for an
            absolute path) or ``"redis://host:port/db"`` (shared by several processes).
        config: options, see :class:`CorpusConfig`; ``None`` for the defaults.
        **overrides: options that replace those of ``config``, e.g. ``min_jaccard=0.8``.

    >>> with Corpus() as corpus:
    ...     story = "The city council approved the new budget on Tuesday evening. " * 3
    ...     corpus.add("a", story).is_duplicate
    ...     v = corpus.add("b", story + "Updated at 9pm.")
    ...     v.is_duplicate, v.duplicate_of, str(v.rule)
    ...     len(corpus), "a" in corpus, "b" in corpus
    False
    (True, 'a', 'near-duplicate')
    (1, True, False)
    """

    def __init__(
        self, store: str | None = None, config: CorpusConfig | None = None, **overrides: Any
    ) -> None:
        self.config = resolve_corpus_config(config, overrides)
        self.params = self.config.params
        self._store: Store = open_store(
            store,
            self.params,
            max_bucket=self.config.max_bucket,
            prefix=self.config.prefix,
            durability=self.config.durability,
        )

    @property
    def address(self) -> str:
        """Where the index lives: ``"memory"``, or the store URL."""
        return self._store.address

    # -- near-duplicate documents ------------------------------------------------------
    def add(self, doc_id: str, text: str, *, site: str | None = None) -> Verdict:
        """Check one document against the index and record it unless it is a duplicate.

        Adding an id that was added before changes nothing and returns the verdict
        recorded then (with ``seen=True``): a rerun over the same input is idempotent.
        """
        # One document: its signature alone (no batch set-up), then the store as usual.
        _check(doc_id, text, site)
        keys, sig, content = signature_one(text, self.params)
        doc = Doc(
            doc_id=doc_id,
            site=site,
            keys=tuple(keys),
            sig=sig,
            content=content,
            length=len(text),
            lines=self._line_hashes(text) if site is not None else (),
        )
        return self._store.add_batch([doc], self.config.min_jaccard, self.config.keep)[0]

    def add_many(
        self, docs: Iterable[tuple[str, str] | tuple[str, str, str | None]]
    ) -> list[Verdict]:
        """Add documents in order; each batch of up to 512 is one transaction.

        Returns one verdict per document, in input order. Documents of one batch are
        checked against each other too, exactly as if added one by one.
        """
        out: list[Verdict] = []
        cfg = self.config
        if not self._store.prepare_ahead:
            for batch in _batches(docs, _BATCH):
                out.extend(self._store.add_batch(self._prepare(batch), cfg.min_jaccard, cfg.keep))
            return out
        # A store that waits on a server: the next batch is signed in a thread meanwhile
        # (numpy and the socket both release the GIL). The input is read here, in order,
        # and a bad document still stops the run before its batch is stored.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dedup-sign") as pool:
            pending: Future[list[Doc]] | None = None
            for batch in _batches(docs, _BATCH):
                ready = pool.submit(self._prepare, batch)
                if pending is not None:
                    out.extend(self._store.add_batch(pending.result(), cfg.min_jaccard, cfg.keep))
                pending = ready
            if pending is not None:
                out.extend(self._store.add_batch(pending.result(), cfg.min_jaccard, cfg.keep))
        return out

    def _prepare(self, batch: list[tuple[str, str, str | None]]) -> list[Doc]:
        for doc_id, text, site in batch:
            _check(doc_id, text, site)
        sigs = signatures([t for _, t, _ in batch], self.params)
        k = self.params.sig_bytes
        raw = sigs.sig.tobytes()
        return [
            Doc(
                doc_id,
                site,
                tuple(keys),
                raw[i * k : (i + 1) * k],
                content,
                length,
                self._line_hashes(text) if site is not None else (),
            )
            for i, ((doc_id, text, site), keys, content, length) in enumerate(
                zip(
                    batch,
                    sigs.bands.tolist(),
                    sigs.content.tolist(),
                    sigs.length.tolist(),
                    strict=True,
                )
            )
        ]

    def _line_hashes(self, text: str) -> tuple[int, ...]:
        """The line keys a document teaches its site, one per distinct unit: units as
        :func:`dedup.clean` cuts them, so what is learnt is what is looked up."""
        seg = segment_checked(text, self.config.clean_config)
        keys = (_line_key(seg.unit(k)) for k in range(len(seg)))
        return tuple(dict.fromkeys(h for h in keys if h is not None))

    def verdict(self, doc_id: str) -> Verdict | None:
        """The verdict recorded when ``doc_id`` was added, or ``None`` if it never was."""
        return self._store.verdict(doc_id)

    def remove(self, doc_id: str) -> None:
        """Take a document out of the index; raises ``KeyError`` if it is not indexed."""
        if not self._store.remove(doc_id):
            raise KeyError(doc_id)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._store.contains(doc_id)

    def __len__(self) -> int:
        return self._store.count()

    def nbytes(self) -> int:
        """Bytes of the in-memory index arrays (memory and SQLite stores; ids excluded)."""
        return self._store.nbytes()

    # -- boilerplate ----------------------------------------------------------------
    def clean(self, doc_id: str, text: str, *, site: str | None = None) -> str:
        """:func:`dedup.clean` plus removal of the site's boilerplate lines.

        A line is the site's boilerplate (a share button, "TOP TRENDING", a stock
        caption) when more than ``boilerplate_share`` of the site's indexed documents,
        and at least ``boilerplate_min_docs`` of them, carry it. Documents teach the
        corpus their lines when they are added with a ``site``: add the crawl first, then
        clean it.
        """
        return self.explain(doc_id, text, site=site).text

    def explain(self, doc_id: str, text: str, *, site: str | None = None) -> CorpusReport:
        """Like :meth:`clean`, and say what was removed and why.

        >>> corpus = Corpus(boilerplate_min_docs=2)
        >>> for i in range(3):
        ...     _ = corpus.add(f"d{i}", f"Story number {i} about the harbour.\\nShare this article",
        ...                    site="example.org")
        >>> report = corpus.explain("d0", "Story number 0 about the harbour.\\nShare this article",
        ...                         site="example.org")
        >>> report.text
        'Story number 0 about the harbour.'
        >>> b = report.boilerplate[0]
        >>> b.text, b.rule, b.frequency, b.site_docs
        ('Share this article', 'site-boilerplate', 3, 3)
        """
        _check(doc_id, text, site)
        seg = segment_checked(text, self.config.clean_config)
        copies = find_copies(seg, self.config.clean_config)
        boiler = self._boilerplate(seg, {d.index for d in copies}, site) if site else {}
        report, deleted = render(seg, copies, also=boiler)
        boilerplate = tuple(
            BoilerplateRemoval(
                span=(seg.starts[k], seg.ends[k]),
                text=seg.unit(k),
                deleted_span=deleted[k],
                rule="site-boilerplate",
                frequency=n,
                site_docs=site_docs,
            )
            for k, (n, site_docs) in sorted(boiler.items())
        )
        return CorpusReport(report.text, report.removals, boilerplate)

    def _boilerplate(
        self, seg: Segmentation, copies: set[int], site: str
    ) -> dict[int, tuple[int, int]]:
        """Units of ``seg`` (not already copies) that are the site's boilerplate, each
        with the number of the site's documents that carry it and the site's total."""
        line_keys = [_line_key(seg.unit(k)) for k in range(len(seg))]
        wanted = sorted({h for h in line_keys if h is not None})
        site_docs, counts = self._store.line_counts(site, wanted)
        freq = dict(zip(wanted, counts, strict=True))
        floor = max(self.config.boilerplate_min_docs, 1)
        boiler: dict[int, tuple[int, int]] = {}
        for k, h in enumerate(line_keys):
            n = freq.get(h, 0) if h is not None else 0
            if k not in copies and n >= floor and n > self.config.boilerplate_share * site_docs:
                boiler[k] = (n, site_docs)
        return boiler

    # -- lifecycle ------------------------------------------------------------------
    def close(self) -> None:
        """Release the store (closes the database file or the connection)."""
        self._store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        cfg = self.config
        return f"Corpus({self.address!r}, min_jaccard={cfg.min_jaccard}, keep={cfg.keep!r})"


def _check(doc_id: object, text: object, site: object) -> None:
    if not isinstance(doc_id, str):
        raise TypeError(f"doc_id must be str, not {type(doc_id).__name__}")
    check_text(text)
    if site is not None and not isinstance(site, str):
        raise TypeError(f"site must be str or None, not {type(site).__name__}")


def _batches(
    docs: Iterable[tuple[str, str] | tuple[str, str, str | None]], size: int
) -> Iterator[list[tuple[str, str, str | None]]]:
    batch: list[tuple[str, str, str | None]] = []
    for item in docs:
        if len(item) == 2:
            batch.append((item[0], item[1], None))
        elif len(item) == 3:
            batch.append((item[0], item[1], item[2]))
        else:
            raise TypeError("each document must be (doc_id, text) or (doc_id, text, site)")
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _line_key(line: str) -> int | None:
    """Stable 62-bit hash of a line's comparison key; ``None`` for blank or long lines."""
    if len(line) > _MAX_LINE_CHARS:
        return None
    key = normalize_text(line)
    if not key:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 2
