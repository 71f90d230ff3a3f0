"""The pipeline: segment -> normalize -> candidates -> verify -> decide -> render."""

from __future__ import annotations

from typing import Any

from .._errors import InputTooLargeError
from .candidates import candidates
from .config import CleanConfig, resolve_config
from .decide import decide
from .normalize import normalize
from .render import render, render_text
from .segment import segment
from .types import Decision, Report, Segmentation
from .verify import verify

__all__ = ["check_text", "clean", "explain", "find_copies", "segment_checked"]


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
    check_text(text)
    cfg = resolve_config(config, overrides)
    seg = segment_checked(text, cfg)
    return render_text(seg, find_copies(seg, cfg))


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
    check_text(text)
    cfg = resolve_config(config, overrides)
    seg = segment_checked(text, cfg)
    report, _ = render(seg, find_copies(seg, cfg))
    return report


def segment_checked(text: str, cfg: CleanConfig) -> Segmentation:
    """The segment stage, after refusing text longer than ``cfg.max_chars``."""
    if cfg.max_chars is not None and len(text) > cfg.max_chars:
        raise InputTooLargeError(
            f"input has {len(text):,} characters, more than max_chars={cfg.max_chars:,}; "
            "split it into documents or raise max_chars"
        )
    return segment(text, cfg.segment)


def find_copies(seg: Segmentation, cfg: CleanConfig) -> tuple[Decision, ...]:
    """The middle stages, normalize -> candidates -> verify -> decide: which units of
    ``seg`` are copies, and of what."""
    keys = normalize(seg)
    cands = candidates(keys, cfg)
    verified = verify(keys, cands, cfg)
    return decide(keys, cands, verified, cfg)


def check_text(text: object) -> None:
    """Raise ``TypeError`` unless ``text`` is a ``str``, with a hint for ``bytes``."""
    if isinstance(text, str):
        return
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError("text must be str, not bytes; decode it first, e.g. data.decode('utf-8')")
    raise TypeError(f"text must be str, not {type(text).__name__}")
