"""A database whose writes are committed, for what runs outside the request's transaction.

Jobs are taken off the queue by procrastinate's worker on its own connections: it only sees
committed rows, so job and report tests use this world (a database of their own, migrated
once per module) instead of the rolled-back connection of the other API tests.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.actor import Actor
from app.core.config import Settings
from app.core.db import make_engine
from app.demo.client import AsgiClient
from app.jobs import worker
from app.main import create_app
from app.users.service import actor_for_token as resolve_token


@dataclass
class World:
    settings: Settings
    engine: Engine
    app: object
    clients: list[AsgiClient] = field(default_factory=list)
    counter: itertools.count = field(default_factory=itertools.count)

    def token(self, organization_id=None, role: str = "admin", *, platform: bool = False) -> str:
        from app.core.security import hash_password
        from app.users import repository as users
        from app.users import service as users_service
        from app.users.models import User
        from app.users.schemas import ApiTokenCreate

        with Session(self.engine, expire_on_commit=False) as session:
            user = User(
                organization_id=None if platform else organization_id,
                username=f"jobs-user{next(self.counter)}",
                full_name="Test user",
                role=role,
                is_platform_admin=platform,
                password_hash=hash_password("correct horse battery staple"),
            )
            users.save(session, user)
            token, _ = users_service.create_api_token(session, user, ApiTokenCreate(name="t"))
            session.commit()
        return token

    def actor(self, token: str) -> Actor:
        with Session(self.engine) as session:
            actor = resolve_token(session, token)
            session.commit()
        return actor

    def client(self, token: str | None = None) -> AsgiClient:
        c = AsgiClient(self.app, headers={"Authorization": f"Bearer {token}"} if token else None)
        self.clients.append(c)
        return c

    def run_jobs(self) -> None:
        """A worker takes every queued job off the real queue, then returns."""
        worker.run_pending(self.settings, self.engine)


def make_world(database_url: str, tmp_path_factory) -> World:
    settings = Settings(
        database_url=database_url,
        log_json=False,
        log_level="WARNING",
        evidence_dir=tmp_path_factory.mktemp("evidence"),
        reports_dir=tmp_path_factory.mktemp("reports"),
        jobs_worker_in_process=False,
    )
    engine = make_engine(database_url, settings)
    return World(settings, engine, create_app(settings, engine=engine))


@pytest.fixture(scope="module")
def world(migrated_database, tmp_path_factory):
    url = migrated_database()
    w = make_world(url, tmp_path_factory)
    yield w
    for c in w.clients:
        c.close()
    w.engine.dispose()
