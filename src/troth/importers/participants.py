"""Who was on a message with whom: a mail import's ParticipantsRecords kept as
`MessageParticipant` rows (one per address per message), once.

The rows are evidence for the warm paths' inference (who knows whom among the
owner's people), never interactions with the owner. Re-importing the same mail adds
nothing: (source, external_id, address) is unique per owner, and the rows already
there are skipped. Every row written is recorded with the run, so `troth import
--undo` takes them back.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth.importers.bulkrows import db_instant, insert_returning_ids
from troth.importers.interaction_writer import MAX_EXTERNAL_ID
from troth.importers.journal import Journal
from troth.importers.models import MessageParticipant
from troth.importers.records import ParticipantsRecord
from troth.lib.contact import ContactError, normalize_email
from troth.owned import Owner

# Messages per transaction (up to 11 rows each): as short as the interactions' chunks.
PARTICIPANT_CHUNK = 1000
ROLES = {r for r, _label in MessageParticipant.ROLES}


def do_store_participants(
    owner: Owner, records: list[ParticipantsRecord], journal: Journal
) -> list[str]:
    """Write the rows of these messages that are not there yet; returns the address of
    each row written (whose holders' activity the new copies change)."""
    wanted: list[tuple[str, str, dt.datetime, str, str, str]] = []
    for rec in records:
        if (
            not rec.external_id
            or len(rec.external_id) > MAX_EXTERNAL_ID
            or rec.owner_role not in ROLES
        ):
            continue  # only a parser's own mistake: nothing to key the message by
        when = rec.when if timezone.is_aware(rec.when) else timezone.make_aware(rec.when, dt.UTC)
        seen: set[str] = set()
        for raw, role in rec.parties:
            try:
                addr = normalize_email(raw)
            except ContactError:
                continue
            if addr in seen or role not in ROLES:
                continue
            seen.add(addr)
            wanted.append((rec.source[:20], rec.external_id, when, addr, role, rec.owner_role))
    if not wanted:
        return []
    existing: set[tuple[str, str, str]] = set()
    by_source: dict[str, set[str]] = {}
    for source, ext, *_rest in wanted:
        by_source.setdefault(source, set()).add(ext)
    for source, exts in by_source.items():
        ordered = sorted(exts)
        for start in range(0, len(ordered), 900):
            existing.update(
                (source, e, a)
                for e, a in MessageParticipant.objects.filter(
                    owner=owner, source=source, external_id__in=ordered[start : start + 900]
                ).values_list("external_id", "address")
            )
    rows = []
    for source, ext, when, addr, role, owner_role in wanted:
        if (source, ext, addr) in existing:
            continue
        existing.add((source, ext, addr))
        rows.append((owner.pk, source, ext, db_instant(when), addr, role, owner_role))
    ids = insert_returning_ids(
        MessageParticipant,
        ("owner", "source", "external_id", "occurred_at", "address", "role", "owner_role"),
        rows,
        owner.pk,
    )
    journal.created(MessageParticipant, ids)
    return [row[4] for row in rows]
