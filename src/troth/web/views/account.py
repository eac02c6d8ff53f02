"""A member's own account on a server: the address, the password (change, and reset
by mail when forgotten) and deleting the account. On a laptop in local mode there is
no account to manage: these pages say so.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from troth.errors import TrothError, web_text
from troth.groups import accounts

log = logging.getLogger(__name__)


def _server_account(request: HttpRequest) -> Any:
    if getattr(request, "troth_local", False):
        raise Http404("on this computer troth needs no account: nothing to manage here")
    return request.user


def account_page(request: HttpRequest) -> HttpResponse:
    user = _server_account(request)
    return render(request, "web/account.html", {"nav": "settings", "account": user})


@require_POST
def change_email(request: HttpRequest) -> HttpResponse:
    """Mail a confirmation link to the new address; the account keeps its address
    until the link is opened."""
    from django.urls import reverse

    from troth.agenda.digest import do_send_server_mail

    user = _server_account(request)
    try:
        email, token = accounts.do_request_email_change(
            user, request.POST.get("email", ""), request.POST.get("password", "")
        )
        link = request.build_absolute_uri(reverse("web:account-email-confirm", args=[token]))
        do_send_server_mail(
            "Confirm your new troth address",
            f"Open this link, signed in as {user.get_username()}, to make {email} the address"
            f" of your troth account (it works for two days):\n\n{link}\n\n"
            "If you did not ask for this, ignore this message: nothing changes.\n",
            email,
            "the confirmation",
        )
    except TrothError as exc:
        context = {"nav": "settings", "account": user, "email_error": web_text(exc)}
        context["email_value"] = request.POST.get("email", "")
        return render(request, "web/account.html", context, status=400)
    messages.success(
        request,
        f"A link to confirm was sent to {email}; your address stays"
        f" {user.email or 'as it is'} until you open it.",
    )
    return redirect("web:account")


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    user = _server_account(request)
    with transaction.atomic():
        email = accounts.do_confirm_email_change(user, token)
    messages.success(request, f"Your address is now {email}.")
    return redirect("web:account")


@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _server_account(request)
    context: dict[str, Any] = {"nav": "settings", "account": user}
    if request.method == "GET":
        return render(request, "web/account_delete.html", context)
    try:
        accounts.do_delete_account(user, request.POST.get("password", ""))
    except TrothError as exc:
        context["error"] = web_text(exc)
        return render(request, "web/account_delete.html", context, status=400)
    logout(request)
    return render(request, "web/account_deleted.html", {})


class ServerMailPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail sent through the server's mail settings
    (TROTH_SMTP_*, read when sending). A failure is logged, never shown: the page
    must not tell who has an account."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from troth.agenda.digest import do_send_server_mail

        if not accounts.reset_mail_allowed(to_email):
            log.warning(
                "password reset mail not sent: %s reset mails this hour already",
                accounts.RESET_MAILS_PER_HOUR,
            )
            return
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        try:
            do_send_server_mail(subject, body, to_email, "the password reset")
        except TrothError as exc:
            log.warning("password reset mail not sent: %s", exc)


password_reset = auth_views.PasswordResetView.as_view(
    form_class=ServerMailPasswordResetForm,
    template_name="web/password_reset.html",
    email_template_name="web/password_reset_email.txt",
    subject_template_name="web/password_reset_subject.txt",
    success_url=reverse_lazy("web:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="web/password_reset_done.html"
)


class ResetAndUnlock(auth_views.PasswordResetConfirmView):
    """A new password chosen from the mailed link also lifts a sign-in lock on the
    account: the lock counts wrong passwords by account name, so anyone who knows a
    member's user name can lock them out; the mailbox is how they get back in."""

    def form_valid(self, form: Any) -> HttpResponse:
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response


password_reset_confirm = ResetAndUnlock.as_view(
    template_name="web/password_reset_confirm.html",
    success_url=reverse_lazy("web:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="web/password_change.html", success_url=reverse_lazy("web:account")
)
