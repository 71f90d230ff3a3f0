"""Precision and recall on the hand-labelled real pages (``benchmarks/labels/``).

``labels/captions.jsonl`` says, for repeated lines of 60+ real pages under the caption-heavy
extractor, which are copies (``dup`` of an earlier line, with a class and a position), which
are meant repeats (``keep``) and which could not be decided (``ambiguous``); see
``labels/README.md``. Lines not listed are ``keep``. This module scores a method against it:

* a removal is correct when the line is a ``dup``, wrong when it is ``keep`` or unlisted;
  ``ambiguous`` lines count neither way;
* recall is the share of ``dup`` lines removed, overall, per class and per position;
* precision per class and position counts the wrong removals whose most similar earlier line
  (:func:`twin`) differs in that way or stands at that distance;
* a removal *loses information* when its words (casefolded, punctuation ignored) are not all
  in one line the method kept on the same page. The words of a photo credit, a caption
  label or page furniture ("Photo: Jane Roe", "Pictured:", "... thumbnail") are not
  counted: they are what tells two copies of a caption apart, not what the caption says
  (they are found with dedup's own credit grammar, ``dedup.normalize_text``).

:func:`sentence_copies` counts a blunter failure on all article pages: surplus copies of a
line of ten words or more that ends like a sentence, kept more often than the page's human
reference text prints it (and more than once): the "missed copies" of
:mod:`benchmarks.metric`, restricted to sentence-like lines.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dedup import normalize_text

from ._table import markdown, plain
from .corpora import Page, extracted_lines, load_pages
from .extractors import extractor_version
from .methods import Method
from .metric import count_in, norm

__all__ = [
    "CLASSES",
    "LABELS",
    "LABELS_FILE",
    "POSITIONS",
    "Label",
    "LabelError",
    "LabelledPage",
    "Score",
    "check_hashes",
    "evaluate",
    "line_hash",
    "load_labels",
    "position",
    "run",
    "sentence_copies",
    "sentence_like",
]

LABELS_FILE = Path(__file__).resolve().parent / "labels" / "captions.jsonl"
LABELS = ("dup", "keep", "ambiguous")
CLASSES = ("exact", "credit", "prefix", "teaser", "variant", "cjk")
POSITIONS = ("adjacent", "gap", "distant")

_WORD = re.compile(r"\w+")
_SENTENCE_END = (".", "!", "?", '"', "'", "\u201d", "\u2019", "\u00bb", "\u300d", "\u300f")


class LabelError(ValueError):
    """The labels file is malformed or no longer matches the extractor's lines."""


def line_hash(line: str) -> str:
    """First 10 hex digits of the SHA-1 of the stripped line (the labels store no text).

    >>> line_hash("  Hello ")
    'f7ff9e8b7b'
    """
    import hashlib

    return hashlib.sha1(line.strip().encode("utf-8")).hexdigest()[:10]


def position(line: int, of: int, dup_lines: Collection[int]) -> str:
    """Where a copy stands: ``adjacent``, ``gap`` or ``distant`` from its twin ``of``.

    Lines between the two that are themselves copies (``dup_lines``) do not count; with none
    left it is ``adjacent``, with 1 to 5 ``gap``, with more ``distant``.

    >>> position(5, 4, set()), position(5, 2, {3}), position(5, 2, set()), position(20, 2, set())
    ('adjacent', 'gap', 'gap', 'distant')
    """
    between = sum(1 for k in range(of + 1, line) if k not in dup_lines)
    if between == 0:
        return "adjacent"
    return "gap" if between <= 5 else "distant"


def words(line: str) -> list[str]:
    """Casefolded word tokens, punctuation ignored.

    >>> words("Rain, RAIN — go away!")
    ['rain', 'rain', 'go', 'away']
    """
    return _WORD.findall(unicodedata.normalize("NFKC", line).casefold())


def content_words(line: str) -> list[str]:
    """:func:`words` of the line without its photo credit, caption label or page furniture.

    >>> content_words("Pictured: Rain in Minsk (Photo: Jane Roe/AP)")
    ['rain', 'in', 'minsk']
    """
    return words(normalize_text(line))


@dataclass(frozen=True, slots=True)
class Label:
    """One labelled line: ``label`` is dup/keep/ambiguous; dups name ``of``, class, position."""

    line: int
    hash: str
    label: str
    of: int = -1
    cls: str = ""
    position: str = ""


@dataclass(frozen=True, slots=True)
class LabelledPage:
    """A page of the labels file."""

    corpus: str
    page_id: str
    extractor: str
    extractor_version: str
    lines: int
    labels: tuple[Label, ...]

    @property
    def short_id(self) -> str:
        """``aeb:0123abcd`` or ``wcxb:4011``."""
        return f"{self.corpus}:{self.page_id[:8]}"


def _parse(row: dict[str, object], where: str) -> LabelledPage:
    try:
        labels = []
        for item in row["labels"]:  # type: ignore[attr-defined]
            label = str(item["label"])
            if label not in LABELS:
                raise LabelError(f"{where}: line {item['line']}: unknown label {label!r}")
            lab = Label(
                int(item["line"]),
                str(item["hash"]),
                label,
                int(item.get("of", -1)),
                str(item.get("class", "")),
                str(item.get("position", "")),
            )
            if label == "dup":
                if not 0 <= lab.of < lab.line:
                    raise LabelError(f"{where}: line {lab.line}: 'of' {lab.of} is not earlier")
                if lab.cls not in CLASSES or lab.position not in POSITIONS:
                    raise LabelError(
                        f"{where}: line {lab.line}: class {lab.cls!r} / position "
                        f"{lab.position!r} not in {CLASSES} / {POSITIONS}"
                    )
            labels.append(lab)
        page = LabelledPage(
            str(row["corpus"]),
            str(row["page_id"]),
            str(row["extractor"]),
            str(row["extractor_version"]),
            int(row["lines"]),  # type: ignore[call-overload]
            tuple(labels),
        )
    except (KeyError, TypeError) as exc:
        raise LabelError(f"{where}: malformed row ({exc!r})") from exc
    lines = [lab.line for lab in page.labels]
    if len(set(lines)) != len(lines) or any(not 0 <= k < page.lines for k in lines):
        raise LabelError(f"{where}: duplicate or out-of-range line numbers")
    return page


def load_labels(path: Path = LABELS_FILE) -> list[LabelledPage]:
    """The labelled pages, validated (raises :class:`LabelError` naming the bad row)."""
    pages = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            pages.append(_parse(json.loads(raw), f"{path.name}:{n}"))
    return pages


def _corpus_pages(data: Path) -> dict[tuple[str, str], Page]:
    return {(p.corpus, p.page_id): p for p in load_pages(data)}


def check_hashes(
    labelled: Sequence[LabelledPage], data: Path, cache_dir: Path | None = None
) -> dict[tuple[str, str], list[str]]:
    """Each labelled page's extracted lines, after checking they still match the labels.

    Raises:
        LabelError: a page is missing, the extractor's version or line count changed, or a
            labelled line's hash differs (the message lists every mismatch).
    """
    corpus = _corpus_pages(data)
    problems: list[str] = []
    out: dict[tuple[str, str], list[str]] = {}
    for lp in labelled:
        page = corpus.get((lp.corpus, lp.page_id))
        if page is None:
            problems.append(f"{lp.short_id}: page not found under {data}")
            continue
        version = extractor_version(lp.extractor)
        if version != lp.extractor_version:
            problems.append(f"{lp.short_id}: labelled at {lp.extractor_version}, now {version}")
        lines = extracted_lines(page, lp.extractor, cache_dir)
        if len(lines) != lp.lines:
            problems.append(f"{lp.short_id}: {len(lines)} lines, labels say {lp.lines}")
        bad = [
            lab.line
            for lab in lp.labels
            if lab.line >= len(lines) or line_hash(lines[lab.line]) != lab.hash
        ]
        if bad:
            problems.append(f"{lp.short_id}: hash mismatch on lines {bad[:10]}")
        out[(lp.corpus, lp.page_id)] = lines
    if problems:
        raise LabelError(
            "the labels no longer match the extracted lines (extractor drift?):\n  "
            + "\n  ".join(problems)
        )
    return out


@dataclass(slots=True)
class Score:
    """One method on the labelled set."""

    method: str
    removed: int = 0
    correct: int = 0
    wrong: int = 0
    ambiguous_removed: int = 0
    dups: int = 0
    by_class: Counter[str] = field(default_factory=Counter)
    by_class_removed: Counter[str] = field(default_factory=Counter)
    by_position: Counter[str] = field(default_factory=Counter)
    by_position_removed: Counter[str] = field(default_factory=Counter)
    wrong_by_class: Counter[str] = field(default_factory=Counter)
    wrong_by_position: Counter[str] = field(default_factory=Counter)
    wrong_pages: set[str] = field(default_factory=set)
    lost_lines: int = 0
    lost_pages: set[str] = field(default_factory=set)
    wrong_lines: list[tuple[str, int]] = field(default_factory=list)
    missed_lines: list[tuple[str, int, str, str]] = field(default_factory=list)
    lost: list[tuple[str, int]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Correct removals over decided removals (ambiguous lines left out)."""
        decided = self.correct + self.wrong
        return self.correct / decided if decided else 1.0

    @property
    def recall(self) -> float:
        """Share of ``dup`` lines removed."""
        return self.correct / self.dups if self.dups else 1.0

    def class_precision(self, cls: str) -> float:
        """Correct removals of class ``cls`` over those plus wrong removals assigned to it."""
        got = self.by_class_removed[cls]
        total = got + self.wrong_by_class[cls]
        return got / total if total else 1.0

    def position_precision(self, pos: str) -> float:
        """Like :meth:`class_precision`, by position."""
        got = self.by_position_removed[pos]
        total = got + self.wrong_by_position[pos]
        return got / total if total else 1.0


def twin(lines: Sequence[str], k: int) -> tuple[int, str]:
    """The earlier line that line ``k`` most looks like a copy of, and what differs.

    The earliest identical line (class ``exact``), else the most similar earlier line by
    ``fuzz.ratio`` of the normalized texts, classed as the labelling tool classes a draft.
    Used to give wrong removals a class and a position, so that precision can be split.

    >>> twin(["A dog on a beach", "Cat", "A dog on a beach"], 2)
    (0, 'exact')
    >>> twin(["A dog runs on the beach", "Cat", "A dog runs on the beach (AP Photo)"], 2)
    (0, 'credit')
    """
    from rapidfuzz import fuzz, process

    from .labeltool import guess_class, is_cjk, norm

    key = lines[k].strip()
    for j in range(k):
        if lines[j].strip() == key:
            return j, "exact"
    if k == 0:
        return -1, "variant"
    choices = [norm(line) for line in lines[:k]]
    hit = process.extractOne(norm(lines[k]), choices, scorer=fuzz.ratio)
    j = int(hit[2]) if hit is not None else k - 1
    return j, guess_class(lines[j], lines[k], is_cjk(lines))


def lost_information(lines: Sequence[str], keep: Sequence[bool]) -> list[int]:
    """Removed lines whose words are not all in one kept line. A word cut short by an
    ellipsis at the end of a teaser ("... Update Ass...") is there when a word of the
    kept line begins with it.

    >>> lost_information(["A dog, on a beach.", "a dog on a BEACH", "A cat"], [True, False, False])
    [2]
    >>> lost_information(["The tide rose over the harbour wall", "The tide rose over the harb..."],
    ...                  [True, False])
    []
    """
    kept = [set(content_words(line)) for line, k in zip(lines, keep, strict=True) if k]
    out = []
    for k, (line, kp) in enumerate(zip(lines, keep, strict=True)):
        if kp:
            continue
        words = content_words(line)
        cut = words[-1] if words and line.rstrip().endswith(("...", "\u2026")) else None
        need = set(words[:-1] if cut is not None else words)
        if not need and cut is None:
            continue
        if not any(
            need <= have and (cut is None or any(w.startswith(cut) for w in have)) for have in kept
        ):
            out.append(k)
    return out


def evaluate(
    method: Method,
    data: Path,
    labels: Path = LABELS_FILE,
    cache_dir: Path | None = None,
    pages: dict[tuple[str, str], list[str]] | None = None,
) -> Score:
    """Score ``method`` on the labelled pages (hashes checked unless ``pages`` is given)."""
    labelled = load_labels(labels)
    if pages is None:
        pages = check_hashes(labelled, data, cache_dir)
    score = Score(method.name)
    for lp in labelled:
        lines = pages[(lp.corpus, lp.page_id)]
        keep = method.keep(lines)
        by_line = {lab.line: lab for lab in lp.labels}
        dup_lines = {lab.line for lab in lp.labels if lab.label == "dup"}
        for lab in lp.labels:
            if lab.label == "dup":
                score.dups += 1
                score.by_class[lab.cls] += 1
                score.by_position[lab.position] += 1
                if not keep[lab.line]:
                    score.by_class_removed[lab.cls] += 1
                    score.by_position_removed[lab.position] += 1
                else:
                    score.missed_lines.append((lp.short_id, lab.line, lab.cls, lab.position))
        for k, kp in enumerate(keep):
            if kp:
                continue
            score.removed += 1
            hit = by_line.get(k)
            if hit is not None and hit.label == "dup":
                score.correct += 1
            elif hit is not None and hit.label == "ambiguous":
                score.ambiguous_removed += 1
            else:
                score.wrong += 1
                score.wrong_pages.add(lp.short_id)
                score.wrong_lines.append((lp.short_id, k))
                j, cls = twin(lines, k)
                score.wrong_by_class[cls] += 1
                score.wrong_by_position[position(k, j, dup_lines) if j >= 0 else "distant"] += 1
        lost = lost_information(lines, keep)
        if lost:
            score.lost_lines += len(lost)
            score.lost_pages.add(lp.short_id)
            score.lost.extend((lp.short_id, k) for k in lost)
    return score


def sentence_like(line: str) -> bool:
    """Ten words or more, ending like a sentence (``.``, ``!``, ``?`` or a closing quote).

    >>> sentence_like("The council voted on Monday to close the old bridge for repairs.")
    True
    >>> sentence_like("The council voted on Monday to close the old bridge")
    False
    """
    text = line.strip()
    return len(text.split()) >= 10 and text.endswith(_SENTENCE_END)


def sentence_copies(
    method: Method, pages: Iterable[tuple[str, Sequence[str], str]]
) -> tuple[int, int, list[tuple[str, int]]]:
    """Exact missed sentence-like copies: ``(copies, pages, [(page, line), ...])``.

    ``pages`` holds ``(page id, lines, reference text)``. A kept line counts when it is
    sentence-like and the method kept more copies of it than the reference prints (and more
    than one); each surplus copy counts once, listed at its line.
    """
    found: list[tuple[str, int]] = []
    for page_id, lines, reference in pages:
        keep = method.keep(lines)
        ref_paras = [p for p in (norm(x) for x in reference.splitlines()) if p]
        kept: dict[str, list[int]] = {}
        for k, (line, kp) in enumerate(zip(lines, keep, strict=True)):
            if kp and sentence_like(line):
                kept.setdefault(norm(line), []).append(k)
        for key, where in kept.items():
            allowed = max(count_in(key, ref_paras), 1)
            found.extend((page_id, k) for k in where[allowed:])
    return len(found), len({p for p, _ in found}), found


def article_pages(data: Path, cache_dir: Path | None = None) -> list[tuple[str, list[str], str]]:
    """Caption-heavy lines and reference text of every article page (AEB, WCXB articles)."""
    return [
        (p.short_id, extracted_lines(p, "captions", cache_dir), p.reference)
        for p in load_pages(data)
        if p.page_type == "article"
    ]


def _pct(x: float) -> str:
    return f"{x:.3f}"


def tables(
    scores: Sequence[Score], copies: dict[str, tuple[int, int]] | None = None
) -> list[tuple[str, Sequence[str], list[list[object]]]]:
    """The report tables: (title, header, rows)."""
    head = (
        "method",
        "removed",
        "correct",
        "wrong",
        "ambiguous removed",
        "precision",
        "recall",
        "pages w/ wrong",
        "pages losing info",
        "lines losing info",
    )
    overall = [
        [
            s.method,
            s.removed,
            s.correct,
            s.wrong,
            s.ambiguous_removed,
            _pct(s.precision),
            _pct(s.recall),
            len(s.wrong_pages),
            len(s.lost_pages),
            s.lost_lines,
        ]
        for s in scores
    ]
    out: list[tuple[str, Sequence[str], list[list[object]]]] = [
        ("Labelled pages: removals", head, overall)
    ]
    for title, kind, keys in (
        ("By class: removed / dups (recall), precision", "class", CLASSES),
        ("By position: removed / dups (recall), precision", "position", POSITIONS),
    ):
        rows: list[list[object]] = []
        for key in keys:
            total = (scores[0].by_class if kind == "class" else scores[0].by_position)[key]
            row: list[object] = [key, total]
            for s in scores:
                if kind == "class":
                    got, prec = s.by_class_removed[key], s.class_precision(key)
                else:
                    got, prec = s.by_position_removed[key], s.position_precision(key)
                row.append(f"{got} ({_pct(got / total) if total else '-'})")
                row.append(_pct(prec))
            rows.append(row)
        header = [kind, "dups"]
        for s in scores:
            header += [f"{s.method} removed", f"{s.method} precision"]
        out.append((title, header, rows))
    if copies:
        out.append(
            (
                "Exact missed sentence-like copies beyond the reference, all article pages "
                "(captions extractor)",
                ("method", "lines", "pages"),
                [[m, n, p] for m, (n, p) in copies.items()],
            )
        )
    return out


def label_counts(labelled: Sequence[LabelledPage]) -> list[list[object]]:
    """Pages, and labels by kind, class and position."""
    kinds: Counter[str] = Counter()
    corpora: Counter[str] = Counter(lp.corpus for lp in labelled)
    for lp in labelled:
        for lab in lp.labels:
            kinds[lab.label] += 1
    return [
        ["pages", len(labelled), ", ".join(f"{c} {n}" for c, n in sorted(corpora.items()))],
        ["dup", kinds["dup"], ""],
        ["keep (listed)", kinds["keep"], ""],
        ["ambiguous", kinds["ambiguous"], ""],
    ]


def run(
    data: Path,
    methods: Sequence[Method],
    out_dir: Path | None = None,
    *,
    labels: Path = LABELS_FILE,
    copies: bool = True,
    cache_dir: Path | None = None,
) -> str:
    """The labelled-set report (terminal text); also written to ``out_dir/labels.md``."""
    labelled = load_labels(labels)
    pages = check_hashes(labelled, data, cache_dir)
    scores = [evaluate(m, data, labels, cache_dir, pages) for m in methods]
    copy_counts: dict[str, tuple[int, int]] = {}
    if copies:
        articles = article_pages(data, cache_dir)
        for m in methods:
            n, p, _ = sentence_copies(m, articles)
            copy_counts[m.name] = (n, p)
    parts = tables(scores, copy_counts)
    counts = label_counts(labelled)
    term = [plain(["labels", "count", ""], counts), ""]
    md = [
        "## Hand-labelled pages (benchmarks/labels/)",
        "",
        markdown(["labels", "count", ""], counts),
    ]
    for title, head, rows in parts:
        term += [title + ":", plain(head, rows), ""]
        md += ["", f"{title}:", "", markdown(head, rows)]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "labels.md").write_text("\n".join(md) + "\n", encoding="utf-8")
        listing = []
        for s in scores:
            listing.append(f"== {s.method}: wrong removals (page line)")
            listing += [f"{p} {k}" for p, k in s.wrong_lines]
            listing.append(f"== {s.method}: missed dups (page line class position)")
            listing += [f"{p} {k} {c} {pos}" for p, k, c, pos in s.missed_lines]
            listing.append(f"== {s.method}: removals losing information (page line)")
            listing += [f"{p} {k}" for p, k in s.lost]
        (out_dir / "labels-listing.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
        term.append(f"tables: {out_dir / 'labels.md'}; lines: {out_dir / 'labels-listing.txt'}")
    return "\n".join(term)
