"""Two indexes for the agenda's reads of the ledger, created in SQL both SQLite and
PostgreSQL accept (Favor and Need declare them too: 0004 adds them to the models'
state only, so Django knows them):

- favours not yet thanked, by date: the thank-yous owed walk the last 60 days of
  unthanked favours instead of every favour the owner ever recorded;
- open needs with their person beside the date: ordering thousands of open needs by
  their person's trust score reads the person from the index, not from each row."""

from django.db import migrations

INDEXES = {
    "agenda_favor_unthanked": "ledger_favor (owner_id, thanked_on, given_on)",
    "agenda_need_open_person": "ledger_need (owner_id, status, expires_on, person_id)",
}


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_favor_thanked_on")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {on}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, on in INDEXES.items()
    ]
