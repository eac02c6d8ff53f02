"""The search index (issue 20): FTS5 trigram tables and their triggers on SQLite,
pg_trgm GIN indexes on PostgreSQL (troth.people.search). Both are made by
`ensure_index`, which also runs after every migrate to put back what a table
rebuild dropped."""

from django.db import migrations


def forwards(apps, schema_editor):
    from troth.people.search import ensure_index

    ensure_index(schema_editor.connection)


def backwards(apps, schema_editor):
    from troth.people.search import PG_INDEXES, SQLITE_INDEXES, SQLITE_SCHEMA

    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            for name in SQLITE_SCHEMA:
                if name.endswith(("_ai", "_ad", "_au")):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for fts, *_rest in SQLITE_INDEXES:
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif schema_editor.connection.vendor == "postgresql":
            for name, *_rest in PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_employment_title_without_company")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
