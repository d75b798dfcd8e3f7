"""Where generated report files live: the application's storage (app/core/storage.py), in
their own place: REPORTS_DIR, or `reports/` under STORAGE_URL."""

from __future__ import annotations

from app.core.config import Settings
from app.core.storage import Storage, storage_from_url


def report_storage(settings: Settings) -> Storage:
    """A local directory (DATA_DIR/reports unless REPORTS_DIR), or the object store."""
    return storage_from_url(
        settings.storage_url, settings.reports_dir or settings.data_dir / "reports", "reports"
    )
