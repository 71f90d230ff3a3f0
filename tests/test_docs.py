"""Every code sample in README.md and docs/*.md runs, in page order, in a scratch folder.

* ```` ```python ```` blocks are executed; the blocks of one page share their globals.
* ```` ```pycon ```` blocks are doctests (``>>>`` lines, expected output checked).
* ```` ```text title="NAME" ```` blocks write the file NAME, for later blocks to read.
* ```` ```console ```` / ```` ```bash ```` blocks whose first line starts with ``$ `` are run
  with bash, one ``$`` command at a time; what follows a command up to the next ``$`` line is
  its expected output (stdout and stderr together, trailing spaces ignored). Blocks without
  ``$`` prompts (install instructions) are not run.
* A block right after an ``<!-- no-run -->`` comment is skipped (samples that need a
  package the test extra does not install, or the network).

The scratch folder starts with a copy of ``examples/``, and ``dedup`` on the PATH is the
command of the interpreter running the tests.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)\n(?P=indent)```",
    re.S | re.M,
)
_NO_RUN = "<!-- no-run -->"


@dataclass(frozen=True)
class Block:
    lang: str
    title: str | None
    body: str
    line: int
    skip: bool


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, in order."""
    text = page.read_text(encoding="utf-8")
    found = []
    for m in _FENCE.finditer(text):
        info = m.group("info").strip()
        lang = info.split()[0] if info else ""
        title = re.search(r'title="([^"]+)"', info)
        indent = m.group("indent")
        body = "\n".join(
            line[len(indent) :] if line.startswith(indent) else line
            for line in m.group("body").split("\n")
        )
        # The comment must be on the line right before the fence (blank lines allowed).
        head = text[: m.start("indent")].rstrip()
        skip = head.endswith(_NO_RUN)
        found.append(
            Block(
                lang=lang,
                title=title.group(1) if title else None,
                body=body,
                line=text.count("\n", 0, m.start("indent")) + 1,
                skip=skip,
            )
        )
    return found


def _is_session(block: Block) -> bool:
    shell = block.lang in ("console", "bash", "shell", "sh")
    return shell and block.body.lstrip().startswith("$ ")


def _commands(body: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of a console session."""
    result: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        if line.startswith("$ "):
            result.append((line[2:], []))
        elif result:
            result[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in result]


def _normalize(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip("\n").split("\n"))


def test_pages_are_found() -> None:
    names = {p.name for p in PAGES}
    assert {"README.md", "index.md", "cli.md", "cookbook.md"} <= names
    runnable = [b for p in PAGES for b in blocks(p) if not b.skip]
    assert sum(b.lang == "python" for b in runnable) >= 5
    assert sum(_is_session(b) for b in runnable) >= 5


def test_fence_parser() -> None:
    page = (
        "Intro\n\n"
        '```text title="a.txt"\nhello\n```\n\n'
        "<!-- no-run -->\n```python\nraise SystemExit\n```\n"
        "    ```console\n    $ echo hi\n    hi\n    ```\n"
    )
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"dedup-fence-{os.getpid()}.md"
    tmp.write_text(page, encoding="utf-8")
    try:
        got = blocks(tmp)
    finally:
        tmp.unlink()
    assert [(b.lang, b.title, b.skip) for b in got] == [
        ("text", "a.txt", False),
        ("python", None, True),
        ("console", None, False),
    ]
    assert _commands(got[2].body) == [("echo hi", "hi")]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_code_samples_run(page: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    env.pop("PYTHONPATH", None)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    old_cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for block in blocks(page):
            if block.skip:
                continue
            where = f"{page.name}:{block.line}"
            if block.title and block.lang in ("text", "html", "json", "csv", ""):
                (tmp_path / block.title).write_text(block.body + "\n", encoding="utf-8")
            elif block.lang == "python":
                code = compile(block.body, where, "exec")
                exec(code, namespace)
            elif block.lang == "pycon":
                _run_doctest(block.body, namespace, where)
            elif _is_session(block):
                for cmd, expected in _commands(block.body):
                    proc = subprocess.run(
                        ["bash", "-c", cmd],
                        cwd=tmp_path,
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        timeout=120,
                        check=False,
                    )
                    got = _normalize(proc.stdout.decode("utf-8", "replace"))
                    assert got == _normalize(expected), (
                        f"{where}: `{cmd}` printed\n{got}\n--- but the page shows\n{expected}"
                    )
    finally:
        os.chdir(old_cwd)


def _run_doctest(body: str, namespace: dict[str, object], where: str) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(body, namespace, where, where, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append, clear_globs=False)
    namespace.update(test.globs)  # DocTest works on a copy; later blocks see its names
    assert runner.failures == 0, "".join(out)
