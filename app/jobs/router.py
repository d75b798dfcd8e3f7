"""HTTP routes of jobs: poll one, retry a failed one."""

import uuid

from fastapi import APIRouter, status

from app.auth.deps import ActorDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.jobs import service
from app.jobs.schemas import JobPublic

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses=problem_responses(401, 404, 422))


@router.get("/jobs/{job_id}", response_model=JobPublic, name="get_job")
def get_job(job_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    """Status, progress, the reason of a failure and links to what the job made."""
    return service.public(service.get_visible(session, actor, job_id))


@router.post(
    "/jobs/{job_id}/retry",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    name="retry_job",
    responses=problem_responses(409),
)
def retry_job(job_id: uuid.UUID, session: SessionDep, actor: ActorDep):
    """Queue a failed job again."""
    job = service.get_visible(session, actor, job_id)
    return service.public(service.retry(session, actor, job))
