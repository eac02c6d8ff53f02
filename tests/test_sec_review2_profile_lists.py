"""Issue 17 follow-up (attacker review 2, item 3): a group profile's companies and
fields were cleaned one by one and checked for duplicates against every name kept
so far (quadratic), and the 30-name limit was checked only after that loop. A list
over the limit is now refused before any name is cleaned, with one line naming the
field; the API schema says the limit; duplicates still go, case ignored."""

from __future__ import annotations

import pytest
from django.test import Client

from api_helpers import Api
from troth.errors import TrothError
from troth.groups import actions
from troth.groups.models import Group, GroupProfile, Membership
from troth.owned import Owner

pytestmark = pytest.mark.django_db


def test_a_list_over_the_limit_is_refused_before_any_name_is_cleaned(
    alice: Owner, circle: Group
) -> None:
    membership = Membership.objects.get(group=circle, user=alice)
    # name 41 would fail cleaning: the old loop cleaned (and compared) its way to it
    # and said so; now the list's size is refused before any name is looked at
    names = [f"Company {i}" for i in range(5000)]
    names[40] = "x" * (actions.ITEM_MAX + 1)
    with pytest.raises(TrothError, match=r"^companies: at most 30, got 5000$"):
        actions.do_publish_profile(membership, companies=names)
    typed = ",".join(f"Field {i}" for i in range(actions.LIST_MAX + 1))
    with pytest.raises(TrothError, match=r"^fields: at most 30, got 31$"):
        actions.do_publish_profile(membership, fields=typed)
    assert not GroupProfile.objects.exists()


def test_duplicates_and_blanks_still_go_and_thirty_is_allowed(alice: Owner, circle: Group) -> None:
    membership = Membership.objects.get(group=circle, user=alice)
    names = [f"Company {i}" for i in range(actions.LIST_MAX - 1)] + ["company 3", "  ", ""]
    profile = actions.do_publish_profile(membership, companies=names, fields="Finance, finance,,")
    assert len(profile.companies) == actions.LIST_MAX - 1
    assert profile.fields == ["Finance"]


def test_the_api_refuses_and_documents_the_limit(alice: Owner, circle: Group) -> None:
    r = Api(alice)(
        "PUT", f"/groups/{circle.slug}/profile", {"companies": [f"C{i}" for i in range(31)]}
    )
    assert r.status_code == 422 and "companies" in r.json()["error"], r.content
    assert not GroupProfile.objects.exists()
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ProfileIn"]
    assert schema["properties"]["companies"]["maxItems"] == actions.LIST_MAX
    assert schema["properties"]["fields"]["maxItems"] == actions.LIST_MAX
