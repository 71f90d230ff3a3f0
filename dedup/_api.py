"""The pipeline: segment -> normalize -> candidates -> verify -> decide -> render."""

from __future__ import annotations

from typing import Any

from ._candidates import candidates
from ._config import CleanConfig, resolve_config
from ._decide import decide
from ._errors import InputTooLargeError
from ._normalize import normalize
from ._render import render
from ._segment import segment
from ._types import Report
from ._verify import verify

__all__ = ["clean", "explain"]


def clean(text: str, config: CleanConfig | None = None, /, **overrides: Any) -> str:
    """Remove repeated captions and near-duplicate paragraph variants from ``text``.

    The output is the input with duplicate units (lines, bullets or blank-line blocks)
    removed; every character that is kept is byte-identical to the input.

    Args:
        text: the article text, as a ``str`` (decode ``bytes`` first).
        config: options; ``None`` for the defaults (see :class:`CleanConfig`).
        **overrides: options that replace those of ``config``, e.g. ``threshold=0.9``.

    Returns:
        The cleaned text.

    Raises:
        TypeError: ``text`` is not a ``str``.
        ConfigError: an option is unknown or out of range.
        InputTooLargeError: ``text`` is longer than ``max_chars``.

    >>> clean("Crowds gather in the square\\nCrowds gather in the square\\nThe end.")
    'Crowds gather in the square\\nThe end.'
    """
    return explain(text, config, **overrides).text


def explain(text: str, config: CleanConfig | None = None, /, **overrides: Any) -> Report:
    """Like :func:`clean`, and say what was removed, which copy it matched and why.

    >>> report = explain(
    ...     "Crowds wave flags at a rally in the city centre of Minsk\\n"
    ...     "Crowds waving flags at a rally in the city center of Minsk\\n"
    ... )
    >>> report.text
    'Crowds wave flags at a rally in the city centre of Minsk\\n'
    >>> r = report.removals[0]
    >>> r.text
    'Crowds waving flags at a rally in the city center of Minsk'
    >>> r.similarity, str(r.rule), r.position
    (0.9474, 'near-duplicate', 'adjacent')
    """
    _check_text(text)
    cfg = resolve_config(config, overrides)
    if cfg.max_chars is not None and len(text) > cfg.max_chars:
        raise InputTooLargeError(
            f"input has {len(text):,} characters, more than max_chars={cfg.max_chars:,}; "
            "split it into documents or raise max_chars"
        )
    seg = segment(text, cfg.segment)
    keys = normalize(seg)
    cands = candidates(keys, cfg)
    verified = verify(keys, cands, cfg)
    decisions = decide(keys, cands, verified, cfg)
    return render(seg, decisions)


def _check_text(text: object) -> None:
    if isinstance(text, str):
        return
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError("text must be str, not bytes; decode it first, e.g. data.decode('utf-8')")
    raise TypeError(f"text must be str, not {type(text).__name__}")
