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
* ``DEDUP_CORPUS_OPTIONS`` (default ``{}``): options of :class:`dedup.CorpusConfig` for the
  duplicate check, e.g. ``{"min_jaccard": 0.8}``.
* ``DEDUP_DUPLICATE_THRESHOLD``: the same as ``DEDUP_CORPUS_OPTIONS["min_jaccard"]``, the
  estimated Jaccard similarity (0.5-1) from which two items are duplicates.
* ``DEDUP_CORPUS_STORE`` (default ``None``, in memory for one crawl): where the
  :class:`dedup.Corpus` index lives, e.g. ``"sqlite:///seen.db"``, to drop items seen in
  earlier crawls too.
* ``DEDUP_URL_FIELD`` (default ``"url"``): the field holding an item's URL.

Stats (in the crawl's stats collector): ``dedup/items_seen``, ``dedup/items_cleaned``
(items where something was removed), ``dedup/units_removed``, ``dedup/chars_removed``,
``dedup/fields_skipped`` and ``dedup/items_dropped``.

Works with every item type ``itemadapter`` knows: dicts, ``scrapy.Item``, dataclasses and
attrs classes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._extras import require

require("scrapy", extra="scrapy", feature="dedup.contrib.scrapy")
require("itemadapter", extra="scrapy", feature="dedup.contrib.scrapy")

from itemadapter import ItemAdapter  # noqa: E402
from scrapy.exceptions import DropItem  # noqa: E402

from .. import CleanConfig, ConfigError, Corpus, CorpusConfig, explain  # noqa: E402

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["DedupPipeline"]


class DedupPipeline:
    """Clean configured text fields of each item; optionally drop duplicate items.

    Args:
        fields: the item fields to clean.
        config: dedup options for :func:`dedup.clean`.
        drop_duplicates: drop items whose cleaned text repeats an earlier item's.
        duplicate_threshold: the ``min_jaccard`` (0.5-1) of the duplicate check; ``None``
            for that of ``corpus_config``.
        corpus_store: where the :class:`dedup.Corpus` index lives (``None``: in memory).
        corpus_config: options of that index (``None``: the defaults).
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
        corpus_config: CorpusConfig | None = None,
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
        if corpus_store is not None and not isinstance(corpus_store, str):
            raise ConfigError(f"DEDUP_CORPUS_STORE must be a store URL, got {corpus_store!r}")
        self.config = config if config is not None else CleanConfig()
        self.corpus_config = _corpus_config(corpus_config, duplicate_threshold)
        self.drop_duplicates = bool(drop_duplicates)
        self.url_field = url_field
        self.stats = stats
        self._seen = 0
        self.corpus_store = corpus_store
        self._corpus: Corpus | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        """Build the pipeline from the ``DEDUP_*`` settings of ``crawler``."""
        settings = crawler.settings
        options = settings.getdict("DEDUP_OPTIONS")
        try:
            config = CleanConfig(**options)
        except (ConfigError, TypeError) as exc:
            raise ConfigError(f"DEDUP_OPTIONS: {exc}") from exc
        corpus_options = settings.getdict("DEDUP_CORPUS_OPTIONS")
        try:
            corpus_config = CorpusConfig(**corpus_options)
        except (ConfigError, TypeError) as exc:
            raise ConfigError(f"DEDUP_CORPUS_OPTIONS: {exc}") from exc
        return cls(
            fields=settings.getlist("DEDUP_FIELDS", ["text"]),
            config=config,
            drop_duplicates=settings.getbool("DEDUP_DROP_DUPLICATES", False),
            duplicate_threshold=settings.get("DEDUP_DUPLICATE_THRESHOLD"),
            corpus_store=settings.get("DEDUP_CORPUS_STORE"),
            corpus_config=corpus_config,
            url_field=settings.get("DEDUP_URL_FIELD", "url"),
            stats=crawler.stats,
        )

    def open_spider(self, spider: Spider | None = None) -> None:
        """Start a new crawl: a new in-memory index (a corpus store keeps its items)."""
        self.close_spider()
        if self.drop_duplicates:
            self._corpus = Corpus(self.corpus_store, self.corpus_config)

    def close_spider(self, spider: Spider | None = None) -> None:
        """Close the duplicate index (and its store)."""
        if self._corpus is not None:
            self._corpus.close()
            self._corpus = None

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
            if self._corpus is None:  # used without open_spider()
                self._corpus = Corpus(self.corpus_store, self.corpus_config)
            self._seen += 1
            url = str(adapter.get(self.url_field) or f"item #{self._seen}")
            verdict = self._corpus.add(url, "\n".join(texts))
            if verdict.is_duplicate:
                self._inc("dedup/items_dropped")
                raise DropItem(
                    f"near-duplicate of {verdict.duplicate_of} "
                    f"(similarity {verdict.similarity:.3f}): {url}"
                )
        return item

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)


def _corpus_config(config: CorpusConfig | None, threshold: object) -> CorpusConfig:
    """``config`` with ``DEDUP_DUPLICATE_THRESHOLD`` as its ``min_jaccard``, if set."""
    if config is not None and not isinstance(config, CorpusConfig):
        raise ConfigError(
            f"corpus_config must be a dedup.CorpusConfig, got {type(config).__name__}"
        )
    if threshold is None:
        return config if config is not None else CorpusConfig()
    if isinstance(threshold, str):  # from the command line: -s DEDUP_DUPLICATE_THRESHOLD=0.8
        with contextlib.suppress(ValueError):
            threshold = float(threshold)
    overrides: Mapping[str, Any] = {"min_jaccard": threshold}
    try:
        return (config if config is not None else CorpusConfig()).replace(**overrides)
    except ConfigError as exc:
        raise ConfigError(f"DEDUP_DUPLICATE_THRESHOLD: {exc}", option="min_jaccard") from exc
