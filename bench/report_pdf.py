"""Benchmark of the PDF report of a large plan: seconds and peak memory of `render_pdf`.

    python -m bench.report_pdf [--indicators 5000] [--roots 15] [--units 40]

The plan (built in memory, no database): `roots` root nodes with 36 child nodes each (555 nodes
with the defaults), one action per two indicators spread over the leaves, 40 units, three axes,
a budget matrix, six cuts of trend, a follow-up with narrative for every indicator (a lag
justification and observations for a third of them) and an evidence link for every fifth.
Typst runs in child processes (one per part of the report): the peak RSS of this process and
of the largest child are printed, and CPU seconds beside wall seconds (on a shared machine the
wall clock measures the neighbours too). Goal: < 30 s and < 500 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import date

from app.reports.data import EvidenceEntry
from app.reports.pdf import render_pdf
from tests.unit.report_builders import ReportBuilder


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(indicators: int, roots: int, units: int):
    rng = random.Random(13)
    b = ReportBuilder(
        plan_name="Plan de Desarrollo Departamental de prueba",
        trend_dates=[date(2023, m, 28) for m in (2, 4, 6, 8, 10, 12)],
    )
    unit_list = [b.unit(f"Secretaría de prueba número {n}", f"S{n:02d}") for n in range(units)]

    def advance() -> str | None:
        r = rng.random()
        return None if r < 0.1 else f"{rng.uniform(0, 130):.2f}"

    leaves = []
    for r in range(roots):
        root = b.node(f"L{r + 1}", f"Línea estratégica {r + 1} del plan de prueba", advance())
        for c in range(36):
            leaves.append(
                b.node(f"P{r + 1}.{c + 1}", f"Programa {c + 1} de la línea", advance(), root)
            )
    per_leaf = indicators // len(leaves) + 1
    made = 0
    for leaf in leaves:
        for k in range(0, per_leaf, 2):
            if made >= indicators:
                break
            unit = rng.choice(unit_list)
            action = b.action(
                f"{leaf.code}-A{k}", f"Acción {k} del {leaf.name}", leaf, advance(), [unit]
            )
            for j in range(2):
                if made >= indicators:
                    break
                shown = advance()
                ind = b.indicator(
                    f"{leaf.code}-I{k + j}",
                    f"Número de actividades {k + j} realizadas en el {leaf.name.lower()}",
                    action=action,
                    programmed=str(rng.randint(1, 5_000_000)),
                    executed=str(rng.randint(0, 5_000_000)),
                    advance=shown,
                    units=[unit],
                )
                third = made % 3 == 0
                b.followup(
                    ind,
                    narrative=f"Se realizaron las actividades previstas para el corte ({made}).",
                    observations="Pendiente la entrega de las actas firmadas." if third else None,
                    lag="Retraso en la contratación del operador." if third else None,
                )
                if made % 5 == 0:
                    b.evidence.append(
                        EvidenceEntry(
                            ind.indicator_id,
                            ind.code,
                            "link",
                            f"Acta de seguimiento {made}",
                            date(2023, 9, 1),
                            url=f"https://example.gov.co/evidencias/{made}",
                        )
                    )
                made += 1
    for a in range(3):
        b.axis(
            f"eje{a}",
            f"Eje {a + 1}",
            [(f"v{v}", f"Valor {v} del eje {a + 1}", advance()) for v in range(8)],
        )
    root_codes = [n.code for n in b.nodes if n.parent_id is None]
    amount = str(rng.randint(10, 900) * 1_000_000)
    b.budget_matrix(
        [(code, f"Línea {code}", str(int(amount) * units)) for code in root_codes],
        [
            (u, dict.fromkeys(root_codes, amount), str(int(amount) * len(root_codes)))
            for u in unit_list
        ],
    )
    return b.build()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=5000)
    parser.add_argument("--roots", type=int, default=15)
    parser.add_argument("--units", type=int, default=40)
    args = parser.parse_args()
    data = build(args.indicators, args.roots, args.units)
    before = rss_mb()
    started, cpu_started = time.perf_counter(), cpu_s()
    pdf = render_pdf(data)
    seconds, cpu = time.perf_counter() - started, cpu_s() - cpu_started
    print(
        f"report PDF: {len(data.results.indicators)} indicators, {len(data.results.nodes)} nodes, "
        f"{len(data.results.actions)} actions, {len(data.units)} units"
    )
    print(f"  render: {seconds:.1f} s wall, {cpu:.1f} s CPU; {len(pdf) / 1e6:.1f} MB of PDF")
    print(f"  peak RSS: {rss_mb():.0f} MB this process (after building the data: {before:.0f} MB)")
    print(f"  peak RSS: {rss_mb(resource.RUSAGE_CHILDREN):.0f} MB largest typst child process")


if __name__ == "__main__":
    main()
