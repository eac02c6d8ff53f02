"""The People list's yes/no filters and page number take what they say they take
(a newcomer's review): ?cooling=maybe was the whole list, ?tier=Close a 400 although
names ignore case everywhere else, and ?page=-1 the last page."""

from __future__ import annotations

from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person


def _get(web: Client, query: str) -> tuple[int, str]:
    r = web.get(f"/people/?{query}")
    return r.status_code, r.content.decode().replace("&#x27;", "'")


def test_a_switch_that_is_neither_on_nor_off_is_a_400(web: Client, alice: Owner) -> None:
    do_add_person(alice, "Dana Kang")
    for name in ("cooling", "archived"):
        status, body = _get(web, f"{name}=maybe")
        assert status == 400, name
        assert f"{name}: 'maybe' is neither on nor off" in body
        assert "Dana Kang" not in body
    for value in ("1", "on", "true", "yes", "YES", "0", "off", "no", ""):
        assert _get(web, f"cooling={value}")[0] == 200, value


def test_a_tier_in_capitals_filters_as_in_lower_case(web: Client, alice: Owner) -> None:
    for value in ("Close", "CLOSE", "close"):
        assert _get(web, f"tier={value}")[0] == 200, value
    assert _get(web, "tier=Moon")[0] == 400


def test_a_page_number_from_one(web: Client, alice: Owner) -> None:
    do_add_person(alice, "Dana Kang")
    for bad in ("-1", "0", "x", "1e3", "99999999999"):
        status, body = _get(web, f"page={bad}")
        assert status == 400, bad
        assert "page: " in body and "is not a page number" in body
    assert _get(web, "page=1")[0] == 200
    status, body = _get(web, "page=40")  # past the last: the last page
    assert status == 200 and "Dana Kang" in body


def test_each_row_links_the_person_and_shows_the_trend_and_tags(web: Client, alice: Owner) -> None:
    """The row's values are put together in `people_page`, not the template (issue 20):
    the link, the signed 90-day change with its direction, the tags in one cell."""
    from troth.people.actions import do_tag
    from troth.trust.models import TrustScore

    up = do_add_person(alice, "Dana Kang")
    down = do_add_person(alice, "Sam Ortiz")
    flat = do_add_person(alice, "Lee Park")
    do_tag(alice, up, add=["climbing", "acme"])
    assert _get(web, "")[0] == 200  # scores everyone
    for person, trend in ((up, 7.4), (down, -3.2), (flat, 0.2)):
        TrustScore.objects.filter(owner=alice, person=person).update(trend_90=trend)
    status, body = _get(web, "")
    assert status == 200
    rows = {
        p.full_name: body.split(f'title="{p.full_name}"')[1].split("</tr>")[0]
        for p in (up, down, flat)
    }
    for p in (up, down, flat):
        assert f'<a href="/people/{p.pk}/" title="{p.full_name}">' in body
    assert '<span class="trend up" title="90-day change">+7</span>' in rows["Dana Kang"]
    assert '<span class="trend down" title="90-day change">-3</span>' in rows["Sam Ortiz"]
    assert "trend" not in rows["Lee Park"]  # no change worth a sign
    assert ">acme, climbing</td>" in rows["Dana Kang"]
