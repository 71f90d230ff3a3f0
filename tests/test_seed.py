"""The seed article from ../shared/seed (not part of the repository): its eight caption pairs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dedup

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article.txt"
PAIRS = [(8, 9), (10, 11), (20, 21), (22, 23), (24, 25), (26, 27), (32, 33), (34, 35)]


def _blocks(text: str) -> list[str]:
    return [b for b in re.split(r"\n[ \t]*\n", text.strip("\n")) if b.strip()]


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_one_copy_of_each_caption_pair_remains(seed: str) -> None:
    before = _blocks(seed)
    after = _blocks(dedup.clean(seed))
    for a, b in PAIRS:
        kept = [block for block in after if block in (before[a], before[b])]
        assert len(kept) == 1, (a, b, kept)


def test_every_other_block_survives_unchanged_and_in_order(seed: str) -> None:
    before = _blocks(seed)
    after = _blocks(dedup.clean(seed))
    copies = {b for _, b in PAIRS}
    expected = [block for i, block in enumerate(before) if i not in copies]
    assert after == expected


def test_seed_removals_are_explained(seed: str) -> None:
    report = dedup.explain(seed)
    assert len(report.removals) == len(PAIRS)
    for removal in report.removals:
        assert seed[removal.span[0] : removal.span[1]] == removal.text
        assert seed[removal.kept_span[0] : removal.kept_span[1]] == removal.kept_text
        assert removal.kept_span[0] < removal.span[0]
        assert 0.8 <= removal.similarity <= 1.0
    assert dedup.apply_removals(seed, report.removals) == report.text
