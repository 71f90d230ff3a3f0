"""Data-driven regression cases from tests/cases/*.json (fields described in its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import dedup

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}:{case['id']}"))
    return params


@pytest.mark.parametrize("case", _load())
def test_case(case: dict[str, Any]) -> None:
    newline = case.get("newline", "\n")
    text = newline.join(case["text"])
    expected = text if case["expected"] is None else newline.join(case["expected"])
    report = dedup.explain(text, **case.get("options", {}))
    assert report.text == expected, [r.to_dict() for r in report.removals]
    assert dedup.clean(text, **case.get("options", {})) == expected
    if "rules" in case:
        assert [r.rule.value for r in report.removals] == case["rules"]
    if "positions" in case:
        assert [r.position for r in report.removals] == case["positions"]
    assert dedup.apply_removals(text, report.removals) == report.text


def test_case_ids_are_unique() -> None:
    ids = [p.id for p in _load()]
    assert len(ids) == len(set(ids))
