"""The store's own commands: ``vitaal log``, ``vitaal audit verify``, ``vitaal backup`` and
``vitaal restore``. Their output is plain text (model text is never read as markup)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from vitaal.cli.common import EXIT_PROBLEMS, handle_errors
from vitaal.cli.sources import db_url
from vitaal.settings import Settings

_DB_HELP = "Database URL (default: $VITAAL_DB or sqlite:///vitaal.db)."


def _url(db: str | None) -> str:
    return db_url(db or Settings().db)


def _plain(value: object) -> str:
    """Text from the store as it may reach a terminal: control characters (escape sequences
    among them) shown as escapes, never sent."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))


@click.command()
@click.option("--db", "db", default=None, help=_DB_HELP)
@click.option("--audit", "with_audit", is_flag=True, help="List each version's audit entries too.")
@click.option("--version", "version", type=int, default=None, help="Only this version.")
@click.option("--kind", default=None, help="Only audit entries of this record kind.")
@click.option("--key", default=None, help="Only audit entries of this record key.")
@click.option("--json", "as_json", is_flag=True, help="Print versions and entries as JSON.")
@handle_errors
def log(
    db: str | None,
    with_audit: bool,
    version: int | None,
    kind: str | None,
    key: str | None,
    as_json: bool,
) -> None:
    """List the versions in a store, newest first, and with --audit what each one did."""
    from vitaal.store import open_store

    show_audit = with_audit or kind is not None or key is not None
    with open_store(_url(db)) as store:
        listed = store.versions()
        entries = store.audit(version, kind, key) if show_audit else []
    if version is not None:
        listed = [v for v in listed if v.number == version]
    if as_json:
        doc: dict[str, Any] = {"versions": [v.as_dict() for v in listed]}
        if show_audit:
            doc["audit"] = [e.as_dict() for e in entries]
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if not listed:
        click.echo("the store holds no versions")
        return
    by_version: dict[int, list[Any]] = {}
    for e in entries:
        by_version.setdefault(e.version, []).append(e)
    for v in reversed(listed):
        when = v.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(
            f"version {v.number}  {when}  {_plain(v.author)}  "
            f"+{v.added} ~{v.changed} -{v.removed}"
            f"  {(v.hash or 'no hash')[:16]}"
        )
        if v.message:
            click.echo(f"    {_plain(v.message)}")
        for e in by_version.get(v.number, []):
            click.echo(f"    {e.action:<6} {e.kind} {_plain(e.key)}")


@click.group(name="audit")
def audit_group() -> None:
    """Check the store's audit trail."""


@audit_group.command()
@click.option("--db", "db", default=None, help=_DB_HELP)
@click.option(
    "--expect",
    default=None,
    help="A version hash kept elsewhere (from an earlier verify) that the chain must hold.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@handle_errors
def verify(db: str | None, expect: str | None, as_json: bool) -> None:
    """Check every version, record and audit row against the hash chain.

    Names each row changed, removed, inserted or back-dated behind the store's back. Exits 0
    when the chain is intact and 2 when something was found.
    """
    from vitaal.store import open_store

    with open_store(_url(db)) as store:
        result = store.verify(expect=expect)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        for finding in result.findings:
            click.echo(_plain(finding))
        counts = (
            f"{result.versions} versions, {result.records} record rows, "
            f"{result.audit} audit entries"
        )
        if result.ok:
            head = (
                "no versions"
                if result.head_version is None
                else f"newest: version {result.head_version}, hash {result.head}"
            )
            click.echo(f"the audit trail is intact: {counts}; {head}")
        else:
            click.echo(f"{len(result.findings)} finding(s) in {counts}", err=True)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", "db", default=None, help=_DB_HELP)
@handle_errors
def backup(file: Path, db: str | None) -> None:
    """Write the whole store (every version, record and audit row) to FILE.

    FILE holds JSON lines, gzip-compressed when its name ends in .gz; `vitaal restore`
    reads it into an empty SQLite or PostgreSQL store.
    """
    from vitaal.store import open_store

    url = _url(db)
    with open_store(url) as store:
        header = store.backup(file)
    counts = header["counts"]
    head = header["head"]
    newest = "no versions" if head is None else f"newest version {head['version']}"
    click.echo(
        f"wrote {counts['versions']} versions, {counts['records']} record rows and "
        f"{counts['audit']} audit entries of {url} to {file} ({newest})"
    )


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", "db", default=None, help=_DB_HELP)
@handle_errors
def restore(file: Path, db: str | None) -> None:
    """Restore a backup FILE into an empty store (all or nothing, verified)."""
    from vitaal.store import open_store

    url = _url(db)
    with open_store(url) as store:
        result = store.restore(file)
    click.echo(
        f"restored {result.versions} versions, {result.records} record rows and "
        f"{result.audit} audit entries into {url}; the chain verifies "
        f"(newest: version {result.head_version}, hash {result.head})"
    )
