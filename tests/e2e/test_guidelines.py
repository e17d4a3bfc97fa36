"""The guideline in a real browser: search, open a recommendation, edit it and restore it."""

import pytest
from playwright.sync_api import expect

from guidelines.models import Recommendation
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, user):
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_nurse_searches_valproinsyre_and_opens_8_4_3_2_with_grade_a(
    page, transactional_db, shipped_guideline, nurse
):
    log_in(page, nurse)
    page.goto("/guidelines/")
    page.get_by_role("searchbox").fill("valproinsyre")
    page.get_by_role("searchbox").press("Enter")
    # The live search (htmx) and the form's own submit may both answer: click once both are in.
    page.wait_for_url("**/guidelines/?q=valproinsyre*")
    page.wait_for_load_state("networkidle")
    hit = page.locator('#results a[href="/guidelines/r/8.4.3-2/"]')
    expect(hit).to_be_visible()
    expect(page.locator("#results mark").first).to_have_text("valproinsyre")
    hit.click()
    page.wait_for_url("**/guidelines/r/8.4.3-2/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("8.4.3-2")
    badge = page.get_by_test_id("grade").locator(".grade-badge")
    expect(badge).to_have_class("grade-badge grade-A")
    expect(badge).to_contain_text("A")
    expect(page.get_by_test_id("recommendation-text")).to_contain_text("valproinsyre 600-900 mg")
    # A citation's text appears on keyboard focus, not only on hover.
    citation = page.locator("a.citation").first
    citation.focus()
    tip_id = citation.get_attribute("aria-describedby")
    expect(page.locator(f"#{tip_id}")).to_be_visible()


def test_administrator_edits_sees_the_diff_and_restores(
    page, transactional_db, shipped_guideline, administrator
):
    log_in(page, administrator)
    page.goto("/guidelines/r/8.4.3-2/")
    page.locator('a[href="/guidelines/r/8.4.3-2/edit/"]').first.click()
    page.wait_for_url("**/guidelines/r/8.4.3-2/edit/")
    text = page.locator("#id_text")
    text.fill(text.input_value().replace("600-900 mg", "600 mg"))
    page.locator("#id_grade").select_option("B")
    page.locator("#id_reason").fill("Ny dosering fra fagrådet")
    page.locator("form.edit-form button[type=submit]").click()

    page.wait_for_url("**/guidelines/r/8.4.3-2/history/")
    entries = page.get_by_test_id("history-entry")
    expect(entries).to_have_count(2)
    newest = entries.first
    expect(newest).to_contain_text("Ny dosering fra fagrådet")
    expect(newest).to_contain_text("Frode Fagansvarlig")
    expect(newest.get_by_test_id("diff").locator("del").filter(has_text="600-900")).to_have_count(1)
    expect(newest.get_by_test_id("diff").locator("ins").filter(has_text="B")).to_have_count(1)

    entries.nth(1).locator("form.restore-form input[name=reason]").fill("Fagrådet trakk endringen")
    entries.nth(1).locator("form.restore-form button").click()
    page.wait_for_url("**/guidelines/r/8.4.3-2/history/")
    expect(page.get_by_test_id("history-entry")).to_have_count(3)
    valproate = Recommendation.objects.get(ref="8.4.3-2")
    assert "600-900 mg" in valproate.text
    assert valproate.grade == "A"
    page.goto("/guidelines/r/8.4.3-2/")
    expect(page.get_by_test_id("grade").locator(".grade-badge")).to_have_class(
        "grade-badge grade-A"
    )
