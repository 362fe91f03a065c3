"""People of the web app: users with a role, passwords hashed with Argon2id, server-side
sessions, and a limit on failed sign-ins.

The tables live in the store's database (``web_users``, ``web_sessions``; migration 0003).
A session's cookie holds a random token; the database keeps only its SHA-256, so a copy of the
database does not let anyone sign in. Passwords are hashed with Argon2id (``argon2-cffi``'s
defaults: 3 passes over 64 MiB).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update

from vitaal.errors import StoreError, VitaalError
from vitaal.store import ModelStore
from vitaal.store.schema import ROLES, web_sessions, web_users

__all__ = [
    "MIN_PASSWORD",
    "ROLES",
    "AccountError",
    "LoginLimiter",
    "Session",
    "User",
    "authenticate",
    "count_users",
    "create_user",
    "end_session",
    "generate_password",
    "list_users",
    "session_of",
    "set_password",
    "start_session",
    "update_user",
]

#: The shortest password a person may choose.
MIN_PASSWORD = 12
_MAX_NAME = 100
_HASHER = PasswordHasher()
#: verified against when a user name is unknown, so that both take as long
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
#: a session's ``seen_at`` is written at most this often (reads do not write)
_LOG = logging.getLogger(__name__)
_TOUCH_EVERY = timedelta(minutes=5)


class AccountError(VitaalError):
    """A user or password that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    organisation: str | None
    active: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "organisation": self.organisation,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: who, and the token its forms must carry."""

    id: str
    user: User
    csrf: str


def generate_password() -> str:
    """A new random password (20 characters of ``[A-Za-z0-9_-]``, 120 bits)."""
    return secrets.token_urlsafe(15)


def _check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"password: expected at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise AccountError("password: expected at most 1000 characters")
    return password


def _check_user_fields(username: str, role: str, organisation: str | None) -> None:
    if not username or len(username) > _MAX_NAME or not username.isprintable():
        raise AccountError(f"user name: expected 1 to {_MAX_NAME} printable characters")
    if username != username.strip():
        raise AccountError("user name: expected no spaces around it")
    if role not in ROLES:
        raise AccountError(f"role: found '{role}', expected one of {', '.join(ROLES)}")
    if role == "system_owner" and not (organisation or "").strip():
        raise AccountError("organisation: a system owner speaks for an organisation; name it")


def _user(row: object) -> User:
    return User(
        id=int(row.id),  # type: ignore[attr-defined]
        username=str(row.username),  # type: ignore[attr-defined]
        display_name=str(row.display_name),  # type: ignore[attr-defined]
        role=str(row.role),  # type: ignore[attr-defined]
        organisation=row.organisation,  # type: ignore[attr-defined]
        active=bool(row.active),  # type: ignore[attr-defined]
    )


def create_user(
    store: ModelStore,
    username: str,
    *,
    role: str,
    password: str,
    created_by: str,
    display_name: str | None = None,
    organisation: str | None = None,
) -> User:
    """Add a user; :class:`AccountError` for a name taken, a role unknown or a short password."""
    _check_user_fields(username, role, organisation)
    digest = _HASHER.hash(_check_password(password))
    with store.transaction("add a user", write=True) as conn:
        if conn.execute(select(web_users.c.id).where(web_users.c.username == username)).first():
            raise AccountError(f"user name: '{username}' is taken")
        conn.execute(
            web_users.insert().values(
                username=username,
                display_name=(display_name or username).strip() or username,
                role=role,
                organisation=(organisation or "").strip() or None,
                password_hash=digest,
                active=True,
                created_at=datetime.now(UTC),
                created_by=created_by,
            )
        )
        row = conn.execute(select(web_users).where(web_users.c.username == username)).one()
    return _user(row)


def count_users(store: ModelStore) -> int:
    with store.transaction("count the users") as conn:
        return int(conn.execute(select(func.count()).select_from(web_users)).scalar() or 0)


def list_users(store: ModelStore) -> list[User]:
    with store.transaction("list the users") as conn:
        rows = conn.execute(select(web_users).order_by(web_users.c.username)).all()
    return [_user(r) for r in rows]


def update_user(
    store: ModelStore,
    username: str,
    *,
    role: str | None = None,
    organisation: str | None = None,
    active: bool | None = None,
) -> User:
    """Change a user's role, organisation or whether they may sign in; a user who may no
    longer sign in loses every session."""
    with store.transaction("change a user", write=True) as conn:
        row = conn.execute(select(web_users).where(web_users.c.username == username)).first()
        if row is None:
            raise AccountError(f"user name: no user '{username}'")
        new_role = role if role is not None else str(row.role)
        new_org = organisation if organisation is not None else row.organisation
        _check_user_fields(username, new_role, new_org)
        values: dict[str, object] = {"role": new_role, "organisation": new_org or None}
        if active is not None:
            values["active"] = active
        conn.execute(update(web_users).where(web_users.c.id == row.id).values(**values))
        # rights change at once: the user signs in again
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == row.id))
        row = conn.execute(select(web_users).where(web_users.c.id == row.id)).one()
    return _user(row)


def set_password(store: ModelStore, username: str, password: str) -> None:
    """Give a user a new password and end their sessions."""
    digest = _HASHER.hash(_check_password(password))
    with store.transaction("change a password", write=True) as conn:
        uid = conn.execute(select(web_users.c.id).where(web_users.c.username == username)).scalar()
        if uid is None:
            raise AccountError(f"user name: no user '{username}'")
        conn.execute(update(web_users).where(web_users.c.id == uid).values(password_hash=digest))
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == uid))


def authenticate(store: ModelStore, username: str, password: str) -> User | None:
    """The active user with this name and password, else ``None`` (the same time either way)."""
    with store.transaction("sign in") as conn:
        row = conn.execute(select(web_users).where(web_users.c.username == username)).first()
    digest = str(row.password_hash) if row is not None else _DUMMY_HASH
    try:
        _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    return _user(row)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(store: ModelStore, user: User, *, max_h: float) -> tuple[str, Session]:
    """A new session for ``user``: the token for the cookie and the session."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session = Session(_token_id(token), user, secrets.token_urlsafe(32))
    with store.transaction("start a session", write=True) as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
        conn.execute(
            web_sessions.insert().values(
                id=session.id,
                user_id=user.id,
                csrf=session.csrf,
                created_at=now,
                seen_at=now,
                expires_at=now + timedelta(hours=max_h),
            )
        )
    return token, session


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def session_of(store: ModelStore, token: str | None, *, idle_h: float) -> Session | None:
    """The live session of a cookie's token (``None``: none, ended, idle too long, or its user
    may no longer sign in)."""
    if not token or len(token) > 200:
        return None
    sid = _token_id(token)
    now = datetime.now(UTC)
    with store.transaction("read a session") as conn:
        row = conn.execute(
            select(web_sessions, web_users)
            .join(web_users, web_users.c.id == web_sessions.c.user_id)
            .where(web_sessions.c.id == sid)
        ).first()
    if row is None or not row.active:
        return None
    seen = _utc(row.seen_at)
    if _utc(row.expires_at) <= now or seen + timedelta(hours=idle_h) <= now:
        _drop(store, sid)
        return None
    if now - seen > _TOUCH_EVERY:
        try:
            with store.transaction("keep a session", write=True) as conn:
                conn.execute(
                    update(web_sessions).where(web_sessions.c.id == sid).values(seen_at=now)
                )
        except StoreError:
            # the time last seen is kept at most every few minutes and the next request
            # tries again: a store busy with a long write (an edit of a large model held
            # SQLite's lock beyond its 30 s busy timeout under load) must not refuse the page
            _LOG.warning("session last seen not kept: the store is busy")
    user = User(
        id=int(row.user_id),
        username=str(row.username),
        display_name=str(row.display_name),
        role=str(row.role),
        organisation=row.organisation,
    )
    return Session(sid, user, str(row.csrf))


def _drop(store: ModelStore, sid: str) -> None:
    with store.transaction("end a session", write=True) as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.id == sid))


def end_session(store: ModelStore, session: Session) -> None:
    _drop(store, session.id)


class LoginLimiter:
    """At most ``limit`` failed sign-ins per user name and per client address within
    ``window_s`` seconds; further tries are refused without checking the password until the
    oldest failure leaves the window. Kept in the server's memory (one process)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self._limit = limit
        self._window = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self._window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> float:
        """Seconds until a sign-in for these keys may be tried (0: now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self._limit:
                    wait = max(wait, q[0] + self._window - now)
        return wait

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)
