"""The workbook format: one sheet per part of a plan, each column a Spanish header with the API
field name beneath it. The template, the export, the CSV files and the reader all use this.

A sheet's rows start on row 3 (row 1: what officials read, row 2: the API field). CSV files
carry the same columns, one file per sheet, named after the sheet's key (`nodes.csv`); they may
have both header lines or only the API one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.spreadsheets.values import fold


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str = "text"  # text, code, codes, number, int, date, bool
    choices: str | None = None  # name of a list in LISTS (closed vocabularies)
    width: int = 16
    note: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str  # also the CSV file name and the `sheet` of every problem
    title: str  # the tab's name
    columns: tuple[Column, ...]
    example: dict = field(default_factory=dict)
    note: str = ""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)


# Closed vocabularies, offered as Excel drop-down lists (from the "Listas" sheet).
LISTS: dict[str, list[str]] = {
    "kind": ["pet", "pei", "digital_government", "action_plan", "development_plan", "other"],
    "source": ["sectoral", "investment_project", "management", "other"],
    "unit_of_measure": ["number", "percentage", "currency", "other"],
    # The service's types, then the DNP guide's names (README, "DNP typology").
    "accumulation": [
        "sum",
        "constant",
        "increasing",
        "decreasing",
        "cumulative",
        "flujo",
        "stock",
        "acumulado",
        "capacidad",
        "reducción",
        "reducción anual",
    ],
    "period_kind": ["monthly", "quarterly", "semiannual", "annual"],
    "bool": ["SI", "NO"],
}
# Lists that depend on the plan or its organization, filled when a workbook is written.
PLAN_LISTS = ("level", "unit")

PLAN_FIELDS: tuple[Column, ...] = (
    Column("code", "Código del plan", "code"),
    Column("name", "Nombre"),
    Column("kind", "Tipo de plan", choices="kind"),
    Column("description", "Descripción"),
    Column("first_year", "Primera vigencia", "int"),
    Column("last_year", "Última vigencia", "int"),
    Column("approval_reference", "Acto de aprobación"),
    Column("levels", "Niveles del árbol (separados por |)", "levels"),
    Column("tolerance_pct", "Tolerancia (%)", "number"),
    Column("cap_at_100", "Limitar avances al 100% (SI/NO)", "bool", choices="bool"),
    Column("status", "Estado (solo lectura)"),
)

PLAN = Sheet(
    "plan",
    "Plan",
    (
        Column("label", "Campo", width=34),
        Column("field", "Campo en la API", width=20),
        Column("value", "Valor", width=60),
    ),
    note="One row per field of the plan; the value goes in the third column.",
)

AXES = Sheet(
    "axes",
    "Ejes",
    (
        Column("axis_code", "Código del eje", "code"),
        Column("axis_name", "Nombre del eje", width=30),
        Column("value_code", "Código del valor", "code"),
        Column("value_label", "Valor", width=40),
    ),
    example={
        "axis_code": "component",
        "axis_name": "Componente",
        "value_code": "tic_estado",
        "value_label": "TIC para el Estado",
    },
)

BANDS = Sheet(
    "bands",
    "Semáforo",
    (
        Column("lower_bound", "Desde (%)", "number"),
        Column("code", "Código", "code"),
        Column("label", "Etiqueta", width=24),
        Column("color", "Color (#RRGGBB)"),
    ),
    example={"lower_bound": 0, "code": "red", "label": "Crítico", "color": "#c62828"},
)

NODES = Sheet(
    "nodes",
    "Nodos",
    (
        Column("code", "Código", "code"),
        Column("parent_code", "Código del padre", "code"),
        Column("level", "Nivel", choices="level", width=22),
        Column("name", "Nombre", width=50),
        Column("description", "Descripción", width=30),
        Column("weight", "Peso", "number"),
        Column("order", "Orden", "int"),
        Column("weights_by_year", "Peso por vigencia (2024: 1 | 2025: 2)", width=24),
    ),
    example={"code": "C1", "level": "Componente", "name": "Componente 1", "weight": 1},
)

ACTIONS = Sheet(
    "actions",
    "Acciones",
    (
        Column("code", "Código", "code"),
        Column("node_code", "Código del nodo", "code"),
        Column("description", "Descripción", width=50),
        Column("unit_codes", "Dependencias responsables (separadas por |)", "codes", "unit"),
        Column("start_date", "Fecha de inicio", "date"),
        Column("due_date", "Fecha de terminación", "date"),
        Column("planned_cost", "Costo planeado ($)", "number"),
        Column("weight", "Peso", "number"),
        Column("order", "Orden", "int"),
    ),
    example={
        "code": "A1",
        "node_code": "C1",
        "description": "Formular el documento técnico",
        "start_date": "2024-02-01",
        "due_date": "2024-12-31",
        "planned_cost": 25_000_000,
    },
    note="Plus one column per axis of the plan, `axis:<code>`, holding the value's code.",
)

BUDGET = Sheet(
    "budget",
    "Presupuesto",
    (
        Column("action_code", "Código de la acción", "code"),
        Column("node_code", "Código del nodo", "code"),
        Column("unit_code", "Código de la dependencia", "code", "unit"),
        Column("year", "Vigencia", "int"),
        Column("planned", "Planeado ($)", "number", width=18),
        Column("executed", "Ejecutado ($)", "number", width=18),
        Column("note", "Nota", width=30),
    ),
    example={"action_code": "A1", "year": 2024, "planned": 25_000_000},
)

INDICATORS = Sheet(
    "indicators",
    "Indicadores",
    (
        Column("code", "Código", "code"),
        Column("name", "Nombre", width=50),
        Column("action_code", "Código de la acción", "code"),
        Column("node_code", "Código del nodo", "code"),
        Column("source", "Fuente", choices="source"),
        Column("source_reference", "Referencia de la fuente", width=24),
        Column("unit_of_measure", "Unidad de medida", choices="unit_of_measure"),
        Column("unit_label", "Etiqueta de la unidad"),
        Column("accumulation", "Tipo de acumulación", choices="accumulation"),
        Column("baseline_value", "Línea base", "number"),
        Column("baseline_year", "Año de la línea base", "int"),
        Column("target_value", "Meta del plan", "number"),
        Column("min_value", "Valor mínimo", "number"),
        Column("max_value", "Valor máximo", "number"),
        Column("unit_code", "Dependencia responsable", "code", "unit"),
        Column("weight", "Peso", "number"),
        Column("order", "Orden", "int"),
    ),
    example={
        "code": "IND-1",
        "name": "Documento técnico formulado",
        "action_code": "A1",
        "source": "management",
        "unit_of_measure": "number",
        "accumulation": "sum",
        "target_value": 1,
    },
    note="Plus one column per axis of the plan, `axis:<code>`, holding the value's code.",
)

CONTRIBUTIONS = Sheet(
    "contributions",
    "Contribuciones",
    (
        Column("indicator_code", "Código del indicador", "code"),
        Column("node_code", "Código del nodo", "code"),
        Column("year", "Vigencia (vacía: todas)", "int"),
        Column("weight", "Peso", "number"),
    ),
    example={"indicator_code": "IND-1", "node_code": "C1", "weight": 1},
    note="Only where an indicator feeds other nodes than its own (or with another weight).",
)

PROGRAMMING = Sheet(
    "programming",
    "Programación",
    (Column("indicator_code", "Código del indicador", "code"),),
    example={"indicator_code": "IND-1"},
    note="Then one column per period end: its date in row 2, the planned values below.",
)

MEASUREMENTS = Sheet(
    "measurements",
    "Mediciones",
    (
        Column("indicator_code", "Código del indicador", "code"),
        Column("period_end", "Fin del periodo", "date"),
        Column("value", "Valor ejecutado", "number"),
        Column("note", "Nota", width=40),
    ),
    example={"indicator_code": "IND-1", "period_end": "2024-06-30", "value": 0},
)

CUTS = Sheet(
    "cuts",
    "Cortes",
    (
        Column("code", "Código", "code"),
        Column("cut_date", "Fecha de corte", "date"),
        Column("label", "Nombre", width=30),
        Column("period_kind", "Periodicidad", choices="period_kind"),
        Column("status", "Estado (solo lectura)"),
    ),
    example={
        "code": "2024-06",
        "cut_date": "2024-06-30",
        "label": "Corte a 30 de junio de 2024",
        "period_kind": "semiannual",
    },
)

SHEETS: tuple[Sheet, ...] = (
    PLAN,
    AXES,
    BANDS,
    NODES,
    ACTIONS,
    BUDGET,
    INDICATORS,
    CONTRIBUTIONS,
    PROGRAMMING,
    MEASUREMENTS,
    CUTS,
)
LISTS_TITLE = "Listas"
AXIS_PREFIX = "axis:"

# A sheet is found by its tab name or key, compared without accents or letter case.
_BY_NAME = {fold(n): s for s in SHEETS for n in (s.key, s.title)}
_BY_NAME.update(
    {
        fold("Semáforo"): BANDS,
        fold("Programación"): PROGRAMMING,
        fold("Presupuestos"): BUDGET,
        fold("Metas"): INDICATORS,
    }
)


def sheet_named(name: str) -> Sheet | None:
    return _BY_NAME.get(fold(name.strip()))
