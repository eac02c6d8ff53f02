"""Settings: who you are (name, e-mail addresses, LinkedIn), the check-in rhythms by
tier, the digest and its SMTP server, and the private calendar subscription URL
(whose feed, `/calendar/<token>.ics`, is the one page served without a login).

Posts: /settings/identity, /settings/digest (action=send|test|save|forget: the digest
and its mail server), and /settings/ itself for the rhythms (action=cadence|reset)."""

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from troth.agenda.actions import do_reset_tier_cadences, do_set_tier_cadence
from troth.agenda.calendar import agenda_calendar
from troth.agenda.digest import (
    DEFAULT_PORTS,
    OWN_SERVERS_OFF,
    OWNER,
    check_address,
    check_host,
    check_port,
    do_clear_mail_settings,
    do_save_mail_settings,
    do_send_digest,
    do_send_test_message,
    mail_settings,
    own_servers_allowed,
    recipient,
    smtp_config,
)
from troth.agenda.models import DigestLog, MailSettings
from troth.agenda.queries import (
    CADENCE_TIERS,
    MAX_TIER_CADENCE,
    MIN_TIER_CADENCE,
    RECONNECT_AFTER_DAYS,
    default_tier_cadences,
    own_tier_cadences,
    tier_cadences,
)
from troth.agenda.subscription import (
    calendar_token,
    do_new_calendar_token,
    do_revoke_calendar_token,
    owner_for_calendar_token,
)
from troth.errors import TrothError, web_text
from troth.lib.contact import ContactError, normalize_email, normalize_url
from troth.lib.text import count, is_number
from troth.owners import do_ensure_me, own_addresses
from troth.people.actions import MAX_NAME, do_edit_person
from troth.people.models import ContactPoint, Person
from troth.trust.constants import TIERS
from troth.web.forms import Form
from troth.web.views.common import is_htmx, owner_of, page
from troth.web.views.sources import sources_context
from troth.web.views.tokens import tokens_context
from troth.web.views.webhooks import webhooks_context

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
    return {
        1: "every day",
        7: "every week",
        30: "every month",
        180: "every six months",
        365: "every year",
    }.get(days, f"every {count(days, 'day')}")


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
            raise forms.ValidationError(web_text(exc)) from None

    def clean_linkedin(self) -> str:
        value = (self.cleaned_data.get("linkedin") or "").strip()
        if not value:
            return ""
        try:
            url = normalize_url(value)
        except ContactError as exc:
            raise forms.ValidationError(web_text(exc)) from None
        host = url.removeprefix("https://").split("/", 1)[0]
        if host != "linkedin.com" and not host.endswith(".linkedin.com"):
            raise forms.ValidationError("That is not a LinkedIn address (linkedin.com/in/...).")
        return url


def _said(exc: TrothError) -> str:
    """A service error under its own field: without the field's name in front."""
    return web_text(exc).split(": ", 1)[-1]


class MailForm(Form):
    """The owner's own outgoing mail server (troth.agenda.models.MailSettings)."""

    host = forms.CharField(
        label="Mail server (SMTP host)",
        required=False,
        max_length=253,
        help_text="smtp.example.org; empty: the server's default, if it has one",
    )
    port = forms.CharField(
        label="Port",
        required=False,
        max_length=5,
        help_text="empty: 587 for STARTTLS, 465 for SSL/TLS, 25 for none",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    security = forms.ChoiceField(
        label="Security", choices=MailSettings.SECURITIES, initial=MailSettings.STARTTLS
    )
    username = forms.CharField(
        label="Username",
        required=False,
        max_length=320,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Password",
        required=False,
        max_length=500,
        strip=False,
        help_text="empty: keep the one saved (an app password, if your provider has them)",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_password = forms.BooleanField(label="Forget the saved password", required=False)
    from_address = forms.CharField(
        label="From address",
        required=False,
        max_length=320,
        help_text="empty: the username if it is an address, else the address it goes to",
        widget=forms.EmailInput(),
    )
    digest_to = forms.CharField(
        label="Send the digest to",
        required=False,
        max_length=320,
        help_text="empty: your account's address, else the first of your addresses above",
        widget=forms.EmailInput(),
    )

    def _check(self, check, *args):
        try:
            return check(*args)
        except TrothError as exc:
            raise forms.ValidationError(_said(exc)) from None

    def clean_host(self) -> str:
        return self._check(check_host, self.cleaned_data.get("host") or "")

    def clean_port(self) -> int | None:
        return self._check(check_port, self.cleaned_data.get("port") or "")

    def clean_from_address(self) -> str:
        return self._check(check_address, "from", self.cleaned_data.get("from_address") or "")

    def clean_digest_to(self) -> str:
        return self._check(check_address, "to", self.cleaned_data.get("digest_to") or "")


class CadenceForm(Form):
    """Days between check-ins for each tier that has a rhythm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounds = f"Whole days from {MIN_TIER_CADENCE} to {MAX_TIER_CADENCE} (two years)."
        for tier in CADENCE_TIERS:
            self.fields[tier] = forms.IntegerField(
                label=tier,
                min_value=MIN_TIER_CADENCE,
                max_value=MAX_TIER_CADENCE,
                error_messages={
                    "required": f"How many days between check-ins? {bounds}",
                    "invalid": bounds,
                    "min_value": bounds,
                    "max_value": bounds,
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "days"}),
            )


def is_linkedin(url: str) -> bool:
    host = url.removeprefix("https://").removeprefix("http://").split("/", 1)[0].lower()
    return host == "linkedin.com" or host.endswith(".linkedin.com")


def _me(owner) -> Person:
    return do_ensure_me(owner)


def identity_context(owner, form: IdentityForm | None = None) -> dict[str, Any]:
    me = _me(owner)
    points = own_addresses(owner)
    linkedin = next((v for k, v in points if k == ContactPoint.URL and is_linkedin(v)), "")
    if form is None:
        form = IdentityForm(initial={"name": me.full_name, "linkedin": linkedin}, prefix="me")
    return {
        "me": me,
        "identity_form": form,
        "emails": [v for k, v in points if k == ContactPoint.EMAIL],
        "urls": [v for k, v in points if k == ContactPoint.URL],
        "phones": [v for k, v in points if k == ContactPoint.PHONE],
        "account_email": getattr(owner, "email", "") or "",
    }


def mail_form_for(owner) -> MailForm:
    own = mail_settings(owner)
    if own is None:
        return MailForm(prefix="mail")
    initial = {
        "host": own.host,
        "port": own.port or "",
        "security": own.security,
        "username": own.username,
        "from_address": own.from_address,
        "digest_to": own.digest_to,
    }
    return MailForm(initial=initial, prefix="mail")


def digest_context(owner, form: MailForm | None = None) -> dict[str, Any]:
    """What is configured for the digest, from the owner's settings or the
    environment (the password only as set or not)."""
    smtp_error, smtp, to = "", None, None
    try:
        smtp = smtp_config(owner)
        to = recipient(owner)
    except TrothError as exc:
        smtp_error = web_text(exc)
    own = mail_settings(owner)
    last = DigestLog.objects.filter(owner=owner).first()
    return {
        "smtp": smtp,
        "smtp_mine": bool(smtp and smtp.source == OWNER),
        "smtp_error": smtp_error,
        "digest_to": to,
        "password_set": bool(smtp and smtp.password),
        "own_password_set": bool(own and own.password),
        "own_mail": own,
        "mail_form": form or mail_form_for(owner),
        "default_ports": DEFAULT_PORTS,
        "last_digest": last,
        "own_servers": own_servers_allowed(),
        "own_servers_off": OWN_SERVERS_OFF,
    }


def cadence_context(owner, form: CadenceForm | None = None) -> dict[str, Any]:
    days = tier_cadences(owner)
    if form is None:
        form = CadenceForm(initial=days, prefix="cad")
    defaults = default_tier_cadences()
    changed = own_tier_cadences(owner)
    rows = []
    for t in TIERS:
        row: dict[str, Any] = {"tier": t, "meaning": TIER_MEANING.get(t, "")}
        if t in CADENCE_TIERS:
            row.update(
                field=form[t],
                rhythm=rhythm(days[t]),
                default=rhythm(defaults[t]),
                changed=t in changed,
            )
        else:
            row["rhythm"] = (
                f"a reconnect once quiet for {RECONNECT_AFTER_DAYS} days"
                if t == "dormant"
                else "never"
            )
        rows.append(row)
    return {"tiers": rows, "cadence_form": form, "cadence_changed": bool(changed)}


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
    return {
        "nav": "settings",
        **identity_context(owner, bound.get("identity_form")),
        **cadence_context(owner, bound.get("cadence_form")),
        **digest_context(owner, bound.get("mail_form")),
        **calendar_context(request, bound.get("new_token", "")),
        **sources_context(owner),
        **webhooks_context(owner),
        **tokens_context(owner),
        "digest_error": bound.get("digest_error", ""),
        "digest_done": bound.get("digest_done", ""),
        "identity_done": bound.get("identity_done", ""),
        "identity_error": bound.get("identity_error", ""),
        "cadence_done": bound.get("cadence_done", ""),
        "cal_done": bound.get("cal_done", ""),
    }


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The page; a POST here saves (action=cadence) or resets (action=reset) the
    check-in rhythms by tier."""
    if request.method == "POST":
        return cadence(request)
    return render(request, "web/settings.html", _context(request))


def cadence(request: HttpRequest) -> HttpResponse:
    """The check-in rhythm per tier, through the same actions as the command line's."""
    owner = owner_of(request)
    partial = "web/_settings_cadence.html"
    action = request.POST.get("action", "cadence")
    if action == "reset":
        with transaction.atomic():
            n = do_reset_tier_cadences(owner)
        done = "Back to the default rhythms." if n else "The rhythms were the defaults already."
        return _section(request, partial, 200, done, cadence_done=done)
    if action != "cadence":
        return HttpResponseBadRequest(
            "unknown action (cadence or reset)", content_type="text/plain; charset=utf-8"
        )
    form = CadenceForm(request.POST, prefix="cad")
    if form.is_valid():
        try:
            with transaction.atomic():
                before = tier_cadences(owner)
                for tier in CADENCE_TIERS:
                    if form.cleaned_data[tier] != before[tier]:
                        do_set_tier_cadence(owner, tier, form.cleaned_data[tier])
        except TrothError as exc:
            form.add_error(None, web_text(exc))
        else:
            changed = [t for t in CADENCE_TIERS if form.cleaned_data[t] != before[t]]
            done = (
                "Saved: " + ", ".join(f"{t} {rhythm(form.cleaned_data[t])}" for t in changed) + "."
                if changed
                else "Nothing changed."
            )
            return _section(request, partial, 200, done, cadence_done=done)
    return _section(request, partial, 400, "", cadence_form=form)


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
            form.add_error(None, web_text(exc))
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
        error = web_text(exc)
    if error:
        if not is_htmx(request):
            messages.error(request, error)
            return redirect("web:settings")
        return _section(request, "web/_settings_identity.html", 400, "", identity_error=error)
    done = f"Removed {value}."
    return _section(request, "web/_settings_identity.html", 200, done, identity_done=done)


@require_POST
def send_digest(request: HttpRequest) -> HttpResponse:
    """The digest section's buttons: send today's digest now (action=send), send a
    test message (test), save the mail server (save) or forget it (forget). A
    failure is one line in the section, with a 400."""
    owner = owner_of(request)
    partial = "web/_settings_digest.html"
    action = request.POST.get("action", "send")
    if action == "save":
        return save_mail(request)
    try:
        if action == "send":
            sent = do_send_digest(owner)  # owns its transactions: no lock while SMTP answers
            n = len(sent.digest.items)
            done = f"Sent {n} thing{'s' if n != 1 else ''} to {sent.digest.to} via {sent.server}."
        elif action == "test":
            to, server = do_send_test_message(owner)
            done = f"Test message sent to {to} via {server}: check your inbox."
        elif action == "forget":
            with transaction.atomic():
                had = do_clear_mail_settings(owner)
            done = "Forgot your mail server." if had else "No mail server of yours to forget."
        else:
            raise TrothError(f"unknown action {action[:40]!r} (send, test, save or forget)")
    except TrothError as exc:
        return _section(request, partial, 400, "", digest_error=web_text(exc))
    return _section(request, partial, 200, done, digest_done=done)


def save_mail(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    partial = "web/_settings_digest.html"
    form = MailForm(request.POST, prefix="mail")
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                own = do_save_mail_settings(
                    owner,
                    host=d["host"],
                    port=d["port"],
                    username=d["username"],
                    # empty keeps the saved password; the box clears it
                    password="" if d["clear_password"] else (d["password"] or None),
                    security=d["security"],
                    from_address=d["from_address"],
                    digest_to=d["digest_to"],
                )
        except TrothError as exc:
            field = web_text(exc).split(":", 1)[0]
            target = {"host": "host", "port": "port", "username": "username"}.get(field)
            form.add_error(target, _said(exc) if target else web_text(exc))
        else:
            done = (
                f"Saved: the digest goes through {own.host}."
                if own.host
                else "Saved: the digest uses the server's default mail settings."
            )
            return _section(request, partial, 200, done, digest_done=done)
    return _section(request, partial, 400, "", mail_form=form)


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
        if days_text and (not is_number(days_text) or int(days_text) > MAX_FEED_DAYS):
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
