"""The ``dedup`` command (also ``python -m dedup``).

Subcommands: ``dedup clean`` writes cleaned text, ``dedup explain`` shows why each unit
went, and ``dedup corpus`` (when installed) works on whole collections.

Exit status: 0 on success; 1 when an input cannot be read or decoded, an option value is
out of range, the output cannot be written or an optional package is missing (one line on
standard error names the file and the problem); 2 when the command line itself is wrong
(unknown option, missing argument, a value of the wrong type or not among the choices).

The ``clean`` and ``explain`` options are generated from :class:`dedup.CleanConfig` (see
``flags.py``), so every field is a flag of the same name (``min_chars`` ->
``--min-chars``) and default.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import Final, TypeAlias

from .. import CleanConfig, DedupError, MissingExtraError, explain
from .flags import CommandError, add_config_arguments, config_from_args
from .progress import above_bars, progress_bar
from .views import report_html, report_json, report_text

__all__ = ["atomic_write", "build_parser", "main"]

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_USAGE: Final = 2


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


# ---------------------------------------------------------------- subcommands


_FILES_BAR: Final = "[{bar:30}] {n_fmt}/{total_fmt} files{postfix}"


def _cmd_clean(args: argparse.Namespace) -> int:
    config = config_from_args(args, CleanConfig)
    paths: list[str] = args.files or ["-"]
    out_chunks: list[bytes] = []
    failures = removed = 0
    several = len(paths) > 1 and not args.quiet
    bar = progress_bar(enabled=None if several else False, total=len(paths), bar_format=_FILES_BAR)
    try:
        for path in paths:
            try:
                count, cleaned = _clean_file(path, args, config)
            except CommandError as e:
                failures += 1
                with above_bars():
                    _error(str(e))
            else:
                removed += count
                if cleaned is not None:
                    out_chunks.append(cleaned)
            bar.set_postfix_str(f"{removed} units removed", refresh=False)
            bar.update(1)
    finally:
        bar.close()
    if args.output is not None:
        if failures:
            _error(f"{args.output}: not written because of the errors above")
        else:
            atomic_write(args.output, b"".join(out_chunks))
    if several and sys.stderr.isatty():
        print(
            f"dedup: {len(paths) - failures} of {len(paths)} files cleaned, "
            f"{removed} units removed",
            file=sys.stderr,
        )
    return EXIT_FAILURE if failures else EXIT_OK


def _clean_file(
    path: str, args: argparse.Namespace, config: CleanConfig
) -> tuple[int, bytes | None]:
    """Clean one file: rewrite it (``--in-place``), write it to stdout, or return its
    cleaned bytes for ``--output``. Returns the number of units removed and those bytes."""
    encoding: str = args.encoding
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
        return len(report.removals), cleaned
    else:
        sys.stdout.buffer.write(cleaned)
        sys.stdout.buffer.flush()
    return len(report.removals), None


def _cmd_explain(args: argparse.Namespace) -> int:
    config = config_from_args(args, CleanConfig)
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
    parser = _root_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    io_options = _io_options()
    _add_clean_command(commands, io_options)
    _add_explain_command(commands, io_options)
    _add_corpus_command(commands)
    return parser


_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _root_parser() -> argparse.ArgumentParser:
    """``dedup`` itself: description, exit status, ``--version``."""
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
    return parser


def _io_options() -> argparse.ArgumentParser:
    """Options that ``clean`` and ``explain`` share (a parent parser)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--encoding",
        type=_encoding,
        default="utf-8",
        help="encoding of the input files, also used for the output (default: utf-8)",
    )
    options.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar or summary on stderr"
    )
    return options


def _add_clean_command(commands: _Commands, io_options: argparse.ArgumentParser) -> None:
    clean = commands.add_parser(
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
    add_config_arguments(clean, CleanConfig, title="cleaning options")
    clean.set_defaults(func=_cmd_clean, parser=clean)


def _add_explain_command(commands: _Commands, io_options: argparse.ArgumentParser) -> None:
    expl = commands.add_parser(
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
    add_config_arguments(expl, CleanConfig, title="cleaning options")
    expl.set_defaults(func=_cmd_explain, parser=expl)


def _add_corpus_command(commands: _Commands) -> None:
    """``dedup corpus``, when that part of dedup is installed."""
    try:
        from .corpus import add_parser
    except ImportError:
        return
    add_parser(commands)


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
    except (CommandError, MissingExtraError) as e:
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
