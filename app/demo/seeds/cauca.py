"""Gobernación del Cauca: PET 2023-2024 and its partial follow-up at the 30 Sep 2023 cut.

Source: shared/seeds/000_92245dbce01886cb.txt ("Informe de seguimiento parcial, Plan de acción,
Plan Estadístico Territorial (PET) de la Gobernación del Cauca 2023 - 2024", septiembre de 2023).
Tree: objetivo específico -> estrategia -> acción -> meta/indicador.
"""

CUT = "2023-09-30"
PLAN_END = "2024-12-31"
TANGARA = "https://www.tangara.gov.co"


def _ind(
    code,
    action_code,
    name,
    *,
    unit="number",
    target=None,
    programming=(),
    accumulation="sum",
    illustrative=False,
):
    """A meta/indicador of one action; programming is [(period_end, value), ...]."""
    indicator = {
        "code": code,
        "name": name,
        "action_code": action_code,
        "node_code": None,
        "source": "management",
        "source_reference": "Meta/Indicador del plan de acción del PET",
        "unit_of_measure": unit,
        "unit_label": None,
        "baseline_value": None,
        "baseline_year": None,
        "target_value": target,
        "accumulation": accumulation,
        "unit_code": None,
        "contributions": [],
        "programming": [{"period_end": end, "value": value} for end, value in programming],
    }
    if illustrative:
        indicator["illustrative"] = True
    return indicator


def _due_at_cut(code, action_code, name, target, **kwargs):
    """A meta the report judges against in full at the cut (see notes: illustrative)."""
    return _ind(
        code,
        action_code,
        name,
        target=target,
        programming=[(CUT, target)],
        illustrative=True,
        **kwargs,
    )


def _later(code, action_code, name, target):
    """A meta of an action that starts after the cut: planned at the plan's end (illustrative)."""
    return _ind(
        code, action_code, name, target=target, programming=[(PLAN_END, target)], illustrative=True
    )


def _action(code, node_code, order, description, start_date=None):
    return {
        "code": code,
        "node_code": node_code,
        "description": description,
        "unit_codes": ["OAP"],
        "start_date": start_date,
        "due_date": None,
        "planned_cost": None,
        "axis_values": {},
        "weight": "1",
        "order": order,
    }


def _ev(kind, title, *, url=None, reference=None, date=None):
    return {"kind": kind, "title": title, "url": url, "reference": reference or title, "date": date}


def _fu(indicator_code, narrative, observations, evidence=(), lag_justification=None):
    return {
        "cut_code": "2023-09",
        "indicator_code": indicator_code,
        "narrative": narrative,
        "observations": observations,
        "lag_justification": lag_justification,
        "evidence": list(evidence),
    }


_TANGARA_EV = _ev(
    "link",
    "Sistema de información socio económica del departamento del Cauca – Tángara",
    url=TANGARA,
    reference="www.Tangara.gov.co",
)
_DECRETO_CODE = _ev(
    "document",
    "Decreto 1076 de agosto de 2023, por medio del cual se crea el Consejo Departamental de "
    "estadística – CODE, y se dictan otras disposiciones",
    reference="Decreto 1076 de agosto de 2023",
)

SEED: dict = {
    "organization": {"code": "gob-cauca", "name": "Gobernación del Cauca", "kind": "gobernacion"},
    "units": [
        {"code": "OAP", "name": "Oficina Asesora de Planeación", "acronym": None},
        {"code": "GSI", "name": "Grupo Sistemas de Información", "acronym": None},
        {"code": "SG", "name": "Secretaría General", "acronym": None},
        {"code": "CI", "name": "Control Interno", "acronym": None},
    ],
    "plan": {
        "code": "PET-2023-2024",
        "name": "Plan Estadístico Territorial (PET) de la Gobernación del Cauca 2023 - 2024",
        "kind": "pet",
        "first_year": 2023,
        "last_year": 2024,
        "approval_reference": (
            "Acta 002 del Comité Institucional de Gestión y Desempeño, con fecha 31 mayo 2023"
        ),
        "description": (
            "Plan de acción del Plan Estadístico Territorial (PET) de la Gobernación del Cauca "
            "2023 - 2024: tres objetivos específicos y siete estrategias con sus respectivas "
            "acciones. Según el DANE (2020) la fase de seguimiento al Plan Estadístico "
            "Territorial – PET, se centra en el monitoreo periódico que el equipo coordinador "
            "realiza a la implementación de las estrategias y acciones establecidas en el plan "
            "de acción definido en la fase de formulación. Equipo coordinador: Grupo Sistemas "
            "de Información, Oficina Asesora de Planeación."
        ),
        "levels": ["Objetivo específico", "Estrategia"],
        "axes": [],
        "bands": [
            {"lower_bound": "0", "code": "red", "label": "0-49%", "color": "#c62828"},
            {"lower_bound": "50", "code": "yellow", "label": "50-99%", "color": "#f9a825"},
            {"lower_bound": "100", "code": "green", "label": "100%", "color": "#2e7d32"},
        ],
        "tolerance_pct": "0",
        "cap_at_100": False,
    },
    "nodes": [
        {
            "code": "OE1",
            "parent_code": None,
            "order": 1,
            "weight": "1",
            "name": (
                "Consolidar las capacidades institucionales dirigidas a la producción, uso y "
                "difusión de información estadística estratégica para la toma de decisiones."
            ),
        },
        {
            "code": "E1",
            "parent_code": "OE1",
            "order": 1,
            "weight": "1",
            "name": (
                "Desarrollar capacidades institucionales en la Gobernación del Cauca, que "
                "contribuyan a mejorar la actividad estadística y fomenten la cultura y las buenas "
                "prácticas estadísticas."
            ),
        },
        {
            "code": "OE2",
            "parent_code": None,
            "order": 2,
            "weight": "1",
            "name": (
                "Fortalecer los procesos de producción, uso y difusión de la información "
                "estadística del departamento del Cauca, estratégica para la toma de decisiones."
            ),
        },
        {
            "code": "E2",
            "parent_code": "OE2",
            "order": 1,
            "weight": "1",
            "name": (
                "Optimizar los procesos de producción, uso y difusión de indicadores estratégicos "
                "para el departamento del Cauca."
            ),
        },
        {
            "code": "E3",
            "parent_code": "OE2",
            "order": 2,
            "weight": "1",
            "name": (
                "Fortalecer los registros administrativos propios de la Gobernación del Cauca."
            ),
        },
        {
            "code": "E4",
            "parent_code": "OE2",
            "order": 3,
            "weight": "1",
            "name": (
                "Optimizar los procesos de producción, uso y difusión de las operaciones "
                "estadísticas de la Gobernación del Cauca."
            ),
        },
        {
            "code": "E5",
            "parent_code": "OE2",
            "order": 4,
            "weight": "1",
            "name": ("Priorizar las demandas de información insatisfecha."),
        },
        {
            "code": "E6",
            "parent_code": "OE2",
            "order": 5,
            "weight": "1",
            "name": (
                "Potencializar el uso del Sistema de Información socioeconómico del departamento "
                "del Cauca “Tángara”"
            ),
        },
        {
            "code": "OE3",
            "parent_code": None,
            "order": 3,
            "weight": "1",
            "name": (
                "Incrementar la satisfacción de las necesidades de información estadística "
                "insatisfechas o satisfechas parcialmente."
            ),
        },
        {
            "code": "E7",
            "parent_code": "OE3",
            "order": 1,
            "weight": "1",
            "name": (
                "Generar un mecanismo permanente que indague sobre la satisfacción del usuario de "
                "información estadística del departamento."
            ),
        },
    ],
    "actions": [
        _action(
            "A1.1.1",
            "E1",
            1,
            (
                "Incluir en el Sistema Integrado de Gestión – SIG de la Gobernación del Cauca, "
                "procedimientos y herramientas para la gestión de información estadística, "
                "estratégica para la toma de decisiones."
            ),
        ),
        _action(
            "A1.1.2",
            "E1",
            2,
            (
                "Incorporar en el Plan Institucional de Capacitación – PIC de la Gobernación del "
                "Cauca, temas relacionados con la producción, uso y difusión de la información "
                "estadística estratégica para la toma de decisiones, teniendo en cuenta las normas y "
                "estándares en la producción estadística definidos por el SEN – DANE."
            ),
        ),
        _action(
            "A1.1.3",
            "E1",
            3,
            (
                "Socializar e implementar los lineamientos establecidos en la Política de Gestión de "
                "Información Estadística, incluida en MIPG."
            ),
        ),
        _action(
            "A1.1.4",
            "E1",
            4,
            (
                "Divulgar conceptos, metodologías e instrumentos técnicos que permitan desarrollar e "
                "implementar la planificación estadística; hacer uso y fortalecer los registros "
                "administrativos; y generar información estadística de calidad."
            ),
        ),
        _action(
            "A1.1.5",
            "E1",
            5,
            (
                "Incluir en los ejercicios de planificación territorial, los recursos humanos, "
                "tecnológicos y financieros, requeridos para la producción, uso y difusión de "
                "información estadística estratégica para el Departamento."
            ),
            start_date="2023-10-01",
        ),
        _action(
            "A1.1.6",
            "E1",
            6,
            (
                "Generar lineamientos para incorporar el enfoque diferencial e incluyente en los "
                "proyectos estadísticos."
            ),
            start_date="2024-02-01",
        ),
        _action(
            "A1.1.7",
            "E1",
            7,
            (
                "Establecer recomendaciones de seguridad y privacidad en la gestión de la "
                "información estadística estratégica para la toma de decisiones."
            ),
            start_date="2023-10-01",
        ),
        _action(
            "A2.2.1",
            "E2",
            1,
            (
                "Incrementar la capacidad estadística territorial mediante la adopción de la Línea "
                "Base de Indicadores (LBI) nacional."
            ),
        ),
        _action(
            "A2.2.2",
            "E2",
            2,
            (
                "Actualizar periódicamente el inventario de indicadores estratégicos teniendo en "
                "cuenta el inventario de demandas de información estadística."
            ),
        ),
        _action(
            "A2.2.3",
            "E2",
            3,
            (
                "Difundir los indicadores estratégicos en el sitio web de la Gobernación del Cauca y "
                "sus subsitios."
            ),
        ),
        _action(
            "A2.3.1",
            "E3",
            1,
            (
                "Mantener actualizado y disponible el inventario de registros administrativos de la "
                "Gobernación del Cauca."
            ),
            start_date="2023-10-01",
        ),
        _action(
            "A2.3.2",
            "E3",
            2,
            (
                "Diagnosticar la calidad de los registros administrativos de la Gobernación del "
                "Cauca y formular un plan de mejoramiento de ser necesario."
            ),
            start_date="2023-10-01",
        ),
        _action(
            "A2.3.3",
            "E3",
            3,
            (
                "Implementar la Guía para la anonimización de bases de datos en el Sistema "
                "Estadístico Nacional – SEN (DANE)"
            ),
            start_date="2024-03-01",
        ),
        _action(
            "A2.3.4",
            "E3",
            4,
            ("Aprovechar los registros administrativos para la producción de estadísticas."),
            start_date="2024-05-01",
        ),
        _action(
            "A2.3.5",
            "E3",
            5,
            (
                "Difundir registros administrativos y bases de datos consolidadas anonimizadas en el "
                "sitio web y sus subsitios."
            ),
            start_date="2024-03-01",
        ),
        _action(
            "A2.4.1",
            "E4",
            1,
            (
                "Mantener actualizado y disponible el inventario de operaciones estadísticas de la "
                "Gobernación del Cauca."
            ),
            start_date="2024-04-01",
        ),
        _action(
            "A2.4.2",
            "E4",
            2,
            (
                "Fortalecer las operaciones estadísticas actuales o generar nuevas operaciones "
                "estadísticas."
            ),
            start_date="2024-04-01",
        ),
        _action(
            "A2.4.3",
            "E4",
            3,
            (
                "Difundir las operaciones estadísticas en el sitio web de la Gobernación del Cauca y "
                "sus subsitios."
            ),
            start_date="2024-06-01",
        ),
        _action(
            "A2.5.1",
            "E5",
            1,
            (
                "Generar instancias de articulación (mesas sectoriales, comités estadísticos) con "
                "otros productores y usuarios del departamento que permitan el intercambio de "
                "información, y la definición de proyectos para suplir las demandas de información "
                "insatisfechas"
            ),
        ),
        _action(
            "A2.6.1",
            "E6",
            1,
            (
                "Dinamizar el Sistema de Información Socioeconómico del Cauca “Tángara”, para "
                "centralizar información estadística del departamento del Cauca y facilitar la toma "
                "de decisiones, así como la difusión de la misma."
            ),
        ),
        _action(
            "A2.6.2",
            "E6",
            2,
            (
                "Generar mecanismos de articulación y cooperación entre las entidades (dependencias) "
                "productoras y usuarias de información del departamento del Cauca para promover el "
                "acceso y oportunidad a la información estadística."
            ),
        ),
        _action(
            "A3.7.1",
            "E7",
            1,
            ("Evaluar la satisfacción de los requerimientos de información estadística."),
            start_date="2023-10-01",
        ),
        _action(
            "A3.7.2",
            "E7",
            2,
            (
                "Indagar con los usuarios, si la información estadística disponible en las "
                "plataformas o canales de difusión de la Gobernación del Cauca, satisfacen sus "
                "necesidades."
            ),
            start_date="2023-10-01",
        ),
    ],
    "indicators": [
        _due_at_cut("M1.1.1-1", "A1.1.1", "1 PET formulado, aprobado y divulgado.", "1"),
        _due_at_cut("M1.1.1-2", "A1.1.1", "1 procedimiento formulado y aprobado", "1"),
        _due_at_cut(
            "M1.1.1-3",
            "A1.1.1",
            ("6 herramientas para la gestión de la información estadística adaptados y aprobados"),
            "6",
        ),
        _ind(
            "M1.1.2-1",
            "A1.1.2",
            (
                "Incorporación del tema “Gestión de la información estadística” en el PIC de la "
                "Gobernación del Cauca."
            ),
            unit="other",
        ),
        _due_at_cut(
            "M1.1.3-1",
            "A1.1.3",
            ("Socialización de la PGIE en 14 dependencias de la Gobernación del Cauca."),
            "14",
        ),
        _due_at_cut(
            "M1.1.4-1",
            "A1.1.4",
            (
                "14 divulgaciones de conceptos, metodologías e instrumentos técnicos en la "
                "Gobernación del Cauca."
            ),
            "14",
        ),
        _later(
            "M1.1.5-1",
            "A1.1.5",
            (
                "Identificación de requerimientos humanos, tecnológicos y financieros en 14 "
                "dependencias de la Entidad."
            ),
            "14",
        ),
        _later("M1.1.6-1", "A1.1.6", "1 documento técnico con lineamientos establecidos.", "1"),
        _later("M1.1.7-1", "A1.1.7", "1 documento con recomendaciones establecidas", "1"),
        _due_at_cut(
            "M2.2.1-1",
            "A2.2.1",
            (
                "Mínimo 50 indicadores de la LBI adaptados en la gestión de la información del "
                "Departamento"
            ),
            "50",
        ),
        _ind("M2.2.2-1", "A2.2.2", "Inventario de indicadores actualizado", unit="other"),
        _due_at_cut(
            "M2.2.3-1",
            "A2.2.3",
            (
                "Indicadores estratégicos difundidos en sitios o subsitios web de la Gobernación del "
                "Cauca."
            ),
            "100",
            unit="percentage",
            accumulation="constant",
        ),
        _later("M2.3.1-1", "A2.3.1", "1 inventario de registros administrativos actualizado", "1"),
        _later(
            "M2.3.2-1",
            "A2.3.2",
            ("14 diagnósticos de calidad de los RR.AA propios gestionados"),
            "14",
        ),
        _later(
            "M2.3.3-1",
            "A2.3.3",
            ("1 guía para la anonimización de bases de datos formulada y difundida."),
            "1",
        ),
        _later("M2.3.3-2", "A2.3.3", "6 mesas técnicas realizadas", "6"),
        _later("M2.3.4-1", "A2.3.4", "4 producciones estadísticas realizadas y difundidas", "4"),
        _later(
            "M2.3.5-1",
            "A2.3.5",
            (
                "2 registros administrativos y bases de datos anonimizadas, difundida en sitios o "
                "aplicaciones web institucionales"
            ),
            "2",
        ),
        _later("M2.4.1-1", "A2.4.1", "1 inventario de operaciones estadísticas actualizado", "1"),
        _later(
            "M2.4.2-1",
            "A2.4.2",
            (
                "14 operaciones estadísticas fortalecidas con inclusión de nuevas variables, la "
                "elaboración de documentos que describan el proceso estadístico (ficha "
                "metodológica), la estandarización de conceptos y clasificaciones."
            ),
            "14",
        ),
        _later(
            "M2.4.3-1",
            "A2.4.3",
            ("4 operaciones estadísticas difundidas en sitios o aplicaciones web institucionales"),
            "4",
        ),
        _ind(
            "M2.5.1-1",
            "A2.5.1",
            (
                "6 mesas de trabajo realizadas con otros productores y usuarios de información "
                "estadística"
            ),
            target="6",
        ),
        # The seed's meta "Difusión de indicadores estratégicos, RR.AA y OO.EE." is one cell
        # with three follow-up bullets; split so that the "90 indicadores" can be recorded.
        _ind("M2.6.1-1", "A2.6.1", "Difusión de indicadores estratégicos"),
        _ind("M2.6.1-2", "A2.6.1", "Difusión de RR.AA", unit="other"),
        _ind("M2.6.1-3", "A2.6.1", "Difusión de OO.EE.", unit="other"),
        _ind(
            "M2.6.2-1",
            "A2.6.2",
            "Creación del Consejo Departamental de Estadística (CODE).",
            unit="other",
        ),
        _ind(
            "M3.7.1-1",
            "A3.7.1",
            ("Requerimientos de los usuarios de la información estadística disponible"),
            unit="other",
        ),
        _ind(
            "M3.7.2-1",
            "A3.7.2",
            (
                "Medición de la satisfacción de los usuarios de la información estadística "
                "disponible"
            ),
            unit="other",
        ),
    ],
    "budget_allocations": [],
    "cuts": [
        {
            "code": "2023-09",
            "cut_date": CUT,
            "label": "Seguimiento parcial con corte a 30 de septiembre de 2023",
            "period_kind": "quarterly",
        },
    ],
    "measurements": [
        {
            "indicator_code": "M1.1.1-1",
            "period_end": CUT,
            "value": "1",
            "note": "1 PET aprobado y divulgado (100%)",
        },
        {
            "indicator_code": "M1.1.1-2",
            "period_end": CUT,
            "value": "1",
            "note": "1 procedimiento formulado y aprobado",
        },
        {
            "indicator_code": "M1.1.1-3",
            "period_end": CUT,
            "value": "6",
            "note": "1 ficha técnica de indicadores aprobada + 5 formatos de caracterización "
            "adaptadas (DANE)",
        },
        {
            "indicator_code": "M1.1.3-1",
            "period_end": CUT,
            "value": "2",
            "note": "2 socializaciones de la PGIE en la Gobernación del Cauca",
        },
        {
            "indicator_code": "M1.1.4-1",
            "period_end": CUT,
            "value": "14",
            "note": "14 email enviados a las dependencias de la Gobernación del Cauca "
            "(además, 25 mesas técnicas de trabajo realizadas)",
        },
        {
            "indicator_code": "M2.2.1-1",
            "period_end": CUT,
            "value": "65",
            "note": "65 indicadores adaptados en el sistema de información socioeconómica del "
            "departamento",
        },
        {
            "indicator_code": "M2.2.3-1",
            "period_end": CUT,
            "value": "50",
            "note": "Aproximado: “Cerca del 50% de los indicadores se encuentran difundidos en el "
            "portal de Tángara”",
        },
        {
            "indicator_code": "M2.6.1-1",
            "period_end": CUT,
            "value": "90",
            "note": "Difusión de 90 indicadores en perfiles municipales y departamental",
        },
    ],
    "followups": [
        _fu(
            "M1.1.1-1",
            "1 PET aprobado y divulgado (100%)",
            (
                "Documento aprobado según acta 002 del Comité Institucional de Gestión y Desempeño, "
                "con fecha 31 mayo 2023. Plan socializado ante las dependencias de la Entidad "
                "territorial el día 14 de junio de 2023, según listado de asistencia y registro "
                "fotográfico"
            ),
            [
                _ev(
                    "acta",
                    "Acta 002 del Comité Institucional de Gestión y Desempeño",
                    reference="Acta 002",
                    date="2023-05-31",
                ),
                _ev(
                    "attendance_list",
                    "Listado de asistencia de la socialización del Plan ante las "
                    "dependencias de la Entidad territorial",
                    date="2023-06-14",
                ),
                _ev(
                    "photo",
                    "Registro fotográfico de la socialización del Plan ante las "
                    "dependencias de la Entidad territorial",
                    date="2023-06-14",
                ),
            ],
        ),
        _fu(
            "M1.1.1-2",
            "1 procedimiento formulado y aprobado",
            (
                "DE-P01 Formulación, ejecución, seguimiento y evaluación del Plan Estadístico "
                "Territorial"
            ),
            [
                _ev(
                    "document",
                    "DE-P01 Formulación, ejecución, seguimiento y evaluación del Plan "
                    "Estadístico Territorial",
                    reference="DE-P01",
                ),
            ],
        ),
        _fu(
            "M1.1.1-3",
            (
                "1 ficha técnica de indicadores aprobada\n"
                "5 formatos de caracterización adaptadas (DANE)"
            ),
            (
                "AS-G01-F07 Ficha Técnica Indicadores V3-2023. 1 formulario de caracterización de "
                "demandas de información estadística (DANE). 1 formulario satisfacción de usuarios "
                "de información estadística (DANE). 1 formulario de caracterización de indicadores "
                "disponibles (DANE). 1 formulario de caracterización de operaciones estadísticas "
                "(DANE). 1 formulario de caracterización de registros administrativos (DANE)"
            ),
            [
                _ev(
                    "document",
                    "AS-G01-F07 Ficha Técnica Indicadores V3-2023",
                    reference="AS-G01-F07",
                ),
                _ev(
                    "document",
                    "Formulario de caracterización de demandas de información estadística (DANE)",
                ),
                _ev(
                    "document",
                    "Formulario satisfacción de usuarios de información estadística (DANE)",
                ),
                _ev("document", "Formulario de caracterización de indicadores disponibles (DANE)"),
                _ev("document", "Formulario de caracterización de operaciones estadísticas (DANE)"),
                _ev(
                    "document", "Formulario de caracterización de registros administrativos (DANE)"
                ),
            ],
        ),
        _fu(
            "M1.1.2-1",
            (
                "1 solicitud oficializada ante Secretaria general para la inclusión de temas "
                "estadísticas en la formulación del PIC próxima vigencia"
            ),
            (
                "Oficio 1.1 – 251 con asunto: Fortalecimiento de la cultura estadística al interior "
                "de la Gobernación del Cauca"
            ),
            [
                _ev(
                    "official_letter",
                    "Oficio 1.1 – 251 con asunto: Fortalecimiento de la cultura "
                    "estadística al interior de la Gobernación del Cauca",
                    reference="Oficio 1.1 – 251",
                ),
            ],
        ),
        _fu(
            "M1.1.3-1",
            (
                "2 socializaciones de la PGIE en la Gobernación del Cauca\n"
                "Implementación de la política en la ejecución del plan de acción"
            ),
            (
                "Socialización a público interno mediante correo electrónico masivo: "
                "https://intranet.cauca.gov.co/publicaciones/file/350-politica-de-gestion-de-la-"
                "informacion-estadistica https://intranet.cauca.gov.co/hocadownload/politicas/"
                "POLITICA%20DE-PO-01%20GESTIN%20DE%20LA%20INFORMACIN%20ESTADSTICA.pdf "
                "Publicación en redes sociales: https://fb.watch/ntU4ebeCo6/ "
                "AS-G01-F09 Plan Estadístico Territorial Gobernación del Cauca. "
                "Sistema de información socio económica del departamento del Cauca – Tángara: "
                "www.Tangara.gov.co"
            ),
            [
                _ev(
                    "link",
                    "Socialización a público interno mediante correo electrónico masivo "
                    "(intranet: política de gestión de la información estadística)",
                    url="https://intranet.cauca.gov.co/publicaciones/file/"
                    "350-politica-de-gestion-de-la-informacion-estadistica",
                    reference="Intranet, publicación 350",
                ),
                _ev(
                    "link",
                    "Socialización a público interno mediante correo electrónico masivo "
                    "(intranet: documento DE-PO-01)",
                    url="https://intranet.cauca.gov.co/hocadownload/politicas/"
                    "POLITICA%20DE-PO-01%20GESTIN%20DE%20LA%20INFORMACIN%20ESTADSTICA.pdf",
                    reference="DE-PO-01",
                ),
                _ev(
                    "link",
                    "Publicación en redes sociales",
                    url="https://fb.watch/ntU4ebeCo6/",
                    reference="https://fb.watch/ntU4ebeCo6/",
                ),
                _ev(
                    "document",
                    "AS-G01-F09 Plan Estadístico Territorial Gobernación del Cauca",
                    reference="AS-G01-F09",
                ),
                _TANGARA_EV,
            ],
        ),
        _fu(
            "M1.1.4-1",
            (
                "25 mesas técnicas de trabajo realizadas\n"
                "14 email enviados a las dependencias de la Gobernación del Cauca"
            ),
            (
                "Listados de asistencia y evidencias fotográficas de las mesas técnicas realizadas "
                "con cada una de las 14 dependencias de la Gobernación del Cauca"
            ),
            [
                _ev(
                    "attendance_list",
                    "Listados de asistencia de las mesas técnicas realizadas con "
                    "cada una de las 14 dependencias de la Gobernación del Cauca",
                ),
                _ev(
                    "photo",
                    "Evidencias fotográficas de las mesas técnicas realizadas con cada una "
                    "de las 14 dependencias de la Gobernación del Cauca",
                ),
            ],
        ),
        _fu(
            "M1.1.5-1",
            "Requerimientos presentados en documentos de planeación territorial",
            "Inicia en octubre de 2023",
        ),
        _fu("M1.1.6-1", "Número de documentos formulado", "Inicia en febrero de 2024"),
        _fu("M1.1.7-1", "Número de documentos elaborado", "Inicia en octubre de 2023"),
        _fu(
            "M2.2.1-1",
            (
                "65 indicadores adaptados en el sistema de información socioeconómica del "
                "departamento"
            ),
            (
                "Sistema de información socio económica del departamento del Cauca – Tángara: "
                "www.Tangara.gov.co"
            ),
            [_TANGARA_EV],
        ),
        _fu(
            "M2.2.2-1",
            "1 inventario de indicadores misionales y estratégicos actualizado",
            (
                "El inventario se encuentra en proceso de consolidación y codificación. Una vez se "
                "consolide el inventario general, se dará inicio a la documentación de los "
                "indicadores (AS-G01-F07 Ficha Técnica Indicadores V3-2023)"
            ),
        ),
        _fu(
            "M2.2.3-1",
            "Indicadores estratégicos misionales difundidos",
            (
                "En proceso de consolidación, codificación y documentación. Cerca del 50% de los "
                "indicadores se encuentran difundidos en el portal de Tángara"
            ),
            [_TANGARA_EV],
        ),
        _fu("M2.3.1-1", "Inventario de registros administrativos propios", "Octubre de 2023"),
        _fu(
            "M2.3.2-1",
            "Diagnósticos de calidad de los registros administrativos propios",
            (
                "El proceso de caracterización de los registros administrativos inicia en octubre "
                "de 2023. La elaboración del diagnóstico y plan de mejoramiento (de ser necesario) "
                "inician en febrero de 2024."
            ),
        ),
        _fu(
            "M2.3.3-1",
            "Guía de anonimización de bases de datos",
            (
                "Previa a la elaboración de la guía y su posterior difusión, es necesario participar "
                "en el programa de capacitación del DANE, relacionado con el tema. Marzo de 2024"
            ),
        ),
        _fu(
            "M2.3.3-2",
            "Guía de anonimización de bases de datos",
            (
                "Previa a la elaboración de la guía y su posterior difusión, es necesario participar "
                "en el programa de capacitación del DANE, relacionado con el tema. Marzo de 2024"
            ),
        ),
        _fu(
            "M2.3.4-1",
            ("Producciones estadísticas realizadas\nProducciones estadísticas difundidas"),
            "Mayo de 2024",
        ),
        _fu("M2.3.5-1", "Bases de datos anonimizadas\nBases de datos difundidas", "Marzo de 2024"),
        _fu("M2.4.1-1", "Inventario de operaciones estadísticas actualizado", "Abril de 2024"),
        _fu(
            "M2.4.2-1",
            ("Operaciones estadísticas fortalecidas\nOperaciones estadísticas documentadas"),
            "Abril de 2024",
        ),
        _fu("M2.4.3-1", "Operaciones estadísticas difundidas", "Junio de 2024"),
        _fu(
            "M2.5.1-1",
            (
                "Mesas de trabajo realizadas para la conformación de diferentes instancias de "
                "articulación"
            ),
            (
                "Decreto 1076 de agosto de 2023, por medio del cual se crea el Consejo "
                "Departamental de estadística – CODE, y se dictan otras disposiciones. "
                "Observatorio de Objetivos de Desarrollo Sostenible en el Cauca. Memorando de "
                "Entendimiento entre la Asociación de Instituciones de Educación Superior del Cauca "
                "y la Gobernación del Cauca"
            ),
            [
                _DECRETO_CODE,
                _ev("other", "Observatorio de Objetivos de Desarrollo Sostenible en el Cauca"),
                _ev(
                    "document",
                    "Memorando de Entendimiento entre la Asociación de Instituciones de "
                    "Educación Superior del Cauca y la Gobernación del Cauca",
                ),
            ],
        ),
        _fu(
            "M2.6.1-1",
            "Difusión de 90 indicadores en perfiles municipales y departamental",
            (
                "Sistema de información socioeconómica del departamento del Cauca – Tangara: "
                "www.Tangara.gov.co"
            ),
            [_TANGARA_EV],
        ),
        _fu("M2.6.1-2", "Difusión de registros administrativos propios", "Junio de 2024"),
        _fu("M2.6.1-3", "Difusión de operaciones estadísticas", "Junio de 2024"),
        _fu(
            "M2.6.2-1",
            "Creación del CODE",
            (
                "Decreto 1076 de agosto de 2023, por medio del cual se crea el Consejo "
                "Departamental de estadística – CODE, y se dictan otras disposiciones"
            ),
            [_DECRETO_CODE],
        ),
        _fu("M3.7.1-1", "Requerimientos de información estadística", "Octubre de 2023"),
        _fu("M3.7.2-1", "Medición de la satisfacción", "Octubre de 2023"),
    ],
    "expected": {
        # Published: the report's "(100%)" for the PET and DOMAIN.md's two figures.
        "bands": {"M1.1.1-1": "green", "M2.2.1-1": "green", "M1.1.3-1": "red"},
        # Not printed as colours in the extracted text; what the encoded numbers give.
        "bands_derived": {
            "M1.1.1-2": "green",
            "M1.1.1-3": "green",
            "M1.1.4-1": "green",
            "M2.2.3-1": "yellow",
        },
        "advance_pct_shown": {"M2.2.1-1": "130.00", "M1.1.3-1": "14.29"},
        "not_due_actions": [
            "A1.1.5",
            "A1.1.6",
            "A1.1.7",
            "A2.3.1",
            "A2.3.2",
            "A2.3.3",
            "A2.3.4",
            "A2.3.5",
            "A2.4.1",
            "A2.4.2",
            "A2.4.3",
            "A3.7.1",
            "A3.7.2",
        ],
    },
    "notes": [
        "Programación (illustrative): el informe sólo da la meta del plan 2023-2024, sin "
        "programación por periodo. Para las metas que el informe juzga al corte (semáforo que "
        "compara lo hecho contra la meta completa: 65 de mínimo 50 → verde; 2 de 14 → rojo) la "
        "meta entera se programa al 2023-09-30; para las acciones que inician en octubre de 2023 "
        "o en 2024 la meta se programa al 2024-12-31 (último día del plan, el informe no da "
        "fecha de entrega), de modo que no son exigibles al corte. Esos indicadores llevan "
        '"illustrative": True.',
        "M2.2.3-1: la meta no tiene cifra; se modela como porcentaje con meta 100 "
        "(illustrative) y la medición 50 viene de “Cerca del 50% de los indicadores se "
        "encuentran difundidos en el portal de Tángara” (valor aproximado).",
        "Metas sin cifra en el informe (PIC, inventario de indicadores, CODE, difusión de RR.AA "
        "y OO.EE., requerimientos y satisfacción de usuarios) quedan sin meta, sin programación "
        "y sin medición: el servicio las mostrará como no exigibles; su avance está en el texto "
        "del seguimiento. M2.5.1-1 (6 mesas de trabajo) tiene meta pero el informe no cuenta "
        "las mesas realizadas: queda sin programación ni medición.",
        "M2.2.2-1: la columna Seguimiento dice “1 inventario de indicadores misionales y "
        "estratégicos actualizado” pero las Observaciones dicen que el inventario “se encuentra "
        "en proceso de consolidación y codificación”; no se registra medición.",
        "M1.1.1-3: 6 herramientas = 1 ficha técnica de indicadores + 5 formatos de "
        "caracterización (DANE), según el seguimiento.",
        "M1.1.4-1: la meta es 14 divulgaciones; el seguimiento reporta 25 mesas técnicas y 14 "
        "correos a las dependencias. Se registra 14 (una divulgación por dependencia); con "
        "cualquiera de las dos cifras el semáforo es verde.",
        "A2.6.1: la meta “Difusión de indicadores estratégicos, RR.AA y OO.EE.” se divide en "
        "tres indicadores (M2.6.1-1..3) para poder registrar la difusión de 90 indicadores; "
        "la difusión de RR.AA y OO.EE. está prevista para junio de 2024.",
        "Fechas: el informe no da fechas de inicio ni de entrega salvo “Inicia en octubre de "
        "2023 / febrero de 2024” y meses sueltos en Observaciones (“Octubre de 2023”, “Marzo "
        "de 2024”…), que se toman como mes de inicio (día 1). Las demás fechas quedan en None.",
        "Responsables: el informe no nombra la dependencia responsable de cada acción. Todas "
        "se asignan a la Oficina Asesora de Planeación (su Grupo Sistemas de Información es el "
        "equipo coordinador que reporta el seguimiento).",
        "El corte se marca como trimestral (30 de septiembre); el informe dice sólo que es el "
        "primer seguimiento.",
        "URL: el informe escribe www.Tangara.gov.co sin esquema; se registra "
        "https://www.tangara.gov.co.",
        "Recomendaciones del informe (sin campo en la API): 1. Generar mayor compromiso en el "
        "cumplimiento de las acciones y entrega de evidencias por parte del equipo ejecutor del "
        "PET, en las diferentes dependencias. 2. Establecer métodos de control aunado con el "
        "área de Control interno de la Gobernación del Cauca. 3. Fortalecer el equipo "
        "coordinador en cuanto a la cantidad y conocimientos previos de los profesionales que "
        "acompañan el proceso. 4. Divulgar avances del PET en las diferentes dependencias de la "
        "Gobernación del Cauca.",
    ],
}
