"""The needs board under load (issue 13: p95 at 200 members on PostgreSQL): what a look
at it costs does not grow with the group (the same few queries for 8 members as for 40),
its forms post where the URL configuration says, and the names it shows follow
access.display_names's rule (one's own name, else the username)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from troth.groups import actions
from troth.groups.models import Group, GroupNeed, HelpOffer, Membership
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.models import Person

COMPANIES = ["Acme Corp", "Globex", "Initech", "Hooli"]


def group_of(n: int, name: str) -> tuple[Group, Owner]:
    User = get_user_model()
    lead = User.objects.create_user(f"{name}0", f"{name}0@example.org", "pw")
    do_ensure_me(lead, f"Lead of {name}")
    group = actions.do_create_group(name.title(), organiser=lead)
    for i in range(1, n):
        user = User.objects.create_user(f"{name}{i}", f"{name}{i}@example.org", "pw")
        do_ensure_me(user, f"Member {name} {i}")
        Membership.objects.create(
            group=group, user=user, joined_at=timezone.now(), give_first_waived=True
        )
    for i, m in enumerate(Membership.objects.filter(group=group).order_by("id")):
        actions.do_publish_profile(
            m, headline="member", companies=COMPANIES[i % 4 : i % 4 + 2], fields=["fintech"]
        )
        if i % 2:
            actions.do_post_need(m, f"An introduction to someone at {COMPANIES[i % 4]}")
    return group, lead


def board_queries(group: Group, user: Owner) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    url = reverse("web:group-needs", args=[group.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url)
    assert page.status_code == 200
    return len(seen), page.content.decode()


@pytest.mark.django_db
def test_a_look_at_the_board_costs_the_same_for_a_bigger_group() -> None:
    small, small_lead = group_of(8, "small")
    big, big_lead = group_of(40, "big")
    small_n, _ = board_queries(small, small_lead)
    big_n, html = board_queries(big, big_lead)
    assert small_n == big_n <= 6  # session, user, membership, counts, needs, profiles
    assert "Open needs (20)" in html
    # with one of one's own needs on the page: the offers on it and the "met by" list
    member = Membership.objects.filter(group=big).exclude(user=big_lead).first()
    assert member is not None
    actions.do_post_need(Membership.objects.get(group=big, user=big_lead), "A designer")
    with_mine, html = board_queries(big, big_lead)
    assert with_mine == big_n + 2
    assert len(re.findall(r'<select name="met_by"', html)) == 1
    assert html.count(f'<option value="{member.user_id}">') == 1


@pytest.mark.django_db
def test_the_boards_forms_post_where_the_urls_say() -> None:
    group, lead = group_of(6, "forms")
    mine = actions.do_post_need(Membership.objects.get(group=group, user=lead), "A designer")
    other = GroupNeed.objects.filter(group=group).exclude(author=lead).first()
    assert other is not None
    client = Client()
    client.force_login(lead)
    html = client.get(reverse("web:group-needs", args=[group.slug])).content.decode()
    for name, need in (
        ("group-need-close", mine),
        ("group-need-carry", mine),
        ("group-need-offer", other),
        ("group-intro-offer", other),
    ):
        assert f'"{reverse(f"web:{name}", args=[group.slug, need.id])}"' in html, name
    offer = reverse("web:group-need-offer", args=[group.slug, other.id])
    assert client.post(offer, {"note": "me"}).status_code == 302
    assert HelpOffer.objects.filter(need=other, helper=lead).exists()
    html = client.get(reverse("web:group-needs", args=[group.slug])).content.decode()
    withdraw = reverse("web:group-need-withdraw", args=[group.slug, other.id])
    assert f'action="{withdraw}"' in html


@pytest.mark.django_db
def test_names_on_the_board_are_display_names() -> None:
    group, lead = group_of(4, "names")
    # a member who never gave their own name is shown by username
    Person.objects.filter(owner__username="names1", is_me=True).update(full_name="Me")
    client = Client()
    client.force_login(lead)
    html = client.get(reverse("web:group-needs", args=[group.slug])).content.decode()
    assert "names1" in html and "Member names 3" in html
    assert ">Me<" not in html and "Me ·" not in html
