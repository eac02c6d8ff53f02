"""Message drafts: one person, one message, built from what troth knows. Reads only.

A draft is a plain-text template in the Django template language (autoescape off)
rendered with facts about one person: their first name, how you met, the last
conversation, their open need, what they did for you and the open promises both
ways. The templates ship in `drafts/` next to this module; a file of the same name
in `<data dir>/drafts/` (TROTH_HOME honoured) replaces one. A first line
`Subject: ...` becomes the subject. Nothing is ever sent: the user edits and sends.

Facts troth does not have are left out rather than printed as "None": every group
of facts (`met`, `last`, `job`, `favor`, `need`, `my_promise`, `their_promise`) is
empty, so false in `{% if %}`, when unknown.

An introduction's drafts (`intro-*`) are about the introduction rather than one
person: its role and state say which draft is due and who it goes to (B, both, A
or C); the templates see each side (`a`, `b`, `c`, `other`), the `why`, the
forwardable `blurb` and the `outcome`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import F
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from troth.agenda.intro_items import intro_candidates
from troth.agenda.plan import Candidate
from troth.errors import NotFound, TrothError
from troth.interactions.models import Interaction
from troth.intros import flow
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import OPEN, access_intro, phase, waiting
from troth.ledger.models import Commitment, Favor, Need
from troth.lib.text import fold
from troth.owners import me_person
from troth.paths import data_dir
from troth.people.models import Person, PersonDate, Relationship
from troth.people.queries import current_job

# An introduction's drafts, in the order its steps come (see intro_plan).
INTRO_KINDS = (
    "intro-optin",
    "intro-optin-nudge",
    "intro-double",
    "intro-nudge",
    "intro-offered",
    "intro-ask",
    "intro-remind",
    "intro-release",
    "intro-followup",
    "intro-thanks",
)
# The kinds of draft, in the agenda's order.
KINDS = (
    "promise-followup",
    "thanks",
    *INTRO_KINDS,
    "give",
    "checkin",
    "reconnect",
    "nudge",
    "release",
    "wishes",
)
# An agenda item's kind -> the draft it calls for.
FOR_AGENDA = {
    "promise": "promise-followup",
    "thanks": "thanks",
    "need": "give",
    "checkin": "checkin",
    "reconnect": "reconnect",
    "nudge": "nudge",
    "release": "release",
    "date": "wishes",
}
# Other words people type for --kind.
ALIASES = {
    **FOR_AGENDA,
    "followup": "promise-followup",
    "follow-up": "promise-followup",
    "intro-opt-in": "intro-optin",
    "intro-follow-up": "intro-followup",
    "intro-thank-you": "intro-thanks",
}
# Shared by every template, so a sign-off is changed in one place.
SIGNATURE = "signature.txt"
PACKAGE_DIR = Path(__file__).resolve().parent / "drafts"
# A thank-you later than this says sorry for being late.
LATE_THANKS_DAYS = 7


def user_dir() -> Path:
    """Where the user's own templates live; a file here replaces the shipped one."""
    return data_dir() / "drafts"


def check_kind(kind: str) -> str:
    word = kind.strip().lower()
    word = ALIASES.get(word, word)
    if word not in KINDS:
        raise TrothError(f"--kind: unknown draft kind {kind!r}; use one of {', '.join(KINDS)}")
    return word


def kind_for_item(item: Candidate) -> str:
    try:
        return FOR_AGENDA[item.kind]
    except KeyError:
        raise TrothError(f"agenda item {item.id} has no draft yet ({item.kind})") from None


@dataclass(frozen=True)
class Template:
    name: str  # the file name, like thanks.txt
    path: Path  # the file in use
    overridden: bool  # True when the user's own file replaces the shipped one


def templates() -> list[Template]:
    """Every template, with the file in use."""
    out = []
    for name in [f"{k}.txt" for k in KINDS] + [SIGNATURE]:
        own = user_dir() / name
        out.append(Template(name, own if own.is_file() else PACKAGE_DIR / name, own.is_file()))
    return out


# -- facts ---------------------------------------------------------------------------


class Facts(dict):
    """One group of facts for a template: `{% if need %}` is false when troth knows
    nothing, `{{ need.what }}` is a field and `{{ need }}` prints the main text."""

    def __init__(self, text: str = "", **fields: Any) -> None:
        super().__init__({k: ("" if v is None else v) for k, v in fields.items()})
        self.text = text

    def __str__(self) -> str:
        return self.text


def ago_phrase(day: dt.date, today: dt.date) -> str:
    """When something happened, as a person would say it: 'last week', 'in March 2025'."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return "a few days ago"
    if days < 14:
        return "last week"
    if days < 45:
        return "a few weeks ago"
    if days < 75:
        return "last month"
    return f"in {day:%B}" if day.year == today.year or days < 180 else f"in {day:%B %Y}"


def due_phrase(due: dt.date, today: dt.date) -> str:
    """'by Friday' within the week ahead, else 'by 3 March' (the year when it differs)."""
    days = (due - today).days
    if days == 0:
        return "by today"
    if days == 1:
        return "by tomorrow"
    if 1 < days < 7:
        return f"by {due:%A}"
    year = f" {due.year}" if due.year != today.year else ""
    return f"by {due.day} {due:%B}{year}"


def first_name(person: Person) -> str:
    return person.given_name.strip() or person.full_name.split()[0]


# -- saying it to them ----------------------------------------------------------------
# My notes are about a person ("Wren needs a CPA for her side business"); a message
# to that person says "you" ("you need a CPA for your side business"). These helpers
# turn one into the other: the name and, in a note about that one person, the
# pronouns, with the verb after them agreeing ("Kevin runs" -> "you run").

_AGREE = {
    "is": "are",
    "was": "were",
    "has": "have",
    "does": "do",
    "goes": "go",
    "isn't": "aren't",
    "wasn't": "weren't",
    "hasn't": "haven't",
    "doesn't": "don't",
    "isn’t": "aren’t",
    "wasn’t": "weren’t",
    "hasn’t": "haven’t",
    "doesn’t": "don’t",
}
# Words that may stand between a subject and its verb ("Kevin also runs").
# fmt: off
_ADVERBS = {
    "also", "still", "often", "always", "never", "usually", "really", "just", "now",
    "already", "sometimes", "currently", "recently", "rarely", "mostly", "only",
}
# Words that start a clause, so a name right after them is its subject.
_CLAUSE = (
    "how", "that", "whether", "if", "because", "when", "where", "while", "since", "why",
    "what", "and", "but", "so", "as", "once", "until", "where", "who",
)
# Words after an object "her" that show it is not possessive ("send her the deck",
# "help her find a role"): then it is "you", else "your" ("review her CV").
_AFTER_OBJECT_HER = {
    "the", "a", "an", "to", "about", "with", "for", "on", "in", "at", "and", "or", "by",
    "from", "some", "any", "this", "that", "these", "those", "my", "our", "up", "out",
    "back", "know", "find", "get", "meet", "see", "decide", "understand", "learn",
    "prepare", "think", "feel", "make", "do", "be", "have", "go", "through", "into",
    "when", "if", "what", "how", "whether", "again", "soon", "today", "tomorrow",
}
# fmt: on


def agree(word: str) -> str | None:
    """A verb after 'you' instead of he/she/a name: 'runs' -> 'run', 'has' -> 'have',
    'watches' -> 'watch', 'tries' -> 'try'; None when the word does not read as a
    present-tense verb in the third person (past tenses and modals need no change)."""
    low = word.lower()
    if low in _AGREE:
        out = _AGREE[low]
        return out[0].upper() + out[1:] if word[0].isupper() else out
    if len(low) <= 3 or not low.isalpha() or not low.endswith("s"):
        return None
    if low.endswith(("ss", "us", "is", "ous")):
        return None
    if low.endswith("ies") and low[-4] not in "aeiou":
        return word[:-3] + "y"
    if low.endswith(("ches", "shes", "xes", "zzes", "sses", "oes")):
        return word[:-2]
    return word[:-1]


def _case_like(word: str, template: str) -> str:
    return word[0].upper() + word[1:] if template[:1].isupper() else word


def _subject(text: str, subject: str, *, anywhere: bool) -> str:
    """Replace a subject (a name, or he/she) by 'you' and make its verb agree. A name
    counts as the subject at the start, after a comma or after a word that starts a
    clause ('how Kevin runs'); he and she are subjects wherever they stand."""
    lead = "" if anywhere else rf"(?:^|(?<=[,;:(])\s*|\b(?:{'|'.join(_CLAUSE)})\s+)"
    pattern = re.compile(
        rf"(?P<lead>{lead})\b(?P<who>{subject})\b(?P<rest>(?:['’](?:s|ll|d)\b)?)"
        rf"(?P<adv>(?:\s+(?:{'|'.join(_ADVERBS)}))?)(?P<verb>\s+[\w'’]+)?",
        0 if not anywhere else re.I,
    )

    def sub(m: re.Match) -> str:
        # a name is always capitalised; only He/She at a sentence start becomes You
        you = _case_like("you", m["who"]) if anywhere else "you"
        rest = m["rest"]
        if rest:  # he's -> you're, he'll -> you'll, he'd -> you'd
            tail = {"s": "re", "ll": "ll", "d": "d"}[rest[1:].lower()]
            return f"{m['lead']}{you}{rest[0]}{tail}{m['adv']}{m['verb'] or ''}"
        verb = m["verb"] or ""
        word = verb.strip()
        agreed = agree(word) if word else None
        if agreed is not None:
            verb = verb[: len(verb) - len(word)] + agreed
        return f"{m['lead']}{you}{m['adv']}{verb}"

    return pattern.sub(sub, text)


def _names(person: Person) -> list[str]:
    return [n for n in dict.fromkeys((person.full_name.strip(), first_name(person))) if n]


def _name_to_you(text: str, person: Person) -> str:
    """The person's name, said to them: "Wren's" -> 'your', 'Kevin runs' -> 'you run',
    'help Wren' -> 'help you'."""
    for name in _names(person):
        text = re.sub(rf"\b{re.escape(name)}(?:'s|’s)(?!\w)", "your", text)
        text = _subject(text, re.escape(name), anywhere=False)
        text = re.sub(rf"\b{re.escape(name)}\b", "you", text)
    return text


# A capitalised word inside a sentence, other than "I": most likely someone else's
# name, after which he/she/him/her may well mean that someone.
_OTHER_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b(?!I\b)[A-Z][a-z’']+\b")


def _pronouns_to_you(text: str) -> str:
    """he/she/him/his/her in a note about one person, said to that person; left as
    written after someone else is named ('introduce me to Ralph and tell him ...')."""
    other = _OTHER_NAME.search(text)
    if other is not None:
        head, tail = text[: other.start()], text[other.start() :]
        return _pronouns_to_you(head) + tail if head.strip() else text
    text = _subject(text, "he|she", anywhere=True)

    def her(m: re.Match) -> str:
        nxt = (m["next"] or "").strip().lower()
        word = "you" if not nxt or nxt in _AFTER_OBJECT_HER else "your"
        return _case_like(word, m["her"]) + (m["next"] or "")

    text = re.sub(r"\b(?P<her>[Hh]er)\b(?P<next>\s+\w+)?", her, text)
    for old, new in (("himself", "yourself"), ("herself", "yourself"), ("hers", "yours")):
        text = re.sub(rf"\b{old}\b", new, text)
        text = re.sub(rf"\b{old.capitalize()}\b", new.capitalize(), text)
    text = re.sub(r"\bhis\b", "your", text)
    text = re.sub(r"\bHis\b", "Your", text)
    text = re.sub(r"\bhim\b", "you", text)
    return re.sub(r"\bHim\b", "You", text)


def second_person(text: str, person: Person) -> str:
    """My notes about one person, said to them: 'send Wren the survey' -> 'send you
    the survey', "review Wren's CV" -> 'review your CV', 'intro me to his CFO' ->
    'intro me to your CFO', 'Wren needs a CPA for her business' -> 'you need a CPA for
    your business'."""
    return _pronouns_to_you(_name_to_you(text, person))


# What a promise's note may start with that the draft already says ("you kindly
# offered to ..."): 'offered to introduce me' -> 'introduce me'.
_PROMISE_LEAD = re.compile(
    r"^(?:(?:he|she|they|i)\s+)?(?:"
    r"(?:kindly\s+)?(?:offered|promised|agreed|volunteered|said\s+(?:he|she|they|i)\s+would)"
    r"\s+to\s+"
    r"|said\s+(?:that\s+)?(?:he|she|they|i)(?:['’](?:d|ll)|\s+(?:would|will))"
    r"\s+(?:be\s+(?:happy|glad)\s+to\s+)?"
    r"|(?:will|would|can|could|['’]ll)\s+(?:be\s+(?:happy|glad)\s+to\s+)?"
    r"|to\s+)",
    re.I,
)
_INTRO_WORD = re.compile(r"^(?:intro|introduct)\b(?='?d?\s)", re.I)


def promised_deed(text: str, person: Person) -> str:
    """A promise's note as the deed that follows 'offered to' or 'promised to', said
    to its reader: 'offered to introduce me to his friend Ralph' -> 'introduce me to
    your friend Ralph'; "he'll intro me to Wren's CFO" (to Wren) -> 'introduce me to
    your CFO'."""
    text = _clean(text)
    for name in _names(person):  # 'Bernard offered to ...' about Bernard
        text = re.sub(
            rf"^{re.escape(name)}\s+(?=(?:kindly\s+)?\w+ed\s+to\b|will\b|would\b)", "", text
        )
    text = re.sub(r"^(?:he|she)(?=['’]ll\s)", "", text, flags=re.I)
    text = _PROMISE_LEAD.sub("", text, count=1)
    text = _INTRO_WORD.sub("introduce", text)
    return lower_first(second_person(text, person))


# What a need's note may start with that the draft already says ("you're looking
# for ..."): 'Wren is looking for a CPA' -> 'a CPA'.
_NEED_LEAD = re.compile(
    r"^(?:(?:he|she|they)\s+)?(?:(?:is|are)\s+)?(?:"
    r"(?:looking|searching|hoping)\s+(?:for|to\s+find)"
    r"|needs?|wants?|seeks?|seeking|in\s+need\s+of|needs?\s+to\s+find|would\s+like)\s+",
    re.I,
)


def needed_thing(text: str, person: Person) -> str:
    """A need's note as the thing looked for, said to its reader: 'Wren is looking for
    a CPA for her side business' -> 'a CPA for your side business'."""
    text = _clean(text)
    for name in _names(person):
        text = re.sub(rf"^{re.escape(name)}\s+", "", text)
    text = _NEED_LEAD.sub("", text, count=1)
    # 'you're looking for an introduction to ...', not '... for intro to ...'
    text = re.sub(r"^(?:an?\s+)?(?:intro|introduction)s?\s+to\b", "an introduction to", text)
    return second_person(text, person)


def lower_first(text: str) -> str:
    """'Forward my resume' -> 'forward my resume' so it continues a sentence
    (a first word like 'CPA' or 'LinkedIn' keeps its capitals)."""
    word = text.split(" ", 1)[0]
    if len(word) > 1 and word[0].isupper() and word[1:] == word[1:].lower():
        return text[0].lower() + text[1:]
    return text


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


_PLACES_ONLINE = ("linkedin", "twitter", "x.com", "mastodon", "bluesky", "github")
_EVENT_WORDS = (
    "event",
    "night",
    "conference",
    "meetup",
    "fair",
    "hackathon",
    "webinar",
    "party",
    "dinner",
    "summit",
    "panel",
    "workshop",
    "festival",
    "expo",
    "demo day",
    "happy hour",
    "mixer",
    "bootcamp",
    "wedding",
    "retreat",
)
_INTRODUCED_BY = re.compile(r"^(?:introduced|intro'd)\s+by\s+(.+)$", re.I)
_LABELLED_PLACE = re.compile(r"^(?:conference|meetup|event)\s*:\s*(.+)$", re.I)


def met_place(how: str) -> tuple[str, str]:
    """(where, through) from the free text of how you met, when it reads as a place
    ('at PyCon US', 'on LinkedIn') or an introduction; ('', '') when it describes
    the person instead ('college friend')."""
    how = _clean(how)
    if not how:
        return "", ""
    m = _INTRODUCED_BY.match(how)
    if m:
        return "", m.group(1).strip()
    m = _LABELLED_PLACE.match(how)
    if m:
        return f"at {m.group(1).strip()}", ""
    low = how.lower()
    if low.split(" ", 1)[0] in ("at", "on", "in", "through", "via"):
        return how[0].lower() + how[1:], ""
    if any(low.startswith(site) for site in _PLACES_ONLINE):
        return f"on {how}", ""
    if any(re.search(rf"\b{w}", low) for w in _EVENT_WORDS):
        return (f"at the {how}" if how[0].islower() else f"at {how}"), ""
    return "", ""


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
_TOPIC = re.compile(r"(?:\babout\b|\bre\b:?|\bregarding\b|:)\s*(.+)$", re.I)


def topic_of(summary: str) -> str:
    """What a conversation was about, when the note says so ('Call about X' -> 'X')."""
    m = _TOPIC.search(summary.splitlines()[0] if summary.strip() else "")
    return _clean(m.group(1)) if m else ""


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
# Irregular past tenses a favour's note may start with ('Sent me a lead').
# fmt: off
_PAST = {
    "sent", "put", "was", "did", "spent", "told", "gave", "made", "took", "got",
    "found", "wrote", "lent", "brought", "met", "paid", "bought", "taught", "showed", "read",
    "let", "set",
}
# fmt: on
_PREPOSITIONS = ("to", "on", "about", "for", "with", "at", "into", "from", "in")


def _is_past(word: str) -> bool:
    w = word.lower()
    return w in _PAST or (len(w) > 4 and w.endswith("ed") and not w.endswith("eed"))


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


def build_context(
    owner, person: Person, kind: str, item: Candidate | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything a template may use about one of the owner's contacts.

    `item` (an agenda item for this person) picks which promise, favour or need the
    draft is about; without it the most pressing one is used."""
    kind = check_kind(kind)
    if person.owner_id != owner.id:
        raise NotFound(f"no person with id {person.id}")
    if kind in INTRO_KINDS:
        raise TrothError(
            f"an {kind} draft is about an introduction: troth draft iN (list them: troth intros)"
        )
    if person.is_me:
        raise TrothError("a draft is for one of your contacts, not yourself")
    if item is not None and item.person_id != person.id:
        raise TrothError(f"agenda item {item.id} is about {item.person}, not {person.full_name}")
    today = today or timezone.localdate()
    # the agenda item says which promise, favour or need the draft is about
    ref: dict[str, int | None] = dict.fromkeys(
        ("promise", "nudge", "release", "thanks", "need", "date")
    )
    if item is not None and item.kind in ref:
        ref[item.kind] = item.ref
    theirs = ref["nudge"] if ref["nudge"] is not None else ref["release"]
    context = {
        "kind": kind,
        "today": today,
        "first_name": first_name(person),
        "name": person.full_name,
        "my_name": my_name(owner),
        "met": _met(owner, person),
        "last": _last(owner, person, today),
        "job": _job(person),
        "favor": _favor(owner, person, ref["thanks"], today),
        "need": _need(owner, person, ref["need"], today),
        "my_promise": _promise(_open_promise(owner, person, True, ref["promise"]), person, today),
        "their_promise": _promise(_open_promise(owner, person, False, theirs), person, today),
        "occasion": _occasion(owner, person, ref["date"], today),
        "item": item.id if item is not None else "",
    }
    _check_facts(context, person)
    return context


# A draft that rests on a fact troth does not have would say something untrue
# ("thank you for your help" to someone who gave none): refuse and say why. A
# "give" draft without a known need asks what they need, which is always true.
_NEEDS_FACT = {
    "thanks": ("favor", "nothing from {name} is recorded to thank for (troth got NAME KIND ...)"),
    "promise-followup": ("my_promise", "you have no open promise to {name}"),
    "nudge": ("their_promise", "{name} has no open promise to you"),
    "release": ("their_promise", "{name} has no open promise to you"),
    "wishes": (
        "occasion",
        "no birthday or other date of {name}'s is kept (troth date NAME birthday MM-DD)",
    ),
}
# Reconnecting is for a tie gone quiet; a contact this recent calls for a check-in.
RECONNECT_AFTER_DAYS = 14


def _check_facts(context: dict[str, Any], person: Person) -> None:
    kind = context["kind"]
    if kind in _NEEDS_FACT:
        fact, why = _NEEDS_FACT[kind]
        if not context[fact]:
            raise TrothError(f"no {kind} draft: " + why.format(name=person.full_name))
    last = context["last"]
    if (
        kind == "reconnect"
        and last
        and (context["today"] - last["date"]).days < RECONNECT_AFTER_DAYS
    ):
        raise TrothError(
            f"no reconnect draft: you were in touch with {person.full_name} {last['when']};"
            " try --kind checkin"
        )


# -- rendering -----------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    person: Person  # who it goes to (the first of them for an introduction to both)
    kind: str
    subject: str | None
    body: str
    template: Path
    item: str | None = None
    to: tuple[Person, ...] = ()  # everyone it goes to
    intro: int | None = None  # the introduction it is about


def _engine() -> Engine:
    # debug=True keeps the file and line of a template error (and skips the cache,
    # so an edited override is used at once).
    return Engine(
        dirs=[str(user_dir()), str(PACKAGE_DIR)],
        debug=True,
        autoescape=False,
        string_if_invalid="",
    )


_ON_LINE = re.compile(r" on line \d+")


def _template_error(exc: Exception, fallback: Path, message: str = "") -> TrothError:
    """One line naming the file (an included one when the error is there) and the line."""
    info = getattr(exc, "template_debug", None) or {}
    where = str(info.get("name") or fallback)
    line = f", line {info['line']}" if info.get("line") else ""
    if not message:
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()
        message = _ON_LINE.sub("", message.removesuffix("Must be one of:")).strip().rstrip(":")
    return TrothError(f"draft template {where}{line}: {message}")


_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_SPACE_BEFORE = re.compile(r"[ \t]+(?=[.,;:!?)])")
_BLANKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Whitespace a template's tags leave behind: doubled spaces, a space before
    punctuation, trailing spaces and runs of blank lines."""
    lines = [_SPACE_BEFORE.sub("", _SPACES.sub(" ", line)).rstrip() for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def split_subject(text: str) -> tuple[str | None, str]:
    """A first line 'Subject: ...' is the subject; the rest is the body."""
    head, _, rest = text.partition("\n")
    if head.lower().startswith("subject:"):
        subject = " ".join(head.split(":", 1)[1].split())
        return subject or None, rest.strip()
    return None, text.strip()


def _render(kind: str, context: dict[str, Any]) -> tuple[str | None, str, Path]:
    """(subject, body, file used) of one kind's template; a broken template is a
    TrothError naming its file and line."""
    name = f"{kind}.txt"
    own = user_dir() / name
    path = own if own.is_file() else PACKAGE_DIR / name
    try:
        template = _engine().get_template(name)
        path = Path(template.origin.name)
        text = template.render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise _template_error(exc, path) from None
    except TemplateDoesNotExist as exc:  # an {% include %} of a file that is not there
        raise _template_error(exc, path, f"no template called {exc}") from None
    except UnicodeDecodeError:
        raise TrothError(f"draft template {path}: not UTF-8 text") from None
    except OSError as exc:
        raise TrothError(f"draft template {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # a filter that fails on its value, e.g. {{ name|date:"Y" }}
        raise _template_error(exc, path) from None
    subject, body = split_subject(tidy(text))
    return subject, body, path


def render_draft(
    owner, person: Person, kind: str, item: Candidate | None = None, today: dt.date | None = None
) -> Draft:
    """One message to one person, ready to edit; a broken template is a TrothError
    naming its file and line. An introduction's kind drafts the introduction that
    calls for it to this person (the agenda item's, when it is an introduction)."""
    kind = check_kind(kind)
    if kind in INTRO_KINDS:
        if person.owner_id != owner.id:
            raise NotFound(f"no person with id {person.id}")
        if item is not None and item.kind == "intro":
            intro = access_intro(owner, item.ref)
        else:
            intro = intro_for_person(owner, person, kind)
        draft = render_intro_draft(owner, intro, kind, today)
        if person.id not in [p.id for p in draft.to]:
            names = " and ".join(p.full_name for p in draft.to)
            raise TrothError(
                f"the {kind} draft for introduction #{intro.id} goes to {names},"
                f" not {person.full_name}"
            )
        return draft
    context = build_context(owner, person, kind, item, today)
    subject, body, path = _render(kind, context)
    return Draft(
        person=person,
        kind=kind,
        subject=subject,
        body=body,
        template=path,
        item=item.id if item is not None else None,
        to=(person,),
    )


# -- introductions -------------------------------------------------------------------


@dataclass(frozen=True)
class IntroPlan:
    """The draft an introduction's current step calls for."""

    kind: str
    to: tuple[Person, ...]  # who it goes to
    about: Person  # the other side: who the message is about


def _plan(intro: Introduction, today: dt.date | None = None) -> IntroPlan | None:
    a, b, c = intro.person_a, intro.person_b, intro.introducer
    state = intro.state
    # The agenda's nudge and release for this introduction have their own drafts.
    due = phase(intro, today or timezone.localdate())
    nudge = due is not None and due.action == "nudge"
    if intro.role == flow.CONNECTOR:
        if state == flow.PROPOSED:  # B's opt-in first: nothing reaches B unasked
            return IntroPlan("intro-optin", (b,), a)
        if state == flow.ASKED and nudge:
            return IntroPlan("intro-optin-nudge", (b,), a)
        if state == flow.ACCEPTED and not intro.a_asked:  # A did not ask: A opts in too
            return IntroPlan("intro-optin", (a,), b)
        if state == flow.ASKED_A and nudge:
            return IntroPlan("intro-optin-nudge", (a,), b)
        if state in (flow.ACCEPTED, flow.AGREED):
            return IntroPlan("intro-double", (a, b), b)
        if state == flow.INTRODUCED:  # A has not followed up yet
            return IntroPlan("intro-nudge", (a,), b)
        return None
    if due is not None and due.action == "close" and due.close == flow.RELEASED:
        return IntroPlan("intro-release", (c,), b)
    if nudge and state in (flow.ASKED, flow.AGREED, flow.ACCEPTED):
        return IntroPlan("intro-remind", (c,), b)
    if state == flow.OFFERED:  # thank C at once, with a note C can forward as is
        return IntroPlan("intro-offered", (c,), b)
    if state == flow.ASKED:
        return IntroPlan("intro-ask", (c,), b)
    if state == flow.INTRODUCED:
        return IntroPlan("intro-followup", (b,), c)
    if state in (flow.FOLLOWED_UP, flow.MET, flow.OUTCOME):
        return IntroPlan("intro-thanks", (c,), b)
    return None


def intro_plan(intro: Introduction, today: dt.date | None = None) -> IntroPlan:
    """Which draft the introduction's step calls for and who it goes to; a
    TrothError naming the state when the step has none."""
    plan = _plan(intro, today)
    if plan is not None:
        return plan
    state = flow.word(intro.state)
    if intro.state in flow.ENDED or intro.state not in flow.STATES:
        raise TrothError(
            f"introduction #{intro.id} is {state}: it has ended, so there is nothing to draft"
        )
    w = waiting(intro)
    due = phase(intro, today or timezone.localdate())
    if due is not None and due.action == "close":
        raise TrothError(
            f"introduction #{intro.id} is {state}: time to close it quietly as"
            f" {flow.word(due.close)}, with nothing to send (troth done i{intro.id})"
        )
    if w is not None and not w.on_me:
        raise TrothError(
            f"introduction #{intro.id} is {state}: waiting for {w.step}; nothing to draft"
            " until it is time for a nudge (troth intros --stalled)"
        )
    raise TrothError(f"introduction #{intro.id} is {state}: no draft for this step")


def intro_for_person(owner, person: Person, kind: str) -> Introduction:
    """The owner's one open introduction whose step calls for this kind of draft to
    this person."""
    kind = check_kind(kind)
    rows = Introduction.objects.filter(owner=owner, state__in=OPEN).select_related(
        "introducer", "person_a", "person_b"
    )
    fits = [
        i
        for i in rows
        if (p := _plan(i)) is not None and p.kind == kind and person.id in [t.id for t in p.to]
    ]
    if not fits:
        raise TrothError(
            f"no {kind} draft for {person.full_name}: no introduction is at that step with them"
            " (see troth intros)"
        )
    if len(fits) > 1:
        ids = ", ".join(f"i{i.id}" for i in fits)
        raise TrothError(
            f"several introductions call for an {kind} draft to {person.full_name} ({ids});"
            f" name one: troth draft i{fits[0].id}"
        )
    return fits[0]


def is_intro_draft_for(intro: Introduction, person: Person, today: dt.date | None = None) -> bool:
    """Whether the introduction's step calls for a draft to this person."""
    plan = _plan(intro, today)
    return plan is not None and person.id in [p.id for p in plan.to]


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


# Words a "why" may start with that make it a purpose ('learn how her team works'
# -> 'to learn how her team works').
# fmt: off
_PURPOSE_VERBS = {
    "learn", "talk", "discuss", "ask", "hear", "get", "find", "explore", "understand", "see",
    "compare", "share", "swap", "trade", "exchange", "chat", "brainstorm", "collaborate",
    "partner", "pitch", "hire", "recruit", "build", "work", "help", "meet", "connect", "know",
    "pick", "review", "sell", "buy", "invest", "raise", "mentor", "advise", "study", "plan",
    "join", "co-found", "cofound", "team", "figure", "start", "grow", "break", "move", "switch",
}
# fmt: on
def to_you(text: str, person: Person) -> str:
    """A note about someone, said to them: "Wren's team" -> 'your team', 'Wren is'
    -> 'you are', 'how Kevin runs on-call' -> 'how you run on-call', 'help Wren' ->
    'help you'. Only the name changes: in a note about two people a pronoun may
    mean either of them."""
    return _name_to_you(text, person)


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


def _written_blurb(owner, b: Person) -> str:
    """A note about me that the introducer can forward to B as is, from what troth
    knows: my name, what I do and why I would like to talk."""
    me = me_person(owner)
    name = _full_name(me)
    title, company, _ = _job_phrase(me)
    parts = []
    if name and title:
        parts.append(f"I'm {name}, {title} at {company}.")
    elif name and company:
        parts.append(f"I'm {name} from {company}.")
    elif name:
        parts.append(f"I'm {name}.")
    elif title:
        parts.append(f"I work as {title} at {company}.")
    elif company:
        parts.append(f"I work at {company}.")
    return " ".join(parts)


def _blurb(owner, intro: Introduction, why: Facts) -> Facts:
    own = intro.blurb.strip()
    if own:
        return Facts(own, written=True)
    parts = [_written_blurb(owner, intro.person_b)]
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


def build_intro_context(
    owner, intro: Introduction, kind: str | None = None, today: dt.date | None = None
) -> tuple[IntroPlan, dict[str, Any]]:
    """The draft an introduction calls for (`kind`, when given, must be it) and
    everything its template may use."""
    if intro.owner_id != owner.id:
        raise NotFound(f"no introduction with id {intro.id} (list them with: troth intros)")
    today = today or timezone.localdate()
    plan = intro_plan(intro, today)
    if kind is not None:
        kind = check_kind(kind)
        if kind != plan.kind:
            raise TrothError(
                f"introduction #{intro.id} is {flow.word(intro.state)}: its draft is"
                f" {plan.kind}, not {kind}"
                if kind in INTRO_KINDS
                else f"introduction #{intro.id} calls for an {plan.kind} draft, not {kind}"
            )
    when: dict[str, str] = {}
    outcome_note = ""
    for step in IntroStep.objects.filter(owner=owner, intro=intro).order_by("at", "id"):
        if step.from_state == step.state:  # the nudge, not a step
            continue
        when[step.state] = ago_phrase(timezone.localdate(step.at), today)
        if step.state == flow.OUTCOME:
            outcome_note = step.note
    why_text = intro.why
    if len(plan.to) == 1:
        why_text = to_you(_clean(why_text), plan.to[0])
    names = frozenset(
        w
        for p in (intro.person_a, intro.person_b, intro.introducer)
        for w in p.full_name.split() + [first_name(p)]
    )
    why = _why(why_text, names)
    blurb = Facts()
    if plan.kind in ("intro-ask", "intro-offered", "intro-remind"):
        blurb = _blurb(owner, intro, _why(to_you(_clean(intro.why), intro.person_b), names))
    sides = {
        key: _side(owner, p, today)
        for key, p in (("a", intro.person_a), ("b", intro.person_b), ("c", intro.introducer))
    }
    other = next(v for v in sides.values() if v["id"] == plan.about.id)
    context = {
        "kind": plan.kind,
        "today": today,
        "intro": intro.id,
        "role": intro.role,
        "state": intro.state,
        "first_name": " and ".join(first_name(p) for p in plan.to),
        "name": " and ".join(p.full_name for p in plan.to),
        "my_name": my_name(owner),
        **sides,
        "other": other,
        "why": why,
        "blurb": blurb,
        "outcome": (
            Facts(intro.outcome, word=intro.outcome, note=_clean(outcome_note))
            if intro.outcome
            else Facts()
        ),
        # writing to A when A did not ask: B has been asked too (and named A)
        "to_a": plan.to[0].id == intro.person_a.id and len(plan.to) == 1,
        "a_asked": intro.a_asked,
        "when": when,
        # the opt-in being nudged: when this reader was asked
        "asked_when": when.get(flow.ASKED_A if intro.state == flow.ASKED_A else flow.ASKED, ""),
        "offered": intro.offered,
        "due": (
            Facts(
                due_phrase(intro.due_on, today),
                date=intro.due_on,
                phrase=due_phrase(intro.due_on, today),
            )
            if intro.due_on
            else Facts()
        ),
        "item": "",
    }
    return plan, context


def render_intro_draft(
    owner, intro: Introduction, kind: str | None = None, today: dt.date | None = None
) -> Draft:
    """The message an introduction's current step calls for (B's opt-in, the
    introduction to both, a nudge to A, the ask to C with a forwardable blurb, the
    follow-up to B, the thank-you to C)."""
    plan, context = build_intro_context(owner, intro, kind, today)
    subject, body, path = _render(plan.kind, context)
    day = context["today"]
    listed = any(c.ref == intro.id for c in intro_candidates(owner, day))
    return Draft(
        person=plan.to[0],
        kind=plan.kind,
        subject=subject,
        body=body,
        template=path,
        item=f"i{intro.id}" if listed else None,
        to=plan.to,
        intro=intro.id,
    )
