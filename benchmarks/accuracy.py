"""Accuracy on real pages (AEB, WCXB) for ``clean()`` and the baselines.

Every page is extracted twice (``trafilatura`` and the caption-heavy ``captions``
extractor), every method cleans the extracted lines, and :mod:`benchmarks.metric` scores
the result against the page's human reference text.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._table import markdown, plain
from .corpora import Page, extracted_lines, load_pages
from .extractors import EXTRACTORS
from .labelled import lost_information
from .methods import Method
from .metric import PageScore, score_page

__all__ = ["GROUPS", "PageResult", "evaluate_pages", "group_of", "write_accuracy"]

GROUPS = ("aeb", "wcxb-article", "articles", "wcxb-other")
"""Report groups: AEB (all articles), WCXB articles, both article sets, other WCXB pages."""


def group_of(page: Page) -> tuple[str, ...]:
    """The report groups a page counts in."""
    if page.corpus == "aeb":
        return ("aeb", "articles")
    if page.page_type == "article":
        return ("wcxb-article", "articles")
    return ("wcxb-other",)


@dataclass(frozen=True, slots=True)
class PageResult:
    """One method on one extracted page."""

    page: Page
    extractor: str
    method: str
    lines: int
    score: PageScore
    seconds: float
    lost: int = 0
    """Removed lines whose words are not all in one kept line (credits aside)."""


def select_pages(pages: Sequence[Page], quick: bool, limit: int | None) -> list[Page]:
    """All pages, or (``--quick`` / ``--limit N``) the first N of each group in id order."""
    n = limit if limit is not None else (8 if quick else None)
    if n is None:
        return list(pages)
    taken: dict[str, int] = defaultdict(int)
    chosen = []
    for page in pages:
        g = group_of(page)[0]
        if taken[g] < n:
            taken[g] += 1
            chosen.append(page)
    return chosen


def evaluate_pages(
    pages: Sequence[Page],
    methods: Sequence[Method],
    extractors: Sequence[str] = tuple(EXTRACTORS),
    cache_dir: Path | None = None,
) -> list[PageResult]:
    """Run every method on every page and extractor and score the results."""
    results = []
    for extractor in extractors:
        for page in pages:
            lines = extracted_lines(page, extractor, cache_dir)
            for method in methods:
                t0 = time.perf_counter()
                keep = method.keep(lines)
                seconds = time.perf_counter() - t0
                removed = [line for line, k in zip(lines, keep, strict=True) if not k]
                output = [line for line, k in zip(lines, keep, strict=True) if k]
                score = score_page(page.reference, removed, output)
                lost = len(lost_information(lines, keep))
                results.append(
                    PageResult(page, extractor, method.name, len(lines), score, seconds, lost)
                )
    return results


def summary_rows(results: Sequence[PageResult]) -> list[list[object]]:
    """One row per (group, extractor, method): pages, removals, wrong and missed counts."""
    agg: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0] * 9)
    order: list[tuple[str, str, str]] = []
    for r in results:
        for g in group_of(r.page):
            key = (g, r.extractor, r.method)
            if key not in agg:
                order.append(key)
            a = agg[key]
            a[0] += 1
            a[1] += r.lines
            a[2] += r.score.removed
            a[3] += bool(r.score.wrong)
            a[4] += len(r.score.wrong)
            a[5] += bool(r.score.missed)
            a[6] += r.score.missed_copies
            a[7] += sum(o - max(f, 1) for _, o, f, g in r.score.missed if g == 1)
            a[8] += bool(r.lost)
    order.sort(key=lambda k: (GROUPS.index(k[0]), k[1], k[2] != "clean"))
    return [[*key, *agg[key]] for key in order]


SUMMARY_HEADER = (
    "group",
    "extractor",
    "method",
    "pages",
    "lines",
    "removed",
    "pages w/ wrong",
    "wrong removals",
    "pages w/ missed",
    "missed copies",
    "missed adjacent",
    "pages losing info",
)


def listing(results: Sequence[PageResult], method: str, what: str, width: int = 160) -> str:
    """Every wrong removal (``what="wrong"``) or missed copy of ``method``, one per line."""
    out = []
    for r in results:
        if r.method != method:
            continue
        group = group_of(r.page)[0]
        items: list[tuple[str, str]] = []
        if what == "wrong":
            items = [(text, f"ref={a} out={b}") for text, a, b in r.score.wrong]
        else:
            items = [(text, f"out={a} ref={b} gap={g}") for text, a, b, g in r.score.missed]
        for text, counts in items:
            short = text if len(text) <= width else text[: width - 3] + "..."
            out.append(f"{r.page.short_id:14} {group:12} {r.extractor:11} {counts:20} {short}")
    return "\n".join(out)


def clean_evidence(
    results: Sequence[PageResult], width: int = 160, cache_dir: Path | None = None
) -> str:
    """For each wrong removal by ``clean``: the kept twin, rule, similarity and position."""
    import dedup

    out = []
    for r in results:
        if r.method != "clean" or not r.score.wrong:
            continue
        lines = extracted_lines(r.page, r.extractor, cache_dir)
        report = dedup.explain("\n".join(lines))
        wrong = {text for text, _, _ in r.score.wrong}
        for rem in report.removals:
            if rem.text.strip() in wrong:
                kept = rem.kept_text.strip()
                kept = kept if len(kept) <= width else kept[: width - 3] + "..."
                text = rem.text.strip()
                text = text if len(text) <= width else text[: width - 3] + "..."
                out.append(
                    f"{r.page.short_id} {group_of(r.page)[0]} {r.extractor} "
                    f"{rem.rule} sim={rem.similarity} {rem.position}\n"
                    f"    removed: {text}\n    kept:    {kept}"
                )
    return "\n".join(out)


def union_pages(
    results: Sequence[PageResult], method: str, group: str = "articles", *, lost: bool = False
) -> int:
    """Pages of ``group`` with a wrong removal (``lost``: a removal losing information)
    by ``method`` under either extractor."""
    return len(
        {
            r.page.short_id
            for r in results
            if r.method == method
            and (r.lost if lost else r.score.wrong)
            and group in group_of(r.page)
        }
    )


_LOST_COLUMN = "pages losing info (either)"
_UNION_HEADER = ("method", "article pages w/ wrong (either extractor)", _LOST_COLUMN)


def write_accuracy(
    results: Sequence[PageResult],
    methods: Sequence[Method],
    out_dir: Path,
    findings: Path | None = None,
    cache_dir: Path | None = None,
) -> str:
    """Write the tables and listings to ``out_dir``; return the terminal report."""
    rows = summary_rows(results)
    names = [m.name for m in methods]
    union = [[m, union_pages(results, m), union_pages(results, m, lost=True)] for m in names]
    pages_ids = defaultdict(list)
    for r in results:
        if r.score.wrong and "articles" in group_of(r.page):
            pages_ids[(r.method, r.extractor)].append(r.page.short_id)

    md = [
        "## Accuracy on real pages",
        "",
        markdown(SUMMARY_HEADER, rows),
        "",
        "Article pages (AEB + WCXB articles) with a wrong removal under either extractor:",
        "",
        markdown(
            ["method", "pages w/ wrong (either extractor)", "pages losing info (either)"], union
        ),
        "",
        "Article pages with a wrong removal by `clean` (ids only):",
        "",
    ]
    for (method, extractor), ids in sorted(pages_ids.items()):
        if method == "clean":
            md.append(f"- {extractor}: {', '.join(sorted(ids)) or 'none'}")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "accuracy.md").write_text("\n".join(md) + "\n", encoding="utf-8")

    full = []
    for name in names:
        full += [
            f"== {name}: wrong removals (page, group, extractor, counts, text)",
            listing(results, name, "wrong"),
            "",
            f"== {name}: missed copies (page, group, extractor, counts, text)",
            listing(results, name, "missed"),
            "",
        ]
    (out_dir / "accuracy-listing.txt").write_text("\n".join(full), encoding="utf-8")

    term = [
        plain(SUMMARY_HEADER, rows),
        "",
        plain(
            ["method", "article pages w/ wrong (either extractor)", "pages losing info (either)"],
            union,
        ),
        "",
        "Wrong removals by clean (page, group, extractor, counts, text):",
        listing(results, "clean", "wrong") or "(none)",
        "",
    ]
    if findings is not None:
        text = "\n".join(
            [
                "Accuracy findings for dedup.clean() (generated by python -m benchmarks accuracy)",
                "",
                plain(SUMMARY_HEADER, [r for r in rows if r[2] == "clean"]),
                "",
                plain(
                    [
                        "method",
                        "article pages w/ wrong (either extractor)",
                        "pages losing info (either)",
                    ],
                    union,
                ),
                "",
                "== clean: wrong removals (page, group, extractor, ref/out counts, text)",
                listing(results, "clean", "wrong", 200),
                "",
                "== clean: each wrong removal with the copy it was matched to",
                clean_evidence(results, 200, cache_dir),
                "",
                "== clean: missed copies (page, group, extractor, out/ref counts, "
                "gap between copies, text)",
                listing(results, "clean", "missed", 200),
                "",
            ]
        )
        findings.write_text(text, encoding="utf-8")
        term.append(f"findings written to {findings}")
    term.append(
        f"tables: {out_dir / 'accuracy.md'}; every listing: {out_dir / 'accuracy-listing.txt'}"
    )
    return "\n".join(term)


SWEEP = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def threshold_sweep(pages: Sequence[Page], cache_dir: Path | None = None) -> list[list[object]]:
    """``clean()`` on the article pages at several thresholds: wrong pages, removals, misses."""
    import dedup

    from .methods import clean_keep

    articles = [p for p in pages if "articles" in group_of(p)]
    rows: list[list[object]] = []
    for t in SWEEP:
        cfg = dedup.CleanConfig(threshold=t)

        def keep(lines: Sequence[str], cfg: dedup.CleanConfig = cfg) -> list[bool]:
            return clean_keep(lines, cfg)

        res = evaluate_pages(articles, [Method("clean", keep)], cache_dir=cache_dir)
        wrong = len({r.page.short_id for r in res if r.score.wrong})
        removed = sum(r.score.removed for r in res)
        adjacent = sum(o - max(f, 1) for r in res for _, o, f, g in r.score.missed if g == 1)
        rows.append([t, wrong, removed, adjacent])
    return rows


SWEEP_HEADER = (
    "threshold",
    "article pages w/ wrong (either extractor)",
    "lines removed",
    "missed adjacent copies",
)


def run(
    data: Path,
    methods: Sequence[Method],
    out_dir: Path,
    *,
    quick: bool = False,
    limit: int | None = None,
    findings: Path | None = None,
    sweep: bool = False,
) -> str:
    """The real-page part of ``python -m benchmarks accuracy``."""
    pages = select_pages(load_pages(data), quick, limit)
    results = evaluate_pages(pages, methods, cache_dir=out_dir / "cache")
    text = write_accuracy(results, methods, out_dir, findings, out_dir / "cache")
    if sweep:
        rows = threshold_sweep(pages, out_dir / "cache")
        with (out_dir / "accuracy.md").open("a", encoding="utf-8") as fh:
            fh.write("\nclean() on the article pages over the threshold:\n\n")
            fh.write(markdown(SWEEP_HEADER, rows) + "\n")
        text += "\n\n" + plain(SWEEP_HEADER, rows)
    return text
