"""``vitaal import-network``: a pandapower or pandapipes network as a model folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vitaal.cli.common import EXIT_ERROR, EXIT_PROBLEMS, err, format_notes, out
from vitaal.errors import ModelError, VitaalError
from vitaal.io import write_model
from vitaal.io.network_map import (
    NetworkImport,
    Unmapped,
    apply_network_map,
    read_network_map,
)

__all__ = ["format_unmapped", "import_network"]

#: Elements named per reason in the report before "and N more".
SHOWN = 5


def format_unmapped(unmapped: tuple[Unmapped, ...], shown: int = SHOWN) -> list[str]:
    """The report of what was not mapped, grouped by reason, as lines of text."""
    return format_notes("element(s) not mapped (or mapped in part)", unmapped, shown)


@click.command("import-network")
@click.argument("kind", type=click.Choice(["pandapower", "pandapipes"]))
@click.argument("source")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Model folder to write (must not exist or be empty).",
)
@click.option(
    "--prefix",
    default=None,
    help="Id prefix (default pp for pandapower, pp-gas / pp-heat for pandapipes).",
)
@click.option(
    "--map",
    "map_file",
    default=None,
    type=click.Path(exists=True, path_type=Path),
    help="Mapping file (YAML) with extra components, links and requirements.",
)
@click.option(
    "--crs",
    default=None,
    help="CRS of the model, e.g. EPSG:25832 (default: the UTM zone of the network).",
)
@click.option(
    "--source-crs",
    default=None,
    help="CRS of the network's coordinates when the "
    "file does not say (pandapipes junction_geodata, old pandapower bus_geodata).",
)
@click.option("--all", "show_all", is_flag=True, help="List every unmapped element.")
def import_network(
    kind: str,
    source: str,
    out_dir: Path,
    prefix: str | None,
    map_file: Path | None,
    crs: str | None,
    source_crs: str | None,
    show_all: bool,
) -> None:
    """Import a network as a model folder and list what could not be mapped.

    KIND is pandapower or pandapipes; SOURCE a JSON file of that package or the name of a
    bundled network: pandapower:mv_oberrhein, pandapower:lv_schutterwald,
    pandapipes:schutterwald_gas, pandapipes:schutterwald_heat ...
    """
    try:
        imp = _import(kind, source, prefix, crs, source_crs)
        model = imp.model
        if map_file is not None:
            model = apply_network_map(model, read_network_map(map_file))
        folder = write_model(model, out_dir)
    except ModelError as exc:
        for p in exc.problems:
            err.print(str(p), markup=False)
        err.print(f"{len(exc.problems)} problem(s)", markup=False)
        sys.exit(EXIT_PROBLEMS)
    except (VitaalError, FileNotFoundError, FileExistsError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_ERROR)
    n = len(model.components)
    out.print(
        f"{imp.source}: {n} components, {len(model.supply)} supply links, "
        f"CRS {model.info.crs} -> {folder}",
        markup=False,
    )
    shown = len(imp.unmapped) if show_all else SHOWN
    for line in format_unmapped(imp.unmapped, shown):
        out.print(line, markup=False)


def _import(
    kind: str, source: str, prefix: str | None, crs: str | None, source_crs: str | None
) -> NetworkImport:
    if kind == "pandapower":
        from vitaal.io.pandapower_net import import_pandapower

        return import_pandapower(source, prefix=prefix or "pp", crs=crs, source_crs=source_crs)
    from vitaal.io.pandapipes_net import import_pandapipes

    return import_pandapipes(source, prefix=prefix, crs=crs, source_crs=source_crs)
