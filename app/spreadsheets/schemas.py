"""The answer of a workbook import: counts per sheet, problems located in the file, warnings."""

from __future__ import annotations

import uuid

from pydantic import Field

from app.core.schemas import OutputModel


class FileProblem(OutputModel):
    sheet: str | None = Field(description="The sheet's key (`nodes`) or the CSV file")
    row: int | None = Field(description="1-based row number as Excel shows it")
    column: str | None = Field(description="The API field name of the column")
    code: str | None = Field(description="The code of the element the row is about")
    reason: str


class SheetCounts(OutputModel):
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class WorkbookImportSummary(OutputModel):
    plan_id: uuid.UUID | None = Field(
        description="The plan imported into (null on a failed dry run)"
    )
    file_name: str | None
    file_sha256: str
    dry_run: bool
    atomic: bool
    written: bool = Field(description="Whether anything was written")
    status: str = Field(description="created, updated, unchanged or rejected")
    sheets: dict[str, SheetCounts] = Field(description="Counts per sheet key")
    errors: list[FileProblem]
    warnings: list[FileProblem]
