"""What the staff side tells the rest of the project, and the sign-in time each session keeps.

Sign-ins, sign-outs and failures (wrong passwords and wrong codes alike) are Django's own signals,
user_logged_in, user_logged_out and user_login_failed: an audit trail listens to those. Enrolment
and reset are ours, below.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver
from django.http import HttpRequest

# A staff member set up an authenticator app: sender, user.
device_enrolled = Signal()
# Someone's authenticator app and recovery codes were removed (by an administrator or the command):
# sender, user, totp_devices, static_devices.
devices_reset = Signal()

# The session key that holds when its user signed in (seconds since the epoch).
SIGNED_IN_AT_SESSION_KEY = "staff_signed_in_at"


@receiver(user_logged_in, dispatch_uid="staff.signed_in_at")
def signed_in_at_record(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    # The absolute limit on a session's age (staff.middleware) counts from here: Django's own
    # expiry moves on whenever the session is saved again.
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_SESSION_KEY] = int(time.time())
