import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


def test_demo_nurse_logs_in_lands_on_start_page_and_switches_language(
    page, transactional_db, settings
):
    settings.DEBUG = True
    call_command("create_demo_users", password="demo-password-e2e")
    page.goto("/")
    assert "/login/" in page.url
    page.get_by_label("Brukernavn").fill("sykepleier")
    page.get_by_label("Passord").fill("demo-password-e2e")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/ward/")
    assert page.get_by_role("heading", level=1).inner_text() == "Avdelingstavle"
    assert page.get_by_test_id("whoami").inner_text().endswith("Sykepleier")
    page.get_by_test_id("switch-language").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ward board"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Nurse" in page.get_by_test_id("whoami").inner_text()
