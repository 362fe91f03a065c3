"""Fixtures of the reliability tests: a fresh copy of the tiny model folder to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A copy of ``tests/data/tiny`` that a test may edit."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))
