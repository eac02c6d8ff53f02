"""SourceRecord moves from the importers app to identity (issue 19): Django's state
only. The table keeps its name (SourceRecord.Meta.db_table = "importers_sourcerecord")
and its rows; importers 0005 removes the model from the importers' state after this
one adds it here, so no migration ever creates or drops the table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("importers", "0004_message_participants"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SourceRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("source", models.CharField(max_length=20)),
                        ("external_id", models.CharField(max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                db_index=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="source_records",
                                to="people.person",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "importers_sourcerecord",
                        "indexes": [
                            models.Index(fields=["owner", "person"], name="source_record_person")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("owner", "source", "external_id"),
                                name="source_record_unique",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
