"""`make bench`: every benchmark in one run, ending with the figures of issue 19 in a block.

    python -m bench.all [--quick]

Runs each benchmark module in turn (its output as it comes), then prints one `bench:` line
per figure in a fixed order, so CI logs and dashboards can read them; a figure a module did
not give is `n/a`. `--quick` (`make bench quick=1`): fewer calls and shorter wrk runs.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time

BLOCK = (
    "results_5000_cold_p95_ms",
    "results_5000_warm_p95_ms",
    "by_unit_5000_p95_ms",
    "trend_5000_ms",
    "results_growth_10x",
    "get_by_id_vs_select1",
    "ready_vs_select1",
    "ingest_vs_copy",
    "workers_2_vs_1",
    "results_5000_peak_rss_mb",
)

# (module, arguments, arguments when quick)
RUNS: list[tuple[str, list[str], list[str]]] = [
    ("bench.measurements", [], []),
    # Ten computed reads per endpoint keep `make bench` within 10 minutes on 2 shared cores.
    ("bench.results", ["--repeat", "10"], ["--repeat", "4"]),
    ("bench.results_cache", [], ["--cold", "5", "--warm", "20"]),
    ("bench.http", [], ["--quick"]),
    ("bench.rollup", [], []),
    ("bench.reports", [], []),
    ("bench.report_pdf", [], []),
    ("bench.spreadsheets", [], []),
    ("bench.territories", [], []),
]
LINE = re.compile(r"^bench: ([a-z0-9_]+)=(.*)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls, shorter wrk runs")
    args = parser.parse_args()
    figures: dict[str, str] = {}
    failed: list[str] = []
    started = time.perf_counter()
    for module, full, quick in RUNS:
        print(f"\n=== python -m {module} {' '.join(quick if args.quick else full)}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(  # noqa: S603 - our own modules
            [sys.executable, "-m", module, *(quick if args.quick else full)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        for line in proc.stdout or ():
            print(line, end="", flush=True)
            found = LINE.match(line.strip())
            if found:
                figures[found.group(1)] = found.group(2)
        if proc.wait() != 0:
            failed.append(module)
        print(f"--- {module}: {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"\nmake bench: {time.perf_counter() - started:.0f} s{' (quick)' if args.quick else ''}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    for name in BLOCK:
        print(f"bench: {name}={figures.get(name, 'n/a')}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
