"""A job title without a company (issue 18 item 9: people between jobs): a "headline"
job, current, with no organisation, shown as the title alone everywhere, and read
without a crash by everything that reads jobs (identity, exports, drafts, People)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING

from django.test import Client

from test_backup import snapshot, wipe
from test_web_person_edit import form_data
from troth.identity.actions import do_merge
from troth.identity.queries import candidates
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person, do_set_job
from troth.people.models import Employment, Person

if TYPE_CHECKING:
    from conftest import Cli


def test_add_and_edit_a_title_alone_from_the_command_line(cli: Cli) -> None:
    cli("add", "Jo Pike", "--title", "Data Analyst")
    jo = Person.objects.get(full_name="Jo Pike")
    job = Employment.objects.get(person=jo)
    assert (job.organization, job.title, job.is_current) == (None, "Data Analyst", True)
    shown = cli.json("show", "Jo Pike")
    assert (shown["company"], shown["title"]) == (None, "Data Analyst")
    assert shown["jobs"] == [
        {"company": None, "title": "Data Analyst", "current": True, "from": None, "to": None}
    ]
    text = cli("show", "Jo Pike").stdout
    assert "Jo Pike" in text and "Data Analyst" in text and " at " not in text.splitlines()[0]
    [row] = cli.json("people")
    assert (row["company"], row["title"]) == (None, "Data Analyst")

    cli("add", "Ann Pike")
    cli("edit", "Ann Pike", "--title", "Product designer, open to work")
    assert cli.json("show", "Ann Pike")["title"] == "Product designer, open to work"
    # the employer learnt later fills in the same job; no second one
    cli("edit", "Ann Pike", "--company", "Acme")
    ann = cli.json("show", "Ann Pike")
    assert (ann["company"], ann["title"]) == ("Acme", "Product designer, open to work")
    assert len(ann["jobs"]) == 1
    # an empty title with no company ends a headline (nothing is left of it)
    cli("edit", "Jo Pike", "--title", "")
    assert cli.json("show", "Jo Pike")["title"] is None
    assert not Employment.objects.filter(person=jo, is_current=True).exists()


def test_person_page_people_page_and_edit_details(client: Client, alice: Owner) -> None:
    client.force_login(alice)
    jo = do_add_person(alice, "Jo Pike", title="Data Analyst")
    page = client.get(f"/people/{jo.id}/").content.decode()
    assert '<p class="job">Data Analyst</p>' in page
    people = client.get("/people/").content.decode()
    assert "Data Analyst" in people
    # the web's Edit details: clearing the title of a headline ends it
    r = client.post(f"/people/{jo.id}/edit", form_data(client, jo, title=""))
    assert r.status_code == 302
    assert not Employment.objects.filter(person=jo, is_current=True).exists()
    r = client.post(f"/people/{jo.id}/edit", form_data(client, jo, title="Analyst"))
    assert r.status_code == 302
    assert Employment.objects.get(person=jo, is_current=True).title == "Analyst"
    # the web's Add a person takes a title alone too
    r = client.post("/people/add", {"name": "Ann Pike", "title": "Between roles"})
    assert r.status_code == 302
    ann = Person.objects.get(owner=alice, full_name="Ann Pike")
    assert Employment.objects.get(person=ann).organization is None


def test_identity_reads_and_merges_headline_jobs(alice: Owner) -> None:
    a = do_add_person(alice, "Jo Pike", title="Data Analyst")
    b = do_add_person(alice, "Jo Pike", title="data analyst", allow_duplicate_name=True)
    c = do_add_person(alice, "Jo Pyke", company="Acme", title="Analyst")
    found = {x.id: x for x in candidates(alice)}
    assert not found[a.id].company and found[c.id].company == "Acme"
    do_merge(alice, a, b)  # the same headline twice is one job
    assert Employment.objects.filter(person=a).count() == 1
    do_merge(alice, c, a)  # a headline beside a job at a company: kept, made past
    jobs = Employment.objects.filter(person=c).order_by("-is_current")
    assert [(j.company, j.is_current) for j in jobs] == [("Acme", True), ("", False)]


def test_exports_write_the_title_without_a_company(cli: Cli, tmp_path: Path) -> None:
    import vobject

    owner = local_owner()
    jo = do_add_person(owner, "Jo Pike", title="Data Analyst")
    card = next(iter(vobject.readComponents(cli("export", "vcard", "-").stdout)))
    assert card.title.value == "Data Analyst" and "org" not in card.contents
    cli("export", "csv", str(tmp_path / "csv"))
    with open(tmp_path / "csv" / "people.csv", encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["company"], row["title"]) == ("", "Data Analyst")
    # a JSON backup restores it as it was
    path = tmp_path / "all.json"
    before = snapshot(owner)
    cli("export", "json", str(path))
    wipe(owner)
    json.loads(cli("import", "json", str(path), "--json").stdout)
    assert snapshot(owner) == before
    assert Employment.objects.get(person__full_name="Jo Pike").organization is None
    assert jo.full_name == "Jo Pike"


def test_drafts_and_namesakes_read_a_headline(cli: Cli) -> None:
    owner = local_owner()
    jo = do_add_person(owner, "Jo Pike")
    do_set_job(owner, jo, None, "Data Analyst")
    do_add_person(owner, "Jo Pike", company="Acme", allow_duplicate_name=True)
    said = cli("show", "Jo Pike", code=2)
    assert "Data Analyst" in said.output and "at None" not in said.output
    from troth.agenda.draft_facts import _job, _job_phrase

    assert _job_phrase(jo) == ("Data Analyst", "", "Data Analyst")
    assert _job(jo)["company"] == ""
