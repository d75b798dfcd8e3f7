"""Service settings, read once from the environment (and an optional .env file)."""

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_pool_size() -> int:
    # Handlers are sync and run in the thread pool: a few connections per core keep the
    # cores busy without starving a small PostgreSQL of connection slots.
    return max(4, (os.cpu_count() or 1) * 4)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Unset: `plan-followup serve` starts an embedded PostgreSQL in `data_dir`.
    database_url: str | None = None
    data_dir: Path = PROJECT_ROOT / ".data"

    db_pool_size: int = Field(default_factory=_default_pool_size, ge=1, le=200)
    db_max_overflow: int = Field(default=4, ge=0, le=200)
    db_pool_timeout_s: float = Field(default=10, gt=0)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)

    cors_origins: list[str] = []
    # The public read model (/api/v1/public, README "Public portal data and SDMX"): the
    # origins its answers may be read from, their max-age, and the per-address limit
    # (requests per window; 0: none), counted in PostgreSQL.
    public_cors_origins: list[str] = []
    public_max_age_s: int = Field(default=300, ge=0)
    public_rate_limit: int = Field(default=300, ge=0)
    public_rate_window_s: int = Field(default=60, ge=1)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # 10,000 measurements with notes fit well under this.
    max_batch_body_bytes: int = Field(default=8 * 1_048_576, ge=1024)
    # A body must arrive within this many seconds plus 1 s per BODY_MIN_RATE_BYTES_S bytes
    # received, else 408 (app/core/limits.py).
    body_read_timeout_s: float = Field(default=30, gt=0)
    body_min_rate_bytes_s: int = Field(default=50_000, ge=1)
    evidence_dir: Path | None = None  # default: DATA_DIR/evidence
    evidence_max_bytes: int = Field(default=20 * 1_048_576, ge=1024)
    # Unset: files in evidence_dir. `s3://bucket/prefix`: an S3-compatible store whose endpoint
    # and credentials come from AWS_ENDPOINT_URL_S3 / AWS_ACCESS_KEY_ID / ... (see README).
    storage_url: str | None = None
    # /metrics answers only this bearer token; unset, /metrics is not served on the API port.
    metrics_token: str | None = None
    # Off behind PgBouncer in transaction mode (or any pooler that moves sessions around).
    db_prepared_statements: bool = True
    # Background jobs (reports, long imports): a worker runs inside the service unless turned
    # off (then run `plan-followup worker` apart).
    jobs_worker_in_process: bool = True
    jobs_worker_concurrency: int = Field(default=1, ge=1, le=32)
    reports_dir: Path | None = None  # default: DATA_DIR/reports
    # Webhooks: private/loopback targets (and http to loopback) only for tests and local use;
    # the delays between delivery attempts (seconds); an endpoint failing this long is disabled.
    webhooks_allow_private: bool = False
    webhooks_retry_schedule_s: list[float] = [30, 120, 600, 3600, 10800, 21600, 50400]
    webhooks_timeout_s: float = Field(default=5, gt=0, le=30)
    webhooks_disable_after_s: float = Field(default=86400, ge=0)
    reports_max_bytes: int = Field(default=200 * 1_048_576, ge=1024)
    # Imports (workbooks, measurement files) of files above either threshold answer 202 and a
    # job instead of holding the request open (README "Working from Excel").
    import_job_threshold_bytes: int = Field(default=4 * 1_048_576, ge=0)
    import_job_threshold_rows: int = Field(default=20_000, ge=0)
    log_level: str = "INFO"
    log_json: bool = True

    # Life cycle (README "Deploying"). Replicas set MIGRATE_ON_START=false and run
    # `plan-followup migrate` once before them; the quick start migrates in `serve`.
    migrate_on_start: bool = True
    # How long `serve` and `migrate` wait for a database that is not accepting connections yet.
    db_wait_timeout_s: float = Field(default=60, ge=0)
    # On SIGTERM: how long requests in flight may take to finish (then they are cancelled),
    # and then how long background work may take to stop.
    shutdown_timeout_s: float = Field(default=30, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
