"""Where evidence files live: an interface, and a local directory as the default.

Files are content-addressed (SHA-256) under server-generated names: what a client calls a
file never becomes a path.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol


class FileTooLarge(Exception):
    pass


class Storage(Protocol):
    def save(self, chunks: Iterator[bytes], max_bytes: int) -> tuple[str, int, bytes]:
        """Store a stream; return (sha256, size, first bytes). Raises FileTooLarge."""

    def open(self, sha256: str) -> BinaryIO: ...

    def path(self, sha256: str) -> Path: ...

    def delete(self, sha256: str) -> None: ...


class LocalStorage:
    HEAD = 8192

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def save(self, chunks: Iterator[bytes], max_bytes: int) -> tuple[str, int, bytes]:
        digest, size, head = hashlib.sha256(), 0, b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root / "tmp")
        try:
            with os.fdopen(fd, "wb") as tmp:
                for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge
                    if len(head) < self.HEAD:
                        head += chunk[: self.HEAD - len(head)]
                    digest.update(chunk)
                    tmp.write(chunk)
            sha = digest.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)  # same content, same name: a re-upload is a no-op
            return sha, size, head
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)
