"""Two requests with one `Idempotency-Key` at the same time, in real transactions: the second
waits for the first on the key's row, then answers the first's answer; one row is written."""

import threading

from sqlalchemy import text

from tests.committed import world  # noqa: F401  (fixture)


def _waiting_on_locks(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar_one()


def test_concurrent_requests_with_one_key_write_once(world):  # noqa: F811
    token = world.token(platform=True)
    clients = [world.client(token), world.client(token)]
    body = {"code": "CONC", "name": "Concurrente"}
    answers: list = [None, None]

    def post(i: int) -> None:
        answers[i] = clients[i].post(
            "/api/v1/organizations", json=body, headers={"Idempotency-Key": "same-time"}
        )

    # Hold the organizations table: the first request takes the key, then waits to insert its
    # organization; the second waits on the key the first holds. Then let both go.
    with world.engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE organizations IN EXCLUSIVE MODE"))
        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for _ in range(2000):
            if _waiting_on_locks(world.engine) >= 2:
                break
            threading.Event().wait(0.01)
        assert _waiting_on_locks(world.engine) >= 2
        blocker.rollback()
    for t in threads:
        t.join(timeout=60)

    first, second = sorted(answers, key=lambda r: "idempotency-replayed" in r.headers)
    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert second.headers["idempotency-replayed"] == "true"
    assert second.json() == first.json()
    with world.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM organizations WHERE code = 'CONC'")
            ).scalar_one()
            == 1
        )
