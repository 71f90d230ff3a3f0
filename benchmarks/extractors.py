"""Two ways to turn a page's HTML into text, one paragraph per line.

* ``trafilatura``: ``trafilatura.extract(html, deduplicate=False)``, a careful extractor.
* ``captions``: a deliberately naive, caption-heavy extractor, like many scrapers: every
  paragraph-like element of the main container, every ``<figcaption>``, every image's
  ``alt`` and ``title``, and gallery / lightbox captions (``data-caption``,
  ``data-title``, ``title`` of links around images, elements whose class says
  "caption"). It prints a caption as often as the page carries it, which is the doubling
  that dedup is for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Final

__all__ = ["EXTRACTORS", "captions_extract", "extractor_version", "trafilatura_extract"]

_CAPTIONS_VERSION: Final = "captions-1"

_SKIP: Final = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "form", "select"}
)
_BLOCKS: Final = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "figcaption",
        "pre",
        "dt",
        "dd",
        "td",
        "th",
        "caption",
    }
)
_CAPTION_ATTRS: Final = ("data-caption", "data-title", "data-sub-html", "data-description")
_CAPTION_CLASS: Final = re.compile(r"caption|credit|gallery-text|lightbox", re.IGNORECASE)
_SPACE: Final = re.compile(r"\s+")
_TAG: Final = re.compile(r"<[^>]+>")


def trafilatura_extract(html: str) -> str:
    """Main text by trafilatura, without its own deduplication."""
    import trafilatura

    text = trafilatura.extract(
        html, deduplicate=False, include_comments=False, include_tables=True, output_format="txt"
    )
    return text or ""


def captions_extract(html: str) -> str:
    """Paragraphs plus every caption, alt and title text, one per line, in page order.

    >>> captions_extract(
    ...     '<article><figure><img alt="A dog on a beach" title="A dog on a beach">'
    ...     "<figcaption>A dog on a beach</figcaption></figure><p>Body text.</p></article>"
    ... ).splitlines()
    ['A dog on a beach', 'A dog on a beach', 'A dog on a beach', 'Body text.']
    """
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several types for empty or broken pages
        return ""
    root = _main_container(doc)
    return "\n".join(_items(root))


def _main_container(doc: Any) -> Any:
    """The ``<article>`` or ``<main>`` with the most paragraph text, else ``<body>``."""
    best, best_len = None, 0
    for el in doc.iter("article", "main"):
        size = sum(len(p.text_content()) for p in el.iter("p"))
        if size > best_len:
            best, best_len = el, size
    if best is not None:
        return best
    body = doc.find("body")
    return body if body is not None else doc


def _clean(text: str | None) -> str:
    if not text:
        return ""
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def _items(root: Any) -> Iterator[str]:
    for el in _walk(root):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "img":
            for attr in ("alt", "title"):
                if text := _clean(el.get(attr)):
                    yield text
            continue
        for attr in _CAPTION_ATTRS:
            if text := _clean(el.get(attr)):
                yield text
        if tag == "a" and el.find(".//img") is not None and (text := _clean(el.get("title"))):
            yield text
        is_block = tag in _BLOCKS
        is_caption = not is_block and bool(_CAPTION_CLASS.search(el.get("class") or ""))
        if (is_block or is_caption) and not _has_block(el) and (text := _clean(el.text_content())):
            yield text


def _walk(el: Any) -> Iterator[Any]:
    tag = el.tag if isinstance(el.tag, str) else None
    if tag is None or tag in _SKIP:
        return
    yield el
    for child in el:
        yield from _walk(child)


def _has_block(el: Any) -> bool:
    for sub in el.iterdescendants():
        tag = sub.tag if isinstance(sub.tag, str) else ""
        if tag in _BLOCKS or (tag and _CAPTION_CLASS.search(sub.get("class") or "")):
            return True
    return False


EXTRACTORS: Final[dict[str, Callable[[str], str]]] = {
    "trafilatura": trafilatura_extract,
    "captions": captions_extract,
}


def extractor_version(name: str) -> str:
    """A string that changes whenever the extractor's output may change."""
    if name == "trafilatura":
        import trafilatura

        return f"trafilatura-{trafilatura.__version__}"
    return _CAPTIONS_VERSION
