"""Issue 17, item 7: a request that meets SQLite's write lock gets 503 "busy, try
again", never a 500. test_import_concurrency calls DatabaseBusyMiddleware and the
handler500 directly, so it still passed with the middleware taken out of MIDDLEWARE
(or the handler out of troth.urls); here the lock error raised by a view goes
through the whole middleware stack of the real settings."""

from __future__ import annotations

import sqlite3

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from pytest_django.fixtures import Settings

from troth.owned import Owner

LOCKED = "database is locked"


def locked_view(request: HttpRequest) -> HttpResponse:
    raise sqlite3.OperationalError(LOCKED)


urlpatterns = [path("locked/", locked_view), path("", include("troth.urls"))]
# no handler500 here: the 503 must come from DatabaseBusyMiddleware itself


@pytest.fixture
def signed_in(alice: Owner, settings: Settings) -> Client:
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def test_a_view_that_meets_the_lock_answers_503_through_the_real_middleware(
    signed_in: Client,
) -> None:
    response = signed_in.get("/locked/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Busy, try again" in response.content.decode()


def test_htmx_gets_the_short_line(signed_in: Client) -> None:
    response = signed_in.get("/locked/", HTTP_HX_REQUEST="true")
    assert response.status_code == 503 and response.content.decode().startswith("Busy:")


def test_the_root_urls_name_the_busy_handler() -> None:
    import troth.urls

    assert troth.urls.handler500 == "troth.web.busy.server_error"
