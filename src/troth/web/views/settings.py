"""Settings: who you are (name, e-mail addresses, LinkedIn), the check-in rhythms by
tier, the digest and its SMTP server, and the private calendar subscription URL
(whose feed, `/calendar/<token>.ics`, is the one page served without a login)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from troth.agenda.calendar import agenda_calendar
from troth.agenda.digest import do_send_digest, recipient, smtp_config
from troth.agenda.models import DigestLog
from troth.agenda.queries import CADENCE_TIERS, RECONNECT_AFTER_DAYS
from troth.agenda.subscription import (
    calendar_token,
    do_new_calendar_token,
    do_revoke_calendar_token,
    owner_for_calendar_token,
)
from troth.errors import TrothError
from troth.lib.contact import ContactError, normalize_email, normalize_url
from troth.owners import do_ensure_me
from troth.people.actions import MAX_NAME, do_edit_person
from troth.people.models import ContactPoint, Person
from troth.trust.engine import TIER_CADENCE_DAYS, TIERS
from troth.web.forms import Form
from troth.web.views.common import is_htmx, owner_of, page

FEED_DAYS = 30  # how far ahead the subscribed feed looks (troth calendar export: 14 by default)
MAX_FEED_DAYS = 366

TIER_MEANING = {
    "inner": "your closest few (about 5)",
    "close": "about 15",
    "active": "about 50",
    "network": "about 150",
    "acquaintance": "everyone else you have met",
    "dormant": "once strong, quiet for months",
    "stranger": "never a two-way exchange",
}


def rhythm(days: int) -> str:
    if days <= 0:
        return "never"
    return {7: "every week", 30: "every month", 180: "every six months", 365: "every year"}.get(
        days, f"every {days} days"
    )


class IdentityForm(Form):
    name = forms.CharField(label="Your name", max_length=MAX_NAME)
    email = forms.CharField(
        label="Add an e-mail address",
        required=False,
        max_length=320,
        help_text="One you write from: troth knows your own mail by it",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    linkedin = forms.CharField(
        label="LinkedIn profile URL",
        required=False,
        max_length=300,
        help_text="linkedin.com/in/your-name",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Your name cannot be empty: it signs your drafts.")
        return name

    def clean_email(self) -> str:
        value = (self.cleaned_data.get("email") or "").strip()
        if not value:
            return ""
        try:
            return normalize_email(value)
        except ContactError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_linkedin(self) -> str:
        value = (self.cleaned_data.get("linkedin") or "").strip()
        if not value:
            return ""
        try:
            url = normalize_url(value)
        except ContactError as exc:
            raise forms.ValidationError(str(exc)) from None
        host = url.removeprefix("https://").split("/", 1)[0]
        if host != "linkedin.com" and not host.endswith(".linkedin.com"):
            raise forms.ValidationError("That is not a LinkedIn address (linkedin.com/in/...).")
        return url


def is_linkedin(url: str) -> bool:
    host = url.removeprefix("https://").removeprefix("http://").split("/", 1)[0].lower()
    return host == "linkedin.com" or host.endswith(".linkedin.com")


def _me(owner) -> Person:
    return do_ensure_me(owner)


def identity_context(owner, form: IdentityForm | None = None) -> dict[str, Any]:
    me = _me(owner)
    points = list(
        ContactPoint.objects.filter(owner=owner, person=me).order_by("kind", "-is_primary", "id")
    )
    linkedin = next((p.value for p in points if p.kind == "url" and is_linkedin(p.value)), "")
    if form is None:
        form = IdentityForm(initial={"name": me.full_name, "linkedin": linkedin}, prefix="me")
    return {
        "me": me,
        "identity_form": form,
        "emails": [p.value for p in points if p.kind == ContactPoint.EMAIL],
        "urls": [p.value for p in points if p.kind == ContactPoint.URL],
        "phones": [p.value for p in points if p.kind == ContactPoint.PHONE],
        "account_email": getattr(owner, "email", "") or "",
    }


def digest_context(owner) -> dict[str, Any]:
    """What is configured for the digest, from settings and the environment (the
    password only as set or not)."""
    smtp_error, smtp, to = "", None, None
    try:
        smtp = smtp_config()
        to = recipient(owner)
    except TrothError as exc:
        smtp_error = str(exc)
    last = DigestLog.objects.filter(owner=owner).first()
    return {
        "smtp": smtp,
        "smtp_error": smtp_error,
        "digest_to": to,
        "password_set": bool(smtp and smtp.password),
        "last_digest": last,
    }


def calendar_context(request: HttpRequest, new_token: str = "") -> dict[str, Any]:
    owner = owner_of(request)
    token = calendar_token(owner)
    url = ""
    if new_token:
        url = request.build_absolute_uri(reverse("web:calendar-feed", args=[new_token]))
    return {
        "cal_token": token,
        "cal_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
        "feed_days": FEED_DAYS,
        "local": bool(getattr(request, "troth_local", False))
        or request.get_host().split(":")[0] in ("127.0.0.1", "localhost", "[::1]"),
    }


def _context(request: HttpRequest, **bound: Any) -> dict[str, Any]:
    owner = owner_of(request)
    tiers = [
        {
            "tier": t,
            "meaning": TIER_MEANING.get(t, ""),
            "rhythm": rhythm(d)
            if t in CADENCE_TIERS
            else f"a reconnect once quiet for {RECONNECT_AFTER_DAYS} days"
            if t == "dormant"
            else "never",
        }
        for t, d in zip(TIERS, TIER_CADENCE_DAYS, strict=True)
    ]
    return {
        "nav": "settings",
        "tiers": tiers,
        **identity_context(owner, bound.get("identity_form")),
        **digest_context(owner),
        **calendar_context(request, bound.get("new_token", "")),
        "digest_error": bound.get("digest_error", ""),
        "digest_done": bound.get("digest_done", ""),
        "identity_done": bound.get("identity_done", ""),
        "identity_error": bound.get("identity_error", ""),
        "cal_done": bound.get("cal_done", ""),
    }


@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/settings.html", _context(request))


def _section(
    request: HttpRequest, partial: str, status: int, done: str, **bound: Any
) -> HttpResponse:
    """After a POST: the section in place (htmx), or back to the page."""
    if not is_htmx(request) and status == 200:
        messages.success(request, done)
        return redirect("web:settings")
    return page(
        request, "web/settings.html", _context(request, **bound), partial=partial, status=status
    )


@require_POST
def identity(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    form = IdentityForm(request.POST, prefix="me")
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                me = _me(owner)
                old = [
                    v
                    for v in ContactPoint.objects.filter(
                        owner=owner, person=me, kind=ContactPoint.URL
                    ).values_list("value", flat=True)
                    if is_linkedin(v)
                ]
                new_url = d["linkedin"]
                replace = [v for v in old if new_url and v != new_url]
                do_edit_person(
                    owner,
                    me,
                    name=d["name"] if d["name"] != me.full_name else None,
                    emails=[d["email"]] if d["email"] else [],
                    urls=[new_url] if new_url and new_url not in old else [],
                    remove_contacts=replace,
                )
        except TrothError as exc:
            form.add_error(None, str(exc))
        else:
            done = "Saved. " + (f"Added {d['email']}." if d["email"] else "")
            return _section(
                request, "web/_settings_identity.html", 200, done.strip(), identity_done=done
            )
    return _section(request, "web/_settings_identity.html", 400, "", identity_form=form)


@require_POST
def remove_contact(request: HttpRequest) -> HttpResponse:
    """Remove one of your own e-mail addresses or URLs."""
    owner = owner_of(request)
    value = (request.POST.get("value") or "").strip()
    error = ""
    try:
        with transaction.atomic():
            do_edit_person(owner, _me(owner), remove_contacts=[value])
    except TrothError as exc:
        error = str(exc)
    if error:
        if not is_htmx(request):
            messages.error(request, error)
            return redirect("web:settings")
        return _section(request, "web/_settings_identity.html", 400, "", identity_error=error)
    done = f"Removed {value}."
    return _section(request, "web/_settings_identity.html", 200, done, identity_done=done)


@require_POST
def send_digest(request: HttpRequest) -> HttpResponse:
    """Send today's digest now, to the configured address; the SMTP error if it fails."""
    owner = owner_of(request)
    try:
        sent = do_send_digest(owner)  # owns its transactions: no lock while SMTP answers
    except TrothError as exc:
        return _section(request, "web/_settings_digest.html", 400, "", digest_error=str(exc))
    n = len(sent.digest.items)
    done = f"Sent {n} thing{'s' if n != 1 else ''} to {sent.digest.to} via {sent.server}."
    return _section(request, "web/_settings_digest.html", 200, done, digest_done=done)


@require_POST
def calendar_new(request: HttpRequest) -> HttpResponse:
    """A new subscription URL; any old one stops working."""
    owner = owner_of(request)
    with transaction.atomic():
        had = calendar_token(owner) is not None
        token = do_new_calendar_token(owner)
    done = "A new private URL: the old one no longer works." if had else "Your private URL."
    if not is_htmx(request):
        # Shown once: the token is not stored, so it rides on the message.
        url = request.build_absolute_uri(reverse("web:calendar-feed", args=[token]))
        messages.success(request, f"{done} Subscribe to {url} (shown only now).")
        return redirect("web:settings")
    return _section(
        request, "web/_settings_calendar.html", 200, done, new_token=token, cal_done=done
    )


@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    with transaction.atomic():
        had = do_revoke_calendar_token(owner)
    done = "Revoked: calendars subscribed to it get nothing more." if had else "No URL to revoke."
    return _section(request, "web/_settings_calendar.html", 200, done, cal_done=done)


@login_not_required  # a calendar app cannot sign in: the private token is the access
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The agenda's dated items as iCalendar, for the owner whose token this is."""
    days_text = request.GET.get("days", "")
    with transaction.atomic():
        owner = owner_for_calendar_token(token)
        if owner is None:
            raise Http404("no such calendar")
        if days_text and (not days_text.isdigit() or int(days_text) > MAX_FEED_DAYS):
            return HttpResponseBadRequest(
                f"days must be a whole number from 0 to {MAX_FEED_DAYS}",
                content_type="text/plain; charset=utf-8",
            )
        days = int(days_text) if days_text else FEED_DAYS
        data = agenda_calendar(owner, days=days, todos=request.GET.get("todos") == "1")
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="troth.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
