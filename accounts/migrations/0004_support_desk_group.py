"""The "Support desk" group: what a helpdesk worker on a call needs, and nothing they could break.

- accounts.view_accountmapping: find a consumer's mapping and read it (old and new numbers, name,
  division, mobile's last 4, which import wrote it). No add, change or delete: a mapping is changed
  by the billing team's import (which can be rolled back), not by hand during a call.
- safety.view_scamreport and safety.change_scamreport: the desk hears about scams first and triages
  the reports (new, reviewed, forwarded to police, closed). In the admin only the status of a report
  can change; what the consumer sent stays read-only. No delete: a report may be police evidence.

Left out on purpose:
- imports: the import pages answer to accounts.import_mapping only, whatever the model permissions
  say (a batch's file holds every consumer's name and mobile), so view_importbatch would give
  nothing. The mapping's page names the batch that wrote it instead.
- the official registry (safety.OfficialContact, PaymentChannel): a verified entry is what the
  consumer pages call official, so it stays with administrators (its "Mark as verified by me
  today" action needs the change permission). Consumers' own check page answers "is this number
  official?" for the desk too.

Created once, here; administrators own it afterwards (renaming it, or changing its permissions, is
never undone by a later migrate). Assign it to a user in the admin: Users, the user, Groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Support desk"
PERMISSIONS = [
    ("accounts", "accountmapping", "view_accountmapping"),
    ("safety", "scamreport", "view_scamreport"),
    ("safety", "scamreport", "change_scamreport"),
]


def create_support_desk_group(apps, schema_editor):
    # Django creates permissions after the last migration (post_migrate); on a new database they do
    # not exist yet at this point, so create those of the two apps now (it skips existing ones).
    for label in ("accounts", "safety"):
        # A migration's app configs have no models module; create_permissions skips an app without.
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        del app_config.models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, content_type__model=model, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_unique_constraints_without_like_indexes"),
        ("safety", "0002_scam_reports_alerts_genuine_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Going back leaves the group: members keep what an administrator gave them.
    operations = [migrations.RunPython(create_support_desk_group, migrations.RunPython.noop)]
