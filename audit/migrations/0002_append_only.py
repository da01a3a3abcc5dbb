"""Entries are append-only in the database itself, not only in the admin (PostgreSQL; SQLite has no
such triggers and is for development).

A trigger refuses every UPDATE and DELETE of an entry from any connection, the app's own included,
with two exceptions: a DELETE of an entry older than 180 days (CERT-In's minimum: the retention purge,
audit.services.audit_entries_purge, may remove what is past its period) and the one UPDATE Django
makes when a user is deleted, setting `user_id` to NULL and changing nothing else.
"""

from django.db import migrations

FUNCTION = "audit_entry_append_only"
MINIMUM_DAYS = 180


def _names(apps, schema_editor):
    entry = apps.get_model("audit", "AuditEntry")
    quote = schema_editor.quote_name
    return {
        "table": quote(entry._meta.db_table),
        "time": quote(entry._meta.get_field("occurred_at").column),
        "user": entry._meta.get_field("user").column,
        "function": quote(FUNCTION),
        "trigger": quote(FUNCTION),
        "days": MINIMUM_DAYS,
    }


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    names = _names(apps, schema_editor)
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND OLD.{time} < now() - interval '{days} days' THEN
                RETURN OLD;
            END IF;
            IF TG_OP = 'UPDATE' AND NEW.{user_quoted} IS NULL
               AND to_jsonb(NEW) - '{user}' = to_jsonb(OLD) - '{user}' THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$;
        """.format(user_quoted=schema_editor.quote_name(names["user"]), **names),
        params=None,  # the SQL holds a % of its own: no parameter substitution
    )
    schema_editor.execute(
        "CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION {function}()".format(**names)
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    names = _names(apps, schema_editor)
    schema_editor.execute("DROP TRIGGER IF EXISTS {trigger} ON {table}".format(**names))
    schema_editor.execute("DROP FUNCTION IF EXISTS {function}()".format(**names))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
