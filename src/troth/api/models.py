"""The API's own table: how many requests each account made in the current minute
(all of its tokens together: a member cannot multiply the limit by making tokens).

In the database, not in a per-process cache: `troth serve` runs several server
processes (and a group's server may run more behind its proxy), and a limit counted
per process would let a client multiply it by the number of processes. The database
is the one thing they all share, with no new service to run; Django's database cache
would work too but needs its own table made by hand (createcachetable) and offers no
atomic increment that holds across processes."""

from __future__ import annotations

from django.db import models


class RateWindow(models.Model):
    # The account's user id. Not a ForeignKey: the count outlives nothing and must
    # never block an account's deletion.
    account_id = models.BigIntegerField()
    # the minute this count is for, as whole minutes since the epoch
    minute = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account_id", "minute"], name="api_one_window_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"account {self.account_id} minute {self.minute}: {self.count}"
