import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.access import user_role


def test_it_creates_one_user_per_role_and_prints_passwords(db, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    users = {u.username: u for u in get_user_model().objects.all()}
    roles = {name: user_role(users[name]) for name in ("lege", "sykepleier", "fagansvarlig")}
    assert {name: role.code if role else None for name, role in roles.items()} == {
        "lege": "clinician",
        "sykepleier": "nurse",
        "fagansvarlig": "administrator",
    }
    for name in ("lege", "sykepleier", "fagansvarlig"):
        assert f"{name} " in out
    assert out.count("password=") == 3


def test_running_it_twice_resets_instead_of_duplicating(db, settings):
    settings.DEBUG = True
    call_command("create_demo_users", password="first-password-1")
    call_command("create_demo_users", password="second-password-2")
    assert get_user_model().objects.count() == 3
    assert get_user_model().objects.get(username="lege").check_password("second-password-2")


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users")
    assert get_user_model().objects.count() == 0
