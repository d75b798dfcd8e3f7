"""Sending one event to one endpoint: the URL check, the signature, the attempt and its retry.

Each attempt is a job (`webhook.deliver`) on the PostgreSQL queue, so nothing is sent from an
API request and nothing for a change that rolled back. A 2xx answer is a success; anything else
(another status, a redirect, a timeout, a refused connection, a URL that now resolves to a
private address) is retried after the next delay of WEBHOOKS_RETRY_SCHEDULE_S. An endpoint that
has failed for WEBHOOKS_DISABLE_AFTER_S (a day) is turned off with the reason on its GET.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session

from app.core.models import utcnow
from app.jobs import service as jobs
from app.webhooks import repository
from app.webhooks.models import Webhook, WebhookDelivery

JOB_KIND = "webhook.deliver"
USER_AGENT = "plan-followup-webhooks/1"


class UnsafeUrl(ValueError):
    """A URL the service will not call."""


def _allowed_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host {host!r} does not resolve.") from None
    # Scope ids ("fe80::1%eth0") are not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeUrl unless `url` is https, without credentials, to public addresses only.

    Called at registration and again before every attempt (the name may resolve elsewhere by
    then). With `allow_private` (tests, local use) any address is allowed, and http too when
    every address is loopback.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"Not a valid URL: {exc}.") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("The URL must not carry credentials (user:password@).")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("The URL must be https://host/….")
    if parts.fragment:
        raise UnsafeUrl("The URL must not have a #fragment.")
    host = parts.hostname
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    if parts.scheme == "http" and not (
        allow_private and addresses and all(ip.is_loopback for ip in addresses)
    ):
        raise UnsafeUrl("The URL must be https (http only to loopback when allowed).")
    if not allow_private:
        bad = sorted({str(ip) for ip in addresses if not _allowed_address(ip)})
        if bad:
            raise UnsafeUrl(
                f"The host {host!r} resolves to a private, loopback, link-local or reserved "
                f"address ({', '.join(bad)}): webhooks go only to public addresses."
            )


def body_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256, keyed with the secret, of "{timestamp}.{body}"."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def headers(secret: str, event_id: uuid.UUID, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Webhook-Id": str(event_id),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, timestamp, body),
    }


@dataclass(frozen=True)
class Outcome:
    ok: bool
    response_code: int | None
    duration_ms: int
    error: str | None


def attempt(
    webhook: Webhook, delivery: WebhookDelivery, *, timeout_s: float, allow_private: bool
) -> Outcome:
    """One POST of the delivery's body, signed now; never follows a redirect."""
    started = time.perf_counter()

    def took() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        check_url(webhook.url, allow_private=allow_private)
    except UnsafeUrl as exc:
        return Outcome(False, None, took(), str(exc))
    body = body_bytes(delivery.body)
    sent = headers(webhook.secret, delivery.event_id, int(time.time()), body)
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
            response = client.post(webhook.url, content=body, headers=sent)
    except httpx.TimeoutException:
        return Outcome(False, None, took(), f"No answer within {timeout_s:g} s.")
    except httpx.HTTPError as exc:
        return Outcome(False, None, took(), f"{type(exc).__name__}: {exc}"[:1000])
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code, took(), None)
    if response.is_redirect:
        error = f"Answered {response.status_code} (redirects are not followed)."
    else:
        error = f"Answered {response.status_code}."
    return Outcome(False, response.status_code, took(), error)


def next_delay(schedule: list[float], attempts: int) -> float | None:
    """Seconds before the next attempt after `attempts` failed ones; None when none is left."""
    return schedule[attempts - 1] if 1 <= attempts <= len(schedule) else None


def schedule_attempt(
    session: Session, webhook: Webhook, delivery: WebhookDelivery, at: datetime | None = None
) -> None:
    """Queue an attempt of the delivery (now, or at `at`) in the caller's transaction."""
    jobs.enqueue(
        session,
        None,
        kind=JOB_KIND,
        payload={"delivery_id": str(delivery.id)},
        organization_id=webhook.organization_id,
        run_at=at,
    )


def record(
    delivery: WebhookDelivery,
    webhook: Webhook,
    outcome: Outcome,
    now: datetime,
    *,
    schedule: list[float],
    disable_after_s: float,
) -> datetime | None:
    """Write the attempt's outcome on the delivery and its endpoint; when to retry, if ever."""
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code, delivery.duration_ms = outcome.response_code, outcome.duration_ms
    delivery.error = outcome.error
    delivery.next_attempt_at = None
    if outcome.ok:
        delivery.status, delivery.delivered_at = "succeeded", now
        webhook.failing_since = None
        return None
    webhook.failing_since = webhook.failing_since or now
    if webhook.active and (now - webhook.failing_since).total_seconds() >= disable_after_s:
        webhook.active, webhook.disabled_at = False, now
        webhook.disabled_reason = (
            f"Desactivado: sin una entrega exitosa desde {webhook.failing_since:%Y-%m-%d %H:%M} "
            f"UTC. Último error: {outcome.error}"
        )[:500]
    delay = next_delay(schedule, delivery.attempts) if webhook.active else None
    if delay is None:
        delivery.status = "failed"
        return None
    delivery.status = "retrying"
    delivery.next_attempt_at = now + timedelta(seconds=delay)
    return delivery.next_attempt_at


@jobs.handler(JOB_KIND)
def deliver(ctx: jobs.JobContext) -> dict:
    session = ctx.session
    found = repository.lock(session, uuid.UUID(ctx.payload["delivery_id"]))
    if found is None:
        return {"outcome": "gone"}
    delivery, webhook = found
    if delivery.status in ("succeeded", "failed"):
        return {"outcome": delivery.status}
    if not webhook.active:
        delivery.status, delivery.next_attempt_at = "failed", None
        delivery.error = "The endpoint is disabled."
        repository.save(session, delivery)
        return {"outcome": "failed"}
    settings = ctx.settings
    outcome = attempt(
        webhook,
        delivery,
        timeout_s=settings.webhooks_timeout_s,
        allow_private=settings.webhooks_allow_private,
    )
    retry_at = record(
        delivery,
        webhook,
        outcome,
        utcnow(),
        schedule=list(settings.webhooks_retry_schedule_s),
        disable_after_s=settings.webhooks_disable_after_s,
    )
    repository.save(session, delivery)
    repository.save(session, webhook)
    if retry_at is not None:
        schedule_attempt(session, webhook, delivery, retry_at)
    return {
        "outcome": delivery.status,
        "response_code": delivery.response_code,
        "links": {"deliveries": f"/api/v1/webhooks/{webhook.id}/deliveries"},
    }
