"""Where files live: one interface, a local directory by default, an S3-compatible store when
`STORAGE_URL=s3://bucket/prefix` (endpoint and credentials from the usual AWS_* variables).

Objects are named by keys the server makes (a SHA-256 for content-addressed files, or a path
of safe segments such as `reports/<id>.pdf`): what a client calls a file never becomes a key.

An upload becomes visible only whole and checked: `put` spools the stream to a private
temporary file while counting (FileTooLarge past the limit) and hashing, lets the caller check
the first bytes (the content type), and only then writes the object in one step (a rename on
disk, one PUT to the store). The caller then records its row in the request's transaction;
`discard_on_rollback` deletes an object that this request created if that transaction fails,
and `delete_after_commit` removes a file only once the row that held it is gone for good.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol
from urllib.parse import urlparse

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core.errors import ServiceUnavailable

HEAD_BYTES = 8192
CHUNK = 1 << 16
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")


class FileTooLarge(Exception):
    pass


class ObjectMissing(Exception):
    """No object under that key."""


class StorageUnavailable(ServiceUnavailable):
    """The store did not answer: a 503 the client may retry."""

    def __init__(self) -> None:
        super().__init__("The file store is unavailable; try again later.")


@dataclass(frozen=True)
class Stored:
    key: str
    sha256: str
    size: int
    content_type: str | None
    created: bool  # False when an object with the same key (and content) was already there


# Given the first bytes of an upload, return its content type or raise to refuse it.
Check = Callable[[bytes], str | None]


class Storage(Protocol):
    def put(
        self,
        chunks: Iterable[bytes],
        *,
        max_bytes: int,
        key: str | None = None,
        content_type: str | None = None,
        check: Check | None = None,
    ) -> Stored:
        """Store a stream under `key` (default: its SHA-256). Raises FileTooLarge, whatever
        `check` raises, or StorageUnavailable; nothing is visible under the key unless it
        returns."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object. Raises ObjectMissing or StorageUnavailable."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object; no error when it is already gone."""
        ...


def check_key(key: str) -> str:
    if len(key) > 512 or not _KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def iter_chunks(stream: IO[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """Read a stream in chunks and close it at the end (for a streamed response)."""
    try:
        while chunk := stream.read(size):
            yield chunk
    finally:
        stream.close()


def _spool(
    chunks: Iterable[bytes], max_bytes: int, directory: Path | None
) -> tuple[IO[bytes], str, int, bytes]:
    """Copy a stream to a temporary file, counting and hashing; (file, sha256, size, head)."""
    digest, size, head = hashlib.sha256(), 0, b""
    tmp = tempfile.NamedTemporaryFile(dir=directory, delete=False)  # noqa: SIM115 - returned
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            tmp.write(chunk)
        tmp.flush()
        tmp.seek(0)
        return tmp, digest.hexdigest(), size, head
    except BaseException:
        tmp.close()
        Path(tmp.name).unlink(missing_ok=True)
        raise


class LocalStorage:
    """Files in a directory: content-addressed keys under `ab/cd/<sha256>`, others as paths."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        if _SHA256.match(key):
            return self.root / key[:2] / key[2:4] / key
        return self.root / check_key(key)

    def put(
        self,
        chunks: Iterable[bytes],
        *,
        max_bytes: int,
        key: str | None = None,
        content_type: str | None = None,
        check: Check | None = None,
    ) -> Stored:
        tmp, sha, size, head = _spool(chunks, max_bytes, self.root / "tmp")
        try:
            tmp.close()
            if check is not None:
                content_type = check(head)
            key = key or sha
            target = self.path(key)
            created = not target.exists()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp.name, target)  # atomic: whole or absent
            return Stored(key, sha, size, content_type, created)
        finally:
            Path(tmp.name).unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            raise ObjectMissing(key) from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, GCS interoperability).

    boto3 reads the endpoint (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL), region and credentials
    (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or an instance role) from the
    environment, as every S3 tool does.
    """

    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or _s3_client()

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(
        self,
        chunks: Iterable[bytes],
        *,
        max_bytes: int,
        key: str | None = None,
        content_type: str | None = None,
        check: Check | None = None,
    ) -> Stored:
        tmp, sha, size, head = _spool(chunks, max_bytes, None)
        try:
            if check is not None:
                content_type = check(head)
            key = key or sha
            created = not self.exists(key)
            extra = {"ContentType": content_type} if content_type else {}
            with _unavailable_on_error():
                # One PUT (multipart above 8 MiB, completed only when every part is in): the
                # object appears whole or not at all.
                self.client.upload_fileobj(
                    tmp, self.bucket, self._name(key), ExtraArgs={**extra, "Metadata": {}}
                )
            return Stored(key, sha, size, content_type, created)
        finally:
            tmp.close()
            Path(tmp.name).unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            with _unavailable_on_error():
                return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectMissing(key) from None
            raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            with _unavailable_on_error():
                self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise

    def delete(self, key: str) -> None:
        with _unavailable_on_error():
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


class _unavailable_on_error:
    """Turn the store not answering (connection refused, timeouts) into StorageUnavailable."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> None:
        # Never swallows: the store's own errors become StorageUnavailable (503), others pass.
        if exc is None:
            return
        from boto3.exceptions import S3UploadFailedError
        from botocore.exceptions import BotoCoreError

        if isinstance(exc, BotoCoreError | S3UploadFailedError | OSError):
            raise StorageUnavailable() from exc


def _s3_client() -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("STORAGE_URL is s3://...: pip install 'plan-followup[s3]'") from exc
    custom_endpoint = bool(
        os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    )
    config = Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
        # MinIO and most self-hosted stores want path-style addressing.
        s3={"addressing_style": "path" if custom_endpoint else "auto"},
    )
    return boto3.client("s3", config=config)


def storage_from_url(url: str | None, default_dir: Path, within: str = "") -> Storage:
    """`s3://bucket/prefix`, `file:///dir` or a path, with `within` (`evidence`, `reports`)
    appended so each kind of file has its own place; unset: the local default directory."""
    if not url:
        return LocalStorage(default_dir)
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError("STORAGE_URL must name a bucket: s3://bucket/prefix")
        return S3Storage(parsed.netloc, f"{parsed.path.strip('/')}/{within}".strip("/"))
    if parsed.scheme in ("", "file"):
        return LocalStorage(Path(parsed.path if parsed.scheme else url) / within)
    raise ValueError(f"STORAGE_URL scheme {parsed.scheme!r} is not supported (s3:// or file://)")


# Transaction hooks: files follow the fate of the rows that name them.

_ON_ROLLBACK = "storage_on_rollback"
_ON_COMMIT = "storage_on_commit"


def discard_on_rollback(session: Session, storage: Storage, stored: Stored) -> None:
    """If the request's transaction fails, delete the object this request created."""
    if stored.created:
        session.info.setdefault(_ON_ROLLBACK, []).append((storage, stored.key))


def delete_after_commit(session: Session, storage: Storage, key: str) -> None:
    """Delete the object once the transaction that removed its last row has committed."""
    session.info.setdefault(_ON_COMMIT, []).append((storage, key))


def _run(pending: list[tuple[Storage, str]]) -> None:
    for storage, key in pending:
        # A store that does not answer leaves an orphan object: unreachable, harmless.
        with contextlib.suppress(StorageUnavailable):
            storage.delete(key)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_ON_ROLLBACK, None)
    _run(session.info.pop(_ON_COMMIT, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the session's own transaction, not a savepoint inside it
        session.info.pop(_ON_COMMIT, None)
        _run(session.info.pop(_ON_ROLLBACK, []))
