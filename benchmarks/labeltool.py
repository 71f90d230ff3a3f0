"""Helper for hand-labelling repeated lines of real pages (``benchmarks/labels/``).

It only *proposes*; every label in ``benchmarks/labels/captions.jsonl`` was decided by
reading the page. Commands (``--data`` is the shared data folder)::

    python -m benchmarks.labeltool rank --data ../shared/data        # pages by repetition
    python -m benchmarks.labeltool show aeb:0123abcd --data ../shared/data [--reference]
    python -m benchmarks.labeltool propose aeb:0123abcd --data ../shared/data

``show`` prints the page's caption-heavy lines numbered (the numbers are the line numbers
of the labels file) and the candidate pairs of repeated or near-repeated lines; ``propose``
prints a draft label block (``LINE dup OF CLASS`` / ``LINE keep``) to be checked by eye.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .corpora import Page, extracted_lines, load_pages
from .labelled import CLASSES, line_hash, position, words

__all__ = [
    "Candidate",
    "apply_decisions",
    "candidates",
    "find_page",
    "guess_class",
    "is_cjk",
    "norm",
    "propose",
    "repetition_score",
]

_CREDIT_PAREN = re.compile(
    r"\s*[\(\[][^()\[\]]*(photo|image|foto|credit|getty|reuters|\bap\b|afp|epa|shutterstock|"
    r"pictured|courtesy|file)[^()\[\]]*[\)\]]\s*$",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^\s*(photo|image|picture|pictured|image caption|caption|file|foto)\s*[:\-\u2013\u2014]\s*",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*(more|read more)?\s*$", re.IGNORECASE)


def norm(line: str) -> str:
    """The line without credits, leading labels, trailing ellipsis and punctuation.

    >>> norm("Photo: A dog on a beach (AP Photo/John Roe)")
    'a dog on a beach'
    """
    s = unicodedata.normalize("NFKC", line).strip()
    s = _PREFIX.sub("", s)
    s = _CREDIT_PAREN.sub("", s)
    s = _ELLIPSIS.sub("", s)
    return " ".join(words(s))


def is_cjk(lines: Sequence[str]) -> bool:
    """Whether the text is mostly Chinese, Japanese, Korean or Thai."""
    text = "".join(lines)
    if not text:
        return False
    cjk = sum(
        1
        for ch in text
        if "\u3040" <= ch <= "\u30ff"
        or "\u4e00" <= ch <= "\u9fff"
        or "\uac00" <= ch <= "\ud7af"
        or "\u0e00" <= ch <= "\u0e7f"
    )
    return cjk > 0.2 * len(text)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Line ``j`` may repeat the earlier line ``i``; ``why`` names the test that matched."""

    i: int
    j: int
    why: str
    ratio: float


def _contained(a: list[str], b: list[str]) -> bool:
    """Every word of ``a`` occurs in ``b`` (``a`` has at least 3 words)."""
    return len(a) >= 3 and set(a) <= set(b)


def _truncates(short: str, full: str, raw_short: str) -> bool:
    """``short`` is the start of ``full``: cut with an ellipsis, or at least 40% of it."""
    if len(short) < 20 or len(short) >= len(full) or not full.startswith(short[:-3]):
        return False
    return bool(_ELLIPSIS.search(raw_short)) or len(short) >= 0.4 * len(full)


def pair_reason(a: str, b: str, min_ratio: float = 60) -> tuple[str, float] | None:
    """Why ``b`` may repeat ``a`` (or ``a`` be a fuller form of ``b``), or ``None``."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return None
    if a.strip() == b.strip():
        return "exact", 100.0
    if na == nb:
        return "normalized", 100.0
    ratio = fuzz.ratio(na, nb)
    wa, wb = na.split(), nb.split()
    stem_a = _ELLIPSIS.sub("", a.strip()).rstrip(" .,").casefold()
    stem_b = _ELLIPSIS.sub("", b.strip()).rstrip(" .,").casefold()
    if _truncates(stem_b, stem_a, b):
        return "truncation", ratio
    if _truncates(stem_a, stem_b, a):
        return "extends", ratio
    if _contained(wb, wa):
        return "contained", ratio
    if _contained(wa, wb):
        return "contains", ratio
    if len(na) >= 8 and ratio >= min_ratio:
        return "similar", ratio
    return None


def candidates(lines: Sequence[str], min_ratio: float = 60) -> list[Candidate]:
    """Every pair ``i < j`` of lines that may be a repeat, in order of ``j`` then ``i``."""
    out = []
    normed = [norm(line) for line in lines]
    for j in range(len(lines)):
        for i in range(j):
            if not normed[i] or not normed[j]:
                continue
            la, lb = len(normed[i]), len(normed[j])
            # cheap filter: very different lengths can only match by containment/truncation
            got = pair_reason(lines[i], lines[j], min_ratio)
            if got is not None and (got[0] != "similar" or min(la, lb) * 2 >= max(la, lb) / 2):
                out.append(Candidate(i, j, got[0], round(got[1], 1)))
    return out


def repetition_score(lines: Sequence[str]) -> int:
    """Lines with an exact or near repeat elsewhere on the page (used to rank pages).

    Near: ``fuzz.ratio >= 70`` after normalization, one line's words within the other's, or
    equal once credits are stripped.
    """
    hit: set[int] = set()
    normed = [norm(line) for line in lines]
    wsets = [set(n.split()) for n in normed]
    for j in range(len(lines)):
        for i in range(j):
            if not normed[i] or not normed[j]:
                continue
            if (
                normed[i] == normed[j]
                or (len(wsets[j]) >= 3 and wsets[j] <= wsets[i])
                or (len(wsets[i]) >= 3 and wsets[i] <= wsets[j])
                or (
                    min(len(normed[i]), len(normed[j])) >= 8
                    and fuzz.ratio(normed[i], normed[j]) >= 70
                )
            ):
                hit.update((i, j))
    return len(hit)


def find_page(pages: Sequence[Page], spec: str) -> Page:
    """The page named ``corpus:id-prefix``."""
    corpus, _, prefix = spec.partition(":")
    found = [p for p in pages if p.corpus == corpus and p.page_id.startswith(prefix)]
    if len(found) != 1:
        raise SystemExit(f"{spec!r} names {len(found)} pages")
    return found[0]


def _articles(data: Path) -> list[Page]:
    return [p for p in load_pages(data) if p.page_type == "article"]


def _cmd_rank(data: Path, top: int) -> None:
    rows = []
    for page in _articles(data):
        lines = extracted_lines(page, "captions")
        if len(lines) > 1500:
            continue
        rows.append((repetition_score(lines), len(lines), is_cjk(lines), page.short_id))
    rows.sort(key=lambda r: (-r[0], r[3]))
    for score, n, cjk, sid in rows[:top]:
        print(f"{sid:14} {score:4} {n:5} {'cjk' if cjk else ''}")


def _cmd_show(page: Page, reference: bool, width: int) -> None:
    lines = extracted_lines(page, "captions")
    print(f"== {page.short_id} {page.page_id} lines={len(lines)} cjk={is_cjk(lines)}")
    for k, line in enumerate(lines):
        short = line if len(line) <= width else line[: width - 3] + "..."
        print(f"{k:4} {short}")
    print("== candidates (j <- i why ratio)")
    for c in candidates(lines):
        print(f"  {c.j:4} <- {c.i:4} {c.why:10} {c.ratio}")
    if reference:
        print("== reference")
        for k, para in enumerate(p for p in page.reference.splitlines() if p.strip()):
            short = para if len(para) <= width else para[: width - 3] + "..."
            print(f"  r{k:3} {short}")


_WHY_RANK = {
    "exact": 0,
    "normalized": 1,
    "truncation": 2,
    "contained": 3,
    "similar": 4,
    "extends": 5,
    "contains": 6,
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """A draft label for line ``line``: ``dup`` of ``of``, ``keep``, ``ambiguous`` or ``?``."""

    line: int
    label: str
    of: int
    cls: str
    why: str
    ratio: float


def guess_class(kept: str, copy: str, cjk: bool) -> str:
    """What differs between a copy and its kept twin (a guess, checked by eye)."""
    if kept.strip() == copy.strip() or " ".join(kept.split()) == " ".join(copy.split()):
        return "exact"
    if cjk:
        return "cjk"
    a, b = norm(kept), norm(copy)
    stem_a = _ELLIPSIS.sub("", kept.strip()).rstrip(" .,").casefold()
    stem_b = _ELLIPSIS.sub("", copy.strip()).rstrip(" .,").casefold()
    if a == b:
        if _PREFIX.match(copy) or _PREFIX.match(kept) or _ELLIPSIS.search(copy):
            return "prefix"
        if _CREDIT_PAREN.search(copy) or _CREDIT_PAREN.search(kept):
            return "credit"
        return "variant"  # case, quotes or punctuation only
    if len(stem_b) < len(stem_a) and stem_a.startswith(stem_b[: max(len(stem_b) - 3, 1)]):
        return "teaser"
    if b and b in a:
        return "credit" if a.startswith(b) else "prefix"
    return "variant"


def propose(lines: Sequence[str]) -> list[Proposal]:
    """One draft label per line that has a candidate earlier twin."""
    cjk = is_cjk(lines)
    best: dict[int, Candidate] = {}
    for c in candidates(lines):
        old = best.get(c.j)
        if old is None or (_WHY_RANK.get(c.why, 9), -c.ratio) < (
            _WHY_RANK.get(old.why, 9),
            -old.ratio,
        ):
            best[c.j] = c
    first: dict[str, int] = {}
    invisible: dict[int, int] = {}
    for j, line in enumerate(lines):
        key = line.strip()
        if key in first and not norm(line):
            invisible[j] = first[key]  # only punctuation or invisible characters
        first.setdefault(key, j)
    out = [Proposal(j, "ambiguous", i, "exact", "exact", 100.0) for j, i in invisible.items()]
    for j in sorted(best):
        c = best[j]
        a, b = norm(lines[c.i]), norm(lines[j])
        short = len(b.split()) < 4 and len(b) < 20 and not cjk
        if short:
            label = "ambiguous"
        elif set(b.split()) <= set(a.split()) and (c.why != "contained" or c.ratio >= 50):
            label = "dup"
        elif c.why == "contained":
            label = "keep"  # a heading or name whose words occur in a longer sentence
        elif c.why == "similar" and c.ratio < 70:
            label = "keep"
        else:
            label = "?"
        out.append(Proposal(j, label, c.i, guess_class(lines[c.i], lines[j], cjk), c.why, c.ratio))
    return sorted(out, key=lambda p: p.line)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _cmd_propose(page: Page, width: int) -> None:
    lines = extracted_lines(page, "captions")
    print(f"== {page.short_id} lines={len(lines)} cjk={is_cjk(lines)}")
    for p in propose(lines):
        tag = f"{p.line:4}<-{p.of:<4} {p.label:9} {p.cls:8} {p.why:10} {p.ratio:5}"
        print(f"{tag} | {_cut(lines[p.line], width)}")
        if p.cls != "exact":
            print(f"{'':46}~ {_cut(lines[p.of], width)}")


def _ranges(items: Sequence[str], proposed: Collection[int]) -> list[int]:
    """``A B-C``: single lines as given, ranges only where a line has a proposal."""
    out: list[int] = []
    for item in items:
        lo, _, hi = item.partition("-")
        if hi:
            out.extend(k for k in range(int(lo), int(hi) + 1) if k in proposed)
        else:
            out.append(int(lo))
    return out


def apply_decisions(lines: Sequence[str], directives: Sequence[str]) -> list[dict[str, object]]:
    """Labels of one page from its proposals and the reviewer's directives.

    Directives (one per line): ``keep A B-C``, ``amb A B-C``, ``dup LINE:OF[:CLASS]``,
    ``cls LINE:CLASS``, ``accept`` (take proposed dup/keep/ambiguous labels) and
    ``rest keep`` (every still undecided ``?`` proposal is ``keep``).
    """
    proposals = {p.line: p for p in propose(lines)}
    decided: dict[int, tuple[str, int, str]] = {}
    accept = rest_keep = False
    for raw in directives:
        parts = raw.split("#", 1)[0].split()
        if not parts:
            continue
        verb, args = parts[0], parts[1:]
        if verb == "accept":
            accept = True
        elif verb == "rest" and args == ["keep"]:
            rest_keep = True
        elif verb in ("keep", "amb"):
            for k in _ranges(args, proposals):
                decided[k] = ("keep" if verb == "keep" else "ambiguous", -1, "")
        elif verb == "dup":
            for arg in args:
                line_s, of_s, *given = arg.split(":")
                n, twin = int(line_s), int(of_s)
                guess = guess_class(lines[twin], lines[n], is_cjk(lines))
                decided[n] = ("dup", twin, given[0] if given else guess)
        elif verb == "cls":
            for arg in args:
                line_s, new_cls = arg.split(":")
                n = int(line_s)
                old = decided.get(n) or ("dup", proposals[n].of, "")
                decided[n] = (old[0], old[1], new_cls)
        else:
            raise ValueError(f"unknown directive {raw!r}")
    for k, p in proposals.items():
        if k in decided:
            continue
        if p.label == "?" and rest_keep:
            decided[k] = ("keep", -1, "")
        elif p.label != "?" and accept:
            decided[k] = (p.label, p.of, p.cls)
        else:
            raise ValueError(f"line {k} is undecided (proposed {p.label})")
    dups = {k for k, (label, _, _) in decided.items() if label == "dup"}
    out: list[dict[str, object]] = []
    for k in sorted(decided):
        label, of, cls = decided[k]
        item: dict[str, object] = {"line": k, "hash": line_hash(lines[k]), "label": label}
        if label == "dup":
            if not 0 <= of < k or cls not in CLASSES:
                raise ValueError(f"line {k}: bad dup of {of} class {cls!r}")
            item.update({"of": of, "class": cls, "position": position(k, of, dups)})
        out.append(item)
    return out


def _cmd_build(data: Path, decisions: Path, out: Path) -> None:
    import json

    from .extractors import extractor_version

    pages = load_pages(data)
    blocks: list[tuple[str, list[str]]] = []
    for raw in decisions.read_text(encoding="utf-8").splitlines():
        if raw.startswith("page "):
            blocks.append((raw.split()[1], []))
        elif blocks:
            blocks[-1][1].append(raw)
    rows = []
    for spec, directives in blocks:
        page = find_page(pages, spec)
        lines = extracted_lines(page, "captions")
        try:
            labels = apply_decisions(lines, directives)
        except ValueError as exc:
            raise SystemExit(f"{spec}: {exc}") from exc
        rows.append(
            {
                "corpus": page.corpus,
                "page_id": page.page_id,
                "extractor": "captions",
                "extractor_version": extractor_version("captions"),
                "lines": len(lines),
                "labels": labels,
            }
        )
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(f"{len(rows)} pages written to {out}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks.labeltool``."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.labeltool")
    p.add_argument("command", choices=("rank", "show", "propose", "build"))
    p.add_argument("page", nargs="?", help="corpus:id-prefix, e.g. aeb:0123abcd or wcxb:4011")
    p.add_argument("--data", type=Path, default=Path("../shared/data"))
    p.add_argument("--top", type=int, default=120)
    p.add_argument("--width", type=int, default=220)
    p.add_argument("--reference", action="store_true", help="also print the reference text")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "labels" / "captions.jsonl")
    args = p.parse_args(argv)
    if args.command == "rank":
        _cmd_rank(args.data, args.top)
        return 0
    if args.command == "build":
        if not args.page:
            p.error("build needs the decisions file")
        _cmd_build(args.data, Path(args.page), args.out)
        return 0
    if not args.page:
        p.error("a page is needed")
    page = find_page(load_pages(args.data), args.page)
    if args.command == "show":
        _cmd_show(page, args.reference, args.width)
    else:
        _cmd_propose(page, args.width)
    return 0


if __name__ == "__main__":
    sys.exit(main())
