"""A demo networking group, so a newcomer can see the group server with one command
(`troth serve --group`, or `troth group demo`): 30 members, each with a simulated
network of their own, published profiles, needs, offers of help, meetings and
introductions in every state. The given owner organises it, so in local mode the
browser shows the group through the organiser's eyes without a sign-in.

Simulated members get unusable passwords: nobody can sign in as them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from troth.errors import TrothError
from troth.groups import actions, introductions
from troth.groups.models import Group, HelpOffer, MemberContact, MemberIntro, Membership
from troth.owners import do_ensure_me
from troth.people.models import Person

DEMO_NAME = "Demo Job Club"
DEMO_DOMAIN = "demo.invalid"  # RFC 2606: never a real address

NEEDS = (
    "An introduction to a hiring manager at {company}",
    "Someone in {field} who would talk about their team for 20 minutes",
    "A warm introduction to {company}",
    "Advice on negotiating a first offer in {field}",
    "A tax accountant for my consulting income",
    "A reference check partner for a {field} role",
    "Feedback on my CV for {field} roles",
)
HEADLINES = (
    "Product manager between roles",
    "Finance lead, ex-{company}",
    "Engineering manager looking for the next team",
    "Marketing director, B2B",
    "Operations and supply chain",
    "Data scientist moving into {field}",
)


def _reach(network: Any) -> tuple[list[str], list[str]]:
    """The companies and fields a member can reach: those of their strong ties."""
    companies: list[str] = []
    fields: list[str] = []
    for i in range(network.people):
        c = int(network.company[i])
        if c < 0 or network.strength[i] < 0.5:
            continue
        name = network.org_names[c]
        field = network.tags[int(network.org_industry[c])]
        if name not in companies:
            companies.append(name)
        if field not in fields:
            fields.append(field)
    return companies[:8], fields[:5]


def demo_member_people(owner: Any) -> QuerySet[Person]:
    """The people the group demo put into `owner`'s own troth: the simulated members
    they worked on an introduction with (`introductions._contact`). Demo rows, as
    `troth demo --reset` sees them, though they have no SimTruth: found through the
    member they stand for, a simulated account (a demo address, no password), never
    by a name, which the owner may have given a real person too."""
    members = MemberContact.objects.filter(
        holder=owner, member__email__endswith=f"@{DEMO_DOMAIN}", member__password__startswith="!"
    )
    return Person.objects.filter(owner=owner, id__in=members.values("person_id"))


def do_load_demo_group(
    organiser: Any, *, members: int = 30, people_each: int = 60, seed: int = 11
) -> Group:
    """The demo group with `organiser` as its organiser (made once; made again only
    after it was deleted)."""
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network

    existing = Group.objects.filter(name=DEMO_NAME).first()
    if existing is not None:
        return existing
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    User = get_user_model()
    with transaction.atomic():
        group = actions.do_create_group(DEMO_NAME, organiser=organiser, now=now)
        people: list[Membership] = [Membership.objects.get(group=group, user=organiser)]
        reach: dict[int, tuple[list[str], list[str]]] = {}
        # the members' own names: drawn like anyone's, from a network of their own
        names = generate_network(people=members, seed=seed, today=today).full_name
        for i in range(1, members):
            network = generate_network(people=people_each, seed=seed * 1000 + i, today=today)
            name = str(names[i])
            user = User.objects.create_user(
                f"member{i:02d}", f"member{i:02d}@{DEMO_DOMAIN}", password=None
            )
            do_ensure_me(user, name)
            load_network(user, network)
            joined = now - dt.timedelta(days=rng.randint(20, 400))
            people.append(
                Membership.objects.create(
                    group=group, user=user, joined_at=joined, give_first_waived=True
                )
            )
            reach[user.id] = _reach(network)
        everyone_companies = sorted({c for cs, _ in reach.values() for c in cs})
        everyone_fields = sorted({f for _, fs in reach.values() for f in fs})
        for m in people[1:]:
            companies, fields = reach[m.user_id]
            headline = rng.choice(HEADLINES).format(
                company=rng.choice(companies or ["Acme Corp"]), field=rng.choice(fields or ["data"])
            )
            actions.do_publish_profile(
                m,
                headline=headline,
                offers="Happy to review CVs and make introductions where I know people well.",
                companies=companies,
                fields=fields,
                now=now,
            )

        # meetings: three past (with attendance), one coming
        def evening(day: dt.date) -> dt.datetime:  # meetings at 18:30, local time
            return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))

        for weeks in (6, 4, 2):
            starts = evening(today - dt.timedelta(weeks=weeks))
            meeting = actions.do_schedule_meeting(
                group, "Leads and needs", starts, place="Library, room 2", now=starts
            )
            came = {m.user_id for m in people if rng.random() < 0.7}
            actions.do_mark_attendance(group, meeting.id, came, now=now)
        coming = actions.do_schedule_meeting(
            group,
            "Leads and needs",
            evening(today + dt.timedelta(days=5)),
            place="Library, room 2",
            now=now,
        )
        for m in people[1:]:
            if rng.random() < 0.6:
                actions.do_rsvp(m, coming.id, rng.choice(("yes", "yes", "maybe", "no")), now=now)
        # needs: most members post one or two, the organiser one
        needs = []
        for m in people:
            for _ in range(rng.choice((0, 1, 1, 2))):
                text = rng.choice(NEEDS).format(
                    company=rng.choice(everyone_companies or ["Acme Corp"]),
                    field=rng.choice(everyone_fields or ["data"]),
                )
                posted = now - dt.timedelta(days=rng.randint(0, 20))
                needs.append(actions.do_post_need(m, text, days=60, now=posted))
        # offers of help, and introductions in every state
        states = [
            "asked", "asked", "offered", "agreed", "target_agreed", "introduced",
            "thanked", "thanked", "declined", "target_declined",
        ]  # fmt: skip
        for need in needs:
            helpers = [m for m in people if m.user_id != need.author_id]
            for m in rng.sample(helpers, k=rng.choice((0, 1, 1, 2))):
                if not HelpOffer.objects.filter(need=need, helper_id=m.user_id).exists():
                    actions.do_offer_help(m, need.id, "I may know someone", now=now)
        # the organiser takes the demo's asks beyond the default four a month
        introductions.do_set_connector(people[0], capacity=12)
        for k, need in enumerate(needs[: len(states)]):
            requester = next(m for m in people if m.user_id == need.author_id)
            connector = rng.choice([m for m in people if m.user_id != need.author_id])
            if k < 2 or k in (5, 6):  # the organiser: asks waiting, one made, one thanked
                connector = people[0] if requester is not people[0] else people[1]
            _walk(requester, connector, need.id, states[k], rng)
    return group


def _walk(requester: Membership, connector: Membership, need_id: int, state: str, rng: Any) -> None:
    """One member introduction taken to `state` through the real steps."""
    if state == "offered":
        introductions.do_offer_intro(connector, need_id, "someone I worked with for years")
        return
    try:
        intro = introductions.do_ask_member(requester, connector.user_id, "", need_id=need_id)
    except TrothError:  # a connector at capacity: the demo simply skips it
        return
    if state == "asked":
        return
    if state == "declined":
        introductions.do_answer_ask(connector, intro.id, False)
        return
    introductions.do_answer_ask(
        connector, intro.id, True, hint="a former colleague, now a team lead"
    )
    if state == "agreed":
        return
    if state == "target_declined":
        introductions.do_target_answer(connector, intro.id, False)
        return
    introductions.do_target_answer(
        connector, intro.id, True, shared="Sam Rivera, sam.rivera@example.org"
    )
    if state == "target_agreed":
        return
    introductions.do_mark_introduced(connector, intro.id)
    if state == "thanked":
        introductions.do_thank(requester, intro.id, rng.choice(("a good chat", "an interview")))


def demo_counts(group: Group) -> dict[str, int]:
    return {
        "members": Membership.objects.filter(group=group).count(),
        "needs": group.needs.count(),
        "meetings": group.meetings.count(),
        "introductions": MemberIntro.objects.filter(group=group).count(),
    }
