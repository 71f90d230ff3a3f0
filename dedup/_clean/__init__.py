"""Cleaning one text: segment -> normalize -> candidates -> verify -> decide -> render.

One module per stage, each with one entry function taking the previous stage's output
(see ``pipeline.py`` for the whole flow in a few lines). What other parts of dedup may use
is re-exported here; everything else is private to this package.
"""

from __future__ import annotations

from .config import CleanConfig, KeepPolicy, Scope, SegmentMode, resolve_config
from .normalize import normalize_text
from .pipeline import check_text, clean, explain, find_copies, segment_checked
from .render import apply_removals, render
from .types import Decision, Removal, Report, Rule, Segmentation, Span
from .verify import similarity

__all__ = [
    "CleanConfig",
    "Decision",
    "KeepPolicy",
    "Removal",
    "Report",
    "Rule",
    "Scope",
    "SegmentMode",
    "Segmentation",
    "Span",
    "apply_removals",
    "check_text",
    "clean",
    "explain",
    "find_copies",
    "normalize_text",
    "render",
    "resolve_config",
    "segment_checked",
    "similarity",
]
