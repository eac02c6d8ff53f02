"""SourceRecord moved to identity (identity 0002): removed from the importers' state
only; the table importers_sourcerecord and its rows stay, now identity's. Import
journals that name the old label are rewritten to the new one, so "Undo this
import" still finds the rows."""

from django.db import migrations


def relabel(apps, schema_editor):
    ImportChange = apps.get_model("importers", "ImportChange")
    ImportChange.objects.filter(table="importers.sourcerecord").update(
        table="identity.sourcerecord"
    )


def unlabel(apps, schema_editor):
    ImportChange = apps.get_model("importers", "ImportChange")
    ImportChange.objects.filter(table="identity.sourcerecord").update(
        table="importers.sourcerecord"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0004_message_participants"),
        ("identity", "0002_sourcerecord_from_importers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SourceRecord")],
            database_operations=[],
        ),
        migrations.RunPython(relabel, unlabel),
    ]
