"""Exports (`troth export json`, `troth export vcard` and `troth export csv`): the
owner's whole troth as a file, the same bytes the command writes."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router

from troth.api.core import ERRORS, owner

router = Router(tags=["exports"])


def _file(content_type: str, description: str, kind: str = "string") -> dict:
    """The OpenAPI answer of an endpoint that sends a file, not a row of the API."""
    return {
        # 200 as a number: ninja keys its own answers so, and a "200" string beside it
        # would be a second "200" in the JSON document (which Swagger UI refuses)
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": kind}}},
            }
        }
    }


@router.get(
    "/export/json",
    response={200: None, **ERRORS},
    openapi_extra=_file(
        "application/json", "Everything, as troth import json restores it.", "object"
    ),
    summary="Everything, as JSON",
)
def export_json(request: HttpRequest) -> HttpResponse:
    """`troth export json`: every row with its id (trust scores are recomputed from
    the rest); `troth import json` restores it into an empty database."""
    from troth.backup.export import write_export

    out = io.StringIO()
    with transaction.atomic():  # one consistent snapshot of every table
        write_export(owner(request), out)
    response = HttpResponse(out.getvalue(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="troth-export.json"'
    return response


@router.get(
    "/export/vcard",
    response={200: None, **ERRORS},
    openapi_extra=_file("text/vcard", "Everyone as vCard 4.0."),
    summary="Everyone, as vCards",
)
def export_vcard(request: HttpRequest, me: bool = False) -> HttpResponse:
    """`troth export vcard [--me]`: names, e-mails, phones, links, job, notes, tags,
    photos; each card keeps its UID."""
    from troth.backup.vcard_out import vcards

    with transaction.atomic():
        text, _n = vcards(owner(request), include_me=me)
    response = HttpResponse(text.encode("utf-8"), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="troth.vcf"'
    return response


# the files `troth export csv` writes (troth.backup.csv_out), by name without ".csv"
CsvTable = Literal[
    "people", "interactions", "favours", "promises", "needs", "introductions", "notes", "dates"
]


@router.get(
    "/export/csv",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "Every CSV file in one zip, or the one `table` asked for.",
                "content": {
                    "application/zip": {"schema": {"type": "string", "format": "binary"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
    summary="Spreadsheets, as CSV",
)
def export_csv(request: HttpRequest, table: CsvTable | None = None) -> HttpResponse:
    """`troth export csv DIR`: one CSV file per kind of record (UTF-8, a header row;
    text a spreadsheet would run as a formula is neutralised), the same files the
    command writes, zipped; `table` sends that one file alone as text/csv."""
    from troth.backup.csv_out import write_csv

    with tempfile.TemporaryDirectory(prefix="troth-csv-") as tmp:
        directory = Path(tmp)
        with transaction.atomic():  # one consistent snapshot (and fresh trust tiers)
            names = list(write_csv(owner(request), directory))
        if table is not None:
            data = (directory / f"{table}.csv").read_bytes()
            response = HttpResponse(data, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="troth-{table}.csv"'
            return response
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.write(directory / name, name)
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="troth-csv.zip"'
    return response
