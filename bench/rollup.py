"""Benchmark of the pure rollup: one pass over a large plan's tree, no database.

    python -m bench.rollup [--objectives 6] [--strategies 50] [--indicators 20] [--repeat 20]

The plan has `objectives` x `strategies` nodes, each strategy with `indicators` indicators
(weights 0-3, a fifth of them not due, the first of each strategy also feeding its objective).
Prints the median and worst time of `rollup_tree` over `repeat` runs, and the indicators per
second. (Moved here from tests/unit/test_rollup.py, where it was a wall-clock assertion.)
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

from app.compute import Contribution, NodeIn, rollup_tree


def large_plan(objectives: int = 6, strategies: int = 50, indicators: int = 20):
    """Nodes, contributions and advances of a plan of objectives x strategies x indicators."""
    nodes, contributions, advance = [], [], {}
    for o in range(objectives):
        nodes.append(NodeIn(f"O{o}"))
        for s in range(strategies):
            strategy = f"O{o}S{s}"
            nodes.append(NodeIn(strategy, f"O{o}", weight=Decimal(s % 3)))
            for i in range(indicators):
                indicator = f"{strategy}I{i}"
                contributions.append(Contribution(indicator, strategy, weight=Decimal(i % 4)))
                if i == 0:
                    contributions.append(Contribution(indicator, f"O{o}"))
                advance[indicator] = None if i % 5 == 0 else Decimal(i * 7)
    return nodes, contributions, advance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=6)
    parser.add_argument("--strategies", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    nodes, contributions, advance = large_plan(args.objectives, args.strategies, args.indicators)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rollup_tree(nodes, contributions, advance, 2023)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(
        f"rollup_tree: {len(nodes)} nodes, {len(advance)} indicators, "
        f"{len(contributions)} contributions, {args.repeat} runs"
    )
    print(f"median {median * 1000:8.1f} ms   worst {max(times) * 1000:8.1f} ms")
    print(f"{len(advance) / median:10.0f} indicators/s")


if __name__ == "__main__":
    main()
