"""An httpx transport that hands each request to the tests' in-process app (AsgiClient), so code
that takes an `httpx.Client` (the push command, a generated client) runs against the real app
inside the test's transaction."""

from __future__ import annotations

import httpx

from app.demo.client import AsgiClient

# The app's body is already decoded by the inner client; these would describe the old bytes.
_DROPPED = {"content-encoding", "content-length", "transfer-encoding"}


class AppTransport(httpx.BaseTransport):
    def __init__(self, app_client: AsgiClient) -> None:
        self.app_client = app_client
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.app_client.request(
            request.method, str(request.url), headers=request.headers, content=request.read()
        )
        headers = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in _DROPPED]
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)


def http_client(app_client: AsgiClient, **kwargs) -> httpx.Client:
    return httpx.Client(transport=AppTransport(app_client), base_url="http://testserver", **kwargs)
