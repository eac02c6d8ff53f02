"""The API's own table: how many requests each token made in the current minute.

In the database, not in a per-process cache: `troth serve` runs several server
processes (and a group's server may run more behind its proxy), and a limit counted
per process would let a client multiply it by the number of processes. The database
is the one thing they all share, with no new service to run; Django's database cache
would work too but needs its own table made by hand (createcachetable) and offers no
atomic increment that holds across processes."""

from __future__ import annotations

from django.db import models


class RateWindow(models.Model):
    # Not a ForeignKey: the count outlives nothing and must never block a token's deletion.
    token_id = models.BigIntegerField()
    # the minute this count is for, as whole minutes since the epoch
    minute = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token_id", "minute"], name="api_one_window")
        ]

    def __str__(self) -> str:
        return f"token {self.token_id} minute {self.minute}: {self.count}"
