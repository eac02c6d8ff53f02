"""Editing a person from their page: the same services as `troth edit`, `tag`,
`cadence`, `delete`, `ready` and archive, each error beside the field it is about."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from troth.agenda.actions import do_set_cadence
from troth.errors import Ambiguous, NotFound, TrothError, web_text
from troth.people import actions as people_actions
from troth.people import queries as people_queries
from troth.people.actions import do_edit_person
from troth.people.models import Person
from troth.trust.asking import ready_to_ask
from troth.trust.ready import ASKS, PHRASE
from troth.web.forms import (
    PersonEditForm,
    split_tags,
)
from troth.web.views.common import is_htmx, owner_of, page
from troth.web.views.people import who_is_who
from troth.web.views.person import edit_form, page_context, person_of, records


def web_words(message: str) -> str:
    """A service's error, its command-line option names said as the form says them."""
    for option, field in (
        ("--title needs --company", "a job title needs a company"),
        ("--company", "Company"),
        ("--title", "Job title"),
    ):
        message = message.replace(option, field)
    return message


class _Refused(Exception):
    """A service refused one field's change; the whole edit is rolled back."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


def _via(owner, person: Person, text: str, add_new: bool) -> tuple[Person, bool]:
    """Who introduced you, as `troth edit --via` finds them: a name or #id; several
    people of that name: say who is who. A name nobody has is added only when the
    form's "add them" box is ticked (`add_new`): a page has no "(new)" line printed
    beside the command to catch a typo, so the typo is refused, naming it."""
    try:
        found = people_queries.resolve_person(owner, text, allow_me=True)
        if found.is_me:  # (as `troth edit --via me` is refused)
            raise _Refused("via", "you did not introduce yourself; name who introduced you")
        return found, False
    except Ambiguous as exc:
        raise _Refused("via", who_is_who(owner, text, exc.candidates)) from None
    except NotFound:
        if text.strip().startswith("#"):
            raise _Refused("via", f"no person with id {text.strip()}") from None
        if not add_new:
            raise _Refused(
                "via",
                f"nobody called {text.strip()!r} is among your people: check the spelling,"
                ' or tick "Add them as a new person" to add them',
            ) from None
        try:
            return people_actions.do_add_person(owner, text), True
        except TrothError as exc:
            raise _Refused("via", web_text(exc)) from None


def _apply_edit(owner, person: Person, form: PersonEditForm) -> list[str]:
    """Write what changed, one service call per field; returns what was done."""
    d, changed = form.cleaned_data, set(form.changed_data)
    done: list[str] = []

    def step(field: str | None, call: Any) -> None:
        try:
            call()
        except TrothError as exc:
            raise _Refused(field, web_words(web_text(exc))) from None

    if "name" in changed:
        step("name", lambda: do_edit_person(owner, person, name=d["name"]))
        done.append("name")
    if "nickname" in changed:
        step("nickname", lambda: do_edit_person(owner, person, nickname=d["nickname"]))
        done.append("nickname")
    if changed & {"company", "title"}:
        company, title = d["company"].strip(), d["title"].strip()
        if not company:
            # between jobs: the old job ends (kept in their history); a title alone is
            # a headline job, and clearing a headline's title ends it (as troth edit)
            if form.initial.get("company"):
                step("company", lambda: people_actions.do_leave_job(owner, person))
            if title or form.initial.get("title"):
                step("title", lambda: people_actions.do_set_job(owner, person, None, title))
        else:
            step("company", lambda: people_actions.do_set_job(owner, person, company, title))
        done.append("job")
    email, phone = d["add_email"].strip(), d["add_phone"].strip()
    if email:
        step("add_email", lambda: do_edit_person(owner, person, emails=[email]))
        done.append("e-mail")
    if phone:
        step("add_phone", lambda: do_edit_person(owner, person, phones=[phone]))
        done.append("phone")
    if d["remove"]:
        step("remove", lambda: do_edit_person(owner, person, remove_contacts=d["remove"]))
        done.append("contact removed")
    if "closeness" in changed:
        if d["closeness"] is None:
            step("closeness", lambda: do_edit_person(owner, person, clear_closeness=True))
        else:
            step("closeness", lambda: do_edit_person(owner, person, closeness=d["closeness"]))
        done.append("closeness")
    if "tags" in changed:
        old = {people_actions.clean_tag(t) for t in split_tags(form.initial.get("tags", ""))}
        try:
            new = {people_actions.clean_tag(t): t for t in d["tags"]}
        except TrothError as exc:
            raise _Refused("tags", web_text(exc)) from None
        add = [t for key, t in new.items() if key not in old]
        drop = sorted(old - set(new))
        step("tags", lambda: people_actions.do_tag(owner, person, add=add, remove=drop))
        done.append("tags")
    if "cadence" in changed:
        step("cadence", lambda: do_set_cadence(owner, person, d["cadence"]))
        done.append("check-in rhythm")
    if "met_how" in changed:
        step("met_how", lambda: do_edit_person(owner, person, met_how=d["met_how"]))
        done.append("how you met")
    if "met_on" in changed:
        if d["met_on"] is None:
            step("met_on", lambda: people_actions.do_forget_met(owner, person, on=True))
        else:
            step("met_on", lambda: do_edit_person(owner, person, met_on=d["met_on"]))
        done.append("when you met")
    if "via" in changed:
        text = d["via"].strip()
        if not text:
            step("via", lambda: people_actions.do_forget_met(owner, person, through=True))
        else:
            via, added = _via(owner, person, text, d["via_new"])
            step("via", lambda: do_edit_person(owner, person, met_through=via))
            if added:
                done.append(f"added {via.full_name} (#{via.id}), who introduced you")
        done.append("who introduced you")
    return done


def _edit_response(request: HttpRequest, person: Person, form: PersonEditForm, status: int):
    if not is_htmx(request):
        context = page_context(request, person)
        context.update(edit=form, edit_open=True)
        return render(request, "web/person.html", context, status=status)
    return render(request, "web/_person_edit.html", {"person": person, "edit": form}, status=status)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After a change the whole page shows: a redirect, or htmx's own for its requests."""
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Change someone's details (`troth edit`, `tag`, `cadence` in one form). GET: the
    form, which the page loads when its panel opens (without JavaScript: the page with
    the panel open)."""
    owner = owner_of(request)
    person = person_of(request, person_id)
    if request.method == "GET":
        return _edit_response(request, person, edit_form(owner, person), 200)
    form = edit_form(owner, person, request.POST)
    if not form.is_valid():
        return _edit_response(request, person, form, 400)
    try:
        with transaction.atomic():
            done = _apply_edit(owner, person, form)
    except _Refused as exc:
        person.refresh_from_db()  # the rolled-back changes are not theirs
        form.add_error(exc.field, web_text(exc))
        return _edit_response(request, person, form, 400)
    message = f"Updated {person.full_name}." if done else "Nothing to change."
    for note in done:
        if note.startswith("added "):
            message += f" {note[0].upper()}{note[1:]}."
    messages.success(request, message)
    # the head of the page changes too: the whole page is drawn again
    return _go(request, reverse("web:person", args=[person.id]))


@require_POST
def archive(request: HttpRequest, person_id: int) -> HttpResponse:
    """Archive (hide from lists and the agenda) or bring back: `troth edit --archive`."""
    owner = owner_of(request)
    person = person_of(request, person_id)
    value = request.POST.get("archived", "")
    if value not in ("1", "0"):
        messages.error(request, "Choose to archive or to bring back.")
        return redirect("web:person", person_id=person.id)
    with transaction.atomic():
        do_edit_person(owner, person, archived=value == "1")
    messages.success(
        request,
        f"Archived {person.full_name}: hidden from lists and the agenda."
        if value == "1"
        else f"{person.full_name} is back in your lists and the agenda.",
    )
    return _go(request, reverse("web:person", args=[person.id]))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, person_id: int) -> HttpResponse:
    """`troth delete NAME`: a page that says what goes, then the delete itself."""
    owner = owner_of(request)
    person = person_of(request, person_id)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.info(request, "Nothing deleted.")
            return redirect("web:person", person_id=person.id)
        what = f"{person.full_name} (#{person.id}) and all of their history"
        with transaction.atomic():
            people_actions.do_delete_person(owner, person)
        messages.success(request, f"Deleted {what}.")
        return _go(request, reverse("web:people"))
    lists = records(owner, person, limit=1)
    counts = {
        "interactions": lists["profile"]["interaction_count"],
        "favours": len(lists["gave"]) + len(lists["got"]),
        "promises": len(lists["my_promises"]) + len(lists["their_promises"]),
        "notes": len(lists["notes"]),
        "introductions": len(lists["intros"]),
    }
    context = {"person": person, "counts": counts, "nav": "people"}
    return render(request, "web/person_delete.html", context)


@require_GET
def ready(request: HttpRequest, person_id: int) -> HttpResponse:
    """`troth ready NAME --ask ASK`: READY or NOT YET, why, and what to do first."""
    owner = owner_of(request)
    person = person_of(request, person_id)
    ask = request.GET.get("ask", "")
    context: dict[str, Any] = {
        "person": person,
        "asks": [(a, PHRASE[a]) for a in ASKS],
        "ask": ask,
        "nav": "people",
    }
    status = 200
    if not ask:  # the page itself, before an ask is chosen
        pass
    elif ask not in ASKS:
        context["ready_error"] = f"unknown ask {ask[:40]!r}; use one of {', '.join(ASKS)}"
        status = 400
    else:
        try:
            with transaction.atomic():
                verdict = ready_to_ask(owner, person, ask)
        except TrothError as exc:  # an unknown ask, or NotScored (only "me")
            context["ready_error"] = web_text(exc)
            status = 400
        else:
            context["verdict"] = {**verdict, "phrase": PHRASE[ask]}
    return page(
        request, "web/person_ready.html", context, partial="web/_person_ready.html", status=status
    )
