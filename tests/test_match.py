"""Stages 3-5: candidates, verify (guards) and decide (against the kept copy)."""

from __future__ import annotations

import random

import pytest

import dedup
from dedup import CleanConfig
from dedup._clean import candidates as candidates_module
from dedup._clean.candidates import _spread, _spread_bulk, candidates
from dedup._clean.normalize import normalize
from dedup._clean.segment import segment
from dedup._clean.verify import guard, similarity, verify

BASE = "Fishermen repair their boats in the old harbour after the storm passed on Sunday"


def _stages(text: str, **options: object) -> tuple[object, ...]:
    config = CleanConfig().replace(**options)
    keys = normalize(segment(text))
    cands = candidates(keys, config)
    return keys, cands, verify(keys, cands, config)


def test_exact_groups_point_at_the_first_member() -> None:
    _, cands, _ = _stages(f"{BASE}\nSomething else entirely, said the mayor.\n{BASE.upper()}")
    assert cands.group == (0, 1, 0)  # type: ignore[attr-defined]


def test_only_document_scope_proposes_pairs() -> None:
    text = "\n".join([BASE, "Short line.", BASE.replace("boats", "ships"), "x " * 60])
    _, cands, verified = _stages(text)
    assert cands.pairs == ()  # type: ignore[attr-defined]
    assert verified.check(0, 2) is not None  # type: ignore[attr-defined]
    assert verified.check(0, 3) is None  # type: ignore[attr-defined]  # lengths differ
    assert verified.check(0, 1) is None  # type: ignore[attr-defined]  # too short


def test_document_scope_pairs_all_units() -> None:
    lines = [BASE] + [f"Unrelated sentence number {w} about other things" for w in "abcdefgh"]
    lines.append(BASE.replace("boats", "ships"))
    _, cands, verified = _stages("\n".join(lines), scope="document")
    assert (0, 9) in cands.pairs  # type: ignore[attr-defined]
    best = verified.best(9, lambda i: True)  # type: ignore[attr-defined]
    assert (best.i, best.j) == (0, 9)
    assert verified.best(9, lambda i: i != 0) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("few", [0, 10**6])
@pytest.mark.parametrize("all_pairs_limit", [400, 2])
def test_candidate_scores_are_those_of_verify(
    all_pairs_limit: int, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # both ways of proposing pairs (all pairs, LSH) and of spreading them to the copies
    # of both members of a pair (Python, numpy)
    from benchmarks.speed import scaling_text

    monkeypatch.setattr(candidates_module, "_FEW", few)
    config = CleanConfig(scope="document", all_pairs_limit=all_pairs_limit)
    keys = normalize(segment(scaling_text(300, seed=5)))
    cands = candidates(keys, config)
    assert len(cands.scores) > 100
    texts = keys.texts
    for (i, j), score in zip(cands.pairs, cands.scores, strict=True):
        expected = similarity(texts[i], texts[j], config.threshold)
        assert score.hex() == expected.hex(), (i, j)
    order = [(j, -score, i) for (i, j), score in zip(cands.pairs, cands.scores, strict=True)]
    assert order == sorted(set(order))  # by later unit, best first, then earlier unit


def test_spreading_pairs_to_copies_the_same_both_ways() -> None:
    rng = random.Random(3)
    for _ in range(200):
        n = rng.randrange(2, 40)
        group: list[int] = []  # the first unit of each group, as Candidates.group
        for j in range(n):
            group.append(j if j == 0 or rng.random() < 0.6 else group[rng.randrange(j)])
        reps = [j for j in range(n) if group[j] == j]
        copies: dict[int, list[int]] = {}
        for j in range(n):
            if group[j] != j and rng.random() < 0.9:  # some copies not eligible
                copies.setdefault(group[j], []).append(j)
        found = [(a, b) for a in range(len(reps)) for b in range(a + 1, len(reps))]
        found = sorted(rng.sample(found, min(len(found), rng.randrange(1, 12))))
        firsts, seconds = [a for a, _ in found], [b for _, b in found]
        similar = [rng.choice([0.8, 0.85, 0.9125, 1.0]) for _ in found]
        few = _spread(reps, copies, firsts, seconds, similar)
        assert few == _spread_bulk(reps, copies, firsts, seconds, similar)
        assert len(set(zip(few[0], few[1], strict=True))) == len(few[0])  # each pair once


def test_document_scope_uses_lsh_above_the_all_pairs_limit() -> None:
    filler = [f"Filler line {i:03d} talks about topic {i * 7 % 13} and more" for i in range(30)]
    text = "\n".join([BASE, *filler, BASE.replace("boats", "ships")])
    small = dedup.explain(text, scope="document", all_pairs_limit=2)
    large = dedup.explain(text, scope="document")
    assert [r.span for r in small.removals] == [r.span for r in large.removals]
    assert len(large.removals) == 1


def test_document_scope_lsh_with_no_shared_bucket() -> None:
    lines = [
        "Alpha bravo charlie delta echo foxtrot golf hotel india juliet",
        "Kilo lima mike november oscar papa quebec romeo sierra tango",
        "Uniform victor whiskey xray yankee zulu one two three four five",
    ]
    text = "\n".join(lines)
    assert dedup.clean(text, scope="document", all_pairs_limit=2) == text


GUARDED = [
    (
        "Match day: Rovers beat United 3-1 at home tonight",
        "Match day: Rovers beat United 2-1 at home tonight",
        "numbers differ",
    ),
    (
        "You can vote for Marta in the poll on the last page",
        "You can vote for Ingrid in the poll on the last page",
        "names differ",
    ),
    (
        "The minister says the bridge opens in spring",
        "The minister says the bridge opens in spring, but engineers doubt it will be ready",
        "lengths differ",
    ),
    (
        "Plus: Core plan features and lower fees on card transactions and sales",
        "Advanced: Plus plan features and the lowest fees on card transactions and sales",
        "labels differ",
    ),
    (
        "The northern route is closed until further notice because of snow",
        "The southern route is closed until further notice because of flood",
        "template slots differ",
    ),
    (
        "The first check finds out if the web server software is up to date",
        "The second check finds out if the database server software is up to date",
        "template slots differ",
    ),
    (
        "Smoke rises over the harbour district after the depot fire",
        "Smoke rising over the harbour district after the depot fire",
        None,
    ),
]


@pytest.mark.parametrize(("a", "b", "reason"), GUARDED)
def test_guards(a: str, b: str, reason: str | None) -> None:
    keys = normalize(segment(f"{a}\n{b}"))
    assert guard(keys.info(0), keys.info(1)) == reason


def test_decisions_are_made_against_the_kept_copy_not_through_chains() -> None:
    a = "Crowds wave flags at a rally in the old city centre of the capital"
    b = "Crowds waving their flags at a rally in the old city centre of the capital"
    c = "Crowds waving their flags at a big rally in the old centre of the capital"
    key = dedup.normalize_text
    assert dedup.similarity(key(a), key(b)) >= 0.9
    assert dedup.similarity(key(b), key(c)) >= 0.9
    assert dedup.similarity(key(a), key(c)) < 0.9
    report = dedup.explain("\n".join([a, b, c]), threshold=0.9)
    assert [r.text for r in report.removals] == [b]
    assert report.text == f"{a}\n{c}"


def test_keep_longest_points_every_removal_at_the_survivor() -> None:
    short = "Rescue boats ferry the residents across the flooded square in the old town"
    longer = "Rescue boats ferry the residents across the flooded market square in the old town"
    report = dedup.explain(f"{short}\n{short}\n{longer}", keep="longest")
    assert report.text == longer
    assert {r.kept_text for r in report.removals} == {longer}


def test_similarity_scale() -> None:
    assert dedup.similarity("same words here", "same words here") == 1.0
    assert dedup.similarity("abc", "xyz") == 0.0
    assert 0.0 < dedup.similarity("harbour storm", "harbour storms") < 1.0
