"""Importing a workbook: a new plan, or an update of an existing one, upserting by codes.

Every element goes through the same service functions as the JSON endpoints
(`app.plans.elements`, `app.plans.service`, `app.cuts.service`, `app.measurements.service`),
so the same rules hold: a closed plan is frozen, an approved one needs a reason (and a legal
act where programming, targets or weights change: `legal_act_*` parameters), a closed
cut's periods refuse measurements, a reporter writes measurements only for their units, and
each change is in the change log. Each row runs in a savepoint: a refused row is reported
with its sheet, row, column and code, and the rest goes on. The whole import runs in one
more savepoint, rolled back on a dry run or when something was refused and atomic is on.

Rules of an upsert: an element is matched by its code (letter case aside); a row equal to
what is stored is "unchanged" and writes nothing; nothing is ever deleted (a row missing from
the file leaves its element as it is); a sheet missing from the file leaves its part alone.
Budget rows are matched by (action or node, unit, year). Cuts are created open; their status
column is read-only.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.errors import BadRequest, DomainError, Invalid
from app.cuts import service as cuts_service
from app.cuts.schemas import CutCreate, CutUpdate
from app.plans import changes, elements
from app.plans import repository as plans
from app.plans import service as plans_service
from app.plans.models import Indicator, Plan
from app.plans.schemas import (
    ActionCreate,
    ActionUpdate,
    BudgetAllocationCreate,
    BudgetAllocationUpdate,
    ContributionIn,
    IndicatorCreate,
    IndicatorUpdate,
    LegalActIn,
    NodeCreate,
    NodeUpdate,
    PlanCreate,
    PlanUpdate,
    ProgrammingItem,
)
from app.spreadsheets import measurements_file, reader, repository, values
from app.spreadsheets.format import PLAN_FIELDS
from app.spreadsheets.schemas import FileProblem, SheetCounts, WorkbookImportSummary
from app.spreadsheets.tables import Table, tables_of

# Files above IMPORT_JOB_THRESHOLD_ROWS / _BYTES (settings) are imported by a job: see
# app/spreadsheets/import_jobs.py.

_COLUMN_OF = {
    "unit_id": "unit_code",
    "unit_ids": "unit_codes",
    "parent_id": "parent_code",
    "node_id": "node_code",
    "action_id": "action_code",
    "indicator_id": "indicator_code",
}
_EDITORS = ("admin", "coordinator")


class _RowFailed(Exception):
    pass


class _Retry(Exception):
    """A row was refused in a pass without savepoints: run again, row by row."""


class _Importer:
    _id_cache: dict

    def __init__(
        self,
        session: Session,
        actor: Actor,
        plan: Plan | None,
        tables: dict[str, Table],
        *,
        reason: str | None,
        organization_id: uuid.UUID | None,
        careful: bool = True,
        legal_act: LegalActIn | None = None,
    ) -> None:
        self.careful = careful
        self.legal_act = legal_act
        self.session = session
        self.actor = actor
        self.plan = plan
        self.tables = tables
        self.reason = reason
        self.organization_id = organization_id
        self.errors: list[FileProblem] = []
        self.warnings: list[FileProblem] = []
        self.counts = {key: SheetCounts(received=len(t.rows)) for key, t in tables.items()}
        self.may_edit = actor.is_platform_admin or actor.role in _EDITORS
        self._id_cache = {}

    @property
    def target(self) -> Plan:
        """The plan the sheets go into: the caller's, or the one the Plan sheet created."""
        if self.plan is None:
            raise RuntimeError("the sheets are read only once the plan is known")
        return self.plan

    # --- problems ----------------------------------------------------------------------

    def error(self, sheet: str, row: int | None, column: str | None, code, reason: str) -> None:
        self.errors.append(
            FileProblem(sheet=sheet, row=row, column=column, code=code, reason=reason)
        )

    def warn(self, sheet: str, row: int | None, column: str | None, code, reason: str) -> None:
        self.warnings.append(
            FileProblem(sheet=sheet, row=row, column=column, code=code, reason=reason)
        )

    def attempt(self, sheet: str, row: int | None, code: str | None, write: Callable[..., object]):
        """Run one row's write in a savepoint; a refusal becomes a located problem.

        `write` is called with no arguments; it is typed `Callable[..., object]` because the
        callers' lambdas bind loop values as defaults (`lambda body=body: ...`), which mypy
        cannot match against `Callable[[], object]`.

        Not careful (the first pass of an atomic import): no savepoint per row, which saves
        two round trips a row; the first refusal stops the pass (`_Retry`), and the import
        runs again carefully to locate every problem.
        """
        if not self.may_edit and sheet != "measurements":
            self.error(
                sheet,
                row,
                None,
                code,
                "only coordinators and administrators change a plan's structure; "
                "reporters import measurements",
            )
            self.counts[sheet].rejected += 1
            return None
        if not self.careful:
            try:
                return write()
            except (DomainError, ValidationError):
                raise _Retry from None
        savepoint = self.session.begin_nested()
        try:
            result = write()
        except DomainError as exc:
            if not savepoint.is_active:
                # A unique-key conflict rolls the whole session back (flush_or_conflict):
                # nothing of the import is left, so the import stops with that error.
                raise
            savepoint.rollback()
            self._domain_problem(sheet, row, code, exc)
            self.counts[sheet].rejected += 1
            return None
        except ValidationError as exc:
            savepoint.rollback()
            for err in exc.errors():
                loc = [p for p in err["loc"] if p != "body"]
                column = _COLUMN_OF.get(str(loc[0]), str(loc[0])) if loc else None
                self.error(sheet, row, column, code, err["msg"])
            self.counts[sheet].rejected += 1
            return None
        savepoint.commit()
        return result

    def _domain_problem(self, sheet, row, code, exc: DomainError) -> None:
        if exc.errors:
            for err in exc.errors:
                loc = [p for p in err.get("loc", []) if p not in ("body",)]
                if loc and loc[0] == "query":
                    column = None
                else:
                    head = str(loc[0]) if loc else None
                    column = _COLUMN_OF.get(head, head) if head else None
                self.error(sheet, row, column, code, err.get("msg") or exc.detail)
        else:
            self.error(sheet, row, None, code, exc.detail)

    def cell(self, sheet: str, row: int, column: str, code, read, raw):
        try:
            return read(raw)
        except values.CellError as exc:
            self.error(sheet, row, column, code, str(exc))
            raise _RowFailed from None

    def _by_id(self, elements_by_code: dict) -> dict:
        """Elements by id, rebuilt only when elements were added since the last call."""
        cache = self._id_cache
        key = id(elements_by_code)
        cached = cache.get(key)
        if cached is None or cached[0] != len(elements_by_code):
            cached = (len(elements_by_code), {e.id: e for e in elements_by_code.values()})
            cache[key] = cached
        return cached[1]

    # --- codes -------------------------------------------------------------------------

    def canon(self, known: dict[str, str], raw, sheet: str, row: int, column: str) -> str | None:
        """The code typed in a cell, as the element it names is stored (case aside)."""
        code, accented = values.code(raw)
        if code is None:
            return None
        if accented:
            self.warn(sheet, row, column, code, f"accents dropped from the code: read as {code}")
        stored = known.get(values.fold(code))
        if stored is not None and stored != code:
            self.warn(sheet, row, column, code, f"code {code} taken as the existing {stored}")
            return stored
        return code

    # --- the run -----------------------------------------------------------------------

    def run(self) -> None:
        if "plan" in self.tables:
            self.import_plan()
        elif self.plan is None:
            self.error("plan", None, None, None, "a new plan needs the Plan sheet")
        if self.plan is None:
            return
        self.load_existing()
        for key, step in (
            ("nodes", self.import_nodes),
            ("actions", self.import_actions),
            ("indicators", self.import_indicators),
            ("programming", self.import_programming),
            ("budget", self.import_budget),
            ("cuts", self.import_cuts),
            ("measurements", self.import_measurements),
        ):
            if key in self.tables:
                step()
        if "contributions" in self.tables and "indicators" not in self.tables:
            self.import_contributions_only()

    def load_existing(self) -> None:
        s, plan = self.session, self.target
        self.nodes = {values.fold(n.code): n for n in plans.nodes_of(s, plan.id)}
        self.actions = {values.fold(a.code): a for a in plans.actions_of(s, plan.id)}
        self.indicators = {values.fold(i.code): i for i in plans.indicators_of(s, plan.id)}
        units = repository.units_of(s, plan.organization_id)
        self.unit_codes = {values.fold(u.code): u.code for u in units}
        self.unit_code_of = {u.id: u.code for u in units}
        self.node_codes = {k: n.code for k, n in self.nodes.items()}
        self.action_codes = {k: a.code for k, a in self.actions.items()}
        self.indicator_codes = {k: i.code for k, i in self.indicators.items()}
        # New codes of the file join these maps as their sheet is read.
        for key, known in (
            ("nodes", self.node_codes),
            ("actions", self.action_codes),
            ("indicators", self.indicator_codes),
        ):
            if key not in self.tables:
                continue
            for _, cells in self.tables[key].rows:
                code, _ = values.code(cells.get("code"))
                if code:
                    known.setdefault(values.fold(code), code)

    # --- plan --------------------------------------------------------------------------

    def _plan_values(self) -> dict | None:
        table = self.tables["plan"]
        raw: dict[str, tuple[int, object]] = {}
        for number, cells in table.rows:
            name = values.text(cells.get("field"))
            if name:
                raw[name.strip()] = (number, cells.get("value"))
        out: dict = {}
        ok = True
        for column in PLAN_FIELDS:
            if column.field not in raw or column.field == "status":
                continue
            number, value = raw[column.field]
            readers = {
                "int": values.integer,
                "number": values.number,
                "bool": values.boolean,
                "code": lambda v: values.code(v)[0],
                "levels": lambda v: values.items(v, "|"),
                "text": values.text,
            }
            try:
                out[column.field] = self.cell(
                    "plan", number, column.field, None, readers[column.kind], value
                )
            except _RowFailed:
                ok = False
        for name, (number, _) in raw.items():
            if name not in {c.field for c in PLAN_FIELDS}:
                self.warn("plan", number, "field", None, f"unknown plan field {name}: ignored")
        if "axes" in self.tables:
            out["axes"] = self._axes()
        if "bands" in self.tables:
            out["bands"] = self._bands()
        return out if ok else None

    def _axes(self) -> list[dict]:
        axes: dict[str, dict] = {}
        for number, cells in self.tables["axes"].rows:
            axis, _ = values.code(cells.get("axis_code"))
            if axis is None:
                self.error("axes", number, "axis_code", None, "empty: the axis code is required")
                continue
            entry = axes.setdefault(
                axis,
                {"code": axis, "name": values.text(cells.get("axis_name")) or axis, "values": []},
            )
            value, _ = values.code(cells.get("value_code"))
            if value is not None:
                label = values.text(cells.get("value_label")) or value
                entry["values"].append({"code": value, "label": label})
        return list(axes.values())

    def _bands(self) -> list[dict]:
        bands = []
        for number, cells in self.tables["bands"].rows:
            code, _ = values.code(cells.get("code"))
            try:
                bound = self.cell(
                    "bands", number, "lower_bound", code, values.number, cells.get("lower_bound")
                )
            except _RowFailed:
                continue
            bands.append(
                {
                    "lower_bound": bound,
                    "code": code,
                    "label": values.text(cells.get("label")),
                    "color": values.text(cells.get("color")),
                }
            )
        return bands

    def import_plan(self) -> None:
        data = self._plan_values()
        counts = self.counts["plan"]
        counts.received = 1
        if data is None:
            counts.rejected = 1
            return
        if self.plan is None:
            body = {k: v for k, v in data.items() if v is not None}
            body["organization_id"] = self.organization_id
            try:
                create = PlanCreate.model_validate(body)
                self.plan = plans_service.create(self.session, self.actor, create)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = [str(p) for p in err["loc"]]
                    sheet = loc[0] if loc and loc[0] in ("axes", "bands") else "plan"
                    row = None
                    if sheet != "plan" and len(loc) > 1 and loc[1].isdigit():
                        rows = self.tables[sheet].rows
                        index = int(loc[1])
                        row = rows[index][0] if index < len(rows) else None
                    self.error(sheet, row, loc[-1] if loc else None, data.get("code"), err["msg"])
                counts.rejected = 1
                return
            except DomainError as exc:
                self._domain_problem("plan", None, data.get("code"), exc)
                counts.rejected = 1
                return
            counts.created = 1
            self._count_plan_lists("created")
            return
        plan = self.plan
        code = data.get("code")
        if code is not None and values.fold(code) != values.fold(plan.code):
            self.error(
                "plan",
                None,
                "code",
                code,
                f"this file is of plan {code}, not of {plan.code}: nothing was imported",
            )
            counts.rejected = 1
            self.plan = None
            return
        changed = self._plan_changes(data)
        for key in ("axes", "bands"):
            if key in self.tables and key not in changed:
                self.counts[key].unchanged = self.counts[key].received
        if not changed:
            counts.unchanged = 1
            return

        def write():
            update = PlanUpdate.model_validate(changed)
            return plans_service.update(self.session, self.actor, plan, update, self.reason)

        if self.attempt("plan", None, plan.code, write) is not None:
            counts.updated = 1
            for key in ("axes", "bands"):
                if key in self.tables and key in changed:
                    self.counts[key].updated = self.counts[key].received

    def _count_plan_lists(self, outcome: str) -> None:
        """Axes and bands travel with the plan: their rows count as the plan's outcome."""
        for key in ("axes", "bands"):
            if key in self.tables:
                setattr(self.counts[key], outcome, self.counts[key].received)

    def _plan_changes(self, data: dict) -> dict:
        plan = self.plan
        changed = {}
        for field, value in data.items():
            if field == "code":
                continue
            current = getattr(plan, field)
            if field == "bands":
                norm = [{**b, "lower_bound": Decimal(str(b["lower_bound"]))} for b in current or []]
                if norm != value:
                    changed[field] = value
            elif field in ("tolerance_pct",):
                if value is not None and Decimal(str(current)) != value:
                    changed[field] = value
            elif field in ("levels", "axes"):
                if (current or []) != value:
                    changed[field] = value
            elif field == "cap_at_100":
                if value is not None and value != current:
                    changed[field] = value
            elif value != current and not (value is None and field in ("kind", "name")):
                changed[field] = value
        return changed

    # --- nodes -------------------------------------------------------------------------

    def import_nodes(self) -> None:
        table = self.tables["nodes"]
        parsed = []
        seen: dict[str, int] = {}
        for position, (number, cells) in enumerate(table.rows, start=1):
            code = self.canon(self.node_codes, cells.get("code"), "nodes", number, "code")
            if code is None:
                self.error("nodes", number, "code", None, "empty: the code is required")
                self.counts["nodes"].rejected += 1
                continue
            if values.fold(code) in seen:
                self.error(
                    "nodes", number, "code", code, f"code repeated (row {seen[values.fold(code)]})"
                )
                self.counts["nodes"].rejected += 1
                continue
            seen[values.fold(code)] = number
            try:
                body = {
                    "code": code,
                    "parent_code": self.canon(
                        self.node_codes, cells.get("parent_code"), "nodes", number, "parent_code"
                    ),
                    "name": values.text(cells.get("name")),
                    "description": values.text(cells.get("description")),
                    "weight": self.cell(
                        "nodes", number, "weight", code, values.number, cells.get("weight")
                    )
                    or Decimal(1),
                    "order": _or(
                        self.cell(
                            "nodes", number, "order", code, values.integer, cells.get("order")
                        ),
                        position,
                    ),
                    "weights_by_year": self.cell(
                        "nodes",
                        number,
                        "weights_by_year",
                        code,
                        values.weights_by_year,
                        cells.get("weights_by_year"),
                    ),
                }
            except _RowFailed:
                self.counts["nodes"].rejected += 1
                continue
            parsed.append((number, body, values.text(cells.get("level"))))
        parents = {values.fold(b["code"]): b["parent_code"] for _, b, _ in parsed}

        def depth(code: str) -> int:
            steps, current = 0, values.fold(code)
            while steps < 50:
                parent = parents.get(current)
                if parent is None:
                    node = self.nodes.get(current)
                    if node is None or node.parent_id is None:
                        return steps
                    return steps + node.level
                current, steps = values.fold(parent), steps + 1
            return steps

        parsed.sort(key=lambda item: depth(item[1]["code"]))
        by_id = {n.id: n for n in self.nodes.values()}
        for number, body, level_name in parsed:
            existing = self.nodes.get(values.fold(body["code"]))
            if existing is None:
                node = self.attempt(
                    "nodes",
                    number,
                    body["code"],
                    lambda body=body, level_name=level_name: self._checked_level(
                        elements.create_node(
                            self.session,
                            self.actor,
                            self.target,
                            NodeCreate.model_validate(body),
                            self.reason,
                        ),
                        level_name,
                    ),
                )
                if node is not None:
                    self.nodes[values.fold(node.code)] = node
                    by_id[node.id] = node
                    self.counts["nodes"].created += 1
                continue
            parent = by_id.get(existing.parent_id) if existing.parent_id is not None else None
            current = {
                "parent_code": parent.code if parent else None,
                "name": existing.name,
                "description": existing.description,
                "weight": existing.weight,
                "order": existing.order,
                "weights_by_year": {
                    int(y): Decimal(str(w)) for y, w in (existing.weights_by_year or {}).items()
                },
            }
            changed = {k: v for k, v in body.items() if k != "code" and current[k] != v}
            if not changed:
                self.counts["nodes"].unchanged += 1
                continue
            done = self.attempt(
                "nodes",
                number,
                body["code"],
                lambda existing=existing, changed=changed, level_name=level_name: (
                    self._checked_level(
                        elements.update_node(
                            self.session,
                            self.actor,
                            self.target,
                            existing,
                            NodeUpdate.model_validate(changed),
                            self.reason,
                            act=self.legal_act,
                        ),
                        level_name,
                    )
                ),
            )
            if done is not None:
                self.counts["nodes"].updated += 1

    def _checked_level(self, node, level_name: str | None):
        levels = self.target.levels or []
        if (
            level_name
            and node.level < len(levels)
            and values.fold(levels[node.level]) != values.fold(level_name)
        ):
            raise Invalid(
                ["level"],
                f"the row says level «{level_name}», but under its parent the node is at "
                f"level «{levels[node.level]}»",
            )
        return node

    # --- actions -----------------------------------------------------------------------

    def _axis_values(self, sheet: str, number: int, code: str, cells: dict) -> dict:
        out = {}
        axes = {values.fold(a["code"]): a for a in self.target.axes or []}
        for axis_code, raw in (cells.get("axis_values") or {}).items():
            value = values.text(raw)
            if value is None:
                continue
            axis = axes.get(values.fold(axis_code))
            if axis is None:
                out[axis_code] = value  # the service names the unknown axis
                continue
            match = next(
                (
                    v["code"]
                    for v in axis["values"]
                    if values.fold(v["code"]) == values.fold(value)
                    or values.fold(v["label"]) == values.fold(value)
                ),
                value,
            )
            out[axis["code"]] = match
        return out

    def import_actions(self) -> None:
        table = self.tables["actions"]
        units_by_action = plans.action_units(self.session, plan_id=self.target.id)
        seen: dict[str, int] = {}
        for position, (number, cells) in enumerate(table.rows, start=1):
            code = self.canon(self.action_codes, cells.get("code"), "actions", number, "code")
            if code is None or values.fold(code) in seen:
                reason = (
                    "empty: the code is required"
                    if code is None
                    else f"code repeated (row {seen[values.fold(code)]})"
                )
                self.error("actions", number, "code", code, reason)
                self.counts["actions"].rejected += 1
                continue
            seen[values.fold(code)] = number
            try:
                body = {
                    "code": code,
                    "node_code": self.canon(
                        self.node_codes, cells.get("node_code"), "actions", number, "node_code"
                    ),
                    "description": values.text(cells.get("description")),
                    "unit_ids": [
                        self.canon(self.unit_codes, u, "actions", number, "unit_codes")
                        for u in values.items(cells.get("unit_codes"))
                    ],
                    "start_date": self.cell(
                        "actions", number, "start_date", code, values.day, cells.get("start_date")
                    ),
                    "due_date": self.cell(
                        "actions", number, "due_date", code, values.day, cells.get("due_date")
                    ),
                    "planned_cost": self.cell(
                        "actions",
                        number,
                        "planned_cost",
                        code,
                        values.number,
                        cells.get("planned_cost"),
                    ),
                    "weight": self.cell(
                        "actions", number, "weight", code, values.number, cells.get("weight")
                    )
                    or Decimal(1),
                    "order": _or(
                        self.cell(
                            "actions", number, "order", code, values.integer, cells.get("order")
                        ),
                        position,
                    ),
                    "axis_values": self._axis_values("actions", number, code, cells),
                }
            except _RowFailed:
                self.counts["actions"].rejected += 1
                continue
            existing = self.actions.get(values.fold(code))
            if existing is None:
                action = self.attempt(
                    "actions",
                    number,
                    code,
                    lambda body=body: elements.create_action(
                        self.session,
                        self.actor,
                        self.target,
                        ActionCreate.model_validate(body),
                        self.reason,
                    ),
                )
                if action is not None:
                    self.actions[values.fold(code)] = action
                    self.counts["actions"].created += 1
                continue
            node = self._by_id(self.nodes).get(existing.node_id)
            current: dict[str, Any] = {
                "node_code": node.code if node else None,
                "description": existing.description,
                "unit_ids": [
                    self.unit_code_of.get(u) for u in units_by_action.get(existing.id, [])
                ],
                "start_date": existing.start_date,
                "due_date": existing.due_date,
                "planned_cost": existing.planned_cost,
                "weight": existing.weight,
                "order": existing.order,
                "axis_values": existing.axis_values or {},
            }
            changed = {
                k: v
                for k, v in body.items()
                if k != "code"
                and (set(current[k]) != set(v) if k == "unit_ids" else current[k] != v)
            }
            if not changed:
                self.counts["actions"].unchanged += 1
                continue
            done = self.attempt(
                "actions",
                number,
                code,
                lambda existing=existing, changed=changed: elements.update_action(
                    self.session,
                    self.actor,
                    self.target,
                    existing,
                    ActionUpdate.model_validate(changed),
                    self.reason,
                ),
            )
            if done is not None:
                self.counts["actions"].updated += 1

    # --- indicators and contributions --------------------------------------------------

    def _contributions(self) -> dict[str, list[dict]]:
        """Contribution rows grouped by indicator (folded code), in the API's shape."""
        grouped: dict[str, dict[str, dict]] = defaultdict(dict)
        for number, cells in self.tables["contributions"].rows:
            ind = self.canon(
                self.indicator_codes,
                cells.get("indicator_code"),
                "contributions",
                number,
                "indicator_code",
            )
            node = self.canon(
                self.node_codes, cells.get("node_code"), "contributions", number, "node_code"
            )
            if ind is None or node is None:
                column = "indicator_code" if ind is None else "node_code"
                self.error("contributions", number, column, ind, "empty: a code is required")
                self.counts["contributions"].rejected += 1
                continue
            try:
                year = self.cell(
                    "contributions", number, "year", ind, values.integer, cells.get("year")
                )
                weight = self.cell(
                    "contributions", number, "weight", ind, values.number, cells.get("weight")
                )
            except _RowFailed:
                self.counts["contributions"].rejected += 1
                continue
            entry = grouped[values.fold(ind)].setdefault(
                values.fold(node),
                {"node_code": node, "weight": Decimal(1), "weights_by_year": {}, "rows": 0},
            )
            entry["rows"] += 1
            if year is None:
                entry["weight"] = weight if weight is not None else Decimal(1)
            else:
                entry["weights_by_year"][year] = weight if weight is not None else Decimal(1)
        return {k: list(v.values()) for k, v in grouped.items()}

    def _current_contributions(self, indicator: Indicator, stored: dict) -> list[tuple]:
        nodes = self._by_id(self.nodes)
        return sorted(
            (
                values.fold(nodes[c.node_id].code if c.node_id in nodes else ""),
                Decimal(c.weight),
                tuple(sorted((int(y), Decimal(w)) for y, w in (c.weights_by_year or {}).items())),
            )
            for c in stored.get(indicator.id, [])
        )

    @staticmethod
    def _wanted_contributions(items: list[dict]) -> list[tuple]:
        return sorted(
            (
                values.fold(i["node_code"]),
                i["weight"],
                tuple(sorted(i["weights_by_year"].items())),
            )
            for i in items
        )

    def _count_contributions(self, items: list[dict], before: list[tuple], changed: bool) -> None:
        if "contributions" not in self.counts:
            return
        rows = sum(i["rows"] for i in items) or 0
        counts = self.counts["contributions"]
        if not changed:
            counts.unchanged += rows
        elif before:
            counts.updated += rows
        else:
            counts.created += rows

    def import_indicators(self) -> None:
        table = self.tables["indicators"]
        contributions = self._contributions() if "contributions" in self.tables else None
        stored = plans.contributions(self.session, plan_id=self.target.id)
        seen: dict[str, int] = {}
        for position, (number, cells) in enumerate(table.rows, start=1):
            code = self.canon(self.indicator_codes, cells.get("code"), "indicators", number, "code")
            if code is None or values.fold(code) in seen:
                reason = (
                    "empty: the code is required"
                    if code is None
                    else f"code repeated (row {seen[values.fold(code)]})"
                )
                self.error("indicators", number, "code", code, reason)
                self.counts["indicators"].rejected += 1
                continue
            seen[values.fold(code)] = number
            try:
                body = self._indicator_body(number, code, cells, position)
            except _RowFailed:
                self.counts["indicators"].rejected += 1
                continue
            wanted = None if contributions is None else contributions.pop(values.fold(code), [])
            existing = self.indicators.get(values.fold(code))
            if existing is None:
                create = dict(body)
                if wanted:
                    create["contributions"] = [_contribution_in(i) for i in wanted]
                indicator = self.attempt(
                    "indicators",
                    number,
                    code,
                    lambda create=create: elements.create_indicator(
                        self.session,
                        self.actor,
                        self.target,
                        IndicatorCreate.model_validate(create),
                        self.reason,
                        act=self.legal_act,
                    ),
                )
                if indicator is not None:
                    self.indicators[values.fold(code)] = indicator
                    self.counts["indicators"].created += 1
                    if wanted is not None:
                        self._count_contributions(wanted, [], bool(wanted))
                continue
            changed = self._indicator_changes(existing, body)
            if "__move__" in changed:
                self.error(
                    "indicators",
                    number,
                    changed["__move__"],
                    code,
                    "an indicator does not move to another action or node (nor through the "
                    "JSON API): retire it and create a new one",
                )
                self.counts["indicators"].rejected += 1
                continue
            before = self._current_contributions(existing, stored)
            contributions_changed = wanted is not None and before != self._wanted_contributions(
                wanted
            )
            if contributions_changed and wanted is not None:
                changed["contributions"] = [_contribution_in(i) for i in wanted]
            if not changed:
                self.counts["indicators"].unchanged += 1
                if wanted is not None:
                    self._count_contributions(wanted, before, False)
                continue
            structural = {k for k in changed if k != "contributions"}
            done = self.attempt(
                "indicators",
                number,
                code,
                lambda existing=existing, changed=changed: elements.update_indicator(
                    self.session,
                    self.actor,
                    self.target,
                    existing,
                    IndicatorUpdate.model_validate(changed),
                    self.reason,
                    act=self.legal_act,
                ),
            )
            if done is not None:
                if structural:
                    self.counts["indicators"].updated += 1
                else:
                    self.counts["indicators"].unchanged += 1
                if wanted is not None:
                    self._count_contributions(wanted, before, contributions_changed)
        if contributions:
            # Contributions of indicators that the Indicators sheet does not list.
            self._apply_contributions(contributions, stored)

    def import_contributions_only(self) -> None:
        stored = plans.contributions(self.session, plan_id=self.target.id)
        self._apply_contributions(self._contributions(), stored)

    def _apply_contributions(self, grouped: dict[str, list[dict]], stored: dict) -> None:
        for folded, wanted in grouped.items():
            indicator = self.indicators.get(folded)
            code = wanted[0]["node_code"] if wanted else folded
            if indicator is None:
                self.error(
                    "contributions", None, "indicator_code", folded, "no such indicator in the plan"
                )
                self.counts["contributions"].rejected += sum(i["rows"] for i in wanted)
                continue
            before = self._current_contributions(indicator, stored)
            if before == self._wanted_contributions(wanted):
                self._count_contributions(wanted, before, False)
                continue
            update = {"contributions": [_contribution_in(i) for i in wanted]}
            done = self.attempt(
                "contributions",
                None,
                indicator.code,
                lambda indicator=indicator, update=update: elements.update_indicator(
                    self.session,
                    self.actor,
                    self.target,
                    indicator,
                    IndicatorUpdate.model_validate(update),
                    self.reason,
                    act=self.legal_act,
                ),
            )
            if done is not None:
                self._count_contributions(wanted, before, True)
            del code

    def _indicator_body(self, number: int, code: str, cells: dict, position: int) -> dict:
        sheet = "indicators"

        def num(field):
            return self.cell(sheet, number, field, code, values.number, cells.get(field))

        def choice(field, default):
            value = values.text(cells.get(field))
            return value.strip().lower() if value else default

        unit_of_measure = choice("unit_of_measure", "number")
        body = {
            "code": code,
            "name": values.text(cells.get("name")),
            "action_code": self.canon(
                self.action_codes, cells.get("action_code"), sheet, number, "action_code"
            ),
            "node_code": self.canon(
                self.node_codes, cells.get("node_code"), sheet, number, "node_code"
            ),
            "source": choice("source", "other"),
            "source_reference": values.text(cells.get("source_reference")),
            "unit_of_measure": unit_of_measure,
            "unit_label": values.text(cells.get("unit_label")),
            "accumulation": choice("accumulation", "sum"),
            "baseline_value": num("baseline_value"),
            "baseline_year": self.cell(
                sheet, number, "baseline_year", code, values.integer, cells.get("baseline_year")
            ),
            "target_value": num("target_value"),
            "min_value": num("min_value"),
            "max_value": num("max_value"),
            "unit_code": self.canon(
                self.unit_codes, cells.get("unit_code"), sheet, number, "unit_code"
            ),
            "weight": num("weight") or Decimal(1),
            "order": _or(
                self.cell(sheet, number, "order", code, values.integer, cells.get("order")),
                position,
            ),
            "axis_values": self._axis_values(sheet, number, code, cells),
        }
        if body["min_value"] is None and unit_of_measure in ("number", "percentage", "currency"):
            body["min_value"] = Decimal(0)
        if body["max_value"] is None and unit_of_measure == "percentage":
            body["max_value"] = Decimal(100)
        return body

    def _indicator_changes(self, existing: Indicator, body: dict) -> dict:
        action = self._by_id(self.actions).get(existing.action_id)
        node = self._by_id(self.nodes).get(existing.node_id)
        placed = (
            values.fold(action.code) if action else None,
            values.fold(node.code) if node else None,
        )
        wanted = (
            values.fold(body["action_code"]) if body["action_code"] else None,
            values.fold(body["node_code"]) if body["node_code"] else None,
        )
        if placed != wanted:
            raise_at = "action_code" if body["action_code"] else "node_code"
            return {"__move__": raise_at}
        changed = {}
        current: object
        for field, value in body.items():
            if field in ("code", "action_code", "node_code"):
                continue
            if field == "unit_code":
                unit_id = existing.unit_id
                current = self.unit_code_of.get(unit_id) if unit_id is not None else None
            else:
                current = getattr(existing, field)
            if field == "axis_values":
                current = current or {}
            if current != value:
                changed[field] = value
        return changed

    # --- programming -------------------------------------------------------------------

    def import_programming(self) -> None:
        table = self.tables["programming"]
        stored = plans.programming(self.session, plan_id=self.target.id)
        counts = self.counts["programming"]
        seen: dict[str, int] = {}
        for number, cells in table.rows:
            code = self.canon(
                self.indicator_codes,
                cells.get("indicator_code"),
                "programming",
                number,
                "indicator_code",
            )
            indicator = self.indicators.get(values.fold(code)) if code else None
            if code is None or indicator is None:
                self.error(
                    "programming", number, "indicator_code", code, "no such indicator in the plan"
                )
                counts.rejected += 1
                continue
            if values.fold(code) in seen:
                self.error(
                    "programming",
                    number,
                    "indicator_code",
                    code,
                    f"indicator repeated (row {seen[values.fold(code)]})",
                )
                counts.rejected += 1
                continue
            seen[values.fold(code)] = number
            items, failed = [], False
            for period, raw in sorted((cells.get("periods") or {}).items()):
                try:
                    value = self.cell(
                        "programming", number, period.isoformat(), code, values.number, raw
                    )
                except _RowFailed:
                    failed = True
                    continue
                if value is not None:
                    items.append((period, value))
            if failed:
                counts.rejected += 1
                continue
            # The workbook holds the totals; disaggregated planned values are kept as they are.
            before = [(p.period_end, p.value) for p in stored.get(indicator.id, []) if not p.dims]
            if before == items:
                counts.unchanged += 1
                continue
            kept = [
                ProgrammingItem(period_end=p.period_end, value=p.value, dims=p.dims)
                for p in stored.get(indicator.id, [])
                if p.dims
            ]

            def replace(
                indicator: Indicator = indicator, items: list = items, kept: list = kept
            ) -> bool:
                elements.replace_programming(
                    self.session,
                    self.actor,
                    self.target,
                    indicator,
                    [ProgrammingItem(period_end=p, value=v) for p, v in items] + kept,
                    self.reason,
                    act=self.legal_act,
                )
                return True

            done = self.attempt("programming", number, code, replace)
            if done is not None:
                if before:
                    counts.updated += 1
                else:
                    counts.created += 1

    # --- budget ------------------------------------------------------------------------

    def import_budget(self) -> None:
        table = self.tables["budget"]
        counts = self.counts["budget"]
        node_code = {n.id: n.code for n in self.nodes.values()}
        action_code = {a.id: a.code for a in self.actions.values()}
        existing: dict[tuple, list] = defaultdict(list)
        for row in plans.allocations_of(self.session, self.target.id):
            key = (
                values.fold(action_code.get(row.action_id, "")) if row.action_id else None,
                values.fold(node_code.get(row.node_id, "")) if row.node_id else None,
                values.fold(self.unit_code_of.get(row.unit_id, "")),
                row.year,
            )
            existing[key].append(row)
        seen: dict[tuple, int] = {}
        for number, cells in table.rows:
            action = self.canon(
                self.action_codes, cells.get("action_code"), "budget", number, "action_code"
            )
            node = self.canon(
                self.node_codes, cells.get("node_code"), "budget", number, "node_code"
            )
            unit = self.canon(
                self.unit_codes, cells.get("unit_code"), "budget", number, "unit_code"
            )
            code = action or node
            try:
                year = self.cell("budget", number, "year", code, values.integer, cells.get("year"))
                planned = self.cell(
                    "budget", number, "planned", code, values.number, cells.get("planned")
                )
                executed = self.cell(
                    "budget", number, "executed", code, values.number, cells.get("executed")
                )
            except _RowFailed:
                counts.rejected += 1
                continue
            note = values.text(cells.get("note"))
            key = (
                values.fold(action) if action else None,
                values.fold(node) if node else None,
                values.fold(unit) if unit else "",
                year,
            )
            if key in seen:
                self.error(
                    "budget",
                    number,
                    None,
                    code,
                    f"same action/node, unit and year as row {seen[key]}",
                )
                counts.rejected += 1
                continue
            seen[key] = number
            if planned is None:
                self.error(
                    "budget", number, "planned", code, "empty: the planned amount is required"
                )
                counts.rejected += 1
                continue
            matches = existing.get(key) or []
            if not matches:
                body = {
                    "action_code": action,
                    "node_code": node,
                    "unit_code": unit,
                    "year": year,
                    "planned": planned,
                    "executed": executed,
                    "note": note,
                }
                done = self.attempt(
                    "budget",
                    number,
                    code,
                    lambda body=body: elements.create_allocation(
                        self.session,
                        self.actor,
                        self.target,
                        BudgetAllocationCreate.model_validate(body),
                        self.reason,
                    ),
                )
                if done is not None:
                    counts.created += 1
                continue
            row = matches.pop(0)
            changed = {
                k: v
                for k, v in (("planned", planned), ("executed", executed), ("note", note))
                if getattr(row, k) != v
            }
            if not changed:
                counts.unchanged += 1
                continue
            done = self.attempt(
                "budget",
                number,
                code,
                lambda row=row, changed=changed: elements.update_allocation(
                    self.session,
                    self.actor,
                    self.target,
                    row,
                    BudgetAllocationUpdate.model_validate(changed),
                    self.reason,
                ),
            )
            if done is not None:
                counts.updated += 1

    # --- cuts --------------------------------------------------------------------------

    def import_cuts(self) -> None:
        table = self.tables["cuts"]
        counts = self.counts["cuts"]
        existing = {
            values.fold(c.code): c for c in repository.cuts_of(self.session, self.target.id)
        }
        known = {k: c.code for k, c in existing.items()}
        for number, cells in table.rows:
            code = self.canon(known, cells.get("code"), "cuts", number, "code")
            try:
                body = {
                    "code": code,
                    "cut_date": self.cell(
                        "cuts", number, "cut_date", code, values.day, cells.get("cut_date")
                    ),
                    "label": values.text(cells.get("label")),
                    "period_kind": (values.text(cells.get("period_kind")) or "quarterly").lower(),
                }
            except _RowFailed:
                counts.rejected += 1
                continue
            cut = existing.get(values.fold(code)) if code else None
            if cut is None:
                done = self.attempt(
                    "cuts",
                    number,
                    code,
                    lambda body=body: cuts_service.create(
                        self.session, self.actor, self.target, CutCreate.model_validate(body)
                    ),
                )
                if done is not None:
                    existing[values.fold(done.code)] = done
                    counts.created += 1
                    self._status_note(number, done, cells)
                continue
            self._status_note(number, cut, cells)
            changed = {k: v for k, v in body.items() if k != "code" and getattr(cut, k) != v}
            if not changed:
                counts.unchanged += 1
                continue
            done = self.attempt(
                "cuts",
                number,
                code,
                lambda cut=cut, changed=changed: cuts_service.update(
                    self.session, self.actor, self.target, cut, CutUpdate.model_validate(changed)
                ),
            )
            if done is not None:
                counts.updated += 1

    def _status_note(self, number: int, cut, cells: dict) -> None:
        wanted = (values.text(cells.get("status")) or "").lower()
        if wanted and wanted != cut.status:
            self.warn(
                "cuts",
                number,
                "status",
                cut.code,
                f"the cut is {cut.status}: a status is not imported (close and publish it with "
                "POST /api/v1/cuts/{id}/close and /publish)",
            )

    # --- measurements ------------------------------------------------------------------

    def import_measurements(self) -> None:
        table = self.tables["measurements"]
        counts = self.counts["measurements"]
        problems: list[FileProblem] = []
        for number, cells in table.rows:
            cells["indicator_code"] = self.canon(
                self.indicator_codes,
                cells.get("indicator_code"),
                "measurements",
                number,
                "indicator_code",
            )
        rows = measurements_file.read_rows(table, problems)
        self.errors += problems
        counts.rejected += len(problems)
        if not rows:
            return
        created, updated, unchanged, rejected = measurements_file.send(
            self.session, self.actor, self.target, rows, dry_run=False
        )
        counts.created += created
        counts.updated += updated
        counts.unchanged += unchanged
        counts.rejected += len(rejected)
        for row, reason in rejected:
            self.error("measurements", row.row, None, row.indicator_code, reason)


def _or(value, default):
    return default if value is None else value


def _contribution_in(item: dict) -> ContributionIn:
    return ContributionIn(
        node_code=item["node_code"],
        weight=item["weight"],
        weights_by_year=item["weights_by_year"],
    )


def import_workbook(
    session: Session,
    actor: Actor,
    plan: Plan | None,
    data: bytes,
    file_name: str | None,
    *,
    organization_id: uuid.UUID | None = None,
    dry_run: bool = False,
    atomic: bool = True,
    reason: str | None = None,
    legal_act: LegalActIn | None = None,
) -> WorkbookImportSummary:
    """Import a workbook (or CSV files) into `plan`, or as a new plan when it is None."""
    digest = hashlib.sha256(data).hexdigest()
    book = reader.open_upload(data, file_name)
    warnings: list[FileProblem] = []
    tables = tables_of(book, warnings)
    if not tables:
        raise BadRequest(
            "The file has no sheet this service knows (Plan, Nodos, Acciones, Indicadores, "
            "Programación, Mediciones…); see GET /api/v1/plans/workbook-template."
        )
    is_new = plan is None

    def run(careful: bool):
        savepoint = session.begin_nested()
        importer = _Importer(
            session,
            actor,
            plan,
            tables,
            reason=reason,
            organization_id=organization_id,
            careful=careful,
            legal_act=legal_act,
        )
        try:
            importer.run()
        except _Retry:
            if savepoint.is_active:
                savepoint.rollback()
            return None, None
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        return savepoint, importer

    # Atomic imports first run without a savepoint per row; only when a row is refused do
    # they run again row by row, to locate every problem (then nothing is kept anyway).
    savepoint, importer = run(careful=not atomic)
    if importer is None:
        savepoint, importer = run(careful=True)
    counts = importer.counts
    errors = importer.errors
    changed = any(c.created or c.updated for c in counts.values())
    keep = not dry_run and not (errors and atomic)
    target = importer.plan
    if keep:
        savepoint.commit()
        if changed and target is not None:
            changes.record(
                session,
                actor,
                target,
                entity="import",
                entity_id=target.id,
                entity_code=target.code,
                operation="import",
                before=None,
                after={
                    "file_name": file_name,
                    "file_sha256": digest,
                    "sheets": {k: c.model_dump() for k, c in counts.items()},
                },
                reason=reason,
                bump=False,
            )
            session.flush()
    elif savepoint.is_active:  # a unique-key conflict may have rolled everything back already
        savepoint.rollback()
    warnings += importer.warnings
    if errors and atomic and not dry_run:
        raise DomainError(
            f"{len(errors)} problems in the file and atomic=true: nothing was written. "
            "Each is located by sheet, row and column; try again with dry_run=true to check.",
            errors=[
                {
                    "loc": [p.sheet, p.row, p.column],
                    "msg": p.reason,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "code": p.code,
                }
                for p in errors
            ],
            status=422,
        )
    if errors and not changed:
        status = "rejected"
    elif is_new and target is not None and counts.get("plan", SheetCounts()).created:
        status = "created"
    elif changed:
        status = "updated"
    else:
        status = "unchanged"
    return WorkbookImportSummary(
        plan_id=None if (is_new and not keep) or target is None else target.id,
        file_name=file_name,
        file_sha256=digest,
        dry_run=dry_run,
        atomic=atomic,
        written=keep and changed,
        status=status,
        sheets=counts,
        errors=errors,
        warnings=warnings,
    )
