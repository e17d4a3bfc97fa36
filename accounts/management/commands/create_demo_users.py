"""Create one demo user per role for the embedded default. Refuses to run with DEBUG off."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE, sync_roles

DEMO_USERS = (
    # username, role, first name, last name
    ("lege", CLINICIAN, "Lise", "Lege"),
    ("sykepleier", NURSE, "Siri", "Sykepleier"),
    ("fagansvarlig", ADMINISTRATOR, "Frode", "Fagansvarlig"),
)


class Command(BaseCommand):
    help = "Create (or reset) the demo users lege, sykepleier and fagansvarlig; prints passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Use this password for every demo user instead of random ones (tests).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users are for the embedded default only: DEBUG is off.")
        sync_roles()
        user_model = get_user_model()
        self.stdout.write("Demo users (embedded default only):")
        for username, role, first, last in DEMO_USERS:
            password = options["password"] or secrets.token_urlsafe(9)
            user, _created = user_model.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_staff = role == ADMINISTRATOR
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            self.stdout.write(f"  {username:<13} role={role:<14} password={password}")
