"""Defects an adversarial review found in the FHIR and CDS Hooks answers, each held here."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from patients.models import EpisodeStatus
from scoring.models import Assessment
from tests.factories import make_episode
from tests.interop.cds_client import ISSUER, ORDER_SELECT, PATIENT_VIEW, SECRET, post, token
from tests.interop.test_cds_order_select import check as order_check
from tests.interop.test_cds_order_select import draft
from tests.interop.test_fhir import bedside, post_qr, qr_body
from tests.scoring.factories import items_for, make_inpatient


@pytest.fixture
def issuers(settings, ward):
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"secret": SECRET, "units": [ward.code]}}


def critical(response):
    assert response.status_code == 200, response.content
    return [c for c in response.json()["cards"] if c["indicator"] == "critical"]


def buprenorphine(order_id, *lines):
    """A draft buprenorphine order with dosage lines of (mg, times a day or None, sequence)."""
    order = draft(order_id, code="N07BC01", text="Buprenorfin")
    order["dosageInstruction"] = []
    for mg, per_day, sequence in lines:
        dosage: dict[str, object] = {"doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg"}}]}
        if per_day is not None:
            dosage["timing"] = {"repeat": {"frequency": 1, "period": per_day, "periodUnit": "d"}}
        if sequence is not None:
            dosage["sequence"] = sequence
        order["dosageInstruction"].append(dosage)
    return order


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        # Two lines taken together: 16 + 16 = 32 mg a day, over 24 mg (10.5-1).
        ([(16, 1, None), (16, 1, None)], True),
        # 32 mg every second day: the day it is given has 32 mg.
        ([(32, 2, None)], True),
        # One line after the other (sequence): a day has at most 16 mg.
        ([(16, 1, 1), (12, 1, 2)], False),
        ([(8, 1, None), (8, 1, None)], False),
    ],
)
def test_order_select_adds_a_day_s_dosage_lines_and_never_averages_a_dose_away(
    client, issuers, ward, lines, flagged
):
    episode = make_inpatient(unit=ward)
    found = critical(order_check(client, episode.patient_id, buprenorphine("b", *lines)))
    assert bool([c for c in found if "10.5-1" in c["detail"]]) is flagged


def test_the_stay_the_patient_is_in_decides_the_unit_not_a_later_planned_one(
    client, issuers, ward, other_ward, nurse
):
    episode = make_inpatient(unit=ward)
    make_episode(patient=episode.patient, status=EpisodeStatus.PLANNED, unit=other_ward)
    response = post(client, PATIENT_VIEW, token(), context={"patientId": str(episode.patient_id)})
    assert response.status_code == 200


@pytest.mark.parametrize("total", [-1, 68, 999])
def test_a_prefetched_score_outside_the_scale_is_400_not_a_card(client, issuers, total):
    moment = timezone.now().replace(microsecond=0).isoformat()
    prefetch = {
        "patient": {"resourceType": "Patient", "id": "ehr-1", "birthDate": "1980-01-01"},
        "withdrawalScore": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {
                            "coding": [
                                {
                                    "system": "http://testserver/fhir/R4/CodeSystem/instrument",
                                    "code": "ciwa-ar",
                                }
                            ]
                        },
                        "effectiveDateTime": moment,
                        "valueInteger": total,
                    }
                }
            ],
        },
    }
    response = post(
        client, PATIENT_VIEW, token(), context={"patientId": "ehr-1"}, prefetch=prefetch
    )
    assert response.status_code == 400
    assert "0 to 67" in response.content.decode()


def test_a_page_far_past_the_end_is_empty_not_an_error(client, nurse, ward):
    make_inpatient(unit=ward)
    client.force_login(nurse)
    for name in ("fhir-patient-search", "fhir-observation-search", "fhir-encounter-search"):
        response = client.get(reverse(name), {"_page": str(2**63 - 1)})
        assert response.status_code == 200, name
        body = response.json()
        get_fhir_model_class("Bundle").model_validate(body)
        assert body.get("entry", []) == []


@pytest.mark.parametrize("permille", [0.005, 1.999])
def test_breath_alcohol_with_more_than_two_decimals_is_refused_not_rounded(
    client, nurse, ward, permille
):
    episode = make_inpatient(unit=ward)
    client.force_login(nurse)
    moment = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    body = qr_body(
        episode, "ciwa-ar", items_for("ciwa-ar", 6), moment, bedside(breath_alcohol=permille)
    )
    response = post_qr(client, body)
    assert response.status_code == 422
    issue = json.loads(response.content)["issue"][0]
    assert issue["expression"] == ["QuestionnaireResponse.item.where(linkId='breath-alcohol')"]
    assert not Assessment.objects.exists()


def test_order_select_token_is_for_its_own_service(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    response = order_check(
        client, episode.patient_id, draft("d", code="N05BA01", mg=10), bearer=token(ORDER_SELECT)
    )
    assert response.status_code == 200


def _overdue(cards):
    return [c for c in cards if "forsinket" in c["summary"].lower()]


def test_patient_view_says_overdue_where_the_board_does_for_a_stay_never_scored(
    client, issuers, ward, nurse
):
    from scoring.selectors import ward_board
    from scoring.services import monitoring_choose
    from tests.scoring.factories import score

    now = timezone.now()
    never = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(hours=10))
    switched = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(hours=10))
    score(switched, user=nurse, total=25, observed_at=now - dt.timedelta(minutes=30))
    monitoring_choose(episode=switched, instrument="cows", user=nurse, now=now)
    board = {row.episode.pk: row.status for row in ward_board(nurse, now=timezone.now())}
    assert board[never.pk] == board[switched.pk] == "overdue"

    for episode in (never, switched):
        response = post(
            client, PATIENT_VIEW, token(), context={"patientId": str(episode.patient_id)}
        )
        cards = _overdue(response.json()["cards"])
        assert len(cards) == 1
        assert cards[0]["indicator"] == "warning"
        assert cards[0]["links"][0]["url"].endswith(reverse("episode-scores", args=[episode.pk]))


def test_no_overdue_card_for_an_outpatient_never_scored(client, issuers, ward, clinician):
    from patients.models import Setting

    episode = make_inpatient(unit=ward, admitted_at=timezone.now() - dt.timedelta(hours=10))
    episode.setting = Setting.OUTPATIENT
    episode.save()
    response = post(client, PATIENT_VIEW, token(), context={"patientId": str(episode.patient_id)})
    assert _overdue(response.json()["cards"]) == []


@pytest.mark.parametrize("code", ["N05BA08", "N05CD08", "N02AB02"])
def test_an_order_for_a_drug_of_the_checked_kinds_without_rules_says_it_was_not_checked(
    client, issuers, ward, code
):
    """Review: bromazepam (N05BA08) got no card at all, as if it were paracetamol."""
    episode = make_inpatient(unit=ward)
    response = order_check(client, episode.patient_id, draft("x", code=code, text="Noe", mg=5))
    assert response.status_code == 200
    warnings = [c for c in response.json()["cards"] if c["indicator"] == "warning"]
    assert [c["summary"] for c in warnings] == [
        f"MedicationRequest/x: Ikke kontrollert: ATC {code} har ingen regler her."
    ]


def test_a_drug_outside_those_kinds_still_gets_no_card(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    response = order_check(client, episode.patient_id, draft("p", code="N02BE01", mg=500))
    assert response.json()["cards"] == []


def test_a_refused_call_about_a_stored_patient_is_on_the_access_log(
    client, issuers, ward, other_ward
):
    """The issue: each call is access-logged; a refused one too, as refused, not as a view."""
    from patients.models import AccessAction, AccessLogEntry

    elsewhere = make_inpatient(unit=other_ward)
    response = post(client, PATIENT_VIEW, token(), context={"patientId": str(elsewhere.patient_id)})
    assert response.status_code == 403
    (entry,) = AccessLogEntry.objects.filter(patient=elsewhere.patient)
    assert entry.action == AccessAction.DENIED
    assert entry.what.startswith(f"CDS Hooks patient-view ({ISSUER})")
    assert entry.user.username == f"cds-hooks:{ISSUER}"


def _order(order_id, *lines):
    """A draft buprenorphine order; each line a dict of mg and the FHIR Timing.repeat (or None)."""
    order = draft(order_id, code="N07BC01", text="Buprenorfin")
    order["dosageInstruction"] = []
    for line in lines:
        dosage: dict[str, object] = {}
        if "mg" in line:
            dosage["doseAndRate"] = [{"doseQuantity": {"value": line["mg"], "unit": "mg"}}]
        if "range" in line:
            low, high = line["range"]
            dosage["doseAndRate"] = [
                {
                    "doseRange": {
                        "low": {"value": low, "unit": "mg"},
                        "high": {"value": high, "unit": "mg"},
                    }
                }
            ]
        if line.get("repeat") is not None:
            dosage["timing"] = {"repeat": line["repeat"]}
        if "sequence" in line:
            dosage["sequence"] = line["sequence"]
        order["dosageInstruction"].append(dosage)
    return order


DAILY = {"frequency": 1, "period": 1, "periodUnit": "d"}


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        # 8 mg 1-4 times a day: up to 32 mg a day.
        (
            [
                {
                    "mg": 8,
                    "repeat": {"frequency": 1, "frequencyMax": 4, "period": 1, "periodUnit": "d"},
                }
            ],
            True,
        ),
        # 16 mg daily and 16 mg every other day, together: 32 mg on the other days.
        ([{"mg": 16, "repeat": DAILY}, {"mg": 16, "repeat": DAILY | {"period": 2}}], True),
        # Morning and night by 'when', or two times of day: 2 x 16 mg.
        ([{"mg": 16, "repeat": DAILY | {"when": ["MORN", "NIGHT"]}}], True),
        ([{"mg": 16, "repeat": DAILY | {"timeOfDay": ["08:00:00", "20:00:00"]}}], True),
        # The top of a dose range counts: 16 + (8-16) mg.
        ([{"mg": 16, "repeat": DAILY}, {"range": (8, 16), "repeat": DAILY}], True),
        # A line without a sequence is given alongside the numbered ones.
        ([{"mg": 16, "repeat": DAILY, "sequence": 1}, {"mg": 16, "repeat": DAILY}], True),
        # An induction of at most 2 doses of 4 mg every 2 h is 8 mg, not 48 mg a day.
        (
            [{"mg": 4, "repeat": {"frequency": 1, "period": 2, "periodUnit": "h", "count": 2}}],
            False,
        ),
        ([{"mg": 8, "repeat": DAILY}, {"mg": 8, "repeat": DAILY | {"period": 2}}], False),
    ],
)
def test_order_select_counts_the_most_a_calendar_day_can_hold(
    client, issuers, ward, lines, flagged
):
    """Review: frequencyMax, when/timeOfDay, dose ranges and lines without a sequence were read
    too low (the 24 mg bound missed); count was ignored (an induction flagged)."""
    episode = make_inpatient(unit=ward)
    found = critical(order_check(client, episode.patient_id, _order("o", *lines)))
    assert bool([c for c in found if "10.5-1" in c["detail"]]) is flagged


def test_a_line_with_a_rate_leaves_the_day_not_evaluated(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    order = _order("r", {"mg": 16, "repeat": DAILY})
    order["dosageInstruction"].append(
        {
            "doseAndRate": [{"rateQuantity": {"value": 1, "unit": "mg/h"}}],
            "timing": {"repeat": DAILY},
        }
    )
    cards = order_check(client, episode.patient_id, order).json()["cards"]
    assert any("døgndose" in c["detail"].lower() for c in cards if c["indicator"] == "info")


def test_an_absurd_dose_is_answered_not_a_500(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    order = _order("x", {"mg": 1e300, "repeat": {"frequency": 10, "period": 7, "periodUnit": "h"}})
    response = order_check(client, episode.patient_id, order)
    assert response.status_code == 200
    assert critical(response)
