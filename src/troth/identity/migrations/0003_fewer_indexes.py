"""Drop the index of the owner alone on source records: source_record_unique and
source_record_person start with the owner (issue 20: one more b-tree written per
record an import adds). Only the index goes: Django's AlterField would rebuild the
table on SQLite."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NAME = "importers_sourcerecord_owner_id_00c64377"


def drop(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


def create(apps, schema_editor):
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "importers_sourcerecord" ("owner_id")'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_sourcerecord_from_importers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                migrations.AlterField(
                    model_name="sourcerecord",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                )
            ],
        )
    ]
