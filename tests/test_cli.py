"""The ``dedup`` command, run as an installed program in a subprocess on files written here."""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import os
import pty
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import dedup
from dedup.cli.app import build_parser

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEDUP = BIN / "dedup"

CAPTION = "Firefighters hose down the roof of the burning warehouse near the docks"
SMOKE = "Smoke rises over the container terminal as the first fire crews arrive"
VARIANT = "Smoke rising over the container terminal as the first fire crews arrived"
ARTICLE = (
    "Warehouse fire closes the harbour road\n"
    "\n"
    "A fire broke out in a grain warehouse on the harbour road on Tuesday night.\n"
    f"{CAPTION}\n"
    f"{CAPTION} (pictured)\n"
    "\n"
    "Police closed the road in both directions and asked drivers to avoid the area.\n"
    f"{SMOKE}\n"
    f"{VARIANT}\n"
    "The cause of the fire is not yet known, a spokesperson said.\n"
)
CLEANED = dedup.clean(ARTICLE)


def run(
    *args: str | Path,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    assert DEDUP.exists(), f"{DEDUP} is missing: install the package (pip install -e '.[test]')"
    return subprocess.run(
        [str(DEDUP), *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_library_removes_something_here() -> None:
    # The fixture must exercise real removals, or the tests below prove little.
    assert len(dedup.explain(ARTICLE).removals) == 2
    assert CAPTION in CLEANED
    assert VARIANT not in CLEANED


def test_stdin_to_stdout() -> None:
    result = run("clean", stdin=ARTICLE.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == CLEANED
    assert result.stderr == b""
    dash = run("clean", "-", stdin=ARTICLE.encode())
    assert dash.stdout == result.stdout


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", "-"],
        input=ARTICLE.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == CLEANED
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.decode().strip() == f"dedup {dedup.__version__}"


def test_readme_first_command_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dedup", "clean", "examples/article.txt"],
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    original = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
    assert result.stdout.decode() == dedup.clean(original)
    assert len(result.stdout) < len(original.encode())


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_are_preserved(tmp_path: Path, newline: str) -> None:
    data = ARTICLE.replace("\n", newline).encode()
    src = tmp_path / "a.txt"
    src.write_bytes(data)
    result = run("clean", src)
    assert result.returncode == 0, result.stderr
    assert result.stdout == CLEANED.replace("\n", newline).encode()


def test_several_files_are_cleaned_in_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    other = f"Second story starts here today.\n{VARIANT}\n{VARIANT}\nEnd of it.\n"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(other, encoding="utf-8")
    result = run("clean", a, b)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == CLEANED + dedup.clean(other)


def test_output_file(tmp_path: Path) -> None:
    src, out = tmp_path / "a.txt", tmp_path / "out.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    result = run("clean", src, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert out.read_text(encoding="utf-8") == CLEANED


def test_output_untouched_when_an_input_fails(tmp_path: Path) -> None:
    src, out = tmp_path / "a.txt", tmp_path / "out.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out.write_text("previous content\n", encoding="utf-8")
    result = run("clean", src, tmp_path / "missing.txt", "-o", out)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "missing.txt: no such file" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out.txt"]


def test_in_place(tmp_path: Path) -> None:
    changed, same = tmp_path / "changed.txt", tmp_path / "same.txt"
    changed.write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    changed.chmod(0o640)
    same.write_text("Nothing repeats in this short text.\n", encoding="utf-8")
    inode_before = changed.stat().st_ino
    same_before = same.stat()
    result = run("clean", "--in-place", changed, same)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert changed.read_bytes() == CLEANED.replace("\n", "\r\n").encode()
    after = changed.stat()
    assert after.st_ino != inode_before, "in-place must write a new file and rename it"
    assert stat.S_IMODE(after.st_mode) == 0o640
    # A file with nothing to remove is not rewritten at all.
    assert same.stat().st_ino == same_before.st_ino
    assert same.stat().st_mtime_ns == same_before.st_mtime_ns
    # No temporary files are left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.txt", "same.txt"]


def test_in_place_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text(ARTICLE, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    result = run("clean", "-i", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == CLEANED


def test_in_place_keeps_going_past_a_bad_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad.write_bytes(b"caf\xe9 " + ARTICLE.encode())
    result = run("clean", "--in-place", bad, good)
    assert result.returncode == 1
    assert good.read_text(encoding="utf-8") == CLEANED
    assert bad.read_bytes() == b"caf\xe9 " + ARTICLE.encode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clean", "--in-place"], "--in-place needs FILE"),
        (["clean", "--in-place", "-"], "--in-place needs FILE"),
        (["clean", "-", "-"], "only once"),
        (["clean", "--threshold", "abc"], "invalid float value"),
        (["clean", "--scope", "everywhere"], "invalid choice"),
        (["clean", "--no-such-option"], "unrecognized arguments"),
        (["clean", "-o", "x", "--in-place", "y"], "not allowed with"),
        (["clean", "--encoding", "klingon"], "unknown encoding"),
        (["explain"], "required"),
        (["explain", "x", "--format", "pdf"], "invalid choice"),
        ([], "required"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clean", "--threshold", "1.5", "a.txt"], "--threshold: threshold must be"),
        (["clean", "--min-run", "1", "a.txt"], "--min-run: min_run must be"),
        (["clean", "--max-chars", "10", "a.txt"], "a.txt: input has"),
        (["clean", "missing.txt"], "missing.txt: no such file"),
        (["clean", "."], ".: is a directory"),
        (["clean", "latin.txt"], "latin.txt: not valid utf-8: byte 0xe9"),
        (["clean", "nul.txt"], "nul.txt: contains NUL"),
        (["clean", "a.txt", "-o", "no/such/dir/out.txt"], "does not exist"),
        (["explain", "missing.txt"], "missing.txt: no such file"),
    ],
)
def test_bad_input_exits_1_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Le café est fermé aujourd'hui.\n".encode("latin-1"))
    (tmp_path / "nul.txt").write_bytes(b"\x00\x01\x02binary")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("dedup: ")
    assert message in err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def test_encoding_option(tmp_path: Path) -> None:
    text = f"Le café ouvre à huit heures.\n{CAPTION}\n{CAPTION}\n"
    src = tmp_path / "latin.txt"
    src.write_bytes(text.encode("latin-1"))
    result = run("clean", "--encoding", "latin-1", src)
    assert result.returncode == 0, result.stderr
    assert result.stdout == dedup.clean(text).encode("latin-1")


def test_every_config_field_is_a_flag_with_its_default() -> None:
    helptext = run("clean", "--help").stdout.decode()
    assert run("explain", "--help").returncode == 0
    for field in dataclasses.fields(dedup.CleanConfig):
        flag = "--" + field.name.replace("_", "-")
        assert flag in helptext, flag
    flat = " ".join(helptext.split())
    assert "(default: 0.8)" in flat
    assert "Minimum similarity (0-1)" in flat  # help text from the docstring


def test_flags_change_the_result(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    strict = run("clean", "--threshold", "0.99", src)
    assert strict.stdout.decode() == dedup.clean(ARTICLE, threshold=0.99)
    assert VARIANT in strict.stdout.decode()
    longest = run("clean", "--keep", "longest", src).stdout.decode()
    assert longest == dedup.clean(ARTICLE, keep="longest")
    assert f"{CAPTION} (pictured)" in longest
    assert longest != CLEANED
    unprotected = run("clean", "--no-protect-structure", "--max-chars", "none", src)
    assert unprotected.returncode == 0, unprotected.stderr


def test_explain_text_plain_when_piped(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    result = run("explain", src)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "\x1b[" not in out
    assert out.startswith(f"{src}: {dedup.explain(ARTICLE).units} units, 2 removed\n")
    assert "line 5: normalized copy of line 4, similarity 1.00, adjacent" in out
    assert f"  - {VARIANT}" in out
    assert "line 9: near-duplicate copy of line 8, similarity 0.9" in out
    coloured = run("explain", "--color", "always", src).stdout.decode()
    assert "\x1b[31m- " in coloured
    env = {**os.environ, "NO_COLOR": "1"}
    assert "\x1b[" not in run("explain", "--color", "auto", src, env=env).stdout.decode()


def test_explain_colour_on_a_terminal(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out = _run_on_terminal(["explain", str(src)], stdout_tty=True)
    assert "\x1b[31m" in out


def _run_on_terminal(args: list[str], *, stdout_tty: bool = False) -> str:
    """Run dedup with stderr (and optionally stdout) on a pseudo-terminal; return what it
    printed there."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    try:
        proc = subprocess.Popen(
            [str(DEDUP), *args],
            stdin=subprocess.DEVNULL,
            stdout=slave if stdout_tty else subprocess.DEVNULL,
            stderr=slave,
            env=env,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other side closed
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=60) in (0, 1)
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    files = []
    for n in range(3):
        f = tmp_path / f"{n}.txt"
        f.write_text(ARTICLE, encoding="utf-8")
        files.append(str(f))
    shown = _run_on_terminal(["clean", "-i", *files])
    assert "3/3 files, 6 units removed" in shown
    assert "3 of 3 files cleaned, 6 units removed" in shown
    for f in files:
        Path(f).write_text(ARTICLE, encoding="utf-8")
    quiet = _run_on_terminal(["clean", "-i", "--quiet", *files])
    assert quiet == ""
    piped = run("clean", *files)
    assert piped.stderr == b""


def test_explain_json_follows_the_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    src = tmp_path / "a.txt"
    original = ARTICLE.replace("\n", "\r\n")
    src.write_bytes(original.encode())
    result = run("explain", "--format", "json", "--scope", "document", src)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    schema = json.loads((ROOT / "docs" / "explain-schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    report = dedup.explain(original, scope="document")
    assert doc["schema_version"] == 1
    assert doc["config"]["scope"] == "document"
    assert doc["text"] == report.text
    assert doc["removed"] == len(doc["removals"]) == len(report.removals)
    for item, removal in zip(doc["removals"], report.removals, strict=True):
        assert {k: item[k] for k in removal.to_dict()} == removal.to_dict()
        start, end = item["span"]
        assert original[start:end] == item["text"]
        assert original[: item["span"][0]].count("\r\n") + 1 == item["line"]
        assert original[: item["kept_span"][0]].count("\r\n") + 1 == item["kept_line"]
    # Replaying deleted_span on the input gives the cleaned text.
    pieces, pos = [], 0
    for start, end in sorted(tuple(r["deleted_span"]) for r in doc["removals"]):
        pieces.append(original[pos:start])
        pos = end
    assert "".join(pieces) + original[pos:] == doc["text"]


HOSTILE = "<script>alert('x')</script> & \"quoted\" caption shown under the photograph today"


def _html_article() -> str:
    return (
        "Markup in scraped text must never run in the report.\n"
        f"{HOSTILE}\n{HOSTILE} (pictured)\n"
        f"{ARTICLE}"
    )


def test_explain_html_escapes_everything(tmp_path: Path) -> None:
    src = tmp_path / "a<b>.txt"
    src.write_text(_html_article(), encoding="utf-8")
    out = tmp_path / "report.html"
    result = run("explain", "--format", "html", "-o", out, src)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert "a&lt;b&gt;.txt" in page
    assert "<link" not in page  # self-contained
    assert "src=" not in page
    report = dedup.explain(_html_article())
    assert page.count("<del>") == len(report.removals) == 3


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_html_report_renders_in_chromium(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    src = tmp_path / "article.txt"
    src.write_text(_html_article(), encoding="utf-8")
    page = tmp_path / "report.html"
    assert run("explain", "-f", "html", "-o", page, src).returncode == 0
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1000,1400",
    ]
    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout.decode()
    struck = re.findall(r"<del>(.*?)</del>", dom, flags=re.S)
    report = dedup.explain(_html_article())
    assert [html.unescape(s) for s in struck] == [r.text for r in report.removals]
    # Each removed unit links to the kept twin, which is on the page.
    for r in report.removals:
        assert f'href="#kept-{r.kept_span[0]}"' in dom
        assert f'id="kept-{r.kept_span[0]}"' in dom
    assert "<script" not in dom.split("<body", 1)[1]


def test_corpus_subcommand_is_plugged_in_and_dispatched(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The contract with ``dedup.cli.corpus``: ``add_parser(subparsers)`` adds ``corpus``
    and sets ``func``; ``main`` calls it and returns its status."""
    import types

    from dedup.cli import app as cli

    calls: list[argparse.Namespace] = []

    def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        p = subparsers.add_parser("corpus", help="whole collections")
        p.add_argument("--db")

        def func(args: argparse.Namespace) -> int:
            calls.append(args)
            return 0 if args.db else 1

        p.set_defaults(func=func)

    module = types.ModuleType("dedup.cli.corpus")
    module.add_parser = add_parser  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dedup.cli.corpus", module)
    assert cli.main(["corpus", "--db", "x.sqlite"]) == 0
    assert cli.main(["corpus"]) == 1
    assert [a.db for a in calls] == ["x.sqlite", None]
    assert "corpus" in cli.build_parser().format_help()
    capsys.readouterr()


def test_without_a_corpus_module_there_is_no_corpus_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dedup.cli import app as cli

    monkeypatch.setitem(sys.modules, "dedup.cli.corpus", None)  # import raises ImportError
    with pytest.raises(SystemExit) as exc:
        cli.main(["corpus"])
    assert exc.value.code == 2


def test_errors_do_not_garble_the_progress_bar(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    shown = _run_on_terminal(["clean", "-i", str(good), str(tmp_path / "gone.txt")])
    lines = [line.rsplit("\r", 1)[-1].replace("\x1b[K", "") for line in shown.splitlines()]
    assert f"dedup: {tmp_path / 'gone.txt'}: no such file" in lines
    assert "dedup: 1 of 2 files cleaned, 2 units removed" in lines


def _limit_file_size() -> None:  # runs in the child before exec
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


@pytest.mark.parametrize("mode", ["--in-place", "-o"])
def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path, mode: str) -> None:
    """The write really fails (the OS refuses files over 100 bytes): the target keeps its
    old content and no temporary file is left behind."""
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    target = src if mode == "--in-place" else tmp_path / "out.txt"
    if mode == "-o":
        target.write_text("old output\n", encoding="utf-8")
    before = target.read_bytes()
    args = [str(DEDUP), "clean", str(src), mode] + ([] if mode == "--in-place" else [str(target)])
    result = subprocess.run(
        args, capture_output=True, timeout=60, check=False, preexec_fn=_limit_file_size
    )
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith(f"dedup: {target}: cannot write:"), err
    assert "Traceback" not in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"a.txt", target.name})


def test_every_option_has_help_in_the_docs_and_on_the_command_line() -> None:
    from dedup._options import help_of

    parser = build_parser()
    for kind, command in ((dedup.CleanConfig, "clean"), (dedup.CorpusConfig, "corpus")):
        helps = {f.name: help_of(f) for f in dataclasses.fields(kind)}
        assert all(len(text) > 20 for text in helps.values()), helps
        doc = kind.__doc__ or ""
        shown = " ".join(_subparser(parser, command).format_help().split())
        for name, text in helps.items():
            assert f"    {name}: " in doc  # the Attributes: section, built from the fields
            if name != "clean_config":  # a nested config is no flag
                assert text[:30] in shown, (command, name)
    assert "clean_config" not in _subparser(parser, "corpus").format_help()


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub: argparse.ArgumentParser = commands.choices[name]
    return sub
