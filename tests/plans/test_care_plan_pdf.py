"""The care-plan PDF's content: every section (read back with pdftotext), the cited
recommendations in full, and page 1 of a fixed case against a stored reference image.

Regenerate the reference after an intended change of the layout with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/plans/test_care_plan_pdf.py`` and look at
``tests/plans/reference/care_plan_page1.png`` before committing it.
"""

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import time_machine
from PIL import Image, ImageChops, ImageStat

from plans import services
from plans.care_plan import care_plan_context, care_plan_document, ref_sort_key
from scoring.services import monitoring_choose
from tests.factories import make_unit
from tests.plans.test_plan_cast import (
    FIXED_NOW,
    accept_alprazolam_taper,
    benzodiazepine_outpatient,
    opioid_patient,
)
from tests.scoring.factories import score
from tests.tools import need

REFERENCE = Path(__file__).parent / "reference" / "care_plan_page1.png"
# Mean difference per pixel, as a share of full black-to-white; fonts and anti-aliasing differ a
# little between machines, a changed layout or a missing section far more.
TOLERANCE = 0.02
SETUP_TIME = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


class NoQueue:
    def delay(self, care_plan_id):
        pass


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    pdftotext = need("pdftotext")
    path = tmp_path / "care-plan.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        [pdftotext, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def fixed_case(db, clinician, nurse):
    """Fixed names, numbers and times: the same document on every run."""
    with time_machine.travel(SETUP_TIME, tick=False):
        unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
        episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    services.discharge_checklist_update(
        episode=episode,
        user=clinician,
        done={"followup_planned": True},
        notes={"followup_planned": "Poliklinisk oppfølging hos fastlegen"},
        now=FIXED_NOW,
    )
    care_plan = services.care_plan_request(
        episode=episode, user=clinician, task=NoQueue(), now=FIXED_NOW
    )
    return episode, care_plan


@pytest.fixture
def fixed_pdf(fixed_case):
    episode, care_plan = fixed_case
    return care_plan_document(episode, care_plan=care_plan, now=FIXED_NOW)


@pytest.mark.parametrize(
    "heading",
    [
        "Behandlingsplan",
        "Pasient og forløp",
        "Sammendrag av innkomstsamtalen",
        "Behandlingsnivå",
        "Legemiddelplan",
        "Nedtrappingskalender",
        "Overvåkingsplan",
        "Skåringsforløp",
        "Utskrivning og overdoseforebygging",
        "Signaturer",
        "Vedlegg: anbefalinger som siteres",
    ],
)
def test_every_section_is_in_the_pdf(fixed_pdf, tmp_path, heading):
    assert heading in pdf_text(fixed_pdf, tmp_path)


def test_the_header_has_the_patient_the_time_and_the_guideline_edition(fixed_pdf, tmp_path):
    text = pdf_text(fixed_pdf, tmp_path)
    assert "Kari Nordmann" in text
    assert "Versjon 1, laget 24.11.2026 kl. 13.00" in text  # 12:00 UTC is 13:00 in Oslo
    assert "IS-2211 (11.11.2014, Utgave til ekstern høring)" in text
    assert "Side 1 av" in text


def test_the_taper_calendar_is_in_the_pdf(fixed_pdf, tmp_path):
    text = pdf_text(fixed_pdf, tmp_path)
    assert "Startdose 60 mg oksazepam per døgn (poliklinisk)" in text
    assert "01.12.2026–07.12.2026" in text
    assert "2 × 10 mg" in text
    assert "Første dag uten legemidlet" in text


def test_the_cited_recommendations_are_in_the_appendix_in_full(fixed_pdf, tmp_path):
    text = pdf_text(fixed_pdf, tmp_path)
    appendix = text.split("Vedlegg: anbefalinger som siteres", 1)[1]
    assert "9.3.1-1 Styrkegrad B Benzodiazepiner bør ikke bråseponeres etter lengre tids bruk" in (
        appendix
    )
    assert "6.4.1-1 Styrkegrad C" in appendix


def test_the_appendix_lists_every_ref_cited_once_in_guideline_order(fixed_case):
    episode, care_plan = fixed_case
    context = care_plan_context(episode, care_plan=care_plan, now=FIXED_NOW)
    refs = [citation["ref"] for citation in context["appendix"]]
    assert refs == sorted(set(refs), key=ref_sort_key)
    taper_refs = set(context["medication"]["tapers"][0].refs)
    assert taper_refs <= set(refs)
    assert {"6.4.1-1", "6.4.1-2"} <= set(refs)


def test_the_level_decision_and_its_reasons_are_in_the_pdf(fixed_pdf, tmp_path):
    text = pdf_text(fixed_pdf, tmp_path)
    assert "Poliklinisk avrusning" in text
    assert "forslaget ble godtatt" in text


def test_an_override_and_its_reason_are_in_the_pdf(db, clinician, tmp_path):
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(
        unit=unit,
        clinician=clinician,
        substances=[{"substance": "benzodiazepines", "dependent": True}],
    )
    text = pdf_text(care_plan_document(episode, now=FIXED_NOW), tmp_path)
    assert "Overstyrt" in text
    assert "Stabil dose, god motivasjon (testoppsett)" in text


def test_the_overdose_prevention_section_for_an_opioid_patient(db, clinician, tmp_path):
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = opioid_patient(unit=unit, clinician=clinician)
    text = pdf_text(care_plan_document(episode, now=FIXED_NOW), tmp_path)
    assert "Overdoseforebygging: gjelder" in text
    assert "Nalokson nesespray utlevert, med opplæring" in text
    assert "25-50 %" in text
    assert "16 ganger større" in text
    assert "10.3-2 Styrkegrad C" in text  # cited, so in the appendix too


def test_the_score_trend_chart_and_table_are_in_the_pdf(db, clinician, nurse, tmp_path):
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = opioid_patient(unit=unit, clinician=clinician)
    monitoring_choose(episode=episode, instrument="ciwa-ar", user=nurse, now=FIXED_NOW)
    first = FIXED_NOW - dt.timedelta(hours=3)
    score(episode, user=nurse, total=14, observed_at=first, now=FIXED_NOW)
    score(episode, user=nurse, total=8, observed_at=first + dt.timedelta(hours=1), now=FIXED_NOW)
    context = care_plan_context(episode, now=FIXED_NOW)
    assert "<svg" in context["trends"][0]["svg"]
    text = pdf_text(care_plan_document(episode, now=FIXED_NOW), tmp_path)
    assert "CIWA-Ar" in text
    assert "24.11.2026 kl. 10.00 14" in text
    assert "hver 4. time" in text  # the monitoring plan, 8.4.6-2


# --- Golden image -----------------------------------------------------------------------------


def page_one(pdf: bytes, tmp_path: Path) -> Image.Image:
    pdftoppm = need("pdftoppm")
    path = tmp_path / "care-plan.pdf"
    path.write_bytes(pdf)
    prefix = tmp_path / "page"
    subprocess.run(  # noqa: S603
        [pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(prefix)],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    return Image.open(png).convert("L")


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    if first.size != second.size:
        return 1.0
    return ImageStat.Stat(ImageChops.difference(first, second)).mean[0] / 255


def test_page_one_of_the_fixed_case_matches_the_reference(fixed_pdf, tmp_path):
    image = page_one(fixed_pdf, tmp_path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        image.save(REFERENCE)
        pytest.skip(f"reference image written to {REFERENCE}")
    reference = Image.open(REFERENCE).convert("L")
    difference = mean_difference(image, reference)
    if difference >= TOLERANCE:
        image.save(tmp_path / "actual.png")
    assert difference < TOLERANCE, f"page 1 differs by {difference:.2%}; see {tmp_path}"


def test_the_comparison_notices_a_different_page(fixed_pdf, tmp_path):
    image = page_one(fixed_pdf, tmp_path)
    blank = Image.new("L", image.size, 255)
    assert mean_difference(image, blank) > TOLERANCE
