"""`troth agenda` says which source keeps failing, and why, as the web's Today does
(issue 14: "a source that keeps failing backs off and says why on Today")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troth.owners import local_owner
from troth.sync.actions import do_add_ics
from troth.sync.models import Source

if TYPE_CHECKING:
    from conftest import Cli


def test_agenda_names_a_source_that_keeps_failing(cli: Cli) -> None:
    me = local_owner()
    source = do_add_ics(me, url="https://calendar.example.org/private-abcd/basic.ics", check=False)
    Source.objects.filter(pk=source.pk).update(failures=1, last_error="ICS: no answer")
    assert "keeps failing" not in cli("agenda").stdout  # once is not "keeps"
    Source.objects.filter(pk=source.pk).update(failures=3)
    out = cli("agenda").stdout
    assert "keeps failing (3 times in a row): ICS: no answer" in out
    assert f"troth sync {source.pk}" in out
    Source.objects.filter(pk=source.pk).update(failures=0, last_error="")
    assert "keeps failing" not in cli("agenda").stdout
