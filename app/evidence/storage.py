"""Where evidence files live: the application's storage (app/core/storage.py).

Evidence is content-addressed: its key is the SHA-256 of its bytes, kept in the row.
"""

from app.core.storage import (
    FileTooLarge,
    LocalStorage,
    ObjectMissing,
    S3Storage,
    Storage,
    StorageUnavailable,
    Stored,
    storage_from_url,
)

__all__ = [
    "FileTooLarge",
    "LocalStorage",
    "ObjectMissing",
    "S3Storage",
    "Storage",
    "StorageUnavailable",
    "Stored",
    "storage_from_url",
]
