"""The web app's defences in the response: security headers with a content security policy
that lets the page load only what the app itself serves and run no inline script, and the
check of the CSRF token that every form and every API write carries."""

from __future__ import annotations

import hmac

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

__all__ = ["CSP", "SecurityHeaders", "content_policy", "same_token"]


def content_policy(images_from: str | None = None) -> str:
    """The content security policy: everything from the app itself; no inline script, no
    inline style, no frames, no plugins. ``images_from``: one more origin
    (``https://tiles.example.org``) pictures may come from, the city's tile server for the
    map's base map; for images only."""
    img = "'self' data:" + (f" {images_from}" if images_from else "")
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {img}; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'"
    )


#: the policy without a base map
CSP = content_policy()

_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds the security headers to every response; pages and API answers are not cached
    (they show one person's view), the app's own scripts and styles may be."""

    def __init__(self, app: ASGIApp, csp: str = CSP) -> None:
        super().__init__(app)
        self.headers = {**_HEADERS, "Content-Security-Policy": csp}

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether a submitted CSRF token is the expected one (compared in constant time)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
