"""Bad input to the API, bounded: random path parameters, query values and JSON bodies to
every endpoint (as an administrator, with the CSRF token) end in an answer below 500 with a
JSON body, never a server error. A short run (hypothesis, 40 inputs per endpoint)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import Client

ENDPOINTS = [
    ("POST", "/api/register"),
    ("POST", "/api/scenarios/{}/runs"),
    ("GET", "/api/jobs/{}"),
    ("POST", "/api/plans/intake"),
    ("GET", "/api/components"),
    ("GET", "/api/components/{}"),
    ("GET", "/api/map/features/{}"),
    ("PUT", "/api/components/{}"),
    ("POST", "/api/components"),
    ("DELETE", "/api/components/{}"),
    ("POST", "/api/records/{}"),
    ("DELETE", "/api/records/supply/{}"),
    ("POST", "/api/uploads"),
    ("GET", "/api/audit"),
    ("GET", "/api/compare"),
    ("POST", "/api/users"),
    ("PATCH", "/api/users/{}"),
    ("POST", "/api/session"),
]

_text = st.text(max_size=40)
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    _text,
)
_json = st.recursive(
    _scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=4)),
    max_leaves=12,
)
# bodies shaped like the real ones now and then, with values of any type
_fields = st.sampled_from(
    [
        "decision",
        "status",
        "note",
        "base",
        "fields",
        "username",
        "role",
        "password",
        "organisation",
        "active",
        "condition",
        "name",
        "subsystem",
        "capacity",
    ]
)
_body = st.one_of(_json, st.dictionaries(_fields, _json, max_size=5))
_path = st.one_of(
    st.sampled_from(["ss-1", "gs-1", "flood", "ada", "x", "supply", "gs-1>ss-2|electricity"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
)
_query = st.dictionaries(
    st.sampled_from(["q", "system", "limit", "version", "kind", "key", "a", "b", "base"]),
    st.one_of(_text, st.integers(-(2**40), 2**40).map(str)),
    max_size=4,
)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_server_error(
    clients: dict[str, Client], analysed: dict[str, Any], app: FastAPI, method: str, path: str
) -> None:
    admin = clients["ada"]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(part=_path, query=_query, body=_body)
    def check(part: str, query: dict[str, str], body: Any) -> None:
        url = path.format(quote(part, safe=""))
        r = admin.write(method, url, params=query, json=body)
        assert r.status_code < 500, (method, url, query, body, r.text)
        assert isinstance(r.json(), dict | list), r.text

    check()
