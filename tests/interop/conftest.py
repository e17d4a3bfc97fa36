"""A ward with a nurse and a clinician, as for the scoring tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_unit


@pytest.fixture
def ward(nurse: Any, clinician: Any) -> Any:
    return make_unit(name="Avrusning Nord", staff=[nurse, clinician])


@pytest.fixture
def other_ward(make_user: Any) -> Any:
    return make_unit(name="Avrusning Sør", staff=[make_user("nurse", username="per")])


@pytest.fixture(autouse=True)
def _fresh_jwks_clients() -> Any:
    """Each test's key server is its own: no key set remembered from an earlier test's port."""
    from interop.cds import _jwks_client

    _jwks_client.cache_clear()
    yield
    _jwks_client.cache_clear()
