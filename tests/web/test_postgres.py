"""The web app on PostgreSQL, as on SQLite: users, sessions, the register and its chain, an
edit and the second editor's conflict (the store's tests cover both backends the same way)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import make_store, sign_in
from vitaal.web import WebConfig, create_app
from vitaal.web.register import verify_register

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_app(pg_server: Any) -> Iterator[FastAPI]:
    url = pg_server.create_database()
    store = make_store(url)
    app = create_app(WebConfig(db_url=url, workers="thread"), store)
    try:
        with TestClient(app):
            yield app
    finally:
        store.close()
        pg_server.drop_database(url)


def test_register_and_edits_on_postgres(pg_app: FastAPI) -> None:
    ann, gus = sign_in(pg_app, "ann"), sign_in(pg_app, "gus")
    while (r := ann.get("/api/decisions")).status_code == 202:
        time.sleep(0.1)
    assert r.json()["items"][0]["id"] == "decision:replacement:gs-1"
    for status in ("deferred", "taken"):
        body = {"decision": "decision:replacement:gs-1", "status": status}
        assert ann.write("POST", "/api/register", json=body).status_code == 201
    assert verify_register(pg_app.state.vitaal.store) == []
    entries = ann.get("/api/register").json()["entries"]
    assert [e["status"] for e in entries] == ["taken", "deferred"]

    base = ann.get("/api/components/ss-1").json()["version"]
    one = ann.write(
        "PUT", "/api/components/ss-1", json={"base": base, "fields": {"condition": "5"}}
    )
    assert one.status_code == 200
    two = gus.write(
        "PUT", "/api/components/ss-1", json={"base": base, "fields": {"condition": "1"}}
    )
    assert two.status_code == 409
    conflict = two.json()["conflicts"][0]
    assert (conflict["base"]["condition"], conflict["theirs"]["condition"]) == (2, 5)
    assert conflict["yours"]["condition"] == 1
    assert conflict["their_author"] == "ann"
