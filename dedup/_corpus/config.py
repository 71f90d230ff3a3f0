"""The options of :class:`dedup.Corpus` (and of the Spark job and the ``dedup corpus``
command, which take the same), in one frozen dataclass validated once."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Final, Literal

from .._clean import CleanConfig, KeepPolicy
from .._errors import ConfigError
from .._options import (
    check_choice,
    check_int,
    check_number,
    option,
    replace_checked,
    resolve,
)
from .minhash import MAX_SHINGLE, SignatureParams

__all__ = ["CorpusConfig", "Durability", "resolve_corpus_config"]

Durability = Literal["normal", "full"]
"""What a committed batch of an SQLite index survives: ``"normal"`` a crash of the
process, ``"full"`` also a power loss (see :attr:`CorpusConfig.durability`)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CorpusConfig:
    """Options for :class:`dedup.Corpus`, :func:`dedup.spark.deduplicate` and
    ``dedup corpus``; every field is also a command-line flag of the same name.

    >>> CorpusConfig().min_jaccard
    0.7
    >>> CorpusConfig(min_jaccard=0.2)
    Traceback (most recent call last):
      ...
    dedup.ConfigError: min_jaccard must be a number from 0.5 to 1.0, got 0.2
    """

    min_jaccard: float = option(
        0.7,
        """Minimum estimated Jaccard similarity (0.5-1) of two documents' word-shingle sets
        for a near-duplicate. With 128 permutations the estimate is within about 0.04 of
        the truth near 0.8, so the default 0.7 catches pairs at 0.8 and above.""",
    )
    keep: KeepPolicy = option(
        "first",
        """Which copy stays indexed: "first" keeps the document added first, "longest"
        lets a longer copy replace the indexed one.""",
    )
    num_perm: int = option(128, "MinHash permutations (an even number from 16 to 1024).")
    bands: int = option(
        18,
        """LSH bands (bands * rows <= num_perm). The defaults (18 x 7) find 98.6% of pairs
        at Jaccard 0.8 as candidates and 13% at 0.5.""",
    )
    rows: int = option(7, "Rows (permutations) per LSH band.")
    word_shingle: int = option(3, "Words per shingle, for scripts with spaces.")
    char_shingle: int = option(
        4, "Characters per shingle, for Chinese, Japanese, Thai and other scripts without spaces."
    )
    seed: int = option(1, "Seed of every hash; indexes made with different seeds do not mix.")
    max_bucket: int = option(
        100,
        """At most this many indexed documents per band bucket are checked, so a page
        shared by many documents cannot make one addition slow.""",
    )
    boilerplate_share: float = option(
        0.25,
        """A line is boilerplate for a site when more than this share of the site's
        documents carry it (and at least boilerplate_min_docs of them).""",
    )
    boilerplate_min_docs: int = option(
        5, "Fewest documents of a site that must carry a line for it to be boilerplate."
    )
    prefix: str = option("dedup", "Key prefix of a Redis index (several indexes per server).")
    durability: Durability = option(
        "normal",
        """What a committed batch of an SQLite index survives: "normal" a crash of the
        process (SQLite's synchronous=NORMAL), "full" also a power loss or an operating
        system crash (synchronous=FULL, slower per batch).""",
    )
    clean_config: CleanConfig = option(
        CleanConfig(), "Options of the within-document clean() that Corpus.clean applies."
    )

    def __post_init__(self) -> None:
        check_number("min_jaccard", self.min_jaccard, 0.5, 1.0)
        check_choice("keep", self.keep, ("first", "longest"))
        check_int("num_perm", self.num_perm, 16, 1024)
        if self.num_perm % 2:
            raise ConfigError(
                f"num_perm must be an even number from 16 to 1024, got {self.num_perm}",
                option="num_perm",
            )
        check_int("bands", self.bands, 1, self.num_perm)
        check_int("rows", self.rows, 1, self.num_perm)
        if self.bands * self.rows > self.num_perm:
            raise ConfigError(
                f"bands * rows must be at most num_perm={self.num_perm}, "
                f"got bands={self.bands}, rows={self.rows}",
                option="bands",
            )
        check_int("word_shingle", self.word_shingle, 1, MAX_SHINGLE)
        check_int("char_shingle", self.char_shingle, 1, MAX_SHINGLE)
        check_int("seed", self.seed, 0, 2**32 - 1)
        check_int("max_bucket", self.max_bucket, 1, 1_000_000)
        check_number("boilerplate_share", self.boilerplate_share, 0.001, 1.0)
        check_int("boilerplate_min_docs", self.boilerplate_min_docs, 1, 2**31)
        check_choice("durability", self.durability, ("normal", "full"))
        if not isinstance(self.prefix, str) or not self.prefix:
            raise ConfigError(
                f"prefix must be a non-empty str, got {self.prefix!r}", option="prefix"
            )
        if not isinstance(self.clean_config, CleanConfig):
            raise ConfigError(
                f"clean_config must be a dedup.CleanConfig, got {type(self.clean_config).__name__}",
                option="clean_config",
            )

    @property
    def params(self) -> SignatureParams:
        """How signatures are made under these options."""
        return SignatureParams(
            num_perm=self.num_perm,
            bands=self.bands,
            rows=self.rows,
            word_shingle=self.word_shingle,
            char_shingle=self.char_shingle,
            seed=self.seed,
        )

    def replace(self, **overrides: Any) -> CorpusConfig:
        """Return a copy with some options changed (validated like the constructor)."""
        return replace_checked(self, overrides)


_DEFAULT: Final = CorpusConfig()


def resolve_corpus_config(
    config: CorpusConfig | None, overrides: dict[str, Any], *, caller: str = "Corpus"
) -> CorpusConfig:
    """Merge keyword overrides into ``config`` (or the defaults) and validate the result.

    ``threshold=``, the name ``min_jaccard`` had before it said what it measures, is still
    taken, with a ``DeprecationWarning`` naming ``caller`` and pointing at the caller's caller.
    """
    if "threshold" in overrides:
        warnings.warn(
            f"{caller}(threshold=...) is now {caller}(min_jaccard=...)",
            DeprecationWarning,
            stacklevel=3,
        )
        overrides = {**overrides, "min_jaccard": overrides["threshold"]}
        del overrides["threshold"]
    return resolve(CorpusConfig, _DEFAULT, config, overrides)
