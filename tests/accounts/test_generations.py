"""Cache generations (accounts/generations.py): a change inside a transaction is this
connection's at once and every process's when it commits, with one shared write per kind."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts import generations

KIND = "test-kind"


def shared() -> object:
    """The generation every other process reads."""
    return cache.get(generations.key(KIND))


@pytest.fixture(autouse=True)
def _fresh_kind():
    cache.delete(generations.key(KIND))
    yield
    cache.delete(generations.key(KIND))


@pytest.fixture
def writes(monkeypatch: Any) -> list[str]:
    """The keys written to the shared cache from now on."""
    written: list[str] = []
    real_set = cache.set

    def counted_set(k: str, *args: Any, **kwargs: Any) -> Any:
        written.append(k)
        return real_set(k, *args, **kwargs)

    monkeypatch.setattr(cache, "set", counted_set)
    return written


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_every_process_sees_the_change_at_once():
    before = generations.current(KIND)
    generations.replace(KIND)
    assert shared() != before
    assert generations.current(KIND) == shared()


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_this_connection_at_once_every_process_at_commit():
    before = generations.current(KIND)
    seen = []
    with transaction.atomic():
        generations.replace(KIND)
        seen.append(generations.current(KIND))
        generations.replace(KIND)
        seen.append(generations.current(KIND))
        generations.replace(KIND)
        seen.append(generations.current(KIND))
        # Other processes cannot see the uncommitted change: their generation stands.
        assert shared() == before
    # This connection's reads followed each change.
    assert len({before, *seen}) == 4
    # Committed: one new shared generation, and this connection reads it again.
    assert shared() not in {before, *seen}
    assert generations.current(KIND) == shared()


@pytest.mark.django_db(transaction=True)
def test_one_shared_write_per_kind_and_transaction(writes):
    generations.current(KIND)
    with transaction.atomic():
        for _ in range(5):
            generations.replace(KIND)
        generations.replace("test-other-kind")
        assert writes == []  # nothing shared while the transaction (and its locks) is open
    assert sorted(writes) == sorted([generations.key(KIND), generations.key("test-other-kind")])


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_changes_nothing():
    before = generations.current(KIND)
    changed = []

    def change_then_fail() -> None:
        with transaction.atomic():
            generations.replace(KIND)
            changed.append(generations.current(KIND))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert changed != [before]
    assert shared() == before
    assert generations.current(KIND) == before
    # The next transaction's change is not taken for the rolled-back one's.
    with transaction.atomic():
        generations.replace(KIND)
    assert shared() != before


def _in_a_savepoint_that_fails(*, change: bool) -> None:
    with transaction.atomic():
        if change:
            generations.replace(KIND)
        raise RuntimeError


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_drops_only_what_it_changed():
    before = generations.current(KIND)
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            _in_a_savepoint_that_fails(change=True)
        # The change was undone with the savepoint: the shared generation again.
        assert generations.current(KIND) == before

        generations.replace(KIND)
        private = generations.current(KIND)
        with pytest.raises(RuntimeError):
            _in_a_savepoint_that_fails(change=False)
        # A later savepoint's rollback does not undo the earlier change.
        assert generations.current(KIND) == private
    assert shared() != before


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_after_an_earlier_change_returns_to_that_change(writes):
    """Review: a change in a savepoint after one outside it swapped the one private token, so
    after the savepoint's rollback this connection read what was cached under the undone change."""
    before = generations.current(KIND)
    with transaction.atomic():
        generations.replace(KIND)
        outer = generations.current(KIND)
        with pytest.raises(RuntimeError):
            _in_a_savepoint_that_fails(change=True)
        assert generations.current(KIND) == outer
        with transaction.atomic():
            generations.replace(KIND)
            inner = generations.current(KIND)
        # A savepoint released, not rolled back: its change stands.
        assert generations.current(KIND) == inner
        assert len({before, outer, inner}) == 3
    assert writes == [generations.key(KIND)]
    assert shared() not in {before, outer, inner}


def test_within_a_test_s_transaction_reads_follow_each_change():
    """Tests run inside one transaction that never commits: the connection's own token."""
    first = generations.current(KIND)
    generations.replace(KIND)
    second = generations.current(KIND)
    generations.replace(KIND)
    assert len({first, second, generations.current(KIND)}) == 3
