"""The API's own pages, /docs (Swagger UI) and /redoc, from assets installed with the package.

Swagger UI and ReDoc come from the `fastapi-offline` package (its `static/` folder: Swagger UI
5.32.6, ReDoc 2.5.3, both MIT), our favicon and start-up scripts from `app/static/docs/`:
no request leaves the machine, and the pages' Content-Security-Policy allows only the
service's own origin. Every other answer (JSON, problem+json) gets `default-src 'none'`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OWN_ASSETS = Path(__file__).resolve().parents[1] / "static" / "docs"
OWN_URL = "/assets/docs"
VENDOR_URL = "/assets/vendor"

# /docs: scripts, styles, images and API calls from this origin only (Swagger UI's icons
# are data: images).
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
# /redoc: the same, but ReDoc writes its styles into <style> elements at run time
# (styled-components; it renders nothing without them), hence 'unsafe-inline' for styles
# (never for scripts), and its search runs in a worker made from a blob: URL.
REDOC_CSP = DOCS_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + (
    "; worker-src 'self' blob:"
)
# Everything else is data, never a page: nothing may load or run from it.
API_CSP = "default-src 'none'; frame-ancestors 'none'"

API_DESCRIPTION = """\
API de **seguimiento a planes** de entidades públicas colombianas (PET, PEI, planes de \
acción, planes de Gobierno Digital): los planes con su árbol, acciones e indicadores, la \
programación, los cortes, las mediciones reportadas, los seguimientos con su evidencia y los \
resultados calculados (% de avance, estado, semáforo, consolidados ponderados).

### Cómo obtener un token

1. La primera cuenta la crea quien administra el servidor: \
`plan-followup create-admin --username ana` (o `make admin u=ana`).
2. `POST /api/v1/auth/login` con `{"username": "…", "password": "…"}` responde un \
`access_token`. En esta página: abra **auth → login**, pulse *Try it out* y *Execute*: el \
token queda puesto en **Authorize**. También puede pegar allí un token de inicio de sesión o \
de API (`POST /api/v1/users/{user_id}/tokens`).
3. Cada petición lleva la cabecera `Authorization: Bearer <token>`.

Los errores son `application/problem+json` (RFC 9457). Los resultados de un corte \
*publicado* se leen sin token.

Más: el `README.md` del proyecto (arranque, primeros pasos, configuración, despliegue), \
el esquema en [`/openapi.json`](/openapi.json) y la referencia para leer en [`/redoc`](/redoc).
"""

# The order a newcomer needs them in: sign in, set up the entity, build a plan, report, read.
OPENAPI_TAGS = [
    {"name": "auth", "description": "Sesión: iniciar y cerrar sesión, quién soy, contraseña."},
    {"name": "organizations", "description": "Entidades (organizaciones) de la plataforma."},
    {"name": "units", "description": "Dependencias de una entidad, responsables de metas."},
    {"name": "users", "description": "Usuarios de una entidad, sus roles y tokens de API."},
    {
        "name": "plans",
        "description": "Planes: árbol de niveles, acciones, indicadores, programación y "
        "presupuesto.",
    },
    {"name": "cuts", "description": "Cortes de seguimiento: abrir, cerrar, publicar."},
    {
        "name": "revisions",
        "description": "Revisiones publicadas de un corte: cifras congeladas y sus diferencias.",
    },
    {"name": "measurements", "description": "Mediciones de los indicadores, una o miles a la vez."},
    {"name": "follow-ups", "description": "Seguimientos de las acciones y su evidencia."},
    {
        "name": "results",
        "description": "Resultados calculados: avance, estado, semáforo, alertas, tendencia.",
    },
    {
        "name": "alerts",
        "description": "Alertas en un solo lugar, estado de reporte, evidencias y pendientes "
        "de cada dependencia.",
    },
    {
        "name": "financial execution",
        "description": "Ejecución financiera (compromisos y obligaciones) por acción, "
        "dependencia y periodo; avance financiero frente al físico.",
    },
    {"name": "reports", "description": "Informes de seguimiento de un corte, en PDF y XLSX."},
    {"name": "jobs", "description": "Trabajos en segundo plano: estado, progreso, reintento."},
    {"name": "webhooks", "description": "Avisos firmados a sistemas externos y su registro."},
    {"name": "health", "description": "Sondas de vida y de disponibilidad del servicio."},
]


# ReDoc's side menu shows the Redocly logo from a CDN, which the CSP blocks (a console error
# in every browser); the copy served here points it at our own icon, inline.
REDOC_OUTSIDE_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


def _redoc_bundle(vendor: Path) -> bytes:
    import base64

    icon = base64.b64encode((OWN_ASSETS / "favicon.svg").read_bytes())
    bundle = (vendor / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_OUTSIDE_LOGO, b"data:image/svg+xml;base64," + icon)


def _page(title: str, head: str, body: str, csp: str) -> HTMLResponse:
    html = f"""<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{head}
</head>
<body>
{body}
</body>
</html>
"""
    return HTMLResponse(html, headers={"Content-Security-Policy": csp})


def _root(request: Request) -> str:
    return escape(request.scope.get("root_path", "").rstrip("/"), quote=True)


def install_docs(app: FastAPI, security_scheme: str = "HTTPBearer") -> None:
    """Mount the assets and the two pages; give every other answer `API_CSP`.

    The app is built with `docs_url=None, redoc_url=None` (FastAPI's own pages load their
    assets from a CDN and start with an inline script).
    """
    import fastapi_offline

    vendor = Path(fastapi_offline.__file__).resolve().parent / "static"
    redoc_bundle = _redoc_bundle(vendor)

    # Before the mount, so that it answers this one file.
    @app.get(f"{VENDOR_URL}/redoc.standalone.js", include_in_schema=False)
    def redoc_bundle_asset() -> Response:
        return Response(
            redoc_bundle,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    app.mount(VENDOR_URL, StaticFiles(directory=vendor), name="docs-vendor-assets")
    app.mount(OWN_URL, StaticFiles(directory=OWN_ASSETS), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return _page(
            f"{title} — API (Swagger UI)",
            f'<link rel="icon" type="image/svg+xml" href="{root}{OWN_URL}/favicon.svg">\n'
            f'<link rel="stylesheet" href="{root}{VENDOR_URL}/swagger-ui.css">\n'
            f'<link rel="stylesheet" href="{root}{OWN_URL}/docs.css">',
            "<noscript>Esta página necesita JavaScript; el esquema está en "
            f'<a href="{root}{app.openapi_url}">{app.openapi_url}</a>.</noscript>\n'
            '<div id="swagger-ui"></div>\n'
            f'<script src="{root}{VENDOR_URL}/swagger-ui-bundle.js"></script>\n'
            f'<script src="{root}{OWN_URL}/swagger-init.js"'
            f' data-openapi-url="{root}{app.openapi_url}"'
            f' data-login-path="{root}/api/v1/auth/login"'
            f' data-security-scheme="{escape(security_scheme, quote=True)}"></script>',
            DOCS_CSP,
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return _page(
            f"{title} — API (ReDoc)",
            f'<link rel="icon" type="image/svg+xml" href="{root}{OWN_URL}/favicon.svg">\n'
            f'<link rel="stylesheet" href="{root}{OWN_URL}/docs.css">',
            "<noscript>Esta página necesita JavaScript; el esquema está en "
            f'<a href="{root}{app.openapi_url}">{app.openapi_url}</a>.</noscript>\n'
            '<div id="redoc"></div>\n'
            f'<script src="{root}{VENDOR_URL}/redoc.standalone.js"></script>\n'
            f'<script src="{root}{OWN_URL}/redoc-init.js"'
            f' data-openapi-url="{root}{app.openapi_url}"></script>',
            REDOC_CSP,
        )

    app.add_middleware(DefaultContentSecurityPolicy, policy=API_CSP)


class DefaultContentSecurityPolicy:
    """Add a Content-Security-Policy to answers that do not set their own."""

    def __init__(self, app: ASGIApp, policy: str) -> None:
        self.app = app
        self.header = (b"content-security-policy", policy.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    message["headers"] = [*headers, self.header]
            await send(message)

        await self.app(scope, receive, send_with_policy)
