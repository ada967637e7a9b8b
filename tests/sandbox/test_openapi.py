"""/_sandbox/openapi.json describes what the sandbox serves; a bounded fuzz holds it to that."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from reconciler.sandbox import SandboxConfig
from reconciler.sandbox.openapi import openapi_document
from tests.support.sandbox_server import RunningSandbox, SandboxPool

#: Every path the sandbox serves, written out.
EVERY_PATH = [
    "/_sandbox/clock",
    "/_sandbox/distributions",
    "/_sandbox/faults",
    "/_sandbox/leads",
    "/_sandbox/openapi.json",
    "/_sandbox/reset",
    "/_sandbox/stats",
    "/_sandbox/suppressions",
    "/api/v1/schedules",
    "/api/v1/schedules.csv",
    "/api/v1/schedules/make_call",
    "/api/v1/schedules/new",
    "/api/v1/schedules/{id}",
]

SCHEMA = schemathesis.openapi.from_dict(openapi_document(SandboxConfig())).include(
    path_regex="^/api/"
)
# Bounded: no coverage phase (hundreds of deterministic cases per operation), few examples.
SCHEMA.config.phases.update(phases=["examples", "fuzzing"])


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_float(item) for item in value)
    return False


@schemathesis.check
def accepts_schema_valid_params(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, except for JSON floats such as 30.0 in an integer param.

    JSON Schema's "integer" admits 30.0, but Apipie's "Must be a number." checks the text
    "30.0" and refuses it; the sandbox keeps that strictness, and the document cannot say it.
    """
    if _has_float(case.body):
        return None
    result: bool | None = checks.positive_data_acceptance(ctx, response, case)
    return result


CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_sandbox(sandbox_pool: SandboxPool) -> Iterator[RunningSandbox]:
    """One demo account for the whole fuzz run (faults off)."""
    with sandbox_pool.sandbox(seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def fuzz_session(fuzz_sandbox: RunningSandbox) -> Iterator[requests.Session]:
    """One keep-alive HTTP session (schemathesis calls through requests) with the credentials."""
    token = base64.b64encode(":".join(fuzz_sandbox.auth).encode()).decode()
    with requests.Session() as session:
        session.headers["Authorization"] = f"Basic {token}"
        yield session


def test_the_served_document_is_openapi_3_1_of_every_route(sandbox: RunningSandbox) -> None:
    """GET /_sandbox/openapi.json (no auth) is an OpenAPI 3.1 document naming every route."""
    with sandbox.client(auth=None) as client:
        document = client.get("/_sandbox/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    # Written out: every route the sandbox serves (a route added or lost fails here).
    assert sorted(document["paths"]) == EVERY_PATH
    sandbox_only = [
        operation
        for path, item in document["paths"].items()
        if path.startswith("/_sandbox/")
        for operation in item.values()
    ]
    assert all(operation["tags"] == ["sandbox-only"] for operation in sandbox_only)


@SCHEMA.parametrize()
@settings(
    max_examples=8,
    derandomize=True,  # the same cases on every run: CI never flakes on a new example
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_conforms_to_its_document(
    case: Any, fuzz_sandbox: RunningSandbox, fuzz_session: requests.Session
) -> None:
    """Fuzzed requests get no 5xx, responses match the document, valid params are accepted."""
    # make_call is exempt from acceptance: its guards refuse schema-valid data by design.
    selected = list(CONFORMANCE)
    if not case.operation.path.endswith("/make_call"):
        selected.append(accepts_schema_valid_params)
    case.call_and_validate(base_url=fuzz_sandbox.base_url, session=fuzz_session, checks=selected)
