"""Workbooks in and out: the template, importing with a summary, dry runs, upserts, what
officials really type, measurement files, result exports and hostile files."""

import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import func, select

from app.demo.loader import load, load_structure
from app.demo.seeds import bogota
from app.measurements.models import Measurement
from app.plans.models import ChangeRecord, Indicator, Node, Plan
from app.spreadsheets import reader
from tests.helpers import assert_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def org(client) -> dict:
    org = client.post(
        "/api/v1/organizations", json={"code": "alc", "name": "Alcaldía", "kind": "alcaldia"}
    ).json()
    for code in ("DAPM", "DATIC"):
        client.post(f"/api/v1/organizations/{org['id']}/units", json={"code": code, "name": code})
    return org


def officials_workbook(**changes) -> bytes:
    """A workbook as an official fills it: Spanish numbers as text, dates of every kind,
    spaces, empty rows, a merged header, a formula, a hidden and an extra sheet, an extra
    column, codes in another letter case."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    pct = book.add_format({"num_format": "0%"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})

    ws = book.add_worksheet("Plan")
    ws.write_row(0, 0, ["Campo", "Campo en la API", "Valor"])
    ws.write_row(1, 0, ["label", "field", "value"])
    plan_rows = [
        ("Código", "code", "PA-2024"),
        ("Nombre", "name", "Plan de acción\u00a0 "),
        ("Tipo", "kind", "action_plan"),
        ("Primera vigencia", "first_year", 2024),
        ("Última vigencia", "last_year", "2.025"),
        ("Niveles", "levels", "Componente | Objetivo"),
        ("Tolerancia", "tolerance_pct", "0"),
        ("Limitar", "cap_at_100", "NO"),
    ]
    for r, row in enumerate(plan_rows, start=2):
        ws.write_row(r, 0, row)

    ws = book.add_worksheet("Nodos")
    ws.merge_range(0, 0, 0, 1, "Identificación")  # a merged header cell
    ws.write_row(1, 0, ["code", "parent_code", "level", "name", "weight", "comentario"])
    ws.write(1, 6, "weights_by_year")
    ws.write_row(2, 0, ["C1", None, "Componente", "Componente uno", "1", "nota libre"])
    ws.write_row(4, 0, ["C1-1", "c1", "objetivo", "Objetivo uno ", "0,5"])  # row 4 empty
    ws.write(4, 6, "2024: 2 | 2025: 0,5")

    ws = book.add_worksheet("Acciones")
    ws.write_row(0, 0, ["Código", "Nodo", "Descripción", "Dependencias", "Inicio", "Fin", "Costo"])
    ws.write_row(1, 0, ["code", "node_code", "description", "unit_codes", "start_date"])
    ws.write(1, 5, "due_date")
    ws.write(1, 6, "planned_cost")
    ws.write_row(2, 0, ["A1", "C1-1", "Formular el documento", "dapm | DATIC", "01/02/2024"])
    ws.write_number(2, 5, 45657)  # an Excel serial: 2024-12-31
    ws.write(2, 6, changes.get("cost", "$ 1.931.975.000"))

    ws = book.add_worksheet("Indicadores")
    ws.write_row(1, 0, ["code", "name", "action_code", "unit_of_measure", "accumulation"])
    ws.write_row(1, 5, ["baseline_value", "baseline_year", "target_value"])
    ws.write_row(2, 0, ["IND-1", "Documentos formulados", "a1", "number", "sum"])
    ws.write_row(2, 5, ["53,73", 2023])
    ws.write_formula(2, 7, "=1+1", None, 2)  # a formula: its cached value is read
    ws.write_row(
        3, 0, ["IND-2", "Cobertura", "A1", "percentage", changes.get("accumulation", "constant")]
    )
    ws.write_number(3, 7, 0.45, pct)  # shown 45 %: read as 45

    ws = book.add_worksheet("Programación")
    ws.merge_range(0, 1, 0, 2, "Programación")
    ws.write(1, 0, "indicator_code")
    ws.write_datetime(1, 1, __import__("datetime").datetime(2024, 6, 30), day)
    ws.write(1, 2, "31/12/2024")
    ws.write_row(2, 0, ["IND-1", 1, "1"])
    ws.write_row(3, 0, ["IND-2", "40 %", "45"])

    ws = book.add_worksheet("Mediciones")
    ws.write_row(1, 0, ["indicator_code", "period_end", "value", "note"])
    ws.write_row(2, 0, ["IND-1", "30/06/2024", changes.get("measured", "1"), "Acta 1"])
    ws.write_row(3, 0, ["ind-2", "2024-06-30", "42,5"])

    hidden = book.add_worksheet("Nodos viejos")
    hidden.write(0, 0, "code")
    hidden.hide()
    book.add_worksheet("Notas").write(0, 0, "borrador")
    book.close()
    return buffer.getvalue()


def post_new(client, org, data: bytes, name="plan.xlsx", **params):
    return client.post(
        "/api/v1/plans/import",
        params={"organization_id": org["id"], **params},
        files={"file": (name, data, XLSX)},
    )


def test_template_is_the_format(client, org):
    r = client.get("/api/v1/plans/workbook-template")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [
        "Plan",
        "Ejes",
        "Semáforo",
        "Nodos",
        "Acciones",
        "Presupuesto",
        "Indicadores",
        "Contribuciones",
        "Programación",
        "Mediciones",
        "Cortes",
        "Listas",
    ]
    ws = book["Indicadores"]
    assert ws.freeze_panes == "B3"
    assert [c.value for c in ws[2]][:4] == ["code", "name", "action_code", "node_code"]
    assert ws["A1"].value == "Código"
    assert ws["A3"].value == "IND-1"  # the example row
    lists = {
        str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"
    }
    assert "'Listas'!$D$3:$D$13" in lists.values()  # accumulation types, then DNP's names
    assert [c.value for c in book["Listas"]["D"]][2:13] == [
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
    ]
    assert book["Acciones"]["E3"].is_date  # dates as Excel dates
    csv = client.get("/api/v1/plans/workbook-template", params={"format": "csv"})
    assert csv.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(csv.content)).namelist()
    assert names[:3] == ["plan.csv", "axes.csv", "bands.csv"] and "measurements.csv" in names
    bad = client.get("/api/v1/plans/workbook-template", params={"format": "pdf"})
    assert_problem(bad, 422)


def test_what_officials_type_is_read(client, org, session):
    r = post_new(client, org, officials_workbook())
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["errors"] == []
    assert summary["status"] == "created" and summary["written"] is True
    assert {k: (c["created"], c["unchanged"]) for k, c in summary["sheets"].items()} == {
        "plan": (1, 0),
        "nodes": (2, 0),
        "actions": (1, 0),
        "indicators": (2, 0),
        "programming": (2, 0),
        "measurements": (2, 0),
    }
    reasons = {(w["sheet"], w["column"], w["reason"]) for w in summary["warnings"]}
    assert ("nodes", "comentario", "unknown column: ignored") in reasons
    assert ("Nodos viejos", None, "hidden sheet: ignored") in reasons
    assert ("Notas", None, "a sheet of no known name: ignored") in reasons
    assert ("nodes", "parent_code", "code c1 taken as the existing C1") in reasons

    plan_id = summary["plan_id"]
    plan = client.get(f"/api/v1/plans/{plan_id}").json()
    assert (plan["name"], plan["last_year"], plan["levels"]) == (
        "Plan de acción",
        2025,
        ["Componente", "Objetivo"],
    )
    tree = client.get(f"/api/v1/plans/{plan_id}/tree").json()
    child = tree["nodes"][0]["children"][0]
    assert (child["code"], child["name"], child["weight"]) == ("C1-1", "Objetivo uno", 0.5)
    assert child["weights_by_year"] == {"2024": 2, "2025": 0.5}
    action = child["actions"][0]
    assert (action["start_date"], action["due_date"], action["planned_cost"]) == (
        "2024-02-01",
        "2024-12-31",
        1931975000,
    )
    assert len(action["unit_ids"]) == 2
    ind = {i["code"]: i for i in action["indicators"]}
    assert ind["IND-1"]["baseline_value"] == 53.73
    assert ind["IND-1"]["target_value"] == 2
    assert ind["IND-2"]["target_value"] == 45
    assert ind["IND-2"]["annual_programming"] == [{"year": 2024, "programmed": 45}]
    values = {(m.value, m.note) for m in session.execute(select(Measurement)).scalars()}
    assert values == {(1, "Acta 1"), (42.5, None)}

    change = session.execute(
        select(ChangeRecord).where(ChangeRecord.entity == "import")
    ).scalar_one()
    assert change.after["file_name"] == "plan.xlsx"
    assert change.after["file_sha256"] == summary["file_sha256"]
    assert len(summary["file_sha256"]) == 64


def test_same_file_again_is_unchanged_and_dry_run_writes_nothing(client, org, session):
    data = officials_workbook()
    dry = post_new(client, org, data, dry_run="true").json()
    assert (dry["dry_run"], dry["written"], dry["plan_id"]) == (True, False, None)
    assert dry["sheets"]["indicators"]["created"] == 2
    assert count(session, Plan) == 0
    plan_id = post_new(client, org, data).json()["plan_id"]
    nodes, changes = count(session, Node), count(session, ChangeRecord)

    again = client.post(
        f"/api/v1/plans/{plan_id}/import", files={"file": ("plan.xlsx", data, XLSX)}
    ).json()
    assert again["status"] == "unchanged" and again["written"] is False
    assert again["sheets"]["measurements"] == {
        "received": 2,
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "rejected": 0,
    }
    assert (count(session, Node), count(session, ChangeRecord)) == (nodes, changes)

    # A changed cost and measurement: updates, the rest unchanged.
    changed = officials_workbook(cost="2.000.000.000", measured="3")
    r = client.post(
        f"/api/v1/plans/{plan_id}/import", files={"file": ("v2.xlsx", changed, XLSX)}
    ).json()
    assert r["status"] == "updated"
    assert (r["sheets"]["actions"]["updated"], r["sheets"]["actions"]["unchanged"]) == (1, 0)
    assert r["sheets"]["measurements"]["updated"] == 1
    assert r["sheets"]["nodes"]["unchanged"] == 2


def test_idempotency_key_replays_and_refuses_another_file(client, org, session):
    data = officials_workbook()
    headers = {"Idempotency-Key": "import-1"}
    url = "/api/v1/plans/import"
    params = {"organization_id": org["id"]}
    first = client.post(url, params=params, headers=headers, files={"file": ("a.xlsx", data, XLSX)})
    second = client.post(
        url, params=params, headers=headers, files={"file": ("a.xlsx", data, XLSX)}
    )
    assert second.headers["Idempotency-Replayed"] == "true"
    assert second.json() == first.json()
    assert count(session, Plan) == 1
    other = client.post(
        url,
        params=params,
        headers=headers,
        files={"file": ("a.xlsx", officials_workbook(cost="1"), XLSX)},
    )
    assert_problem(other, 409)


def test_problems_are_located_and_atomic_writes_nothing(client, org, session):
    data = officials_workbook(cost="mucho", measured="1,2,3")
    r = post_new(client, org, data)
    body = assert_problem(r, 422)
    located = {(e["sheet"], e["row"], e["column"], e["code"]) for e in body["errors"]}
    # The two cells, then what could not be placed for lack of the action.
    assert located == {
        ("actions", 3, "planned_cost", "A1"),
        ("measurements", 3, "value", "IND-1"),
        ("indicators", 3, "action_code", "IND-1"),
        ("indicators", 4, "action_code", "IND-2"),
        ("programming", 3, "indicator_code", "IND-1"),
        ("programming", 4, "indicator_code", "IND-2"),
        ("measurements", 4, None, "IND-2"),
    }
    assert count(session, Plan) == 0

    dry = post_new(client, org, data, dry_run="true").json()
    assert dry["status"] == "rejected" or dry["errors"]
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in dry["errors"]} == located
    assert count(session, Plan) == 0

    # Not atomic: what can be written is; the action (and what hangs from it) is reported.
    partial = post_new(client, org, data, atomic="false").json()
    assert partial["written"] is True
    assert partial["sheets"]["nodes"]["created"] == 2
    assert partial["sheets"]["actions"]["rejected"] == 1
    assert partial["sheets"]["indicators"]["rejected"] == 2
    reasons = [e for e in partial["errors"] if e["sheet"] == "indicators"]
    assert reasons[0]["column"] == "action_code"
    assert "no action A1 in this plan" in reasons[0]["reason"]
    assert count(session, Indicator) == 0


def test_plan_in_execution_needs_a_reason_and_closed_cuts_refuse(client, session):
    seed = bogota.SEED
    loaded = load(client, seed)
    plan = loaded["plan"]
    client.patch(f"/api/v1/plans/{plan['id']}", json={"status": "approved"})
    client.patch(f"/api/v1/plans/{plan['id']}", json={"status": "in_execution"})
    book = client.get(f"/api/v1/plans/{plan['id']}/workbook").content
    wb = openpyxl.load_workbook(io.BytesIO(book))
    ws = wb["Nodos"]
    ws["D3"] = "Objetivo renombrado"
    ws = wb["Mediciones"]
    ws["C3"] = 1  # a measurement of the closed (published) cut
    out = io.BytesIO()
    wb.save(out)
    url = f"/api/v1/plans/{plan['id']}/import"
    r = client.post(
        url, files={"file": ("p.xlsx", out.getvalue(), XLSX)}, params={"atomic": "false"}
    )
    assert r.status_code == 200, r.text
    errors = {(e["sheet"], e["row"], e["column"]): e["reason"] for e in r.json()["errors"]}
    assert "say why in `reason`" in errors[("nodes", 3, None)]
    assert "falls in cut 2023-06, which is published" in errors[("measurements", 3, None)]
    r = client.post(
        url,
        files={"file": ("p.xlsx", out.getvalue(), XLSX)},
        params={"atomic": "false", "reason": "Ajuste acordado en comité"},
    )
    assert r.json()["sheets"]["nodes"]["updated"] == 1


def test_reporters_import_measurements_only_for_their_units(client, as_token, make_token):
    loaded = load_structure(client, bogota.SEED)
    plan, org = loaded["plan"], loaded["organization"]
    units = client.get(f"/api/v1/organizations/{org['id']}/units").json()["items"]
    reporter = as_token(make_token(org["id"], "reporter", [units[0]["id"]]))
    book = client.get(f"/api/v1/plans/{plan['id']}/workbook").content
    wb = openpyxl.load_workbook(io.BytesIO(book))
    wb["Nodos"]["D3"] = "Otro nombre"
    out = io.BytesIO()
    wb.save(out)
    r = reporter.post(
        f"/api/v1/plans/{plan['id']}/import",
        files={"file": ("p.xlsx", out.getvalue(), XLSX)},
        params={"dry_run": "true"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["errors"][0]["sheet"] == "nodes"
    assert "only coordinators" in r.json()["errors"][0]["reason"]
    assert_problem(
        reporter.post("/api/v1/plans/import", files={"file": ("p.xlsx", book, XLSX)}), 403
    )
    csv = b"indicator_code,period_end,value\nIS-545,2023-06-30,10\n"
    r = reporter.post(
        f"/api/v1/plans/{plan['id']}/measurements",
        content=csv,
        headers={"Content-Type": "text/csv"},
    )
    assert_problem(r, 403)


@pytest.fixture
def pei(client):
    loaded = load_structure(client, bogota.SEED)
    return loaded["plan"]


def test_measurements_as_csv_with_what_excel_writes(client, pei, session):
    text = (
        "Código del indicador;Fin del periodo;Valor ejecutado;Nota\r\n"
        "IS-545;30/06/2023;1.474.056;Año récord\r\n"
        ";;;\r\n"
        "is-546 ;2023-06-30;150.623;\r\n"
        "IS-546;30/06/2023;1;duplicado\r\n"
        "IS-999;30/06/2023;5;\r\n"
        "IS-545;31/06/2023;5;\r\n"
    )
    url = f"/api/v1/plans/{pei['id']}/measurements"
    r = client.post(
        url, content=text.encode("cp1252"), headers={"Content-Type": "text/csv; charset=utf-8"}
    )
    assert r.status_code == 200, r.text
    summary = r.json()
    assert (summary["received"], summary["created"]) == (5, 2)
    assert [(i["index"], i["reason"][:30]) for i in summary["rejected"]] == [
        (5, "duplicate of row 4 (same indic"),
        (6, "unknown indicator IS-999 in th"),
        (7, "period_end: '31/06/2023' is no"),
    ]
    notes = {m.note for m in session.execute(select(Measurement)).scalars()}
    assert "Año récord" in notes
    # The same rows as UTF-8 with a byte-order mark (Excel's «CSV UTF-8»).
    again = client.post(
        url, content=text.encode("utf-8-sig"), headers={"Content-Type": "text/csv"}
    ).json()
    assert (again["created"], again["unchanged"]) == (0, 2)
    atomic = client.post(
        url,
        params={"atomic": "true"},
        content=text.encode("utf-8"),
        headers={"Content-Type": "text/csv"},
    )
    body = assert_problem(atomic, 422)
    assert body["errors"][0]["loc"] == ["body", "row", 5]


def test_measurements_as_xlsx(client, pei, session):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    ws = book.add_worksheet("Mediciones")
    ws.write_row(0, 0, ["indicator_code", "period_end", "value"])
    ws.write_row(1, 0, ["IS-545", "30/06/2023", 1474056])
    ws.write_row(2, 0, ["IS-546", 45107, "abc"])
    book.close()
    r = client.post(
        f"/api/v1/plans/{pei['id']}/measurements",
        content=buffer.getvalue(),
        headers={"Content-Type": XLSX},
        params={"dry_run": "true"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1 and r.json()["dry_run"] is True
    assert r.json()["rejected"] == [
        {
            "index": 3,
            "reason": "value: 'abc' is not a number",
            "indicator_code": "IS-546",
            "period_end": None,
        }
    ]
    assert count(session, Measurement) == 0


def test_cut_results_export(client, anon):
    loaded = load(client, bogota.SEED)
    cut = client.get(f"/api/v1/plans/{loaded['plan']['id']}/cuts").json()["items"][0]
    r = anon.get(f"/api/v1/cuts/{cut['id']}/results/export")
    assert r.status_code == 200, r.text
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[:5] == ["Plan", "Nodos", "Acciones", "Indicadores", "Por dependencia"]
    ws = book["Indicadores"]
    header = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "IS-546")
    got = dict(zip(header, row, strict=True))
    assert got["advance_pct_shown"] == 144.52
    assert got["status"] == "Sobre ejecución 44.52%"
    assert got["executed_to_date"] == 150623
    nodes = {r[0]: r for r in book["Nodos"].iter_rows(min_row=3, values_only=True)}
    assert nodes["OBJ5"][5] == 99.13
    csv = anon.get(f"/api/v1/cuts/{cut['id']}/results/export", params={"format": "csv"})
    archive = zipfile.ZipFile(io.BytesIO(csv.content))
    text = archive.read("indicators.csv").decode()
    assert "IS-546" in text and "144.52" in text
    assert "budget.csv" in archive.namelist()


# --- hostile files -------------------------------------------------------------------------


def _zip(parts: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_part(xlsx: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    parts = {n: source.read(n) for n in source.namelist()}
    parts[name] = content
    return _zip(parts)


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("legacy_xls", 415),
        ("macros", 415),
        ("zip_bomb", 400),
        ("entities", 400),
        ("entities_late", 400),
        ("not_a_zip", 400),
        ("utf16_csv", 400),
        ("empty", 400),
    ],
)
def test_hostile_files_are_refused_and_nothing_written(client, org, session, case, status):
    good = officials_workbook()
    data = {
        "legacy_xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "macros": _with_part(good, "xl/vbaProject.bin", b"\x00" * 100),
        "zip_bomb": _zip({"xl/workbook.xml": b"<a/>", "xl/big.xml": b"\x00" * (30 << 20)}),
        "entities": _with_part(good, "xl/worksheets/sheet1.xml", BOMB),
        # Past the bytes the pre-check reads: defusedxml, under openpyxl, refuses it.
        "entities_late": _with_part(
            good,
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><!--' + b" " * 8000 + b"-->" + BOMB[21:],
        ),
        "not_a_zip": b"PK\x03\x04 broken",
        "utf16_csv": "code,name\n".encode("utf-16"),
        "empty": b"",
    }[case]
    r = post_new(client, org, data)
    body = assert_problem(r, status)
    if case.startswith("entities"):
        assert "entities" in body["detail"]
    assert count(session, Plan) == 0


def test_too_many_rows_and_too_large(client, org, session, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    r = post_new(client, org, officials_workbook())
    assert_problem(r, 413)
    monkeypatch.setattr(reader, "MAX_ROWS", 200_000)
    monkeypatch.setattr(reader, "MAX_UPLOAD_BYTES", 1000)
    r = post_new(client, org, officials_workbook())
    assert_problem(r, 413)
    assert count(session, Plan) == 0


def test_windows_1252_csv_is_read_with_a_warning(client, org):
    plan_csv = (
        "field;value\ncode;PA-1\nname;Plan de acción año 2024\nkind;action_plan\n"
        "first_year;2024\nlast_year;2024\n"
    ).encode("cp1252")
    r = client.post(
        "/api/v1/plans/import",
        params={"organization_id": org["id"]},
        files={"file": ("plan.csv", plan_csv, "text/csv")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["warnings"][0]["reason"].startswith("the file is not UTF-8")
    plan = client.get(f"/api/v1/plans/{r.json()['plan_id']}").json()
    assert plan["name"] == "Plan de acción año 2024"


def test_plan_export_reads_a_fixed_number_of_statements(client, queries):
    from app.demo.seeds import cali_pet, cauca

    counts = []
    for seed in (cauca.SEED, cali_pet.SEED):
        plan = load(client, seed)["plan"]
        queries.reset()
        r = client.get(f"/api/v1/plans/{plan['id']}/workbook")
        assert r.status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1]
    assert len(cauca.SEED["indicators"]) != len(cali_pet.SEED["indicators"])


def test_fixed_paths_are_not_read_as_plan_ids(client):
    r = client.patch("/api/v1/plans/workbook-template", params={"format": "xlsx"}, json={})
    assert_problem(r, 405)
    assert r.headers["Allow"] == "GET"
    r = client.get("/api/v1/plans/import", params={"dry_run": "true"})
    assert_problem(r, 405)
    assert r.headers["Allow"] == "POST"
    for method in ("OPTIONS", "TRACE", "DELETE"):
        assert client.request(method, "/api/v1/plans/import").status_code == 405
        assert client.request(method, "/api/v1/plans/workbook-template").status_code == 405
