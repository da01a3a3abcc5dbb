"""Writes for the staff side: sign-in and enrolment (signin.py), the one retention purge (retention.py)."""

from staff.services.retention import retention_purge
from staff.services.signin import (
    RECOVERY_CODE_COUNT,
    DevicesReset,
    Enrolment,
    code_normalise,
    enrolment_key_new,
    signin_code_verify,
    staff_device_enrol,
    staff_devices_reset,
)

__all__ = [
    "RECOVERY_CODE_COUNT",
    "DevicesReset",
    "Enrolment",
    "code_normalise",
    "enrolment_key_new",
    "retention_purge",
    "signin_code_verify",
    "staff_device_enrol",
    "staff_devices_reset",
]
