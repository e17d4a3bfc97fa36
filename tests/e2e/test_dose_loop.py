"""Issue 14, "Done when": on the tablet (820×1180), a dose registered from the result page
updates the advice's diazepam total and clears the form; the same form sent twice says
"Allerede registrert" and is stored once."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from scoring.models import MedicationAdministration
from tests.e2e.test_ward import log_in
from tests.factories import make_unit
from tests.scoring.factories import make_inpatient, score, set_history

pytestmark = pytest.mark.browser

# Send the form as it stands with fetch: the first of two sends of one form (a double tap).
SEND_FORM_ONCE = """() => {
  const form = document.querySelector('[data-testid="dose-form"]');
  return fetch(form.action, {method: 'POST', body: new FormData(form),
                             credentials: 'same-origin', redirect: 'manual'})
    .then(response => response.type);
}"""


@pytest.fixture
def result_of_17(transactional_db, make_user):
    call_command("load_guideline", verbosity=0)
    nurse = make_user("nurse", username="sykepleier", first_name="Siri", last_name="Sykepleier")
    clinician = make_user("clinician", username="lege")
    unit = make_unit(name="Avrusning Nord", staff=[nurse, clinician])
    now = timezone.now().replace(second=0, microsecond=0)
    kari = make_inpatient(
        unit=unit, admitted_at=now - dt.timedelta(days=1), given_name="Kari", family_name="Dahl"
    )
    set_history(kari, user=clinician, complications=["delirium_tremens"])
    return score(kari, user=nurse, total=17, observed_at=now - dt.timedelta(minutes=5), now=now)


@pytest.fixture
def tablet(chromium_browser, live_server):
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 820, "height": 1180}, has_touch=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_dose_from_the_result_page_updates_the_advice_and_a_double_submit_is_said(
    tablet, result_of_17
):
    page = tablet
    log_in(page, "sykepleier")
    page.goto(f"/ward/assessments/{result_of_17.pk}/")
    dose = page.locator('[data-testid="dose-form"] input[name="dose_mg"]')
    assert dose.input_value() == "10"  # the advice's dose, until a dose answers the score
    assert page.get_by_test_id("diazepam-given").count() == 0

    page.locator('[data-testid="dose-form"] button[type="submit"]').click()
    page.wait_for_load_state()
    assert "Dose registrert: diazepam 10 mg" in page.locator(".messages").inner_text()
    assert "10 mg" in page.get_by_test_id("diazepam-given").inner_text()
    assert page.locator('[data-testid="dose-form"] input[name="dose_mg"]').input_value() == ""

    # The same form sent twice: the first send stores 5 mg, the second says so and stores none.
    page.locator('[data-testid="dose-form"] input[name="dose_mg"]').fill("5")
    assert page.evaluate(SEND_FORM_ONCE) == "opaqueredirect"
    page.locator('[data-testid="dose-form"] button[type="submit"]').click()
    page.wait_for_load_state()
    assert "Allerede registrert kl." in page.locator(".messages").inner_text()
    assert "15 mg" in page.get_by_test_id("diazepam-given").inner_text()
    assert MedicationAdministration.objects.count() == 2
    # No sideways scrolling on the tablet.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
