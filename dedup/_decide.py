"""Stage 5, decide: exact groups and verified matches -> which units go.

Units are decided in order, each against the copies that are *kept* at that point, never
through chains of pairwise similarity (A~B and B~C does not make C a copy of A unless C
matches the kept copy itself). A unit is removed when it copies a kept unit:

* ``adjacent``: the kept unit is the nearest substantial unit before it (units too short
  to matter, and units already removed, do not count as being in between). Exact and
  near-duplicate copies qualify; structure (list items, questions, labels, headings) only
  as exact copies, tables and code never.
* ``run`` (``scope="runs"`` or ``"document"``): the unit stands in a run of at least
  ``min_run`` consecutive text units that each repeat, exactly, a unit earlier in the
  text: a block of paragraphs printed twice, or a gallery that repeats the captions
  scattered through the article. Isolated distant repeats are left alone (pull quotes, a
  point restated in a summary, a table of contents and its headings).
* ``distant`` (``scope="document"`` only): an exact or near copy anywhere before.
"""

from __future__ import annotations

from ._candidates import is_transparent
from ._config import CleanConfig
from ._normalize import Keys
from ._types import Candidates, Decision, Kind, Match, Position, Rule

__all__ = ["decide"]

_NEVER_REMOVED = frozenset({Kind.CODE, Kind.TABLE, Kind.FIELD, Kind.DATA})

_Found = tuple[int, float, Rule, Position]


def decide(
    keys: Keys, cands: Candidates, matches: tuple[Match, ...], config: CleanConfig
) -> tuple[Decision, ...]:
    """Decide which units are copies; returns one :class:`Decision` per removed unit."""
    group = cands.group
    texts = keys.texts
    near: dict[int, list[Match]] = {}
    for m in matches:
        near.setdefault(m.j, []).append(m)
    longest = config.keep == "longest"
    removed: dict[int, Decision] = {}
    group_rep: dict[int, int] = {}  # exact group -> the kept member
    prev = -1  # the nearest kept, substantial unit so far
    in_run = _copy_runs(keys, group, config) if config.scope != "adjacent" else frozenset()

    for j, text in enumerate(texts):
        if is_transparent(text, config):
            continue
        found: _Found | None = None
        # Only units with a twin need a closer look.
        if (group[j] != j or j in near) and not (
            config.protect_structure and keys.info(j).kind in _NEVER_REMOVED
        ):
            found = _in_run(keys, group, group_rep, j, in_run)
            if found is None:
                found = _adjacent(keys, group, near, removed, prev, j, config)
            if found is None and config.scope == "document":
                found = _distant(keys, group, group_rep, near, removed, j, config)
        if found is None:
            prev = j
            group_rep.setdefault(group[j], j)
            continue
        kept, similarity, rule, position = found
        if longest and len(keys.info(j).stripped) > len(keys.info(kept).stripped):
            # The new copy is longer: it is kept and the old one goes instead.
            removed[kept] = Decision(kept, j, similarity, rule, position)
            group_rep[group[kept]] = j
            group_rep[group[j]] = j
            if prev == kept:
                prev = j
        else:
            removed[j] = Decision(j, kept, similarity, rule, position)
    return tuple(_resolve(removed[j], removed) for j in sorted(removed))


def _adjacent(
    keys: Keys,
    group: tuple[int, ...],
    near: dict[int, list[Match]],
    removed: dict[int, Decision],
    prev: int,
    j: int,
    config: CleanConfig,
) -> _Found | None:
    if prev < 0:
        return None
    if group[prev] == group[j]:
        if config.protect_structure and keys.info(j).kind is not Kind.TEXT:
            # Structure repeats on purpose ("- cotton" under every product): only a copy
            # with nothing at all between it and its twin is taken for a scraping artefact.
            if keys.info(prev).kind in _NEVER_REMOVED:
                return None
            if any(k not in removed for k in range(prev + 1, j)):
                return None
        return prev, 1.0, _exact_rule(keys, prev, j), "adjacent"
    for m in near.get(j, ()):
        if m.i == prev:
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
        if is_transparent(text, config):
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
    return Rule.EXACT if keys.raws[i].strip() == keys.raws[j].strip() else Rule.NORMALIZED


def _resolve(d: Decision, removed: dict[int, Decision]) -> Decision:
    """Point a decision at the surviving copy when its twin was replaced (keep="longest")."""
    kept = d.kept
    seen = 0
    while kept in removed and seen <= len(removed):
        kept = removed[kept].kept
        seen += 1
    if kept == d.kept:
        return d
    return Decision(d.index, kept, d.similarity, d.rule, d.position)
