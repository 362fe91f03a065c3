"""The pages: server-rendered HTML in Dutch or English, each form with its CSRF token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitaal.web import accounts, views
from vitaal.web.api import set_session_cookie, sign_in
from vitaal.web.deps import (
    LANG_COOKIE,
    SESSION_COOKIE,
    PageSession,
    check_csrf,
    lang_of,
    optional_session,
    render,
    secure,
    state_of,
)
from vitaal.web.editing import EDITABLE, Outcome
from vitaal.web.i18n import LANGUAGES
from vitaal.web.intake import FIELDS as INTAKE_FIELDS
from vitaal.web.jobs import Job
from vitaal.web.rights import may_manage_users

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=4000)]
Token = Annotated[str, Form(alias="csrf", max_length=200)]


def _back(path: str) -> str:
    """A local path to return to (never another site)."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
def home() -> Response:
    return _see("/decisions")


@router.get("/login")
def login_page(request: Request, next: str = "/decisions") -> Response:
    return render(request, "login.html.j2", None, {"next": _back(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    csrf: Token,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/decisions",
) -> Response:
    check_csrf(request, None, csrf)
    try:
        token, _ = sign_in(request, username, password)
    except HTTPException as exc:
        return render(
            request,
            "login.html.j2",
            None,
            {"next": _back(next), "error": exc.status_code},
            status=exc.status_code,
        )
    response = _see(_back(next))
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(request: Request, session: PageSession, csrf: Token) -> Response:
    check_csrf(request, session, csrf)
    accounts.end_session(state_of(request).store, session)
    response = _see("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang")
def switch_language(
    request: Request,
    csrf: Token,
    lang: Annotated[str, Form(max_length=5)],
    back: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    check_csrf(request, optional_session(request), csrf)
    response = _see(_back(back))
    if lang in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, lang, samesite="strict", secure=secure(request), path="/", httponly=True
        )
    return response


@router.get("/decisions")
def decisions_page(request: Request, session: PageSession, all: bool = False) -> Response:
    data = views.decisions_data(state_of(request), session, lang_of(request), first_page=not all)
    data["all"] = all
    return render(request, "decisions.html.j2", session, data)


@router.post("/register")
def register_decision(
    request: Request,
    session: PageSession,
    csrf: Token,
    decision: Annotated[str, Form(max_length=1000)],
    status: Annotated[str, Form(max_length=10)],
    note: Text = "",
) -> Response:
    check_csrf(request, session, csrf)
    views.record_decision(state_of(request), session, decision, status, note)
    return _see(f"/decisions?all=1#{quote(decision, safe='')}")


@router.get("/register")
def register_page(request: Request, session: PageSession) -> Response:
    data = views.register_data(state_of(request), lang_of(request))
    return render(request, "register.html.j2", session, data)


@router.get("/scenarios")
def scenarios_page(request: Request, session: PageSession) -> Response:
    scenarios = views.scenario_list(state_of(request), lang_of(request))
    return render(request, "scenarios.html.j2", session, {"scenarios": scenarios})


@router.post("/scenarios/{scenario_id}/run")
def run_scenario_page(
    request: Request, session: PageSession, scenario_id: str, csrf: Token
) -> Response:
    check_csrf(request, session, csrf)
    job = views.start_scenario(state_of(request), session, scenario_id)
    return _see(f"/jobs/{job.id}")


@router.get("/jobs/{job_id}")
def job_page(request: Request, session: PageSession, job_id: str) -> Response:
    job = state_of(request).runner.get(job_id)
    if job is None:
        raise HTTPException(404, "no such run (finished runs are kept for a while)")
    lang = lang_of(request)
    data = views.job_data(job, lang)
    data["figures"] = views.scenario_figures_of(state_of(request), session, job, lang)
    return render(request, "job.html.j2", session, data)


@router.get("/map")
def map_page(request: Request, session: PageSession) -> Response:
    data = views.map_data_of(state_of(request), session, lang_of(request))
    return render(request, "map.html.j2", session, data)


@router.get("/components")
def components_page(
    request: Request, session: PageSession, q: str = "", system: str = ""
) -> Response:
    data = views.component_list(state_of(request), session, q[:200], system[:200])
    return render(request, "components.html.j2", session, {**data, "q": q, "system": system})


@router.get("/components/{component_id}")
def component_page(request: Request, session: PageSession, component_id: str) -> Response:
    data = views.component_data(state_of(request), session, component_id)
    return render(request, "component.html.j2", session, data)


@router.get("/components/{component_id}/edit")
def component_form(request: Request, session: PageSession, component_id: str) -> Response:
    data = views.component_data(state_of(request), session, component_id)
    if not data["may_edit"]:
        raise HTTPException(403, "your role or organisation may not edit this component")
    return render(request, "edit.html.j2", session, {**data, "base": data["version"], "errors": {}})


@router.post("/components/{component_id}/edit")
async def save_component_form(
    request: Request, session: PageSession, component_id: str
) -> Response:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf", "")))
    try:
        base = int(str(form.get("base", "")))
    except ValueError:
        raise HTTPException(422, "base: expected the version the form was made to") from None
    fields = {name: str(form[name]) for name in EDITABLE if name in form}
    state = state_of(request)
    outcome = await run_in_threadpool(
        views.edit_component, state, session, component_id, base, fields
    )
    if outcome.version is not None:
        return _see(f"/components/{quote(component_id, safe='')}?saved={outcome.version}")
    data = views.component_data(state, session, component_id)
    return _edit_outcome(request, session, data, outcome, fields, base)


@router.get("/records/{kind}/{key}")
def record_page(request: Request, session: PageSession, kind: str, key: str) -> Response:
    data = views.record_data(state_of(request), session, kind, key)
    return render(request, "record.html.j2", session, data)


@router.get("/records/{kind}/{key}/edit")
def record_form(request: Request, session: PageSession, kind: str, key: str) -> Response:
    data = views.record_data(state_of(request), session, kind, key)
    if not data["may_edit"]:
        raise HTTPException(403, "your role or organisation may not edit this record")
    return render(request, "edit.html.j2", session, {**data, "base": data["version"], "errors": {}})


@router.post("/records/{kind}/{key}/edit")
async def save_record_form(request: Request, session: PageSession, kind: str, key: str) -> Response:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf", "")))
    try:
        base = int(str(form.get("base", "")))
    except ValueError:
        raise HTTPException(422, "base: expected the version the form was made to") from None
    state = state_of(request)
    data = views.record_data(state, session, kind, key)
    fields = {name: str(form[name]) for name in data["editable"] if name in form}
    outcome = await run_in_threadpool(views.edit_record, state, session, kind, key, base, fields)
    if outcome.version is not None:
        return _see(f"/records/{kind}/{quote(key, safe='')}?saved={outcome.version}")
    return _edit_outcome(request, session, data, outcome, fields, base)


def _edit_outcome(
    request: Request,
    session: accounts.Session,
    data: dict[str, Any],
    outcome: Outcome,
    fields: dict[str, str],
    base: int,
) -> Response:
    """The form again with its problems (422), or both versions to choose from (409)."""
    if outcome.conflict is not None:
        return render(
            request,
            "conflict.html.j2",
            session,
            {
                **data,
                "conflicts": [c.as_dict() for c in outcome.conflict.conflicts],
                "latest": outcome.conflict.latest,
                "mine": fields,
            },
            status=409,
        )
    return render(
        request,
        "edit.html.j2",
        session,
        {
            **data,
            "fields": {**data["fields"], **fields},
            "base": base,
            "errors": outcome.by_field(tuple(data["editable"])),
        },
        status=422,
    )


@router.get("/audit")
def audit_page(
    request: Request,
    session: PageSession,
    version: int | None = None,
    kind: str = "",
    key: str = "",
) -> Response:
    data = views.audit_data(state_of(request), version, kind[:40], key[:1000])
    return render(
        request,
        "audit.html.j2",
        session,
        {**data, "version": version, "kind": kind, "key": key},
    )


@router.get("/intake")
def intake_page(request: Request, session: PageSession) -> Response:
    data = views.intake_choices(state_of(request), lang_of(request))
    return render(request, "intake.html.j2", session, data)


@router.post("/intake")
async def intake_submit(request: Request, session: PageSession) -> Response:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf", "")))
    fields: dict[str, Any] = {name: str(form.get(name, "")) for name in INTAKE_FIELDS}
    fields["areas"] = [str(a) for a in form.getlist("areas")]
    state = state_of(request)
    started = await run_in_threadpool(views.start_intake, state, session, fields)
    if isinstance(started, Job):
        return _see(f"/jobs/{started.id}")
    data = views.intake_choices(state, lang_of(request))
    return render(
        request,
        "intake.html.j2",
        session,
        {**data, "fields": fields, "errors": started.by_field(fields=INTAKE_FIELDS)},
        status=422,
    )


@router.get("/report/{lang}")
def report_page(
    request: Request,
    session: PageSession,
    lang: str,
    version: int | None = None,
    format: str = "html",
) -> Response:
    """The report (``format`` html or pdf) or the result exports (xlsx, gpkg, csv) to save;
    while it is written, its progress (the page reloads itself)."""
    job = views.download_job(state_of(request), session, format, lang, version)
    file = views.download(job, format) if job.status == "done" else None
    if file is not None:
        return file
    return render(request, "job.html.j2", session, views.job_data(job, lang_of(request)))


@router.get("/subsystems")
def subsystems_page(request: Request, session: PageSession) -> Response:
    data = views.subsystems_data(state_of(request), session, lang_of(request))
    return render(request, "subsystems.html.j2", session, data)


@router.get("/subsystems/{subsystem_id}")
def subsystem_page(request: Request, session: PageSession, subsystem_id: str) -> Response:
    data = views.subsystems_data(state_of(request), session, lang_of(request), subsystem_id)
    return render(request, "subsystem.html.j2", session, data)


@router.get("/compare")
def compare_page(
    request: Request, session: PageSession, a: int | None = None, b: int | None = None
) -> Response:
    state = state_of(request)
    latest = state.latest()
    first = a if a is not None else max(1, latest - 1)
    second = b if b is not None else latest
    data = views.compare_versions(state, first, second)
    return render(request, "compare.html.j2", session, data)


@router.get("/users")
def users_page(request: Request, session: PageSession) -> Response:
    if not may_manage_users(session.user):
        raise HTTPException(403, "only an administrator manages users")
    users = accounts.list_users(state_of(request).store)
    return render(request, "users.html.j2", session, {"users": users, "created": None})


@router.post("/users")
def add_user(
    request: Request,
    session: PageSession,
    csrf: Token,
    username: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)],
    organisation: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, session, csrf)
    if not may_manage_users(session.user):
        raise HTTPException(403, "only an administrator manages users")
    password = accounts.generate_password()
    store = state_of(request).store
    try:
        accounts.create_user(
            store,
            username.strip(),
            role=role,
            password=password,
            created_by=session.user.username,
            organisation=organisation or None,
        )
    except accounts.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    return render(
        request,
        "users.html.j2",
        session,
        {"users": accounts.list_users(store), "created": (username.strip(), password)},
    )
