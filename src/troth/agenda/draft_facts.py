"""What troth knows about a person, read for a draft (the owner's rows only): how you
met, the last conversation, their job, a favour, a need, promises both ways, a date,
and each side of an introduction. Each group is a Facts, empty when unknown; the
sentences are made by troth.agenda.draft_grammar, the message by troth.agenda.drafts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import F
from django.utils import timezone

from troth.agenda.draft_grammar import (
    _PREPOSITIONS,
    _PURPOSE_VERBS,
    _clean,
    _is_past,
    _names,
    ago_phrase,
    due_phrase,
    first_name,
    lower_first,
    met_place,
    needed_thing,
    promised_deed,
    second_person,
    topic_of,
)
from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import Commitment, Favor, Need
from troth.lib.text import fold
from troth.owners import me_person
from troth.people.models import Person, PersonDate, Relationship
from troth.people.queries import current_job

# A thank-you later than this says sorry for being late.
LATE_THANKS_DAYS = 7


# -- facts ---------------------------------------------------------------------------


class Facts(dict):
    """One group of facts for a template: `{% if need %}` is false when troth knows
    nothing, `{{ need.what }}` is a field and `{{ need }}` prints the main text."""

    def __init__(self, text: str = "", **fields: Any) -> None:
        super().__init__({k: ("" if v is None else v) for k, v in fields.items()})
        self.text = text

    def __str__(self) -> str:
        return self.text


def _met(owner, person: Person) -> Facts:
    rel = (
        Relationship.objects.filter(owner=owner, person=person)
        .select_related("met_through")
        .first()
    )
    if rel is None or not (rel.met_how.strip() or rel.met_on or rel.met_through_id):
        return Facts()
    where, through = met_place(rel.met_how)
    if rel.met_through is not None and not rel.met_through.is_me:
        through = rel.met_through.full_name
    through_first = through.split()[0] if through else ""
    parts = [where]
    if through_first and not where.startswith(("through", "via")):
        parts.append(f"through {through_first}")
    if rel.met_on:
        parts.append(f"in {rel.met_on:%B %Y}")
    phrase = " ".join(p for p in parts if p)
    return Facts(
        phrase,
        phrase=phrase,
        how=_clean(rel.met_how),
        on=rel.met_on,
        through=through_first,
        through_name=through,
    )


_CHANNEL_NOUN = {
    "meeting": "conversation",
    "call": "call",
    "email": "emails",
    "message": "messages",
    "event": "chat",
}


def _last(owner, person: Person, today: dt.date) -> Facts:
    last = (
        Interaction.objects.filter(owner=owner, person=person)
        .order_by("-occurred_at", "-id")
        .first()
    )
    if last is None:
        return Facts()
    day = timezone.localtime(last.occurred_at).date()
    when = ago_phrase(day, today)
    return Facts(
        when,
        date=day,
        when=when,
        channel=last.channel,
        noun=_CHANNEL_NOUN.get(last.channel, "conversation"),
        summary=last.summary.strip(),
        topic=topic_of(last.summary),
    )


def _job(person: Person) -> Facts:
    job = current_job(person)
    if job is None:
        return Facts()
    return Facts(job.company, company=job.company, title=job.title)


def _promise(c: Commitment | None, person: Person, today: dt.date) -> Facts:
    if c is None:
        return Facts()
    what = promised_deed(c.what, person)
    overdue = c.due_on is not None and c.due_on < today
    return Facts(
        what,
        id=c.id,
        what=what,
        made_on=c.made_on,
        made=ago_phrase(c.made_on, today),
        due=c.due_on,
        due_phrase=due_phrase(c.due_on, today) if c.due_on else "",
        overdue=overdue,
        days_late=(today - c.due_on).days if overdue and c.due_on else 0,
    )


def _open_promise(owner, person: Person, mine: bool, ref: int | None) -> Commitment | None:
    """My open promise to them (mine) or theirs to me: the one asked for, else the
    one due first."""
    qs = Commitment.objects.filter(owner=owner, status=Commitment.OPEN)
    if mine:
        qs = qs.filter(debtor__is_me=True, creditor=person)
    else:
        qs = qs.filter(debtor=person, creditor__is_me=True)
    if ref is not None:
        chosen = qs.filter(id=ref).first()
        if chosen is not None:
            return chosen
    return qs.order_by(F("due_on").asc(nulls_last=True), "id").first()


_FAVOR_NOUN = {
    "intro": "the introduction",
    "lead": "the lead",
    "advice": "your advice",
    "referral": "the referral",
    "resource": "what you shared",
    "endorsement": "vouching for me",
    "time": "your time",
}


def _favor(owner, person: Person, ref: int | None, today: dt.date) -> Facts:
    qs = Favor.objects.filter(owner=owner, giver=person, receiver__is_me=True)
    f = qs.filter(id=ref).first() if ref is not None else None
    if f is None:
        f = qs.order_by(F("thanked_on").asc(nulls_first=True), "-given_on", "-id").first()
    if f is None:
        return Facts()
    what = _clean(f.what)
    for subject in [*_names(person), "he", "she", "He", "She"]:  # 'He sent me ...'
        what = re.sub(rf"^{re.escape(subject)}\s+(?=\w)", "", what)
    what = second_person(what, person)
    noun = _FAVOR_NOUN.get(f.kind, "your help")
    first = what.split(" ", 1)[0] if what else ""
    deed = ""
    thing = noun
    if first and _is_past(first):
        deed = f"you {lower_first(what)}"
    elif first.lower() in _PREPOSITIONS:
        thing = f"{noun} {what}"
    elif first.lower() in (f.kind, noun.split()[-1]):
        article = "your" if noun.startswith("your") else "the"
        thing = f"{article} {lower_first(what)}"
    elif what:
        thing = f"{noun} ({what})"
    ago = (today - f.given_on).days
    return Facts(
        what or noun,
        id=f.id,
        kind=f.kind,
        what=what,
        thing=thing,
        deed=deed,
        given_on=f.given_on,
        when=ago_phrase(f.given_on, today),
        thanked=f.thanked_on is not None,
        late=f.thanked_on is None and ago > LATE_THANKS_DAYS,
    )


def _need(owner, person: Person, ref: int | None, today: dt.date) -> Facts:
    qs = Need.objects.filter(owner=owner, person=person, status=Need.OPEN, expires_on__gte=today)
    n = qs.filter(id=ref).first() if ref is not None else None
    if n is None:
        n = qs.order_by("expires_on", "id").first()
    if n is None:
        return Facts()
    what = needed_thing(n.what, person)
    return Facts(
        what,
        id=n.id,
        what=what,
        noted_on=n.noted_on,
        when=ago_phrase(n.noted_on, today),
        expires_on=n.expires_on,
        days_left=(n.expires_on - today).days,
        tags=sorted(t.name for t in n.tags.all()),
    )


def _occasion(owner, person: Person, ref: int | None, today: dt.date) -> Facts:
    """The birthday or other date a "wishes" draft is for: the agenda item's, else
    the person's next one (troth.people.dates)."""
    from troth.people.dates import key_date

    rows = list(PersonDate.objects.filter(owner=owner, person=person))
    row = next((r for r in rows if r.id == ref), None) if ref is not None else None
    if row is None and rows:
        row = min(rows, key=lambda r: (key_date(r).next_on(today), r.id))
    if row is None:
        return Facts()
    date = key_date(row)
    on = date.next_on(today)
    return Facts(
        date.label or date.kind,
        what=date.label or date.kind,
        birthday=date.kind == PersonDate.BIRTHDAY,
        anniversary=date.kind == PersonDate.ANNIVERSARY,
        on=on,
        today=on == today,
        years=date.age_on(on),
    )


def my_name(owner) -> str:
    """The owner's first name to sign with ('' until they set one)."""
    me = me_person(owner)
    name = me.given_name.strip() or me.full_name.strip()
    return "" if fold(name) in ("me", "myself", "") else name


def _job_phrase(person: Person) -> tuple[str, str, str]:
    """(title, company, 'Head of Data at Larkspur Labs' or 'Larkspur Labs')."""
    job = current_job(person)
    if job is None:
        return "", "", ""
    title, company = job.title.strip(), job.company.strip()
    if title and company:
        return title, company, f"{title} at {company}"
    return title, company, title or company


def _full_name(person: Person) -> str:
    """The name to give someone who does not know them ('' for an unnamed me)."""
    name = person.full_name.strip()
    return "" if person.is_me and fold(name) in ("me", "myself", "") else name


def _side(owner, person: Person, today: dt.date) -> Facts:
    """One person in an introduction: `{{ b }}` is their name, `{{ b.described }}`
    their name with what they do, `{{ b.first_name }}`, `{{ b.job }}`, `{{ b.met }}`,
    `{{ b.need }}`."""
    name = _full_name(person)
    title, company, job = _job_phrase(person)
    if person.is_me:
        first = my_name(owner)
        met, need = "", ""
    else:
        first = first_name(person)
        met, need = str(_met(owner, person)), str(_need(owner, person, None, today))
    return Facts(
        name,
        id=person.id,
        name=name,
        first_name=first,
        title=title,
        company=company,
        job=job,
        described=f"{name} ({job})" if name and job else name,
        met=met,
        need=need,
    )


def _why(text: str, names: frozenset[str] = frozenset()) -> Facts:
    """`{{ why }}` as written (without a closing full stop, its first word lower-cased
    to go on a sentence unless it is a name); `{{ why.to }}` is 'to learn how her team
    works' when the reason reads as a purpose, else empty."""
    why = _clean(text)
    if not why:
        return Facts()
    if why.split(" ", 1)[0] not in names:
        why = lower_first(why)
    low = why.lower()
    first = low.split(" ", 1)[0]
    purpose = ""
    if low.startswith("to ") and len(why) > 3:
        purpose = "to " + why[3:]
    elif first in _PURPOSE_VERBS:
        purpose = "to " + lower_first(why)
    sentence = why[0].upper() + why[1:] + ("" if why[-1] in "!?" else ".")
    return Facts(why, to=purpose, sentence=sentence)


def _written_blurb(owner, introducer: Person) -> str:
    """A note about me that the introducer can forward to B as is, from what troth
    knows: my name and what I do. A title with no company is said without a dangling
    "at" ("I'm Alex Rivera, Data engineer at." in issue 18's review); with neither a
    name nor a job the note says whose contact I am, so B still knows who is writing."""
    me = me_person(owner)
    name = _full_name(me)
    title, company, _ = _job_phrase(me)
    at = f" at {company}" if company else ""
    if name and title:
        return f"I'm {name}, {title}{at}."
    if name and company:
        return f"I'm {name} from {company}."
    if name:
        return f"I'm {name}."
    if title:
        return f"I work as {title}{at}."
    if company:
        return f"I work at {company}."
    return f"I'm a friend of {first_name(introducer)}'s."


def _blurb(owner, intro: Introduction, why: Facts) -> Facts:
    own = intro.blurb.strip()
    if own:
        return Facts(own, written=True)
    parts = [_written_blurb(owner, intro.introducer)]
    if intro.offered:  # B hears whose idea it was
        parts.append(f"{first_name(intro.introducer)} suggested that we talk.")
    if why["to"]:
        parts.append(f"I'd love a short conversation with you {why['to']}.")
    elif why:
        parts.append(f"I'd love a short conversation with you. The reason: {why}.")
    parts.append("Twenty minutes on a call, whenever suits you, would be wonderful.")
    if intro.offered:  # and that saying no costs nothing
        parts.append("And if now isn't a good time, no reply is needed.")
    text = " ".join(p for p in parts if p)
    return Facts(text, written=False)
