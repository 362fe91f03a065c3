"""Layer 2: reading and writing models (model folders of YAML, CSV and GeoJSON)."""

from __future__ import annotations

from vitaal.io.folder import read_model, write_model

__all__ = ["read_model", "write_model"]
