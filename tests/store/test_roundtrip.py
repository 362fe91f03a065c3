"""A model imported into the store reads back equal, and writes out to an equal folder."""

from __future__ import annotations

import time
from pathlib import Path

from vitaal.io import read_model, write_model
from vitaal.model.model import RECORD_KINDS, Model
from vitaal.store import ModelStore, open_store


def test_tiny_reads_back_equal(store: ModelStore, tiny: Model) -> None:
    number = store.import_model(tiny, author="ann", message="first import")
    assert number == 1
    back = store.read_model()
    assert back == tiny
    assert back.info == tiny.info
    for kind in RECORD_KINDS:
        assert back.table(kind) == tiny.table(kind), kind
    assert store.read_model(1) == tiny


def test_reads_back_after_reopening(store_url: str, tiny: Model) -> None:
    with open_store(store_url) as store:
        store.import_model(tiny, author="ann")
    with open_store(store_url) as store:
        assert store.read_model() == tiny


def test_export_to_a_folder_reads_back_equal(
    store: ModelStore, tiny: Model, tmp_path: Path
) -> None:
    store.import_model(tiny, author="ann")
    folder = write_model(store.read_model(), tmp_path / "export")
    assert read_model(folder) == tiny


def test_first_import_audits_every_record(store: ModelStore, tiny: Model) -> None:
    store.import_model(tiny, author="ann", message="first import")
    entries = store.audit(1)
    assert {e.action for e in entries} == {"import"}
    assert all(e.before is None and e.author == "ann" for e in entries)
    assert len(entries) == tiny.size() + 1  # every record and the model info
    [info] = store.audit(1, kind="info")
    assert info.after is not None
    assert info.after["name"] == "Tiny town"
    [version] = store.versions()
    assert (version.number, version.author, version.message) == (1, "ann", "first import")
    assert (version.added, version.changed, version.removed) == (tiny.size() + 1, 0, 0)
    assert version.parent is None


def test_rotterdam_reads_back_equal_quickly(
    store: ModelStore, rotterdam: Model, tmp_path: Path
) -> None:
    # CPU time of this process: what the store's code costs, not how busy a shared machine is
    start = time.process_time()
    store.import_model(rotterdam, author="ann")
    imported = time.process_time() - start
    start = time.process_time()
    back = store.read_model()
    read = time.process_time() - start
    assert back == rotterdam
    assert read_model(write_model(back, tmp_path / "export")) == rotterdam
    # thousands of records: seconds, not minutes (validation included)
    assert imported < 20, imported
    assert read < 10, read
