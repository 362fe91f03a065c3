"""``vitaal import-epanet``, ``vitaal gis-export`` and ``vitaal gis-import``."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from vitaal.cli.common import err, format_notes, handle_errors, out
from vitaal.cli.sources import load, parse_source
from vitaal.errors import ModelError, Severity, VitaalError
from vitaal.io.yamlfile import read_yaml_file

__all__ = ["format_notes", "gis_export", "gis_import", "import_epanet_cmd", "read_power_map"]

#: Elements named per reason before "and N more".
SHOWN = 5


def read_power_map(path: Path) -> dict[str, str]:
    """Pump name -> supplier component id, from a YAML mapping or a CSV with columns
    ``pump`` and ``supplier``."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            if not {"pump", "supplier"} <= {h.strip() for h in header}:
                found = ", ".join(repr(h) for h in header) or "no header"
                raise VitaalError(
                    f"{path}:1: found the columns {found}, expected the columns pump and supplier"
                )
            rows = [{str(k).strip(): v for k, v in r.items()} for r in reader]
        return {str(r["pump"]).strip(): str(r["supplier"]).strip() for r in rows}
    try:
        data = read_yaml_file(path) or {}
    except ModelError as exc:
        raise VitaalError("; ".join(str(p) for p in exc.problems)) from exc
    if not isinstance(data, dict):
        raise VitaalError(f"{path}: expected a mapping pump name -> supplier id")
    return {str(k): str(v) for k, v in data.items()}


@click.command("import-epanet")
@click.argument("source")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Model folder to write (must not exist or be empty).",
)
@click.option("--prefix", default="net", show_default=True, help="Ids are wn-PREFIX-<type>-<name>.")
@click.option(
    "--crs",
    default=None,
    help="CRS of the EPANET coordinates, e.g. EPSG:28992 (default: a local CRS, not "
    "checked or transformed).",
)
@click.option(
    "--power-map",
    "power_map",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML (pump: supplier) or CSV (pump,supplier) naming the electricity "
    "supplier of each pump; others get a placeholder producer.",
)
@click.option("--all", "show_all", is_flag=True, help="List every element in the report.")
@handle_errors
def import_epanet_cmd(
    source: str,
    out_dir: Path,
    prefix: str,
    crs: str | None,
    power_map: Path | None,
    show_all: bool,
) -> None:
    """Import an EPANET network (through WNTR) as a drinking-water model folder.

    SOURCE is an .inp file or wntr:Net1, wntr:Net2, wntr:Net3, wntr:Net6 (bundled with WNTR).
    The report lists what could not be mapped and the assumptions made.
    """
    from vitaal.io import write_model
    from vitaal.io.epanet import import_epanet

    pmap = read_power_map(power_map) if power_map is not None else None
    try:
        imp = import_epanet(source, prefix=prefix, crs=crs, power_map=pmap)
    except ModelError:
        raise
    except ValueError as exc:
        raise VitaalError(str(exc)) from exc
    folder = write_model(imp.model, out_dir)
    m = imp.model
    out.print(
        f"{source}: {len(m.components)} components, {len(m.areas)} demand areas, "
        f"{len(m.supply)} supply links, {len(m.stores)} tanks as stores, CRS {m.info.crs} "
        f"-> {folder}",
        markup=False,
    )
    shown = 10**9 if show_all else SHOWN
    for line in format_notes("element(s) not mapped", imp.unmapped, shown):
        out.print(line, markup=False)
    for line in format_notes("assumption(s)", imp.assumptions, shown):
        out.print(line, markup=False)


@click.command("gis-export")
@click.argument("model")
@click.argument("out_path", metavar="OUT", type=click.Path(path_type=Path))
@click.option(
    "--crs",
    default="EPSG:28992",
    show_default=True,
    type=click.Choice(["EPSG:28992", "EPSG:4326"]),
    help="RD New or WGS84.",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@handle_errors
def gis_export(model: str, out_path: Path, crs: str, force: bool) -> None:
    """Write MODEL as GIS layers: OUT.gpkg (GeoPackage) or a folder of GeoJSON files."""
    from vitaal.io.gis import write_gis

    loaded = load(parse_source(model))
    try:
        target = write_gis(loaded, out_path, crs=crs, overwrite=force)
    except ValueError as exc:
        raise VitaalError(str(exc)) from exc
    out.print(f"{loaded.info.name}: {loaded.size()} records -> {target} ({crs})", markup=False)


@click.command("gis-import")
@click.argument("in_path", metavar="IN", type=click.Path(exists=True, path_type=Path))
@click.argument("out_dir", metavar="OUT_DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUT_DIR if it exists.")
@handle_errors
def gis_import(in_path: Path, out_dir: Path, force: bool) -> None:
    """Read a GeoPackage or GeoJSON folder written by gis-export into a model folder."""
    from vitaal.io import write_model
    from vitaal.io.gis import read_gis
    from vitaal.model.validate import validate_model

    model = read_gis(in_path)
    problems = validate_model(model)
    if any(p.severity is Severity.ERROR for p in problems):
        # a model with errors is not written: the problems say where, in the layers' terms
        raise ModelError(problems, f"{in_path}: the model has errors; nothing was written")
    folder = write_model(model, out_dir, overwrite=force)
    if problems:
        err.print(f"{len(problems)} warning(s) in the model; see vitaal validate", markup=False)
    out.print(f"{model.info.name}: {model.size()} records -> {folder}", markup=False)
