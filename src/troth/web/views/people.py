"""People: search as you type, filters, sortable columns, one page at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from troth.errors import TrothError, web_text
from troth.identity import queries as identity_queries
from troth.identity.actions import do_accept, do_unmerge
from troth.identity.models import MergeRecord
from troth.interactions.models import Interaction
from troth.lib.text import is_number
from troth.people.actions import clean_tag, do_add_person, do_tag
from troth.people.models import Person, Tag
from troth.people.queries import close_spellings
from troth.present import people_rows
from troth.trust.constants import TIERS
from troth.web.forms import PersonForm
from troth.web.listing import NATURAL_DESCENDING, OWES, SORTS, Filters, page_number, people_page
from troth.web.views.common import is_htmx, owner_of, page
from troth.web.views.intros import who_they_are


def who_is_who(owner, typed: str, candidates: list[tuple[int, str]], limit: int = 8) -> str:
    """An ambiguous name's error as the web shows it: each candidate with what tells
    them apart (company and title, how you met; as the Introductions page says it),
    so the #id can be chosen."""
    shown = candidates[:limit]
    about = who_they_are(owner, [pid for pid, _name in shown])
    parts = [
        f"{name} (#{pid}, {about.get(pid) or 'no job or how you met recorded'})"
        for pid, name in shown
    ]
    more = f" and {len(candidates) - limit} more" if len(candidates) > limit else ""
    return f"{typed!r} matches several people: {'; '.join(parts)}{more}; type the #id"


def _params(f: Filters, **override) -> list[tuple[str, str]]:
    """The parameters that reproduce the current view, some of them changed."""
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
    return [(key, str(value)) for key, value in values.items() if value]


def _query(f: Filters, **override) -> str:
    return urlencode(_params(f, **override))


def _context(request: HttpRequest, params, **extra) -> dict:
    owner = owner_of(request)
    f = Filters.from_query(params)
    pg, rows = people_page(owner, f, params.get("page"), timezone.localdate())
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
        "filter_params": _params(f),
        # a search that found nobody: close spellings, as `troth show` suggests them;
        # not when other filters left nobody (the name typed may be right: a newcomer
        # was offered the very "Maria Moore" they had searched for)
        "did_you_mean": (
            [{"id": pid, "name": name} for pid, name in close_spellings(owner, f.q)]
            if f.q and not rows and not f.filtered
            else []
        ),
        "nav": "people",
        **extra,
    }
    return context


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    context = _context(request, request.GET)
    return page(request, "web/people.html", context, partial="web/_people_results.html")


# Bulk tagging works on what a page shows: a few dozen at a time, never a runaway list.
MAX_BULK = 500


@require_POST
def bulk_tag(request: HttpRequest) -> HttpResponse:
    """Add (or remove) one tag on the people ticked on the page."""
    owner = owner_of(request)
    # the page's filters ride along (to draw the list again): a bad one is refused
    # before anything is tagged, not after
    Filters.from_query(request.POST)
    page_number(request.POST.get("page"))
    action = request.POST.get("action", "add")
    raw_ids = request.POST.getlist("ids")
    tag = (request.POST.get("bulk_tag") or "").strip()  # "tag" is the filter's
    error = ""
    ids: list[int] = []
    if action == "merge":  # the same ticks pick the two records to merge
        target = reverse("web:people-merge") + "?" + urlencode([("ids", i) for i in raw_ids[:3]])
        if is_htmx(request):
            response = HttpResponse(status=200)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    if action not in {"add", "remove"}:
        error = "Choose to add or to remove the tag."
    elif not raw_ids:
        error = "Tick the people to tag first."
    elif len(raw_ids) > MAX_BULK:
        error = f"At most {MAX_BULK} people at a time."
    elif not all(is_number(i) for i in raw_ids):
        error = "Those are not people from this list."
    elif not tag:
        error = "Type the tag to add or remove."
    if not error:
        ids = sorted({int(i) for i in raw_ids})
        chosen = list(Person.objects.filter(owner=owner, is_me=False, id__in=ids))
        if len(chosen) != len(ids):  # someone else's, or gone: nothing is written
            raise Http404("no such person")
        try:
            with transaction.atomic():
                for person in chosen:
                    if action == "add":
                        do_tag(owner, person, add=[tag])
                    else:
                        do_tag(owner, person, remove=[tag])
        except TrothError as exc:
            error = web_text(exc)
    if error:
        if not is_htmx(request):
            context = _context(request, request.POST, bulk_error=error, bulk_tag=tag)
            return render(request, "web/people.html", context, status=400)
        context = _context(request, request.POST, bulk_error=error, bulk_tag=tag)
        return render(request, "web/_people_results.html", context, status=400)
    verb = "Tagged" if action == "add" else "Removed the tag from"
    done = f"{verb} {len(ids)} {'person' if len(ids) == 1 else 'people'}: {clean_tag(tag)}."
    if not is_htmx(request):
        messages.success(request, done)
        query = _query(Filters.from_query(request.POST), page=request.POST.get("page") or "")
        return redirect(reverse("web:people") + (f"?{query}" if query else ""))
    context = _context(request, request.POST, bulk_done=done)
    return render(request, "web/_people_results.html", context)


@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    """A new contact, through the same `do_add_person` as `troth add`."""
    owner = owner_of(request)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                with transaction.atomic():
                    person = do_add_person(
                        owner,
                        d["name"],
                        emails=[d["email"]] if d["email"] else [],
                        phones=[d["phone"]] if d["phone"] else [],
                        company=d["company"] or None,
                        title=d["title"] or None,
                        met_how=d["met_how"],
                        met_on=d["met_on"],
                        tags=d["tags"],
                        closeness=d["closeness"],
                        allow_duplicate_name=d["duplicate"],
                    )
            except TrothError as exc:
                form.add_error(
                    None,
                    web_text(exc).replace("use troth edit, or --duplicate", "tick the last box"),
                )
            else:
                messages.success(request, f"Added {person.full_name}.")
                return redirect("web:person", person_id=person.id)
        status = 400
    else:
        form = PersonForm(initial={"name": request.GET.get("name", "")[:200]})
        status = 200
    return render(request, "web/add_person.html", {"form": form, "nav": "people"}, status=status)


# The reason a merge made here carries: the Undo on the kept person's page undoes only
# these (as the Import page's undoes only its own; `troth unmerge` undoes any).
MERGED_HERE = "merged by hand on the People page"


def _merge_pair(owner, raw_ids: list[str]) -> list[Person]:
    """The two people ticked for a merge, the owner's own; someone else's is a 404."""
    if len(raw_ids) != 2 or not all(is_number(i) for i in raw_ids):
        raise TrothError("Tick exactly two people to merge.")
    ids = [int(i) for i in raw_ids]
    if ids[0] == ids[1]:
        raise TrothError(f"#{ids[0]} is one person already.")
    found = Person.objects.filter(owner=owner, is_me=False).in_bulk(ids)
    pair = [found.get(i) for i in ids]
    if any(p is None for p in pair):
        raise Http404("no such person")
    return [p for p in pair if p is not None]


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """`troth merge KEEP OTHER` from People: two ticked records, pick the one to keep,
    confirm; the identity service folds the other into it (troth unmerge undoes it)."""
    owner = owner_of(request)
    params = request.POST if request.method == "POST" else request.GET
    error = ""
    try:
        pair = _merge_pair(owner, params.getlist("ids"))
    except TrothError as exc:
        messages.error(request, web_text(exc))
        return redirect("web:people")
    keep_id = params.get("keep", "")
    if request.method == "POST":
        chosen = [p for p in pair if str(p.id) == keep_id]
        if not chosen:
            error = "Choose which of the two to keep."
        else:
            keep = chosen[0]
            other = pair[1] if keep is pair[0] else pair[0]
            was_rejected = identity_queries.rejected(owner, keep, other)
            try:
                with transaction.atomic():
                    record = do_accept(owner, keep, other, reason=MERGED_HERE)
            except TrothError as exc:
                error = web_text(exc)
            else:
                moved = len(record.snapshot["moved"])
                messages.success(
                    request,
                    f"Merged {other.full_name} (#{other.id}) into {keep.full_name} (#{keep.id}): "
                    f"{moved} record{'' if moved == 1 else 's'} moved. Merge #{record.id}; "
                    f"troth unmerge {record.id} undoes it."
                    + (
                        " (They were marked as different people; that mark is gone.)"
                        if was_rejected
                        else ""
                    ),
                )
                # the kept person's page offers the Undo of this merge
                return redirect(reverse("web:person", args=[keep.id]) + f"?merged={record.id}")
    rows = {r["id"]: r for r in people_rows(owner, [p.id for p in pair])}
    counts = dict(
        Interaction.objects.filter(owner=owner, person_id__in=[p.id for p in pair])
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    context = {
        "pair": [{**rows[p.id], "interactions": counts.get(p.id, 0)} for p in pair],
        "keep": keep_id or str(pair[0].id),
        "rejected": identity_queries.rejected(owner, pair[0], pair[1]),
        "error": error,
        "nav": "people",
    }
    return render(request, "web/people_merge.html", context, status=400 if error else 200)


@require_POST
def unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge made on this page: both people again, each with their own history,
    and troth will not suggest merging them again (`troth unmerge`)."""
    owner = owner_of(request)
    record = (
        MergeRecord.objects.filter(owner=owner, pk=merge_id, reason=MERGED_HERE)
        .select_related("kept")
        .first()
    )
    if record is None:
        raise Http404(f"no merge with id {merge_id} made on the People page")
    try:
        with transaction.atomic():
            merged = do_unmerge(owner, record)
    except TrothError as exc:
        messages.error(request, web_text(exc))
        return redirect("web:person", person_id=record.kept_id)
    messages.success(
        request,
        f"Undone: {merged.full_name} (#{merged.id}) and {record.kept.full_name} "
        f"(#{record.kept_id}) are two people again; troth will not suggest merging them again.",
    )
    return redirect("web:person", person_id=record.kept_id)
