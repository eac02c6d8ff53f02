"""`{% dav_phone %}`: the Settings page's "Add troth to your phone" section. A tag,
so the web app's Settings page includes it without importing troth.dav (the two
are sibling layers)."""

from __future__ import annotations

from typing import Any

from django import template

from troth.dav.models import AddressBook
from troth.dav.queries import notes_setting

register = template.Library()


@register.inclusion_tag("dav/_settings_phone.html", takes_context=True)
def dav_phone(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    owner = request.user
    server = request.build_absolute_uri("/")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "server": server,
        "book_url": request.build_absolute_uri(f"/dav/{owner.get_username()}/contacts/"),
        "account": owner.get_username(),
        "notes": notes_setting(owner),
        "note_choices": AddressBook.NOTES,
        "phone_done": context.get("phone_done"),
    }
