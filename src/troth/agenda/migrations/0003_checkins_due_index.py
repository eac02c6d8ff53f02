"""An index for the agenda's check-ins due: in each tier, the strongest ties first (then
by id, the query's tie-break), with the last contact beside them so the ties not yet due
are passed over in the index (at 30,000 people, 18,000 acquaintances were read row by
row for 200 due ones).

It lives on the trust cache's table but serves only the agenda's query, so it is
created here, in SQL both SQLite and PostgreSQL accept. TrustScore declares it too
(trust 0006 adds it to the models' state only), so Django knows it: a table SQLite
rebuilds keeps it, and makemigrations sees it."""

from django.db import migrations

INDEX = "agenda_checkins_due"


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0002_calendartoken"),
        ("trust", "0005_trust_staleness_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON trust_trustscore"
                " (owner_id, tier, score DESC, id, last_contact)"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
