"""The evaluation corpora (AEB and WCXB): pages, reference texts and extracted texts.

The corpora are read from a ``--data`` folder and never copied into the repository.
Extracted page texts are cached as JSON under ``benchmarks/out/cache/`` so reruns are fast;
the cache key includes the extractor's version, so a change of extractor invalidates it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import OUT_DIR
from .extractors import EXTRACTORS, extractor_version

__all__ = ["Page", "extracted_lines", "find_data", "load_pages"]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a corpus.

    Attributes:
        corpus: ``"aeb"`` or ``"wcxb"``.
        page_id: the page's id in its corpus (AEB: a SHA-256 hex, WCXB: 4 digits).
        page_type: ``"article"`` for every AEB page; WCXB's own page type otherwise.
        html_path: the gzip-compressed HTML file.
        reference: the human reference text (AEB ``articleBody``, WCXB ``main_content``).
    """

    corpus: str
    page_id: str
    page_type: str
    html_path: Path
    reference: str

    @property
    def short_id(self) -> str:
        """``aeb:0123abcd`` or ``wcxb:4011``: short enough for a table."""
        return f"{self.corpus}:{self.page_id[:8]}"

    def html(self) -> str:
        """The page's HTML, decoded as UTF-8 (bad bytes replaced)."""
        with gzip.open(self.html_path, "rb") as fh:
            return fh.read().decode("utf-8", errors="replace")


def find_data() -> Path | None:
    """The shared corpora folder, if there is one: ``$DEDUP_BENCH_DATA``, or ``shared/data``
    beside the repository (or beside its parent folder)."""
    root = Path(__file__).resolve().parent.parent
    for candidate in (
        os.environ.get("DEDUP_BENCH_DATA"),
        root.parent / "shared" / "data",
        root.parent.parent / "shared" / "data",
    ):
        if candidate and (Path(candidate) / "aeb" / "ground-truth.json").is_file():
            return Path(candidate)
    return None


def load_pages(data: Path, corpora: tuple[str, ...] = ("aeb", "wcxb")) -> list[Page]:
    """Every page of the corpora found under ``data``, in a stable order.

    Raises:
        FileNotFoundError: ``data`` has none of the corpora, naming what was looked for.
    """
    pages: list[Page] = []
    if "aeb" in corpora and (data / "aeb" / "ground-truth.json").is_file():
        pages.extend(_aeb(data / "aeb"))
    if "wcxb" in corpora and (data / "wcxb" / "test" / "metadata.json").is_file():
        pages.extend(_wcxb(data / "wcxb" / "test"))
    if not pages:
        raise FileNotFoundError(
            f"no corpus found under {data}: expected aeb/ground-truth.json or "
            "wcxb/test/metadata.json (pass the shared data folder with --data)"
        )
    return pages


def _aeb(folder: Path) -> Iterator[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        path = folder / "html" / f"{page_id}.html.gz"
        if path.is_file():
            yield Page("aeb", page_id, "article", path, truth[page_id]["articleBody"] or "")


def _wcxb(folder: Path) -> Iterator[Page]:
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))["files"]
    for page_id in sorted(meta):
        path = folder / "html" / f"{page_id}.html.gz"
        truth_path = folder / "ground-truth" / f"{page_id}.json"
        if not (path.is_file() and truth_path.is_file()):
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        reference = (truth.get("ground_truth") or {}).get("main_content") or ""
        yield Page("wcxb", page_id, meta[page_id]["page_type"], path, reference)


def _cache_path(page: Page, extractor: str, cache_dir: Path) -> Path:
    stat = page.html_path.stat()
    version = extractor_version(extractor)
    key = f"{page.html_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{version}"
    digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    return cache_dir / extractor / f"{page.corpus}-{page.page_id[:16]}-{digest}.json"


def extracted_lines(page: Page, extractor: str, cache_dir: Path | None = None) -> list[str]:
    """The page's text as extracted by ``extractor``: its non-blank lines, cached on disk."""
    cache_dir = cache_dir if cache_dir is not None else OUT_DIR / "cache"
    path = _cache_path(page, extractor, cache_dir)
    if path.is_file():
        lines: list[str] = json.loads(path.read_text(encoding="utf-8"))
        return lines
    text = EXTRACTORS[extractor](page.html())
    lines = [line for line in text.splitlines() if line.strip()]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return lines
