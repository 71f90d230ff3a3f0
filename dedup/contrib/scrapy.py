"""A Scrapy item pipeline that cleans the text fields of every scraped item.

Install with ``pip install 'news-dedup[scrapy]'`` and enable it with two settings::

    ITEM_PIPELINES = {"dedup.contrib.scrapy.DedupPipeline": 300}
    DEDUP_FIELDS = ["body"]

Settings:

* ``DEDUP_FIELDS`` (default ``["text"]``): the item fields to clean. A field that is
  missing or ``None`` is left alone; a field that holds no ``str`` is left alone and
  counted in ``dedup/fields_skipped``.
* ``DEDUP_OPTIONS`` (default ``{}``): options of :class:`dedup.CleanConfig`, e.g.
  ``{"threshold": 0.85, "scope": "document"}``.
* ``DEDUP_DROP_DUPLICATES`` (default ``False``): drop an item whose cleaned text is a
  near-duplicate of an item seen earlier in the crawl, raising ``DropItem`` with the URL
  of the earlier item.
* ``DEDUP_DUPLICATE_THRESHOLD``: the similarity (0.5-1) from which two items are
  duplicates. With :class:`dedup.Corpus` (when this version of dedup has it) it is the
  corpus index's estimated Jaccard similarity (default: the corpus default); without it,
  rapidfuzz's similarity of the normalized texts (default ``0.9``).
* ``DEDUP_CORPUS_STORE`` (default ``None``, in memory for one crawl): where the
  :class:`dedup.Corpus` index lives, e.g. ``"sqlite:///seen.db"``, to drop items seen in
  earlier crawls too (needs a dedup with ``Corpus``).
* ``DEDUP_URL_FIELD`` (default ``"url"``): the field holding an item's URL.

Stats (in the crawl's stats collector): ``dedup/items_seen``, ``dedup/items_cleaned``
(items where something was removed), ``dedup/units_removed``, ``dedup/chars_removed``,
``dedup/fields_skipped`` and ``dedup/items_dropped``.

Works with every item type ``itemadapter`` knows: dicts, ``scrapy.Item``, dataclasses and
attrs classes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from .._extras import require

require("scrapy", extra="scrapy", feature="dedup.contrib.scrapy")
require("itemadapter", extra="scrapy", feature="dedup.contrib.scrapy")

from itemadapter import ItemAdapter  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402
from scrapy.exceptions import DropItem  # noqa: E402

from .. import CleanConfig, ConfigError, explain, normalize_text  # noqa: E402

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["DedupPipeline"]

_SHINGLE: Final = 5
_NUM_PERM: Final = 64
_SEED: Final = 1


class DedupPipeline:
    """Clean configured text fields of each item; optionally drop duplicate items.

    Args:
        fields: the item fields to clean.
        config: dedup options for :func:`dedup.clean`.
        drop_duplicates: drop items whose cleaned text repeats an earlier item's.
        duplicate_threshold: similarity (0.5-1) from which two items are duplicates;
            ``None`` for the default of the index in use.
        corpus_store: where a :class:`dedup.Corpus` index lives (``None``: in memory).
        url_field: the field that holds an item's URL (named in ``DropItem``).
        stats: where to count; Scrapy passes the crawl's stats collector.

    >>> pipeline = DedupPipeline(fields=["body"])
    >>> line = "Boats in the harbour at dawn today\\n"
    >>> pipeline.process_item({"body": line + line})["body"]
    'Boats in the harbour at dawn today\\n'
    """

    def __init__(
        self,
        *,
        fields: Iterable[str] = ("text",),
        config: CleanConfig | None = None,
        drop_duplicates: bool = False,
        duplicate_threshold: float | None = None,
        corpus_store: str | None = None,
        url_field: str = "url",
        stats: StatsCollector | None = None,
    ) -> None:
        if isinstance(fields, str):
            fields = [fields]
        self.fields = tuple(fields)
        if not self.fields or not all(isinstance(f, str) and f for f in self.fields):
            raise ConfigError(f"DEDUP_FIELDS must be a list of field names, got {fields!r}")
        if config is not None and not isinstance(config, CleanConfig):
            raise ConfigError(f"config must be a dedup.CleanConfig, got {type(config).__name__}")
        if duplicate_threshold is not None and (
            isinstance(duplicate_threshold, bool)
            or not isinstance(duplicate_threshold, (int, float))
            or not 0.5 <= duplicate_threshold <= 1.0
        ):
            raise ConfigError(
                f"DEDUP_DUPLICATE_THRESHOLD must be a number from 0.5 to 1.0, "
                f"got {duplicate_threshold!r}"
            )
        if corpus_store is not None and not isinstance(corpus_store, str):
            raise ConfigError(f"DEDUP_CORPUS_STORE must be a store URL, got {corpus_store!r}")
        if corpus_store is not None and _corpus_class() is None:
            raise ConfigError(
                "DEDUP_CORPUS_STORE needs dedup.Corpus, which this version of dedup does "
                "not have; leave it unset for an in-memory check within the crawl"
            )
        self.config = config if config is not None else CleanConfig()
        self.drop_duplicates = bool(drop_duplicates)
        self.url_field = url_field
        self.stats = stats
        self._seen = 0
        self.duplicate_threshold = duplicate_threshold
        self.corpus_store = corpus_store
        self._index: _Index | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        """Build the pipeline from the ``DEDUP_*`` settings of ``crawler``."""
        settings = crawler.settings
        options = settings.getdict("DEDUP_OPTIONS")
        try:
            config = CleanConfig(**options)
        except (ConfigError, TypeError) as exc:
            raise ConfigError(f"DEDUP_OPTIONS: {exc}") from exc
        threshold = settings.get("DEDUP_DUPLICATE_THRESHOLD")
        if isinstance(threshold, str):
            with contextlib.suppress(ValueError):
                threshold = float(threshold)
        return cls(
            fields=settings.getlist("DEDUP_FIELDS", ["text"]),
            config=config,
            drop_duplicates=settings.getbool("DEDUP_DROP_DUPLICATES", False),
            duplicate_threshold=threshold,
            corpus_store=settings.get("DEDUP_CORPUS_STORE"),
            url_field=settings.get("DEDUP_URL_FIELD", "url"),
            stats=crawler.stats,
        )

    def open_spider(self, spider: Spider | None = None) -> None:
        """Start a new crawl: a new in-memory index (a corpus store keeps its items)."""
        self.close_spider()
        if self.drop_duplicates:
            self._index = _make_index(self.duplicate_threshold, self.corpus_store)

    def close_spider(self, spider: Spider | None = None) -> None:
        """Close the duplicate index (and its store)."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """Clean the item's text fields in place and return it.

        Raises:
            DropItem: ``DEDUP_DROP_DUPLICATES`` is on and the item's cleaned text is a
                near-duplicate of an earlier item; the message names that item's URL.
        """
        adapter = ItemAdapter(item)
        self._inc("dedup/items_seen")
        removed = 0
        texts: list[str] = []
        for name in self.fields:
            value = adapter.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                self._inc("dedup/fields_skipped")
                continue
            report = explain(value, self.config)
            if report.removals:
                adapter[name] = report.text
                removed += len(report.removals)
                self._inc("dedup/units_removed", len(report.removals))
                self._inc("dedup/chars_removed", len(value) - len(report.text))
            texts.append(report.text)
        if removed:
            self._inc("dedup/items_cleaned")
        if self.drop_duplicates and texts:
            if self._index is None:  # used without open_spider()
                self._index = _make_index(self.duplicate_threshold, self.corpus_store)
            self._seen += 1
            url = str(adapter.get(self.url_field) or f"item #{self._seen}")
            match = self._index.match_or_add("\n".join(texts), url)
            if match is not None:
                self._inc("dedup/items_dropped")
                raise DropItem(
                    f"near-duplicate of {match.url} (similarity {match.similarity:.3f}): {url}"
                )
        return item

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)


@dataclass(frozen=True)
class _Match:
    url: str
    similarity: float


class _Index(Protocol):
    def match_or_add(self, text: str, url: str) -> _Match | None: ...

    def close(self) -> None: ...


def _corpus_class() -> Any:
    """``dedup.Corpus`` when this version of dedup has it, else ``None``."""
    import dedup

    return getattr(dedup, "Corpus", None)


def _make_index(threshold: float | None, store: str | None) -> _Index:
    corpus = _corpus_class()
    if corpus is not None:
        return _CorpusIndex(corpus, threshold, store)
    return _CrawlIndex(0.9 if threshold is None else float(threshold))


class _CorpusIndex:
    """The duplicate check on :class:`dedup.Corpus`: item URLs are its document ids."""

    def __init__(self, corpus: Any, threshold: float | None, store: str | None) -> None:
        options = {} if threshold is None else {"threshold": float(threshold)}
        self._corpus = corpus(store, **options)

    def match_or_add(self, text: str, url: str) -> _Match | None:
        verdict = self._corpus.add(url, text)
        if not verdict.is_duplicate:
            return None
        return _Match(str(verdict.duplicate_of), float(verdict.similarity))

    def close(self) -> None:
        self._corpus.close()


class _CrawlIndex:
    """Near-duplicate lookup of whole item texts within one crawl.

    MinHash LSH (datasketch, seeded) over character 5-grams of the normalized text
    proposes candidates; each is verified with rapidfuzz before an item counts as a
    duplicate. Exact repeats are found by a dictionary of normalized texts.
    """

    def __init__(self, threshold: float) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._exact: dict[str, str] = {}
        self._keys: list[str] = []
        self._urls: list[str] = []
        self._lsh = MinHashLSH(threshold=max(0.3, threshold - 0.4), num_perm=_NUM_PERM)

    def close(self) -> None:
        pass

    def match_or_add(self, text: str, url: str) -> _Match | None:
        key = normalize_text(text)
        if not key:
            return None
        if key in self._exact:
            return _Match(self._exact[key], 1.0)
        minhash = self._minhash(key)
        best: _Match | None = None
        cutoff = self.threshold * 100
        for slot in sorted(self._lsh.query(minhash)):
            other = self._keys[slot]
            if min(len(key), len(other)) < self.threshold * max(len(key), len(other)):
                continue
            score = fuzz.ratio(key, other, processor=None, score_cutoff=cutoff) / 100
            if score and (best is None or score > best.similarity):
                best = _Match(self._urls[slot], round(score, 4))
        if best is not None:
            return best
        slot = len(self._keys)
        self._exact[key] = url
        self._keys.append(key)
        self._urls.append(url)
        self._lsh.insert(slot, minhash)
        return None

    @staticmethod
    def _minhash(key: str) -> Any:
        from datasketch import MinHash

        grams = {key[k : k + _SHINGLE] for k in range(max(1, len(key) - _SHINGLE + 1))}
        minhash = MinHash(num_perm=_NUM_PERM, seed=_SEED)
        minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
        return minhash
