"""What every route needs: the app's state, the signed-in user, the CSRF check, the language
and the page renderer."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Annotated, Any

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from vitaal.web.accounts import Session, session_of
from vitaal.web.i18n import LANGUAGES, translations
from vitaal.web.security import same_token
from vitaal.web.state import AppState

__all__ = [
    "SESSION_COOKIE",
    "NeedsLogin",
    "api_session",
    "check_csrf",
    "form_token",
    "lang_of",
    "optional_session",
    "page_session",
    "render",
    "state_of",
]

SESSION_COOKIE = "vitaal_session"
#: the token of forms sent before signing in (the sign-in form, the language switch)
ANON_COOKIE = "vitaal_csrf"
LANG_COOKIE = "vitaal_lang"


@lru_cache(maxsize=4)
def _environment(lang: str) -> jinja2.Environment:
    """One template environment per language (the translations are its globals)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vitaal.web", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["hours"] = _hours
    return env


def _hours(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g} h" if value < 48 else f"{value / 24:.1f} d"


class NeedsLogin(Exception):  # noqa: N818 - a signal, handled by a redirect to the sign-in page
    """A page was asked for without a session."""


def state_of(request: Request) -> AppState:
    state: AppState = request.app.state.vitaal
    return state


def optional_session(request: Request) -> Session | None:
    state = state_of(request)
    return session_of(
        state.store, request.cookies.get(SESSION_COOKIE), idle_h=state.config.session_idle_h
    )


def api_session(request: Request) -> Session:
    """The session of an API call; 401 without one, 403 for a write without its CSRF token."""
    session = optional_session(request)
    if session is None:
        raise HTTPException(401, "sign in first (POST /api/session)")
    if request.method not in ("GET", "HEAD", "OPTIONS") and not same_token(
        request.headers.get("x-csrf-token"), session.csrf
    ):
        raise HTTPException(403, "the X-CSRF-Token header must hold the session's csrf token")
    return session


def page_session(request: Request) -> Session:
    """The session of a page; without one the browser goes to the sign-in page."""
    session = optional_session(request)
    if session is None:
        raise NeedsLogin()
    return session


ApiSession = Annotated[Session, Depends(api_session)]
PageSession = Annotated[Session, Depends(page_session)]


def form_token(request: Request, session: Session | None) -> str:
    """The CSRF token a form of this page carries."""
    if session is not None:
        return session.csrf
    token = request.cookies.get(ANON_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(32)
        request.state.new_anon_token = token
    return token


def check_csrf(request: Request, session: Session | None, given: str | None) -> None:
    """403 unless a form's token is its session's (or, before signing in, its cookie's)."""
    expected = session.csrf if session is not None else request.cookies.get(ANON_COOKIE)
    if not same_token(given, expected):
        raise HTTPException(403, "the form's security token is missing or out of date")


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "en")
    return lang if lang in LANGUAGES else "en"


def secure(request: Request) -> bool:
    forced = state_of(request).config.secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def render(
    request: Request,
    template: str,
    session: Session | None,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> Response:
    """A page in the reader's language, with the form token and the signed-in user."""
    lang = lang_of(request)
    csrf = form_token(request, session)
    html = (
        _environment(lang)
        .get_template(template)
        .render(
            {
                "lang": lang,
                "csrf": csrf,
                "user": session.user if session else None,
                "path": request.url.path,
                **(context or {}),
            }
        )
    )
    response = HTMLResponse(html, status_code=status)
    new = getattr(request.state, "new_anon_token", None)
    if new is not None:
        response.set_cookie(
            ANON_COOKIE, new, httponly=True, samesite="strict", secure=secure(request), path="/"
        )
    return response
