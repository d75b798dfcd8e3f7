"""SDMX exports of a plan's published figures, written with pysdmx.

The data structure definition (DSD) of a plan, `<ORG>:PLAN_<CODE>(1.0)`:

- dimensions `INDICATOR` (the indicator's code), `TERRITORY` (a DIVIPOLA code; `_T`, the
  total, until published figures are disaggregated by territory) and `TIME_PERIOD` (the cut's
  date, `YYYY-MM-DD`);
- the measure `OBS_VALUE`: the value executed to the cut date (as the cut's results count it);
- attributes at observation level: `UNIT_MEASURE` (the indicator's unit of measure),
  `OBS_STATUS` (its status code at the cut: on_track, lagging, over_executed, not_due) and
  `BAND` (its band code), plus `ADVANCE_PCT` (its advance at the cut, rounded as shown).

Observations come only from the figures frozen by the latest revision of each published
cut (the same the public routes serve). Messages carry a fixed header (id and prepared time
from the published revisions), so the same publications give the same bytes and ETag.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

import pandas as pd
from pysdmx.io import write_sdmx
from pysdmx.io.format import Format
from pysdmx.io.pd import PandasDataset
from pysdmx.model import (
    Component,
    Components,
    Concept,
    ConceptScheme,
    DataStructureDefinition,
    DataType,
    Organisation,
    Role,
)
from pysdmx.model.message import Header
from sqlmodel import Session

from app.public import repository
from app.public.service import Published, published

TOTAL_TERRITORY = "_T"
COLUMNS = (
    "INDICATOR",
    "TERRITORY",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "OBS_STATUS",
    "BAND",
    "ADVANCE_PCT",
)
STRUCTURE_FORMATS = {"xml": Format.STRUCTURE_SDMX_ML_2_1, "json": Format.STRUCTURE_SDMX_JSON_2_0_0}
DATA_FORMATS = {"csv": Format.DATA_SDMX_CSV_2_0_0, "xml": Format.DATA_SDMX_ML_2_1_STR}
MEDIA_TYPES = {
    ("structure", "xml"): "application/vnd.sdmx.structure+xml; version=2.1",
    ("structure", "json"): "application/vnd.sdmx.structure+json; version=2.0.0",
    ("data", "csv"): "application/vnd.sdmx.data+csv; version=2.0.0",
    ("data", "xml"): "application/vnd.sdmx.structurespecificdata+xml; version=2.1",
}

# (id, name, role, type, required)
_COMPONENTS = (
    ("INDICATOR", "Indicador", Role.DIMENSION, DataType.STRING, True),
    ("TERRITORY", "Territorio (DIVIPOLA)", Role.DIMENSION, DataType.STRING, True),
    ("TIME_PERIOD", "Fecha de corte", Role.DIMENSION, DataType.PERIOD, True),
    ("OBS_VALUE", "Valor ejecutado a la fecha de corte", Role.MEASURE, DataType.DOUBLE, False),
    ("UNIT_MEASURE", "Unidad de medida", Role.ATTRIBUTE, DataType.STRING, False),
    ("OBS_STATUS", "Estado", Role.ATTRIBUTE, DataType.STRING, False),
    ("BAND", "Banda de semáforo", Role.ATTRIBUTE, DataType.STRING, False),
    ("ADVANCE_PCT", "Avance al corte (%)", Role.ATTRIBUTE, DataType.DOUBLE, False),
)


def sdmx_id(text: str) -> str:
    """An SDMX identifier from a code: letters, digits and underscores, upper case."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text).upper()


def _names(found: Published) -> tuple[str, str]:
    return sdmx_id(found.organization.code), f"PLAN_{sdmx_id(found.plan.code)}"


def _concepts(agency: str, dsd_id: str) -> ConceptScheme:
    return ConceptScheme(
        id=f"CS_{dsd_id}",
        agency=agency,
        version="1.0",
        name=f"Conceptos de {dsd_id}",
        items=[
            Concept(id=cid, name=name, dtype=dtype, urn=_concept_urn(agency, dsd_id, cid))
            for cid, name, _, dtype, _ in _COMPONENTS
        ],
    )


def _concept_urn(agency: str, dsd_id: str, cid: str) -> str:
    return f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={agency}:CS_{dsd_id}(1.0).{cid}"


def structure_of(found: Published) -> DataStructureDefinition:
    agency, dsd_id = _names(found)
    return DataStructureDefinition(
        id=dsd_id,
        agency=agency,
        version="1.0",
        name=found.plan.name,
        components=Components(
            [
                Component(
                    id=cid,
                    required=required,
                    role=role,
                    concept=Concept(
                        id=cid, name=name, dtype=dtype, urn=_concept_urn(agency, dsd_id, cid)
                    ),
                    local_dtype=dtype,
                    attachment_level="O" if role == Role.ATTRIBUTE else None,
                )
                for cid, name, role, dtype, required in _COMPONENTS
            ]
        ),
    )


def observations(session: Session, found: Published) -> list[dict]:
    """One row per indicator and published cut, from the frozen results, in cut order."""
    payloads = repository.frozen_payloads(
        session, [(found.cut_ids[c.code], c.revision) for c in found.cuts], "results"
    )
    rows = []
    for cut in found.cuts:
        payload = payloads.get(found.cut_ids[cut.code])
        if payload is None:
            continue
        for item in json.loads(payload)["indicators"]:
            band = item.get("band")
            executed = item.get("executed_to_date")
            advance = item.get("advance_pct_shown")
            rows.append(
                {
                    "INDICATOR": item["code"],
                    "TERRITORY": TOTAL_TERRITORY,
                    "TIME_PERIOD": cut.cut_date.isoformat(),
                    "OBS_VALUE": None if executed is None else float(executed),
                    "UNIT_MEASURE": item.get("unit_of_measure"),
                    "OBS_STATUS": item["status"]["code"],
                    "BAND": band["code"] if band else None,
                    "ADVANCE_PCT": None if advance is None else float(advance),
                }
            )
    return rows


def _header(found: Published, what: str) -> Header:
    agency, dsd_id = _names(found)
    stamp = ",".join(f"{c.code}:{c.revision}" for c in found.cuts)
    digest = hashlib.sha256(f"{agency}:{dsd_id}:{what}:{stamp}".encode()).hexdigest()[:20]
    latest = max((c.published_at for c in found.cuts), default=datetime(1970, 1, 1))
    return Header(id=f"{what}_{digest}", prepared=latest, sender=Organisation(id=agency))


def structure_message(session: Session, code: str, plan_code: str, fmt: str) -> bytes:
    found = published(session, code, plan_code)
    agency, dsd_id = _names(found)
    text = write_sdmx(
        [_concepts(agency, dsd_id), structure_of(found)],
        STRUCTURE_FORMATS[fmt],
        header=_header(found, "STRUCTURE"),
    )
    if fmt == "json":
        text = _without_empty_groups(text or "{}")
    return (text or "").encode()


def _without_empty_groups(text: str) -> str:
    """pysdmx 1.21 writes `"groups": []` in a DSD's components, which the SDMX-JSON 2.0
    schema (and pysdmx's own validating reader) refuses: a DSD without groups has none."""
    message = json.loads(text)
    for dsd in message.get("data", {}).get("dataStructures", []):
        components = dsd.get("dataStructureComponents", {})
        if components.get("groups") == []:
            del components["groups"]
    return json.dumps(message, ensure_ascii=False, indent=4)


def data_message(session: Session, code: str, plan_code: str, fmt: str) -> bytes:
    found = published(session, code, plan_code)
    frame = pd.DataFrame(observations(session, found), columns=list(COLUMNS))
    dataset = PandasDataset(structure=structure_of(found).to_schema(), data=frame)
    kwargs: dict[str, Any] = {} if fmt == "csv" else {"header": _header(found, "DATA")}
    text = write_sdmx([dataset], DATA_FORMATS[fmt], **kwargs)
    return (text or "").encode()
