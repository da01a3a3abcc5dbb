"""The staff side: sign-in (staff app; docs/admin.md), and how long the audit trail, the statistics and
reports' personal data are kept."""

from __future__ import annotations

from datetime import timedelta

from kesco_lookup.env import env_int

# A password and a code from an authenticator app (django-otp) on every admin page; failed sign-ins
# limited per username and per address (django-axes, whose backend refuses a paused sign-in first).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# 12 characters, not common, not like the username, not all digits: with the lockout below, guessing
# is hopeless, and a passphrase is still easy to type at a shared helpdesk PC.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions end when the browser closes (shared PCs) and 8 hours after sign-in, a working day,
# at most (staff.middleware counts from the sign-in: Django's expiry moves on with every save).
# Consumers' one session, the report-sent page's, needs minutes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 3600
# 10 failures (wrong password or wrong code) with one username, or from one address, pause sign-in
# for it until an hour after the last failure (each failure in the pause starts the hour again):
# 240 guesses a day find neither a 12-character password nor a code, and 10 leaves room for a
# helpdesk office behind one address mistyping at the start of a shift. Either parameter pauses on
# its own: one account guessed from many addresses, many from one. (A pause can keep an account's
# owner out for the hour: the price of limiting guesses on it from anywhere.)
AXES_FAILURE_LIMIT = env_int("STAFF_SIGNIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STAFF_SIGNIN_COOLOFF_MINUTES", 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
# The project's rule for the address: X-Forwarded-For only from TRUSTED_PROXIES (forging buys nothing).
AXES_CLIENT_IP_CALLABLE = "kesco_lookup.limits.client_ip"
AXES_LOCKOUT_CALLABLE = "staff.views.signin_locked_out"
# The database handler: counts survive a restarted or full cache, SQLite and PostgreSQL alike, and
# administrators see and lift pauses in the admin; sign-ins are rare enough for its writes.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# A success would also wipe its address's failures: anyone able to sign in could then reset the count
# of someone guessing other accounts from the same address.
AXES_RESET_ON_SUCCESS = False
# Axes keeps what the limit needs; who signed in when is the audit trail's (Django's signals). Not
# verbose: its log lines then mask the username and address (AXES_SENSITIVE_PARAMETERS).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
OTP_TOTP_ISSUER = "KESCO staff"  # the name authenticator apps show
# django-otp's own throttle (a wait doubling with each wrong code, kept on the device) is off: axes
# counts every wrong code already, and the throttle would grow to days from someone else's guesses.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # nobody but their owner sees a key or recovery code

# --- Audit trail ----------------------------------------------------------------------------------
# How long the staff side's audit entries are kept (audit.services.audit_entries_purge deletes older
# ones). CERT-In's directions ask for 180 days of logs, so less is refused; the database itself
# refuses to delete an entry younger than 180 days (audit/migrations/0002_append_only.py).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365, minimum=180)

# --- Retention of the staff's statistics and of reports' personal data (staff.services.retention) ----
# Daily lookup counts hold no personal data; 400 days lets a month be compared with the same month a
# year before. At least 31: the dashboard shows the last 30 days.
LOOKUP_STATISTICS_RETENTION_DAYS = env_int("LOOKUP_STATISTICS_RETENTION_DAYS", 400, minimum=31)
# Old numbers consumers looked up in vain are personal-ish data: each day's counts go this long after
# that day, so a number leaves the list this long after it was last searched for.
MISSING_NUMBERS_RETENTION_DAYS = env_int("MISSING_NUMBERS_RETENTION_DAYS", 90, minimum=1)
# A scam report closed this long ago loses the consumer's contact and screenshot (the report stays,
# for the statistics and the suspect's number). Long enough for the police to ask a question back.
SCAM_REPORT_PERSONAL_DATA_DAYS = env_int("SCAM_REPORT_PERSONAL_DATA_DAYS", 90, minimum=1)
