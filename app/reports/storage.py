"""Where generated report files live: the evidence storage's interface, in its own directory."""

from __future__ import annotations

from app.core.config import Settings
from app.evidence.storage import LocalStorage, Storage


def report_storage(settings: Settings) -> Storage:
    """A local directory (DATA_DIR/reports unless REPORTS_DIR); another Storage fits here."""
    return LocalStorage(settings.reports_dir or settings.data_dir / "reports")
