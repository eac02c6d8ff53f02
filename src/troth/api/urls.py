"""The API's URLs: every router, registered here under /api/v1/.

A new domain's endpoints go in a module of their own (api/<domain>.py, with a
`router`) and one line in ROUTERS below; the isolation and read-only tests walk the
OpenAPI document, so they cover it without being told.
"""

from __future__ import annotations

from importlib import import_module

from troth.api.core import api

ROUTERS = [
    "troth.api.people",
    "troth.api.ledger",
    "troth.api.agenda",
    "troth.api.trust",
    "troth.api.intros",
    "troth.api.imports",
    "troth.api.groups",
    "troth.api.exports",
    "troth.api.webhooks",
    "troth.api.identity",
    "troth.api.helping",
]

for module in ROUTERS:
    api.add_router("", import_module(module).router)

patterns, app_name, namespace = api.urls
# The API authenticates every request itself (a bearer token, troth.api.core); Django's
# LoginRequiredMiddleware would otherwise send a client without a session to the
# sign-in page.
for pattern in patterns:
    callback = getattr(pattern, "callback", None)
    if callback is not None:
        callback.login_required = False

# mounted at /api/v1/ by troth.urls
urls = (patterns, app_name, namespace)
