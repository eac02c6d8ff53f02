"""/healthz: "ok" from a running server, for a load balancer or a process monitor to
ask without signing in, and the web benchmark's baseline (the whole stack, middleware
included, with no page work). Reads nothing: it says the process serves, no more."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
