"""Two indexes fewer on the trust cache, which a full recompute writes row by row
(issue 20): (owner, tier, -score) is a prefix of agenda_checkins_due, which the
planners chose for its queries already, and the owner's own index is the prefix of
every other one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0009_tie_past"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="trustscore",
            name="trust_by_tier_score",
        ),
        migrations.AlterField(
            model_name="trustscore",
            name="owner",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
