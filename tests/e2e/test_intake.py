"""A clinician registers a patient, plans an episode, takes the intake of an alcohol-only patient
with earlier delirium tremens, sees the inpatient proposal citing 8.3.3-1, overrides it with a
reason, and finds the override in the episode's history."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from guidelines.loading import guideline_load, read_shipped_data
from tests.conftest import TEST_PASSWORD
from tests.factories import make_unit, national_id

pytestmark = pytest.mark.browser

OVERRIDE_REASON = "Siste delirium for 20 år siden; kona er hjemme hele uken."


def _answer(page, question, answer):
    """Tick an answer in the yes / no / unknown group whose legend is ``question``."""
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def test_full_intake_for_alcohol_with_earlier_delirium_tremens_then_override(
    page, transactional_db, make_user
):
    # A transactional test starts from empty tables: load the shipped guideline again.
    shipped = read_shipped_data()
    guideline_load(data=shipped.guideline, units=shipped.units, now=timezone.now())
    clinician = make_user("clinician", username="lise", first_name="Lise", last_name="Lege")
    make_unit(name="Avrusningsenheten", staff=[clinician])

    page.goto("/login/")
    page.get_by_label("Brukernavn").fill("lise")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/patients/")

    # Register the patient: birth date and sex come from the number.
    page.goto("/patients/")
    page.get_by_role("link", name="Registrer pasient").click()
    page.get_by_label("Fødselsnummer", exact=True).fill(national_id(dt.date(1968, 3, 14)))
    page.get_by_label("Fornavn").fill("Arne")
    page.get_by_label("Etternavn").fill("Testesen")
    page.get_by_role("button", name="Registrer pasient").click()
    page.get_by_role("heading", name="Arne Testesen").wait_for()
    assert "14.03.1968" in page.content()

    # Plan the episode and open the intake.
    page.get_by_role("link", name="Planlegg nytt forløp").click()
    page.get_by_role("button", name="Planlegg forløp").click()
    page.get_by_role("link", name="Ta innkomstsamtale").click()
    page.get_by_role("heading", name="Innkomstsamtale", level=1).wait_for()

    # Substance history: alcohol only, dependent, not injecting.
    alcohol = page.get_by_test_id("substance-alcohol")
    alcohol.get_by_label("I bruk").check()
    alcohol.get_by_label("Type eller preparat").fill("Brennevin")
    alcohol.get_by_role("group", name="Avhengig").get_by_label("Ja", exact=True).check()
    alcohol.get_by_role("group", name="Injiserer").get_by_label("Nei", exact=True).check()
    alcohol.get_by_label("Dager med sammenhengende bruk").fill("21")
    page.get_by_label("Alkoholenheter per dag").fill("18")

    # Earlier detox: delirium tremens.
    page.get_by_label("Tidligere avrusninger", exact=True).fill("2")
    page.get_by_role("group", name="Komplikasjoner ved tidligere avrusning").get_by_label(
        "delirium tremens"
    ).check()

    # Somatic and mental health, psychosocial situation.
    page.get_by_label("Faste legemidler").fill("Ingen")
    for question in (
        "Samtidige somatiske helseproblemer",
        "Akutt somatisk sykdom som trenger behandling nå",
        "Samtidige psykiske helseproblemer",
        "Alvorlig psykisk lidelse",
        "Høy selvmordsrisiko",
        "I legemiddelassistert rehabilitering (LAR)",
        "I varetekt eller fengsel",
    ):
        _answer(page, question, "Nei")

    # Examination (7.2-3) and laboratory (7.2-4), with a decimal comma.
    _answer(page, "Orientert for tid og sted", "Ja")
    _answer(page, "Lar seg ikke vekke", "Nei")
    page.get_by_label("Temperatur (°C)").fill("37,4")
    page.get_by_label("Puls (per minutt)").fill("104")
    _answer(page, "Mistanke om alvorlig dehydrering eller elektrolyttforstyrrelse", "Nei")
    page.get_by_label("Alkohol i utåndingsluft (‰)").fill("0,6")
    page.get_by_label("EKG", exact=True).check()

    # The patient's preference and the outpatient conditions.
    page.get_by_role("group", name="Pasientens eget ønske").get_by_label("Poliklinisk").check()
    _answer(page, "Pårørende kan følge pasienten tett opp hjemme", "Ja")
    _answer(page, "Medisinsk oppfølging tilgjengelig poliklinisk", "Ja")
    _answer(page, "Kan ta legemidler, væske og mat gjennom munnen", "Ja")

    page.get_by_role("button", name="Lagre og se forslag til behandlingsnivå").click()

    # The proposal: inpatient, citing 8.3.3-1 with its grade.
    level = page.get_by_test_id("proposed-level")
    level.wait_for()
    assert "Døgn" in level.inner_text()
    reasons = page.get_by_test_id("reasons")
    citation = reasons.get_by_role("link", name=re.compile(r"8\.3\.3-1"))
    assert citation.count() == 1
    assert "B" in citation.inner_text()
    assert "delirium tremens" in reasons.inner_text()
    assert page.get_by_test_id("detox-units").is_visible()

    # Override with a reason.
    page.get_by_text("Overstyr forslaget").click()
    page.get_by_role("group", name="Behandlingsnivå").get_by_label("Poliklinisk avrusning").check()
    page.get_by_label("Begrunnelse for å overstyre forslaget").fill(OVERRIDE_REASON)
    page.get_by_role("button", name="Lagre overstyring").click()
    page.get_by_test_id("latest-decision").wait_for()
    assert "Forslaget overstyrt" in page.get_by_test_id("latest-decision").inner_text()
    assert page.get_by_test_id("episode-setting").inner_text() == "Poliklinisk"

    # The episode's history shows the override with its reason.
    page.get_by_role("navigation", name="Forløp").get_by_role("link", name="Historikk").click()
    history = page.get_by_test_id("history")
    history.wait_for()
    decided = history.locator('[data-kind="level_decided"]')
    assert "Forslaget overstyrt" in decided.inner_text()
    assert "Døgnbasert avrusning" in decided.inner_text()
    assert OVERRIDE_REASON in decided.inner_text()
    assert history.locator('[data-kind="intake_saved"]').count() == 1
