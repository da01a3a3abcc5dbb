"""The staff roles, as groups, each with the least its work needs (docs/admin.md, "Who gets what").

- Import operator: accounts.import_mapping (every import page: upload, preview, apply, roll back, the
  error reports; the import admin answers to it alone) and accounts.view_accountmapping (to look at a
  mapping an import wrote, read-only).
- Content editor: view, add and change the official registry (official contacts and payment
  channels; "Mark as verified by me today" needs the change permission), the "KESCO never..." rules,
  the alerts and "what KESCO really sends". No delete: every one of them has an "active" switch, so an
  entry is withdrawn by unticking it and its record (who verified it, when) stays; deleting is for
  administrators.
- Support desk: already made by accounts/migrations/0004_support_desk_group.py (find and read a
  mapping, triage scam reports); it is not touched here.
- Administrator: not a group but Django's superuser status, which holds every permission, also of
  models added later, that a group would hold only if someone remembered to add them.

Created once; administrators own the groups afterwards, and a later migrate never puts back a
permission they took away. Going back leaves the groups in place (their members keep their work).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Import operator": [
        ("accounts", "accountmapping", "import_mapping"),
        ("accounts", "accountmapping", "view_accountmapping"),
    ],
    "Content editor": [
        ("safety", model, f"{action}_{model}")
        for model in ("officialcontact", "paymentchannel", "safetyrule", "alert", "genuinemessage")
        for action in ("view", "add", "change")
    ],
}


def create_roles(apps, schema_editor):
    # Django creates permissions after the last migration (post_migrate); on a new database they do
    # not exist yet here, so create those of the two apps now (existing ones are skipped).
    for label in ("accounts", "safety"):
        # A migration's app configs have no models module; create_permissions skips an app without.
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        del app_config.models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, model, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, content_type__model=model, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_support_desk_group"),
        ("safety", "0002_scam_reports_alerts_genuine_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
