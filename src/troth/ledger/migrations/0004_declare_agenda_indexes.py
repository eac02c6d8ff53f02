"""The two agenda indexes 0003 created in SQL, declared on the models (Favor, Need)
so Django knows them: the state only, the database already has them (0003 still
creates them, on a new database as on an existing one)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_agenda_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="favor",
                    index=models.Index(
                        fields=["owner", "thanked_on", "given_on"], name="agenda_favor_unthanked"
                    ),
                ),
                migrations.AddIndex(
                    model_name="need",
                    index=models.Index(
                        fields=["owner", "status", "expires_on", "person"],
                        name="agenda_need_open_person",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
