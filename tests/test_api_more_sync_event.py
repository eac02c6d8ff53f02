"""A sync says `import.finished` once per run, however many batches it wrote (a
webhook subscriber heard of a mail sync once per 2,000 messages before): against a
real dovecot on 127.0.0.1 (tests/servers.py), with small batches so that one sync
writes several."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from servers import Dovecot
from test_sync_imap import ME, add_source, dovecot, fill, message  # noqa: F401 (fixture)
from troth.events import happened
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.sync import imap
from troth.sync.actions import do_sync
from troth.sync.models import SyncRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []

    def listen(sender: str, **kw: Any) -> None:
        events.append({"kind": kw["kind"], **kw["data"]})

    happened.connect(listen, weak=False)
    yield events
    happened.disconnect(listen)


def test_one_import_finished_per_sync_run(
    alice: Owner,
    dovecot: Dovecot,  # noqa: F811
    heard: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imap, "BATCH", 2)  # five messages in two folders: four batches
    fill(dovecot)
    source = add_source(alice, dovecot)
    run = do_sync(alice, source)
    finished = [e for e in heard if e["kind"] == "import.finished"]
    assert len(finished) == 1, finished
    imported = ImportRun.objects.get(owner=alice)  # the batches folded into one run
    assert finished[0]["run"]["id"] == imported.pk == run.import_run_id
    assert finished[0]["run"]["counts"] == imported.counts
    assert finished[0]["run"]["counts"]["interactions_added"] >= 4
    assert finished[0]["sync"] == {"source_id": source.pk, "run_id": run.pk, "status": "done"}
    # nothing new: a sync that changes nothing says nothing
    heard.clear()
    do_sync(alice, source)
    assert [e for e in heard if e["kind"] == "import.finished"] == []
    # more mail, in several batches again: once more, once
    for n in range(5):
        dovecot.deliver("", f"n{n}", message("Ann Lee <ann@example.com>", ME, f"Hi {n}", 2))
    later = do_sync(alice, source)
    finished = [e for e in heard if e["kind"] == "import.finished"]
    assert len(finished) == 1 and finished[0]["sync"]["run_id"] == later.pk
    assert finished[0]["run"]["counts"]["interactions_added"] == 5
    assert SyncRun.objects.filter(source=source).count() == 3
