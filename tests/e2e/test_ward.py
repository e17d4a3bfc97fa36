"""The nurse's round: the ward board, a CIWA-Ar of 17 entered on the tablet, the advice.

Issue #5, "Done when": the nurse opens the ward board and sees an overdue patient first, enters a
CIWA-Ar of 17 for a patient with earlier delirium tremens, sees "hourly" (hver time), the diazepam
advice citing 8.4.6 and the patient's next due time one hour later.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import TEST_PASSWORD
from tests.factories import make_unit
from tests.scoring.factories import make_inpatient, score, set_history

pytestmark = pytest.mark.browser

OSLO = ZoneInfo("Europe/Oslo")
# A CIWA-Ar of 17, item by item, as a nurse would tap it.
TAPS = {
    "nausea_vomiting": 2,
    "tremor": 4,
    "paroxysmal_sweats": 3,
    "anxiety": 3,
    "agitation": 2,
    "tactile_disturbances": 0,
    "auditory_disturbances": 0,
    "visual_disturbances": 1,
    "headache": 2,
    "orientation": 0,
}


@pytest.fixture
def ward_round(transactional_db, make_user):
    # A transactional test before this one may have emptied the guideline tables that the data
    # migration filled; the citations need them. The loader is idempotent.
    call_command("load_guideline", verbosity=0)
    nurse = make_user("nurse", username="sykepleier", first_name="Siri", last_name="Sykepleier")
    clinician = make_user("clinician", username="lege")
    unit = make_unit(name="Avrusning Nord", staff=[nurse, clinician])
    now = timezone.now().replace(second=0, microsecond=0)
    admitted = now - dt.timedelta(days=1)

    overdue = make_inpatient(unit=unit, admitted_at=admitted, given_name="Ola", family_name="Berg")
    score(overdue, user=nurse, total=6, observed_at=now - dt.timedelta(hours=5), now=now)

    kari = make_inpatient(unit=unit, admitted_at=admitted, given_name="Kari", family_name="Dahl")
    set_history(kari, user=clinician, complications=["delirium_tremens"])
    score(kari, user=nurse, total=3, observed_at=now - dt.timedelta(hours=1), now=now)
    return nurse


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_nurse_sees_the_overdue_patient_first_and_scores_ciwa_17_with_dosing_advice(
    page, ward_round
):
    log_in(page, "sykepleier")

    page.goto("/ward/")
    assert page.get_by_role("heading", level=1).inner_text() == "Avdelingstavle"
    rows = page.get_by_test_id("board-row")
    assert rows.count() == 2
    assert "Ola Berg" in rows.first.inner_text()
    assert "Forsinket" in rows.first.inner_text()
    assert rows.first.get_attribute("data-status") == "overdue"

    rows.filter(has_text="Kari Dahl").get_by_role("link", name="Skår CIWA-Ar").click()
    page.wait_for_url("**/score/ciwa-ar/")
    for item, value in TAPS.items():
        page.locator(f"#item-{item} label.tile:has(input[value='{value}'])").click()
    assert page.get_by_test_id("running-total").inner_text() == "17"
    observed_local = page.locator("#id_observed_at").input_value()
    page.get_by_test_id("save-score").click()

    page.wait_for_url("**/ward/assessments/*/")
    assert page.get_by_test_id("total").inner_text() == "17"
    assert "hver time" in page.get_by_test_id("interval").inner_text()
    advice = page.get_by_test_id("advice-diazepam_hourly")
    assert "Diazepam 10 mg" in advice.inner_text()
    assert "8.4.6" in advice.get_by_role("link").first.inner_text()
    observed = dt.datetime.strptime(observed_local, "%Y-%m-%dT%H:%M").replace(tzinfo=OSLO)
    next_due = (observed.astimezone(dt.UTC) + dt.timedelta(hours=1)).astimezone(OSLO)
    assert page.get_by_test_id("next-due").inner_text() == next_due.strftime("%d.%m.%Y kl. %H.%M")
