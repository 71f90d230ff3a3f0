"""Speed of ``clean()``: throughput, per-stage time, scaling, peak memory, baseline ratios.

The machines this runs on are shared and noisy, so every method is timed in the same run
on the same inputs and reported as a ratio to ``clean()``; each timing is the best of a few
repeats.
"""

from __future__ import annotations

import cProfile
import io
import json
import math
import pstats
import random
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz

import dedup
from dedup._clean.candidates import candidates
from dedup._clean.config import resolve_config
from dedup._clean.decide import decide
from dedup._clean.normalize import normalize
from dedup._clean.render import render
from dedup._clean.segment import segment
from dedup._clean.verify import verify

from ._table import markdown, plain
from .methods import Method
from .synthetic import _Gen, generate, score_method

__all__ = [
    "articles",
    "fit_exponent",
    "floor",
    "fuzzy_floor",
    "interleaved",
    "ratio_table",
    "run",
    "scaling_text",
    "stage_times",
]

STAGES = ("segment", "normalize", "candidates", "verify", "decide", "render")


def article(seed: int, target_bytes: int = 5_000, units: int = 40) -> str:
    """A realistic news article: ~``target_bytes`` UTF-8 bytes in ~``units`` lines.

    Paragraphs, captions (some printed twice, some reworded), a bullet summary, a
    results block and a short interview, as the synthetic set has them.
    """
    g = _Gen(random.Random(f"article/{seed}"))
    r = g.rng
    used: set[str] = set()
    lines = [g.fill("{town}: a week of high water")]
    while len(lines) < units:
        roll = r.random()
        if roll < 0.55:
            lines.append(g.paragraph(used))
        elif roll < 0.8:
            cap = g.caption()
            lines.append(cap)
            lines.append(g.copy(cap) if r.random() < 0.5 else g.variant(cap))
        elif roll < 0.9:
            lines.append(g.fill("Q: How long will the work on {thing} take?"))
            lines.append(g.fill("A: At least until {day}, the engineers told us."))
        else:
            lines.append(g.fill("{town} beat {town2} {a}-{b} on {day} in front of {n} fans."))
        if len(used) > 15:
            used.clear()
    text = "\n".join(lines[:units]) + "\n"
    while len(text.encode()) > target_bytes * 1.1 and len(lines) > 10:
        lines.pop(r.randrange(1, len(lines)))
        text = "\n".join(lines) + "\n"
    return text


def articles(n: int) -> list[str]:
    """``n`` different articles (seeded)."""
    return [article(k) for k in range(n)]


def scaling_text(units: int, seed: int = 11) -> str:
    """A text of ``units`` lines: paragraphs and captions, about one in eight a copy."""
    g = _Gen(random.Random(f"scaling/{seed}"))
    r = g.rng
    used: set[str] = set()
    lines: list[str] = []
    while len(lines) < units:
        if r.random() < 0.6:
            lines.append(g.paragraph(used))
            if len(used) > 15:
                used.clear()
        else:
            cap = g.caption()
            lines.append(cap)
            if r.random() < 0.3:
                lines.append(g.variant(cap))
    return "\n".join(lines[:units]) + "\n"


def _best(fn: Callable[[], object], repeats: int, budget: float = 20.0) -> float:
    """Best time of up to ``repeats`` runs; no further runs once ``budget`` seconds are spent."""
    best = math.inf
    spent = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        took = time.perf_counter() - t0
        best = min(best, took)
        spent += took
        if spent > budget:
            break
    return best


def _text_fn(method: Method) -> Callable[[str], object]:
    if method.name == "clean":
        return dedup.clean

    def run(text: str) -> str:
        lines = text.splitlines()
        keep = method.keep(lines)
        return "\n".join(line for line, k in zip(lines, keep, strict=True) if k)

    return run


def stage_times(texts: Sequence[str], repeats: int = 1) -> dict[str, float]:
    """Seconds spent in each pipeline stage over ``texts``, calling the stages in sequence.

    With ``repeats`` > 1, the smallest total of each stage over the repeats. Unit details
    that the pipeline computes lazily count in the stage that first asks for them.
    """
    runs = [_stage_pass(texts) for _ in range(max(1, repeats))]
    return {name: min(r[name] for r in runs) for name in STAGES}


def _stage_pass(texts: Sequence[str]) -> dict[str, float]:
    cfg = resolve_config(None, {})
    total = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter
    for text in texts:
        t0 = clock()
        seg = segment(text, cfg.segment)
        t1 = clock()
        keys = normalize(seg)
        t2 = clock()
        cands = candidates(keys, cfg)
        t3 = clock()
        matches = verify(keys, cands, cfg)
        t4 = clock()
        decisions = decide(keys, cands, matches, cfg)
        t5 = clock()
        report, _ = render(seg, decisions)
        t6 = clock()
        assert report.text == dedup.clean(text)  # the stages reproduce clean()
        for name, dt in zip(
            STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True
        ):
            total[name] += dt
    return total


def floor(text: str) -> str:
    """The exact-line floor: every line once, stripped, in order."""
    return "\n".join(dict.fromkeys(line.strip() for line in text.splitlines()))


_SIGNS = re.compile(r"[^\w\s]+")


def fuzzy_floor(text: str) -> str:
    """The least a fuzzy line cleaner with normalized keys does: a key for every line
    from one pass over the whole text (case folded, signs dropped), a set of the keys
    seen, and one ``fuzz.ratio`` of each line's key against the key of the line kept
    before it. No guards, no kinds of line, no positions: a bound below which no cleaner
    written in Python with a loop over the lines gets."""
    lines = text.splitlines()
    keys = _SIGNS.sub("", text.casefold()).splitlines()
    seen: set[str] = set()
    kept: list[str] = []
    last = ""
    for line, key in zip(lines, keys, strict=True):
        if key in seen or (last and fuzz.ratio(last, key, score_cutoff=85)):
            continue
        seen.add(key)
        kept.append(line)
        last = key
    return "\n".join(kept)


def interleaved(
    texts: Sequence[str], fns: dict[str, Callable[[str], object]], repeats: int, chunk: int = 20
) -> dict[str, float]:
    """Seconds per text of each of ``fns`` over ``texts``: the functions run one after the
    other on each group of ``chunk`` texts, and each group's best of ``repeats`` counts, so
    a burst of load on a shared machine hits every function alike."""
    best: dict[tuple[str, int], float] = {}
    for fn in fns.values():
        fn(texts[0])  # warm up: compiled patterns, imports
    for _ in range(max(1, repeats)):
        for start in range(0, len(texts), chunk):
            part = texts[start : start + chunk]
            for name, fn in fns.items():
                t0 = time.perf_counter()
                for text in part:
                    fn(text)
                took = time.perf_counter() - t0
                best[(name, start)] = min(best.get((name, start), math.inf), took)
    return {name: sum(v for (n, _), v in best.items() if n == name) / len(texts) for name in fns}


def ratio_table(texts: Sequence[str], repeats: int) -> tuple[list[str], list[list[object]]]:
    """``clean()`` (default and ``scope="document"``), the floor, the fuzzy floor
    (:func:`fuzzy_floor`) and ``rapidfuzz-seq`` on ``texts`` and on the same texts once
    cleaned."""
    from .methods import get_method

    fns: dict[str, Callable[[str], object]] = {
        "clean": dedup.clean,
        "floor": floor,
        "fuzzy floor": fuzzy_floor,
        "document": lambda t: dedup.clean(t, scope="document"),
        "rapidfuzz-seq": _text_fn(get_method("rapidfuzz-seq")),
    }
    header = [
        "input",
        "clean, us",
        "floor, us",
        "clean / floor",
        'scope="document" / clean',
        "rapidfuzz-seq / clean",
        "fuzzy floor / floor",
    ]
    rows: list[list[object]] = []
    for label, inputs in (("articles", texts), ("cleaned", [dedup.clean(t) for t in texts])):
        t = interleaved(inputs, fns, repeats)
        rows.append(
            [
                label,
                t["clean"] * 1e6,
                t["floor"] * 1e6,
                t["clean"] / t["floor"],
                t["document"] / t["clean"],
                t["rapidfuzz-seq"] / t["clean"],
                t["fuzzy floor"] / t["floor"],
            ]
        )
    return header, rows


def fit_exponent(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) against log(units).

    >>> round(fit_exponent([(10, 0.01), (100, 0.1), (1000, 1.0)]), 3)
    1.0
    """
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(s, 1e-9)) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0


_MEMORY_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
import dedup
from benchmarks.speed import scaling_text
target = int(sys.argv[1]); scope = sys.argv[2]
block = scaling_text(2000, seed=5)
text = (block * (target // len(block) + 1))[:target]
text = text[: text.rfind("\n") + 1]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
out = dedup.clean(text, scope=scope)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"chars": len(text), "seconds": dt, "base_kb": base, "peak_kb": peak,
                  "out_chars": len(out)}))
"""


def memory(target_chars: int, scope: str = "runs") -> dict[str, float | str]:
    """Peak memory of ``clean()`` on a ``target_chars`` input, in a fresh child process.

    The input repeats a 2,000-line block, so most of it is a repeated run and goes.
    ``tracemalloc`` is used for inputs up to 2 MB (exact Python allocations); above that
    the child's peak resident set size (``ru_maxrss``) minus the size before cleaning.
    """
    root = str(Path(__file__).resolve().parent.parent)
    if target_chars <= 2_000_000:
        block = scaling_text(2000, seed=5)
        text = (block * (target_chars // len(block) + 1))[:target_chars]
        text = text[: text.rfind("\n") + 1]
        tracemalloc.start()
        t0 = time.perf_counter()
        dedup.clean(text, scope=scope)
        dt = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"chars": len(text), "seconds": dt, "peak_mb": peak / 1e6, "how": "tracemalloc"}
    proc = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, str(target_chars), scope, root],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    res = json.loads(proc.stdout)
    return {
        "chars": res["chars"],
        "seconds": res["seconds"],
        "peak_mb": (res["peak_kb"] - res["base_kb"]) / 1e3,
        "how": "ru_maxrss",
    }


def run(
    methods: Sequence[Method],
    out_dir: Path,
    *,
    quick: bool = False,
    max_units: int | None = None,
    skip_100mb: bool = False,
    profile: bool = False,
) -> str:
    """``python -m benchmarks speed``."""
    from .plots import plot_scaling

    out: list[str] = []
    md: list[str] = ["## Speed", ""]
    n_articles = 40 if quick else 2000
    repeats = 1 if quick else 3
    texts = articles(n_articles)
    size = sum(len(t.encode()) for t in texts)
    mean_units = sum(t.count("\n") for t in texts) / len(texts)
    head = (
        f"{n_articles} articles, mean {size / n_articles / 1000:.1f} KB and "
        f"{mean_units:.0f} units each, best of {repeats}, one core"
    )
    out.append(head)
    md += [head, ""]

    # 1. throughput of clean() and the baselines on the same articles, with synthetic accuracy
    docs = generate(7, 2 if quick else 20)
    rows: list[list[object]] = []
    speeds: dict[str, float] = {}
    for m in methods:
        fn = _text_fn(m)

        def run_all(fn: Callable[[str], object] = fn) -> None:
            for t in texts:
                fn(t)

        seconds = _best(run_all, repeats)
        speeds[m.name] = seconds
        scores, hard = score_method(m.keep, docs)
        s = scores["all"]
        hard_removed = sum(v[0] for v in hard.values())
        hard_total = sum(v[1] for v in hard.values())
        rows.append(
            [
                m.name,
                n_articles / seconds,
                size / seconds / 1e6,
                0.0,
                s.precision,
                s.recall,
                s.f1,
                f"{hard_removed}/{hard_total}",
            ]
        )
    base = speeds.get("clean")
    for row, m in zip(rows, methods, strict=True):
        row[3] = speeds[m.name] / base if base else float("nan")
    header = [
        "method",
        "articles/s",
        "MB/s",
        "its time / clean's",
        "synthetic P",
        "synthetic R",
        "synthetic F1",
        "hard negatives removed",
    ]
    out += [plain(header, rows), ""]
    md += [markdown(header, rows), ""]

    # 2. clean() against the exact-line floor, timed input by input
    few = texts[: 40 if quick else 400]
    r_header, r_rows = ratio_table(few, repeats)
    r_head = (
        f"clean() against the exact-line floor, on {len(few)} of the articles and on the "
        "same articles once cleaned; the methods are timed one after the other on each "
        f"group of 20 inputs, best of {repeats} per group"
    )
    out += [r_head, plain(r_header, r_rows), ""]
    md += [r_head + ":", "", markdown(r_header, r_rows), ""]

    # 3. per-stage time
    st = stage_times(texts, repeats)
    total = sum(st.values())
    st_rows = [[name, st[name] * 1e6 / n_articles, st[name] / total * 100] for name in STAGES]
    st_rows.append(["total", total * 1e6 / n_articles, 100.0])
    st_header = ["stage", "us per article", "% of time"]
    out += [plain(st_header, st_rows), ""]
    md += [
        "Per-stage time (the stages of `dedup/_api.py` called in sequence):",
        "",
        markdown(st_header, st_rows),
        "",
    ]

    # 4. scaling
    top = max_units if max_units is not None else (1_000 if quick else 100_000)
    sizes = [n for n in (10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000) if n <= top]
    limits = {
        "clean": top,
        "clean scope=document": min(top, 30_000),
        "exact-line": top,
        "rapidfuzz-seq": 3_000,
        "rapidfuzz-cdist": 3_000,
        "minhash-lsh": 10_000,
        "trafilatura-lru": top,
        "fast-dedupe": 1_000,
    }
    series: dict[str, list[tuple[int, float]]] = {}
    scale_methods: list[tuple[str, Callable[[str], object]]] = [
        (m.name, _text_fn(m)) for m in methods
    ]
    if any(m.name == "clean" for m in methods):
        scale_methods.insert(
            1, ("clean scope=document", lambda t: dedup.clean(t, scope="document"))
        )
    for n in sizes:
        text = scaling_text(n)
        for name, fn in scale_methods:
            if n <= limits.get(name, top):
                reps = 3 if n <= 10_000 else 1

                def once(fn: Callable[[str], object] = fn, text: str = text) -> None:
                    fn(text)

                series.setdefault(name, []).append((n, _best(once, reps)))
    clean_pts = series.get("clean", [])
    big = [p for p in clean_pts if p[0] >= 1_000] or clean_pts
    exponent = fit_exponent(big) if len(big) >= 2 else float("nan")
    exp_all = fit_exponent(clean_pts) if len(clean_pts) >= 2 else float("nan")
    sc_header = ["units", *series]
    sc_rows = []
    for n in sizes:
        sc_row: list[object] = [n]
        for name in series:
            found = [s for k, s in series[name] if k == n]
            sc_row.append(found[0] if found else float("nan"))
        sc_rows.append(sc_row)
    expo_line = (
        f"clean() scaling exponent {exponent:.2f} (fit on >= 1,000 units; "
        f"{exp_all:.2f} on all sizes)"
    )
    ten_k = [s for n, s in clean_pts if n == 10_000]
    out += [plain(sc_header, sc_rows), expo_line]
    md += ["Scaling, seconds per input:", "", markdown(sc_header, sc_rows), "", expo_line]
    if ten_k:
        line = f"10,000 units: {ten_k[0]:.3f} s (target < 0.3 s)"
        out.append(line)
        md += ["", line]
    png = out_dir / "speed-scaling.png"
    if plot_scaling(series, exponent, png):
        out.append(f"plot: {png}")
    out.append("")
    md.append("")

    # 5. memory
    mem_rows = []
    targets = [1_000_000] + ([] if quick or skip_100mb else [100_000_000])
    for target in targets:
        res = memory(target)
        mem_rows.append(
            [f"{target / 1e6:.0f} MB", res["chars"], res["seconds"], res["peak_mb"], res["how"]]
        )
    mem_header = ["input", "chars", "seconds", "peak MB", "measured with"]
    out += [plain(mem_header, mem_rows), ""]
    md += ["Peak memory of clean():", "", markdown(mem_header, mem_rows), ""]

    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for t in texts:
            dedup.clean(t)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
        (out_dir / "speed-profile.txt").write_text(buf.getvalue(), encoding="utf-8")
        out.append(f"profile (by own time): {out_dir / 'speed-profile.txt'}")

    (out_dir / "speed.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    out.append(f"tables: {out_dir / 'speed.md'}")
    return "\n".join(out)
