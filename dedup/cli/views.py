"""Ways to show a :class:`~dedup.Report` to people: plain or coloured text, JSON and HTML.

These back ``dedup explain``; each takes the original text (spans index into it), the
report, and the name of the input to show.
"""

from __future__ import annotations

import bisect
import dataclasses
import html
from typing import Final

import regex

from .. import CleanConfig, Report, Rule

__all__ = ["SCHEMA_VERSION", "LineIndex", "report_html", "report_json", "report_text"]

SCHEMA_VERSION: Final = 1
"""Version of the ``dedup explain --format json`` document; bumped on incompatible change."""

_LINE_BREAK: Final = regex.compile(r"\r\n|\r|\n")  # shown as " / " in one-line views
_NEWLINE: Final = regex.compile(r"\n")
_CARRIAGE_RETURN: Final = regex.compile(r"\r")

RULE_MEANING: Final = {
    Rule.EXACT: "the two lines are identical apart from surrounding white space",
    Rule.NORMALIZED: (
        "identical once case, Unicode forms, quotes, entities, bullets, photo credits, "
        "punctuation and spacing are set aside"
    ),
    Rule.NEAR_DUPLICATE: "similar at or above the threshold, and no guard objected",
    Rule.CONTAINED: "every word of it stands in the kept copy, in the same order",
}

POSITION_MEANING: Final = {
    "adjacent": "right after the kept copy",
    "gap": "a few lines after the kept copy, with other lines between",
    "run": "part of a repeated run of lines",
    "distant": "elsewhere in the document",
}


class LineIndex:
    """Line numbers (1-based) of character offsets, with the lines dedup reads: ``\\r\\n``
    and ``\\n`` end a line, and a lone ``\\r`` only in text without any ``\\n``.

    >>> LineIndex("a\\r\\nb\\nc").line(5)
    3
    >>> LineIndex("a\\rb\\nc").line(2), LineIndex("a\\rb\\rc").line(2)
    (1, 2)
    """

    def __init__(self, text: str) -> None:
        breaks = _NEWLINE if "\n" in text or "\r" not in text else _CARRIAGE_RETURN
        self._starts = [0] + [m.end() for m in breaks.finditer(text)]

    def line(self, offset: int) -> int:
        """The number of the line that holds ``offset``."""
        return bisect.bisect_right(self._starts, offset)


def report_json(
    report: Report, original: str, *, source: str, config: CleanConfig
) -> dict[str, object]:
    """The document ``dedup explain --format json`` prints (see ``docs/explain-schema.json``).

    It is :meth:`Report.to_dict` plus ``schema_version``, ``dedup_version``, ``source``, the
    full ``config``, the count ``removed``, and ``line`` / ``kept_line`` for every removal.

    >>> import dedup
    >>> text = "A crowd gathers outside the court in the rain\\n" * 2
    >>> doc = report_json(dedup.explain(text), text, source="x", config=dedup.CleanConfig())
    >>> doc["schema_version"], doc["removed"], doc["removals"][0]["line"]
    (1, 1, 2)
    """
    from .. import __version__

    lines = LineIndex(original)
    base = report.to_dict()
    doc: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "dedup_version": __version__,
        "source": source,
        "config": dataclasses.asdict(config),
        "units": base["units"],
        "removed": len(report.removals),
        "removals": [
            {
                **r.to_dict(),
                "line": lines.line(r.span[0]),
                "kept_line": lines.line(r.kept_span[0]),
            }
            for r in report.removals
        ],
        "text": base["text"],
    }
    return doc


_RESET: Final = "\x1b[0m"
_BOLD: Final = "\x1b[1m"
_DIM: Final = "\x1b[2m"
_RED: Final = "\x1b[31m"
_GREEN: Final = "\x1b[32m"
_YELLOW: Final = "\x1b[33m"


def report_text(report: Report, original: str, *, source: str, color: bool = False) -> str:
    """The decisions as text for a terminal, one block per removed unit.

    >>> import dedup
    >>> text = "A crowd gathers outside the court in the rain\\n" * 2
    >>> print(report_text(dedup.explain(text), text, source="x.txt"), end="")
    x.txt: 2 units, 1 removed
    <BLANKLINE>
    line 2: exact copy of line 1, similarity 1.00, adjacent
      - A crowd gathers outside the court in the rain
      + A crowd gathers outside the court in the rain
    <BLANKLINE>
    exact: the two lines are identical apart from surrounding white space
    adjacent: right after the kept copy
    """

    def paint(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if color else s

    lines = LineIndex(original)
    n = len(report.removals)
    out = [
        paint(_BOLD, f"{source}: {report.units} units, {n} removed"),
    ]
    for r in report.removals:
        out.append("")
        head = (
            f"line {lines.line(r.span[0])}: {r.rule.value} copy of line "
            f"{lines.line(r.kept_span[0])}, similarity {r.similarity:.2f}, {r.position}"
        )
        out.append(paint(_YELLOW, head))
        out.append("  " + paint(_RED, "- " + _one_line(r.text)))
        out.append("  " + paint(_GREEN, "+ " + _one_line(r.kept_text)))
    if report.removals:
        out.append("")
        for rule in Rule:
            if any(r.rule is rule for r in report.removals):
                out.append(paint(_DIM, f"{rule.value}: {RULE_MEANING[rule]}"))
        for position, meaning in POSITION_MEANING.items():
            if any(r.position == position for r in report.removals):
                out.append(paint(_DIM, f"{position}: {meaning}"))
    return "\n".join(out) + "\n"


def _one_line(s: str) -> str:
    """A unit on one line (block units may span several): breaks shown as `` / ``."""
    return " / ".join(part.strip() for part in _LINE_BREAK.split(s))


_CSS: Final = """
body { font: 16px/1.55 Georgia, 'DejaVu Serif', serif; margin: 2rem auto; max-width: 46rem;
  padding: 0 1rem; color: #1d1d1f; background: #fff; }
h1 { font: 600 1.4rem system-ui, sans-serif; margin-bottom: .2rem; }
h2 { font: 600 1.1rem system-ui, sans-serif; margin-top: 2.5rem; }
.summary, .legend, footer, table { font-family: system-ui, 'DejaVu Sans', sans-serif; }
.summary { color: #555; margin-top: 0; }
.legend { font-size: .9rem; color: #444; }
.article { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #ddd;
  border-radius: 6px; padding: 1rem 1.2rem; background: #fcfcfa; }
del, .del { color: #a1131a; background: #fde8e8; text-decoration: line-through 2px; }
mark.kept, .kept { background: #e3f6e3; color: inherit; border-bottom: 2px solid #3a9a3a; }
a.removal { color: inherit; text-decoration: none; }
a.removal:hover del { background: #f9caca; }
sup.n { font: .7rem system-ui, sans-serif; color: #a1131a; margin-left: .15rem; }
sup.n a { color: inherit; }
:target { outline: 3px solid #f0b429; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #e5e5e5; }
td.num { text-align: right; white-space: nowrap; }
footer { margin-top: 2rem; font-size: .8rem; color: #666; }
"""


def report_html(report: Report, original: str, *, source: str, config: CleanConfig) -> str:
    """A self-contained HTML page: the article with every removed unit struck through
    (``<del>``) and linked to the kept copy it matched (``<mark class="kept">``), then a
    table of the decisions. Every piece of input text is escaped.

    >>> import dedup
    >>> text = "<b>Tanks roll through the square at dawn today</b>\\n" * 2
    >>> page = report_html(dedup.explain(text), text, source="x", config=dedup.CleanConfig())
    >>> page.count("<del>"), "<b>" in page, "&lt;b&gt;Tanks" in page
    (1, False, True)
    """
    from .. import __version__

    esc = html.escape
    lines = LineIndex(original)
    removal_spans = {r.span for r in report.removals}
    marks: dict[tuple[int, int], str] = {}  # span -> opening markup
    closes: dict[tuple[int, int], str] = {}
    for n, r in enumerate(report.removals, 1):
        title = (
            f"removed: {r.rule.value} copy of line {lines.line(r.kept_span[0])} "
            f"(similarity {r.similarity:.2f}, {r.position}); click to see the kept copy"
        )
        marks[r.span] = (
            f'<a class="removal" id="removed-{n}" href="#kept-{r.kept_span[0]}" '
            f'title="{esc(title)}"><del>'
        )
        closes[r.span] = f'</del></a><sup class="n"><a href="#row-{n}">{n}</a></sup>'
    for r in report.removals:
        if r.kept_span not in marks and r.kept_span not in removal_spans:
            marks[r.kept_span] = f'<mark class="kept" id="kept-{r.kept_span[0]}" title="kept copy">'
            closes[r.kept_span] = "</mark>"
    pieces: list[str] = []
    pos = 0
    for span in sorted(marks):
        start, end = span
        if start < pos:  # overlapping spans cannot be drawn; the table still lists them
            continue
        pieces.append(esc(original[pos:start]))
        pieces.append(marks[span] + esc(original[start:end]) + closes[span])
        pos = end
    pieces.append(esc(original[pos:]))

    rows = []
    for n, r in enumerate(report.removals, 1):
        rows.append(
            f'<tr id="row-{n}"><td class="num"><a href="#removed-{n}">{n}</a></td>'
            f'<td class="num">{lines.line(r.span[0])}</td><td>{esc(r.text)}</td>'
            f'<td class="num"><a href="#kept-{r.kept_span[0]}">'
            f"{lines.line(r.kept_span[0])}</a></td><td>{esc(r.kept_text)}</td>"
            f"<td>{esc(r.rule.value)}</td><td class='num'>{r.similarity:.2f}</td>"
            f"<td>{esc(r.position)}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>#</th><th>line</th><th>removed</th><th>kept line</th>"
        "<th>kept copy</th><th>rule</th><th>similarity</th><th>position</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>Nothing was removed.</p>"
    )
    settings = ", ".join(f"{k}={v!r}" for k, v in dataclasses.asdict(config).items())
    n = len(report.removals)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>dedup explain: {esc(source)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>dedup explain</h1>\n"
        f'<p class="summary">{esc(source)}: {report.units} units, {n} removed</p>\n'
        '<p class="legend"><span class="del">Struck through</span>: removed. '
        '<span class="kept">Underlined</span>: the copy that was kept. '
        "Click a removed line to jump to its kept twin; hover it for the rule and score.</p>\n"
        f'<div class="article">{"".join(pieces)}</div>\n'
        f"<h2>Decisions</h2>\n{table}\n"
        f"<footer>dedup {esc(__version__)} &middot; {esc(settings)}</footer>\n"
        "</body>\n</html>\n"
    )
