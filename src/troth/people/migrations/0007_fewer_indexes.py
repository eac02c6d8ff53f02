"""Drop the indexes that an index starting with the same column already serves
(issue 20: each was one more b-tree written per row an import adds): name_key's
alone on people, the person's alone on contact points. Only the indexes go: Django's
AlterField would rebuild both tables on SQLite (a copy of every row, and the
triggers on them dropped). The owners' own indexes stay (people.models.Person)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, index name as Django made it: the same on both databases)
DROPPED = [
    ("people_person", "name_key", "people_person_name_key_01f61d18"),
    ("people_contactpoint", "person_id", "people_contactpoint_person_id_d28ae76a"),
]


def drop(apps, schema_editor):
    for _table, _column, name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    if schema_editor.connection.vendor == "postgresql":
        # Django's second index of a varchar column on PostgreSQL, for LIKE 'x%'
        schema_editor.execute('DROP INDEX IF EXISTS "people_person_name_key_01f61d18_like"')


def create(apps, schema_editor):
    for table, column, name in DROPPED:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS "people_person_name_key_01f61d18_like"'
            ' ON "people_person" ("name_key" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_relationship_overrides"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                migrations.AlterField(
                    model_name="contactpoint",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_points",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_key",
                    field=models.CharField(max_length=200),
                ),
            ],
        )
    ]
