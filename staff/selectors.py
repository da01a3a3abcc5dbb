"""Reads for the staff side: who has set up an authenticator app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice


def staff_is_enrolled(*, user: AbstractBaseUser) -> bool:
    """Whether the user has a confirmed authenticator app (their recovery codes come with it)."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def staff_enrolment_pending(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Signed in by password, allowed in the admin, but without an authenticator app yet."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and not staff_is_enrolled(user=user))


def users_with_enrolment(queryset: QuerySet) -> QuerySet:
    """The users of a queryset, each with ``has_authenticator`` (one query for a whole list)."""
    confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return queryset.annotate(has_authenticator=Exists(confirmed))
