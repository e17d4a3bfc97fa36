"""A clinician takes the intake of a benzodiazepine-dependent outpatient on alprazolam 2 mg a day,
accepts an oxazepam taper, requests the care plan, waits for it to be ready, downloads the PDF,
and finds the taper calendar and the cited 9.3.1-1 in it."""

import datetime as dt
import re
import subprocess

import pytest
from playwright.sync_api import expect

from patients.models import EpisodeStatus, Sex
from tests.conftest import TEST_PASSWORD
from tests.factories import make_episode, make_patient, make_unit, national_id
from tests.tools import need

pytestmark = pytest.mark.browser


def _answer(page, question, answer):
    """Tick an answer in the yes / no / unknown group whose legend is ``question``."""
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def _pdf_text(path):
    pdftotext = need("pdftotext")
    result = subprocess.run(  # noqa: S603
        [pdftotext, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return " ".join(result.stdout.decode().split())


def test_benzodiazepine_outpatient_taper_to_care_plan_pdf(
    page, shipped_guideline, make_user, tmp_path
):
    clinician = make_user("clinician", username="lise", first_name="Lise", last_name="Lege")
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    patient = make_patient(
        unit=unit,
        user=clinician,
        national_id=national_id(dt.date(1975, 6, 2), sex=Sex.MALE),
        given_name="Bernt",
        family_name="Benzo",
    )
    episode = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)

    page.goto("/login/")
    page.get_by_label("Brukernavn").fill("lise")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    # The intake: benzodiazepines only (alprazolam 2 mg a day), dependent, not injecting.
    page.goto(f"/patients/episodes/{episode.pk}/intake/")
    page.get_by_role("heading", name="Innkomstsamtale", level=1).wait_for()
    benzodiazepines = page.get_by_test_id("substance-benzodiazepines")
    benzodiazepines.get_by_label("I bruk").check()
    benzodiazepines.get_by_label("Type eller preparat").fill("alprazolam")
    benzodiazepines.get_by_role("group", name="Avhengig").get_by_label("Ja", exact=True).check()
    benzodiazepines.get_by_role("group", name="Injiserer").get_by_label("Nei", exact=True).check()
    benzodiazepines.get_by_label("Mengde siste uke").fill("2 mg daglig")
    benzodiazepines.get_by_label("Dager med sammenhengende bruk").fill("400")
    page.get_by_role("group", name="Komplikasjoner ved tidligere avrusning").get_by_label(
        "ingen", exact=True
    ).check()
    for question in (
        "Samtidige somatiske helseproblemer",
        "Akutt somatisk sykdom som trenger behandling nå",
        "Samtidige psykiske helseproblemer",
        "Alvorlig psykisk lidelse",
        "Høy selvmordsrisiko",
        "I legemiddelassistert rehabilitering (LAR)",
        "I varetekt eller fengsel",
        "Lar seg ikke vekke",
        "Delir nå (delirium tremens)",
    ):
        _answer(page, question, "Nei")
    page.get_by_role("group", name="Kriterier for akutt intervensjon").get_by_label(
        "ingen gjelder", exact=True
    ).check()
    page.get_by_role("group", name="Pasientens eget ønske").get_by_label("Poliklinisk").check()
    _answer(page, "Pårørende kan følge pasienten tett opp hjemme", "Ja")
    _answer(page, "Medisinsk oppfølging tilgjengelig poliklinisk", "Ja")
    page.get_by_role("button", name="Lagre og se forslag til behandlingsnivå").click()

    # The proposal is outpatient detox; the clinician accepts it.
    expect(page.get_by_test_id("proposed-level")).to_contain_text("Poliklinisk")
    page.get_by_role("button", name=re.compile(r"^Godta")).click()
    expect(page.get_by_test_id("episode-setting")).to_have_text("Poliklinisk")

    # The medication plan: an oxazepam taper from alprazolam 2 mg a day, previewed, then accepted.
    page.goto(f"/plans/episodes/{episode.pk}/medication/")
    page.get_by_role("heading", name="Legemiddelplan", level=1).wait_for()
    expect(page.locator("#id_drug_0")).to_have_value("alprazolam")  # from the intake
    page.locator("#id_mg_0").fill("2")
    page.locator("#id_taper_drug").select_option("oxazepam")
    page.locator("#id_setting").select_option("outpatient")
    page.locator("#id_start_date").fill("2026-12-01")
    page.locator("#id_weekly_reduction_percent").fill("10")
    page.locator("#id_doses_per_day").select_option("3")
    page.get_by_role("button", name="Forhåndsvis").click()
    preview = page.get_by_test_id("taper-preview")
    expect(preview).to_contain_text("Startdose 60 mg oksazepam per døgn")
    page.get_by_role("button", name="Godta nedtrappingen").click()
    calendar = page.locator("#tapers").get_by_test_id("taper-calendar")
    expect(calendar).to_contain_text("Nedtrappingskalender")
    expect(calendar).to_contain_text("2 × 10 mg")
    expect(page.get_by_test_id("plan-version")).to_have_text("Versjon 1")

    # The care plan: requested, made (the list updates itself), downloaded.
    page.get_by_role("navigation", name="Forløp", exact=True).get_by_role(
        "link", name="Behandlingsplaner"
    ).click()
    page.get_by_test_id("request-care-plan").click()
    first = page.get_by_test_id("care-plan-1")
    expect(first).to_have_attribute("data-status", "ready", timeout=60_000)
    with page.expect_download() as download_info:
        first.get_by_test_id("download-care-plan").click()
    pdf_path = tmp_path / "behandlingsplan.pdf"
    download_info.value.save_as(pdf_path)

    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf_path)
    assert "Nedtrappingskalender" in text
    assert "01.12.2026–07.12.2026" in text
    assert "9.3.1-1" in text
    assert "9.3.1-1 Styrkegrad B Benzodiazepiner bør ikke bråseponeres" in text
    assert "Bernt Benzo" in text
