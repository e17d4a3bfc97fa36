import pytest
from django.urls import reverse

from accounts.roles import ROLES


@pytest.mark.parametrize(
    "url_name", ["home", "ward-board", "patient-list", "start-administrator", "guideline-home"]
)
def test_pages_redirect_anonymous_users_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_open(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("clinician", "patient-list"),
        ("nurse", "ward-board"),
        ("administrator", "start-administrator"),
    ],
)
def test_home_sends_each_role_to_its_start_page(client, make_user, role, start):
    client.force_login(make_user(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(start)
    page = client.get(response.url)
    assert page.status_code == 200
    assert f'data-role="{role}"'.encode() in page.content


@pytest.mark.parametrize(
    ("role", "forbidden"),
    [
        ("nurse", "start-administrator"),
        ("clinician", "start-administrator"),
        ("administrator", "patient-list"),
        ("nurse", "access-log"),
        ("administrator", "ward-board"),
    ],
)
def test_start_pages_of_other_roles_are_forbidden(client, make_user, role, forbidden):
    client.force_login(make_user(role))
    assert client.get(reverse(forbidden)).status_code == 403


def test_user_without_role_is_told_so(client, make_user):
    client.force_login(make_user(None))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "role" in response.content.decode().lower()


def test_login_with_password_lands_on_the_role_start_page(client, nurse):
    response = client.post(
        reverse("login"),
        {"username": "siri", "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("ward-board")
    assert "Siri Sykepleier" in response.content.decode()


def test_navigation_shows_only_what_the_role_may_open(client, nurse, administrator):
    client.force_login(nurse)
    nurse_page = client.get(reverse("ward-board")).content.decode()
    assert reverse("start-administrator") not in nurse_page
    client.force_login(administrator)
    admin_page = client.get(reverse("start-administrator")).content.decode()
    assert reverse("ward-board") not in admin_page


def test_logout_is_a_post_and_ends_the_session(client, nurse):
    client.force_login(nurse)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("ward-board")).status_code == 302


def test_every_role_has_a_group_after_migrate(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_api_refuses_anonymous_calls_with_401(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_api_accepts_a_token(client, clinician):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=clinician)
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_api_accepts_the_page_session(client, clinician):
    client.force_login(clinician)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
