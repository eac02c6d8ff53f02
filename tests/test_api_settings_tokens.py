"""Settings > Tokens: make a token (shown once), see when it was last used, revoke it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from troth.owned import Owner
from troth.tokens.actions import do_create_token
from troth.tokens.models import AccessToken

pytestmark = pytest.mark.django_db


def test_make_use_and_revoke_a_token_from_settings(web: Client, alice: Owner) -> None:
    page = web.get("/settings/")
    assert b"No tokens yet" in page.content
    r = web.post("/settings/tokens/add", {"name": "zapier", "read_only": "on"})
    assert r.status_code == 200
    shown = re.search(rb'id="token-new" value="(troth_[^"]+)"', r.content)
    assert shown is not None, r.content
    raw = shown.group(1).decode()
    token = AccessToken.objects.get(owner=alice, name="zapier")
    assert token.read_only and raw not in token.digest
    # shown once: the page never shows it again
    assert raw.encode() not in web.get("/settings/").content
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/people").status_code == 200
    assert (
        api.post("/api/v1/people", {"name": "X"}, content_type="application/json").status_code
        == 403
    )
    assert (
        b"never"
        not in web.get("/settings/").content.split(b"settings-tokens")[1].split(b"</table>")[0]
    )
    r = web.post(f"/settings/tokens/{token.id}/revoke", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"Revoked" in r.content
    assert api.get("/api/v1/people").status_code == 401


def test_bad_names_and_other_owners_tokens(web: Client, alice: Owner, bob: Owner) -> None:
    r = web.post("/settings/tokens/add", {"name": "   "})
    assert r.status_code == 400 and b"needs a name" in r.content
    theirs, raw = do_create_token(bob, "phone")
    r = web.post(f"/settings/tokens/{theirs.id}/revoke")
    assert r.status_code == 404
    assert AccessToken.objects.get(pk=theirs.pk).revoked_at is None
