"""The OpenAPI document is one that Swagger UI and other tools can read: no key twice
in any object (JSON parsers keep the last; Swagger UI's YAML parser refuses it, and
the docs page then renders nothing)."""

from __future__ import annotations

import json

from django.test import Client


def test_no_key_appears_twice_in_any_object(db: None) -> None:
    text = Client().get("/api/v1/openapi.json").content.decode()
    twice: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in items]
        twice.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    doc = json.loads(text, object_pairs_hook=pairs)
    assert twice == []
    export = doc["paths"]["/api/v1/export/json"]["get"]["responses"]["200"]
    assert "application/json" in export["content"]
