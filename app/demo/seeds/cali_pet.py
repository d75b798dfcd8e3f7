"""Alcaldía de Santiago de Cali: PET and its general action plan, with the investment matrix.

Source: shared/seeds/001_7f0dc62b494dc379.txt (slides "Plan Estadístico Territorial- PET",
Departamento Administrativo de Planeación Municipal). Tree: componente C1..C4 -> objetivo
(C1-1...) -> acción, one indicator per action (línea base 2015, unidad, meta, líder, costo
total). The "Inversión en 4 años" matrix (16 units x 4 components) is one budget allocation per
non-zero cell, on the component node.
"""

from typing import Any

PPI = "La dependencia a cargo del PPI"

# Leader as printed in the "Líder" column -> unit codes. Generic leaders ("the unit in charge of
# the PPI") name no office: they map to no unit (see notes).
_LEADERS = {
    "DAPM": ["DAPM"],
    "DAPM y Asesoría de Informática": ["DAPM", "AI"],
    "Dirección Jurídica": ["JURIDICA"],
    "Dirección Jurídica y DAPM": ["JURIDICA", "DAPM"],
    "Secretaría General y Asesoría Informática": ["SG", "AI"],
    PPI: [],
    "La dependencia a cargo del registro.": [],
    "Dependencias": [],
}

_UNITS = {"Número": "number", "Porcentaje": "percentage"}

# (objective node, indicator, baseline 2015, unit, target, leader, total cost or None,
#  accumulation, action description)
_ROWS = [
    (
        "C1-1",
        "Plan de migración de los repositorios de datos a sistema de manejo de bases de "
        "datos implementado",
        "0",
        "Número",
        "1",
        "DAPM y Asesoría de Informática",
        "500000000",
        "sum",
        "Construir un plan de migración de los repositorios de datos de la entidad alojados en "
        "hojas de cálculo a sistema de manejo de bases de datos y sistemas de información que "
        "necesiten actualizar sus requerimientos de funcionamiento, ampliar su capacidad y "
        "servicios disponibles",
    ),
    (
        "C1-1",
        "Funcionarios capacitados en sistemas de gestión de bases de datos",
        "0",
        "Número",
        "100",
        "DAPM",
        "50000000",
        "sum",
        "Capacitar al menos a 100 funcionarios en sistemas de gestión de bases de datos (SGBD), "
        "migración de los datos en excel a SGBD y creación de bases de datos.",
    ),
    (
        "C1-1",
        "Bases de datos diseñadas e implementadas",
        "33",
        "Número",
        "71",
        "La dependencia a cargo del registro.",
        "133000000",
        "increasing",
        "Diseñar e implementar 38 bases de datos para los conjuntos de datos capturados usando "
        "formularios estructurados, para la producción de información estratégica que actualmente "
        "están alojados en hojas de cálculo, y la aplicación para el ingreso y consulta de la "
        "información alojada",
    ),
    (
        "C1-1",
        "Procesos de producción de información que emplean recolección digital",
        "21",
        "Número",
        "67",
        PPI,
        "161000000",
        "increasing",
        "Aumentar en 46 Procesos de Producción de Información (PPI) el uso de alguno de los 3 "
        "instrumentos de recolección digitales: correo electrónico, los formularios web y "
        "dispositivos móviles de captura (DMC), para evitar los posibles errores de digitación y "
        "los costos operacionales del registro y digitalización de datos provenientes de "
        "instrumentos impresos.",
    ),
    (
        "C1-2",
        "Difusión de resultados de los Proceso de Producción de información",
        "57",
        "Número",
        "87",
        PPI,
        "26250000",
        "increasing",
        "Establecer los mecanismos para que 30 PPI que actualmente no difunden su información al "
        "público, lo hagan, enfatizando en la utilización de la web como medio de difusión.",
    ),
    (
        "C1-2",
        "Difusión web de resultados de los Proceso de Producción de información",
        "38",
        "Número",
        "57",
        PPI,
        "5600000",
        "increasing",
        "Aumentar de 38 a 57 los PPI que usan la web como medio de divulgación de toda la "
        "información relacionada con la difusión de productos de información.",
    ),
    (
        "C1-3",
        "Operaciones Estadísticas ajustadas a los lineamientos de la producción geográfica",
        "0",
        "Número",
        "19",
        PPI,
        "33250000",
        "sum",
        "Incluir en las 19 Operaciones Estadísticas (OE) los lineamientos para la producción de "
        "información geográfica de la IDESC, mejorando la captura y el detalle de los aspectos "
        "geográficos de los datos recolectados.",
    ),
    (
        "C1-3",
        "Marco geoestadístico con base en las nomenclaturas y clasificaciones",
        "0",
        "Número",
        "1",
        "DAPM",
        "500000000",
        "sum",
        "Construir un marco geoestadístico con base en las nomenclaturas y clasificaciones con "
        "dimensiones espaciales que use la entidad, para producir cartografías y mapas temáticos "
        "con base en la información estadística captura por la entidad integrandola a la "
        "infraestructura de datos espaciales IDESC.",
    ),
    (
        "C1-4",
        "Plan de fortalecimiento de registros administrativos",
        "0",
        "Número",
        "1",
        "DAPM",
        "154000000",
        "sum",
        "Implementar un plan de fortalecimiento de registros administrativos en las 13 "
        "dependencias que tienen trámites y servicios, que potencie las cualidades de estos "
        "registros para la producción de estadísticas y que modernice los instrumentos de captura "
        "para desarrollar su acceso en línea",
    ),
    (
        "C1-5",
        "Documentación técnica construida o actualizada bajo metodología DANE",
        "0",
        "Número",
        "61",
        PPI,
        "213500000",
        "sum",
        "Construir o actualizar la documentación técnica (metodología y manuales) estandarizada "
        "bajo metodología DANE de 61 Procesos de Producción de Información.",
    ),
    (
        "C1-5",
        "Documentación técnica estandarizada bajo metodología DANE",
        "0",
        "Número",
        "16",
        PPI,
        "28000000",
        "sum",
        "Estandarizar la documentación técnica (metodología y manuales) bajo metodología DANE de "
        "los 16 Procesos de Producción de Información.",
    ),
    (
        "C1-5",
        "Metadatos estandarizados de los Proceso de Producción de Información",
        "0",
        "Número",
        "77",
        PPI,
        "67375000",
        "sum",
        "Construir el metadato estandarizado de al menos 77 Procesos de Producción de Información "
        "identificados en la entidad",
    ),
    (
        "C1-6",
        "Continuidad de PPI inventariados en el PET",
        "111",
        "Número",
        "111",
        PPI,
        None,
        "constant",
        "Continuar generando al menos los 111 PPI identificados",
    ),
    (
        "C1-6",
        "Requerimientos de información específicos atendidos",
        "0",
        "Número",
        "14",
        PPI,
        None,
        "sum",
        "Atender requerimientos específicos de información",
    ),
    (
        "C1-6",
        "Capacitaciones de planificación y documentación de investigaciones estadísticas.",
        "0",
        "Número",
        "2",
        "DAPM",
        "60000000",
        "sum",
        "Realizar 2 capacitaciones a las dependencias responsables de los PPI inventariados: "
        "planificación estadística y documentación de investigaciones estadísticas.",
    ),
    (
        "C2-1",
        "Campañas de sensibilización sobre la importancia de la producción de la "
        "información oficial y su divulgación.",
        "0",
        "Número",
        "2",
        "DAPM",
        "100000000",
        "sum",
        "Realizar 2 campañas de sensibilización sobre la importancia de la producción de la "
        "información oficial y su divulgación.",
    ),
    (
        "C2-1",
        "Concepto jurídico sobre los aspectos legales de la privacidad de la información "
        "y el derecho fundamental del acceso a la información pública de los PPI de la entidad",
        "0",
        "Número",
        "111",
        PPI,
        "192500000",
        "sum",
        "Elaborar para los 111 PPI un concepto jurídico sobre los aspectos legales de la "
        "privacidad de la información y el derecho fundamental del acceso a la información "
        "pública.",
    ),
    (
        "C2-1",
        "Marco jurídico para la publicación de los conjuntos de datos e información de "
        "responsabilidad de la entidad",
        "0",
        "Número",
        "1",
        "Dirección Jurídica",
        "42000000",
        "sum",
        "Elaborar un marco jurídico para la publicación de los conjuntos de datos e información de "
        "responsabilidad de la entidad, y de soporte al registro único de activos de información "
        "de la Alcaldía de Cali",
    ),
    (
        "C2-2",
        "Sistema de alertas que notifiquen los cambios en la normatividad asociada a los "
        "datos y la información",
        "0",
        "Número",
        "1",
        "Dirección Jurídica y DAPM",
        "120000000",
        "sum",
        "Crear un sistema de alertas que notifiquen los cambios en la normatividad asociada a los "
        "datos y la información",
    ),
    (
        "C3-1",
        "Encuestas de aplicación vía web, de identificación y satisfacción de las "
        "necesidades de los usuarios de los PPI de la Administración Municipal.",
        "0",
        "Número",
        "2",
        "DAPM",
        "50000000",
        "sum",
        "Diseñar 2 encuestas de aplicación vía web, de identificación y satisfacción de las "
        "necesidades de los usuarios de los PPI de la Administración Municipal.",
    ),
    (
        "C3-1",
        "Dependencias que implementan las encuestas de identificación y satisfacción de "
        "las necesidades de los usuarios de los PPI de la Administración Municipal diseñadas por "
        "el DAPM",
        "0",
        "Número",
        "16",
        "DAPM",
        "73500000",
        "sum",
        "Implementar en las 16 dependencias de la Administración Municipal las 2 encuestas "
        "diseñadas por el DAPM, de identificación y satisfacción de las necesidades de los "
        "usuarios de los PPI.",
    ),
    (
        "C3-2",
        "Proceso de Análisis estratégico de la información actualizado y fortalecido",
        "0",
        "Número",
        "1",
        "DAPM",
        "504000000",
        "sum",
        "Actualizar y fortalecer el proceso Análisis Estratégico de la Información para que lidere "
        "los procesos de coordinación, de lineamientos sobre la captura de datos y la producción y "
        "consumo de información en la Alcaldía, y se generen mecanismos de articulación con los "
        "demás procesos que estén involucrados en la producción de información.",
    ),
    (
        "C3-2",
        "Acto administrativo que establece la regulación de la producción, difusión y "
        "acceso de información en la entidad, bajo estándares DANE.",
        "0",
        "Número",
        "1",
        "DAPM",
        "7000000",
        "sum",
        "Establecer a través de un acto administrativo, la regulación de la producción, difusión "
        "y acceso de información en la entidad, bajo estándares DANE.",
    ),
    (
        "C3-2",
        "Comité técnico que coordine y haga seguimiento al Plan Estadístico Territorial y "
        "a los estándares de producción de información en cada una de las dependencias "
        "constituido",
        "0",
        "Número",
        "1",
        "DAPM",
        "21000000",
        "sum",
        "Crear un comité técnico con participación de las dependencias que coordine y haga "
        "seguimiento al Plan Estadístico Territorial y a los estándares de producción de "
        "información en cada una de las dependencias de la Administración municipal",
    ),
    (
        "C3-2",
        "Funcionarios que participan en el comité técnico",
        "0",
        "Número",
        "16",
        PPI,
        "63000000",
        "sum",
        "Garantizar en las 16 dependencias la participación de un funcionario nombrado y con "
        "conocimientos básicos en estadística, que haga seguimiento al Plan Estadístico "
        "Territorial y a los estándares de producción de información en su dependencia y asista "
        "las reuniones del comité.",
    ),
    (
        "C3-2",
        "Documento con lineamientos para la identificación de unidades de análisis y "
        "variables para la caracterización de la población beneficiaria de las dependencias del "
        "Nivel Sectorial establecidos",
        "0",
        "Número",
        "1",
        "DAPM",
        "25000000",
        "sum",
        "Generar lineamientos para la identificación de unidades de análisis y variables para la "
        "caracterización de la población beneficiaria de las dependencias del Nivel Sectorial, "
        "establecido en el Decreto 0203 de 2001.",
    ),
    (
        "C3-2",
        "Dependencias que implementan los lineamientos para la caracterización de "
        "población beneficiaria",
        "0",
        "Número",
        "13",
        "Dependencias",
        None,
        "sum",
        "Implementar los lineamientos para la identificación de unidades de análisis y variables "
        "para la caracterización de la población beneficiaria de la dependencia",
    ),
    (
        "C3-3",
        "Archivo municipal de datos",
        "0",
        "Número",
        "1",
        "DAPM",
        "42000000",
        "sum",
        "Implementar y gestionar un archivo municipal de datos y metadatos que permita gestionar y "
        "mantener actualizada y disponible la información producida por la entidad, así como los "
        "aspectos legales de su publicación y uso de los datos.",
    ),
    (
        "C3-3",
        "Archivo municipal de datos actualizado",
        "100",
        "Porcentaje",
        "100",
        "DAPM",
        "21000000",
        "constant",
        "Mantener actualizado el inventario de los PPI, que permita atender nuevos requerimientos "
        "de información.",
    ),
    (
        "C3-3",
        "Registro único de información de la entidad con base en inventario Pet",
        "0",
        "Número",
        "1",
        "DAPM",
        "30000000",
        "sum",
        "Levantar el registro único de información de la entidad con base en el inventario de "
        "información producida, donde se establecen los aspectos legales para su publicación.",
    ),
    (
        "C3-4",
        "Modulo ORFEO de generación de estadísticas funcionando",
        "0",
        "Número",
        "1",
        "Secretaría General y Asesoría Informática",
        "200000000",
        "sum",
        "Poner en marcha el módulo de ORFEO para la generación de estadísticas y el cálculo de los "
        "indicadores de gestión relacionados con la recepción, atención y respuesta a trámites y "
        "servicios cuyos formatos estén inventariados en la TRD de la entidad",
    ),
    (
        "C4-1",
        "Convenios con aliados estratégicos",
        "0",
        "Número",
        "2",
        "DAPM",
        "20000000",
        "sum",
        "Realizar al menos 2 convenios con aliados estratégicos para el intercambio de información",
    ),
    (
        "C4-2",
        "Capacitación sobre Código Nacional de Buenas Prácticas, nomenclaturas y "
        "clasificaciones, la estandarización de conceptos y documentación estándar de "
        "metodologías.",
        "0",
        "Número",
        "2",
        "DAPM",
        "14000000",
        "sum",
        "Realizar 2 capacitaciones a las dependencias del municipio en los temas: Código Nacional "
        "de Buenas Prácticas, nomenclaturas y clasificaciones, la estandarización de conceptos, "
        "documentación estándar de metodologías.",
    ),
    # Printed with C-O "C4-3" but with no objective of its own: under objective 2 (C4-2).
    (
        "C4-2",
        "Capacitación sobre interpretación de la normatividad y Habeas Data) y de los "
        "conceptos centrales a medir con estadísticas.",
        "0",
        "Número",
        "2",
        "DAPM",
        "14000000",
        "sum",
        "Realizar 2 capacitaciones a las dependencias responsables de la producción de "
        "información, en la interpretación de la normatividad (Ley 1712 de 2014 y Habeas Data) y "
        "de los conceptos centrales a medir con estadísticas.",
    ),
    (
        "C4-4",
        "Convenio con la escuela de Estadística de la Universidad del Valle",
        "0",
        "Número",
        "1",
        "DAPM",
        "68000000",
        "sum",
        "Realizar un convenio con la Escuela de Estadística de la Universidad del Valle para la "
        "integración de pasantes en el área de estadística para fortalecer la capacidad de la "
        "entidad",
    ),
]


def _build():
    actions: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    for node, ind_name, baseline, unit, target, leader, cost, accumulation, description in _ROWS:
        counters[node] = counters.get(node, 0) + 1
        code = f"{node}.{counters[node]}"
        actions.append(
            {
                "code": code,
                "node_code": node,
                "description": description,
                "unit_codes": list(_LEADERS[leader]),
                "start_date": None,
                "due_date": None,
                "planned_cost": cost,
                "axis_values": {},
                "weight": "1",
                "order": counters[node],
            }
        )
        indicators.append(
            {
                "code": f"I-{code}",
                "name": ind_name,
                "action_code": code,
                "node_code": None,
                "source": "management",
                "source_reference": f"Plan de Acción General del PET, {node}",
                "unit_of_measure": _UNITS[unit],
                "unit_label": None,
                "baseline_value": baseline,
                "baseline_year": 2015,
                "target_value": target,
                "accumulation": accumulation,
                "unit_code": None,
                "contributions": [],
                "programming": [],
            }
        )
    return actions, indicators


_ACTIONS, _INDICATORS = _build()

# "Inversión en 4 años": row label as printed -> (unit code, C1, C2, C3, C4, row total, share %)
_MATRIX = [
    ("Bienestar", "BIENESTAR", "4375000", "8750000", "8400000", "0", "21525000", "0.61"),
    (
        "Control Disciplinario",
        "CONTROL-DISCIPLINARIO",
        "7875000",
        "1750000",
        "8400000",
        "0",
        "18025000",
        "0.51",
    ),
    (
        "Control Interno",
        "CONTROL-INTERNO",
        "4375000",
        "1750000",
        "8400000",
        "0",
        "14525000",
        "0.41",
    ),
    ("Cultura y turismo", "CULTURA", "14350000", "5250000", "8400000", "0", "28000000", "0.79"),
    ("Dagma", "DAGMA", "123375000", "33250000", "8400000", "0", "165025000", "4.66"),
    ("Educación", "EDUCACION", "82075000", "19250000", "8400000", "0", "109725000", "3.10"),
    ("General", "SG", "221875000", "8750000", "208400000", "0", "439025000", "12.41"),
    ("Gobierno", "GOBIERNO", "34125000", "14000000", "8400000", "0", "56525000", "1.60"),
    ("Hacienda", "HACIENDA", "47075000", "15750000", "8400000", "0", "71225000", "2.01"),
    (
        "Infraestructura",
        "INFRAESTRUCTURA",
        "14000000",
        "1750000",
        "8400000",
        "0",
        "24150000",
        "0.68",
    ),
    ("Jurídica", "JURIDICA", "4375000", "90000000", "8400000", "0", "102775000", "2.90"),
    (
        "Planeación",
        "DAPM",
        "1115975000",
        "193000000",
        "710500000",
        "116000000",
        "2135475000",
        "60.34",
    ),
    ("Salud", "SALUD", "203875000", "38500000", "8400000", "0", "250775000", "7.09"),
    ("Tránsito", "TRANSITO", "38850000", "10500000", "8400000", "0", "57750000", "1.63"),
    ("Vivienda", "VIVIENDA", "15400000", "12250000", "8400000", "0", "36050000", "1.02"),
    ("Deporte", "DEPORTE", "0", "0", "8400000", "0", "8400000", "0.24"),
]
_COMPONENTS = ["C1", "C2", "C3", "C4"]

_ALLOCATIONS = [
    {"unit_code": unit, "node_code": comp, "year": None, "planned": amount, "executed": None}
    for _label, unit, *cells, _total, _share in _MATRIX
    for comp, amount in zip(_COMPONENTS, cells, strict=True)
    if amount != "0"
]


def _unit(code, name, acronym=None):
    return {"code": code, "name": name, "acronym": acronym}


SEED: dict = {
    "organization": {
        "code": "alc-cali",
        "name": "Alcaldía de Santiago de Cali",
        "kind": "alcaldia",
    },
    "units": [
        _unit("DAPM", "Departamento Administrativo de Planeación Municipal", "DAPM"),
        _unit("AI", "Asesoría de Informática"),
        _unit("JURIDICA", "Dirección Jurídica"),
        _unit("SG", "Secretaría General"),
        _unit("BIENESTAR", "Bienestar"),
        _unit("CONTROL-DISCIPLINARIO", "Control Disciplinario"),
        _unit("CONTROL-INTERNO", "Control Interno"),
        _unit("CULTURA", "Cultura y turismo"),
        _unit("DAGMA", "Dagma"),
        _unit("EDUCACION", "Educación"),
        _unit("GOBIERNO", "Gobierno"),
        _unit("HACIENDA", "Hacienda"),
        _unit("INFRAESTRUCTURA", "Infraestructura"),
        _unit("SALUD", "Salud"),
        _unit("TRANSITO", "Tránsito"),
        _unit("VIVIENDA", "Vivienda"),
        _unit("DEPORTE", "Deporte"),
    ],
    "plan": {
        "code": "PET-CALI",
        "name": (
            "Plan Estadístico Territorial - PET: Plan de Acción General para el Fortalecimiento "
            "de la Producción de Información Estadística, Alcaldía de Santiago de Cali"
        ),
        "kind": "pet",
        "first_year": 2016,
        "last_year": 2019,
        "approval_reference": None,
        "description": (
            "Plan Estadístico Territorial de Santiago de Cali, formulado por el Departamento "
            "Administrativo de Planeación Municipal (Subdirección de Desarrollo Integral, Equipo "
            "de indicadores sociales) con asesoría técnica del DANE. Principios: Continuidad, "
            "Estandarización, Integración e Interoperabilidad, Calidad Estadística. Componentes: "
            "C1-Fortalecimiento metodológico y técnico de los PPI; C2-Aspectos jurídicos; "
            "C3-Coordinación Institucional; C4-Capacidad estadística. Línea base 2015; "
            "inversión en 4 años: $3.538.975.000. Medios de financiación: recursos propios por "
            "medio de la formulación de proyectos a incluir en el POAI; recursos de las "
            "entidades de orden nacional de las bolsas destinadas por el PND 2014-2018, la "
            "estrategia de gobierno en línea de MinTIC; recursos internacionales de las "
            "organizaciones que impulsan la transparencia y las iniciativas de datos abiertos."
        ),
        "levels": ["Componente", "Objetivo"],
        "axes": [],
        "tolerance_pct": "0",
        "cap_at_100": False,
    },
    "nodes": [
        {
            "code": "C1",
            "parent_code": None,
            "order": 1,
            "weight": "1",
            "name": "Fortalecimiento metodológico y técnico",
        },
        {
            "code": "C1-1",
            "parent_code": "C1",
            "order": 1,
            "weight": "1",
            "name": (
                "Fortalecer las herramientas tecnológicas para las actividades relacionadas con la "
                "captura, almacenamiento, mantenimiento y seguridad de los datos recolectados"
            ),
        },
        {
            "code": "C1-2",
            "parent_code": "C1",
            "order": 2,
            "weight": "1",
            "name": (
                "Impulsar los niveles de difusión de los Procesos de Producción de Información al "
                "público en general, que promueva el uso de la web y la publicidad de bases de "
                "datos, el uso de formatos reutilizables y la difusión de la documentación técnica "
                "usando metadatos estandarizados, que impacten en la reducción de costo operativo (y "
                "en el aumento de la eficiencia) que supone la respuesta de solicitudes de "
                "información que pueden estar publicada, facilitando los procesos de veeduría y "
                "fomentando la transparencia en la entidad."
            ),
        },
        {
            "code": "C1-3",
            "parent_code": "C1",
            "order": 3,
            "weight": "1",
            "name": (
                "Promover la creación de un marco geoestadístico con base en las nomenclaturas y "
                "clasificaciones con dimensiones espaciales que use la entidad, que permita integrar "
                "la información en la infraestructura de datos espaciales IDESC, fortaleciéndose con "
                "datos y proyectos que mejoren la cantidad y calidad de la oferta de información "
                "geográfica."
            ),
        },
        {
            "code": "C1-4",
            "parent_code": "C1",
            "order": 4,
            "weight": "1",
            "name": (
                "Preparar y fortalecer los registros administrativos para convertirse en fuente de "
                "estadísticas de gestión y de aspectos demográficos y misionales de la "
                "Administración Municipal, haciendo énfasis en las mejoras metodológicas, la "
                "disponibilidad y uso de nomenclaturas y clasificaciones, en el diseño de los "
                "instrumentos y la tecnología."
            ),
        },
        {
            "code": "C1-5",
            "parent_code": "C1",
            "order": 5,
            "weight": "1",
            "name": (
                "Construir y actualizar la documentación técnica, en especial documentos "
                "metodológicos sobre los PPI de la entidad, haciendo uso de metadatos "
                "estandarizados, y construyendo mecanismos que garanticen su actualización oportuna."
            ),
        },
        {
            "code": "C1-6",
            "parent_code": "C1",
            "order": 6,
            "weight": "1",
            "name": (
                "Garantizar los recursos para fortalecer y garantizar la continuidad de la "
                "producción de información que logre mejorar el bajo cubrimiento en aspectos "
                "temáticos y de desagregación de la información consumida por las dependencias, "
                "identificando las fuentes de información disponible y/o diseñado nuevos PPI que "
                "las suplan."
            ),
        },
        {
            "code": "C2",
            "parent_code": None,
            "order": 2,
            "weight": "1",
            "name": "Aspectos jurídicos",
        },
        {
            "code": "C2-1",
            "parent_code": "C2",
            "order": 1,
            "weight": "1",
            "name": (
                "Ampliar los espacios de divulgación y sensibilización sobre los aspectos legales de "
                "la privacidad de la información y el derecho fundamental del acceso a la "
                "información pública, que promuevan el debate sobre estos temas al interior de la "
                "administración y con los actores interesados."
            ),
        },
        {
            "code": "C2-2",
            "parent_code": "C2",
            "order": 2,
            "weight": "1",
            "name": (
                "Disminuir el riesgo jurídico y aumentar la oportunidad y pertinencia de la "
                "información producida fortaleciendo los mecanismos y las tecnologías para la "
                "detección, divulgación e interpretación de los cambios normativos relacionados con "
                "aspectos de la producción y publicidad de información estadística y bases de datos "
                "en concordancia con el ordenamiento jurídico."
            ),
        },
        {
            "code": "C3",
            "parent_code": None,
            "order": 3,
            "weight": "1",
            "name": "Coordinación institucional",
        },
        {
            "code": "C3-1",
            "parent_code": "C3",
            "order": 1,
            "weight": "1",
            "name": (
                "Promover mecanismos de identificación de los usuarios de información y de su "
                "satisfacción para impactar positivamente en la calidad y utilidad de la información "
                "producida."
            ),
        },
        {
            "code": "C3-2",
            "parent_code": "C3",
            "order": 2,
            "weight": "1",
            "name": (
                "Posicionar e impulsar el liderazgo del DAPM en la coordinación, dando lineamientos, "
                "regulando y evaluando los aspectos técnicos y operativos que garanticen que la "
                "información estratégica se produzca y esté disponible, apoyándose en la normatividad "
                "que lo faculta."
            ),
        },
        {
            "code": "C3-3",
            "parent_code": "C3",
            "order": 3,
            "weight": "1",
            "name": (
                "Construir, mantener y gestionar un registro único de los activos de información de "
                "la entidad y un archivo municipal de los datos usando las tecnologías de la "
                "información, que permita hacer búsquedas y centralice y estandarice la "
                "documentación técnica, los aspectos legales y enlaces de acceso a los datos, "
                "conforme a las políticas de seguridad y privacidad vigentes."
            ),
        },
        {
            "code": "C3-4",
            "parent_code": "C3",
            "order": 4,
            "weight": "1",
            "name": (
                "Articular los procesos relacionados con la producción de información del Sistema de "
                "Gestión de Calidad(SGC) con el Sistema de Gestión Documental(SGD) para operativizar "
                "la producción de indicadores de gestión y fortalecer la captura de […]"
            ),
        },
        {
            "code": "C4",
            "parent_code": None,
            "order": 4,
            "weight": "1",
            "name": "Capacidad estadística",
        },
        {
            "code": "C4-1",
            "parent_code": "C4",
            "order": 1,
            "weight": "1",
            "name": (
                "Fortalecer la relación con el DANE como aliado estratégico para el mejoramiento de "
                "las capacidades y recursos técnicos de la Administración Municipal, a través de "
                "convenios de capacitación, asesoramiento y productos estadísticos."
            ),
        },
        {
            "code": "C4-2",
            "parent_code": "C4",
            "order": 2,
            "weight": "1",
            "name": (
                "Promover, divulgar y capacitar en el uso de instrumentos técnicos como códigos de "
                "buenas prácticas, nomenclaturas y clasificaciones, técnicas de diseño de "
                "formularios, manejo de paquetes de cómputo y aspectos normativos que propendan por "
                "el aseguramiento de la calidad estadística."
            ),
        },
        {
            "code": "C4-4",
            "parent_code": "C4",
            "order": 3,
            "weight": "1",
            "name": (
                "Aumentar el personal con formación en estadística y áreas afines, y la capacitación "
                "del personal existente para dar respuesta a los crecientes requerimientos de "
                "información de la entidad."
            ),
        },
    ],
    "actions": _ACTIONS,
    "indicators": _INDICATORS,
    "budget_allocations": _ALLOCATIONS,
    "cuts": [],
    "measurements": [],
    "followups": [],
    "expected": {
        "budget": {
            "columns": {
                "C1": "1931975000",
                "C2": "454500000",
                "C3": "1036500000",
                "C4": "116000000",
            },
            "column_share_pct_shown": {"C1": "54.59", "C2": "12.84", "C3": "29.29", "C4": "3.28"},
            "rows": {
                unit: {"label": label, "total": total, "share_pct_shown": share}
                for label, unit, *_cells, total, share in _MATRIX
            },
            "total": "3538975000",
        },
        # The "Costo Total" column of the action plan adds up to the same column totals.
        "action_costs_by_component": {
            "C1": "1931975000",
            "C2": "454500000",
            "C3": "1036500000",
            "C4": "116000000",
        },
    },
    "notes": [
        "Vigencias: el documento no las imprime; habla de línea base 2015 e “Inversión en 4 "
        "años”, y el PET aún está por firmar. Se registra 2016-2019 (los cuatro años siguientes "
        "a la línea base); es una decisión, no un dato del documento.",
        "Sin seguimiento: el documento presenta el plan (línea base, meta, líder, costo) pero no "
        "trae programación por año, cortes ni avances; no se inventa ninguno.",
        "Líder genérico: las acciones cuyo líder es “La dependencia a cargo del PPI”, “La "
        "dependencia a cargo del registro.” o “Dependencias” quedan sin unidad responsable "
        "(unit_codes vacío), porque no nombran una dependencia; su costo sí aparece repartido "
        "entre dependencias en la matriz de inversión.",
        "Matriz de inversión: las filas del documento se llaman por nombre corto. “Planeación” "
        "se carga como el DAPM, “General” como la Secretaría General y “Jurídica” como la "
        "Dirección Jurídica (los líderes que el plan nombra). Las celdas en $0 no se cargan "
        "(47 asignaciones de 64 celdas). Asesoría de Informática, colíder de dos acciones, no "
        "tiene fila en la matriz.",
        "Los costos por acción (columna “Costo Total”) suman por componente exactamente los "
        "totales de la matriz: C1 $1.931.975.000, C2 $454.500.000, C3 $1.036.500.000, C4 "
        "$116.000.000, total $3.538.975.000. Tres acciones no tienen costo (C1-6.1, C1-6.2, "
        "C3-2.6).",
        "Códigos: el documento imprime “C-3-3” para el objetivo 3 del componente 3; se usa "
        "C3-3. En el componente 4 la columna C-O trae C4-1, C4-2, C4-3 y C4-4 pero sólo hay "
        "tres objetivos (#1, #2, #3, como en la diapositiva del componente): la fila “C4-3” no "
        "tiene objetivo propio y se carga como segunda acción del objetivo 2 (C4-2.2), y el "
        "objetivo #3 conserva el código impreso C4-4.",
        "Objetivo C3-4: el texto de la tabla está cortado (“…y fortalecer la captura de”); se "
        "marca con […]. La diapositiva del componente 3 lo resume como “…para operativizar la "
        "producción a través de los trámites y servicios soportados.”",
        "Acumulación: indicadores con línea base distinta de cero y meta mayor (33→71, 21→67, "
        "57→87, 38→57) se cargan como `increasing`; los de mantenimiento (111→111 PPI, "
        "100%→100%) como `constant`; los demás (línea base 0) como `sum`.",
        "Asesoría de Informática aparece como “Asesoría de Informática” (C1-1.1) y “Asesoría "
        "Informática” (C3-4.1): se toma como una sola dependencia.",
    ],
}
