"""Issue 14: the medication administration view, the planned doses given or not given
(immutable, with corrections), thiamine's line, and a query count that does not grow."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from patients.extensions import planned_doses
from patients.models import AccessLogEntry, EpisodeEvent
from plans import selectors as plan_selectors
from plans import services as plan_services
from scoring.checks import (
    InvalidInput,
)
from scoring.models import PlannedDoseRecord
from scoring.planned_doses import planned_dose_correct, planned_dose_record
from scoring.selectors import local_day_bounds, medication_day
from tests.scoring.factories import give, make_inpatient, score, set_history


def _taper(start: dt.date) -> dict[str, Any]:
    return {
        "regimen": "benzodiazepine",
        "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
        "taper_drug": "oxazepam",
        "setting": "inpatient",
        "start_date": start.isoformat(),
        "weekly_reduction_percent": 10,
        "doses_per_day": 3,
        "start_mg_per_day": None,
        "days": None,
    }


def _thiamine_proposal(episode):
    for group in plan_selectors.medication_proposals(episode):
        for line in group.lines:
            if "thiamine" in line.source.get("drugs", []):
                return line.source
    return None


@pytest.fixture
def episode(ward, clinician):
    episode = make_inpatient(unit=ward, given_name="Kari", family_name="Hansen")
    set_history(episode, user=clinician, complications=[])
    return episode


@pytest.fixture
def planned(episode, clinician):
    """An accepted taper starting today (three doses a day) and the accepted thiamine line."""
    now = timezone.now()
    plan_services.taper_schedule_accept(
        episode=episode, request_data=_taper(timezone.localdate(now)), user=clinician, now=now
    )
    thiamine = _thiamine_proposal(episode)
    assert thiamine is not None, "an alcohol inpatient is offered thiamine (8.4.1-1)"
    plan_services.medication_plan_line_accept(
        episode=episode, proposal=thiamine, user=clinician, now=now
    )
    return planned_doses(episode, timezone.localdate(now))


def _slot(doses, drug):
    return next(dose.slot for dose in doses if drug in dose.drugs)


# --- services ------------------------------------------------------------------------------------


def test_the_plan_says_what_is_due_today_with_times_and_thiamine(planned):
    times = [dose.time for dose in planned if "oxazepam" in dose.drugs]
    assert len(times) == 3
    assert times == sorted(times)
    assert all(dose.dose.endswith("mg") for dose in planned if "oxazepam" in dose.drugs)
    assert any("thiamine" in dose.drugs for dose in planned)


def test_one_drug_s_doses_are_the_whole_plan_s_doses_of_that_drug(episode, planned):
    """The result page asks the plan for thiamine alone: the same doses, slots and words as the
    whole plan's, for every drug, and a drug the plan does not hold gives none."""
    today = timezone.localdate()
    for drug in ("thiamine", "oxazepam", "diazepam", "buprenorphine"):
        assert planned_doses(episode, today, drug=drug) == tuple(
            dose for dose in planned if drug in dose.drugs
        )
    assert planned_doses(episode, today, drug="thiamine")


def test_thiamine_alone_reads_no_taper_calendar(episode, planned):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        planned_doses(episode, today, drug="thiamine")
    assert not any("detox_taperschedule" in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        planned_doses(episode, today)
    assert any("detox_taperschedule" in query["sql"] for query in queries.captured_queries)


def test_a_dose_not_given_needs_a_reason_and_bad_input_stores_nothing(episode, planned, nurse):
    now = timezone.now()
    with pytest.raises(InvalidInput) as error:
        planned_dose_record(
            episode=episode,
            due_date=timezone.localdate(now),
            slot=_slot(planned, "oxazepam"),
            given=False,
            reason="  ",
            user=nurse,
            now=now,
        )
    assert [problem["field"] for problem in error.value.errors] == ["reason"]
    with pytest.raises(InvalidInput) as error:
        planned_dose_record(
            episode=episode,
            due_date=timezone.localdate(now),
            slot="taper:nonsense:09:00",
            given=True,
            user=nurse,
            now=now,
        )
    assert [problem["field"] for problem in error.value.errors] == ["slot"]
    assert not PlannedDoseRecord.objects.exists()


def test_an_answer_is_immutable_and_a_second_answer_is_refused(episode, planned, nurse):
    now = timezone.now()
    values = {
        "episode": episode,
        "due_date": timezone.localdate(now),
        "slot": _slot(planned, "oxazepam"),
        "user": nurse,
        "now": now,
    }
    record = planned_dose_record(**values, given=True)
    assert (record.given, record.entered_by, record.drug) == (True, nurse, planned[0].drug)
    with translation.override("nb"), pytest.raises(InvalidInput) as error:
        planned_dose_record(**values, given=False, reason="sov")
    assert error.value.errors[0]["field"] == "slot"
    assert "Allerede registrert kl." in error.value.errors[0]["message"]
    record.given = False
    with pytest.raises(ValueError, match="immutable"):
        record.save()
    assert PlannedDoseRecord.objects.count() == 1


def test_a_correction_keeps_the_original_with_who_when_and_why(episode, planned, nurse, clinician):
    now = timezone.now().replace(second=0, microsecond=0)
    original = planned_dose_record(
        episode=episode,
        due_date=timezone.localdate(now),
        slot=_slot(planned, "oxazepam"),
        given=True,
        user=nurse,
        now=now,
    )
    with pytest.raises(InvalidInput) as error:
        planned_dose_correct(
            original=original,
            given=False,
            reason_not_given="",
            recorded_at=now,
            reason="",
            user=clinician,
            now=now,
        )
    assert sorted(problem["field"] for problem in error.value.errors) == [
        "reason",
        "reason_not_given",
    ]
    later = now + dt.timedelta(minutes=5)
    correction = planned_dose_correct(
        original=original,
        given=False,
        reason_not_given="Pasienten sov",
        recorded_at=now,
        reason="Feil pasient krysset av",
        user=clinician,
        now=later,
    )
    original.refresh_from_db()
    assert original.given is True
    assert (original.entered_by, original.entered_at) == (nurse, now)
    assert correction.supersedes == original
    assert (correction.entered_by, correction.entered_at) == (clinician, later)
    assert correction.correction_reason == "Feil pasient krysset av"
    assert list(PlannedDoseRecord.objects.current()) == [correction]
    assert AccessLogEntry.objects.filter(what__contains="corrected by").exists()
    # The episode's audit trail: the first answer, then the correction with old → new and why.
    recorded, corrected = EpisodeEvent.objects.filter(
        episode=episode, kind__startswith="planned_dose"
    ).order_by("at", "pk")
    assert (recorded.kind, recorded.by) == ("planned_dose_recorded", nurse)
    assert recorded.new == {**(recorded.new or {}), "given": True}
    assert (corrected.kind, corrected.by, corrected.at) == (
        "planned_dose_corrected",
        clinician,
        later,
    )
    assert (corrected.old or {}).get("given") is True
    assert (corrected.new or {}).get("given") is False
    assert corrected.reason == "Feil pasient krysset av"


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_plan_the_totals_and_thiamine_not_given(client, episode, planned, nurse):
    now = timezone.now()
    ciwa = score(episode, user=nurse, total=17, observed_at=now - dt.timedelta(minutes=30))
    give(episode, user=nurse, given_at=now - dt.timedelta(minutes=20), assessment=ciwa)
    give(
        episode,
        user=nurse,
        drug="olanzapine",
        dose_mg="5",
        given_at=now - dt.timedelta(minutes=10),
    )
    client.force_login(nurse)
    page = client.get(reverse("ward-medication", args=[episode.pk])).content.decode()
    assert "Legemiddelutdeling" in page
    assert page.count('data-testid="planned-') >= 5  # the table and its rows
    diazepam = page[page.index('data-testid="cumulative-diazepam"') :]
    assert "10 mg" in diazepam[: diazepam.index("</dd>")]
    olanzapine = page[page.index('data-testid="cumulative-olanzapine"') :]
    assert "5 mg" in olanzapine[: olanzapine.index("</dd>")]
    thiamine = page[page.index('data-testid="thiamine-status"') :]
    assert "ikke gitt" in thiamine[: thiamine.index("</p>")]
    assert AccessLogEntry.objects.filter(
        user=nurse, patient=episode.patient, what="medication administration"
    ).exists()


def test_marking_thiamine_given_from_the_page(client, episode, planned, nurse):
    client.force_login(nurse)
    url = reverse("ward-medication-record", args=[episode.pk])
    response = client.post(url, {"slot": _slot(planned, "thiamine"), "given": "yes"}, follow=True)
    page = response.content.decode()
    thiamine = page[page.index('data-testid="thiamine-status"') :]
    assert "gitt i dag" in thiamine[: thiamine.index("</p>")]
    assert "registrert som gitt" in page
    # Not given without a reason: nothing stored, the reason field named.
    response = client.post(url, {"slot": _slot(planned, "oxazepam"), "given": "no"})
    assert response.status_code == 400
    assert "Oppgi hvorfor dosen ikke ble gitt" in response.content.decode()
    assert PlannedDoseRecord.objects.count() == 1


def test_thiamine_not_in_the_plan_is_not_ordered(client, episode, nurse):
    client.force_login(nurse)
    page = client.get(reverse("ward-medication", args=[episode.pk])).content.decode()
    thiamine = page[page.index('data-testid="thiamine-status"') :]
    assert "ikke forordnet" in thiamine[: thiamine.index("</p>")]


def test_an_administrator_may_not_open_the_view(client, episode, administrator):
    client.force_login(administrator)
    assert client.get(reverse("ward-medication", args=[episode.pk])).status_code == 403


def test_the_board_and_the_patient_header_link_to_the_view(client, episode, nurse):
    client.force_login(nurse)
    url = reverse("ward-medication", args=[episode.pk])
    assert url in client.get(reverse("ward-board")).content.decode()
    assert url in client.get(reverse("episode-scores", args=[episode.pk])).content.decode()


def test_the_query_count_does_not_grow_with_doses_or_answers(client, episode, planned, nurse):
    client.force_login(nurse)
    url = reverse("ward-medication", args=[episode.pk])
    now = timezone.now()
    score(episode, user=nurse, total=17, observed_at=now - dt.timedelta(hours=3))
    give(episode, user=nurse, given_at=now - dt.timedelta(hours=2, minutes=50))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for minutes in range(5):
        give(
            episode,
            user=nurse,
            dose_mg=str(5 + minutes),
            given_at=now - dt.timedelta(hours=2, minutes=40 - minutes),
        )
    today = timezone.localdate(now)
    for dose in planned:
        planned_dose_record(
            episode=episode, due_date=today, slot=dose.slot, given=True, user=nurse, now=now
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("/ward/planned-doses/") == len(planned)
    assert len(many) == len(few)


# --- local days over DST nights ------------------------------------------------------------------


def test_a_local_day_is_23_or_25_hours_on_a_dst_night():
    spring_start, spring_end = local_day_bounds(dt.date(2026, 3, 29))
    autumn_start, autumn_end = local_day_bounds(dt.date(2026, 10, 25))
    assert spring_end - spring_start == dt.timedelta(hours=23)
    assert autumn_end - autumn_start == dt.timedelta(hours=25)
    assert spring_start == dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)


def test_a_dose_in_the_extra_autumn_hour_counts_on_that_day(ward, nurse):
    # 02:30 local time happens twice on 25.10.2026; the second (01:30 UTC) is still that day.
    episode = make_inpatient(unit=ward, admitted_at=dt.datetime(2026, 10, 20, 8, tzinfo=dt.UTC))
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC)
    moment = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    give(episode, user=nurse, given_at=moment)
    day = medication_day(episode, dt.date(2026, 10, 25), now)
    assert [dose.dose_mg for dose in day.given] == [Decimal("10.00")]
    assert medication_day(episode, dt.date(2026, 10, 24), now).given == []


def test_the_result_page_says_thiamine_is_not_given_when_planned_and_not_ordered_otherwise(
    client, episode, nurse, clinician
):
    client.force_login(nurse)
    ciwa = score(episode, user=nurse, total=12, observed_at=timezone.now().replace(second=0))
    url = reverse("assessment-detail", args=[ciwa.pk])
    page = client.get(url).content.decode()
    line = page[page.index('data-testid="thiamine-status"') :]
    assert "ikke forordnet" in line[: line.index("</p>")]
    now = timezone.now()
    thiamine = _thiamine_proposal(episode)
    plan_services.medication_plan_line_accept(
        episode=episode, proposal=thiamine, user=clinician, now=now
    )
    page = client.get(url).content.decode()
    line = page[page.index('data-testid="thiamine-status"') :]
    assert "ikke gitt" in line[: line.index("</p>")]
    give(episode, user=nurse, drug="thiamine", dose_mg="100", route="im", given_at=now)
    page = client.get(url).content.decode()
    line = page[page.index('data-testid="thiamine-status"') :]
    assert "gitt i dag" in line[: line.index("</p>")]


@pytest.mark.parametrize(
    ("language", "diazepam_label", "olanzapine_label", "olanzapine"),
    [
        (
            "nb",
            "Diazepam i gjeldende opptrapping",
            "Olanzapin i dette oppholdet",
            "10 mg av høyst 30 mg",
        ),
        (
            "en",
            "Diazepam in the current escalation",
            "Olanzapine in this stay",
            "10 mg of at most 30 mg",
        ),
    ],
)
def test_olanzapine_is_the_stay_s_total_and_labelled_so(
    client, ward, nurse, settings, language, diazepam_label, olanzapine_label, olanzapine
):
    """Audit: olanzapine was shown under "In the current escalation", but its 30 mg maximum is
    counted over the whole stay (as the advice and the handover count it). A dose given in an
    earlier escalation counts, and the page says "in this stay"."""
    now = timezone.now()
    episode = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(days=3))
    score(episode, user=nurse, total=18, observed_at=now - dt.timedelta(days=2), now=now)
    give(episode, user=nurse, drug="olanzapine", dose_mg="10", given_at=now - dt.timedelta(days=2))
    score(episode, user=nurse, total=5, observed_at=now - dt.timedelta(days=1), now=now)  # ends it
    score(episode, user=nurse, total=17, observed_at=now - dt.timedelta(hours=1), now=now)
    give(episode, user=nurse, dose_mg="10", given_at=now - dt.timedelta(minutes=50))
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(reverse("ward-medication", args=[episode.pk])).content.decode()

    totals = page[page.index('data-testid="escalation-totals"') :]
    totals = totals[: totals.index("</section>")]
    facts = {
        fact.split("</dt>")[0].split("<dt>")[-1]: fact.split("</dd>")[0]
        for fact in totals.split("<div>")[1:]
    }
    assert "10 mg" in facts[diazepam_label]
    assert olanzapine in facts[olanzapine_label]
    assert "I gjeldende opptrapping" not in totals
    assert "In the current escalation" not in totals


def test_a_dose_given_links_to_its_correction(client, episode, nurse):
    """Audit: the view listed the doses given with no way to correct one; the scores page has
    the link, to the same correction page."""
    dose = give(episode, user=nurse, given_at=timezone.now() - dt.timedelta(minutes=10))
    correct = reverse("administration-correct", args=[dose.pk])
    client.force_login(nurse)

    page = client.get(reverse("ward-medication", args=[episode.pk])).content.decode()

    given = page[page.index('data-testid="given-doses"') :]
    here = reverse("ward-medication", args=[episode.pk])
    link = f"{correct}?next={here}"
    assert f'href="{link}"' in given[: given.index("</table>")]
    form = client.get(link).content.decode()
    assert f'name="next" value="{here}"' in form

    # Saved, the nurse is back on the medication view, not on another page.
    response = client.post(
        correct,
        {
            "drug": "diazepam",
            "dose_mg": "5",
            "route": "oral",
            "given_at": timezone.localtime(dose.given_at).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Var 5 mg",
            "next": here,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == here


def test_a_correction_never_sends_the_nurse_off_the_site(client, episode, nurse):
    dose = give(episode, user=nurse, given_at=timezone.now() - dt.timedelta(minutes=10))
    client.force_login(nurse)
    response = client.post(
        reverse("administration-correct", args=[dose.pk]),
        {
            "drug": "diazepam",
            "dose_mg": "5",
            "route": "oral",
            "given_at": timezone.localtime(dose.given_at).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Var 5 mg",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("episode-scores", args=[episode.pk])


@pytest.mark.parametrize(("language", "clock"), [("nb", r"\d\d\.\d\d"), ("en", r"\d\d:\d\d")])
def test_the_planned_times_are_in_the_language_s_time_format(
    client, episode, planned, nurse, settings, language, clock
):
    """Audit: the plan's times were shown as stored ("08:00") on Norwegian pages too."""
    import re

    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(reverse("ward-medication", args=[episode.pk])).content.decode()

    table = page[page.index('data-testid="planned-doses"') :]
    table = table[: table.index("</table>")]
    rows = table.split("<tr data-testid=")[1:]
    times = [row.split("<td>")[1].split("</td>")[0] for row in rows]
    taper = [time for time in times if time[:1].isdigit()]
    assert len(taper) == len([dose for dose in planned if "oxazepam" in dose.drugs]) == 3
    assert all(re.fullmatch(clock, time) for time in taper), times
