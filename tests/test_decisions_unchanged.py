"""Every decision of ``dedup.explain`` on a fixed corpus is the one recorded in
``tests/cases/decisions.sha256``: a guard for work that must not change what is removed
(speed-ups, refactors).

The corpus, in groups of at most ``_CHUNK`` inputs:

* ``articles``: the benchmark articles (``benchmarks.speed.articles(200)``), default options;
* ``cleaned``: the same articles once cleaned (nothing left to remove), default options;
* ``synthetic``: the labelled synthetic documents that ``python -m benchmarks synthetic``
  scores (``benchmarks.synthetic.generate(7, 80)``);
* ``document``: the benchmark articles, the synthetic documents and two long
  template-heavy texts (``benchmarks.speed.scaling_text``, past ``all_pairs_limit``, so
  both ways of proposing pairs are covered), with ``scope="document"``;
* ``cases``: every case of ``tests/cases/*.json``, with its options;
* ``reliability``: the generated texts of ``tests/test_reliability.py``'s ``_corpus()``,
  with their configurations, and again with the default options;
* ``real``: the labelled real pages (``benchmarks/labels``), when the shared data folder
  (``DEDUP_DATA``, default ``../shared/data``) is there; skipped otherwise.

The golden file holds one SHA-256 per group of the JSON of every ``explain(...).to_dict()``
in it, no text; the test also checks that ``clean`` returns the report's text. When
decisions change on purpose, regenerate it and say why in the commit::

    DEDUP_REGEN_DECISIONS=1 python -m pytest tests/test_decisions_unchanged.py
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dedup
from dedup import CleanConfig

HERE = Path(__file__).parent
GOLDEN = HERE / "cases" / "decisions.sha256"
ROOT = HERE.parent
_CHUNK = 20

_Input = tuple[str, CleanConfig | None, dict[str, Any]]


def _reliability() -> Any:
    spec = importlib.util.spec_from_file_location("_reliability", HERE / "test_reliability.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _articles() -> list[_Input]:
    from benchmarks.speed import articles

    return [(t, None, {}) for t in articles(200)]


def _cleaned() -> list[_Input]:
    return [(dedup.clean(t), None, {}) for t, _, _ in _articles()]


def _synthetic() -> list[_Input]:
    from benchmarks.synthetic import generate

    # the whole set that `python -m benchmarks synthetic` scores (seed 7, 80 per kind)
    return [("\n".join(d.lines) + "\n", None, {}) for d in generate(7, 80)]


def _document() -> list[_Input]:
    from benchmarks.speed import scaling_text

    texts = [t for t, _, _ in _articles()] + [t for t, _, _ in _synthetic()]
    texts += [scaling_text(600, seed=3), scaling_text(3000, seed=5)]
    return [(t, None, {"scope": "document"}) for t in texts]


def _cases() -> list[_Input]:
    out: list[_Input] = []
    for path in sorted((HERE / "cases").glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            text = case.get("newline", "\n").join(case["text"])
            out.append((text, None, case.get("options", {})))
    return out


def _reliability_inputs() -> list[_Input]:
    cases = _reliability()._corpus()
    return [(t, c, {}) for t, c in cases] + [(t, None, {}) for t, _ in cases]


def _data() -> Path:
    return Path(os.environ.get("DEDUP_DATA", ROOT.parent / "shared" / "data"))


def _real() -> list[_Input]:
    from benchmarks.corpora import extracted_lines, load_pages

    rows = (ROOT / "benchmarks" / "labels" / "captions.jsonl").read_text(encoding="utf-8")
    wanted = {json.loads(row)["page_id"] for row in rows.splitlines() if row.strip()}
    pages = [p for p in load_pages(_data()) if p.page_id in wanted]
    return [("\n".join(extracted_lines(p, "captions")) + "\n", None, {}) for p in pages]


GROUPS: dict[str, Callable[[], list[_Input]]] = {
    "articles": _articles,
    "cleaned": _cleaned,
    "synthetic": _synthetic,
    "document": _document,
    "cases": _cases,
    "reliability": _reliability_inputs,
    "real": _real,
}


def _available(name: str) -> bool:
    return name != "real" or (_data() / "aeb").is_dir()


def _digests(name: str) -> Iterator[tuple[str, str]]:
    inputs = GROUPS[name]()
    for start in range(0, len(inputs), _CHUNK):
        payload = []
        for text, config, options in inputs[start : start + _CHUNK]:
            report = dedup.explain(text, config, **options)
            assert dedup.clean(text, config, **options) == report.text
            payload.append(report.to_dict())
        data = json.dumps(payload, sort_keys=True, ensure_ascii=True).encode("ascii")
        yield f"{name}:{start}", hashlib.sha256(data).hexdigest()


def _golden() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in GOLDEN.read_text(encoding="ascii").splitlines():
        if line.strip() and not line.startswith("#"):
            key, digest = line.split()
            found[key] = digest
    return found


def _regenerate() -> None:
    lines = ["# tests/test_decisions_unchanged.py: one sha256 per group of inputs"]
    old = _golden() if GOLDEN.is_file() else {}
    for name in GROUPS:
        if _available(name):
            lines += [f"{key} {digest}" for key, digest in _digests(name)]
        else:
            lines += [f"{k} {d}" for k, d in old.items() if k.startswith(f"{name}:")]
    GOLDEN.write_text("\n".join(lines) + "\n", encoding="ascii")


@pytest.mark.parametrize("name", list(GROUPS))
def test_decisions_unchanged(name: str) -> None:
    if os.environ.get("DEDUP_REGEN_DECISIONS") and name == next(iter(GROUPS)):
        _regenerate()
    if not _available(name):
        pytest.skip(f"no shared data folder at {_data()}")
    golden = {k: d for k, d in _golden().items() if k.startswith(f"{name}:")}
    assert golden, f"no digests for {name!r} in {GOLDEN.name}"
    now = dict(_digests(name))
    changed = sorted(k for k in golden.keys() | now.keys() if golden.get(k) != now.get(k))
    assert not changed, f"decisions changed in {changed} (see the module docstring)"
