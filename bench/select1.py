"""The baseline of bench.http: a bare sync FastAPI endpoint running a pooled `select 1`.

    uvicorn --factory bench.select1:create_app

Same engine and pool settings as the service (`app.core.db.make_engine` with the settings
read from the environment); no middleware, no authentication, no session, no commit.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from app.core.config import get_settings
from app.core.db import make_engine


def create_app() -> FastAPI:
    settings = get_settings()
    if not settings.database_url:
        raise SystemExit("bench.select1 needs DATABASE_URL")
    engine = make_engine(settings.database_url, settings)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/select1")
    def select1() -> dict[str, int]:
        with engine.connect() as conn:
            return {"one": conn.execute(text("select 1")).scalar_one()}

    return app
