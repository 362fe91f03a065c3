"""The web app: :func:`create_app` builds the FastAPI application on a store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from vitaal import __version__
from vitaal.errors import VitaalError
from vitaal.store import ModelStore, open_store
from vitaal.web import api, pages
from vitaal.web.accounts import LoginLimiter
from vitaal.web.basemap import tile_source
from vitaal.web.config import WebConfig
from vitaal.web.deps import NeedsLogin, optional_session, render
from vitaal.web.jobs import JobRunner
from vitaal.web.security import SecurityHeaders, content_policy
from vitaal.web.state import AppState

__all__ = ["create_app"]


def create_app(config: WebConfig, store: ModelStore | None = None) -> FastAPI:
    """The application on the store at ``config.db_url`` (or on ``store``, left open at the
    end). Its workers start with it and stop when it shuts down."""
    tiles = tile_source(config.tiles)  # a template that cannot be used stops here
    opened = store or open_store(config.db_url)
    runner = JobRunner(
        config.workers,
        config.max_workers,
        keep={
            "analysis": config.cached_analyses,
            "scenario": 30,
            "plan": 20,
            "compare": 20,
            "upload": 20,
            "report": 4,
            "pdf": 4,
            # megabytes each for a city (the workbook, the GeoPackage and the zip)
            "exports": 2,
        },
    )
    state = AppState(
        config, opened, runner, LoginLimiter(config.login_failures, config.login_window_s)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            runner.close()
            if store is None:
                opened.close()

    app = FastAPI(
        title="vitaal",
        version=__version__,
        description="The vital-systems table: decisions, register, scenarios, components, "
        "audit. Sign in with POST /api/session; send the csrf token it returns as "
        "X-CSRF-Token with every write.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.vitaal = state
    app.add_middleware(
        SecurityHeaders, csp=content_policy(tiles.origin if tiles is not None else None)
    )
    # the report's own script (zoom, pan, names on its maps), served as the report inlines
    # it, so that the map page zooms with the same code; before the folder, which would
    # answer 404 for it
    app.add_api_route("/static/report.js", _report_script, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(packages=[("vitaal.web", "static")]), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _handlers(app)
    return app


def _report_script() -> Response:
    from vitaal.report.writer import report_script

    return Response(report_script(), media_type="text/javascript; charset=utf-8")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page_error(request: Request, status: int, message: str) -> Response:
    return render(
        request,
        "error.html.j2",
        optional_session(request),
        {"status": status, "message": message},
        status=status,
    )


def unreadable_body(cause: BaseException) -> str:
    """What was wrong with a request body FastAPI could not read."""
    if isinstance(cause, UnicodeDecodeError):
        return (
            f"found a byte that is not UTF-8 at position {cause.start} of the body, "
            "expected JSON text in UTF-8"
        )
    return f"found a body that cannot be read ({type(cause).__name__}), expected JSON text"


def _message(error: dict[str, Any]) -> str:
    """A validation error's message, with the JSON parser's reason where it gave one."""
    msg = str(error.get("msg", ""))
    reason = (error.get("ctx") or {}).get("error")
    if error.get("type") == "json_invalid" and reason:
        return f"{msg}: {reason}"
    return msg


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NeedsLogin)
    async def needs_login(request: Request, _exc: NeedsLogin) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    # Starlette's class: FastAPI's own is a subclass, and FastAPI raises Starlette's for a
    # body it cannot read and Starlette for an address no route has
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI could not read the body (bytes that are not UTF-8, ...): a request the
            # app does not understand, 422 with what was found where
            message = unreadable_body(exc.__cause__)
            if _is_api(request):
                return JSONResponse({"detail": [{"loc": ["body"], "msg": message}]}, 422)
            return _page_error(request, 422, message)
        if _is_api(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return _page_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            errors = [{"loc": list(e.get("loc", ())), "msg": _message(e)} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        return _page_error(request, 422, "the form or address is not what this page expects")

    @app.exception_handler(VitaalError)
    async def vitaal_error(request: Request, exc: VitaalError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return _page_error(request, 422, str(exc))
