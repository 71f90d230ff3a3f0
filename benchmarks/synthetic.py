"""A seeded, labelled synthetic set: news-like documents with known copies.

All text is generated here from templates written for this benchmark (fictional towns,
people and bodies); nothing comes from the evaluation corpora. Each document is a list of
lines with a label per line:

* noise, which a deduplicator should remove (the *later* copy is the labelled one):
  ``caption-copy`` (a caption printed again as alt/title text: identical, or differing
  in case, spacing, quotes or a photo credit), ``caption-variant`` (the copy reworded the
  way translated or re-edited captions are: spelling, inflection, articles, punctuation),
  ``paragraph-variant`` (a paragraph printed twice with small edits), ``repeated-run``
  (a gallery of three to five captions, or a block of paragraphs, printed again later);
* hard negatives, which must be kept: ``templated-numbers`` (result / forecast lines from
  one template that differ only in numbers), ``q-prefix`` (interview lines that share
  "Q:" / "A:" prefixes, and bare "Q:" lines), ``bullet-summary`` (bullets at the top that
  restate body sentences), ``caption-quote`` (a caption that quotes a body sentence and
  adds new content, right under that sentence);
* everything else (``body``, ``caption``) must be kept too.

For each kind of noise, a set of documents carries only that kind (plus the hard
negatives), so precision, recall and F1 can be given per kind.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._table import markdown, plain
from .methods import Method

__all__ = ["HARD_NEGATIVES", "NOISE_KINDS", "Doc", "Score", "generate", "score_method"]

NOISE_KINDS = ("caption-copy", "caption-variant", "paragraph-variant", "repeated-run")
HARD_NEGATIVES = ("templated-numbers", "q-prefix", "bullet-summary", "caption-quote")

_TOWNS = (
    "Eastbrook",
    "Kellmora",
    "Port Avalen",
    "Dunmarrow",
    "Saltcombe",
    "Vesterholm",
    "Brackenford",
    "Lowen Cross",
    "Ashby Mere",
    "Corrandale",
    "Tillington",
    "Marsk",
)
_PEOPLE = (
    "Mira Castell",
    "Tomas Ekberg",
    "Leona Hart",
    "Dario Pelle",
    "Ines Marlowe",
    "Kofi Brandt",
    "Anya Solberg",
    "Rafael Ostrom",
    "Greta Lindqvist",
    "Yusuf Arden",
    "Clara Voss",
    "Mateo Rinn",
)
_ROLES = (
    "the mayor",
    "a council spokesperson",
    "the harbour master",
    "the head teacher",
    "a local shop owner",
    "the fire chief",
    "the project manager",
    "a union official",
)
_BODIES = (
    "the district council",
    "the regional water board",
    "the port authority",
    "the teachers' union",
    "the transport office",
    "the county health service",
    "the chamber of commerce",
    "the parks department",
)
_THINGS = (
    "the new bridge",
    "the flood barrier",
    "the school budget",
    "the night bus route",
    "the harbour wall",
    "the recycling programme",
    "the market square",
    "the theatre roof",
    "the cycle lanes",
    "the town centre plan",
    "the grey water scheme",
    "the library",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CROWDS = (
    "Residents",
    "Volunteers",
    "Fishermen",
    "Students",
    "Shopkeepers",
    "Protesters",
    "Firefighters",
    "Commuters",
    "Pensioners",
    "Children",
)
_ACTS = (
    ("wave", "waving", "flags"),
    ("gather", "gathering", "outside the town hall"),
    ("march", "marching", "through the old quarter"),
    ("clear", "clearing", "debris"),
    ("repair", "repairing", "the harbour wall"),
    ("queue", "queueing", "for sandbags"),
    ("watch", "watching", "the regatta"),
    ("paint", "painting", "the theatre doors"),
    ("unload", "unloading", "crates of grey slate"),
    ("plant", "planting", "trees"),
)
_SPELLING = (
    ("centre", "center"),
    ("harbour", "harbor"),
    ("theatre", "theater"),
    ("programme", "program"),
    ("grey", "gray"),
    ("colour", "color"),
    ("neighbours", "neighbors"),
    ("organised", "organized"),
    ("queueing", "queuing"),
    ("travelling", "traveling"),
    ("defence", "defense"),
    ("metres", "meters"),
)
_AGENCIES = ("Northwind Press", "Harbour Lens", "Coastline Images", "Redfern Photo")

_SENTENCES = (
    "{person}, {role}, said {body} would review {thing} before the end of the month.",
    "Work on {thing} in {town} has been delayed twice since the spring floods.",
    "{body_c} has set aside money for {thing}, but the final cost is still unclear.",
    "Neighbours in {town} say the noise from the building site starts before seven.",
    "The plan was first organised by volunteers who met in the library every week.",
    "{person} told the meeting that nobody had asked the fishermen what they wanted.",
    "Critics argue that {thing} favours the town centre over the outlying villages.",
    "A public consultation on {thing} opens on {day} and runs for six weeks.",
    "Traffic through {town} was diverted while engineers inspected the harbour wall.",
    "The theatre company has offered its rehearsal rooms as a temporary classroom.",
    "{body_c} said the colour of the new signs had been chosen by local pupils.",
    "Several shops near the market square closed early on {day} as the water rose.",
    "{person} said the grey water scheme would save households a noticeable sum.",
    "Travelling from {town} to the coast now takes almost an hour longer by bus.",
    "The defence of the old sea wall has become a rallying point for older residents.",
    "Engineers measured cracks several metres long along the northern embankment.",
    "Many families have lived on the same street in {town} for four generations.",
    "The recycling programme collected more glass this year than in any year before.",
    "Officials from {body} visited the site on {day} but gave no statement afterwards.",
    "Local historians have started a project to record how the harbour has changed.",
)
_NUMBER_TEMPLATES = (
    "{town} beat {town2} {a}-{b} on {day} in front of {n} supporters.",
    "Forecast for {day}: highs of {a} degrees in {town}, winds up to {b} km/h.",
    "Tickets for the {town} regatta cost {a} euros, or {b} euros for children under {n}.",
    "Ward {a} turnout in {town} was {n} votes, up {b} percent on the last election.",
)
_QUESTIONS = (
    "Q: When did you first notice the water rising in {town}?",
    "Q: What did {body} promise residents after the meeting?",
    "Q: How long will the work on {thing} take?",
    "Q: Who will pay for the repairs to {thing}?",
    "Q: Why did the volunteers stop meeting in the library?",
)
_ANSWERS = (
    "A: It was early on {day}, and by noon the cellars were full.",
    "A: They said a plan would be published, but gave no date.",
    "A: The engineers told us at least two summers, maybe three.",
    "A: Nobody knows yet, and that is what worries people most.",
    "A: The heating failed and the room was simply too cold.",
)
_QUOTE_TAILS = (
    " Residents clear debris from the square outside the town hall on {day} morning.",
    " Pictured: volunteers stack sandbags along the harbour road in {town}.",
    " The photograph shows the flooded market square from the church tower.",
    " Here, engineers inspect the northern embankment during the storm.",
)


@dataclass(frozen=True, slots=True)
class Doc:
    """A generated document: its lines and a label per line (see the module docstring)."""

    lines: tuple[str, ...]
    labels: tuple[str, ...]
    noise: str

    def is_noise(self, k: int) -> bool:
        """Whether line ``k`` is a labelled copy that should be removed."""
        return self.labels[k] in NOISE_KINDS


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.town = rng.choice(_TOWNS)

    def fill(self, template: str) -> str:
        r = self.rng
        body = r.choice(_BODIES)
        return template.format(
            person=r.choice(_PEOPLE),
            role=r.choice(_ROLES),
            body=body,
            body_c=body[0].upper() + body[1:],
            thing=r.choice(_THINGS),
            town=self.town,
            town2=r.choice([t for t in _TOWNS if t != self.town]),
            day=r.choice(_DAYS),
            a=r.randint(0, 40),
            b=r.randint(0, 40),
            n=r.randint(10, 9000),
        )

    def paragraph(self, used: set[str]) -> str:
        choices = [s for s in _SENTENCES if s not in used] or list(_SENTENCES)
        picked = self.rng.sample(choices, min(len(choices), self.rng.randint(2, 3)))
        used.update(picked)
        return " ".join(self.fill(s) for s in picked)

    def caption(self) -> str:
        r = self.rng
        crowd = r.choice(_CROWDS)
        verb, _, obj = r.choice(_ACTS)
        tail = r.choice(
            (
                f" in {self.town} on {r.choice(_DAYS)}",
                f" near the {self.town} harbour",
                f" in the centre of {self.town}",
                f" after the storm in {self.town}",
            )
        )
        extra = r.choice(
            (
                "",
                "",
                f" as the water level keeps rising on {r.choice(_DAYS)}",
                " ahead of the council vote",
                ", a day after the harbour wall gave way",
                f", as {r.choice(_PEOPLE)} looks on",
            )
        )
        return f"{crowd} {verb} {obj}{tail}{extra}."

    def copy(self, line: str) -> str:
        """An exact or normalized copy: case, spacing, quotes, a photo credit."""
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            return line
        if kind == 1:
            return line.upper() if r.random() < 0.3 else line.lower()
        if kind == 2:
            return "  " + line.replace(" ", "  ", 2) + " "
        if kind == 3:
            return f"{line} (Photo: {r.choice(_AGENCIES)})"
        return line.rstrip(".")

    def variant(self, line: str) -> str:
        """A reworded copy: one or two small edits of the kinds translation produces."""
        r = self.rng
        edits: list[Callable[[str], str]] = [
            self._spelling,
            self._inflect,
            self._article,
            self._punct,
        ]
        out = line
        for edit in r.sample(edits, r.randint(1, 2)):
            out = edit(out)
        if out == line:
            out = self._punct(line)
        return out

    def _spelling(self, s: str) -> str:
        for a, b in self.rng.sample(_SPELLING, len(_SPELLING)):
            if a in s:
                return s.replace(a, b)
            if b in s:
                return s.replace(b, a)
        return s

    def _inflect(self, s: str) -> str:
        for verb, ing, _ in _ACTS:
            if f" {verb} " in s:
                return s.replace(f" {verb} ", f" {ing} ", 1)
            if f" {ing} " in s:
                return s.replace(f" {ing} ", f" {verb} ", 1)
        return s.replace(" said ", " says ", 1) if " said " in s else s

    def _article(self, s: str) -> str:
        if " the " in s:
            return s.replace(" the ", " ", 1)
        return s.replace(" in ", " in the ", 1)

    def _punct(self, s: str) -> str:
        if s.endswith("."):
            return s[:-1]
        return s.replace(", ", " ", 1) if ", " in s else s + "."


def _hard_negatives(g: _Gen, body: list[str]) -> list[tuple[int, list[tuple[str, str]]]]:
    """Hard-negative blocks and the body index each one goes after."""
    r = g.rng
    blocks: list[tuple[int, list[tuple[str, str]]]] = []
    template = r.choice(_NUMBER_TEMPLATES)
    rows: list[tuple[str, str]] = []
    seen_rows: set[str] = set()
    while len(rows) < r.randint(3, 5):
        row = g.fill(template)
        if row not in seen_rows:
            seen_rows.add(row)
            rows.append((row, "templated-numbers"))
    blocks.append((r.randrange(len(body)), rows))
    qa: list[tuple[str, str]] = []
    for q, a in r.sample(list(zip(_QUESTIONS, _ANSWERS, strict=True)), 3):
        if r.random() < 0.4:
            qa += [
                ("Q:", "q-prefix"),
                (g.fill(q)[3:], "q-prefix"),
                ("A:", "q-prefix"),
                (g.fill(a)[3:], "q-prefix"),
            ]
        else:
            qa += [(g.fill(q), "q-prefix"), (g.fill(a), "q-prefix")]
    blocks.append((r.randrange(len(body)), qa))
    # bullets at the top restating the first sentence of some body paragraphs
    firsts = dict.fromkeys(p.split(". ")[0].rstrip(".") + "." for p in body)
    bullets = [
        ("\u2022 " + f, "bullet-summary") for f in r.sample(list(firsts), min(3, len(firsts)))
    ]
    blocks.append((-1, bullets))
    # a caption quoting the first sentence of a paragraph, with new content, right under it
    k = r.randrange(len(body))
    quoted = body[k].split(". ")[0].rstrip(".") + "."
    blocks.append((k, [(quoted + g.fill(r.choice(_QUOTE_TAILS)), "caption-quote")]))
    return blocks


def generate(seed: int, docs_per_kind: int) -> list[Doc]:
    """The labelled set: ``docs_per_kind`` documents for each kind of noise, seeded.

    >>> a = generate(3, 2)
    >>> a == generate(3, 2), len(a), sorted({d.noise for d in a}) == sorted(NOISE_KINDS)
    (True, 8, True)
    """
    out = []
    for kind_no, noise in enumerate(NOISE_KINDS):
        for n in range(docs_per_kind):
            rng = random.Random(f"{seed}/{kind_no}/{n}")
            out.append(_document(_Gen(rng), noise))
    return out


def _document(g: _Gen, noise: str) -> Doc:
    r = g.rng
    used: set[str] = set()
    body = [g.paragraph(used) for _ in range(r.randint(7, 12))]
    captions: dict[int, str] = {}
    while len(captions) < r.randint(3, 5):
        captions[r.randrange(len(body))] = g.caption()
    extras = _hard_negatives(g, body)
    lines: list[tuple[str, str]] = [(g.fill("{town}: a week of high water"), "body")]
    for pos, block in extras:
        if pos == -1:
            lines += block
    inject = set(r.sample(range(len(body)), min(len(body), r.randint(2, 3))))
    run_at = r.randrange(len(body) // 2) if noise == "repeated-run" else -1
    run_src: list[tuple[str, str]] = []
    for k, para in enumerate(body):
        lines.append((para, "body"))
        if noise == "paragraph-variant" and k in inject:
            lines.append((g.variant(para), noise))
        if k in captions:
            cap = captions[k]
            lines.append((cap, "caption"))
            if noise == "caption-copy":
                lines.append((g.copy(cap), noise))
            elif noise == "caption-variant":
                lines.append((g.variant(cap), noise))
        for pos, block in extras:
            if pos == k:
                lines += block
        if k == run_at:
            start = len(lines)
            gallery = [(g.caption(), "caption") for _ in range(r.randint(3, 5))]
            lines += gallery
            run_src = lines[start:]
    if noise == "repeated-run":
        lines.append((g.fill("More from {town}"), "body"))
        lines += [(text, noise) for text, _ in run_src]
    return Doc(tuple(t for t, _ in lines), tuple(lab for _, lab in lines), noise)


@dataclass(slots=True)
class Score:
    """Counts of one method on a set of documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Removed lines that were labelled copies (1.0 when nothing was removed)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Labelled copies that were removed."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_method(
    keep_fn: Callable[[Sequence[str]], list[bool]], docs: Sequence[Doc]
) -> tuple[dict[str, Score], dict[str, tuple[int, int]]]:
    """Per noise kind (and ``"all"``): P/R counts; per hard negative: (removed, total).

    >>> from benchmarks.methods import exact_line_keep
    >>> scores, hard = score_method(exact_line_keep, generate(1, 2))
    >>> scores["all"].tp > 0, set(hard) == set(HARD_NEGATIVES)
    (True, True)
    """
    scores = {k: Score() for k in (*NOISE_KINDS, "all")}
    hard = {k: [0, 0] for k in HARD_NEGATIVES}
    for doc in docs:
        keep = keep_fn(doc.lines)
        s = scores[doc.noise]
        for k, kept in enumerate(keep):
            label = doc.labels[k]
            if doc.is_noise(k):
                if kept:
                    s.fn += 1
                else:
                    s.tp += 1
            elif not kept:
                s.fp += 1
            if label in hard:
                hard[label][1] += 1
                hard[label][0] += not kept
    for kind in NOISE_KINDS:
        scores["all"].tp += scores[kind].tp
        scores["all"].fp += scores[kind].fp
        scores["all"].fn += scores[kind].fn
    return scores, {k: (v[0], v[1]) for k, v in hard.items()}


THRESHOLDS = tuple(round(0.5 + 0.025 * k, 3) for k in range(21))


def threshold_curve(docs: Sequence[Doc]) -> list[tuple[float, Score]]:
    """``clean()``'s overall score at every threshold from 0.5 to 1.0."""
    import dedup

    from .methods import clean_keep

    curve = []
    for t in THRESHOLDS:
        cfg = dedup.CleanConfig(threshold=t)

        def keep(lines: Sequence[str], cfg: dedup.CleanConfig = cfg) -> list[bool]:
            return clean_keep(lines, cfg)

        scores, _ = score_method(keep, docs)
        curve.append((t, scores["all"]))
    return curve


def rapidfuzz_curve(docs: Sequence[Doc]) -> list[tuple[float, Score]]:
    """The sequential rapidfuzz baseline's score at the same thresholds (cutoff x 100)."""
    from .methods import rapidfuzz_seq_keep

    curve = []
    for t in THRESHOLDS:

        def keep(lines: Sequence[str], t: float = t) -> list[bool]:
            return rapidfuzz_seq_keep(lines, t * 100)

        scores, _ = score_method(keep, docs)
        curve.append((t, scores["all"]))
    return curve


def run(
    methods: Sequence[Method],
    out_dir: Path,
    *,
    quick: bool = False,
    seed: int = 7,
    docs: int | None = None,
) -> str:
    """``python -m benchmarks synthetic``: tables, curve and plot."""
    from .plots import plot_threshold_curve

    n = docs if docs is not None else (6 if quick else 80)
    doc_set = generate(seed, n)
    rows, hard_rows = [], []
    for m in methods:
        scores, hard = score_method(m.keep, doc_set)
        for kind in (*NOISE_KINDS, "all"):
            s = scores[kind]
            rows.append([m.name, kind, s.tp, s.fp, s.fn, s.precision, s.recall, s.f1])
        hard_rows.append([m.name, *(f"{hard[h][0]}/{hard[h][1]}" for h in HARD_NEGATIVES)])
    header = ["method", "noise", "TP", "FP", "FN", "precision", "recall", "F1"]
    hard_header = ["method", *(f"{h} removed" for h in HARD_NEGATIVES)]
    curve = threshold_curve(doc_set)
    rf_curve = rapidfuzz_curve(doc_set)
    curve_rows = [
        [t, s.precision, s.recall, s.f1, r.precision, r.recall, r.f1]
        for (t, s), (_, r) in zip(curve, rf_curve, strict=True)
    ]
    curve_header = [
        "threshold",
        "clean P",
        "clean R",
        "clean F1",
        "rapidfuzz P",
        "rapidfuzz R",
        "rapidfuzz F1",
    ]
    best = max(curve, key=lambda ts: (round(ts[1].f1, 4), -abs(ts[0] - 0.8)))
    png = out_dir / "synthetic-threshold.png"
    plotted = plot_threshold_curve(curve, rf_curve, png)
    lines_total = sum(len(d.lines) for d in doc_set)
    copies = sum(d.is_noise(k) for d in doc_set for k in range(len(d.lines)))
    intro = (
        f"{len(doc_set)} documents ({n} per kind of noise, seed {seed}), "
        f"{lines_total:,} lines, {copies:,} labelled copies"
    )
    md = [
        "## Synthetic labelled set",
        "",
        intro,
        "",
        markdown(header, rows),
        "",
        "Hard negatives removed (should be 0):",
        "",
        markdown(hard_header, hard_rows),
        "",
        "clean() and sequential rapidfuzz over the threshold:",
        "",
        markdown(curve_header, curve_rows),
        "",
        f"Best clean() F1 {best[1].f1:.3f} at threshold {best[0]}.",
    ]
    (out_dir / "synthetic.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    term = [
        intro,
        plain(header, rows),
        "",
        plain(hard_header, hard_rows),
        "",
        plain(curve_header, curve_rows),
        f"best clean() F1 {best[1].f1:.3f} at threshold {best[0]}",
        f"plot: {png}" if plotted else "plot skipped (matplotlib not installed)",
        f"tables: {out_dir / 'synthetic.md'}",
    ]
    return "\n".join(term)
