"""The English of message drafts: notes about a person said to that person ("Wren
needs a CPA for her business" -> "you need a CPA for your business"), dates as a
person would say them, how you met as a place. Pure text, no Django: it runs and is
tested without it (`.importlinter`'s pure contract), and troth.agenda.drafts
renders with it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Protocol


class Named(Protocol):
    """A person as the grammar sees them (a troth.people Person)."""

    given_name: str
    full_name: str


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


def first_name(person: Named) -> str:
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


def _names(person: Named) -> list[str]:
    return [n for n in dict.fromkeys((person.full_name.strip(), first_name(person))) if n]


def _name_to_you(text: str, person: Named) -> str:
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


def second_person(text: str, person: Named) -> str:
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


def promised_deed(text: str, person: Named) -> str:
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


def needed_thing(text: str, person: Named) -> str:
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


_TOPIC = re.compile(r"(?:\babout\b|\bre\b:?|\bregarding\b|:)\s*(.+)$", re.I)


def topic_of(summary: str) -> str:
    """What a conversation was about, when the note says so ('Call about X' -> 'X')."""
    m = _TOPIC.search(summary.splitlines()[0] if summary.strip() else "")
    return _clean(m.group(1)) if m else ""


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
def to_reader(text: str, person: Named, others: tuple[Named, ...] = ()) -> str:
    """A reason to meet `person`, in a note they will read: the name and the pronouns
    said to them ("learn how he scaled finance at his company" -> 'learn how you
    scaled finance at your company'), as `second_person` does; but when one of
    `others` (the introducer) is named in it, a pronoun may mean them, so only the name
    changes, as `to_you` does."""
    text = _name_to_you(text, person)
    if any(re.search(rf"\b{re.escape(n)}\b", text) for o in others for n in _names(o)):
        return text
    return _pronouns_to_you(text)


def to_you(text: str, person: Named) -> str:
    """A note about someone, said to them: "Wren's team" -> 'your team', 'Wren is'
    -> 'you are', 'how Kevin runs on-call' -> 'how you run on-call', 'help Wren' ->
    'help you'. Only the name changes: in a note about two people a pronoun may
    mean either of them."""
    return _name_to_you(text, person)
