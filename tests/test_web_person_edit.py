"""Editing a person in the browser (issue 18 items 5, 10, 11): the same services and
the same errors as `troth edit`, `tag`, `cadence`, `delete`, `merge` and `ready`, each
error beside its field with a 400, nothing half-written, never another owner's rows;
who they know and who could help on their page; the People page's small things."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.errors import TrothError
from troth.identity.models import MergeRecord
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_add_need
from troth.owned import Owner
from troth.people.actions import (
    do_add_person,
    do_edit_person,
    do_forget_met,
    do_leave_job,
    do_link_knows,
    do_set_nickname,
)
from troth.people.models import ContactPoint, Employment, Knows, Person, Relationship

if TYPE_CHECKING:
    from conftest import Cli

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate


@pytest.fixture
def local(client: Client, db: None) -> Owner:
    """The command line's owner (the local one), signed in to the web too, so the two
    can be compared on the same people."""
    from troth.owners import local_owner

    owner = local_owner()
    client.force_login(owner)
    return owner


@pytest.fixture
def dana(alice: Owner) -> Person:
    return do_add_person(
        alice,
        "Dana Whitfield",
        emails=["dana@example.org"],
        phones=["+1 312 555 0101"],
        company="Acme",
        title="CTO",
        met_how="PyCon",
        tags=["python", "chicago"],
        closeness=3,
    )


def form_data(web: Client, person: Person, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it in (loaded when its panel opens), with some
    fields changed."""
    page = web.get(f"/people/{person.id}/edit").content.decode()
    form = page[
        page.index('id="person-edit"') : page.index("</form>", page.index('id="person-edit"'))
    ]
    data: dict[str, object] = {}
    for name, value in re.findall(r'<input[^>]*name="(edit-[^"]+)"[^>]*value="([^"]*)"', form):
        data[name] = value
    for name in re.findall(r'<input[^>]*name="(edit-[^"]+)"', form):
        data.setdefault(name, "")
    for name, body in re.findall(r'<select name="(edit-[^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("edit-remove", None)  # checkboxes: sent only when ticked
    for key, value in changes.items():
        data[f"edit-{key}"] = value
    return data


def field_error(body: str, field: str) -> str:
    """The error shown beside one field of the edit form."""
    start = body.index(f'name="edit-{field}"')
    block = body[body.rindex('<div class="field', 0, start) : start]
    assert "has-error" in block, f"no error beside {field}"
    return re.sub(r"<[^>]+>", " ", block)


# --- the services the page needs and the command line did not have -----------------


def test_nickname_leaving_a_job_and_forgetting_how_you_met(alice: Owner, dana: Person) -> None:
    do_set_nickname(alice, dana, "  Dee  ")
    assert Person.objects.get(id=dana.id).nickname == "Dee"
    with pytest.raises(TrothError, match="nickname is longer than 100"):
        do_set_nickname(alice, dana, "x" * 101)
    do_edit_person(alice, dana, nickname="")
    assert Person.objects.get(id=dana.id).nickname == ""

    do_leave_job(alice, dana)
    job = Employment.objects.get(owner=alice, person=dana)
    assert not job.is_current and job.ended_on == TODAY()  # kept in their history

    lee = do_add_person(alice, "Lee Chen")
    do_edit_person(alice, dana, met_on=TODAY() - dt.timedelta(days=5), met_through=lee)
    do_forget_met(alice, dana, on=True, through=True)
    rel = Relationship.objects.get(owner=alice, person=dana)
    assert rel.met_on is None and rel.met_through is None and rel.met_how == "PyCon"
    assert Knows.objects.filter(owner=alice).count() == 1  # they still know each other


def test_a_200_character_name_fits_its_given_name_column(alice: Owner, dana: Person) -> None:
    """All one word, it is all given name: cut to the column's 100 characters (PostgreSQL
    refused it: a 500 on the Add and Edit pages)."""
    long = do_add_person(alice, "A" * 200)
    long.refresh_from_db()
    assert (long.full_name, long.given_name) == ("A" * 200, "A" * 100)
    do_edit_person(alice, dana, name="B" * 150 + " " + "C" * 49)
    dana.refresh_from_db()
    assert (len(dana.given_name), len(dana.family_name)) == (100, 49)


# --- editing -------------------------------------------------------------------------


def test_editing_every_field_through_the_services(web: Client, alice: Owner, dana: Person) -> None:
    lee = do_add_person(alice, "Lee Chen")
    data = form_data(
        web,
        dana,
        name="Dana Whitfield-Park",
        nickname="Dee",
        company="Globex",
        title="VP Engineering",
        add_email="Dana.P@Globex.example",
        add_phone="+44 20 7946 0958",
        closeness="5",
        tags="python, Data Science",
        cadence="30",
        met_how="PyCon 2019",
        met_on=str(TODAY() - dt.timedelta(days=400)),
        via=f"#{lee.id}",
    )
    data["edit-remove"] = ["dana@example.org"]
    r = web.post(f"/people/{dana.id}/edit", data)
    assert r.status_code == 302 and r["Location"] == f"/people/{dana.id}/"
    dana.refresh_from_db()
    assert (dana.full_name, dana.nickname, dana.family_name) == (
        "Dana Whitfield-Park",
        "Dee",
        "Whitfield-Park",
    )
    jobs = Employment.objects.filter(owner=alice, person=dana).order_by("id")
    assert [(j.company, j.title, j.is_current) for j in jobs] == [
        ("Acme", "CTO", False),  # a new employer ends the old job, as troth edit does
        ("Globex", "VP Engineering", True),
    ]
    points = set(ContactPoint.objects.filter(person=dana).values_list("kind", "value"))
    assert points == {
        ("email", "dana.p@globex.example"),  # normalised by the same service
        ("phone", "+13125550101"),
        ("phone", "+442079460958"),  # E.164
    }
    rel = Relationship.objects.get(person=dana)
    assert (rel.closeness, rel.cadence_days, rel.met_how, rel.met_through_id) == (
        5,
        30,
        "PyCon 2019",
        lee.id,
    )
    assert rel.met_on == TODAY() - dt.timedelta(days=400)
    assert sorted(dana.tags.values_list("name", flat=True)) == ["data-science", "python"]
    assert Knows.objects.filter(owner=alice, source="met-through").count() == 1
    page = web.get(f"/people/{dana.id}/").content.decode()
    assert "Updated Dana Whitfield-Park." in page

    # the same form with nothing changed changes nothing
    before = Person.objects.get(id=dana.id).updated_at
    r = web.post(f"/people/{dana.id}/edit", form_data(web, dana))
    assert r.status_code == 302 and Person.objects.get(id=dana.id).updated_at == before
    assert "Nothing to change." in web.get(f"/people/{dana.id}/").content.decode()


def test_htmx_edit_reloads_the_page_and_clearing_forgets(
    web: Client, alice: Owner, dana: Person
) -> None:
    lee = do_add_person(alice, "Lee Chen")
    do_edit_person(alice, dana, met_on=TODAY() - dt.timedelta(days=3), met_through=lee)
    data = form_data(web, dana, company="", title="", closeness="", met_on="", via="", tags="")
    r = web.post(f"/people/{dana.id}/edit", data, **HTMX)
    assert r.status_code == 200 and r["HX-Redirect"] == f"/people/{dana.id}/"
    rel = Relationship.objects.get(person=dana)
    assert (rel.closeness, rel.met_on, rel.met_through_id) == (None, None, None)
    assert not Employment.objects.filter(person=dana, is_current=True).exists()
    assert Employment.objects.filter(person=dana).count() == 1  # the old job is history
    assert not dana.tags.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "   "}, "name", "This field is required"),
        ({"add_email": "not-an-email"}, "add_email", "not-an-email"),
        ({"add_phone": "call me maybe"}, "add_phone", "call me maybe"),
        ({"closeness": "9"}, "closeness", "Select a valid choice"),
        ({"cadence": "-3"}, "cadence", "Select a valid choice"),
        ({"met_on": "2026-02-30"}, "met_on", "2026-02-30"),
        # "in 3 days" is turned into a date when the test runs, not when it is collected
        # (the suite may run with its clock pinned to another day)
        ({"met_on": "IN_3_DAYS"}, "met_on", "in the future"),
        ({"tags": "ok, " + "x" * 70}, "tags", "must be 1-64 characters"),
        ({"nickname": "y" * 101}, "nickname", "at most 100 characters"),
    ],
)
def test_bad_input_is_a_400_beside_its_field_and_nothing_is_written(
    web: Client, alice: Owner, dana: Person, changes: dict[str, str], field: str, words: str
) -> None:
    # a good change in the same form is not written either
    if changes.get("met_on") == "IN_3_DAYS":
        changes = {"met_on": str(TODAY() + dt.timedelta(days=3))}
    data = form_data(web, dana, company="Globex", **changes)
    r = web.post(f"/people/{dana.id}/edit", data, **HTMX)
    body = r.content.decode()
    assert r.status_code == 400
    assert words in field_error(body, field)
    assert Employment.objects.get(person=dana, is_current=True).company == "Acme"
    # without JavaScript: the whole page, the form open with its error
    r = web.post(f"/people/{dana.id}/edit", data)
    assert r.status_code == 400 and '<details class="edit-panel" id="edit" open>' in (
        r.content.decode()
    )


def test_service_errors_are_the_command_lines(client: Client, local: Owner, cli: Cli) -> None:
    web, alice = client, local
    dana = do_add_person(alice, "Dana Whitfield", emails=["dana@example.org"])
    other = do_add_person(alice, "Sam Okafor", emails=["sam@example.org"])
    data = form_data(web, dana, add_email="SAM@example.org", name="Dana W")
    r = web.post(f"/people/{dana.id}/edit", data)
    assert r.status_code == 400
    said = cli("edit", f"#{dana.id}", "--email", "SAM@example.org", code=2).stderr
    assert "sam@example.org already belongs to Sam Okafor" in said
    assert f"sam@example.org already belongs to Sam Okafor (#{other.id})" in field_error(
        r.content.decode(), "add_email"
    )
    assert Person.objects.get(id=dana.id).full_name == "Dana Whitfield"  # rolled back

    data = form_data(web, dana)
    data["edit-remove"] = ["nobody@example.org"]  # not one of theirs: not a choice
    r = web.post(f"/people/{dana.id}/edit", data)
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()

    r = web.post(f"/people/{dana.id}/edit", form_data(web, dana, via=f"#{dana.id}"))
    assert "someone cannot have introduced themselves to you" in field_error(
        r.content.decode(), "via"
    )
    r = web.post(f"/people/{dana.id}/edit", form_data(web, dana, via="me"))
    assert r.status_code == 400
    assert "you did not introduce yourself" in field_error(r.content.decode(), "via")


def test_introduced_by_a_new_name_adds_them_and_an_ambiguous_one_says_who_is_who(
    web: Client, alice: Owner, dana: Person
) -> None:
    # (a name nobody has is added only when "add them" is ticked: see
    # test_person_page_knows_via.py for the refusal without it)
    r = web.post(f"/people/{dana.id}/edit", form_data(web, dana, via="Ravi Patel", via_new="on"))
    assert r.status_code == 302
    ravi = Person.objects.get(owner=alice, full_name="Ravi Patel")  # added, as --via does
    assert Relationship.objects.get(person=dana).met_through_id == ravi.id
    assert "Added Ravi Patel" in web.get(f"/people/{dana.id}/").content.decode()

    a = do_add_person(alice, "Sarah White", company="Ironclad", title="CFO")
    b = do_add_person(alice, "Sarah White", allow_duplicate_name=True, met_how="a meetup")
    r = web.post(f"/people/{dana.id}/edit", form_data(web, dana, via="Sarah White"))
    said = field_error(r.content.decode(), "via")
    assert r.status_code == 400
    assert f"Sarah White (#{a.id}, Ironclad, CFO)" in said
    assert f"Sarah White (#{b.id}, met a meetup)" in said
    assert Relationship.objects.get(person=dana).met_through_id == ravi.id


def test_a_title_alone_is_what_troth_edit_title_makes_of_it(
    client: Client, local: Owner, cli: Cli
) -> None:
    """Between jobs: the form sends a title without a company to the same service as
    `troth edit --title`; whatever the command line allows, the page allows (and when
    it refuses, the page says why beside the title, in the form's words)."""
    web, alice = client, local
    jo = do_add_person(alice, "Jo Pike")
    ann = do_add_person(alice, "Ann Pike")
    said = cli.runner.invoke(cli.app, ["edit", f"#{ann.id}", "--title", "Data Analyst"])
    r = web.post(f"/people/{jo.id}/edit", form_data(web, jo, title="Data Analyst"))
    if said.exit_code == 0:
        assert r.status_code == 302
        assert Person.objects.get(id=jo.id).__class__ is Person
    else:
        assert said.exit_code == 2 and r.status_code == 400
        error = field_error(r.content.decode(), "title")
        assert "a job title needs a company" in error and "--" not in error


# --- archive, delete, ready ----------------------------------------------------------


def test_archive_and_bring_back(web: Client, alice: Owner, dana: Person) -> None:
    r = web.post(f"/people/{dana.id}/archive", {"archived": "1"})
    assert r.status_code == 302 and Relationship.objects.get(person=dana).archived
    assert "Bring back" in web.get(f"/people/{dana.id}/").content.decode()
    r = web.post(f"/people/{dana.id}/archive", {"archived": "0"}, **HTMX)
    assert r.status_code == 200 and not Relationship.objects.get(person=dana).archived
    r = web.post(f"/people/{dana.id}/archive", {"archived": "maybe"})
    assert r.status_code == 302 and not Relationship.objects.get(person=dana).archived
    assert web.get(f"/people/{dana.id}/archive").status_code == 405


def test_delete_asks_first_then_deletes_everything(web: Client, alice: Owner, dana: Person) -> None:
    do_log_interaction(alice, dana, "call")
    page = web.get(f"/people/{dana.id}/delete").content.decode()
    assert "Delete Dana Whitfield?" in page and "1 interaction," in page
    assert Person.objects.filter(id=dana.id).exists()  # asking deletes nothing
    r = web.post(f"/people/{dana.id}/delete", {})
    assert r.status_code == 302 and Person.objects.filter(id=dana.id).exists()
    r = web.post(f"/people/{dana.id}/delete", {"confirm": "yes"})
    assert r.status_code == 302 and r["Location"] == "/people/"
    assert not Person.objects.filter(id=dana.id).exists()
    assert not ContactPoint.objects.filter(owner=alice).exists()
    assert "Deleted Dana Whitfield" in web.get("/people/").content.decode()
    assert web.get(f"/people/{dana.id}/delete").status_code == 404


def test_ready_to_ask_as_troth_ready_says_it(client: Client, local: Owner, cli: Cli) -> None:
    web, alice = client, local
    dana = do_add_person(alice, "Dana Whitfield", company="Acme", title="CTO")
    do_log_interaction(alice, dana, "meeting", minutes=60)
    r = web.get(f"/people/{dana.id}/ready", {"ask": "referral"}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "NOT YET" in body
    said = cli("ready", f"#{dana.id}", "--ask", "referral").stdout
    for line in said.splitlines()[1:]:
        text = line.strip().lstrip("- ").strip()
        if text and text != "First:":
            assert text in body.replace("&#x27;", "'")
    assert web.get(f"/people/{dana.id}/ready", {"ask": "advice"}).status_code == 200
    page = web.get(f"/people/{dana.id}/ready")  # no ask chosen yet: the form alone
    assert page.status_code == 200 and "Ready to ask for" in page.content.decode()
    r = web.get(f"/people/{dana.id}/ready", {"ask": "a kidney"}, **HTMX)
    assert r.status_code == 400 and "unknown ask" in r.content.decode()


# --- another owner's people ----------------------------------------------------------


def test_another_owners_people_are_not_found(
    web: Client, alice: Owner, bob: Owner, dana: Person
) -> None:
    theirs = do_add_person(bob, "Bob's Friend", emails=["friend@example.org"])
    mine = do_add_person(alice, "Kit Marlowe")
    for method, url, data in [
        ("post", f"/people/{theirs.id}/edit", {"edit-name": "Stolen"}),
        ("post", f"/people/{theirs.id}/archive", {"archived": "1"}),
        ("get", f"/people/{theirs.id}/delete", {}),
        ("post", f"/people/{theirs.id}/delete", {"confirm": "yes"}),
        ("get", f"/people/{theirs.id}/ready", {"ask": "advice"}),
        ("get", "/people/merge", {"ids": [mine.id, theirs.id]}),
        ("post", "/people/merge", {"ids": [mine.id, theirs.id], "keep": mine.id}),
        ("post", "/people/merge", {"ids": [theirs.id, mine.id], "keep": theirs.id}),
    ]:
        r = getattr(web, method)(url, data)
        assert r.status_code == 404, (method, url)
    theirs.refresh_from_db()
    assert theirs.full_name == "Bob's Friend"
    assert not Relationship.objects.get(person=theirs).archived
    assert not MergeRecord.objects.exists()
    # "me" has no contact page, so no edit form either
    me = Person.objects.get(owner=alice, is_me=True)
    assert web.post(f"/people/{me.id}/edit", {"edit-name": "X"}).status_code == 404
    assert web.get("/people/merge", {"ids": [me.id, dana.id]}).status_code == 404
    # introduced by someone else's #id: not found, as for the command line
    r = web.post(f"/people/{dana.id}/edit", form_data(web, dana, via=f"#{theirs.id}"))
    assert r.status_code == 400 and f"no person with id #{theirs.id}" in r.content.decode()
    assert Relationship.objects.get(person=dana).met_through_id is None


# --- merging from People -------------------------------------------------------------


def test_merge_two_ticked_people_keeping_one(web: Client, alice: Owner, dana: Person) -> None:
    twin = do_add_person(
        alice, "Dana Whitfeild", emails=["dana.w@example.com"], allow_duplicate_name=True
    )
    do_log_interaction(alice, twin, "call")
    r = web.post("/people/tag", {"ids": [dana.id, twin.id], "action": "merge"}, **HTMX)
    assert r.status_code == 200
    assert r["HX-Redirect"] == f"/people/merge?ids={dana.id}&ids={twin.id}"
    page = web.get("/people/merge", {"ids": [dana.id, twin.id]}).content.decode()
    assert "Keep which one?" in page and "dana.w@example.com" in page
    r = web.post("/people/merge", {"ids": [dana.id, twin.id]})
    assert r.status_code == 400 and "Choose which of the two to keep." in r.content.decode()
    r = web.post("/people/merge", {"ids": [dana.id, twin.id], "keep": twin.id})
    record = MergeRecord.objects.get(owner=alice)
    assert r.status_code == 302 and r["Location"] == f"/people/{twin.id}/?merged={record.id}"
    assert not Person.objects.filter(id=dana.id).exists()
    assert record.kept_id == twin.id and record.merged_id == dana.id
    emails = set(ContactPoint.objects.filter(person=twin).values_list("value", flat=True))
    assert emails == {"dana@example.org", "dana.w@example.com", "+13125550101"}
    page = web.get(r["Location"]).content.decode()
    assert f"Merged Dana Whitfield (#{dana.id}) into Dana Whitfeild (#{twin.id})" in page
    assert f"troth unmerge {record.id} undoes it" in page
    assert f'action="/people/merges/{record.id}/undo"' in page  # and its Undo, here
    assert "Undo this merge" not in web.get(f"/people/{twin.id}/").content.decode()

    r = web.post(f"/people/merges/{record.id}/undo")
    assert r.status_code == 302 and r["Location"] == f"/people/{twin.id}/"
    back = Person.objects.get(id=dana.id)
    assert set(back.contact_points.values_list("value", flat=True)) == {
        "dana@example.org",
        "+13125550101",
    }
    assert "are two people again" in web.get(r["Location"]).content.decode()
    r = web.post(f"/people/merges/{record.id}/undo")  # twice: one clear line, no 500
    assert r.status_code == 302
    assert "was already undone" in web.get(r["Location"]).content.decode()
    assert (
        "Undo this merge" not in web.get(f"/people/{twin.id}/?merged={record.id}").content.decode()
    )


def test_only_merges_made_on_people_are_undone_there(
    web: Client, alice: Owner, bob: Owner, dana: Person
) -> None:
    from troth.identity.actions import do_accept

    twin = do_add_person(alice, "Dana W", allow_duplicate_name=True)
    record = do_accept(alice, dana, twin)  # troth merge: troth unmerge undoes it
    assert web.post(f"/people/merges/{record.id}/undo").status_code == 404
    assert (
        "Undo this merge" not in web.get(f"/people/{dana.id}/?merged={record.id}").content.decode()
    )
    b1, b2 = do_add_person(bob, "B One"), do_add_person(bob, "B Two")
    theirs = do_accept(bob, b1, b2, reason="merged by hand on the People page")
    assert web.post(f"/people/merges/{theirs.id}/undo").status_code == 404
    assert MergeRecord.objects.get(id=theirs.id).undone_at is None


@pytest.mark.parametrize("ids", [[], ["1"], ["1", "2", "3"], ["x", "y"]])
def test_merge_needs_exactly_two(web: Client, alice: Owner, dana: Person, ids: str) -> None:
    r = web.get("/people/merge", {"ids": ids})
    assert r.status_code == 302 and r["Location"] == "/people/"
    assert "Tick exactly two people to merge." in web.get("/people/").content.decode()


def test_merging_one_person_with_themselves_is_refused(
    web: Client, alice: Owner, dana: Person
) -> None:
    r = web.post("/people/merge", {"ids": [dana.id, dana.id], "keep": dana.id})
    assert r.status_code == 302 and Person.objects.filter(id=dana.id).exists()
    assert "is one person already" in web.get("/people/").content.decode()


# --- who they know, who could help ---------------------------------------------------


def test_who_they_know_with_how_each_link_is_known(
    web: Client, alice: Owner, bob: Owner, dana: Person
) -> None:
    lee = do_add_person(alice, "Lee Chen", company="Initech", title="CFO", met_through=dana)
    kim = do_add_person(alice, "Kim Ode")
    do_link_knows(alice, dana, kim, strength=0.42)
    theirs = do_add_person(bob, "Hidden Person")
    bobs_dana = do_add_person(bob, "Dana Whitfield")
    do_link_knows(bob, bobs_dana, theirs)
    page = web.get(f"/people/{dana.id}/").content.decode()
    section = page[page.index('id="knows-h"') :]
    section = section[: section.index("</section>")]
    assert "Lee Chen" in section and "CFO at Initech" in section
    assert "Dana Whitfield introduced you to Lee Chen" in section
    assert "Kim Ode" in section and "you recorded it, strength 0.42" in section
    assert "Hidden Person" not in page
    page = web.get(f"/people/{lee.id}/").content.decode()
    assert "Dana Whitfield introduced you to Lee Chen" in page
    empty = do_add_person(alice, "Nobody Known")
    assert "is known to know Nobody Known yet" in web.get(f"/people/{empty.id}/").content.decode()


def test_who_could_help_on_each_open_need(web: Client, alice: Owner, dana: Person) -> None:
    need = do_add_need(alice, dana, "a tax accountant", days=30, tags=["cpa"])
    do_add_person(alice, "Sam Okafor", company="Bellwether Accounting", title="CPA", tags=["cpa"])
    page = web.get(f"/people/{dana.id}/").content.decode()
    assert f'hx-get="/needs/{need.id}/helpers"' in page  # the Needs page's own matching
    helpers = web.get(f"/needs/{need.id}/helpers", **HTMX).content.decode()
    listed = helpers.split("<ol")[1].split("</ol>")[0]
    assert "Sam Okafor" in listed and "Dana Whitfield" not in listed


# --- small things on People and Today -------------------------------------------------


def test_slash_has_a_people_search_on_every_page(web: Client, alice: Owner, dana: Person) -> None:
    today = web.get("/").content.decode()
    assert today.count("data-search") == 1 and 'class="nav-search"' in today
    person = web.get(f"/people/{dana.id}/").content.decode()
    assert person.count("data-search") == 1
    people = web.get("/people/").content.decode()
    assert people.count("data-search") == 1 and 'id="q"' in people  # its own box only


def test_people_filters_fold_on_a_phone_unless_one_is_in_use(
    web: Client, alice: Owner, dana: Person
) -> None:
    page = web.get("/people/").content.decode()
    assert "data-narrow-closed" in page
    assert "data-narrow-closed" not in web.get("/people/", {"tag": "python"}).content.decode()
    long = do_add_person(alice, "A" * 200)
    page = web.get("/people/").content.decode()
    assert f'title="{"A" * 200}"' in page  # the whole name, even when the cell cuts it
    assert long.full_name in page


def test_the_forms_carry_their_csrf_token(alice: Owner, dana: Person) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    page = strict.get(f"/people/{dana.id}/edit").content.decode()
    form = page[page.index('id="person-edit"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    data = {"edit-name": "Dana Whitfield", "edit-nickname": "Dee"}
    assert strict.post(f"/people/{dana.id}/edit", data).status_code == 403
    assert Person.objects.get(id=dana.id).nickname == ""
    r = strict.post(f"/people/{dana.id}/edit", {**data, "csrfmiddlewaretoken": token.group(1)})
    assert r.status_code == 302 and Person.objects.get(id=dana.id).nickname == "Dee"
    # htmx sends the page's token in a header (base.html's hx-headers)
    header = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert header is not None
    r = strict.post(
        f"/people/{dana.id}/archive", {"archived": "1"}, HTTP_X_CSRFTOKEN=header.group(1), **HTMX
    )
    assert r.status_code == 200 and Relationship.objects.get(person=dana).archived


def test_saving_another_field_keeps_a_rhythm_set_on_the_command_line(
    web: Client, alice: Owner
) -> None:
    from troth.agenda.actions import do_set_cadence
    from troth.people.models import Relationship

    wren = do_add_person(alice, "Wren Halvorsen")
    do_set_cadence(alice, wren, 42)  # troth cadence Wren 6w
    page = web.get(f"/people/{wren.id}/edit").content.decode()
    assert re.search(r'<option value="42" selected>every 42 days', page)
    form = {
        "edit-name": "Wren Halvorsen",
        "edit-nickname": "Wrenny",
        "edit-cadence": "42",
    }
    assert web.post(f"/people/{wren.id}/edit", form).status_code in (200, 302)
    wren.refresh_from_db()
    assert wren.nickname == "Wrenny"
    assert Relationship.objects.get(owner=alice, person=wren).cadence_days == 42
