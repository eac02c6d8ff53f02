"""message_participant_address gains role, owner_role and occurred_at (a covering index
for activity's copies: troth.trust.summary.co_last_days).

On PostgreSQL the index is built CONCURRENTLY, outside a transaction: a plain CREATE
INDEX holds a lock that blocks every write to the table while it reads the whole of it,
which on a group's server with millions of copies stops imports and syncs for the
length of the build (the attacker's review). The new index is built under a temporary
name first and the old one dropped after, so the table is never without one; the
rename at the end takes only a brief lock. SQLite has no CONCURRENTLY (and one writer
anyway): there Django drops and adds the index as it always did.

The models' state changes exactly as the generated RemoveIndex/AddIndex did, and the
index ends with the same name and columns, so a database that applied the first
version of this migration has the same schema as one that applies this one.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models, transaction

NAME = "message_participant_address"
BUILDING = "msg_participant_addr_building"  # the new index while it is built
OLD = ["owner", "address"]
NEW = ["owner", "address", "role", "owner_role", "occurred_at"]


def _swap(schema_editor: Any, model: Any, fields: list[str], replaced: list[str]) -> None:
    """Make NAME an index on `fields` instead of `replaced`."""
    wanted = models.Index(fields=fields, name=NAME)
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        # atomic = False (for PostgreSQL) took the transaction away here too: without
        # this one, a build cut short left the index dropped and every later migrate
        # failing on "no such index" (the attacker's review)
        with transaction.atomic(using=connection.alias):
            schema_editor.remove_index(model, models.Index(fields=replaced, name=NAME))
            schema_editor.add_index(model, wanted)
        return
    building = models.Index(fields=fields, name=BUILDING)
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_class c JOIN pg_index i"
            " ON i.indexrelid = c.oid WHERE c.relname IN (%s, %s)"
            " AND pg_table_is_visible(c.oid)",
            [NAME, BUILDING],
        )
        found = dict(cursor.fetchall())
    if found.get(BUILDING) and NAME not in found:
        # cut short after the old index was dropped: the new one is built and valid
        schema_editor.rename_index(model, building, wanted)
        return
    # a build cut short leaves an invalid index behind: a second run starts afresh
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(BUILDING)}")
    schema_editor.add_index(model, building, concurrently=True)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(NAME)}")
    schema_editor.rename_index(model, building, wanted)


def forwards(apps: Any, schema_editor: Any) -> None:
    _swap(schema_editor, apps.get_model("importers", "MessageParticipant"), NEW, OLD)


def backwards(apps: Any, schema_editor: Any) -> None:
    _swap(schema_editor, apps.get_model("importers", "MessageParticipant"), OLD, NEW)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("importers", "0006_retire_merges_of_undone_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.RemoveIndex(model_name="messageparticipant", name=NAME),
                migrations.AddIndex(
                    model_name="messageparticipant",
                    index=models.Index(fields=NEW, name=NAME),
                ),
            ],
        ),
    ]
