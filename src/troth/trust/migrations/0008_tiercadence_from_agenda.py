"""TierCadence moves from the agenda app to trust: Django's state only.

The table keeps its name (TierCadence.Meta.db_table = "agenda_tiercadence") and
its rows; agenda 0005 removes the model from the agenda's state after this one
adds it here, so no migration ever creates or drops the table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0007_trustscore_activity"),
        ("agenda", "0004_mail_and_tier_settings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TierCadence",
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
                        ("tier", models.CharField(max_length=12)),
                        ("days", models.PositiveIntegerField()),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "check-in rhythms by tier",
                        "db_table": "agenda_tiercadence",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("owner", "tier"), name="tier_cadence_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
