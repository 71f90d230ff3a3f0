"""Coverage-guided fuzzing of dedup.explain with atheris (libFuzzer). Not run by CI.

Every input is turned into a ``str`` (lone surrogates included), shaped into a document
with copies, and cleaned under a configuration chosen from the input's bytes. Any exception
other than the documented ones, and any output that fails the soundness check of
``tests/test_reliability.py`` (whole duplicate lines deleted, kept text byte-identical),
is a crash that libFuzzer saves as ``crash-*`` for replay.

Run (from the repository root, one core, 30 minutes)::

    pip install -e '.[fuzz]'
    mkdir -p fuzz/corpus
    python fuzz/fuzz_clean.py fuzz/corpus -max_total_time=1800 -timeout=30 -rss_limit_mb=4096

libFuzzer prints ``Done N runs in T second(s)`` at the end: N inputs ran clean.
Replay a crash with ``python fuzz/fuzz_clean.py crash-<hash>``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import dedup
    from dedup import CleanConfig

_TESTS = Path(__file__).resolve().parents[1] / "tests" / "test_reliability.py"
_spec = importlib.util.spec_from_file_location("reliability_checks", _TESTS)
assert _spec is not None
assert _spec.loader is not None
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)

_SEPARATORS = ("\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n", "\x0c\n")


def _config(fdp: atheris.FuzzedDataProvider) -> CleanConfig:
    return CleanConfig(
        threshold=0.5 + fdp.ConsumeIntInRange(0, 50) / 100,
        keep=fdp.PickValueInList(["first", "longest"]),
        scope=fdp.PickValueInList(["adjacent", "runs", "document"]),
        min_run=fdp.ConsumeIntInRange(2, 5),
        min_chars=fdp.ConsumeIntInRange(0, 60),
        min_words=fdp.ConsumeIntInRange(1, 12),
        min_exact_chars=fdp.ConsumeIntInRange(1, 20),
        segment=fdp.PickValueInList(["auto", "line", "block"]),
        protect_structure=fdp.ConsumeBool(),
        all_pairs_limit=fdp.PickValueInList([2, 3, 5, 400]),
    )


def _document(fdp: atheris.FuzzedDataProvider) -> str:
    shape = fdp.ConsumeIntInRange(0, 3)
    sep = fdp.PickValueInList(list(_SEPARATORS))
    nasty = fdp.PickValueInList(list(checks.NASTY_PIECES))
    text = fdp.ConsumeUnicode(fdp.remaining_bytes())
    if shape == 0:
        return str(text)
    lines = text.splitlines() or [text]
    if shape == 1:  # every line twice: adjacent copies
        return sep.join(part for line in lines for part in (line, line))
    if shape == 2:  # the whole text twice, a nasty piece between: a repeated run
        return text + sep + nasty + sep + text
    # lines with variants: recased, credited, padded
    out: list[str] = []
    for k, line in enumerate(lines):
        out.append(line)
        out.append(checks._mutate(line, k % 6))
    return sep.join(out)


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    config = _config(fdp)
    text = checks.fit_known_bugs(_document(fdp), config)
    report = dedup.explain(text, config)
    checks.assert_sound(text, report, config)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
