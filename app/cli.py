"""Command line: run the service, migrate, write the OpenAPI schema."""

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


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.core.migrations import upgrade_head

    url = _database_url()
    upgrade_head(url)
    print(f"Serving on http://{args.host}:{args.port}  (docs: /docs, readiness: /health/ready)",
          file=sys.stderr)
    uvicorn.run("app.main:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, reload=args.reload, proxy_headers=True, log_config=None)


def cmd_migrate(args: argparse.Namespace) -> None:
    from app.core.migrations import upgrade_head

    upgrade_head(_database_url())


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="plan-followup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate the database, then serve the API")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    serve.add_argument("--reload", action="store_true")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply every migration (alembic upgrade head)").set_defaults(
        func=cmd_migrate)

    openapi = sub.add_parser("openapi", help="write openapi/openapi.json from the app")
    openapi.add_argument("--check", action="store_true", help="fail if the file is stale")
    openapi.set_defaults(func=cmd_openapi)

    make_migration = sub.add_parser("make-migration", help="autogenerate a migration")
    make_migration.add_argument("message")
    make_migration.set_defaults(func=cmd_make_migration)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
