"""load_demo: demo mappings, the official registry, the safety rules and, on the embedded default, a
demo administrator. Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import EXAMPLES, demo_mappings
from accounts.models import AccountMapping
from safety.demo import load_safety_demo
from staff.demo import DemoAdministrator, demo_administrator_load


class Command(BaseCommand):
    help = (
        "Load demo data: a few thousand invented account mappings, the official payment channels "
        "and the 'KESCO never...' rules (all marked as demo data for staff to verify). Running it "
        "again adds nothing twice and never overwrites a mapping that already exists. On the embedded "
        "default only (SQLite, not production) it also makes the administrator demo-admin, with a new "
        "password printed at every run."
    )

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            before = AccountMapping.objects.count()
            AccountMapping.objects.bulk_create(demo_mappings(), ignore_conflicts=True, batch_size=1000)
            added = AccountMapping.objects.count() - before
            contacts, rules = load_safety_demo()
            administrator = demo_administrator_load()
        self.stdout.write(f"Account mappings added: {added} (total {before + added}).")
        self.stdout.write(f"Official contacts: {contacts}. Safety rules: {rules}.")
        self.stdout.write("Try these on http://127.0.0.1:8000/ (old number / last 4 of mobile -> result):")
        for example in EXAMPLES:
            # With no mobile on file the page never shows the new number: print what it does show.
            mobile = example.mobile_last4 or "any"
            result = example.new_account_number if example.mobile_last4 else "'no match'"
            self.stdout.write(f"  {example.old_account_number} / {mobile} -> {result} ({example.what_it_shows})")
        self.stdout.write("  2100000001 / 4321 -> 'this is already your new number'")
        self._administrator_print(administrator)

    def _administrator_print(self, administrator: DemoAdministrator | None) -> None:
        if administrator is None:
            self.stdout.write(
                "Staff admin: no demo administrator away from the embedded default (SQLite); "
                "make the first one with `manage.py createsuperuser`."
            )
            return
        self.stdout.write(
            f"Staff admin: http://127.0.0.1:8000/staff/ as {administrator.username}, "
            f"password {administrator.password} (a new one at every load_demo)."
        )
        if administrator.enrolled:
            self.stdout.write("  Code: what your authenticator app shows for 'KESCO staff' (or a recovery code).")
        else:
            self.stdout.write(
                "  First sign-in: leave the code empty, scan the QR code with an authenticator app on your phone, "
                "type the code it shows and keep the recovery codes."
            )
        self.stdout.write(f"  Lost the app? `manage.py staff_reset_device {administrator.username}`.")
