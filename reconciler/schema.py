"""The JSON Schema of a spec file, generated from the models, for editors and CI."""

from __future__ import annotations

import json
from typing import Any

from reconciler.spec import SpecFile

__all__ = ["spec_file_schema", "spec_file_schema_json"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def spec_file_schema() -> dict[str, Any]:
    """The schema of one ``schedules.d/*.yaml`` file."""
    schema = SpecFile.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema}


def spec_file_schema_json() -> str:
    """The schema as the text shipped in ``schemas/schedules.schema.json``."""
    return json.dumps(spec_file_schema(), indent=2, ensure_ascii=False) + "\n"
