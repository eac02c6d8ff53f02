"""The rows the API answers with: the `--json` contract (troth.present and the
per-app presenters) written down as schemas for the OpenAPI document. The presenters
make the dicts; these only describe them, and `Out` refuses a field they do not name,
so the two cannot drift apart unnoticed (the tests and schemathesis would fail)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from troth.api.core import Out


class PersonRef(Out):
    id: int
    name: str


class PersonRow(Out):
    id: int
    name: str
    nickname: str | None
    company: str | None
    title: str | None
    emails: list[str]
    phones: list[str]
    urls: list[str]
    tags: list[str]
    closeness: int | None
    archived: bool
    last_contact: str | None


class PeoplePage(Out):
    items: list[PersonRow]
    next: str | None


class InteractionRow(Out):
    id: int
    person: PersonRef
    when: str
    channel: str
    started_by: str
    minutes: int | None
    summary: str
    source: str


class FavorRow(Out):
    id: int
    giver: PersonRef
    receiver: PersonRef
    direction: Literal["gave", "got", "between"]
    kind: str
    what: str
    when: str
    need_id: int | None
    thanked_on: str | None


class PromiseRow(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: int
    mine: bool
    from_: PersonRef = Field(alias="from")
    to: PersonRef
    what: str
    made_on: str
    due: str | None
    status: str
    overdue: bool
    changed_at: str | None


class NeedRow(Out):
    id: int
    person: PersonRef
    mine: bool
    what: str
    tags: list[str]
    noted_on: str
    expires_on: str
    status: str
    met_by: PersonRef | None


class NoteRow(Out):
    id: int
    when: str
    text: str


class IntroRow(Out):
    id: int
    role: str
    introducer: PersonRef | None
    a: PersonRef
    b: PersonRef
    why: str
    state: str
    updated_at: str | None


# ---------------------------------------------------------------- troth show --json


class Met(Out):
    how: str
    on: str | None
    through: PersonRef | None


class KeyDate(Out):
    kind: str
    label: str | None
    month: int
    day: int
    year: int | None


class Job(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    company: str | None
    title: str | None
    current: bool
    from_: str | None = Field(alias="from")
    to: str | None


class InteractionEntry(InteractionRow):
    type: Literal["interaction"]


class FavorEntry(FavorRow):
    type: Literal["favor"]


class PromiseEntry(PromiseRow):
    type: Literal["promise"]


class NeedEntry(NeedRow):
    type: Literal["need"]


class NoteEntry(NoteRow):
    type: Literal["note"]


class IntroEntry(IntroRow):
    type: Literal["introduction"]
    when: str | None


Entry = Annotated[
    InteractionEntry | FavorEntry | PromiseEntry | NeedEntry | NoteEntry | IntroEntry,
    Field(discriminator="type"),
]


class PersonDetail(Out):
    id: int
    name: str
    nickname: str | None
    company: str | None
    title: str | None
    emails: list[str]
    phones: list[str]
    urls: list[str]
    tags: list[str]
    closeness: int | None
    archived: bool
    last_contact: str | None
    met: Met
    cadence_days: int | None
    dates: list[KeyDate]
    jobs: list[Job]
    interaction_count: int
    timeline: list[Entry]
    open_promises: list[PromiseRow]
    open_needs: list[NeedRow]
