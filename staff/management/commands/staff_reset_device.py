"""staff_reset_device USERNAME: remove someone's authenticator app and recovery codes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from staff.services import staff_devices_reset


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes, so that at their next sign-in they sign in "
        "with the password alone and set up a new app before anything else. For the first administrator, "
        "or anyone locked out of the admin: otherwise an administrator does it in the admin (Users, the "
        "user, action 'Reset the authenticator app'). The password is left as it is (changepassword "
        "changes it), and so is a sign-in paused after failures (axes_reset_username lifts it). "
        "Refuses an unknown username."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user whose authenticator app is removed.")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}: nothing was changed.") from None
        reset = staff_devices_reset(user=user)
        self.stdout.write(f"Authenticator apps removed: {reset.totp_devices}.")
        self.stdout.write(f"Recovery code sets removed: {reset.static_devices}.")
        self.stdout.write(f"At the next sign-in {username} leaves the code empty and sets up a new app.")
