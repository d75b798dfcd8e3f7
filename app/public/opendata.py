"""Open data of a plan's published figures: CSV and JSON, described by a Frictionless data
package (`datapackage.json`, Data Package v1 with a Table Schema), from the frozen figures."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import Session

from app.public import repository
from app.public.service import Published, published

RESOURCE = "valores"
# (name, Table Schema type, title, description)
FIELDS = (
    ("plan", "string", "Plan", "Código del plan"),
    ("indicador", "string", "Indicador", "Código del indicador"),
    ("nombre", "string", "Nombre", "Nombre del indicador"),
    ("unidad_medida", "string", "Unidad de medida", "Unidad de medida del indicador"),
    ("corte", "string", "Corte", "Código del corte publicado"),
    ("fecha_corte", "date", "Fecha de corte", "Fecha del corte"),
    ("revision", "integer", "Revisión", "Número de la revisión publicada del corte"),
    ("programado_anio", "number", "Programado en el año", "Programación del año del corte"),
    ("programado_a_la_fecha", "number", "Programado a la fecha", "Programado al corte"),
    ("ejecutado_a_la_fecha", "number", "Ejecutado a la fecha", "Ejecutado al corte"),
    ("avance_pct", "number", "Avance (%)", "Avance al corte, redondeado a 2 decimales"),
    ("estado", "string", "Estado", "on_track, lagging, over_executed o not_due"),
    ("banda", "string", "Banda", "Código de la banda de semáforo"),
)


def rows(session: Session, found: Published) -> list[dict]:
    payloads = repository.frozen_payloads(
        session, [(found.cut_ids[c.code], c.revision) for c in found.cuts], "results"
    )
    out = []
    for cut in found.cuts:
        payload = payloads.get(found.cut_ids[cut.code])
        if payload is None:
            continue
        for item in json.loads(payload)["indicators"]:
            band = item.get("band")
            out.append(
                {
                    "plan": found.plan.code,
                    "indicador": item["code"],
                    "nombre": item["name"],
                    "unidad_medida": item.get("unit_of_measure"),
                    "corte": cut.code,
                    "fecha_corte": cut.cut_date.isoformat(),
                    "revision": cut.revision,
                    "programado_anio": item.get("programmed_year"),
                    "programado_a_la_fecha": item.get("programmed_to_date"),
                    "ejecutado_a_la_fecha": item.get("executed_to_date"),
                    "avance_pct": item.get("advance_pct_shown"),
                    "estado": item["status"]["code"],
                    "banda": band["code"] if band else None,
                }
            )
    return out


def values_csv(session: Session, code: str, plan_code: str) -> bytes:
    found = published(session, code, plan_code)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[f[0] for f in FIELDS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(session, found))
    return out.getvalue().encode()


def values_json(session: Session, code: str, plan_code: str) -> bytes:
    found = published(session, code, plan_code)
    return json.dumps(rows(session, found), ensure_ascii=False).encode()


def descriptor(session: Session, code: str, plan_code: str) -> bytes:
    found = published(session, code, plan_code)
    name = f"{found.organization.code}-{found.plan.code}".lower()
    package = {
        "profile": "tabular-data-package",
        "name": "".join(c if c.isalnum() or c in "-_." else "-" for c in name),
        "title": f"{found.plan.name} — cifras publicadas",
        "description": (
            f"Cifras publicadas del plan {found.plan.code} de {found.organization.name}: "
            "un registro por indicador y corte publicado (su última revisión)."
        ),
        "version": ",".join(f"{c.code}:{c.revision}" for c in found.cuts),
        "resources": [
            {
                "name": RESOURCE,
                "path": f"{RESOURCE}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": n, "type": t, "title": title, "description": d}
                        for n, t, title, d in FIELDS
                    ],
                    "primaryKey": ["indicador", "corte"],
                    "missingValues": [""],
                },
            }
        ],
    }
    return json.dumps(package, ensure_ascii=False, indent=2).encode()
