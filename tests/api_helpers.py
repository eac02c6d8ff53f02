"""What the API tests share: a client that speaks with a bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from troth.tokens.actions import do_create_token


class Api:
    """Django's test client (the whole middleware stack, the real database) with one
    owner's token on every request; no session."""

    def __init__(self, owner: Any, *, read_only: bool = False, name: str = "tests") -> None:
        self.token, self.raw = do_create_token(owner, name, read_only=read_only)
        self.owner = owner
        self.client = Client()

    def __call__(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        url = path if path.startswith("/api/") else "/api/v1" + path
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"}
        kwargs.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        call = getattr(self.client, method.lower())
        if body is not None:
            return call(url, json.dumps(body), content_type="application/json", **kwargs)
        return call(url, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self("GET", path + self._query(params))

    @staticmethod
    def _query(params: dict[str, Any]) -> str:
        from urllib.parse import urlencode

        clean = {k: v for k, v in params.items() if v is not None}
        return "?" + urlencode(clean) if clean else ""
