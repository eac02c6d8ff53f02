"""Who knows whom from mail the owner received: co-recipients and "A wrote to B with
me in copy" from real messages (../shared/realdata), kept by address so that a
person added later counts, never made into interactions with the owner, idempotent
on re-import and removed by the import's undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from troth.importers import mail, mailscan
from troth.importers.models import ImportRun, MessageParticipant
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.warmpaths.models import InferencePass, Link
from troth.warmpaths.queries import fresh_links, whom_knows

if TYPE_CHECKING:
    from conftest import Cli

# Alice wrote to Daniel with Bob (the owner) and Charles in copy.
BROKEN_CC = ("maildir", "notmuch_corpora", "broken", "broken-cc")
# alice@ wrote To charlie@ and dave@, Cc eve@ (the owner) and frank@.
TEST_19 = ("eml", "mailparser_mail_test_19.eml")
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()


def _link(owner: Owner, a: Person, b: Person) -> Link | None:
    lo, hi = sorted((a.id, b.id))
    return Link.objects.filter(owner=owner, person_a_id=lo, person_b_id=hi).first()


def _people(owner: Owner, *names_and_addresses: tuple[str, str]) -> list[Person]:
    return [do_add_person(owner, name, emails=[addr]) for name, addr in names_and_addresses]


def test_parties_of_a_real_message_and_classify_keeps_its_shape(realdata: Path) -> None:
    headers = mailscan.file_headers(realdata.joinpath(*TEST_19))
    me = frozenset({"eve@example.com"})
    plain = mail.classify(headers, me, LATEST)
    assert plain[0] == "m" and len(plain) == 6  # the other callers' shape is unchanged
    full = mail.classify_with_parties(headers, me, LATEST)
    assert full[:6] == plain
    owner_role, others = full[6], full[7]
    assert owner_role == "cc"
    assert others == (
        ("alice@example.com", "from"),
        ("charlie@example.com", "to"),
        ("dave@example.com", "to"),
        ("frank@example.com", "cc"),
    )
    # the owner's own message: the owner's role is "from", and one other is no pair
    mine = mail.classify_with_parties(headers, frozenset({"alice@example.com"}), LATEST)
    assert mine[6] == "from" and len(mine[7]) == 4


def test_cc_to_me_is_a_copied_exchange_and_co_recipients_are_together(
    realdata: Path, cli: Cli
) -> None:
    from troth.owners import local_owner

    owner = local_owner()
    alice, daniel, charles = _people(
        owner,
        ("Alice", "alice@example.org"),
        ("Daniel", "daniel@example.org"),
        ("Charles", "charles@example.org"),
    )
    cli("import", str(realdata.joinpath(*BROKEN_CC)), "--me", "bob@example.org")
    rows = set(
        MessageParticipant.objects.filter(owner=owner).values_list("address", "role", "owner_role")
    )
    assert rows == {
        ("alice@example.org", "from", "cc"),
        ("daniel@example.org", "to", "cc"),
        ("charles@example.org", "cc", "cc"),
    }
    # one message from Alice only in copy: nobody the owner corresponds with
    assert not Interaction.objects.filter(owner=owner).exists()
    fresh_links(owner)
    ad, ac = _link(owner, alice, daniel), _link(owner, alice, charles)
    dc = _link(owner, daniel, charles)
    assert ad is not None and (ad.mail_cc, ad.mail_together) == (1, 0) and ad.usable
    assert ac is not None and (ac.mail_cc, ac.mail_together) == (0, 1)
    assert dc is not None and (dc.mail_cc, dc.mail_together) == (0, 1)
    assert ad.strength > ac.strength > 0  # writing to each other beats being copied
    said = {r["id"]: r["evidence"] for r in whom_knows(owner, alice)}
    assert said[daniel.id][0].startswith("wrote to each other with you in copy 1 time, last in ")
    assert said[charles.id][0].startswith("Cc'd together on 1 message, last in ")
    out = cli("knows", "Alice").stdout
    assert "with you in copy" in out

    # the same mail again adds nothing; the undo takes the rows back
    cli("import", str(realdata.joinpath(*BROKEN_CC)), "--me", "bob@example.org")
    assert MessageParticipant.objects.filter(owner=owner).count() == 3
    first = ImportRun.objects.filter(owner=owner).order_by("id").first()
    assert first is not None
    cli("import", "--undo", str(first.id))
    assert not MessageParticipant.objects.filter(owner=owner).exists()
    fresh_links(owner)
    assert _link(owner, alice, daniel).mail_cc == 0  # type: ignore[union-attr]


def test_an_address_that_becomes_a_person_later_counts_from_then(realdata: Path, cli: Cli) -> None:
    from troth.owners import local_owner

    owner = local_owner()
    (alice,) = _people(owner, ("Alice", "alice@example.com"))
    cli("import", str(realdata.joinpath(*TEST_19)), "--me", "eve@example.com")
    fresh_links(owner)
    assert not Link.objects.filter(owner=owner).exists()  # nobody else is a person yet
    mark = InferencePass.objects.get(owner=owner)
    assert mark.participants_max_id == MessageParticipant.objects.order_by("-id")[0].id
    # a contact added afterwards (from an address book, by hand) with an address on it
    charlie, frank = _people(
        owner, ("Charlie Brown", "charlie@example.com"), ("Frank", "frank@example.com")
    )
    fresh_links(owner)  # the new addresses make an incremental pass
    ac, af, cf = (
        _link(owner, alice, charlie),
        _link(owner, alice, frank),
        _link(owner, charlie, frank),
    )
    assert ac is not None and (ac.mail_cc, ac.mail_together) == (1, 0)
    assert af is not None and (af.mail_cc, af.mail_together) == (0, 1)
    assert cf is not None and (cf.mail_cc, cf.mail_together) == (0, 1)
    incremental = {
        (lk.person_a_id, lk.person_b_id): (lk.mail_cc, lk.mail_together)
        for lk in Link.objects.filter(owner=owner)
    }
    from troth.warmpaths.actions import do_infer_links

    do_infer_links(owner, full=True)
    full = {
        (lk.person_a_id, lk.person_b_id): (lk.mail_cc, lk.mail_together)
        for lk in Link.objects.filter(owner=owner)
    }
    assert incremental == full


def test_a_message_with_more_than_ten_others_keeps_no_participants(
    realdata: Path, tmp_path: Path, cli: Cli
) -> None:
    from troth.owners import local_owner

    owner = local_owner()
    source = realdata.joinpath(*TEST_19).read_bytes()
    crowd = ", ".join(f"p{i}@example.com" for i in range(10))
    path = tmp_path / "crowd.eml"
    # the real message with ten more people in Cc: a blast, no evidence
    path.write_bytes(
        source.replace(b"\nCc: ", f"\nCc: {crowd}, ".encode(), 1)
        if b"\nCc: " in source
        else source.replace(b"\nCC: ", f"\nCC: {crowd}, ".encode(), 1)
    )
    cli("import", str(path), "--me", "eve@example.com")
    assert not MessageParticipant.objects.filter(owner=owner).exists()
