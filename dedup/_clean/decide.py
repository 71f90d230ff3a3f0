"""Stage 5, decide: exact groups and verified matches -> which units go.

Units are decided in order, each against the copies that are *kept* at that point, never
through chains of pairwise similarity (A~B and B~C does not make C a copy of A unless C
matches the kept copy itself). A unit is removed when it copies a kept unit:

* ``adjacent``: the kept unit is the nearest unit before it. Units already removed do not
  count as being in between, and for text up to two short units may stand between ("1 of
  9", "Photo: Jane Roe"). Exact and near-duplicate copies qualify;
  structure (list items, questions, labels, fields, headings, data) only as exact copies with
  nothing at all in between; tables and code never.
* ``run`` (``scope="runs"`` or ``"document"``): the unit stands in a run of at least
  ``min_run`` consecutive text units that each repeat, exactly, a unit earlier in the
  text: a block of paragraphs printed twice, or a gallery that repeats the captions
  scattered through the article. Isolated distant repeats are left alone (pull quotes, a
  point restated in a summary, a table of contents and its headings).
* ``distant`` (``scope="document"`` only): an exact or near copy anywhere before.
"""

from __future__ import annotations

from .candidates import is_minor, is_transparent
from .config import CleanConfig
from .normalize import Keys
from .types import Candidates, Decision, Kind, Match, Position, Rule
from .verify import Verification

__all__ = ["decide"]

_NEVER_REMOVED = frozenset({Kind.CODE, Kind.TABLE})

_Found = tuple[int, float, Rule, Position]

_MAX_BETWEEN = 2
"""At most this many short units may stand between a text unit and its adjacent copy."""


def decide(
    keys: Keys, cands: Candidates, verified: Verification, config: CleanConfig
) -> tuple[Decision, ...]:
    """Decide which units are copies; returns one :class:`Decision` per removed unit."""
    group = cands.group
    texts = keys.texts
    near = verified.matches
    removed: dict[int, Decision] = {}
    group_rep: dict[int, int] = {}  # exact group -> the kept member
    prev = -1  # the nearest kept unit so far
    prev_major = -1  # the nearest kept unit that is not minor
    # Units not removed since prev / prev_major (kept running, so each step is O(1)).
    between, between_major = 0, 0
    in_run = _copy_runs(keys, group, config) if config.scope != "adjacent" else frozenset()

    for j, text in enumerate(texts):
        if is_transparent(text, config):
            between += 1
            between_major += 1
            continue
        minor = is_minor(text, config)
        found = _in_run(keys, group, group_rep, j, in_run)
        if found is None:
            found = _adjacent(keys, group, verified, between, prev, j, config)
        if found is None and not minor and prev_major != prev:
            found = _adjacent(keys, group, verified, between_major, prev_major, j, config)
        if found is None and config.scope == "document":
            found = _distant(keys, group, group_rep, near, removed, j, config)
        never = config.protect_structure and found is not None
        if never and keys.info(j).kind in _NEVER_REMOVED:
            found = None
        if found is None:
            prev, between = j, 0
            if minor:
                between_major += 1
            else:
                prev_major, between_major = j, 0
            group_rep.setdefault(group[j], j)
            continue
        kept, similarity, rule, position = found
        removed[j] = Decision(j, kept, similarity, rule, position)
    if config.keep == "longest":
        _keep_longest(keys, group, verified, removed)
    return tuple(removed[j] for j in sorted(removed))


def _keep_longest(
    keys: Keys, group: tuple[int, ...], verified: Verification, removed: dict[int, Decision]
) -> None:
    """Let the longest copy of each group survive instead of the first.

    Copies are decided against the first copy; afterwards the longest member of the group
    becomes the survivor, provided every other member is itself a copy of it (exact, or
    verified near-duplicate). Otherwise the first copy stays: nothing is removed on the
    strength of a chain. Evidence is recomputed against the survivor.
    """
    members: dict[int, list[int]] = {}
    for d in removed.values():
        members.setdefault(d.kept, []).append(d.index)
    for first, copies in members.items():
        everyone = [first, *sorted(copies)]
        best = max(everyone, key=lambda u: (_length(keys, u), -u))
        if best == first:
            continue
        evidence = [(u, _evidence(keys, group, verified, best, u)) for u in everyone if u != best]
        checked = [(u, found) for u, found in evidence if found is not None]
        if len(checked) < len(evidence):
            continue
        position = removed.pop(best).position
        for u, (similarity, rule) in checked:
            where = position if u == first else removed[u].position
            removed[u] = Decision(u, best, similarity, rule, where)


def _evidence(
    keys: Keys, group: tuple[int, ...], verified: Verification, a: int, b: int
) -> tuple[float, Rule] | None:
    """Similarity and rule of units ``a`` and ``b`` as copies, or ``None``."""
    if group[a] == group[b]:
        return 1.0, _exact_rule(keys, a, b)
    m = verified.check(min(a, b), max(a, b))
    return None if m is None else (m.similarity, m.rule)


def _adjacent(
    keys: Keys,
    group: tuple[int, ...],
    verified: Verification,
    between: int,
    prev: int,
    j: int,
    config: CleanConfig,
) -> _Found | None:
    """``between``: how many units between ``prev`` and ``j`` are not removed."""
    if prev < 0:
        return None
    if between > _MAX_BETWEEN:
        return None  # a flattened table or list, not a caption and its copy
    if group[prev] == group[j]:
        # Structure repeats on purpose ("- cotton" under every product): only a copy with
        # nothing at all between it and its twin is taken for a scraping artefact.
        structure = config.protect_structure and keys.info(j).kind is not Kind.TEXT
        if structure and (between or keys.info(prev).kind in _NEVER_REMOVED):
            return None
        return prev, 1.0, _exact_rule(keys, prev, j), "adjacent"
    m = verified.check(prev, j)
    if m is not None:
        return prev, m.similarity, m.rule, "adjacent"
    return None


def _in_run(
    keys: Keys, group: tuple[int, ...], group_rep: dict[int, int], j: int, in_run: frozenset[int]
) -> _Found | None:
    rep = group_rep.get(group[j])
    if j in in_run and rep is not None and rep != j:
        return rep, 1.0, _exact_rule(keys, rep, j), "run"
    return None


def _distant(
    keys: Keys,
    group: tuple[int, ...],
    group_rep: dict[int, int],
    near: dict[int, list[Match]],
    removed: dict[int, Decision],
    j: int,
    config: CleanConfig,
) -> _Found | None:
    if config.protect_structure and keys.info(j).kind is not Kind.TEXT:
        return None
    rep = group_rep.get(group[j])
    if rep is not None and rep != j:
        return rep, 1.0, _exact_rule(keys, rep, j), "distant"
    best: Match | None = None
    for m in near.get(j, ()):
        if m.i not in removed and (best is None or m.similarity > best.similarity):
            best = m
    if best is not None:
        return best.i, best.similarity, best.rule, "distant"
    return None


def _copy_runs(keys: Keys, group: tuple[int, ...], config: CleanConfig) -> frozenset[int]:
    """Units in runs of at least ``min_run`` consecutive text units that each repeat an
    earlier unit exactly (transparent units in between neither count nor break a run)."""
    protect = config.protect_structure
    members: set[int] = set()
    run: list[int] = []
    for j, text in enumerate(keys.texts):
        if is_minor(text, config):
            continue
        if group[j] != j and (not protect or keys.info(j).kind is Kind.TEXT):
            run.append(j)
            continue
        if len(run) >= config.min_run:
            members.update(run)
        run = []
    if len(run) >= config.min_run:
        members.update(run)
    return frozenset(members)


def _exact_rule(keys: Keys, i: int, j: int) -> Rule:
    a, b = keys.raws[i], keys.raws[j]
    return Rule.EXACT if a == b or a.strip() == b.strip() else Rule.NORMALIZED


def _length(keys: Keys, u: int) -> int:
    """A unit's length, the same whatever its line-ending style."""
    stripped = keys.info(u).stripped
    return len(stripped) - stripped.count("\r\n")
