"""The pieces every router of the API shares: the NinjaAPI itself, bearer-token
authentication, the one place errors become JSON, ETags and cursor pagination.

Every answer that is not a 2xx or 304 is `{"error": "..."}` with a message naming
the field or the thing that was wrong; troth's own errors (troth.errors) are mapped
once here, not in the endpoints.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from troth.errors import Ambiguous, Conflict, Forbidden, NotFound, TrothError, web_text
from troth.lib.busy import BUSY_MESSAGE, is_locked
from troth.owned import Owner
from troth.tokens.models import AccessToken
from troth.tokens.queries import authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_RETRY_AFTER = 5  # seconds, as the web app's troth.web.busy
BODY_PROBLEM = "body_problem"


class Out(Schema):
    """An answer's schema: exactly the fields the presenter returns, no more (an extra
    field is an error, so the OpenAPI document can never fall behind a presenter)."""

    model_config = ConfigDict(extra="forbid")


def _nul(value: Any, where: str) -> str | None:
    """The first place in a request body holding a NUL character, if any."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul(item, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


def _body_problem(where: str, message: str) -> PydanticCustomError:
    """A problem found in a body before its fields are read, at `where` inside that
    body: a typed error whose parts survive django-ninja turning errors into dicts, so
    the handler can put the body's own place in front (a nested object's path)."""
    return PydanticCustomError(
        BODY_PROBLEM, "{where}: {message}", {"where": where, "message": message}
    )


SHOWN_NAME = 40  # characters of an unknown name echoed back in an error


def _shown(name: str) -> str:
    """A name from the request, as an error message may repeat it: short, and quoted
    when it holds anything but plain printable characters (a newline, a 2 MB key)."""
    if len(name) <= SHOWN_NAME and name.isprintable():
        return name
    return repr(name[:SHOWN_NAME]) + ("..." if len(name) > SHOWN_NAME else "")


class In(Schema):
    """A request body: an unknown field is refused (422 naming it and the fields the
    body takes), not ignored; so is a NUL character anywhere in it (PostgreSQL cannot
    store one, and no name, note or address holds one: Django's forms refuse it too)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_fields_no_nul(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # Checked here rather than left to extra="forbid" (which stays as the net),
            # so the answer can say what the body does take: a misspelt field is the
            # commonest mistake, and its fix is in that list.
            takes = {f.alias or name for name, f in cls.model_fields.items()}
            unknown = [_shown(str(k)) for k in data if k not in takes]
            if unknown:
                plural = "s" if len(unknown) > 1 else ""
                raise _body_problem(
                    ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else ""),
                    f"unknown field{plural} (this body takes {', '.join(sorted(takes))})",
                )
        where = _nul(data, "")
        if where:
            raise _body_problem(where, "contains a NUL character")
        return data


class Error(Out):
    error: str


# The error answers every operation may give, documented once.
ERRORS: dict[int, type[Schema]] = {
    code: Error for code in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}


def answers(schema: Any, status: int = 200) -> dict[int, Any]:
    """An operation's `response=`: its answer and every error."""
    return {status: schema, **ERRORS}


# ---------------------------------------------------------------- authentication


class ReadOnlyToken(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "this token is read-only: make a token without --read-only to write")


class BearerToken(HttpBearer):
    """`Authorization: Bearer troth_...`, a personal access token (troth.tokens). No
    session or cookie is ever accepted here, so there is no CSRF to check: a browser
    cannot attach the header on its own."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header and not header.lower().startswith("bearer "):
            raise AuthenticationError(401, "Authorization: use 'Bearer <token>'")
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = authenticate(token.strip())
        if found is None:
            raise AuthenticationError(401, "Authorization: no such live token")
        for key, value in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in value):
                raise HttpError(
                    400, f"query parameter {key.replace(chr(0), '')!r}: contains a NUL character"
                )
        if found.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyToken()
        from troth.api.ratelimit import check

        check(found)
        from troth.owners import do_ensure_me

        # An account made by the operator (or in a shell) has no "me" until it first
        # signs in on the web; the ledger and the agenda need one.
        do_ensure_me(found.owner)
        return found


def owner(request: HttpRequest) -> Owner:
    """The owner of the token the request came with: the only owner an endpoint uses
    (never request.user, which local mode sets for any loopback request)."""
    token: AccessToken = request.auth  # type: ignore[attr-defined]
    return token.owner


# ---------------------------------------------------------------- the API


class TrothAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            return with_etag(request, response)
        return response


def with_etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A strong ETag from the body; If-None-Match naming it gets 304 with no body.
    Computed from what was read, so it costs no extra query; it saves the client the
    transfer and the parsing (the common case of polling for changes)."""
    tag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization"
    wanted = request.headers.get("If-None-Match", "")
    if wanted and (wanted.strip() == "*" or tag in [t.strip() for t in wanted.split(",")]):
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Cache-Control", "Vary"):
            not_modified[header] = response[header]
        return not_modified
    return response


class LocalSwagger(Swagger):
    """Swagger UI from the files django-ninja ships, served by troth (settings:
    STATICFILES_DIRS, TEMPLATES), never its CDN page: ninja picks the CDN when it is not
    an installed app, and it is not one so that importing it (and pydantic) is left to
    the requests that need it."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api}
        return render(request, self.template, context)


api = TrothAPI(
    title="troth",
    version="1",
    description=(
        "The HTTP API of troth: the same service layer and the same JSON fields as the"
        " command line's --json. Authenticate with a personal access token"
        " (`troth tokens add NAME`, or Settings > Tokens) as `Authorization: Bearer TOKEN`."
    ),
    urls_namespace="api",
    auth=BearerToken(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"error": message}, status=status)


def _field(loc: Sequence[Any]) -> str:
    # ("body", "payload", "name") -> "name"; ("query", "limit") -> "limit"
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        parts = parts[1:]  # where it was: the name says enough
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _problem(error: dict[str, Any]) -> str:
    where = _field(error.get("loc", ()))
    if error.get("type") == BODY_PROBLEM:
        ctx = error.get("ctx") or {}
        inside = ctx["where"] if where == "body" else f"{where}.{ctx['where']}"
        return f"{inside}: {ctx['message']}"
    return f"{where}: {error.get('msg', 'not valid')}"


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 naming every field that was wrong (the first few)."""
    problems = [_problem(e) for e in exc.errors]
    message = "; ".join(problems[:5]) or "the request is not valid"
    if len(problems) > 5:
        message += f" (and {len(problems) - 5} more)"
    return _error(request, message, 422)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, web_text(exc), 429)
    response["Retry-After"] = str(exc.wait or 60)
    return response


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message
    if message == "Unauthorized":  # ninja's own: no Authorization header at all
        message = "Authorization: send 'Bearer <token>' (make one with troth tokens add NAME)"
    response = _error(request, message, 401)
    response["WWW-Authenticate"] = 'Bearer realm="troth"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = exc.message
    if message == "Cannot parse request body":  # ninja's words for a body that is not JSON
        message = "body: not valid JSON"
    return _error(request, message, exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, web_text(exc) or "not found", 404)


@api.exception_handler(TrothError)
def _troth_error(request: HttpRequest, exc: TrothError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return _error(request, web_text(exc), 404)
    if isinstance(exc, Forbidden):
        return _error(request, web_text(exc), 403)
    if isinstance(exc, (Ambiguous, Conflict)):
        return _error(request, web_text(exc), 409)
    return _error(request, web_text(exc), 400)


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    return _error(request, "that conflicts with something already recorded", 409)


@api.exception_handler(Exception)
def _other(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_locked(exc):  # SQLite's write lock past the busy timeout: as the web app
        response = _error(request, BUSY_MESSAGE, 503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
    raise exc  # a bug: Django's handler500 (logged, a plain 500)


# ---------------------------------------------------------------- unknown query parameters


def query_names(view: Callable[..., Any]) -> frozenset[str]:
    """The query parameters an operation declares (ninja groups them in one model
    whose source is "query"), by the names a client sends."""
    operation = getattr(view, "_ninja_operation", None)
    names: set[str] = set()
    for model in getattr(operation, "models", ()):
        if getattr(model, "__ninja_param_source__", None) == "query":
            names.update(f.alias or n for n, f in model.model_fields.items())
    return frozenset(names)


def refuse_unknown_query(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every operation (api.add_decorator below): a query parameter it does not take is
    a 422 naming it, not silently ignored (a misspelt filter, `?tags=` for `?tag=`,
    would otherwise answer the whole unfiltered list as if it were filtered). Runs
    after the token was checked and the declared parameters validated."""
    known = query_names(view)

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(set(request.GET) - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "no query parameters"
            raise HttpError(
                422, f"{_shown(unknown[0])}: unknown query parameter (this endpoint takes {takes})"
            )
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unknown_query, mode="operation")


# ---------------------------------------------------------------- pagination

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_CURSOR_SALT = "troth.api.cursor"
# Signed without a time stamp (signing.dumps stamps one): the same page gives the same
# `next`, so its ETag holds and If-None-Match answers 304 (a newcomer found a list of
# more than one page answered 200 with a new ETag every second).
_CURSOR_SIGNER = signing.Signer(salt=_CURSOR_SALT)


def _filters_key(request: HttpRequest) -> str:
    """What a cursor is bound to: the path and the filters, not the paging itself."""
    query = sorted((k, v) for k, v in request.GET.items() if k not in ("cursor", "limit"))
    return hashlib.blake2b(json.dumps([request.path, query]).encode(), digest_size=8).hexdigest()


def read_cursor(request: HttpRequest, cursor: str | None) -> int:
    """The offset an opaque cursor stands for. Signed, so a client cannot make one up,
    and bound to the list and filters it was made for."""
    if not cursor:
        return 0
    try:
        data = _CURSOR_SIGNER.unsign_object(cursor)
        offset = int(data["o"])
        if data["f"] != _filters_key(request) or offset < 0:
            raise ValueError
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise HttpError(
            400, "cursor: not one this list gave out (take `next` from the previous page)"
        ) from None
    return offset


def make_cursor(request: HttpRequest, offset: int) -> str:
    return _CURSOR_SIGNER.sign_object({"o": offset, "f": _filters_key(request)})


def page(
    request: HttpRequest, rows: Sequence[T], offset: int, limit: int, more: bool
) -> dict[str, Any]:
    """A page of `rows` (already cut to `limit`); `more` says whether any follow."""
    return {
        "items": list(rows),
        "next": make_cursor(request, offset + limit) if more else None,
    }


def window(request: HttpRequest, cursor: str | None, limit: int) -> tuple[int, int]:
    """(offset, limit) from a request's `cursor` and `limit`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(422, f"limit: between 1 and {MAX_LIMIT}, got {limit}")
    return read_cursor(request, cursor), limit


def paginate(request: HttpRequest, rows: Sequence[T], cursor: str | None, limit: int) -> dict:
    """Paging a list that is read whole (small lists: promises, needs, trust rows)."""
    offset, limit = window(request, cursor, limit)
    return page(request, rows[offset : offset + limit], offset, limit, len(rows) > offset + limit)


def paginate_lazily(
    request: HttpRequest,
    items: Sequence[Any] | QuerySet[Any, Any],
    cursor: str | None,
    limit: int,
    rows: Callable[[Sequence[Any]], list[T]],
) -> dict:
    """Paging `items` (a query, or a list of ids) of which only the page is turned into
    rows, by `rows`: at 30,000 people, building every open need's row to send fifty
    was most of a 0.7 s request (issue 20). A query is read with a LIMIT, one more
    than the page to know whether more follow."""
    offset, limit = window(request, cursor, limit)
    shown = list(items[offset : offset + limit + 1])
    return page(request, rows(shown[:limit]), offset, limit, len(shown) > limit)


def atomic_write() -> Any:
    """Every write endpoint runs in one transaction: nothing half-written."""
    return transaction.atomic()


def delete_owned(who: Owner, model: type[Model], object_id: int, label: str) -> None:
    """`troth delete --LABEL ID`: one of the owner's rows; anyone else's is not found."""
    from troth.ledger.actions import do_delete

    with atomic_write():
        if not model._default_manager.filter(owner=who, id=object_id).exists():
            raise NotFound(f"no {label} with id {object_id}")
        do_delete(who, model, object_id, label)
