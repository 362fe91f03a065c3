"""The foundation's acceptance checks through the command line, on SQLite and PostgreSQL.

- import into the store, export, compare: identical (``vitaal diff`` exits 0);
- an import whose last file is invalid leaves the database exactly as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from tests.store.conftest import ROTTERDAM, TINY, Snapshot
from vitaal.cli.main import cli


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), prog_name="vitaal")
    assert "Traceback" not in result.output
    return result


def test_import_export_compare_identical(store_url: str, tmp_path: Path) -> None:
    source = ROTTERDAM if (ROTTERDAM / "model.yaml").is_file() else TINY
    assert run("import", str(source), "--db", store_url, "--author", "ann").exit_code == 0
    out = tmp_path / "exported"
    assert run("export", str(out), "--db", store_url).exit_code == 0
    # the exported folder, the store and the source are one model
    same = run("diff", str(source), str(out))
    assert same.exit_code == 0, same.stdout
    assert "no differences" in same.stdout
    assert run("diff", str(source), f"{store_url}#1").exit_code == 0


def test_import_with_an_invalid_last_file_changes_nothing(
    store_url: str, tmp_path: Path, snapshot: Snapshot
) -> None:
    assert run("import", str(TINY), "--db", store_url, "--author", "ann").exit_code == 0
    before = snapshot(store_url)
    changed = tmp_path / "tiny"
    shutil.copytree(TINY, changed)
    # a real change early on, and an invalid last file (scenarios are read last)
    stores = changed / "stores.csv"
    stores.write_text(
        stores.read_text().replace("tower-1,drinking_water,6", "tower-1,drinking_water,9")
    )
    (changed / "scenarios" / "zz-last.yaml").write_text(
        "id: broken\nname: Broken\nevents:\n  - {target: no-such-node}\n"
    )
    result = run("import", str(changed), "--db", store_url, "--author", "bob")
    assert result.exit_code == 2
    assert "scenarios/zz-last.yaml" in result.stderr
    assert "no-such-node" in result.stderr
    assert snapshot(store_url) == before
