"""Assertions shared by the API tests."""

import httpx


def assert_problem(response: httpx.Response, status: int) -> dict:
    """The answer is an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["type"] and "detail" in body
    return body
