"""The arithmetic and the peer check of benchmarks/compare.py (nothing here is timed)."""

import pytest

from benchmarks.compare import (
    P50_GOALS,
    PEER_ENV,
    peer_dir,
    peer_missing,
    percentile,
    ratio,
    verdicts,
)


def test_percentiles_interpolate_between_ranks():
    samples = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(samples, 50) == 3.0
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 100) == 5.0
    assert percentile(samples, 25) == 2.0
    assert percentile([1.0, 2.0], 50) == 1.5
    assert percentile(list(map(float, range(1, 101))), 99) == pytest.approx(99.01)


def test_a_percentile_of_nothing_is_refused():
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_ratio_is_ours_over_theirs_and_refuses_a_zero_reference():
    assert ratio(6.0, 2.0) == 3.0
    assert ratio(1.0, 4.0) == 0.25
    with pytest.raises(ValueError, match="positive"):
        ratio(1.0, 0.0)


def test_verdicts_compare_each_p50_with_its_goal():
    result = verdicts({"healthz": 2.0, "taper API": 6.0, "ward board": 10.5, "other": 1.0}, 2.0)
    assert result == {
        "healthz": {"ratio": 1.0, "goal": P50_GOALS["healthz"], "met": True},
        "taper API": {"ratio": 3.0, "goal": 3.0, "met": True},
        "ward board": {"ratio": 5.25, "goal": 5.0, "met": False},
    }


def test_the_peer_is_looked_for_where_the_environment_says(tmp_path):
    assert peer_dir({PEER_ENV: str(tmp_path)}) == tmp_path
    assert peer_dir({}).name == "bzd-taper"


def test_a_missing_peer_is_skipped_with_a_message_that_says_how_to_install_it(tmp_path):
    message = peer_missing(tmp_path / "bzd-taper")
    assert message is not None
    assert message.startswith("bzd-taper comparison skipped: no checkout at")
    assert "https://github.com/lescanico/bzd-taper" in message
    assert "docs/benchmarks.md" in message


def test_a_checkout_without_its_virtualenv_is_skipped_too(tmp_path):
    (tmp_path / "app.py").write_text("")
    (tmp_path / "taper_gen.py").write_text("")
    assert "gunicorn is missing" in (peer_missing(tmp_path) or "")
    gunicorn = tmp_path / ".venv" / "bin" / "gunicorn"
    gunicorn.parent.mkdir(parents=True)
    gunicorn.write_text("")
    assert peer_missing(tmp_path) is None
