"""TierCadence moved to the trust app (trust 0008): removed from the agenda's state
only; the table agenda_tiercadence and its rows stay, now trust's."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0004_mail_and_tier_settings"),
        ("trust", "0008_tiercadence_from_agenda"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TierCadence")],
            database_operations=[],
        ),
    ]
