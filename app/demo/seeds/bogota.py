"""Secretaría General de Bogotá: Plan Estratégico Institucional, follow-up cut 30 Jun 2023.

Source: shared/seeds/004_3ebda388bd7b7355.txt ("Plan Estratégico Institucional, Seguimiento 30
de junio de 2023"). 8 strategic objectives measured by sectoral, investment-project and
management indicators; each row gives "Programación 2023", "Programación al corte" and
"Magnitud ejecutada al corte".

Encoding of the three figures (so the service's formulas reproduce the report):
- `sum` (counts): planned A_cut at 2023-06-30 and (A_year - A_cut) at 2023-12-31; measured the
  executed magnitude at 2023-06-30. Advance = E / P_cut.
- `constant` (percentages, levels): planned level A_cut at 2023-06-30 and A_year at 2023-12-31;
  the seed gives no baselines, and E / P_cut is what the report computes.
"""

from decimal import Decimal

CUT = "2023-06-30"
YEAR_END = "2023-12-31"


def _prog(kind, year_value, cut_value):
    """Programming rows from the seed's 'Programación 2023' and 'Programación al corte'."""
    if kind == "sum":
        rest = _dec(year_value) - _dec(cut_value)
        return [
            {"period_end": CUT, "value": cut_value},
            {"period_end": YEAR_END, "value": _fmt(rest, cut_value)},
        ]
    return [{"period_end": CUT, "value": cut_value}, {"period_end": YEAR_END, "value": year_value}]


def _dec(text):
    return Decimal(text)


def _fmt(value, like):
    """Format a Decimal with as many decimals as `like` has."""
    places = len(like.split(".")[1]) if "." in like else 0
    return f"{value:.{places}f}"


def _ind(
    code,
    node_code,
    name,
    *,
    source,
    source_reference,
    unit,
    accumulation,
    year_value,
    cut_value,
    unit_code=None,
    contributions=(),
):
    return {
        "code": code,
        "name": name,
        "action_code": None,
        "node_code": node_code,
        "source": source,
        "source_reference": source_reference,
        "unit_of_measure": unit,
        "unit_label": None,
        "baseline_value": None,
        "baseline_year": None,
        "target_value": None,
        "accumulation": accumulation,
        "unit_code": unit_code,
        "contributions": [{"node_code": n, "weight": "1"} for n in contributions],
        "programming": _prog(accumulation, year_value, cut_value),
    }


def _fu(indicator_code, narrative, *, observations=None, lag_justification=None, evidence=()):
    return {
        "cut_code": "2023-06",
        "indicator_code": indicator_code,
        "narrative": narrative,
        "observations": observations,
        "lag_justification": lag_justification,
        "evidence": list(evidence),
    }


_SC_NOTE = (
    "(*) Estos indicadores están a cargo de la Subsecretaría Corporativa de la Secretaría General."
)

SEED: dict = {
    "organization": {
        "code": "sg-bogota",
        "name": "Secretaría General de la Alcaldía Mayor de Bogotá D.C.",
        "kind": "secretaria",
    },
    "units": [
        {"code": "OAP", "name": "Oficina Asesora de Planeación", "acronym": None},
        {"code": "SC", "name": "Subsecretaría Corporativa", "acronym": None},
    ],
    "plan": {
        "code": "PEI",
        "name": "Plan Estratégico Institucional de la Secretaría General",
        "kind": "pei",
        "first_year": 2020,
        "last_year": 2024,
        "approval_reference": None,
        "description": (
            "El plan estratégico de la Secretaría General se medirá a través del cumplimiento "
            "de: Indicadores sectoriales, Indicadores de proyectos de inversión e Indicadores de "
            "gestión seleccionados. Estos indicadores aportan al cumplimiento de los 8 objetivos "
            "estratégicos. Cada objetivo estratégico busca llegar al 100 % de cumplimiento anual "
            "a partir de la ponderación de los indicadores que le aportan. La ponderación de los "
            "indicadores podrá modificarse anualmente, en atención al número de indicadores "
            "programados por vigencia. El cálculo para estimar el cumplimiento de cada objetivo "
            "estratégico es un promedio ponderado de los indicadores que le conforman y que "
            "tiene programación para la vigencia.\n"
            "Misión: La Secretaría General de la Alcaldía Mayor de Bogotá D.C., es la entidad "
            "líder del sector Gestión Pública que desarrolla condiciones para generar valor "
            "público, con el fin de lograr una ciudad moderna con un modelo de gobierno abierto, "
            "contribuir a la construcción de la paz y la reconciliación, y mejorar la calidad de "
            "vida de la ciudadanía.\n"
            "Visión: En 2030 la Secretaría General de la Alcaldía Mayor de Bogotá, D.C., será "
            "reconocida por posicionar una gestión pública distrital moderna, eficiente, "
            "transparente y abierta, y por generar las condiciones necesarias para la "
            "consolidación de la paz y la reconciliación en Bogotá Región, a través de los "
            "valores institucionales y en diálogo permanente con la ciudadanía.\n"
            "Control de cambios: Versión 3."
        ),
        "levels": ["Objetivo estratégico"],
        "axes": [],
        "tolerance_pct": "0",
        "cap_at_100": False,
    },
    "nodes": [
        {
            "code": "OBJ1",
            "parent_code": None,
            "order": 1,
            "weight": "1",
            "name": (
                "Implementar estrategias y acciones que aporten a la construcción de la paz, la "
                "reparación, la memoria y la reconciliación en Bogotá Región."
            ),
        },
        {
            "code": "OBJ2",
            "parent_code": None,
            "order": 2,
            "weight": "1",
            "name": (
                "Posicionar un modelo de gobierno abierto bajo los pilares de transparencia, "
                "participación y colaboración, con articulación intersectorial, que facilite un "
                "relacionamiento democrático entre la administración y la ciudadanía, a través del "
                "aprovechamiento de las TIC y la innovación pública."
            ),
        },
        {
            "code": "OBJ3",
            "parent_code": None,
            "order": 3,
            "weight": "1",
            "name": (
                "Consolidar una gestión pública eficiente, a través del desarrollo de capacidades "
                "institucionales, para contribuir a la generación de valor público."
            ),
        },
        {
            "code": "OBJ4",
            "parent_code": None,
            "order": 4,
            "weight": "1",
            "name": (
                "Promover procesos de transformación digital en la Secretaría General para aportar a "
                "la gestión pública eficiente."
            ),
        },
        {
            "code": "OBJ5",
            "parent_code": None,
            "order": 5,
            "weight": "1",
            "name": (
                "Fortalecer la prestación del servicio a la ciudadanía con oportunidad, eficiencia y "
                "transparencia, a través del uso de la tecnología y la cualificación de los "
                "servidores."
            ),
        },
        {
            "code": "OBJ6",
            "parent_code": None,
            "order": 6,
            "weight": "1",
            "name": (
                "Conocer los referentes internacionales de gestión pública, a través de estrategias "
                "de cooperación y articulación, para lograr que la administración distrital mejore "
                "su gestión pública y posicione las buenas prácticas que realiza."
            ),
        },
        {
            "code": "OBJ7",
            "parent_code": None,
            "order": 7,
            "weight": "1",
            "name": (
                "Mejorar la oportunidad en la ejecución de los recursos, a través del fortalecimiento "
                "de una cultura financiera, para lograr una gestión pública efectiva."
            ),
        },
        {
            "code": "OBJ8",
            "parent_code": None,
            "order": 8,
            "weight": "1",
            "name": (
                "Fomentar la innovación y la gestión del conocimiento, a través del fortalecimiento "
                "de las competencias del talento humano de la entidad, con el propósito de mejorar "
                "la capacidad institucional y su gestión."
            ),
        },
    ],
    "actions": [],
    "indicators": [
        _ind(
            "IS-321",
            "OBJ1",
            (
                "Porcentaje de avance en la implementación de una estrategia para la consolidación "
                "de Bogotá Región, como epicentro de paz y reconciliación, a través de la "
                "implementación de los Acuerdos de Paz en el Distrito."
            ),
            source="sectoral",
            source_reference="Indicador sectorial 321",
            unit="percentage",
            accumulation="constant",
            year_value="90.00",
            cut_value="73.50",
        ),
        _ind(
            "PI-7871-M4",
            "OBJ1",
            (
                "Implementar 100% de la formulación y puesta en marcha de la Política Pública "
                "Distrital de Víctimas, memoria, paz y reconciliación."
            ),
            source="investment_project",
            source_reference="Meta proyecto de inversión N°4, proyecto 7871",
            unit="percentage",
            accumulation="constant",
            year_value="90.00",
            cut_value="66.67",
        ),
        _ind(
            "IS-464",
            "OBJ2",
            (
                "Número de estrategias para el posicionamiento, cualificación y empoderamiento "
                "ciudadano implementadas."
            ),
            source="sectoral",
            source_reference="Indicador sectorial 464",
            unit="number",
            accumulation="sum",
            year_value="1.00",
            cut_value="0.50",
        ),
        _ind(
            "IS-543",
            "OBJ2",
            (
                "Porcentaje de avance en la implementación de estrategias para fortalecer la gestión "
                "y la innovación pública distrital."
            ),
            source="sectoral",
            source_reference="Indicador sectorial 543",
            unit="percentage",
            accumulation="constant",
            year_value="24.00",
            cut_value="16.00",
            contributions=("OBJ2", "OBJ3"),
        ),
        _ind(
            "IS-554",
            "OBJ2",
            (
                "Porcentaje de lineamientos distritales en materia de comunicación pública, "
                "formulados, implementados y monitoreados."
            ),
            source="sectoral",
            source_reference="Indicador sectorial 554",
            unit="percentage",
            accumulation="constant",
            year_value="90.00",
            cut_value="80.50",
        ),
        _ind(
            "IS-552",
            "OBJ3",
            (
                "Porcentaje de avance en la implementación de la estrategia de apropiación del "
                "patrimonio documental y fortalecimiento de la gestión documental distrital."
            ),
            source="sectoral",
            source_reference="Indicador sectorial 552",
            unit="percentage",
            accumulation="constant",
            year_value="80.00",
            cut_value="66.16",
        ),
        _ind(
            "IS-513",
            "OBJ4",
            ("Porcentaje de avance de las agendas de transformación digital implementadas."),
            source="sectoral",
            source_reference="Indicador sectorial 513",
            unit="percentage",
            accumulation="constant",
            year_value="75.00",
            cut_value="60.00",
        ),
        _ind(
            "IS-514",
            "OBJ4",
            "Política Pública TIC formulada.",
            source="sectoral",
            source_reference="Indicador sectorial 514 (Meta sectorial 469)",
            unit="number",
            accumulation="constant",
            year_value="1.00",
            cut_value="1.00",
        ),
        _ind(
            "IS-545",
            "OBJ5",
            ("Número de orientaciones y solicitudes recibidas a través de la línea 195."),
            source="sectoral",
            source_reference="Indicador sectorial 545",
            unit="number",
            accumulation="sum",
            year_value="5486863",
            cut_value="2743434",
        ),
        _ind(
            "IS-546",
            "OBJ5",
            "Número de PQRS recibidas por otros canales.",
            source="sectoral",
            source_reference="Indicador sectorial 546",
            unit="number",
            accumulation="sum",
            year_value="208446",
            cut_value="104220",
        ),
        _ind(
            "IS-551",
            "OBJ6",
            (
                "Número de acciones para la proyección y cooperación internacional de Bogotá y la "
                "región ejecutadas."
            ),
            source="sectoral",
            source_reference="Indicador sectorial 551",
            unit="number",
            accumulation="sum",
            year_value="20.00",
            cut_value="9.00",
        ),
        _ind(
            "MG-7.1",
            "OBJ7",
            "Porcentaje de presupuesto comprometido de la Secretaría General.",
            source="management",
            source_reference="Meta de Gestión",
            unit="percentage",
            accumulation="constant",
            year_value="100.00",
            cut_value="100.00",
            unit_code="SC",
        ),
        _ind(
            "MG-7.2",
            "OBJ7",
            (
                "Porcentaje de la estrategia anual para mejorar la oportunidad en la ejecución de "
                "los recursos en la Secretaría General."
            ),
            source="management",
            source_reference="Meta de Gestión",
            unit="percentage",
            accumulation="constant",
            year_value="100.00",
            cut_value="100.00",
            unit_code="SC",
        ),
        _ind(
            "MG-8.1",
            "OBJ8",
            "Implementación del Plan Institucional de Capacitación – PIC.",
            source="management",
            source_reference="Meta de gestión",
            unit="percentage",
            accumulation="constant",
            year_value="100.00",
            cut_value="100.00",
            unit_code="SC",
        ),
    ],
    "budget_allocations": [],
    "cuts": [
        {
            "code": "2023-06",
            "cut_date": CUT,
            "label": "Seguimiento 30 de junio de 2023",
            "period_kind": "semiannual",
        },
    ],
    "measurements": [
        {"indicator_code": code, "period_end": CUT, "value": value, "note": None}
        for code, value in [
            ("IS-321", "72.50"),
            ("PI-7871-M4", "66.67"),
            ("IS-464", "0.50"),
            ("IS-543", "16.00"),
            ("IS-554", "80.50"),
            ("IS-552", "66.16"),
            ("IS-513", "60.00"),
            ("IS-514", "1.00"),
            ("IS-545", "1474056"),
            ("IS-546", "150623"),
            ("IS-551", "9.00"),
            ("MG-7.1", "95.00"),
            ("MG-7.2", "100.00"),
            ("MG-8.1", "100.00"),
        ]
    ],
    "followups": [
        _fu(
            "IS-321",
            (
                "Rezago 1,69%: está pendiente realizar acciones de asistencia técnica y articulación "
                "intersectorial y local para el desarrollo de procesos de Paz y la Reconciliación "
                "del mes de junio debido a la finalización el Convenio 762 de 2022. Dicha actividad "
                "será adelantada en el segundo semestre de 2023 a través del nuevo Convenio "
                "celebrado con la Organización Internacional para las Migraciones – OIM."
            ),
            lag_justification=(
                "está pendiente realizar acciones de asistencia técnica y articulación intersectorial "
                "y local para el desarrollo de procesos de Paz y la Reconciliación del mes de junio "
                "debido a la finalización el Convenio 762 de 2022. Dicha actividad será adelantada "
                "en el segundo semestre de 2023 a través del nuevo Convenio celebrado con la "
                "Organización Internacional para las Migraciones – OIM."
            ),
        ),
        _fu("PI-7871-M4", "En cumplimiento"),
        _fu("IS-464", "En cumplimiento"),
        _fu("IS-543", "En cumplimiento"),
        _fu("IS-554", "En cumplimiento"),
        _fu(
            "IS-552",
            "En cumplimiento",
            observations=(
                "A partir de la vigencia 2022, se incluyó el indicador sectorial 552 para medir el "
                "cumplimiento del objetivo 3. Esto según solicitud del Comité de Gestión y Desempeño "
                "del 22/10/2021."
            ),
        ),
        _fu("IS-513", "En cumplimiento"),
        _fu(
            "IS-514",
            "En cumplimiento, según Conpes 29 de 2023",
            observations=(
                "La programación del indicador sectorial Nro. 514 finalizaba en la vigencia 2022. "
                "Sin embargo, se alcanzó un cumplimiento del 90%, el 10% restante se cumplirá en la "
                "vigencia 2023. Por lo anterior, se registra la programación respectiva. "
                "Control de cambios (Versión 3, 001): Meta sectorial 469: Formular la política "
                "pública de Bogotá territorio inteligente. Indicador: sectorial 514: Política Pública "
                "TIC formulada. La programación del indicador finalizaba en la vigencia 2022, sin "
                "embargo, alcanzó 90% de cumplimiento. Por lo cual, se ajustó la programación del "
                "indicador en la vigencia 2023, la cual quedó para cumplir el 10% faltante."
            ),
            evidence=[
                {
                    "kind": "document",
                    "title": "Conpes 29 de 2023",
                    "url": None,
                    "reference": "Conpes 29 de 2023",
                    "date": None,
                },
            ],
        ),
        _fu(
            "IS-545",
            (
                "Rezago del 46.27% . Presenta un rezago de 1.269.378 debido entre otros aspectos a "
                "la preferencia de la ciudadanía en hacer uso de otros canales, como Chatico, entre "
                "otros canales virtuales."
            ),
            lag_justification=(
                "Presenta un rezago de 1.269.378 debido entre otros aspectos a la preferencia de la "
                "ciudadanía en hacer uso de otros canales, como Chatico, entre otros canales "
                "virtuales."
            ),
        ),
        _fu(
            "IS-546",
            (
                "Sobre ejecución del 44.52% : El resultado de este indicador está condicionado a la "
                "presentación de PQRS por parte de La ciudadanía en los diferentes temas de las "
                "entidades distritales, por lo cual, se recomienda realizar monitoreo constante "
                "hasta el mes de junio para identificar el comportamiento de la atención y de esta "
                "manera poder determinar la magnitud a reprogramar."
            ),
            observations=(
                "El resultado de este indicador está condicionado a la presentación de PQRS por "
                "parte de La ciudadanía en los diferentes temas de las entidades distritales, por lo "
                "cual, se recomienda realizar monitoreo constante hasta el mes de junio para "
                "identificar el comportamiento de la atención y de esta manera poder determinar la "
                "magnitud a reprogramar."
            ),
        ),
        _fu("IS-551", "En cumplimiento"),
        _fu(
            "MG-7.1",
            (
                "Rezago 5%: Al corte de junio de 2023 se logró comprometer el 95% del total de la "
                "apropiación presupuestal asignada derivada de la contratación de bienes y servicios; "
                "gastos de personal y funcionamiento, los cuales permiten el cumplimiento de las "
                "metas misionales de la Entidad"
            ),
            observations=_SC_NOTE,
            lag_justification=(
                "Al corte de junio de 2023 se logró comprometer el 95% del total de la apropiación "
                "presupuestal asignada derivada de la contratación de bienes y servicios; gastos de "
                "personal y funcionamiento, los cuales permiten el cumplimiento de las metas "
                "misionales de la Entidad"
            ),
        ),
        _fu("MG-7.2", "En cumplimiento", observations=_SC_NOTE),
        _fu("MG-8.1", "En cumplimiento", observations=_SC_NOTE),
    ],
    "expected": {
        "indicators": {
            "IS-321": {
                "advance_pct_shown": "98.64",
                "status_code": "lagging",
                "status_label": "Rezago 1.36%",
            },
            "PI-7871-M4": {
                "advance_pct_shown": "100.00",
                "status_code": "on_track",
                "status_label": "En cumplimiento",
            },
            "IS-464": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "IS-543": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "IS-554": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "IS-552": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "IS-513": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "IS-514": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "IS-545": {
                "advance_pct_shown": "53.73",
                "status_code": "lagging",
                "status_label": "Rezago 46.27%",
            },
            "IS-546": {
                "advance_pct_shown": "144.52",
                "status_code": "over_executed",
                "status_label": "Sobre ejecución 44.52%",
                "year_advance_pct_shown": "72.26",
            },
            "IS-551": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "MG-7.1": {"advance_pct_shown": "95.00", "status_code": "lagging"},
            "MG-7.2": {"advance_pct_shown": "100.00", "status_code": "on_track"},
            "MG-8.1": {"advance_pct_shown": "100.00", "status_code": "on_track"},
        },
        "nodes": {
            "OBJ2": "100.00",
            "OBJ3": "100.00",
            "OBJ4": "100.00",
            "OBJ5": "99.13",
            "OBJ6": "100.00",
            "OBJ7": "97.50",
            "OBJ8": "100.00",
        },
        # What the service's formulas give where the report prints something else.
        "nodes_by_formula": {"OBJ1": "99.32"},
        "printed_not_reproduced": {
            "IS-321": {"printed": "98.31", "printed_status": "Rezago 1,69%", "by_formula": "98.64"},
            "OBJ1": {"printed": "98.49", "by_formula": "99.32"},
        },
    },
    "notes": [
        "Indicador sectorial 321: el informe imprime 98,31% y “Rezago 1,69%”, pero 72,50 / "
        "73,50 = 98,64%. Se sigue la fórmula (E/P al corte): el servicio mostrará 98,64% y "
        "“Rezago 1,36%”. El informe no da línea base con la que 98,31% saldría de una fórmula "
        "creciente.",
        "Objetivo 1: el informe imprime 98,49%. Con 98,64% (indicador 321) y 100% (meta 4 del "
        "proyecto 7871) ningún promedio ponderado da 98,49% (queda por debajo de ambos); con pesos "
        "iguales la fórmula da 99,32%. Con el 98,31% impreso haría falta un peso de ≈0,89 para "
        "el 321, que el informe no publica. Se usan pesos iguales (1).",
        "Pesos: el informe dice que la ponderación puede cambiar cada año pero no la publica; "
        "los objetivos 5 (99,13%) y 7 (97,50%) se reproducen con pesos iguales, que se usan en "
        "todos.",
        "Indicador sectorial 543 aparece en los objetivos 2 y 3 con las mismas cifras: es un solo "
        "indicador (cuelga del objetivo 2) con contribuciones explícitas a OBJ2 y OBJ3.",
        "Acumulación: los indicadores de conteo (464, 545, 546, 551) se cargan como `sum` "
        "(programado al corte en 2023-06-30 y el resto del año en 2023-12-31); los porcentajes, "
        "las metas de gestión y el 514 como `constant` (nivel programado al corte en 2023-06-30 "
        "y nivel anual en 2023-12-31). El informe no da líneas base, y E/P es lo que calcula.",
        "Indicador sectorial 514: la nota dice que en 2022 se alcanzó el 90% y que en 2023 se "
        "programa el 10% restante, pero la tabla imprime 1,00 como programación 2023 y al corte; "
        "se carga como nivel (`constant`) 1,00 con ejecución 1,00.",
        "Vigencias del plan: el informe no las imprime (cita las vigencias 2021, 2022 y 2023 y "
        "una visión a 2030). Se registra 2020-2024, el periodo del plan de desarrollo distrital "
        "al que pertenecen los indicadores sectoriales; es una decisión, no un dato del informe.",
        "Responsables: el informe sólo dice que los indicadores marcados (*) de los objetivos 7 "
        "y 8 están a cargo de la Subsecretaría Corporativa; la meta del objetivo 8 no lleva el "
        "asterisco aunque la nota se repite bajo su tabla: se asigna también a la Subsecretaría "
        "Corporativa. Los demás indicadores quedan sin unidad responsable.",
        "Control de cambios (sin campo en el SEED, va en el seguimiento del 514 y en la "
        "descripción): Versión 3, cambio 001, objetivo estratégico 4, meta sectorial 469 / "
        "indicador sectorial 514: se ajustó la programación 2023 para cumplir el 10% faltante.",
        "El corte se marca semestral (la programación se parte en 30 de junio y 31 de "
        "diciembre); el informe no dice la periodicidad.",
        "Objetivo 2: el resumen trunca su texto (“…a través del aprovechamiento de las TIC”); "
        "se usa el texto completo de la diapositiva del objetivo.",
    ],
}
