"""People: search as you type, filters, sortable columns, one page at a time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from troth.people.models import Tag
from troth.trust.engine import TIERS
from troth.web.listing import NATURAL_DESCENDING, OWES, SORTS, Filters, people_page
from troth.web.views.common import owner_of, page


def _query(f: Filters, **override) -> str:
    """The query string of the current view with some parameters changed."""
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    values = {
        "q": f.q,
        "tag": f.tag,
        "company": f.company,
        "tier": f.tier,
        "cooling": "1" if f.cooling else "",
        "owes": f.owes,
        "archived": "1" if f.archived else "",
        "sort": f.sort_param if f.sort_param != "name" else "",
    }
    values.update(override)
    for key, value in values.items():
        if value:
            q[key] = str(value)
    return q.urlencode()


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    f = Filters.from_query(request.GET)
    pg, rows = people_page(owner, f, request.GET.get("page"), timezone.localdate())
    columns = []
    for key, label in SORTS.items():
        current = f.sort == key
        # clicking the sorted column flips it; another column starts in its natural order
        target = ("" if f.descending else "-") + key if current else key
        shown_desc = f.descending != (key in NATURAL_DESCENDING)
        columns.append(
            {
                "key": key,
                "label": label,
                "current": current,
                "aria": ("descending" if shown_desc else "ascending") if current else "none",
                "query": _query(f, sort=target, page=""),
            }
        )
    context = {
        "f": f,
        "page": pg,
        "rows": rows,
        "columns": columns,
        "tiers": TIERS,
        "owes_choices": OWES,
        "tags": list(
            Tag.objects.filter(owner=owner).order_by("name").values_list("name", flat=True)[:300]
        ),
        "prev_query": _query(f, page=pg.previous_page_number()) if pg.has_previous() else "",
        "next_query": _query(f, page=pg.next_page_number()) if pg.has_next() else "",
        "nav": "people",
    }
    return page(request, "web/people.html", context, partial="web/_people_results.html")
