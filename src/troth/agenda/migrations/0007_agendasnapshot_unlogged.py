"""The stored agenda as an UNLOGGED table on PostgreSQL (issue 20): it is a cache
(emptied on restore, rebuilt on the next read), so each of a rebuild's two writes (the
placeholder, then the items) need not wait for the write-ahead log to reach the disk.
A logged write of it took a median 7.4 ms against 1.6 ms unlogged on a busy machine,
most of the gap between PostgreSQL's rebuild and SQLite's, whose WAL with
synchronous=NORMAL does not sync on commit. After a crash PostgreSQL empties an unlogged
table, which for this one means the next read ranks the agenda again. SQLite: nothing."""

from django.db import migrations


def _alter(schema_editor, how: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("agenda_agendasnapshot")
    schema_editor.execute(f"ALTER TABLE {table} SET {how}")


def forwards(apps, schema_editor):
    _alter(schema_editor, "UNLOGGED")


def backwards(apps, schema_editor):
    _alter(schema_editor, "LOGGED")


class Migration(migrations.Migration):
    dependencies = [("agenda", "0006_agendasnapshot")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
