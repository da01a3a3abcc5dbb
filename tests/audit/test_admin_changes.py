"""Every add, change and delete in the admin reaches the trail, named by model and key, with the kind of
change and the fields changed, never their values."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from imports.models import ImportBatch
from safety.models import Alert, GenuineMessage, OfficialContact, SafetyRule

pytestmark = pytest.mark.django_db


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def _contact() -> OfficialContact:
    return OfficialContact.objects.create(kind="phone", name_hi="हेल्पलाइन", name_en="Helpline", value="1912")


def _alert(title: str = "Fake bill SMS") -> Alert:
    from django.utils import timezone

    return Alert.objects.create(
        title_hi="नकली एसएमएस", title_en=title, text_hi="सावधान", text_en="Beware", starts_at=timezone.now()
    )


def test_adding_a_role_is_recorded(asha_client, asha):
    response = asha_client.post("/staff/auth/group/add/", {"name": "Night shift"})
    assert response.status_code == 302
    group = Group.objects.get(name="Night shift")
    [entry] = _entries("role_changed")
    assert (entry.user, entry.target, entry.address) == (asha, f"auth.Group #{group.pk}", "203.0.113.7")
    assert entry.detail == {"change": "added"}


def test_adding_a_user_is_recorded(asha_client):
    response = asha_client.post(
        "/staff/auth/user/add/",
        {
            "username": "ravi",
            "password1": "a-long-pass-for-ravi",
            "password2": "a-long-pass-for-ravi",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    [entry] = _entries("user_changed")
    assert entry.target == f"auth.User #{User.objects.get(username='ravi').pk}"


def test_changing_a_rule_is_recorded_with_the_fields_changed_not_their_values(asha_client):
    rule = SafetyRule.objects.create(text_hi="KESCO कभी OTP नहीं माँगता", text_en="KESCO never asks for an OTP")
    response = asha_client.post(
        f"/staff/safety/safetyrule/{rule.pk}/change/",
        {
            "text_hi": rule.text_hi,
            "text_en": "KESCO never asks for your PIN",
            "display_order": "100",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    [entry] = _entries("rule_changed")
    assert entry.target == f"safety.SafetyRule #{rule.pk}"
    assert entry.detail == {"change": "changed", "fields": ["Text (English)"]}
    assert "PIN" not in str(entry.detail)


def test_adding_an_alert_is_recorded(asha_client):
    response = asha_client.post(
        "/staff/safety/alert/add/",
        {
            "title_hi": "नकली एसएमएस",
            "title_en": "Fake bill SMS",
            "text_hi": "सावधान",
            "text_en": "Beware",
            "starts_at_0": "2026-11-29",
            "starts_at_1": "10:00",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    [entry] = _entries("alert_changed")
    assert entry.target == f"safety.Alert #{Alert.objects.get().pk}"


def test_changing_a_genuine_message_is_recorded(asha_client):
    message = GenuineMessage.objects.create(
        sender_id="UPPCLT",
        description_hi="बिल",
        description_en="Bill",
        never_contains_hi="लिंक",
        never_contains_en="link",
    )
    fields = {
        "sender_id": "UPPCLA",
        "description_hi": "बिल",
        "description_en": "Bill",
        "never_contains_hi": "लिंक",
        "never_contains_en": "link",
        "display_order": "100",
        "is_active": "on",
    }
    assert asha_client.post(f"/staff/safety/genuinemessage/{message.pk}/change/", fields).status_code == 302
    [entry] = _entries("genuine_message_changed")
    assert entry.target == f"safety.GenuineMessage #{message.pk}"


def test_deleting_a_registry_entry_is_recorded_once(asha_client):
    contact = _contact()
    response = asha_client.post(f"/staff/safety/officialcontact/{contact.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [entry] = _entries("registry_changed")
    assert (entry.target, entry.detail) == (f"safety.OfficialContact #{contact.pk}", {"change": "deleted"})


def test_deleting_a_payment_channel_is_recorded_once_under_its_own_name(asha_client):
    channel = OfficialContact.objects.create(
        kind="upi", name_hi="यूपीआई", name_en="UPI", value="kesco@upi", is_payment_channel=True
    )
    response = asha_client.post(f"/staff/safety/paymentchannel/{channel.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [entry] = _entries("registry_changed")
    assert entry.target == f"safety.PaymentChannel #{channel.pk}"


def test_deleting_alerts_in_bulk_records_each_one(asha_client):
    # The admin writes a bulk deletion's LogEntries with bulk_create, which sends no post_save.
    alerts = [_alert("one"), _alert("two")]
    response = asha_client.post(
        "/staff/safety/alert/", {"action": "delete_selected", "_selected_action": [a.pk for a in alerts], "post": "yes"}
    )
    assert response.status_code == 302 and not Alert.objects.exists()
    assert sorted(entry.target for entry in _entries("alert_changed")) == sorted(
        f"safety.Alert #{a.pk}" for a in alerts
    )


def test_marking_registry_entries_verified_is_recorded(asha_client):
    contacts = [_contact(), _contact()]
    asha_client.post(
        "/staff/safety/officialcontact/", {"action": "mark_verified", "_selected_action": [c.pk for c in contacts]}
    )
    entries = _entries("registry_changed")
    assert sorted(e.target for e in entries) == sorted(f"safety.OfficialContact #{c.pk}" for c in contacts)
    assert {e.detail["change"] for e in entries} == {"verified"}


def test_someone_deleting_their_own_user_is_recorded_under_their_name(asha_client, asha):
    response = asha_client.post(f"/staff/auth/user/{asha.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [entry] = _entries("user_changed")
    assert (entry.user, entry.username, entry.detail) == (None, "asha", {"change": "deleted"})


def test_a_deleted_users_entries_still_say_who_it_was(asha_client, asha):
    asha_client.post("/staff/auth/group/add/", {"name": "Night shift"})
    User.objects.filter(pk=asha.pk).delete()
    [entry] = _entries("role_changed")
    assert (entry.user, entry.username) == (None, "asha")


def _batch_log(user: User, flag: int, message: str = "") -> LogEntry:
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(ImportBatch),
        object_id="7",
        object_repr="#7",
        action_flag=flag,
        change_message=message,
    )


@pytest.mark.parametrize(
    ("flag", "message", "action"),
    [
        (ADDITION, "Uploaded / अपलोड किया गया", "import_uploaded"),
        (CHANGE, "Apply confirmed / लागू करने की पुष्टि की गई", "import_applied"),
        (CHANGE, "Rolled back / वापस लिया गया", "import_rolled_back"),
        (CHANGE, "Retried / फिर से चलाया गया", "import_retried"),
        (CHANGE, "Queued again / फिर से कतार में डाला गया", "import_requeued"),
        (CHANGE, "something else", "record_changed"),
    ],
)
def test_an_import_batchs_admin_log_entry_is_recorded_as_its_step(asha, flag, message, action):
    _batch_log(asha, flag, message)
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.user, entry.target) == (action, asha, "imports.ImportBatch #7")
