"""Schema-driven fuzzing of the API: every operation of the OpenAPI schema that drf-spectacular
generates gets requests made up from that schema (schemathesis on Hypothesis), sent in-process to
the Django application over WSGI as unit A's clinician with a token.

Each answer must not be a server error, and must be what the schema documents: a documented
status code, the documented content type, a body matching the documented schema.

Path parameters are either what the schema allows (mostly records that do not exist: 404) or
the cast's real records (the patient, the episode, a score, a dose, a care plan), so that the
fuzzer also reaches the code behind the lookups.

Bounded for CI: ``FUZZ_MAX_EXAMPLES`` examples per operation (default 20) with a fixed seed, so a
run is repeatable and takes about a minute on two cores (the budget is four). For a deeper local
run: ``FUZZ_MAX_EXAMPLES=500 FUZZ_SEED=random pytest tests/security/test_api_fuzzing.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import CLINICIAN_A, Cast

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
RANDOM = os.environ.get("FUZZ_SEED", "") == "random"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def generated_schema() -> dict[str, Any]:
    """The schema as ``/api/schema/`` serves it, as plain JSON data."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    rendered: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(document))
    return rendered


class TestTransactionWSGI:
    """Django's WSGI application for requests inside a test's transaction.

    Django closes the database connection at the end of a request if it is not in autocommit,
    which inside a test's transaction would throw the test's data away; Django's own test client
    avoids that by holding back the same signal handlers, as this does.
    """

    __test__ = False

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = TestTransactionWSGI()

# The cast's records, filled in by the ``seeded`` fixture before any example is made.
SEEDED: dict[str, int] = {}


def _real_records(path: str) -> dict[str, int]:
    if path.startswith("/api/v1/patients/"):
        return {"pk": SEEDED["patient"]}
    if path.startswith("/api/v1/care-plans/"):
        return {"pk": SEEDED["care_plan"]}
    return {
        "pk": SEEDED["episode"],
        "episode_id": SEEDED["episode"],
        "assessment_id": SEEDED["assessment"],
        "administration_id": SEEDED["administration"],
    }


@schema.hook("flatmap_path_parameters")
def _sometimes_real_records(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    if not path_parameters or context.operation is None:
        return st.just(path_parameters)
    real = {
        name: value
        for name, value in _real_records(context.operation.path).items()
        if name in path_parameters
    }
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


@pytest.fixture
def seeded(cast: Cast, db: Any) -> dict[str, str]:
    SEEDED.update(
        patient=cast.patient.pk,
        episode=cast.episode.pk,
        assessment=cast.assessment.pk,
        administration=cast.administration.pk,
        care_plan=cast.care_plan.pk,
    )
    return {"Authorization": f"Token {cast.tokens[CLINICIAN_A]}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_documented(case: Any, seeded: dict[str, str]) -> None:
    # Every operation's body is checked against its schema: there is no list of exceptions
    # (the former one was empty, so its "is it fixed yet" test only ever skipped).
    case.call_and_validate(headers=seeded, checks=CHECKS)
