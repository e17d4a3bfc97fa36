from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from patients import services
from patients.models import EpisodeEvent, Intake, SubstanceUse
from tests.patients.conftest import ALCOHOL_DT_FIELDS, ALCOHOL_ROW


def _start(episode, user):
    services.episode_start(episode=episode, user=user)
    episode.refresh_from_db()


def test_intake_save_stores_the_draft_and_its_substances(
    alcohol_intake, planned_episode, clinician
):
    intake = Intake.objects.get(episode=planned_episode)
    assert intake.previous_withdrawal_complications == ["delirium_tremens"]
    assert intake.pregnant is False
    assert intake.home_support is True
    assert intake.somatic_signs == ""
    assert intake.gi_bleeding is None  # not asked stays unknown
    row = intake.substances.get()
    assert (row.substance, row.dependent, row.injecting) == ("alcohol", True, False)
    assert (intake.created_by, intake.updated_by) == (clinician, clinician)


def test_the_first_save_is_recorded_in_the_episode_history(alcohol_intake, planned_episode):
    event = planned_episode.events.get(kind="intake_saved")
    assert event.details["first"] is True


def test_a_draft_may_be_partial(planned_episode, clinician):
    intake = services.intake_save(
        episode=planned_episode, user=clinician, fields={"allergies": "Penicillin"}, substances=[]
    )
    assert intake.allergies == "Penicillin"
    assert intake.current_delirium is None
    # Pregnancy is not asked of a man (the fixture's patient): recorded as not pregnant.
    assert (planned_episode.patient.sex, intake.pregnant) == ("male", False)


def test_saving_the_draft_again_changes_it_without_a_reason(
    alcohol_intake, planned_episode, clinician
):
    services.intake_save(
        episode=planned_episode,
        user=clinician,
        fields={"home_support": False},
        substances=[ALCOHOL_ROW],
    )
    assert Intake.objects.get().home_support is False
    event = planned_episode.events.filter(kind="intake_saved").first()
    assert event.details["changes"] == [{"field": "home_support", "old": True, "new": False}]


def test_intake_save_is_refused_once_the_episode_has_started(
    alcohol_intake, planned_episode, clinician
):
    _start(planned_episode, clinician)
    with pytest.raises(ValidationError) as raised:
        services.intake_save(
            episode=planned_episode, user=clinician, fields={"allergies": "x"}, substances=[]
        )
    assert raised.value.code == "amend_required"
    assert Intake.objects.get().allergies == ""


def test_an_amendment_needs_a_reason_once_the_episode_has_started(
    alcohol_intake, planned_episode, clinician
):
    _start(planned_episode, clinician)
    with pytest.raises(ValidationError) as raised:
        services.intake_amend(
            episode=planned_episode,
            user=clinician,
            reason="  ",
            fields={"home_support": False},
            substances=[ALCOHOL_ROW],
        )
    assert list(raised.value.message_dict) == ["reason"]
    assert Intake.objects.get().home_support is True


def test_an_amendment_keeps_the_original_with_who_when_and_why(
    alcohol_intake, planned_episode, clinician
):
    _start(planned_episode, clinician)
    services.intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="Pårørende reiser bort",
        fields={"home_support": False},
        substances=[ALCOHOL_ROW],
    )
    intake = Intake.objects.get()
    latest, original = intake.history.all()[:2]
    assert (original.home_support, latest.home_support) == (True, False)
    assert latest.history_user == clinician
    assert latest.history_change_reason == "Pårørende reiser bort"
    event = planned_episode.events.get(kind="intake_amended")
    assert event.reason == "Pårørende reiser bort"
    assert event.details["changes"] == [{"field": "home_support", "old": True, "new": False}]


def test_an_amendment_records_substances_added_changed_and_removed(
    alcohol_intake, planned_episode, clinician
):
    _start(planned_episode, clinician)
    services.intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="Fullstendig rusanamnese",
        fields={},
        substances=[
            {**ALCOHOL_ROW, "injecting": True},
            {"substance": "cannabis", "dependent": False},
        ],
    )
    changes = planned_episode.events.get(kind="intake_amended").details["changes"]
    assert {"field": "substances.alcohol.injecting", "old": False, "new": True} in changes
    assert {"field": "substances.cannabis", "old": False, "new": True} in changes
    services.intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="Cannabis feilregistrert",
        fields={},
        substances=[ALCOHOL_ROW],
    )
    latest = planned_episode.events.filter(kind="intake_amended").first()
    assert {"field": "substances.cannabis", "old": True, "new": False} in latest.details["changes"]
    removed = SubstanceUse.history.filter(substance="cannabis", history_type="-").get()
    assert removed.history_change_reason == "Cannabis feilregistrert"


def test_an_amendment_that_changes_nothing_writes_no_event(
    alcohol_intake, planned_episode, clinician
):
    _start(planned_episode, clinician)
    services.intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="Ingen endring",
        fields=dict(ALCOHOL_DT_FIELDS),
        substances=[ALCOHOL_ROW],
    )
    assert not planned_episode.events.filter(kind="intake_amended").exists()


def test_a_complication_outside_the_allowed_set_is_refused(planned_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.intake_save(
            episode=planned_episode,
            user=clinician,
            fields={"previous_withdrawal_complications": ["seizures", "gout"]},
            substances=[],
        )
    assert "previous_withdrawal_complications" in raised.value.message_dict
    assert not Intake.objects.exists()


def test_a_bad_substance_value_names_the_substance_and_field_and_stores_nothing(
    planned_episode, clinician
):
    with pytest.raises(ValidationError) as raised:
        services.intake_save(
            episode=planned_episode,
            user=clinician,
            fields={"allergies": "Penicillin"},
            substances=[{"substance": "alcohol", "continuous_use_days": 99_999}],
        )
    assert list(raised.value.message_dict) == ["substances.alcohol.continuous_use_days"]
    assert not Intake.objects.exists()
    assert not EpisodeEvent.objects.filter(kind="intake_saved").exists()


def test_a_substance_listed_twice_is_refused(planned_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.intake_save(
            episode=planned_episode,
            user=clinician,
            fields={},
            substances=[{"substance": "alcohol"}, {"substance": "alcohol"}],
        )
    assert list(raised.value.message_dict) == ["substances.alcohol"]


def test_an_out_of_range_examination_value_is_refused(planned_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.intake_save(
            episode=planned_episode,
            user=clinician,
            fields={"temperature_celsius": Decimal("52.0")},
            substances=[],
        )
    assert list(raised.value.message_dict) == ["temperature_celsius"]


def test_the_first_save_records_only_the_fields_filled_in(planned_episode, clinician):
    services.intake_save(
        episode=planned_episode,
        user=clinician,
        fields={"allergies": "Penicillin", "pregnant": False},
        substances=[{"substance": "alcohol"}],
    )
    changes = planned_episode.events.get(kind="intake_saved").details["changes"]
    assert [change["field"] for change in changes] == [
        "allergies",
        "pregnant",
        "substances.alcohol",
    ]
