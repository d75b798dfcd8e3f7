"""Typst in child processes: each part of a report is compiled in a fresh process, in order,
and the parts are joined into one PDF with their bookmarks.

Why a process per part: typst memoizes every layout it makes in process-wide caches that the
Python binding never evicts, so memory would grow with each report a worker renders and with
the size of the largest one. A child process returns all of it to the system when it ends.

    python -m app.reports.typeset   # reads one part's job as JSON on stdin (used by `run`)
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PART_TIMEOUT_S = 600


class TypesetError(RuntimeError):
    """Typst refused the document (its diagnostics are the message) or the child died."""


def _compile(job: dict[str, Any]) -> dict[str, Any]:
    """In the child: one part to `out`; answers its page count."""
    import pypdf
    import typst

    stamp = job.get("timestamp")
    pdf = typst.compile(
        str(Path(job["root"]) / job["template"]),
        root=job["root"],
        font_paths=[job["font_dir"]],
        ignore_system_fonts=True,
        format="pdf",
        sys_inputs={"data": job["data"], "page_start": str(job["page_start"])},
        timestamp=datetime.fromtimestamp(stamp, UTC) if stamp is not None else None,
        pdf_tags=job["tagged"],
    )
    Path(job["out"]).write_bytes(pdf)
    return {"pages": len(pypdf.PdfReader(io.BytesIO(pdf)).pages)}


def _child(job: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module, data on stdin
        [sys.executable, "-m", "app.reports.typeset"],
        input=json.dumps(job).encode(),
        capture_output=True,
        timeout=PART_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise TypesetError("\n".join(detail[-20:]) or f"typst exited with {proc.returncode}")
    return json.loads(proc.stdout)


def _bookmarks(reader, items) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for item in items:
        if isinstance(item, list):
            out += _bookmarks(reader, item)
        else:
            out.append((item.title, reader.get_destination_page_number(item)))
    return out


def _join(files: list[Path]) -> bytes:
    """The parts as one PDF, bookmarks rebuilt across parts: a part that goes on with a
    chapter hangs its sub-headings under that chapter. Every heading is numbered ("3", "3.5"),
    so a bookmark's level is read from its number."""
    import pypdf

    writer = pypdf.PdfWriter()
    parents: dict[int, Any] = {}
    offset = 0
    for path in files:
        reader = pypdf.PdfReader(path)
        if offset == 0 and reader.metadata:
            writer.add_metadata({k: v for k, v in reader.metadata.items() if isinstance(v, str)})
        writer.append(reader, import_outline=False)
        for title, page in _bookmarks(reader, reader.outline):
            level = title.split(" ", 1)[0].count(".") + 1
            parents[level] = writer.add_outline_item(
                title=title, page_number=offset + page, parent=parents.get(level - 1)
            )
            for deeper in [k for k in parents if k > level]:
                del parents[deeper]
        offset += len(reader.pages)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def run(job: dict[str, Any]) -> bytes:
    """All parts of `job` (root, template, parts, font_dir, timestamp) as one PDF's bytes."""
    root = Path(job["root"])
    single = len(job["parts"]) == 1
    page_start = 1
    outputs = []
    for index, data in enumerate(job["parts"]):
        out = root / f"part-{index}.pdf"
        answer = _child(
            {
                "root": job["root"],
                "template": job["template"],
                "font_dir": job["font_dir"],
                "timestamp": job["timestamp"],
                "data": data,
                "page_start": page_start,
                "out": str(out),
                "tagged": single,  # a tagged PDF's structure does not survive joining
            }
        )
        page_start += answer["pages"]
        outputs.append(out)
    if single:
        return outputs[0].read_bytes()
    return _join(outputs)


if __name__ == "__main__":
    try:
        result = _compile(json.load(sys.stdin))
    except Exception as exc:  # the parent reads the reason from stderr
        message = getattr(exc, "diagnostic", None) or getattr(exc, "message", None) or str(exc)
        print(f"{type(exc).__name__}: {message}", file=sys.stderr)  # noqa: T201
        sys.exit(1)
    json.dump(result, sys.stdout)
