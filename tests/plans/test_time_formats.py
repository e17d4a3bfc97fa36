"""Issue 14 audit: the care plan's times and the guideline edition's date in the language's
formats (Norwegian 08.00 and 11.11.2014, English 08:00 and 2014-11-11)."""

import re

import pytest
from django.utils import timezone, translation

from plans.care_plan import care_plan_context, care_plan_html
from plans.selectors import guideline_edition_label
from tests.factories import make_unit
from tests.plans.test_plan_cast import accept_alprazolam_taper, benzodiazepine_outpatient

pytestmark = pytest.mark.usefixtures("taper_week_clock")


@pytest.mark.parametrize(("language", "date"), [("nb", "11.11.2014"), ("en", "2014-11-11")])
def test_the_edition_label_dates_the_draft_in_the_language_s_format(db, language, date):
    with translation.override(language):
        label = guideline_edition_label()
    assert label.startswith(f"IS-2211 ({date}, ")


@pytest.mark.parametrize(
    ("language", "times"),
    [("nb", ["08.00", "14.00", "20.00"]), ("en", ["08:00", "14:00", "20:00"])],
)
def test_the_care_plan_s_taper_calendar_has_the_language_s_times(clinician, language, times):
    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    with translation.override(language):
        html = care_plan_html(care_plan_context(episode, now=timezone.now()))
    header = html[html.index('class="grid calendar"') :]
    header = header[: header.index("</thead>")]
    assert re.findall(r'<th scope="col">(\d\d\D\d\d)</th>', header) == times


@pytest.mark.parametrize(("language", "shown"), [("nb", "08.00, 20.00"), ("en", "08:00, 20:00")])
def test_the_taper_form_s_dose_times_are_in_the_page_s_language(language, shown):
    """Review: the choices were joined once at import, so Norwegian pages showed 08:00, 20:00."""
    from django.utils import translation

    from plans.forms import TaperForm

    with translation.override(language):
        html = str(TaperForm()["doses_per_day"])
    assert shown in html
