"""The JSON API: everything the pages do, with the same rights, described by the OpenAPI
document at ``/api/openapi.json``. A write carries the session's CSRF token in the
``X-CSRF-Token`` header (given by ``POST /api/session`` and ``GET /api/me``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile as StarletteUpload

from vitaal.web import accounts, views
from vitaal.web.comparing import compare_choices, start_compare
from vitaal.web.dependencies import MAX_DEPTH, component_dependencies
from vitaal.web.deps import SESSION_COOKIE, ApiSession, lang_of, secure, state_of
from vitaal.web.editing import Outcome
from vitaal.web.jobs import Job
from vitaal.web.plan_store import store_plan
from vitaal.web.rights import may_manage_users
from vitaal.web.upload import MAX_UPLOAD


class Problem(BaseModel):
    loc: list[str | int] = Field(description="where: body, query or path, then the field")
    msg: str = Field(description="what was found and what was expected")


class ErrorBody(BaseModel):
    """Every error answer: ``detail`` says what is wrong (a sentence, or the problems of a
    request the app does not understand, each with its place); some add ``problems`` by
    field, or ``latest`` and ``conflicts`` for an edit someone else changed first."""

    model_config = ConfigDict(extra="allow")
    detail: str | list[Problem]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: a job that is still running, with its progress
_RUNNING = {
    "description": "still running: the job's progress (ask again)",
    "content": {"application/json": {"schema": {"type": "object"}}},
}

_ADDED = {
    "description": "added: the new version and the record's key",
    "content": {"application/json": {"schema": {"type": "object"}}},
}

_CONFLICT = _error(
    "someone changed the record after the version the edit was made to: "
    "``latest`` and ``conflicts`` field by field"
)

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        401: _error("not signed in"),
        403: _error("the role or organisation may not, or a write without the CSRF token"),
        404: _error("no such record, job or user"),
        422: _error("a request the app does not understand, or a value that is not valid"),
    },
)


class Credentials(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class RegisterBody(BaseModel):
    decision: str = Field(max_length=1000, description="the id of a decision of the table")
    status: Literal["taken", "deferred", "refused"]
    note: str = Field(default="", max_length=4000)


class ComponentBody(BaseModel):
    base: int = Field(description="the model version the edit was made to")
    fields: dict[str, str] = Field(description="fields as a model folder's CSV holds them")


class PlanBody(BaseModel):
    title: str = Field(max_length=500)
    areas: list[str] = Field(default_factory=list, max_length=1000)
    geometry: str | None = Field(default=None, max_length=100_000)
    homes: str | None = Field(default=None, max_length=2000, description="2028: 300; 2030: 500")
    jobs: str | None = Field(default=None, max_length=2000)
    result_known: bool | None = Field(default=None, description="is the result known?")
    repetitive: bool | None = Field(default=None, description="is the work repetitive?")
    run_as: Literal["reis", "route", "rit", "routine"] | None = None


class NewUser(BaseModel):
    username: str = Field(max_length=100)
    role: Literal["administrator", "analyst", "system_owner", "planner", "viewer"]
    display_name: str | None = Field(default=None, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    password: str | None = Field(
        default=None, max_length=1000, description="generated and returned once when left out"
    )


class UserChange(BaseModel):
    role: Literal["administrator", "analyst", "system_owner", "planner", "viewer"] | None = None
    organisation: str | None = Field(default=None, max_length=200)
    active: bool | None = None


def sign_in(request: Request, username: str, password: str) -> tuple[str, accounts.Session]:
    """Check a password under the sign-in limit; 429 while the limit holds, 401 when wrong."""
    state = state_of(request)
    client = request.client.host if request.client else "-"
    keys = (f"user:{username.casefold()}", f"addr:{client}")
    wait = state.limiter.retry_after(*keys)
    if wait > 0:
        raise HTTPException(
            429,
            f"too many failed sign-ins: try again in {int(wait) + 1} s",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    user = accounts.authenticate(state.store, username, password)
    if user is None:
        state.limiter.failed(*keys)
        raise HTTPException(401, "unknown user name or wrong password")
    state.limiter.succeeded(keys[0])
    return accounts.start_session(state.store, user, max_h=state.config.session_max_h)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        path="/",
        max_age=int(state_of(request).config.session_max_h * 3600),
    )


def _status_of(data: dict[str, Any]) -> int:
    """200 with the analysis's results, 202 while it runs, 422 when it stopped (its error
    is in ``job``; the next request starts it again)."""
    if data["ready"]:
        return 200
    return 422 if data["job"]["status"] == "failed" else 202


@router.post(
    "/session",
    summary="Sign in",
    responses={
        401: _error("unknown user name or wrong password"),
        429: _error("too many failed sign-ins: wait as Retry-After says"),
    },
)
def post_session(request: Request, body: Credentials) -> JSONResponse:
    token, session = sign_in(request, body.username, body.password)
    response = JSONResponse({"user": session.user.as_dict(), "csrf": session.csrf})
    set_session_cookie(request, response, token)
    return response


@router.delete("/session", summary="Sign out", status_code=204)
def delete_session(request: Request, session: ApiSession) -> Response:
    accounts.end_session(state_of(request).store, session)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", summary="Who is signed in")
def get_me(session: ApiSession) -> dict[str, Any]:
    return {"user": session.user.as_dict(), "csrf": session.csrf}


@router.get(
    "/decisions",
    summary="The table's decisions of the latest version",
    responses={202: _RUNNING},
)
def get_decisions(request: Request, session: ApiSession) -> JSONResponse:
    data = views.decisions_data(state_of(request), session, lang_of(request))
    return JSONResponse(data, status_code=_status_of(data))


@router.get("/register", summary="The decision register, newest first")
def get_register(request: Request, session: ApiSession) -> dict[str, Any]:
    return views.register_data(state_of(request), lang_of(request))


@router.post("/register", summary="Record what the table did with a decision", status_code=201)
def post_register(request: Request, session: ApiSession, body: RegisterBody) -> dict[str, Any]:
    entry = views.record_decision(state_of(request), session, body.decision, body.status, body.note)
    return entry.as_dict()


@router.get("/scenarios", summary="The model's scenarios")
def get_scenarios(request: Request, session: ApiSession) -> list[dict[str, Any]]:
    return views.scenario_list(state_of(request), lang_of(request))


@router.post("/scenarios/{scenario_id}/runs", summary="Run a scenario", status_code=202)
def post_run(request: Request, session: ApiSession, scenario_id: str) -> dict[str, Any]:
    return views.start_scenario(state_of(request), session, scenario_id).as_dict()


@router.get("/map", summary="The map of the systems with its layers and their dependencies (SVG)")
def get_map(request: Request, session: ApiSession) -> dict[str, Any]:
    return views.map_data_of(state_of(request), session, lang_of(request))


@router.get(
    "/map/features/{feature_id}",
    summary="What the map's details panel shows of a component, area, critical function or plan",
)
def get_map_feature(request: Request, session: ApiSession, feature_id: str) -> dict[str, Any]:
    from vitaal.web.mapview import feature_details

    return feature_details(state_of(request), session, lang_of(request), feature_id)


@router.post("/plans/intake", summary="Check a plan brought to the table", status_code=202)
def post_intake(request: Request, session: ApiSession, body: PlanBody) -> JSONResponse:
    form = body.model_dump(exclude_none=True)
    for name in ("result_known", "repetitive"):
        if name in form:
            form[name] = "true" if form[name] else "false"
    started = views.start_intake(state_of(request), session, form)
    if isinstance(started, Job):
        return JSONResponse(started.as_dict(), status_code=202)
    from vitaal.web.intake import FIELDS

    return JSONResponse(
        {"detail": "the plan was not checked", "problems": started.by_field(FIELDS)},
        status_code=422,
    )


class StoreBody(BaseModel):
    id: str = Field(max_length=200, description="the plan's id in the model (new)")


@router.post(
    "/plans/intake/{job_id}/store",
    summary="Bring a checked plan to the table: save it into the model as a new version",
    status_code=201,
    responses={409: _error("the id was added by someone else after the version checked on")},
)
def post_store_plan(
    request: Request, session: ApiSession, job_id: str, body: StoreBody
) -> dict[str, Any]:
    return store_plan(state_of(request), session, job_id, body.id)


#: the version a download is of: the one the page showed; the latest when left out
Version = Query(None, ge=1, description="the model version (the latest when left out)")
#: the file a download is
Format = Query(
    "html",
    description="html or pdf: the report; xlsx, gpkg, csv: the result exports of "
    "vitaal export-results (the workbook, the GeoPackage, the CSV files as a zip)",
)


@router.get(
    "/report/{lang}",
    summary="The report or the result exports of a version as a file (202 while written)",
    response_class=Response,
    responses={
        200: {
            "description": "the file: the report as one self-contained HTML file or as PDF; "
            "results.xlsx (a worksheet per table), scenarios.gpkg (every scenario's failed "
            "nodes, layers for QGIS) or the CSV files (a file per table) as a zip",
            "content": {
                views.DOWNLOADS[what][3].split(";")[0]: {
                    "schema": {"type": "string", "format": "binary"}
                }
                for what in views.DOWNLOADS
            },
        },
        202: _RUNNING,
    },
)
def get_report(
    request: Request,
    session: ApiSession,
    lang: str,
    version: int | None = Version,
    format: Literal["html", "pdf", "xlsx", "gpkg", "csv"] = Format,
) -> Response:
    """The file once written; 202 with the job's progress while it is (ask again), 422 when
    it could not be written (the next request tries again)."""
    job = views.download_job(state_of(request), session, format, lang, version)
    file = views.download(job, format) if job.status == "done" else None
    if file is not None:
        return file
    if job.status == "failed":
        raise HTTPException(422, job.error or "the file could not be written")
    return JSONResponse(job.as_dict(), status_code=202)


@router.get("/jobs/{job_id}", summary="A run's progress and, once done, its result")
def get_job(request: Request, session: ApiSession, job_id: str) -> dict[str, Any]:
    job = state_of(request).runner.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job '{job_id}' (finished runs are kept for a while)")
    return views.job_data(job, lang_of(request))


@router.get("/components", summary="Components of the latest version")
def get_components(
    request: Request,
    session: ApiSession,
    q: str = Query("", max_length=200),
    system: str = Query("", max_length=200),
    limit: int = Query(200, ge=1, le=5000),
) -> dict[str, Any]:
    return views.component_list(state_of(request), session, q, system, limit)


@router.get("/components/{component_id}", summary="One component of the latest version")
def get_component(request: Request, session: ApiSession, component_id: str) -> dict[str, Any]:
    return views.component_data(state_of(request), session, component_id)


@router.put("/components/{component_id}", summary="Change a component", responses={409: _CONFLICT})
def put_component(
    request: Request, session: ApiSession, component_id: str, body: ComponentBody
) -> JSONResponse:
    outcome = views.edit_component(state_of(request), session, component_id, body.base, body.fields)
    return _saved(outcome)


@router.get("/records/{kind}/{key}", summary="A requirement or supply link")
def get_record(request: Request, session: ApiSession, kind: str, key: str) -> dict[str, Any]:
    return views.record_data(state_of(request), session, kind, key)


@router.put(
    "/records/{kind}/{key}",
    summary="Change a requirement or supply link",
    responses={409: _CONFLICT},
)
def put_record(
    request: Request, session: ApiSession, kind: str, key: str, body: ComponentBody
) -> JSONResponse:
    outcome = views.edit_record(state_of(request), session, kind, key, body.base, body.fields)
    return _saved(outcome)


@router.post(
    "/components",
    summary="Add a component",
    status_code=201,
    responses={201: _ADDED, 409: _CONFLICT},
)
def post_component(request: Request, session: ApiSession, body: ComponentBody) -> JSONResponse:
    outcome = views.add_new(state_of(request), session, "components", body.base, body.fields)
    return _saved(outcome, created=True)


@router.post(
    "/records/{kind}",
    summary="Add a requirement or supply link",
    status_code=201,
    responses={201: _ADDED, 409: _CONFLICT},
)
def post_record(
    request: Request, session: ApiSession, kind: str, body: ComponentBody
) -> JSONResponse:
    if kind == "components":
        raise HTTPException(404, "add a component with POST /api/components")
    outcome = views.add_new(state_of(request), session, kind, body.base, body.fields)
    return _saved(outcome, created=True)


#: the version a removal was decided on
Base = Query(ge=1, le=2**31, description="the model version the removal was decided on")


@router.delete(
    "/components/{component_id}", summary="Remove a component", responses={409: _CONFLICT}
)
def delete_component(
    request: Request, session: ApiSession, component_id: str, base: int = Base
) -> JSONResponse:
    outcome = views.remove(state_of(request), session, "components", component_id, base)
    return _saved(outcome)


@router.delete(
    "/records/{kind}/{key}",
    summary="Remove a requirement or supply link",
    responses={409: _CONFLICT},
)
def delete_record(
    request: Request, session: ApiSession, kind: str, key: str, base: int = Base
) -> JSONResponse:
    if kind == "components":
        raise HTTPException(404, "remove a component with DELETE /api/components/{id}")
    outcome = views.remove(state_of(request), session, kind, key, base)
    return _saved(outcome)


@router.post(
    "/uploads",
    summary="Upload a zipped model folder or one table file (all or nothing; 202 with the job)",
    status_code=202,
    responses={
        413: _error("the upload is larger than the app takes"),
        422: _error(
            "the upload cannot be read: not a zip or a table file, a path outside the folder, "
            "too large unpacked"
        ),
    },
)
async def post_upload(
    request: Request,
    session: ApiSession,
    file: Annotated[UploadFile, File(description="a .zip of a model folder, or a table file")],
    base: Annotated[int, Form(ge=1, le=2**31, description="the version it was made from")],
    kind: Annotated[
        str, Form(max_length=40, description="the table of a single file (default: its name)")
    ] = "",
) -> dict[str, Any]:
    """A zip is imported as ``vitaal import --base N`` imports a folder (records left out are
    removed); a table file adds its rows and changes those with the same key. A worker reads,
    checks and writes it: ``GET /api/jobs/{id}`` gives its ``upload`` once done, with its
    ``outcome``: ``written`` (the ``version``), ``problems`` (each with its file, row and
    column; nothing written), ``refused`` or ``unreadable`` (``detail``), ``conflict``."""
    data = await read_upload_body(file)
    job = views.upload(state_of(request), session, file.filename or "", data, base, kind)
    return job.as_dict()


async def read_upload_body(file: StarletteUpload) -> bytes:
    """The uploaded file's bytes; 413 beyond :data:`~vitaal.web.upload.MAX_UPLOAD`."""
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"file: found more than {MAX_UPLOAD} bytes, expected at most that")
    return data


def _saved(outcome: Outcome, *, created: bool = False) -> JSONResponse:
    """A saved edit's answer: 200 (201 for a record added, with its key) with the version,
    409 with both versions, 422 by field."""
    if outcome.conflict is not None:
        return JSONResponse(
            {
                "detail": str(outcome.conflict).splitlines()[0],
                "latest": outcome.conflict.latest,
                "conflicts": [c.as_dict() for c in outcome.conflict.conflicts],
            },
            status_code=409,
        )
    if outcome.problems:
        return JSONResponse(
            {
                "detail": "the record was not saved",
                "problems": outcome.by_field(outcome.record_fields),
            },
            status_code=422,
        )
    if created:
        return JSONResponse({"version": outcome.version, "key": outcome.key}, status_code=201)
    return JSONResponse({"version": outcome.version})


@router.get("/audit", summary="Versions, audit entries and the decision register")
def get_audit(
    request: Request,
    session: ApiSession,
    version: int | None = Query(None, ge=1),
    kind: str = Query("", max_length=40),
    key: str = Query("", max_length=1000),
) -> dict[str, Any]:
    return views.audit_data(state_of(request), version, kind, key, session=session)


@router.get(
    "/subsystems", summary="The subsystems of the latest analysis", responses={202: _RUNNING}
)
def get_subsystems(request: Request, session: ApiSession) -> JSONResponse:
    data = views.subsystems_data(state_of(request), session, lang_of(request))
    return JSONResponse(data, status_code=_status_of(data))


@router.get(
    "/subsystems/{subsystem_id}",
    summary="One subsystem with its seven steps",
    responses={202: _RUNNING},
)
def get_subsystem(request: Request, session: ApiSession, subsystem_id: str) -> JSONResponse:
    data = views.subsystems_data(state_of(request), session, lang_of(request), subsystem_id)
    return JSONResponse(data, status_code=_status_of(data))


@router.get("/compare", summary="What changed from one version to another")
def get_compare(
    request: Request,
    session: ApiSession,
    a: int = Query(ge=1, le=2**31),
    b: int = Query(ge=1, le=2**31),
) -> dict[str, Any]:
    return views.compare_versions(state_of(request), a, b, session)


@router.get(
    "/components/{component_id}/dependencies",
    summary="A component's suppliers and users across systems, as lists and SVG",
)
def get_component_dependencies(
    request: Request,
    session: ApiSession,
    component_id: str,
    depth: int = Query(2, ge=1, le=MAX_DEPTH, description="hops each way"),
) -> dict[str, Any]:
    return component_dependencies(state_of(request), lang_of(request), component_id, depth)


class CompareBody(BaseModel):
    kind: Literal["scenarios", "plans", "versions"] = Field(
        description="two scenarios or two plans of the latest version, or two versions"
    )
    a: str = Field(max_length=1000, description="a scenario id, a plan id or a version number")
    b: str = Field(max_length=1000)


@router.get("/compare/choices", summary="The scenarios, plans and versions to compare")
def get_compare_choices(request: Request, session: ApiSession) -> dict[str, Any]:
    return compare_choices(state_of(request))


@router.post(
    "/compare/runs",
    summary="Compare two scenarios, plans or versions by their results",
    status_code=202,
)
def post_compare(request: Request, session: ApiSession, body: CompareBody) -> dict[str, Any]:
    """Start (or find) the comparison, as ``vitaal compare`` makes it: 202 with the job;
    ``GET /api/jobs/{id}`` gives it once done (``compared.comparison``)."""
    return start_compare(state_of(request), session, body.kind, body.a, body.b).as_dict()


def _admin(session: accounts.Session) -> None:
    if not may_manage_users(session.user):
        raise HTTPException(403, "only an administrator manages users")


@router.get("/users", summary="Every user (administrators)")
def get_users(request: Request, session: ApiSession) -> list[dict[str, Any]]:
    _admin(session)
    return [u.as_dict() for u in accounts.list_users(state_of(request).store)]


@router.post("/users", summary="Add a user (administrators)", status_code=201)
def post_user(request: Request, session: ApiSession, body: NewUser) -> dict[str, Any]:
    _admin(session)
    password = body.password or accounts.generate_password()
    try:
        user = accounts.create_user(
            state_of(request).store,
            body.username,
            role=body.role,
            password=password,
            created_by=session.user.username,
            display_name=body.display_name,
            organisation=body.organisation,
        )
    except accounts.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    out: dict[str, Any] = {"user": user.as_dict()}
    if body.password is None:
        out["password"] = password
    return out


@router.patch("/users/{username}", summary="Change a user's role or access (administrators)")
def patch_user(
    request: Request, session: ApiSession, username: str, body: UserChange
) -> dict[str, Any]:
    _admin(session)
    try:
        user = accounts.update_user(
            state_of(request).store,
            username,
            role=body.role,
            organisation=body.organisation,
            active=body.active,
        )
    except accounts.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    return user.as_dict()
