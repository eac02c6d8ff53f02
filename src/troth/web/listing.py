"""The People page's list: the query layer's search (`find_people`) narrowed by the
cached trust scores and the favour balance, sorted, one page at a time.

Nothing here is per row: every filter and sort reads one column for everyone in a
single query, and only the page on screen is turned into rows (`people_rows`), so
30,000 people cost a few bulk reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Collate
from django.urls import reverse

from troth.errors import FieldError
from troth.ledger.queries import balance
from troth.lib.flags import FlagError, parse_flag
from troth.lib.text import is_number
from troth.people.models import Employment, Person
from troth.people.queries import owned_rows, people_matching
from troth.present import people_rows, whole
from troth.trust.constants import COOLING_TREND_90, check_tier, is_cooling
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores

PER_PAGE = 50
# column -> what the header says
SORTS = {"name": "Name", "company": "Company", "score": "Trust", "last": "Last contact"}
# Strongest ties and latest contacts come first unless the column is flipped.
NATURAL_DESCENDING = {"score", "last"}
OWES = {"owes-you": "they owe you a turn", "you-owe": "you owe them a turn"}


def _switch(params: Any, name: str) -> bool:
    """A yes/no filter, read as every yes/no setting is (troth.lib.flags): ?cooling=maybe
    is a 400 naming it, not the whole list (a newcomer's review: only 1, on and true
    filtered, anything else showed everyone)."""
    raw = params.get(name)
    try:
        return bool(parse_flag(name, raw))
    except FlagError:
        shown = str(raw).strip()[:40]
        raise FieldError(name, f": {shown!r} is neither on nor off (use 1 or 0)") from None


def page_number(value: Any) -> int:
    """?page=: a whole number from 1 (past the last page shows the last one)."""
    text = str(value or "1").strip()
    # (is_number, not str.isdigit: "²" passes isdigit and int() refuses it, a 500)
    if not is_number(text, 9) or int(text) < 1:
        raise FieldError("page", f": {text[:40]!r} is not a page number (1, 2, ...)")
    return int(text)


@dataclass
class Filters:
    q: str = ""
    tag: str = ""
    company: str = ""
    tier: str = ""
    cooling: bool = False
    owes: str = ""
    archived: bool = False
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_query(cls, params) -> Filters:
        sort = (params.get("sort") or "name").strip()
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        if sort not in SORTS:
            sort, descending = "name", False
        tier = (params.get("tier") or "").strip().lower()  # names ignore case elsewhere
        owes = (params.get("owes") or "").strip()
        # a filter the list cannot apply is a 400 naming it (as `troth trust --tier`),
        # never the whole list as if it were the answer; the sort falls back to names
        if tier:
            check_tier(tier)
        if owes and owes not in OWES:
            raise FieldError("owes", f": unknown {owes[:40]!r}; use one of {', '.join(OWES)}")
        return cls(
            q=(params.get("q") or "").strip()[:200],
            tag=(params.get("tag") or "").strip()[:64],
            company=(params.get("company") or "").strip()[:200],
            tier=tier,
            cooling=_switch(params, "cooling"),
            owes=owes,
            archived=_switch(params, "archived"),
            sort=sort,
            descending=descending,
        )

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort

    @property
    def active(self) -> bool:
        return bool(self.q or self.filtered)

    @property
    def filtered(self) -> bool:
        """Narrowed by more than a search (a tag, a company, a tier, cooling, a balance)."""
        return bool(self.tag or self.company or self.tier or self.cooling or self.owes)


def _trust(owner, ids: list[int] | None) -> dict[int, tuple[float, str, float | None, Any]]:
    # a page of people: through the person index
    qs = TrustScore.objects.all()
    qs = qs.filter(owner=owner) if ids is None else owned_rows(qs.filter(person_id__in=ids), owner)
    return {
        pid: (score, tier, trend, last)
        for pid, score, tier, trend, last in qs.values_list(
            "person_id", "score", "tier", "trend_90", "last_contact"
        )
    }


def people_page(owner, f: Filters, number: Any, today: dt.date) -> tuple[Page, list[dict]]:
    # The list shows and sorts by cached scores: bring them up to date first, as every
    # other page that shows trust does (a fresh demo would otherwise show none).
    fresh_scores(owner)
    found = people_matching(
        owner,
        query=f.q or None,
        tag=f.tag or None,
        company=f.company or None,
        include_archived=f.archived,
    )
    if not (f.q or f.owes):
        # Filtered and sorted by the cached scores (or the company shown) in the
        # database, which counts them and reads one page (a LIMIT): listing every id and
        # every score to sort them here cost 80-150 ms at 30,000 people, the companies
        # 160 ms (issue 20). Not for a search: its count and its page would each run the
        # search (the attacker's review), nor for a balance, which are sorted here.
        pager = Paginator(_in_database(owner, found, f), PER_PAGE)
        page = pager.get_page(page_number(number))
        return page, _rows(owner, list(page.object_list), None)
    ids = list(found)
    needs_all_trust = bool(f.tier or f.cooling or f.sort in {"score", "last"})
    trust = _trust(owner, None) if needs_all_trust else {}
    if f.tier:
        ids = [i for i in ids if i in trust and trust[i][1] == f.tier]
    if f.cooling:
        ids = [i for i in ids if i in trust and is_cooling(trust[i][2])]
    if f.owes:
        rows = balance(owner, today)
        wanted = {
            r["id"]
            for r in rows
            if (r["balance"] > 0 if f.owes == "owes-you" else r["balance"] < 0)
        }
        ids = [i for i in ids if i in wanted]
    if f.sort == "score":
        # strongest first reads best; unscored people last either way
        ids.sort(key=lambda i: trust[i][0] if i in trust else -1.0, reverse=not f.descending)
    elif f.sort == "last":
        floor = dt.date.min
        ids.sort(
            key=lambda i: (trust[i][3] or floor) if i in trust else floor,
            reverse=not f.descending,
        )
    elif f.sort == "company":
        companies: dict[int, str | None] = {}
        for pid, key in _current_jobs(owner).values_list("person_id", COMPANY_KEY):
            companies.setdefault(pid, key)  # the newest current job's, as the row shows
        known = [i for i in ids if companies.get(i) is not None]
        # (a stable sort, reversed or not: the people of one company stay in name order)
        known.sort(key=lambda i: companies[i] or "", reverse=f.descending)
        ids = known + [i for i in ids if companies.get(i) is None]
    elif f.descending:
        ids.reverse()
    pager = Paginator(ids, PER_PAGE)
    page = pager.get_page(page_number(number))
    return page, _rows(owner, list(page.object_list), trust if needs_all_trust else None)


def _in_database(owner, found: QuerySet[Person, int], f: Filters) -> QuerySet[Person, int]:
    """`found` narrowed to a tier or the cooling ties and put in the list's order, as the
    lines below sort the ids: by trust (strongest first) or by last contact (latest
    first) before the name order, unscored people last, or the name order reversed."""
    # (as a list of the owner's scores, which their index agenda_checkins_due finds by
    # tier: a join let SQLite walk everyone by name to find a tier's 35, 120 ms)
    scores = TrustScore.objects.filter(owner=owner)
    if f.tier:
        found = found.filter(id__in=scores.filter(tier=f.tier).values("person_id"))
    if f.cooling:
        found = found.filter(
            id__in=scores.filter(trend_90__lte=COOLING_TREND_90).values("person_id")
        )
    if f.sort == "company":
        # the company the row shows (the newest current job's, present.people_rows),
        # by its folded name ("Ébène" among the e's), people with none last either way,
        # each company's people in name order. Compared by code point on both databases,
        # as Python's sort of the same keys does (the search's order, sorted there).
        shown: Any = Subquery(
            _current_jobs(owner).filter(person_id=OuterRef("pk")).values(key=COMPANY_KEY)[:1]
        )
        if connection.vendor == "postgresql":
            shown = Collate(shown, "C")
        order = shown.desc(nulls_last=True) if f.descending else shown.asc(nulls_last=True)
        return found.order_by(order, "name_key", "id")
    key = {
        "score": Coalesce("trust__score", -1.0),
        "last": Coalesce("trust__last_contact", dt.date.min),
    }.get(f.sort)
    if key is None:
        return found.reverse() if f.descending else found
    # (the same ties as the stable sort below: by name, then id)
    return found.order_by(key.asc() if f.descending else key.desc(), "name_key", "id")


def _current_jobs(owner) -> QuerySet[Employment]:
    """The owner's current jobs, newest first (the company's name: `COMPANY_KEY`)."""
    return Employment.objects.filter(owner=owner, is_current=True).order_by("-started_on", "-id")


# folded as names are (accents off, case folded): "Ébène Labs" sorts as "ebene labs"
COMPANY_KEY = F("organization__name_key")


def _rows(
    owner, shown: list[int], trust: dict[int, tuple[float, str, float | None, Any]] | None
) -> list[dict]:
    """The page's rows as the table shows them; `trust`: everyone's, if already read."""
    rows = people_rows(owner, shown)
    on_page = trust if trust is not None else _trust(owner, shown)
    # What the table shows is put together here, not in the template: fifty rows of
    # `{% url %}`, filters and nested tests took 3.1 ms of a 12 ms search at 30,000
    # people (issue 20), these plain values 1.3 ms.
    marker = "987654321"  # one reverse() for the page, the id put in each row's copy
    # (split at the last marker: a script prefix could hold the same digits)
    head, _marker, tail = reverse("web:person", args=[int(marker)]).rpartition(marker)
    for row in rows:
        score, tier, trend, _last = on_page.get(row["id"], (None, "", None, None))
        row["score"] = None if score is None else whole(score)
        row["tier"] = tier
        # rounded as `troth trust` rounds it (half up), which the cooling line follows
        row["trend_90"] = None if trend is None else whole(trend)
        row["trend_shown"] = f"{row['trend_90']:+d}" if row["trend_90"] else ""
        row["last_contact"] = (row["last_contact"] or "")[:10] or None
        row["url"] = f"{head}{row['id']}{tail}"
        row["tags_shown"] = ", ".join(row["tags"])
    return rows
