"""The extract-then-clean recipes of docs/scrapy.md, run for real with trafilatura and
newspaper4k, on the page of the docs and on generated pages with caption copies."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import dedup
from dedup import testing as dt

DOC = Path(__file__).resolve().parent.parent / "docs" / "scrapy.md"
_BLOCK = re.compile(r"(<!-- no-run -->\n)?```python\n(.*?)```", re.DOTALL)

trafilatura = pytest.importorskip("trafilatura", reason="trafilatura is not installed")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    newspaper = pytest.importorskip("newspaper", reason="newspaper4k is not installed")


def _run_doc_blocks(path: Path, *needles: str) -> dict[str, Any]:
    """Run, in one namespace, the python blocks of ``path`` that contain a needle (and
    the block defining PAGE), as a reader would paste them."""
    namespace: dict[str, Any] = {"__name__": "docs"}
    for match in _BLOCK.finditer(path.read_text(encoding="utf-8")):
        code = match.group(2)
        if match.group(1) or not any(n in code for n in ("PAGE = ", *needles)):
            continue
        exec(compile(code, str(path), "exec"), namespace)
    return namespace


def test_trafilatura_recipe_of_the_docs(capsys: pytest.CaptureFixture[str]) -> None:
    ns = _run_doc_blocks(DOC, "trafilatura.extract(PAGE)", "dedup.explain(extracted)")
    extracted, cleaned = ns["extracted"], ns["cleaned"]
    assert cleaned == dedup.clean(extracted)
    assert len(ns["report"].removals) == 2
    dt.assert_no_near_duplicates(cleaned)
    assert "normalized (1.0): Residents carry sandbags" in capsys.readouterr().out


def test_newspaper4k_recipe_of_the_docs() -> None:
    ns = _run_doc_blocks(DOC, "newspaper.Article(")
    text, cleaned = ns["article"].text, ns["cleaned"]
    paragraphs = text.split("\n\n")
    copies = [p for p in paragraphs if p.endswith(("(pictured)", "Photo: Harbour Press"))]
    assert len(copies) == 2
    assert cleaned.split("\n\n") == [p for p in paragraphs if p not in copies]


def _page(article: dt.ArticleWithCopies) -> str:
    lines = [line for line in article.text.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines[1:])
    return (
        f'<html><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title></head>'
        f"<body><article><h1>{html.escape(lines[0])}</h1>\n{body}\n</article></body></html>"
    )


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(dt.articles_with_copies(scripts=["latin", "cyrillic"], negatives=(), min_paragraphs=2))
def test_extract_then_clean_leaves_no_copy(article: dt.ArticleWithCopies) -> None:
    page = _page(article)
    extracted = trafilatura.extract(page, favor_recall=True) or ""
    news = newspaper.Article("http://127.0.0.1/story.html")
    news.download(input_html=page)
    news.parse()
    for text, separator in ((extracted, "\n"), (news.text, "\n\n")):
        units = text.split(separator)
        # rstrip: removing the last unit leaves the terminator of the one before it.
        kept = dedup.clean(text).rstrip("\n").split(separator)
        for copy in article.copies:
            original, duplicate = article.unit(copy.original_span), article.unit(copy.span)
            pair = [original, duplicate]
            if copy.kind == "gallery" or not any(
                units[k : k + 2] == pair for k in range(len(units) - 1)
            ):
                continue  # a gallery, or the extractor dropped, merged or moved a line
            assert original in kept, original
            if duplicate != original:
                assert duplicate not in kept, duplicate
            else:  # at least the adjacent copy went (a gallery may leave others)
                assert kept.count(original) < units.count(original), original
        dt.assert_no_near_duplicates(separator.join(kept), scope="runs")
