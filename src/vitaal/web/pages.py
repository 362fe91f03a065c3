"""The pages: server-rendered HTML in Dutch or English, each form with its CSRF token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from vitaal.web import accounts, views
from vitaal.web.api import read_upload_body, set_session_cookie, sign_in
from vitaal.web.comparing import compare_choices, start_compare
from vitaal.web.dependencies import component_dependencies
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
from vitaal.web.plan_store import store_plan
from vitaal.web.rights import may_add, may_manage_users, may_run, may_store_plan
from vitaal.web.state import AppState
from vitaal.web.upload import TABLE_KINDS

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
    data["may_store_plan"] = may_store_plan(session.user)
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


@router.get("/components/new")
def new_component_form(request: Request, session: PageSession) -> Response:
    data = views.new_form(state_of(request), session, "components")
    return render(request, "new.html.j2", session, data)


@router.post("/components/new")
async def add_component_form(request: Request, session: PageSession) -> Response:
    return await _add(request, session, "components")


@router.get("/records/{kind}/new")
def new_record_form(request: Request, session: PageSession, kind: str) -> Response:
    data = views.new_form(state_of(request), session, kind)
    return render(request, "new.html.j2", session, data)


@router.post("/records/{kind}/new")
async def add_record_form(request: Request, session: PageSession, kind: str) -> Response:
    return await _add(request, session, kind)


def _page_of(kind: str, key: str) -> str:
    if kind == "components":
        return f"/components/{quote(key, safe='')}"
    return f"/records/{kind}/{quote(key, safe='')}"


async def _form_base(request: Request, session: accounts.Session) -> tuple[Any, int]:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf", "")))
    try:
        return form, int(str(form.get("base", "")))
    except ValueError:
        raise HTTPException(422, "base: expected the version the form was made to") from None


async def _add(request: Request, session: accounts.Session, kind: str) -> Response:
    """Add the record a form describes; the form again with the messages by field (422), or
    both versions (409) when someone added the same key since the form was made."""
    state = state_of(request)
    data = views.new_form(state, session, kind)
    form, base = await _form_base(request, session)
    fields = {name: str(form[name]) for name in data["editable"] if name in form}
    outcome = await run_in_threadpool(views.add_new, state, session, kind, base, fields)
    if outcome.version is not None:
        return _see(f"{_page_of(kind, outcome.key or '')}?saved={outcome.version}")
    if outcome.conflict is not None:
        new = "/components/new" if kind == "components" else f"/records/{kind}/new"
        page = {**data, "id": outcome.key, "action": new}
        return _edit_outcome(request, session, page, outcome, fields, base)
    return _edit_outcome(request, session, data, outcome, fields, base, form="new.html.j2")


def _remove_data(state: Any, session: accounts.Session, kind: str, key: str) -> dict[str, Any]:
    if kind == "components":
        data = views.component_data(state, session, key)
        return {**data, "kind": "components", "page_url": _page_of(kind, key)}
    return {**views.record_data(state, session, kind, key), "page_url": _page_of(kind, key)}


@router.get("/components/{component_id}/remove")
def remove_component_page(request: Request, session: PageSession, component_id: str) -> Response:
    return _remove_page(request, session, "components", component_id)


@router.post("/components/{component_id}/remove")
async def remove_component(request: Request, session: PageSession, component_id: str) -> Response:
    return await _remove(request, session, "components", component_id)


@router.get("/records/{kind}/{key}/remove")
def remove_record_page(request: Request, session: PageSession, kind: str, key: str) -> Response:
    return _remove_page(request, session, kind, key)


@router.post("/records/{kind}/{key}/remove")
async def remove_record(request: Request, session: PageSession, kind: str, key: str) -> Response:
    return await _remove(request, session, kind, key)


def _remove_page(request: Request, session: accounts.Session, kind: str, key: str) -> Response:
    """The confirmation: the record as it is, and a button that removes it as of this
    version."""
    data = _remove_data(state_of(request), session, kind, key)
    if not data["may_edit"]:
        raise HTTPException(403, "your role or organisation may not remove this record")
    return render(
        request, "remove.html.j2", session, {**data, "base": data["version"], "problems": []}
    )


async def _remove(request: Request, session: accounts.Session, kind: str, key: str) -> Response:
    state = state_of(request)
    _, base = await _form_base(request, session)
    outcome = await run_in_threadpool(views.remove, state, session, kind, key, base)
    if outcome.version is not None:
        back = "/components" if kind == "components" else "/audit"
        return _see(f"{back}?removed={outcome.version}")
    data = _remove_data(state, session, kind, key)
    if outcome.conflict is not None:
        return render(
            request,
            "conflict.html.j2",
            session,
            {
                **data,
                "conflicts": [c.as_dict() for c in outcome.conflict.conflicts],
                "latest": outcome.conflict.latest,
                "mine": {},
                "removal": True,
            },
            status=409,
        )
    return render(
        request,
        "remove.html.j2",
        session,
        {**data, "base": base, "problems": outcome.by_field(()).get("", [])},
        status=422,
    )


@router.get("/upload")
def upload_page(request: Request, session: PageSession) -> Response:
    if not may_add(session.user):
        raise HTTPException(403, "your role may not upload models or tables")
    state = state_of(request)
    return render(request, "upload.html.j2", session, _upload_data(state.latest()))


def _upload_data(base: int) -> dict[str, Any]:
    return {"base": base, "kinds": TABLE_KINDS, "error": None}


@router.post("/upload")
async def upload_file(request: Request, session: PageSession) -> Response:
    """Send an upload to a worker and show its progress, then its outcome (the job's page);
    the form again with the reason when it cannot be read at all."""
    form, base = await _form_base(request, session)
    try:
        file = form.get("file")
        if not isinstance(file, StarletteUpload):
            raise HTTPException(422, "file: found nothing, expected a model folder or a table")
        data = await read_upload_body(file)
        filename = file.filename or ""
        kind = str(form.get("kind", ""))[:40]
    finally:
        await form.close()
    state = state_of(request)
    try:
        job = views.upload(state, session, filename, data, base, kind)
    except HTTPException as exc:
        if exc.status_code != 422:
            raise
        page = {**_upload_data(base), "error": exc.detail}
        return render(request, "upload.html.j2", session, page, status=422)
    return _see(f"/jobs/{job.id}")


@router.get("/components/{component_id}")
def component_page(request: Request, session: PageSession, component_id: str) -> Response:
    data = views.component_data(state_of(request), session, component_id)
    return render(request, "component.html.j2", session, data)


@router.get("/components/{component_id}/dependencies")
def component_dependencies_page(
    request: Request, session: PageSession, component_id: str, depth: int = 2
) -> Response:
    data = component_dependencies(state_of(request), lang_of(request), component_id, depth)
    return render(request, "dependencies.html.j2", session, data)


@router.get("/dependencies")
def dependencies_of(session: PageSession, component: str = "", depth: int = 2) -> Response:
    """The picker on the map page: to the diagram of the component named."""
    return _see(
        f"/components/{quote(component.strip()[:1000], safe='')}/dependencies?depth={depth}"
    )


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
    form: str = "edit.html.j2",
) -> Response:
    """The form (``form``) again with its problems (422), or both versions to choose from
    (409)."""
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
        form,
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
    data = views.audit_data(state_of(request), version, kind[:40], key[:1000], session=session)
    return render(
        request,
        "audit.html.j2",
        session,
        {**data, "version": version, "kind": kind, "key": key},
    )


@router.get("/intake")
def intake_page(request: Request, session: PageSession) -> Response:
    data = views.intake_choices(state_of(request), session, lang_of(request))
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
    data = views.intake_choices(state, session, lang_of(request))
    return render(
        request,
        "intake.html.j2",
        session,
        {**data, "fields": fields, "errors": started.by_field(fields=INTAKE_FIELDS)},
        status=422,
    )


@router.post("/intake/{job_id}/store")
def store_intake_plan(
    request: Request,
    session: PageSession,
    job_id: str,
    csrf: Token,
    plan_id: Annotated[str, Form(alias="id", max_length=200)],
) -> Response:
    """Bring a checked plan to the table: a new version with the plan; then its audit entry."""
    check_csrf(request, session, csrf)
    stored = store_plan(state_of(request), session, job_id, plan_id)
    return _see(f"/audit?version={stored['version']}&kind=plans&key={quote(stored['id'], safe='')}")


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
    data = views.compare_versions(state, first, second, session)
    return render(request, "compare.html.j2", session, _compare_form(state, session, data))


def _compare_form(
    state: AppState, session: accounts.Session, data: dict[str, Any], error: str | None = None
) -> dict[str, Any]:
    """The compare page's forms: what can be compared by results, and whether the user may."""
    return {
        **data,
        "choices": compare_choices(state),
        "may_run": may_run(session.user),
        "run_error": error,
    }


@router.post("/compare/run")
def run_compare_page(
    request: Request,
    session: PageSession,
    csrf: Token,
    kind: Annotated[str, Form(max_length=20)],
    a: Annotated[str, Form(max_length=1000)],
    b: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Compare two scenarios, plans or versions by their results in a worker; the page of the
    run shows its progress, then the comparison."""
    check_csrf(request, session, csrf)
    state = state_of(request)
    try:
        job = start_compare(state, session, kind, a, b)
    except HTTPException as exc:
        if exc.status_code != 422:
            raise
        latest = state.latest()
        data = views.compare_versions(state, max(1, latest - 1), latest, session)
        form = _compare_form(state, session, data, str(exc.detail))
        return render(request, "compare.html.j2", session, form, status=422)
    return _see(f"/jobs/{job.id}")


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
