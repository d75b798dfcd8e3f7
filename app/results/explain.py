"""`?explain=true`: what every figure of a cut's results was computed from, shaped from the
traces `app.compute` kept while computing them (nothing is computed again here).

Every number is exact, written out as a decimal string, so that anyone can redo the
arithmetic by hand: an indicator's B, P_cut, P_year and E_cut with the dated values they were
made of and the formula applied; a node's weighted mean part by part.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal

from app.compute import AdvanceTrace, DatedValue, IndicatorAdvance, MeanTrace
from app.compute.typology import dnp_name
from app.results.schemas import (
    ContributorOut,
    CutResults,
    DatedValueOut,
    ExecutedTermOut,
    IndicatorExplain,
    NodeExplain,
    StartValueOut,
    TermOut,
)
from app.results.structure import Evaluation, Structure

NODE_FORMULA = "Σ(weight × advance_used) / Σ(weight)"
LEFT_OUT_REASONS = {
    "not_due": "No exigible al corte: sin programación a la fecha",
    "zero_weight": "Peso 0 en la vigencia del corte",
}


def written(value: Decimal) -> str:
    """A decimal written out in full, without trailing zeros nor exponent ("1.000000" and
    "1E+2" are "1" and "100"): the same number, as people write it."""
    return format(value.normalize(), "f")


def exact(value: Decimal | None) -> str | None:
    return None if value is None else written(value)


def _values(values: Sequence[DatedValue]) -> list[DatedValueOut]:
    return [DatedValueOut(period_end=v.period_end, value=written(v.value)) for v in values]


def indicator_explain(
    accumulation_dnp: str | None, advance: IndicatorAdvance, trace: AdvanceTrace
) -> IndicatorExplain:
    start = trace.start_from
    return IndicatorExplain(
        accumulation=trace.accumulation.value,
        accumulation_dnp=dnp_name(trace.accumulation, accumulation_dnp).value,
        year=trace.year,
        window_start=trace.window_start,
        baseline=written(trace.baseline),
        start=StartValueOut(
            value=written(trace.start_value),
            source="baseline" if start is None else "measurement",
            period_end=None if start is None else start.period_end,
        ),
        planned_to_date=TermOut(
            symbol="P_cut",
            value=exact(advance.programmed_to_date),
            values=_values(trace.planned_to_date_values),
        ),
        planned_year=TermOut(
            symbol="P_year",
            value=exact(advance.programmed_year),
            values=_values(trace.planned_year_values),
        ),
        executed_to_date=ExecutedTermOut(
            symbol="E_cut",
            value=exact(advance.executed_to_date),
            values=_values(trace.executed_values),
            nothing_measured=trace.executed_defaulted,
        ),
        formula=trace.formula,
        year_formula=trace.year_formula,
        advance_pct=exact(advance.advance_pct),
        year_advance_pct=exact(advance.year_advance_pct),
    )


def node_explain(mean: MeanTrace, codes: dict[Hashable, str]) -> NodeExplain:
    return NodeExplain(
        formula=NODE_FORMULA,
        cap_at_100=mean.cap_at_100,
        weighted_sum=written(mean.weighted_sum),
        weight_sum=written(mean.weight_sum),
        advance_pct=exact(mean.result),
        contributors=[
            ContributorOut(
                kind="indicator" if part.kind == "indicator" else "node",
                id=part.id,
                code=codes[part.id],
                weight=written(part.weight),
                renormalised_weight=exact(part.renormalised_weight),
                advance_pct=exact(part.advance),
                advance_used=exact(part.advance_used),
                counted=part.left_out is None,
                left_out=part.left_out,
                left_out_reason=LEFT_OUT_REASONS.get(part.left_out or ""),
            )
            for part in mean.parts
        ],
    )


def explain(results: CutResults, structure: Structure, evaluation: Evaluation) -> CutResults:
    """`results` with `explain` on every indicator, node and the plan (from a traced
    evaluation: `at_cut(..., trace=True)`)."""
    rows = {i.id: i for i in structure.indicators}
    for item in results.indicators:
        item.explain = indicator_explain(
            rows[item.indicator_id].accumulation_dnp,
            evaluation.advances[item.indicator_id],
            evaluation.traces[item.indicator_id],
        )
    codes: dict[Hashable, str] = {i.id: i.code for i in structure.indicators}
    codes.update({n.id: n.code for n in structure.nodes})
    node_traces = evaluation.rollup.node_traces
    for node in results.nodes:
        node.explain = node_explain(node_traces[node.node_id], codes)
    if evaluation.rollup.plan_trace is not None:
        results.plan.explain = node_explain(evaluation.rollup.plan_trace, codes)
    return results
