"""Command line: run the service, migrate, create the first administrator, write OpenAPI."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from app.core.config import PROJECT_ROOT, get_settings


def _database_url() -> str:
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    from app.core.db import start_embedded_postgres

    url = start_embedded_postgres(settings.data_dir)
    # The app (and Alembic) read it from the environment like a configured server's.
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    return url


def _wait_for_database(url: str) -> None:
    """Wait for a late database (DB_WAIT_TIMEOUT_S); past it, exit with one line, no traceback."""
    from app.core.lifecycle import DatabaseUnavailable, wait_for_database
    from app.core.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    try:
        wait_for_database(url, settings.db_wait_timeout_s)
    except DatabaseUnavailable as exc:
        sys.exit(f"plan-followup: {exc}")


def _on_sigterm(message: str | None) -> None:
    """Exit on SIGTERM with `message` (None: a clean stop, exit 0).

    Python's default would be no handler at all, and as a container's PID 1 a process without
    one ignores SIGTERM: a service still waiting for its database would never stop. In `serve`
    uvicorn drains on SIGTERM, then raises the signal again with the handler it found: this
    one turns that into exit 0 instead of "killed by SIGTERM" (143) after a clean stop.
    """
    import signal

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(message))


def default_workers() -> int:
    """WEB_CONCURRENCY when set, else one worker process per core this process may use."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.core.migrations import upgrade_head

    _on_sigterm(None)
    url = _database_url()
    _wait_for_database(url)
    settings = get_settings()
    if settings.migrate_on_start:
        upgrade_head(url)
    print(
        f"Serving on http://{args.host}:{args.port}  (docs: /docs, readiness: /health/ready)",
        file=sys.stderr,
    )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        proxy_headers=True,
        log_config=None,
        # No `server: uvicorn` banner; app/core/limits.py bounds slow bodies.
        server_header=False,
        # uvicorn waits with asyncio (seconds as a float); its annotation says int.
        timeout_graceful_shutdown=settings.shutdown_timeout_s,  # type: ignore[arg-type]
    )
    from app.core import metrics

    metrics.process_exiting()  # the supervising process's own gauges (its workers drop theirs)


def cmd_worker(args: argparse.Namespace) -> None:
    """Run background jobs (reports, long imports) apart from the API, until stopped."""
    import asyncio

    from app.core.db import make_engine
    from app.core.logging import configure_logging
    from app.core.migrations import upgrade_head
    from app.jobs import worker

    url = _database_url()
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    _wait_for_database(url)
    if settings.migrate_on_start:
        upgrade_head(url)  # once, under the migrations' advisory lock
    engine = make_engine(url, settings)
    print(
        f"Job worker on {'the queue until empty' if args.once else 'the queue (Ctrl+C stops)'}",
        file=sys.stderr,
    )
    try:
        asyncio.run(
            worker.run_async(
                settings,
                engine,
                wait=not args.once,
                concurrency=args.concurrency or settings.jobs_worker_concurrency,
                install_signal_handlers=True,
            )
        )
    finally:
        engine.dispose()
        from app.core import metrics

        metrics.process_exiting()


def cmd_migrate(args: argparse.Namespace) -> None:
    from app.core.migrations import upgrade_head

    _on_sigterm("plan-followup: stopped by SIGTERM before the migrations were done")
    url = _database_url()
    _wait_for_database(url)
    upgrade_head(url)


def cmd_migrations_sql(args: argparse.Namespace) -> None:
    """One SQL file per migration, for squawk (`make lint`), with .squawk.toml's exceptions."""
    import tomllib

    from app.core.migrations import write_revision_sql

    config = PROJECT_ROOT / ".squawk.toml"
    exceptions = tomllib.loads(config.read_text(encoding="utf-8")).get("migration_exceptions", {})
    try:
        written = write_revision_sql(Path(args.directory), exceptions)
    except RuntimeError as exc:
        sys.exit(f"plan-followup: {exc}")
    print(f"{len(written)} migrations written as SQL to {args.directory}", file=sys.stderr)


def cmd_openapi(args: argparse.Namespace) -> None:
    from app.main import create_app

    schema = create_app().openapi()
    text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if args.check:
        current = (PROJECT_ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
        if current != text:
            sys.exit("openapi/openapi.json is stale: run `make openapi`")
        return
    (PROJECT_ROOT / "openapi").mkdir(exist_ok=True)
    (PROJECT_ROOT / "openapi" / "openapi.json").write_text(text, encoding="utf-8")


def cmd_make_migration(args: argparse.Namespace) -> None:
    """Autogenerate a migration against a throwaway embedded PostgreSQL at head."""
    import tempfile

    from alembic import command

    from app.core.db import start_embedded_postgres
    from app.core.migrations import alembic_config, upgrade_head

    with tempfile.TemporaryDirectory() as tmp:
        url = start_embedded_postgres(Path(tmp), persistent=False)
        upgrade_head(url)
        command.revision(alembic_config(url), message=args.message, autogenerate=True)


def cmd_create_admin(args: argparse.Namespace) -> None:
    """Create a platform administrator; the password is asked for, never defaulted."""
    import getpass

    from pydantic import TypeAdapter, ValidationError
    from sqlmodel import Session

    from app.core.db import make_engine
    from app.core.migrations import upgrade_head
    from app.users import service
    from app.users.schemas import Password, Username

    try:
        username = TypeAdapter(Username).validate_python(args.username)
    except ValidationError:
        sys.exit("The username may hold lowercase letters, digits and . _ @ - (3 to 80).")
    password = os.environ.get("PLAN_FOLLOWUP_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass("Password (12+ characters): ")
        if getpass.getpass("Repeat it: ") != password:
            sys.exit("The passwords differ.")
    try:
        TypeAdapter(Password).validate_python(password)
    except ValidationError:
        sys.exit("The password must have 12 to 256 characters.")

    url = _database_url()
    upgrade_head(url)
    engine = make_engine(url, get_settings())
    with Session(engine) as session:
        service.create_platform_admin(session, username, args.full_name, password)
        session.commit()
    engine.dispose()
    print(f"Platform administrator {username!r} created. Log in with POST /api/v1/auth/login.")


def cmd_demo(args: argparse.Namespace) -> None:
    """Load the four seed plans through the HTTP API (in-process) into the service's database."""
    import secrets

    from sqlmodel import Session

    from app.core.db import make_engine
    from app.core.migrations import upgrade_head
    from app.core.models import utcnow
    from app.demo.client import AsgiClient
    from app.demo.loader import load
    from app.demo.seeds import SEEDS
    from app.main import create_app
    from app.users import repository as users
    from app.users import service as users_service
    from app.users.models import User
    from app.users.schemas import ApiTokenCreate

    url = _database_url()
    upgrade_head(url)
    settings = get_settings()
    engine = make_engine(url, settings)
    with Session(engine) as session:
        # A platform user nobody can log in as (no password); its token lives for this run.
        loader = users.by_username(session, "demo-loader")
        if loader is None:
            loader = users.save(
                session,
                User(
                    username="demo-loader",
                    full_name="Carga demo",
                    role="admin",
                    is_platform_admin=True,
                    password_hash=None,
                ),
            )
        token, row = users_service.create_api_token(
            session, loader, ApiTokenCreate(name=f"demo {secrets.token_hex(4)}", expires_in_days=1)
        )
        session.commit()
        token_id = row.id
    app = create_app(settings, engine=engine)
    client = AsgiClient(app, headers={"Authorization": f"Bearer {token}"})
    try:
        for seed in SEEDS:
            loaded = load(client, seed)
            state = "loaded" if loaded["created"] else "already there, unchanged"
            print(
                f"{seed['organization']['name']}: {seed['plan']['name']} "
                f"(plan {loaded['plan']['id']}) {state}"
            )
    finally:
        client.close()
        with Session(engine) as session:
            users.revoke_token(session, token_id, utcnow())
            session.commit()
        engine.dispose()


def cmd_sweep_evidence(args: argparse.Namespace) -> None:
    """Remove evidence files no row holds (older than --min-age-minutes); --dry-run lists them."""
    from datetime import timedelta

    from sqlmodel import Session

    from app.core.db import make_engine
    from app.evidence.storage import storage_from_url
    from app.evidence.sweep import sweep

    url = _database_url()
    settings = get_settings()
    storage = storage_from_url(
        settings.storage_url, settings.evidence_dir or settings.data_dir / "evidence", "evidence"
    )
    engine = make_engine(url, settings)
    try:
        with Session(engine) as session:
            report = sweep(
                session,
                storage,
                dry_run=args.dry_run,
                min_age=timedelta(minutes=args.min_age_minutes),
            )
            session.commit()
    finally:
        engine.dispose()
    for sha in report.orphans:
        print(f"{'orphan' if args.dry_run else 'removed'} {sha}")
    print(
        f"evidence files: {report.stored} stored, {report.in_use} in use, "
        f"{report.too_young} too recent to judge, {len(report.orphans)} orphans "
        f"({report.orphan_bytes} bytes), {report.removed} removed"
        + (" (dry run: nothing removed)" if args.dry_run else "")
    )


def cmd_push(args: argparse.Namespace) -> None:
    from app import push

    sys.exit(
        push.command(
            args.kind,
            args.file,
            plan=args.plan,
            url=args.url,
            token=os.environ.get(push.TOKEN_ENV),
            organization=args.organization,
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="plan-followup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve", help="wait for the database, migrate it (MIGRATE_ON_START), serve the API"
    )
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="uvicorn worker processes (default: WEB_CONCURRENCY, else one per core)",
    )
    serve.add_argument("--reload", action="store_true")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background jobs apart from the API")
    worker.add_argument("--concurrency", type=int, default=None, help="jobs at a time")
    worker.add_argument("--once", action="store_true", help="stop when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser(
        "migrate", help="apply every migration once, whoever else runs it at the same time"
    ).set_defaults(func=cmd_migrate)

    migrations_sql = sub.add_parser(
        "migrations-sql", help="write each migration's SQL to a folder (for squawk)"
    )
    migrations_sql.add_argument("directory")
    migrations_sql.set_defaults(func=cmd_migrations_sql)

    openapi = sub.add_parser("openapi", help="write openapi/openapi.json from the app")
    openapi.add_argument("--check", action="store_true", help="fail if the file is stale")
    openapi.set_defaults(func=cmd_openapi)

    make_migration = sub.add_parser("make-migration", help="autogenerate a migration")
    make_migration.add_argument("message")
    make_migration.set_defaults(func=cmd_make_migration)

    sub.add_parser("demo", help="load the four seed plans (idempotent)").set_defaults(func=cmd_demo)

    admin = sub.add_parser("create-admin", help="create a platform administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--full-name", default="Platform administrator")
    admin.set_defaults(func=cmd_create_admin)

    sweep = sub.add_parser(
        "sweep-evidence", help="remove evidence files that no evidence row holds any more"
    )
    sweep.add_argument("--dry-run", action="store_true", help="list the orphans, remove nothing")
    sweep.add_argument(
        "--min-age-minutes",
        type=int,
        default=60,
        help="keep files younger than this (an upload whose row is not committed yet)",
    )
    sweep.set_defaults(func=cmd_sweep_evidence)
    push = sub.add_parser(
        "push",
        help="post a file of measurements to a service (for cron; see README)",
        description="Dry-run, then send a CSV, XLSX or JSON file with the token in "
        "PLAN_FOLLOWUP_TOKEN. Exit codes: 0 ok, 1 rejected items, 2 usage, 3 unreachable "
        "or token refused.",
    )
    push.add_argument("kind", choices=["measurements"])
    push.add_argument(
        "file", help="CSV (; or ,), XLSX or JSON: indicator_code, period_end, value, note"
    )
    push.add_argument("--plan", required=True, help="the plan's code")
    push.add_argument("--url", default=os.environ.get("PLAN_FOLLOWUP_URL", "http://127.0.0.1:8000"))
    push.add_argument(
        "--organization", help="the organization's code, if several have the plan code"
    )
    push.set_defaults(func=cmd_push)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
