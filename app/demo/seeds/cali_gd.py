"""Alcaldía de Cali: Gobierno Digital work plan 2020, semester report April-September 2020.

Source: shared/seeds/003_0270fd2b1de441e4.txt ("Informe semestral de la Política de Gobierno
Digital, Alcaldía de Cali, abril a septiembre 2020"). Each activity is an action with one
percentage indicator (constant, planned 100 at the 30 Sep 2020 cut). The per-activity
percentages, their band, component/enabler/purpose and responsible unit are in charts that the
text extraction lost: only the activity texts and the aggregate figures are transcribed.
"""

from typing import Any

CUT = "2020-09-30"

# Activities in the order of "Clasificación de Actividades segun avance" (the three band columns
# 0-40 / 41-80 / 81-100 are flattened into one list). Second item: axis values where the
# activity's own wording names an enabler or purpose (illustrative, see notes).
_ARQ = {"enabler": "arquitectura"}
_SEG = {"enabler": "seguridad_privacidad"}
_SCD = {"enabler": "servicios_ciudadanos_digitales"}
_ACTIVITIES = [
    (
        "Recibir y revisar las sugerencias e inquietudes que los actores internos y externos "
        "puedan presentar, relacionadas con el mapa de riesgos de gestión, corrupción, seguridad y "
        "salud en el trabajo, y seguridad de la información.",
        {},
    ),
    (
        "Dar a conocer los resultados de la gestión de la entidad a los ciudadanos, la sociedad "
        "civil, otras entidades públicas y a los organismos de control.",
        {},
    ),
    (
        "Identificar inconvenientes técnicos que impedian la remisión de mensajes a los usuarios "
        "inscritos",
        {},
    ),
    ("Generar normativa institucional de AE", _ARQ),
    (
        "Mantener el repositorio de Arquietctura Empresarial (MEGA HOPEX) Actualizado y en "
        "Funcionamiento.",
        _ARQ,
    ),
    (
        "Desarrollar los dominios de Planeación y Misional (negocio) de la Arquitectura "
        "Empresarial en la Alcaldía de Santiago de Cali.",
        _ARQ,
    ),
    (
        "Desarrollar el dominio de Arquitectura de Información en la Alcaldía de Santiago de Cali.",
        _ARQ,
    ),
    (
        "Desarrollar el dominio de Arquitectura de Seguridad en la Alcaldía de Santiago de Cali.",
        _ARQ,
    ),
    (
        "Utilizar herramientas virtuales para facilitar la consulta de informacion para el fomento "
        "del Control Social",
        {},
    ),
    (
        "Gestionar la construcción, diseño e implementación de procedimientos del subproceso "
        "Gestión de la Seguridad informática en el Departamento Administrativo TIC.",
        _SEG,
    ),
    (
        "Promover la toma de decisiones basadas en datos a partir del aumento del uso de "
        "aprovechamiento de la información.",
        {"purpose": "decisiones_datos"},
    ),
    (
        "Promover el empoderamiento a los ciudadanos a través de la consolidación de un Estado "
        "abierto.",
        {"purpose": "empoderamiento_ciudadano"},
    ),
    (
        "Brindar información a la comunidad con respecto a las gestiones realizadas por los "
        "diferentes organismos del municipio Santiago de Cali.",
        {},
    ),
    (
        "Verificar la publicación de información institucional en el portal web de la Alcaldía de "
        "acuerdo al componente de información de la estrategia de Gobierno Digital.",
        {},
    ),
    (
        "Disponer espacios de interacción entre los organismos de la entidad y los servidores "
        "públicos.",
        {},
    ),
    (
        "Realizar monitoreo a los avances en Autenticación biométrica, electrónica y carpeta "
        "ciudadana",
        _SCD,
    ),
    (
        "Identificar la información que podría ser generada y analizada por los grupos de interés "
        "de manera colaborativa.",
        {},
    ),
    (
        "Publicar los resultados de la rendición de cuentas a través de la página web y redes "
        "sociales de la Entidad",
        {},
    ),
    (
        "Desarrollar el dominio de Arquitectura de Información en la Alcaldía de Santiago de Cali.",
        _ARQ,
    ),
    (
        "Desarrollar el dominio de Arquitectura de Sistemas de Información en la Alcaldía de "
        "Santiago de Cali.",
        _ARQ,
    ),
    ("Generar capacitaciones virtuales para el fomento de la Planeacion Participativa", {}),
    (
        "Generar espacios virtuales que promuevan la participación ciudadana con enfoque "
        "diferencial",
        {},
    ),
    (
        "Generar capacitaciones virtuales en el conocimiento de la Ley Estatutaria de "
        "Participacion Ciudadana",
        {},
    ),
    (
        "Publicar y divulgar por parte de los organismos los resultados y acuerdos en la "
        "implementación del Plan de Acción en el marco del plan Municipal de Participacion "
        "Ciudadana",
        {},
    ),
    (
        "Publicar los resultados consolidados de las actividades de participación del Plan "
        "Municipal de Participacion Ciudadana",
        {},
    ),
    ("Disponer espacios de interacción entre la Alcaldía y la comunidad en general.", {}),
    (
        "Ejercer mecanismos de control efectivos que permitan la identificación de las redes "
        "sociales de la entidad",
        {},
    ),
    ("Definir estrategia de comunicación en redes para la vigencia 2020", {}),
    (
        "Identificar los requerimientos necesarios para la autenticación biométrica y avanzar en "
        "su desarrollo",
        _SCD,
    ),
    (
        "Identificar los requerimientos necesarios para la autenticación electrónica y avanzar en "
        "su desarrollo",
        _SCD,
    ),
    (
        "Identificar los requerimientos necesarios para la carpeta ciudadana y avanzar en su "
        "desarrollo",
        _SCD,
    ),
    ("Interiorizar el Modelo de Gestión de Arquitectura Empresarial", _ARQ),
    (
        "Uso y apropiación para del Modelo de Arquitectura Empresarial formulado e implementado en "
        "la Entidad (Dominio de Uso y apropiación de la AE)",
        _ARQ,
    ),
    ("Documentar el modelo de AE de la entidad", _ARQ),
    ("Desarrollar el dominio de Uso y Apropiación en la Alcaldía de Santiago de Cali.", _ARQ),
    ("Utilizar herramientas virtuales para propiciar espacios de planeacion participativa", {}),
    (
        "Disponer de forma clara y oportuna de informacion para el fomento del control social y la "
        "planeacion participativa",
        {},
    ),
    ("Generar capacitaciones virtuales para la Promoción del Control Social", {}),
    (
        "Generar capacitaciones virtuales con contenidos pertinentes dirigido a veedurias "
        "ciudadanas en el marco del fomento del control social",
        {},
    ),
]


def _build():
    actions, indicators = [], []
    for number, (text, axis_values) in enumerate(_ACTIVITIES, start=1):
        code = f"GD-{number:02d}"
        action: dict[str, Any] = {
            "code": code,
            "node_code": "PT-2020",
            "description": text,
            "unit_codes": [],
            "start_date": None,
            "due_date": None,
            "planned_cost": None,
            "axis_values": dict(axis_values),
            "weight": "1",
            "order": number,
        }
        if axis_values:
            action["illustrative"] = True
        actions.append(action)
        indicators.append(
            {
                "code": f"I-{code}",
                "name": text,
                "action_code": code,
                "node_code": None,
                "source": "management",
                "source_reference": "Plan de Trabajo de Gobierno Digital 2020",
                "unit_of_measure": "percentage",
                "unit_label": None,
                "baseline_value": None,
                "baseline_year": None,
                "target_value": "100",
                "accumulation": "constant",
                "unit_code": None,
                "contributions": [],
                "programming": [{"period_end": CUT, "value": "100"}],
                "illustrative": True,
            }
        )
    return actions, indicators


_ACTIONS, _INDICATORS = _build()

SEED: dict = {
    "organization": {
        "code": "alc-cali",
        "name": "Alcaldía de Santiago de Cali",
        "kind": "alcaldia",
    },
    "units": [
        {
            "code": "DATIC",
            "name": "Departamento Administrativo de Tecnologías de la Información y las "
            "Comunicaciones",
            "acronym": "DATIC",
        },
    ],
    "plan": {
        "code": "PTGD-2020",
        "name": "Plan de Trabajo de Gobierno Digital 2020",
        "kind": "digital_government",
        "first_year": 2020,
        "last_year": 2020,
        "approval_reference": None,
        "description": (
            "Plan de trabajo de la Política de Gobierno Digital (Decreto 1008 de 2018) de la "
            "Alcaldía de Santiago de Cali, consolidado bajo las actividades construidas con "
            "cada organismo. Para la implementación de la Política de Gobierno Digital, se han "
            "definido dos componentes: TIC para el Estado y TIC para la sociedad, que son "
            "habilitados por tres elementos transversales: Seguridad de la Información, "
            "Arquitectura y Servicios Ciudadanos Digitales. Y cinco propósitos que se "
            "desarrollan a través de lineamientos y estándares; según el plan de trabajo solo "
            "se apunta a dos de ellos. Informe semestral abril a septiembre 2020 del "
            "Departamento Administrativo de Tecnologías de la Información y las Comunicaciones."
        ),
        "levels": ["Plan de trabajo"],
        "axes": [
            {
                "code": "component",
                "name": "Componente",
                "values": [
                    {"code": "tic_estado", "label": "TIC para el Estado"},
                    {"code": "tic_sociedad", "label": "TIC para la Sociedad"},
                ],
            },
            {
                "code": "enabler",
                "name": "Habilitador",
                "values": [
                    {"code": "arquitectura", "label": "Arquitectura"},
                    {"code": "seguridad_privacidad", "label": "Seguridad y Privacidad"},
                    {
                        "code": "servicios_ciudadanos_digitales",
                        "label": "Servicios Ciudadanos Digitales",
                    },
                ],
            },
            {
                "code": "purpose",
                "name": "Propósito",
                "values": [
                    {"code": "decisiones_datos", "label": "Toma de decisiones basadas en datos"},
                    {
                        "code": "empoderamiento_ciudadano",
                        "label": "Empoderamiento ciudadano a través de la consolidación de un estado "
                        "abierto",
                    },
                ],
            },
        ],
        "bands": [
            {"lower_bound": "0", "code": "critical", "label": "0% - 40%", "color": "#c62828"},
            {"lower_bound": "41", "code": "in_process", "label": "41% - 80%", "color": "#f9a825"},
            {"lower_bound": "81", "code": "finished", "label": "81% - 100%", "color": "#2e7d32"},
        ],
        "tolerance_pct": "0",
        "cap_at_100": False,
    },
    "nodes": [
        {
            "code": "PT-2020",
            "name": "Plan de Trabajo de Gobierno Digital 2020",
            "parent_code": None,
            "order": 1,
            "weight": "1",
        },
    ],
    "actions": _ACTIONS,
    "indicators": _INDICATORS,
    "budget_allocations": [],
    "cuts": [
        {
            "code": "2020-09",
            "cut_date": CUT,
            "label": "Informe semestral abril a septiembre 2020",
            "period_kind": "semiannual",
        },
    ],
    "measurements": [],
    "followups": [],
    "expected": {
        # Published, all "aproximadamente"; not reproducible from this transcription because
        # the per-activity percentages were in charts.
        "published_aggregates": {
            "approximate": True,
            "reproducible": False,
            "plan": "58",
            "component": {"tic_sociedad": "55", "tic_estado": "59"},
            "enabler": {
                "arquitectura": "47",
                "seguridad_privacidad": "36",
                "servicios_ciudadanos_digitales": "88",
            },
            "purpose": {"decisiones_datos": "57", "empoderamiento_ciudadano": "50"},
            "share_of_activities_in_process_pct": "40",
            "share_of_activities_finished_or_near_pct": "35",
            "unit_with_most_pending_tasks": "DATIC",
        },
    },
    "notes": [
        "No transcrito: el porcentaje de avance de cada actividad, su banda (las tres columnas "
        "0-40 / 41-80 / 81-100 quedaron en una sola lista al extraer el texto), su componente, "
        "habilitador y propósito, y el organismo responsable (“Gestión por responsable”) están "
        "en gráficos. No se inventan: no hay mediciones, y al corte 2020-09-30 las 39 "
        "actividades aparecerán sin reporte hasta que alguien cargue sus porcentajes.",
        "Programación (illustrative): cada actividad es una acción con un indicador de "
        "porcentaje `constant` con meta 100 y programado 100 al 2020-09-30, de modo que el "
        "avance al corte sea el % reportado, como lo clasifica el informe.",
        "Ejes (illustrative): sólo se asignan habilitador o propósito cuando el texto de la "
        "actividad los nombra (Arquitectura Empresarial / AE / dominios de arquitectura → "
        "Arquitectura; Seguridad informática → Seguridad y Privacidad; autenticación y carpeta "
        "ciudadana → Servicios Ciudadanos Digitales; las dos actividades “Promover…” → su "
        'propósito). Ningún componente se asigna. Esas acciones llevan "illustrative": True.',
        "Cifras publicadas (todas “aproximadamente”): plan 58%; TIC para la Sociedad 55%, TIC "
        "para el Estado 59%; Arquitectura 47%, Seguridad y Privacidad 36%, Servicios Ciudadanos "
        "Digitales 88%; Toma de decisiones basadas en datos 57%, Empoderamiento ciudadano 50%; "
        "~40% de las actividades en ejecución y ~35% finalizadas o cercanas; DATIC es el "
        "organismo con más tareas pendientes.",
        "“Desarrollar el dominio de Arquitectura de Información en la Alcaldía de Santiago de "
        "Cali.” aparece dos veces en la lista (GD-07 y GD-19); se cargan ambas porque el informe "
        "las lista como dos actividades (probablemente de organismos distintos).",
        "Bandas: el informe define críticas “menor al 40%” y en proceso “entre el 41% y el "
        "80%”; con límites inferiores 0/41/81 un avance entre 40 y 41 queda en crítica.",
        "El habilitador se llama “Seguridad de la Información” en la introducción y “Seguridad "
        "y Privacidad” en los resultados; se usa el segundo.",
        "Textos con erratas del original se conservan (“Arquietctura”, “impedian”, “Planeacion”, "
        "“Participacion”, “informacion”, “veedurias”).",
        "Recomendaciones del informe (sin campo en la API): revisar el cumplimiento y soportes "
        "de los avances reportados; revisar las causas del atraso y tomar correcciones; "
        "socializar el avance de la Entidad en la Política de Gobierno Digital; continuar la "
        "participación en el concurso de Máxima Velocidad (circuito “Gran Premio de "
        "Transformación”, 10 retos).",
    ],
}
