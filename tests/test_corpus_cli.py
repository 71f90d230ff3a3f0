"""The ``dedup corpus`` subcommand (dedup/cli/corpus.py), run through ``dedup.cli.main``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dedup
from benchmarks.docgen import generate
from dedup import Corpus, CorpusConfig
from dedup.cli import main
from dedup.cli.corpus import add_parser
from dedup.cli.flags import config_from_args


def _main(argv: list[str]) -> int:
    """``dedup ARGV`` in this process, through the real command line."""
    return main(argv)


def test_the_subcommand_plugs_into_any_parser() -> None:
    parser = argparse.ArgumentParser(prog="dedup")
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["corpus", "in.jsonl", "-o", "out.jsonl"])
    assert callable(args.func)
    assert (args.id_field, args.text_field, args.store) == ("id", "text", None)


def _write_input(path: Path, n: int, seed: int) -> list[dict[str, str]]:
    rows = [
        {"url": d.doc_id, "text": d.text, "domain": d.site} for d in generate(n, seed=seed, sites=3)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_corpus_command_writes_kept_documents_and_a_removed_report(tmp_path: Path) -> None:
    rows = _write_input(tmp_path / "in.jsonl", 300, seed=3)
    out = tmp_path / "out.jsonl"
    argv = ["corpus", str(tmp_path / "in.jsonl"), "-o", str(out), "--id-field", "url",
            "--site-field", "domain", "--store", f"sqlite:///{tmp_path}/idx.db"]  # fmt: skip
    assert _main(argv) == 0
    kept = _lines(out)
    removed = _lines(tmp_path / "removed.jsonl")
    corpus = Corpus()
    verdicts = corpus.add_many((r["url"], r["text"]) for r in rows)
    dups = {v.doc_id: v.duplicate_of for v in verdicts if v.is_duplicate}
    assert dups
    assert {r["doc_id"]: r["duplicate_of"] for r in removed} == dups
    assert [r["url"] for r in kept] == [r["url"] for r in rows if r["url"] not in dups]
    # kept texts are cleaned: each site's tail lines ("Share this article", ...) are gone
    assert all("Share this article" not in str(r["text"]) for r in kept)
    assert any("Share this article" in r["text"] for r in rows)
    # a rerun is a no-op
    before = out.read_bytes(), (tmp_path / "removed.jsonl").read_bytes()
    assert _main(argv) == 0
    assert (out.read_bytes(), (tmp_path / "removed.jsonl").read_bytes()) == before


def test_a_killed_run_resumes_to_the_same_output(tmp_path: Path) -> None:
    _write_input(tmp_path / "in.jsonl", 2500, seed=9)

    def argv(out: str) -> list[str]:
        return ["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / out),
                "--id-field", "url", "--batch-size", "50", "--no-clean",
                "--removed", str(tmp_path / (out + ".removed"))]  # fmt: skip

    proc = subprocess.Popen([sys.executable, "-m", "dedup", *argv("a.jsonl")])
    # kill it in the second pass, once some output is on disk
    output = tmp_path / "a.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not output.exists() or output.stat().st_size < 20_000):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    # simulate a torn last line as well
    with open(tmp_path / "a.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"url": "doc-00')
    assert _main(argv("a.jsonl")) == 0
    assert _main(argv("b.jsonl")) == 0  # uninterrupted reference run
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl.removed").read_bytes() == (
        tmp_path / "b.jsonl.removed"
    ).read_bytes()


def test_missing_field_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "a", "body": "x"}\n')
    status = _main(["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"),
                    "--store", "memory"])  # fmt: skip
    assert status == 1
    assert "no field 'text'" in capsys.readouterr().err


def test_bad_json_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "x"}\n{oops\n')
    status = _main(["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"),
                    "--store", "memory"])  # fmt: skip
    assert status == 1
    assert "in.jsonl:2" in capsys.readouterr().err


def test_parquet_input(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    docs = generate(200, seed=12)
    table = pa.table({"url": [d.doc_id for d in docs], "text": [d.text for d in docs]})
    pq.write_table(table, tmp_path / "in.parquet")
    out = tmp_path / "out.jsonl"
    argv = ["corpus", str(tmp_path / "in.parquet"), "-o", str(out), "--id-field", "url",
            "--store", "memory", "--no-clean"]  # fmt: skip
    assert _main(argv) == 0
    verdicts = Corpus().add_many((d.doc_id, d.text) for d in docs)
    assert [r["url"] for r in _lines(out)] == [v.doc_id for v in verdicts if not v.is_duplicate]


def _parse(*flags: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dedup")
    add_parser(parser.add_subparsers())
    return parser.parse_args(["corpus", "in.jsonl", "-o", "out.jsonl", *flags])


def test_every_corpus_option_is_a_flag() -> None:
    assert config_from_args(_parse(), CorpusConfig) == CorpusConfig()
    args = _parse("--min-jaccard", "0.9", "--keep", "longest", "--num-perm", "64",
                  "--bands", "8", "--rows", "8", "--word-shingle", "2", "--char-shingle", "3",
                  "--seed", "7", "--max-bucket", "10", "--boilerplate-share", "0.5",
                  "--boilerplate-min-docs", "3", "--prefix", "crawl")  # fmt: skip
    assert config_from_args(args, CorpusConfig) == CorpusConfig(
        min_jaccard=0.9, keep="longest", num_perm=64, bands=8, rows=8, word_shingle=2,
        char_shingle=3, seed=7, max_bucket=10, boilerplate_share=0.5,
        boilerplate_min_docs=3, prefix="crawl",
    )  # fmt: skip


def test_threshold_is_a_deprecated_name_of_min_jaccard(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = _parse("--threshold", "0.9")
    assert config_from_args(args, CorpusConfig).min_jaccard == 0.9
    assert "--threshold is deprecated; use --min-jaccard" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--min-jaccard", "7"],
         "dedup: --min-jaccard: min_jaccard must be a number from 0.5 to 1.0, got 7.0"),
        (["--num-perm", "15"],
         "dedup: --num-perm: num_perm must be a whole number from 16 to 1024, got 15"),
        (["--bands", "30"],
         "dedup: --bands: bands * rows must be at most num_perm=128, got bands=30, rows=7"),
        (["--prefix", ""], "dedup: --prefix: prefix must be a non-empty str, got ''"),
    ],
)  # fmt: skip
def test_a_bad_option_value_names_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "x"}\n')
    out = tmp_path / "o.jsonl"
    status = _main(["corpus", str(tmp_path / "in.jsonl"), "-o", str(out), *flags])
    assert status == 1
    assert capsys.readouterr().err == message + "\n"
    assert not out.exists()


def test_options_reach_the_index(tmp_path: Path) -> None:
    rows = _write_input(tmp_path / "in.jsonl", 200, seed=4)
    out = tmp_path / "out.jsonl"
    argv = ["corpus", str(tmp_path / "in.jsonl"), "-o", str(out), "--id-field", "url",
            "--store", "memory", "--no-clean", "--min-jaccard", "0.95", "--seed", "3"]  # fmt: skip
    assert _main(argv) == 0
    verdicts = Corpus(min_jaccard=0.95, seed=3).add_many((r["url"], r["text"]) for r in rows)
    assert [r["url"] for r in _lines(out)] == [v.doc_id for v in verdicts if not v.is_duplicate]


def test_parquet_without_pyarrow_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import raises ImportError
    (tmp_path / "in.parquet").write_bytes(b"PAR1")
    status = _main(["corpus", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "o.jsonl"),
                    "--store", "memory"])  # fmt: skip
    assert status == 1
    err = capsys.readouterr().err
    assert err == (
        "dedup: reading Parquet needs the package 'pyarrow', which is not installed; "
        "install it with: pip install 'news-dedup[spark]'\n"
    )
    assert isinstance(dedup.MissingExtraError("x"), ImportError)


def test_no_progress_on_a_pipe_and_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_input(tmp_path / "in.jsonl", 20, seed=5)
    base = ["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "a.jsonl"),
            "--id-field", "url", "--store", "memory"]  # fmt: skip
    assert _main(base) == 0
    assert "documents" not in capsys.readouterr().err  # stderr is not a terminal
    base[3] = str(tmp_path / "b.jsonl")
    assert _main([*base, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "indexing: 20 documents" in err
    assert "writing: 20 documents" in err
