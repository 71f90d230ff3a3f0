"""Measure time and peak memory of dedup.explain on one huge generated article.

Not run by CI (CI measures 1 MB and 8 MB in tests/test_reliability.py). Usage::

    python fuzz/measure_huge.py 100000000        # 100 MB: tracemalloc peak, then RSS peak

Prints one JSON line per measurement: characters, seconds, peak bytes and the peak as a
multiple of the input size. ``tracemalloc`` counts Python allocations made during the call
(numpy's included); the RSS figure is the process's maximum resident set size
(``ru_maxrss``) minus the resident size just before the call, without tracemalloc's
overhead on the timing.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1] / "tests" / "test_reliability.py"

_RSS_PROGRAM = """
import json, resource, sys, time
import importlib.util
spec = importlib.util.spec_from_file_location("checks", sys.argv[1])
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)
namespace = {}
exec(checks._ARTICLE_PROGRAM.split("size = int")[0], namespace)
import dedup
size = int(sys.argv[2])
text = namespace["article"](size, 7)
dedup.clean(text[:10_000])
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
before = rss()
started = time.perf_counter()
report = dedup.explain(text)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
print(json.dumps({"chars": len(text), "seconds": elapsed, "rss_growth": peak,
                  "multiple": peak / len(text), "removed": len(report.removals)}))
"""


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000_000
    spec = importlib.util.spec_from_file_location("checks", _TESTS)
    assert spec is not None
    assert spec.loader is not None
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    traced = checks.measure_article(size)
    traced["multiple"] = traced["peak"] / traced["chars"]
    print(json.dumps({"mode": "tracemalloc", **traced}), flush=True)
    done = subprocess.run(
        [sys.executable, "-c", _RSS_PROGRAM, str(_TESTS), str(size)],
        capture_output=True,
        text=True,
        check=True,
    )
    print(json.dumps({"mode": "rss", **json.loads(done.stdout)}), flush=True)


if __name__ == "__main__":
    main()
