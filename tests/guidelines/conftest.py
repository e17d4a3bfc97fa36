"""The shipped guideline, loaded, and helpers to make a revised copy of it."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from guidelines.loading import ShippedData, guideline_load, read_shipped_data
from guidelines.models import Recommendation

LOAD_TIME = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def shipped() -> ShippedData:
    return read_shipped_data()


@pytest.fixture
def guideline(db: Any, shipped: ShippedData) -> None:
    """The shipped data in the database. The data migration has loaded it already, except after
    a transactional test has emptied the tables; loading again is then needed and otherwise a
    no-op."""
    guideline_load(data=shipped.guideline, units=shipped.units, now=LOAD_TIME)


@pytest.fixture
def revised(shipped: ShippedData):
    """``revised({ref: {field: value}})``: a deep copy of the shipped guideline data with some
    recommendations changed, as a later release might ship it."""

    def revise(
        changes: dict[str, dict[str, Any]], *, edition_code: str | None = None
    ) -> dict[str, Any]:
        data = copy.deepcopy(shipped.guideline)
        if edition_code:
            data["edition"]["code"] = edition_code
        by_ref = {row["ref"]: row for row in data["recommendations"]}
        for ref, fields in changes.items():
            by_ref[ref].update(fields)
        return data

    return revise


def rec(ref: str) -> Recommendation:
    return Recommendation.objects.get(ref=ref)
