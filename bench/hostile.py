"""Hostile uploads (issue 11, proof 3): files built to be dangerous, sent to the evidence upload
and to the workbook import, and the judge of what the service did with each.

A file is handled safely when it is refused with a problem+json 4xx, or stored inert: served
back only as a download (`Content-Disposition: attachment` with an RFC 6266 name),
`X-Content-Type-Options: nosniff`, a sandboxing CSP, never as HTML, SVG or script, under a
name without path, NUL or control characters. Anything else, and any 5xx, is "accepted
unsafely". Used by tests/api/test_hostile_uploads.py (in `make test`) and `make chaos`.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
    b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>'
)
# Kinds of answer a browser must never render from an upload.
ACTIVE_TYPES = (
    "text/html",
    "image/svg+xml",
    "application/xhtml+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
)


def zip_bomb(parts: dict[str, int | bytes]) -> bytes:
    return _zip_bomb(tuple(parts.items()))


@functools.cache
def _zip_bomb(parts: tuple[tuple[str, int | bytes], ...]) -> bytes:
    """A zip whose parts inflate to the given sizes (int: that many zero bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in parts:
            if isinstance(content, int):
                with z.open(name, "w", force_zip64=True) as f:
                    chunk = b"\x00" * (1024 * 1024)
                    for _ in range(content // len(chunk)):
                        f.write(chunk)
            else:
                z.writestr(name, content)
    return out.getvalue()


def _ooxml(main: str, content_type: str, extra: dict[str, int | bytes]) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{main}" ContentType="{content_type}"/></Types>'
    ).encode()
    return zip_bomb({"[Content_Types].xml": types, **extra})


@dataclass(frozen=True)
class Case:
    label: str
    filename: str
    content_type: str
    content: bytes
    target: str = "evidence"  # or "workbook"


def cases(max_evidence_bytes: int, bomb_mb: int = 120) -> list[Case]:
    docx_bomb = _ooxml(
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        {"word/document.xml": bomb_mb * 1024 * 1024},
    )
    xlsx_bomb = _ooxml(
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        {"xl/workbook.xml": bomb_mb * 1024 * 1024},
    )
    xlsx_xxe = _ooxml(
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        {"xl/workbook.xml": XXE},
    )
    pdf_name = "acta.pdf"
    return [
        Case("ELF named .pdf", pdf_name, "application/pdf", ELF),
        Case("ELF named .pdf, no declared type", pdf_name, "application/octet-stream", ELF),
        Case("HTML named .pdf", pdf_name, "application/pdf", HTML),
        Case("HTML as text/html", "index.html", "text/html", HTML),
        Case("PDF declared text/html", pdf_name, "text/html", PDF),
        Case("PNG named .html", "page.html", "application/octet-stream", PNG),
        Case("SVG with script", "logo.svg", "image/svg+xml", SVG),
        Case("SVG with script named .png", "logo.png", "image/png", SVG),
        Case("PDF then HTML (polyglot)", pdf_name, "application/pdf", PDF + HTML),
        Case("path traversal name", "../../../etc/cron.d/x.pdf", "application/pdf", PDF),
        Case("Windows traversal name", "..\\..\\Windows\\win.ini.pdf", "application/pdf", PDF),
        Case("absolute path name", "/etc/passwd.pdf", "application/pdf", PDF),
        Case("NUL in the name", "acta.html\x00.pdf", "application/pdf", PDF),
        Case("CR LF in the name", 'a"\r\nX-Injected: 1\r\n.pdf', "application/pdf", PDF),
        Case("right-to-left override name", "acta\u202efdp.html", "application/pdf", PDF),
        Case("name of 5,000 characters", "a" * 4996 + ".pdf", "application/pdf", PDF),
        Case("empty file", "vacio.pdf", "application/pdf", b""),
        Case(
            "oversize PDF",
            "grande.pdf",
            "application/pdf",
            PDF + b"0" * (max_evidence_bytes + 1 - len(PDF)),
        ),
        Case(
            "zip bomb disguised as DOCX",
            "informe.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx_bomb,
        ),
        Case(
            "zip bomb disguised as XLSX",
            "datos.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_bomb,
        ),
        Case(
            "zip bomb as workbook import",
            "plan.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_bomb,
            "workbook",
        ),
        Case(
            "XML entity bomb as workbook import",
            "plan.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_xxe,
            "workbook",
        ),
        Case("ELF as workbook import", "plan.xlsx", "application/octet-stream", ELF, "workbook"),
        Case("HTML as workbook import", "plan.csv", "text/csv", HTML, "workbook"),
        Case("empty workbook import", "plan.xlsx", "application/octet-stream", b"", "workbook"),
    ]


@dataclass
class Verdict:
    case: Case
    status: int
    stored: bool
    unsafe: list[str]


Requester = Callable[..., object]  # client.request(method, url, **kwargs) -> httpx.Response


def judge(client, case: Case, upload_url: str, import_url: str) -> Verdict:
    """Send one case; check the answer and, when it was stored, how it is served back."""
    unsafe: list[str] = []
    files = {"file": (case.filename, case.content, case.content_type)}
    if case.target == "evidence":
        r = client.post(upload_url, files=files, data={"title": "Hostil", "kind": "document"})
    else:
        r = client.post(import_url, files=files, params={"dry_run": "true"})
    if r.status_code >= 500:
        return Verdict(case, r.status_code, False, [f"server error {r.status_code}"])
    if r.status_code >= 400:
        if not r.headers.get("content-type", "").startswith("application/problem+json"):
            unsafe.append("refused without problem+json")
        return Verdict(case, r.status_code, False, unsafe)
    if case.target == "workbook":
        return Verdict(case, r.status_code, True, ["a hostile workbook was accepted"])
    evidence = r.json()
    name = evidence.get("original_name") or ""
    if any(c in name for c in "/\\\x00\r\n") or len(name) > 255:
        unsafe.append(f"stored under an unsafe name {name[:60]!r}")
    content = client.get(f"/api/v1/evidence/{evidence['id']}/content")
    if content.status_code != 200:
        unsafe.append(f"content answered {content.status_code}")
        return Verdict(case, r.status_code, True, unsafe)
    h = content.headers
    served = h.get("content-type", "").split(";")[0].strip().lower()
    if served in ACTIVE_TYPES or served.startswith("text/"):
        unsafe.append(f"served as {served}")
    if h.get("x-content-type-options") != "nosniff":
        unsafe.append("no nosniff")
    disposition = h.get("content-disposition", "")
    if not disposition.startswith("attachment;"):
        unsafe.append(f"not an attachment: {disposition[:60]!r}")
    if any(c in disposition for c in "\r\n\x00") or not disposition.isascii():
        unsafe.append("raw control or non-ASCII characters in Content-Disposition")
    if "x-injected" in {k.lower() for k in h}:
        unsafe.append("header injected through the file name")
    if "sandbox" not in h.get("content-security-policy", ""):
        unsafe.append("no sandboxing Content-Security-Policy")
    return Verdict(case, r.status_code, True, unsafe)


def battery(client, upload_url: str, import_url: str, max_evidence_bytes: int) -> list[Verdict]:
    return [judge(client, c, upload_url, import_url) for c in cases(max_evidence_bytes)]


def summary(verdicts: list[Verdict]) -> list[str]:
    refused = sum(1 for v in verdicts if not v.stored and not v.unsafe)
    inert = sum(1 for v in verdicts if v.stored and not v.unsafe)
    bad = [v for v in verdicts if v.unsafe]
    lines = [
        f"hostile uploads: tried {len(verdicts)}, refused {refused}, stored inert {inert}, "
        f"accepted unsafely {len(bad)}"
    ]
    for v in verdicts:
        what = "stored inert" if v.stored else "refused"
        lines.append(
            f"  {v.case.label:<40} {v.status}  {what if not v.unsafe else '; '.join(v.unsafe)}"
        )
    return lines
