"""What user routes load and check before acting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import ActorDep
from app.core.db import SessionDep
from app.users import service
from app.users.models import User


def visible_user(user_id: uuid.UUID, session: SessionDep, actor: ActorDep) -> User:
    """Oneself, or for an admin anyone of its organization; others answer 404."""
    return service.get_visible(session, actor, user_id)


UserDep = Annotated[User, Depends(visible_user)]
