"""Issue 14 on the tablet (820×1180) and on paper: the overdue badge, the doses table without a
horizontal scroll, and the shift handover printed to A4 by Chromium with each page naming a
patient by name and fødselsnummer."""

import datetime as dt
import re
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import TEST_PASSWORD
from tests.factories import make_unit
from tests.scoring.factories import give, make_inpatient, score, set_history
from tests.tools import need

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def tablet(chromium_browser, live_server):
    context = chromium_browser.new_context(base_url=live_server.url, viewport=TABLET)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


@pytest.fixture
def busy_ward(transactional_db, make_user):
    call_command("load_guideline", verbosity=0)
    nurse = make_user("nurse", username="sykepleier")
    clinician = make_user("clinician", username="lege")
    unit = make_unit(name="Avrusning Nord", staff=[nurse, clinician])
    now = timezone.now().replace(second=0, microsecond=0)
    episodes = []
    for n in range(20):
        episode = make_inpatient(
            unit=unit,
            admitted_at=now - dt.timedelta(days=2),
            given_name=f"Pasient{n:02d}",
            family_name="Hansen",
        )
        set_history(episode, user=clinician, complications=["seizures"])
        # Every third patient is overdue (CIWA-Ar 6: every 4 h; scored 5 h ago).
        hours = 5 if n % 3 == 0 else 1
        score(episode, user=nurse, total=6, observed_at=now - dt.timedelta(hours=hours), now=now)
        for k in range(4):
            give(
                episode,
                user=nurse,
                drug="diazepam",
                dose_mg="10",
                given_at=now - dt.timedelta(hours=2 + k),
            )
        episodes.append(episode)
    return nurse, episodes


def test_the_overdue_badge_counts_right_on_the_tablet(tablet, busy_ward):
    nurse, episodes = busy_ward
    log_in(tablet, nurse.username)
    expected = sum(1 for n in range(len(episodes)) if n % 3 == 0)

    for path in ("/patients/", "/ward/", "/ward/handover/"):
        tablet.goto(path)
        badge = tablet.get_by_test_id("overdue-badge")
        assert badge.get_attribute("data-count") == str(expected), path
        assert badge.is_visible()
    tablet.goto("/ward/")
    assert tablet.locator('[data-status="overdue"]').count() == expected


def test_the_doses_table_needs_no_horizontal_scroll_on_the_tablet(tablet, busy_ward):
    nurse, episodes = busy_ward
    log_in(tablet, nurse.username)

    tablet.goto(f"/ward/episodes/{episodes[0].pk}/")
    table = tablet.get_by_test_id("administrations")
    assert table.is_visible()

    overflow = tablet.evaluate(
        """() => {
            const doc = document.scrollingElement;
            const t = document.querySelector('[data-testid="administrations"]');
            let wrap = t.parentElement, scrolls = false;
            while (wrap) {
                if (wrap.scrollWidth > wrap.clientWidth + 1) scrolls = true;
                wrap = wrap.parentElement;
            }
            return {
                page: doc.scrollWidth - doc.clientWidth,
                scrolls,
                right: t.getBoundingClientRect().right,
                width: window.innerWidth,
            };
        }"""
    )
    assert overflow["page"] <= 0
    assert not overflow["scrolls"]
    assert overflow["right"] <= overflow["width"]


def test_the_printed_handover_names_a_patient_on_every_page(page, busy_ward, tmp_path):
    nurse, episodes = busy_ward
    log_in(page, nurse.username)
    page.goto("/ward/handover/")
    assert page.get_by_test_id("handover-row").count() == 20

    pdf = tmp_path / "handover.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)

    pdftotext = need("pdftotext")
    text = subprocess.run(  # noqa: S603 - our own file, a fixed program
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 1
    ids = {e.patient.national_id for e in episodes}
    for number, content in enumerate(pages, start=1):
        assert re.search(r"Pasient\d\d", content), f"page {number} names no patient:\n{content}"
        assert any(national_id in content for national_id in ids), f"page {number}: no fnr"
        # The screen's navigation is not printed.
        assert "Logg ut" not in content


def test_the_boards_refresh_updates_the_badge(tablet, busy_ward):
    """The rows refresh every 30 s; the badge in the navigation comes with them (out of band)."""
    nurse, episodes = busy_ward
    log_in(tablet, nurse.username)
    tablet.clock.install()
    tablet.goto("/ward/")
    overdue = [e for n, e in enumerate(episodes) if n % 3 == 0]
    badge = tablet.get_by_test_id("overdue-badge")
    assert badge.get_attribute("data-count") == str(len(overdue))

    now = timezone.now()
    for episode in overdue[:2]:
        score(episode, user=nurse, total=3, observed_at=now, now=now)
    tablet.clock.run_for(31_000)  # the rows' 30 s timer, without waiting 30 s
    tablet.wait_for_function(
        "n => document.querySelector('[data-testid=overdue-badge]')?.dataset.count === n",
        arg=str(len(overdue) - 2),
    )
    assert tablet.locator('[data-status="overdue"]').count() == len(overdue) - 2
    assert tablet.locator("#nav-overdue").count() == 1
