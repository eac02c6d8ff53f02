"""Property-based fuzzing of the whole API from its own OpenAPI document
(schemathesis): for every operation, generated requests never get a 500 and every
answer matches the document (status code, content type, body schema).

Bounded (FUZZ_EXAMPLES requests per operation, TROTH_FUZZ_EXAMPLES overrides) so the
suite's SQLite pass stays within a couple of minutes on CI's two cores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from pytest_django.fixtures import Settings
from schemathesis import Case
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from module_data import kept_for_the_module
from troth.intros.actions import do_propose
from troth.ledger.actions import do_add_need, do_make_promise
from troth.owners import me_person
from troth.people.actions import do_add_note, do_add_person
from troth.tokens.actions import do_create_token

if TYPE_CHECKING:
    from pytest_django import DjangoDbBlocker

FUZZ_EXAMPLES = int(os.environ.get("TROTH_FUZZ_EXAMPLES") or 6)

load_all_checks()
from schemathesis.checks import not_a_server_error  # noqa: E402  (registered by load_all_checks)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read at collection, through the app itself (the document needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _connection_kept_between_requests() -> Iterator[None]:
    """The requests go through Django's WSGI handler, whose request signals close the
    database connection when it is not in autocommit, as it is not inside a test's
    transaction: on PostgreSQL the next request found it closed. Django's own test client
    disconnects the same signals for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def build_fuzz_owner() -> str:
    """An owner with a few of everything (so small ids often exist); their token."""
    from django.contrib.auth import get_user_model

    from troth.owners import do_ensure_me

    user = get_user_model().objects.create_user("fuzz", "fuzz@example.org", "password")
    do_ensure_me(user, "Fuzz")
    people = [do_add_person(user, f"Person {n}", emails=[f"p{n}@example.org"]) for n in range(4)]
    me = me_person(user)
    do_make_promise(user, me, people[0], "send the deck")
    do_add_need(user, people[1], "a CPA")
    do_add_note(user, people[2], "likes tea")
    do_propose(user, people[0], people[1], "both in fintech", anyway="fuzzing")
    return do_create_token(user, "fuzz")[1]


@pytest.fixture(scope="module")
def fuzz_owner(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """Built once for the module (it was built again for each of the ~130 operations);
    what one operation's requests change is rolled back before the next."""
    yield from kept_for_the_module(django_db_blocker, tmp_path_factory, build_fuzz_owner, day=None)


@pytest.fixture
def token(fuzz_owner: str, db: None, settings: Settings, home: Path) -> str:
    """The fuzz owner's API token, with no rate limit and imports inside the request."""
    settings.TROTH_API_RATE_LIMIT = 0
    # an upload that gets through is imported inside its request (no thread)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TROTH_IMPORT_THREAD = False
    return fuzz_owner


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests every run: a failure reproduces
)
def test_api_conforms_to_its_document(case: Case[Any], token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
