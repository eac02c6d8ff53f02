"""The agenda's check-ins-due index (agenda 0003 created it in SQL on this app's
table) declared on TrustScore so Django knows it: the state only, the database
already has it (agenda 0003 still creates it, on a new database as on an existing
one)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0005_trust_staleness_indexes"),
        ("agenda", "0003_checkins_due_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="trustscore",
                    index=models.Index(
                        fields=["owner", "tier", "-score", "id", "last_contact"],
                        name="agenda_checkins_due",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
