# syntax=docker/dockerfile:1
FROM python:3.12-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
# The S3 client is part of the image (STORAGE_URL=s3://...); pins are in pyproject.toml.
# hadolint ignore=DL3013
RUN mkdir app && touch app/__init__.py && pip install '.[s3]' && rm -rf app build ./*.egg-info

COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
RUN pip install --no-deps -e . \
    && mkdir -p /var/lib/plan-followup/evidence /var/lib/plan-followup/reports \
    && chown -R 10001:10001 /var/lib/plan-followup

USER 10001:10001
# No WEB_CONCURRENCY: one uvicorn worker per core the container may use (set it to override).
ENV HOST=0.0.0.0 PORT=8000 DATA_DIR=/var/lib/plan-followup
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=2).status != 200)"]

# Wait for the database, migrate (MIGRATE_ON_START, default true: set it to false for
# replicas and run `plan-followup migrate` once before them), then serve with uvicorn
# workers (DATABASE_URL must be set). SIGTERM drains: see README, "Deploying".
STOPSIGNAL SIGTERM
CMD ["plan-followup", "serve"]
