"""The ``dedup`` command (also ``python -m dedup``): ``dedup clean``, ``dedup explain``
and ``dedup corpus``. See ``docs/cli.md``.

``app.py`` builds the parser and runs the text commands, ``corpus.py`` the corpus
command, ``views.py`` renders reports as text, JSON and HTML. ``flags.py`` makes the
flags of an options dataclass, ``io.py`` reads JSON lines and Parquet, ``progress.py``
draws progress bars on standard error.
"""

from __future__ import annotations

from .app import main

__all__ = ["main"]
