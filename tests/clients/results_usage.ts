// Compiled by tests/test_generated_clients.py with `tsc --noEmit --strict` against the types
// openapi-typescript generates from openapi/openapi.json (written next to it as api.d.ts).
// An integrator's dashboard reading results: every field used here must exist with this type.
import type { components, paths } from "./api";

type Schemas = components["schemas"];
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : never;

type CutResults = Json<"/api/v1/cuts/{cut_id}/results", "get">;
type ByUnit = Json<"/api/v1/cuts/{cut_id}/results/by-unit", "get">;
type ByAxis = Json<"/api/v1/cuts/{cut_id}/results/by-axis/{axis}", "get">;
type ByBand = Json<"/api/v1/cuts/{cut_id}/results/by-band", "get">;
type ByStatus = Json<"/api/v1/cuts/{cut_id}/results/by-status", "get">;
type Trend = Json<"/api/v1/plans/{plan_id}/trend", "get">;

// The operations answer the named schemas (not `never`, not `unknown`).
type Typed<T> = [T] extends [never] ? false : unknown extends T ? false : true;
export const typed: [
  Typed<CutResults>,
  Typed<ByUnit>,
  Typed<ByAxis>,
  Typed<ByBand>,
  Typed<ByStatus>,
  Typed<Trend>,
] = [true, true, true, true, true, true];
const sameResults: Schemas["CutResults"] = {} as CutResults;
const sameGrouped: Schemas["GroupedResults"] = {} as ByUnit;
const sameListed: Schemas["ListedResults"] = {} as ByBand;
const sameTrend: Schemas["PlanTrend"] = {} as Trend;

function bandLabel(band: Schemas["ResultBand"] | null): string {
  return band === null ? "sin banda" : `${band.label} (${band.color})`;
}

export function summary(results: CutResults): string[] {
  const lines = [`${results.cut.label}: ${results.plan.advance_pct_shown ?? "—"}`];
  for (const node of results.nodes) {
    const level: number = node.level;
    lines.push(`${"  ".repeat(level)}${node.code} ${bandLabel(node.band)} ${node.status.label}`);
  }
  for (const indicator of results.indicators) {
    const executed: number | null = indicator.executed_to_date;
    const units: string[] = indicator.unit_ids;
    lines.push(`${indicator.code} ${executed ?? 0} ${units.length} ${indicator.missing_report}`);
  }
  for (const action of results.actions) {
    lines.push(`${action.code} ${action.execution_state.code} ${action.overdue}`);
  }
  return lines;
}

export function groups(...answers: (ByUnit | ByAxis)[]): number {
  let total = 0;
  for (const answer of answers) {
    for (const item of answer.items) {
      const onTrack: number | undefined = item.by_status["on_track"];
      total += item.count + (onTrack ?? 0) + item.action_count;
    }
  }
  return total;
}

export function listed(...answers: (ByBand | ByStatus)[]): string[] {
  return answers.flatMap((answer) =>
    answer.items.flatMap((list) =>
      list.indicators.map((i) => `${list.key ?? "no aplica"} ${i.code} ${i.unit?.name ?? ""}`),
    ),
  );
}

export function trend(answer: Trend): (number | null)[] {
  const cutDates: string[] = answer.cuts.map((cut) => cut.cut_date);
  return answer.plan.map((point, i) => (cutDates[i] ? point.advance_pct : null));
}

export const checked = [sameResults, sameGrouped, sameListed, sameTrend];
