"""``vitaal serve``: the web app for the vital-systems table."""

from __future__ import annotations

import click

from vitaal.cli.common import handle_errors
from vitaal.cli.sources import db_url
from vitaal.settings import Settings


@click.command()
@click.option(
    "--db", "db", default=None, help="Database URL (default: $VITAAL_DB or sqlite:///vitaal.db)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--example",
    default="rotterdam",
    show_default=True,
    help="Bundled example imported when the store is empty ('' for none).",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Send cookies over HTTPS only (default: when the request came over HTTPS; set it "
    "behind a proxy that ends TLS).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes for analyses and scenario runs.",
)
@click.option(
    "--tiles",
    default=None,
    metavar="URL_TEMPLATE",
    help="The city's own tile server for a base map under the map (default: $VITAAL_TILES, "
    "else none): https://host/{z}/{x}/{y}.png, or a WMS GetMap address with {bbox} in the "
    "model's coordinates, {width} and {height}. Pages may then load images from that host.",
)
@handle_errors
def serve(
    db: str | None,
    host: str,
    port: int,
    example: str,
    secure_cookies: bool | None,
    workers: int,
    tiles: str | None,
) -> None:
    """Start the web app on the store: decisions, register, scenarios, components, audit.

    On first start it imports the bundled example into an empty store and makes an
    administrator 'admin' whose password it prints once.
    """
    import warnings

    import uvicorn
    from pydantic.warnings import UnsupportedFieldAttributeWarning

    # pydantic 2.12 warns about the alias FastAPI gives every form and body parameter,
    # which does take effect (pydantic/pydantic#12356): not for the server's log
    warnings.filterwarnings("ignore", category=UnsupportedFieldAttributeWarning)

    from vitaal.store import open_store
    from vitaal.web import WebConfig, create_app
    from vitaal.web.setup import first_administrator, import_example

    settings = Settings()
    url = db_url(db or settings.db)
    store = open_store(url)
    if example:
        number = import_example(store, example, author="vitaal serve")
        if number is not None:
            click.echo(f"imported example:{example} as version {number} into {store.url}")
    admin = first_administrator(store)
    if admin is not None:
        click.echo(
            f"first administrator: user name '{admin[0]}', password {admin[1]}\n"
            "  (shown this once: keep it, then add people under Users)"
        )
    config = WebConfig(
        db_url=url,
        secure_cookies=secure_cookies,
        max_workers=workers,
        tiles=tiles if tiles is not None else settings.tiles,
    )
    app = create_app(config, store)
    click.echo(f"vitaal serves {store.url} on http://{host}:{port}/ (Ctrl+C stops it)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
    finally:
        store.close()
