"""/docs and /redoc work without internet: local assets, a strict CSP, checked in a real
headless Chromium against a running service (issue 22)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.docs import API_CSP, DOCS_CSP, OPENAPI_TAGS, REDOC_CSP
from tests.processes import PATIENCE_S, Service, cli, env_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"
# Where `make docs-screenshot` asks the /docs test to leave its screenshot.
SCREENSHOT = os.environ.get("DOCS_SCREENSHOT")


# --- the pages as served (no browser) ------------------------------------------------------


def test_docs_pages_load_nothing_from_outside_and_carry_their_csp(anon):
    for path, csp, assets in (
        (
            "/docs",
            DOCS_CSP,
            ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js", "favicon.svg"],
        ),
        ("/redoc", REDOC_CSP, ["redoc.standalone.js", "redoc-init.js", "favicon.svg"]),
    ):
        page = anon.get(path)
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == csp
        assert re.findall(r"https?://", page.text) == []
        assert '<html lang="es">' in page.text
        for name in assets:
            (url,) = re.findall(rf'(?:src|href)="([^"]*/{re.escape(name)})"', page.text)
            asset = anon.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 100
    # ReDoc's bundle as served names no outside image.
    assert b"cdn.redoc.ly" not in anon.get("/assets/vendor/redoc.standalone.js").content


def test_json_answers_forbid_everything(anon):
    for path in ("/health", "/openapi.json", "/api/v1/plans"):  # the last one is a 401 problem
        assert anon.get(path).headers["content-security-policy"] == API_CSP


def test_the_schema_opens_with_the_description_and_the_tags_in_a_newcomers_order(anon):
    schema = anon.get("/openapi.json").json()
    assert "Cómo obtener un token" in schema["info"]["description"]
    assert "POST /api/v1/auth/login" in schema["info"]["description"]
    assert "README.md" in schema["info"]["description"]
    assert [t["name"] for t in schema["tags"]] == [t["name"] for t in OPENAPI_TAGS]
    used = {t for ops in schema["paths"].values() for op in ops.values() for t in op["tags"]}
    assert {t["name"] for t in OPENAPI_TAGS} <= used


# --- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(fresh_database):
    url = fresh_database()
    made = subprocess.run(  # noqa: S603
        cli("create-admin", "--username", "root"),
        env=env_for(url, PLAN_FOLLOWUP_ADMIN_PASSWORD=PASSWORD),
        capture_output=True,
        text=True,
        timeout=PATIENCE_S,
    )
    assert made.returncode == 0, made.stderr
    service = Service(url)
    try:
        service.wait_ready()
        yield service
        assert service.stop() == 0
    finally:
        service.kill()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "headless Chromium is not installed: `apt-get install chromium` (Debian), "
            "or run `make test` as root, which installs it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # The system's Chromium (Playwright downloads no browser), a fresh profile.
        context = p.chromium.launch_persistent_context(
            user_data_dir=tmp_path_factory.mktemp("chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
            locale="es-CO",
        )
        yield context
        context.close()


# ReDoc's example generator (openapi-sampler) says this when it merges a nullable list
# (`anyOf: [array, null]`) into the object it samples: the sample shows the list, the page
# renders; it is a note about a generated example, not a fault of the page. Seen since
# 2026-11-25 with this machine's Chromium, on the schema that passed before (commit c46369b).
TOLERATED = {'OpenAPI Sampler: found allOf with "array" type. Result may be incorrect'}


class PageWatch:
    """A page whose requests outside the service fail, with every complaint collected."""

    def __init__(self, context, base: str) -> None:
        self.base = base
        self.problems: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on(
            "requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}")
        )
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"),
        )
        self.page.route("**/*", self._only_the_service)

    def _console(self, message) -> None:
        if message.type in ("error", "warning") and message.text not in TOLERATED:
            self.problems.append(f"console {message.type}: {message.text}")

    def _only_the_service(self, route) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.problems.append(f"outside request: {route.request.url}")
            route.abort("internetdisconnected")

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response.status == 200

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def watch(browser_context, service):
    opened: list[PageWatch] = []

    def make() -> PageWatch:
        opened.append(PageWatch(browser_context, service.base))
        return opened[-1]

    yield make
    for w in opened:
        w.close()


def test_docs_render_the_operations_and_authorize_through_login(watch, service):
    w = watch()
    w.open("/docs")
    page = w.page
    page.wait_for_selector("#operations-plans-list_plans", timeout=PATIENCE_S * 1000)
    paths = page.locator("#operations-plans-list_plans .opblock-summary-path").inner_text()
    assert paths == "/api/v1/plans"
    assert page.locator("[id^='operations-plans-']").count() >= 20
    shown_tags = page.locator(".opblock-tag").evaluate_all(
        "els => els.map(e => e.getAttribute('data-tag'))"
    )
    ours = [t["name"] for t in OPENAPI_TAGS]
    assert [t for t in shown_tags if t in ours] == ours
    assert "Cómo obtener un token" in page.locator(".information-container").inner_text()
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)

    # "Try it out" on login: the token it returns is put in Authorize, and used.
    page.click("#operations-auth-login .opblock-summary")
    login = page.locator("#operations-auth-login")
    login.locator("button.try-out__btn").click()
    login.locator("textarea.body-param__text").fill(
        f'{{"username": "root", "password": "{PASSWORD}"}}'
    )
    login.locator("button.execute").click()
    login.locator(".live-responses-table tr.response td.response-col_status").first.wait_for()
    assert (
        login.locator(".live-responses-table tr.response td.response-col_status")
        .first.inner_text()
        .strip()
        == "200"
    )
    authorized = page.evaluate("() => window.ui.authSelectors.authorized().toJS()")
    assert len(authorized["HTTPBearer"]["value"]) > 20

    page.click("#operations-auth-get_me .opblock-summary")
    me = page.locator("#operations-auth-get_me")
    me.locator("button.try-out__btn").click()
    me.locator("button.execute").click()
    me.locator(".live-responses-table tr.response td.response-col_status").first.wait_for()
    assert (
        me.locator(".live-responses-table tr.response td.response-col_status")
        .first.inner_text()
        .strip()
        == "200"
    )
    assert (
        '"username": "root"'
        in me.locator(".live-responses-table tr.response .microlight >> nth=0").inner_text()
    )

    assert w.problems == []


def test_redoc_renders_the_operations_in_spanish_labels(watch):
    w = watch()
    w.open("/redoc")
    page = w.page
    operation = page.locator("[data-section-id='tag/plans/operation/list_plans']")
    operation.wait_for(timeout=PATIENCE_S * 1000)
    assert "/api/v1/plans" in operation.inner_text()
    assert page.locator("[data-section-id^='tag/plans/operation/']").count() >= 20
    menu = page.locator("[role=menuitem] >> nth=0").inner_text()
    assert menu.strip().lower().startswith("auth")
    text = page.locator("body").inner_text()
    assert "Descargar" in text and "Cómo obtener un token" in text
    assert w.problems == []
