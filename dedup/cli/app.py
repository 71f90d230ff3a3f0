"""The ``dedup`` command (also ``python -m dedup``).

Subcommands: ``dedup clean`` writes cleaned text, ``dedup explain`` shows why each unit
went, and ``dedup corpus`` (when installed) works on whole collections.

Exit status: 0 on success; 1 when an input cannot be read or decoded, an option value is
out of range, or the output cannot be written (one line on standard error names the file
and the problem); 2 when the command line itself is wrong (unknown option, missing
argument, a value of the wrong type or not among the choices).

The ``clean`` and ``explain`` options are generated from :class:`dedup.CleanConfig`, so
every field is a flag of the same name (``min_chars`` -> ``--min-chars``) and default.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable, Sequence
from typing import IO, Any, Final, Literal

import regex

from .. import CleanConfig, DedupError, explain
from .._clean import config as _config_module
from .views import report_html, report_json, report_text

__all__ = [
    "CommandError",
    "add_config_arguments",
    "atomic_write",
    "build_parser",
    "config_from_args",
    "main",
]

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_USAGE: Final = 2

# CleanConfig.__module__ says "dedup" (for readers), so resolve its annotations where
# they were written.
_FIELD_TYPES: Final = typing.get_type_hints(CleanConfig, globalns=vars(_config_module))


class CommandError(Exception):
    """A problem with one input or output, reported as ``dedup: <message>`` (exit 1)."""


# ---------------------------------------------------------------- options from CleanConfig


def _field_docs() -> dict[str, str]:
    """The ``Attributes:`` section of ``CleanConfig``'s docstring, one entry per field."""
    doc = CleanConfig.__doc__ or ""
    result: dict[str, str] = {}
    inside = False
    name = ""
    indent = 0
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped == "Attributes:":
            inside, indent = True, -1
            continue
        if not inside:
            continue
        if not stripped:
            continue
        here = len(line) - len(line.lstrip())
        if indent < 0:
            indent = here
        if here < indent:
            break
        if here == indent and ":" in stripped:
            name, _, rest = stripped.partition(":")
            result[name] = rest.strip()
        elif name:
            result[name] += " " + stripped
    return {k: " ".join(_plain(v).split()) for k, v in result.items()}


def _plain(rst: str) -> str:
    """Docstring markup made plain: ``:class:`~dedup.X``` -> ``X``, no double backquotes."""
    rst = regex.sub(r":\w+:`~?(?:[\w.]*\.)?([^`]+)`", r"\1", rst)
    return rst.replace("``", "")


def _optional_int(value: str) -> int | None:
    if value.strip().lower() in ("none", ""):
        return None
    return int(value)


_optional_int.__name__ = "integer or 'none'"  # argparse names the type in its error


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one ``--flag`` per :class:`~dedup.CleanConfig` field to ``parser``.

    Names take dashes for underscores, defaults are the field defaults, help comes from
    the ``CleanConfig`` docstring. Read the result back with :func:`config_from_args`.

    >>> p = argparse.ArgumentParser()
    >>> add_config_arguments(p)
    >>> config_from_args(p.parse_args(["--min-chars", "30", "--no-protect-structure"]))
    ... # doctest: +ELLIPSIS
    CleanConfig(threshold=0.8, ..., min_chars=30, ..., protect_structure=False, ...)
    """
    docs = _field_docs()
    group = parser.add_argument_group(
        "cleaning options", "The fields of dedup.CleanConfig; see docs/configuration.md."
    )
    for field in dataclasses.fields(CleanConfig):
        flag = "--" + field.name.replace("_", "-")
        kind = _FIELD_TYPES[field.name]
        help_text = docs.get(field.name, "").replace("%", "%%")
        default = field.default
        kwargs: dict[str, Any] = {"dest": field.name, "default": default}
        if kind is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
            help_text += " (default: %(default)s)"
        else:
            choices = _literal_choices(kind)
            if choices is not None:
                kwargs["choices"] = choices
            elif kind is float:
                kwargs["type"] = float
                kwargs["metavar"] = "X"
            elif kind is int:
                kwargs["type"] = int
                kwargs["metavar"] = "N"
            elif _is_optional_int(kind):
                kwargs["type"] = _optional_int
                kwargs["metavar"] = "N"
            else:  # pragma: no cover - a new kind of field needs a parser here
                raise TypeError(f"no command-line parser for CleanConfig.{field.name}: {kind}")
            help_text += " (default: %(default)s)"
        group.add_argument(flag, help=help_text, **kwargs)


def _literal_choices(kind: object) -> tuple[str, ...] | None:
    if typing.get_origin(kind) is Literal:
        return tuple(str(a) for a in typing.get_args(kind))
    return None


def _is_optional_int(kind: object) -> bool:
    return isinstance(kind, types.UnionType) and set(typing.get_args(kind)) == {int, type(None)}


def config_from_args(args: argparse.Namespace) -> CleanConfig:
    """The :class:`~dedup.CleanConfig` the options in ``args`` describe.

    Raises:
        CommandError: a value is out of range; the message names the flag.
    """
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(CleanConfig)}
    try:
        return CleanConfig(**values)
    except DedupError as e:
        name = str(e).split(" ", 1)[0]
        flag = "--" + name.replace("_", "-") if name in values else "option"
        raise CommandError(f"{flag}: {e}") from None


def _encoding(value: str) -> str:
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r}") from None


# ---------------------------------------------------------------- reading and writing


def _read(path: str, encoding: str) -> tuple[str, str]:
    """``(name to show, decoded text)`` of a file, or of standard input for ``-``.

    Bytes are decoded as they are: line endings (``\\r\\n``, ``\\r``) are not translated.
    """
    if path == "-":
        name = "<stdin>"
        data = sys.stdin.buffer.read()
    else:
        name = path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a directory, not a file") from None
        except PermissionError:
            raise CommandError(f"{path}: permission denied") from None
        except OSError as e:
            raise CommandError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        newline = b"\n" if b"\n" in data or b"\r" not in data else b"\r"  # old Mac files
        line = data.count(newline, 0, e.start) + 1
        raise CommandError(
            f"{name}: not valid {encoding}: byte 0x{data[e.start]:02x} at offset {e.start} "
            f"(line {line}); pass the file's encoding, e.g. --encoding latin-1"
        ) from None
    if "\x00" in text:
        raise CommandError(
            f"{name}: contains NUL characters; is it a binary file, or is --encoding wrong?"
        )
    return name, text


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once: write a temporary file in the same
    directory, fsync it, rename it over ``path``, fsync the directory.

    An interrupted or failed run leaves ``path`` as it was (never half-written). A
    symbolic link is followed, and the file keeps its permission bits.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not os.path.isfile(target):
        raise CommandError(f"{path}: is not a regular file")
    try:
        fd, tmp = tempfile.mkstemp(
            prefix="." + os.path.basename(target) + ".", suffix=".dedup-tmp", dir=directory
        )
    except FileNotFoundError:
        raise CommandError(f"{path}: directory {directory} does not exist") from None
    except OSError as e:
        raise CommandError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, st.st_mode & 0o7777)
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise CommandError(f"{path}: cannot write: {e.strerror or e}") from None
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _error(message: str) -> None:
    print(f"dedup: {message}", file=sys.stderr, flush=True)


class _Progress:
    """A one-line progress bar on standard error, drawn only when it is a terminal."""

    def __init__(self, total: int, *, enabled: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.enabled = enabled and total > 1 and self.stream.isatty()
        self.done = 0
        self.removed = 0
        self._last = 0.0

    def advance(self, removed: int) -> None:
        self.done += 1
        self.removed += removed
        if not self.enabled:
            return
        now = time.monotonic()
        if self.done < self.total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = width * self.done // self.total
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} files, {self.removed} units removed")
        self.stream.flush()

    def clear(self) -> None:
        """Wipe the bar's line, so a message can be printed in its place."""
        if self.enabled and self.done:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------- subcommands


def _cmd_clean(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    paths: list[str] = args.files or ["-"]
    encoding: str = args.encoding
    out_chunks: list[bytes] = []
    failures = 0
    progress = _Progress(len(paths), enabled=not args.quiet)
    stdout = sys.stdout.buffer
    try:
        for path in paths:
            try:
                name, text = _read(path, encoding)
                try:
                    report = explain(text, config)
                except DedupError as e:
                    raise CommandError(f"{name}: {e}") from None
                try:
                    cleaned = report.text.encode(encoding)
                except UnicodeEncodeError as e:
                    raise CommandError(f"{name}: cannot write as {encoding}: {e.reason}") from None
                if args.in_place:
                    if report.removals:
                        atomic_write(path, cleaned)
                elif args.output is not None:
                    out_chunks.append(cleaned)
                else:
                    stdout.write(cleaned)
                    stdout.flush()
            except CommandError as e:
                failures += 1
                progress.clear()
                _error(str(e))
                progress.advance(0)
                continue
            progress.advance(len(report.removals))
    finally:
        progress.close()
    if args.output is not None:
        if failures:
            _error(f"{args.output}: not written because of the errors above")
        else:
            atomic_write(args.output, b"".join(out_chunks))
    if not args.quiet and sys.stderr.isatty() and len(paths) > 1:
        print(
            f"dedup: {len(paths) - failures} of {len(paths)} files cleaned, "
            f"{progress.removed} units removed",
            file=sys.stderr,
        )
    return EXIT_FAILURE if failures else EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    name, text = _read(args.file, args.encoding)
    try:
        report = explain(text, config)
    except DedupError as e:
        raise CommandError(f"{name}: {e}") from None
    if args.format == "json":
        doc = report_json(report, text, source=name, config=config)
        rendered = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        rendered = report_html(report, text, source=name, config=config)
    else:
        rendered = report_text(report, text, source=name, color=_use_color(args))
    data = rendered.encode("utf-8")
    if args.output is not None:
        atomic_write(args.output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def _use_color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never" or args.output is not None:
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


# ---------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    """The ``dedup`` argument parser, with every subcommand."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="dedup",
        description=(
            "Remove repeated photo captions and near-duplicate paragraph variants "
            "from scraped news text."
        ),
        epilog=(
            "exit status: 0 success; 1 unreadable or undecodable input, option value out of "
            "range, or output not writable; 2 usage error. "
            "Run 'dedup COMMAND --help' for the options of a command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"dedup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    io_options = argparse.ArgumentParser(add_help=False)
    io_options.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        help="encoding of the input files, also used for the output (default: utf-8)",
    )
    io_options.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar or summary on stderr"
    )

    clean = sub.add_parser(
        "clean",
        parents=[io_options],
        help="write the cleaned text",
        description=(
            "Clean each FILE (or standard input) and write the result to standard output, "
            "to OUT, or back into the files. Line endings are kept as they are."
        ),
    )
    clean.add_argument(
        "files", nargs="*", metavar="FILE", help="input files; '-' or none for standard input"
    )
    where = clean.add_mutually_exclusive_group()
    where.add_argument(
        "-o", "--output", metavar="OUT", help="write all the cleaned text to OUT (atomically)"
    )
    where.add_argument(
        "-i",
        "--in-place",
        action="store_true",
        help="rewrite each FILE atomically (temporary file + rename); unchanged files "
        "are not touched",
    )
    add_config_arguments(clean)
    clean.set_defaults(func=_cmd_clean, parser=clean)

    expl = sub.add_parser(
        "explain",
        parents=[io_options],
        help="show what was removed and why",
        description=(
            "Show every removed unit of FILE, the copy it matched, the similarity and the "
            "rule that fired."
        ),
    )
    expl.add_argument("file", metavar="FILE", help="the input file; '-' for standard input")
    expl.add_argument(
        "-f",
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text for reading (default), json for programs (schema_version 1, see "
        "docs/explanations.md), html for a page with the removed units struck through",
    )
    expl.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    expl.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text format: auto (default) when stdout is a terminal and "
        "NO_COLOR is unset",
    )
    add_config_arguments(expl)
    expl.set_defaults(func=_cmd_explain, parser=expl)

    add_corpus = _corpus_parser()
    if add_corpus is not None:
        add_corpus(sub)
    return parser


def _corpus_parser() -> Callable[[Any], None] | None:
    try:
        from .corpus import (  # type: ignore[import-not-found, unused-ignore]
            add_parser,
        )
    except ImportError:
        return None
    return add_parser  # type: ignore[no-any-return, unused-ignore]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dedup`` command with ``argv`` (default ``sys.argv[1:]``); returns the exit
    status. Usage errors exit through argparse with status 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "clean":
        if args.in_place and (not args.files or "-" in args.files):
            args.parser.error("--in-place needs FILE arguments, not standard input")
        if args.files.count("-") > 1:
            args.parser.error("standard input ('-') can be read only once")
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CommandError as e:
        _error(str(e))
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (dedup ... | head): not an error of ours, stay quiet.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
