"""The web app: :func:`create_app` builds the FastAPI application on a store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vitaal import __version__
from vitaal.errors import VitaalError
from vitaal.store import ModelStore, open_store
from vitaal.web import api, pages
from vitaal.web.accounts import LoginLimiter
from vitaal.web.config import WebConfig
from vitaal.web.deps import NeedsLogin, optional_session, render
from vitaal.web.jobs import JobRunner
from vitaal.web.security import SecurityHeaders
from vitaal.web.state import AppState

__all__ = ["create_app"]


def create_app(config: WebConfig, store: ModelStore | None = None) -> FastAPI:
    """The application on the store at ``config.db_url`` (or on ``store``, left open at the
    end). Its workers start with it and stop when it shuts down."""
    opened = store or open_store(config.db_url)
    runner = JobRunner(
        config.workers,
        config.max_workers,
        keep={"analysis": config.cached_analyses, "scenario": 30, "plan": 20, "report": 4},
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
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("vitaal.web", "static")]), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _handlers(app)
    return app


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


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NeedsLogin)
    async def needs_login(request: Request, _exc: NeedsLogin) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return _page_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            errors = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        return _page_error(request, 422, "the form or address is not what this page expects")

    @app.exception_handler(VitaalError)
    async def vitaal_error(request: Request, exc: VitaalError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return _page_error(request, 422, str(exc))
