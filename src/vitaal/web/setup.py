"""The first start of the web app: the bundled example in an empty store, and a first
administrator whose password is generated and shown once."""

from __future__ import annotations

from vitaal.store import ModelStore
from vitaal.web import accounts

__all__ = ["first_administrator", "import_example"]

FIRST_ADMIN = "admin"


def import_example(store: ModelStore, name: str, *, author: str) -> int | None:
    """Import the bundled example ``name`` when the store holds no version; its version
    number, or ``None`` when the store held one already."""
    if store.latest_version() is not None:
        return None
    from vitaal.examples import example_path
    from vitaal.io.folder import read_model

    model = read_model(example_path(name))
    return store.import_model(model, author=author, message=f"example:{name} for vitaal serve")


def first_administrator(store: ModelStore) -> tuple[str, str] | None:
    """When the store has no user yet: an administrator ``admin`` with a new random password,
    as (user name, password); the password is kept only as its hash. ``None`` otherwise."""
    if accounts.count_users(store) > 0:
        return None
    password = accounts.generate_password()
    accounts.create_user(
        store,
        FIRST_ADMIN,
        role="administrator",
        password=password,
        created_by="vitaal serve",
        display_name="Administrator",
    )
    return FIRST_ADMIN, password
