"""Two requests for the same patient at the same moment (PostgreSQL only).

The services lock the episode row before they look for a double submit, so concurrent requests are
serialised: two different scores are both kept, and one form sent twice at once is stored once.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from scoring.models import Assessment
from scoring.services import assessment_record
from tests.factories import make_unit
from tests.scoring.factories import items_for, make_inpatient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and its in-memory test database cannot be "
    "shared between threads (CI runs these against PostgreSQL)",
)

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def _race(episode, nurse, item_sets):
    """Start one thread per item set, release them together, return what each got back."""
    barrier = threading.Barrier(len(item_sets))
    results, errors = [], []

    def submit(items):
        try:
            barrier.wait()
            results.append(
                assessment_record(
                    episode=episode,
                    instrument="ciwa-ar",
                    items=items,
                    observed_at=NOW,
                    breath_alcohol=None,
                    user=nurse,
                    now=NOW,
                ).pk
            )
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(items,)) for items in item_sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


@pytest.fixture
def episode(transactional_db, make_user):
    nurse = make_user("nurse", username="nora")
    unit = make_unit(staff=[nurse])
    return make_inpatient(unit=unit), nurse


def test_two_different_scores_at_the_same_time_are_both_kept(episode):
    episode, nurse = episode
    _race(episode, nurse, [items_for("ciwa-ar", 12), items_for("ciwa-ar", 17)])
    assert sorted(Assessment.objects.values_list("total", flat=True)) == [12, 17]


def test_the_same_form_sent_twice_at_once_is_stored_once(episode):
    episode, nurse = episode
    results = _race(episode, nurse, [items_for("ciwa-ar", 12)] * 4)
    assert Assessment.objects.count() == 1
    assert len(set(results)) == 1
