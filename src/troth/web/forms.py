"""Forms of the web app. They check the shape of what was typed (a date is a date,
a number a number); the service functions still decide what is allowed, and their
TrothError becomes a form error next to the fields."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from troth.errors import web_text
from troth.interactions.actions import CHANNELS, MAX_MINUTES
from troth.ledger.actions import DEFAULT_NEED_DAYS
from troth.ledger.models import FAVOR_KINDS
from troth.lib.dates import DateError, parse_date, parse_span
from troth.lib.text import count, is_number
from troth.people.actions import MAX_TEXT

TEXT = forms.Textarea(attrs={"rows": 2, "maxlength": MAX_TEXT})


class Form(forms.Form):
    """Labels without a trailing colon: they sit above their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DayField(forms.CharField):
    """A day as a date picker sends it (2026-11-20) or as people type it (friday,
    yesterday, in 2 weeks). `past` says which way a bare weekday points; `not_after_today`
    and `after_today` refuse days on the wrong side of today."""

    def __init__(
        self, *, past: bool = False, not_after_today: bool = False, after_today: bool = False, **kw
    ) -> None:
        kw.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kw)
        self.past, self.not_after_today, self.after_today = past, not_after_today, after_today

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError("that is too long for a date")
        today = timezone.localdate()
        try:
            day = parse_date(text, today, past=self.past)
        except DateError as exc:
            # the parser's message brings its own examples: one "(try ...)" is enough
            message = (
                web_text(exc)
                if "(try " in web_text(exc)
                else f"{exc} (try 2026-11-20, yesterday or friday)"
            )
            raise forms.ValidationError(message) from None
        if self.not_after_today and day > today:
            raise forms.ValidationError(f"{day} is in the future; record what has happened")
        if self.after_today and day <= today:
            raise forms.ValidationError(f"{day} is not after today ({today}): pick a later day")
        return day


def snooze_choices(today: dt.date) -> list[tuple[str, str, dt.date]]:
    """The quick snoozes offered on Today: (value, label, day); a week is the default."""
    month = today.month % 12 + 1
    year = today.year + (today.month == 12)
    last = calendar.monthrange(year, month)[1]
    days = [
        ("tomorrow", "tomorrow", today + dt.timedelta(days=1)),
        ("week", "next week", today + dt.timedelta(days=7)),
        ("month", "next month", dt.date(year, month, min(today.day, last))),
    ]
    return [(value, f"{label} ({day:%a %-d %b})", day) for value, label, day in days]


class SnoozeForm(Form):
    DEFAULT = "week"
    span = forms.ChoiceField(
        label="Snooze until",
        required=False,
        choices=[("tomorrow", "tomorrow"), ("week", "next week"), ("month", "next month")],
    )
    until = DayField(label="Snooze until", required=False, after_today=True)

    def clean(self) -> dict[str, Any]:
        """A day typed or picked wins; else the quick choice, else a week from today."""
        data = super().clean() or {}
        if data.get("until") is None and "until" not in self.errors:
            chosen = data.get("span") or self.DEFAULT
            days = {v: day for v, _label, day in snooze_choices(timezone.localdate())}
            data["until"] = days[chosen]
        return data


class DoneForm(Form):
    channel = forms.ChoiceField(
        label="How you got in touch",
        choices=[(c, c) for c in CHANNELS],
        initial="message",
        required=False,
    )
    notes = forms.CharField(label="Notes", required=False, max_length=MAX_TEXT)


class LogForm(Form):
    channel = forms.ChoiceField(label="What", choices=[(c, c) for c in CHANNELS], initial="meeting")
    when = DayField(label="When", required=False, past=True, not_after_today=True)
    minutes = forms.IntegerField(
        label="Minutes", required=False, min_value=1, max_value=MAX_MINUTES
    )
    they_started = forms.BooleanField(label="They reached out first", required=False)
    summary = forms.CharField(label="Notes", required=False, widget=TEXT, max_length=MAX_TEXT)

    def when_moment(self) -> dt.datetime | None:
        """Today is now; another day is noon that day, local time (as on the command line)."""
        day = self.cleaned_data.get("when")
        if day is None:
            return None
        now = timezone.localtime()
        if day == now.date():
            return now
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class FavorForm(Form):
    kind = forms.ChoiceField(label="Kind", choices=[(k, k) for k in FAVOR_KINDS])
    # required: a favour recorded as a bare "intro" says nothing a month later
    what = forms.CharField(label="What", widget=TEXT, max_length=MAX_TEXT)
    when = DayField(label="When", required=False, past=True, not_after_today=True)
    need = forms.TypedChoiceField(
        label="Answers their need", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, needs: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["need"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "none")] + [(str(i), text) for i, text in needs]
        if not needs:
            field.widget = forms.HiddenInput()


class PromiseForm(Form):
    MINE, THEIRS = "mine", "theirs"
    direction = forms.ChoiceField(
        label="Who promised",
        choices=[(MINE, "I promised them"), (THEIRS, "They promised me")],
        initial=MINE,
        widget=forms.RadioSelect,
    )
    what = forms.CharField(label="What", widget=TEXT, max_length=MAX_TEXT)
    due = DayField(label="Due", required=False)


class NeedForm(Form):
    what = forms.CharField(label="What they need", widget=TEXT, max_length=MAX_TEXT)
    span = forms.CharField(
        label="For how long",
        initial=f"{DEFAULT_NEED_DAYS}d",
        max_length=20,
        help_text="45d, 6w, 3m",
        required=False,
    )
    tags = forms.CharField(
        label="Tags", required=False, max_length=300, help_text="comma-separated"
    )

    def clean_span(self) -> int:
        text = (self.cleaned_data.get("span") or "").strip()
        if not text:
            return DEFAULT_NEED_DAYS
        try:
            days = parse_span(text, timezone.localdate())
        except DateError as exc:
            raise forms.ValidationError(web_text(exc)) from None
        if not 1 <= days <= 3650:
            raise forms.ValidationError("between 1 day and 10 years, please")
        return days

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace(";", ",").split(",") if t.strip()]


class NoteForm(Form):
    text = forms.CharField(label="Note", widget=TEXT, max_length=MAX_TEXT)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the note first.")
        return text


class PersonForm(Form):
    name = forms.CharField(label="Full name", max_length=200)
    email = forms.CharField(label="E-mail", required=False, max_length=320)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    company = forms.CharField(label="Company", required=False, max_length=200)
    title = forms.CharField(label="Job title", required=False, max_length=200)
    met_how = forms.CharField(
        label="How you met", required=False, max_length=300, help_text="Chicago networking night"
    )
    met_on = DayField(label="When you met", required=False, past=True, not_after_today=True)
    tags = forms.CharField(
        label="Tags", required=False, max_length=300, help_text="comma-separated"
    )
    closeness = forms.TypedChoiceField(
        label="How close are you",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "not rated")] + [(str(i), f"{i} of 5") for i in range(1, 6)],
    )
    duplicate = forms.BooleanField(
        label="A different person with the same name as someone you know", required=False
    )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace(";", ",").split(",") if t.strip()]

    # a title without a company is allowed: a headline job (someone between jobs)


# Keep-in-touch rhythms offered on a person's page ("" = the tier's default, 0 = never).
CADENCES = [
    ("", "the tier's rhythm"),
    ("7", "every week"),
    ("14", "every two weeks"),
    ("30", "every month"),
    ("91", "every three months"),
    ("182", "every six months"),
    ("365", "every year"),
    ("0", "never remind me"),
]


class KeepForm(Form):
    cadence = forms.TypedChoiceField(
        label="Check in", choices=CADENCES, coerce=int, empty_value=None, required=False
    )
    archived = forms.BooleanField(
        label="Archived (hidden from lists and the agenda)", required=False
    )


def split_tags(raw: str) -> list[str]:
    """Tags as typed in one box: commas or semicolons between them."""
    return [t.strip() for t in raw.replace(";", ",").split(",") if t.strip()]


class PersonEditForm(Form):
    """Someone's details on their page. Bound with `initial` = what they are now, so
    `changed_data` names exactly what to change: each change goes through the same
    service as `troth edit`, `tag` and `cadence`, and its error comes back beside it."""

    name = forms.CharField(label="Full name", max_length=200)
    nickname = forms.CharField(label="Goes by", required=False, max_length=100)
    company = forms.CharField(
        label="Company", required=False, max_length=200, help_text="empty: between jobs"
    )
    title = forms.CharField(label="Job title", required=False, max_length=200)
    add_email = forms.CharField(label="Add an e-mail", required=False, max_length=320)
    add_phone = forms.CharField(
        label="Add a phone", required=False, max_length=40, help_text="with the country code"
    )
    remove = forms.MultipleChoiceField(
        label="Remove", required=False, widget=forms.CheckboxSelectMultiple
    )
    closeness = forms.TypedChoiceField(
        label="How close are you",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "not rated")] + [(str(i), f"{i} of 5") for i in range(1, 6)],
    )
    tags = forms.CharField(
        label="Tags", required=False, max_length=1000, help_text="comma-separated"
    )
    cadence = forms.TypedChoiceField(
        label="Check in", choices=CADENCES, coerce=int, empty_value=None, required=False
    )
    met_how = forms.CharField(label="How you met", required=False, max_length=300)
    met_on = DayField(label="When you met", required=False, past=True, not_after_today=True)
    via = forms.CharField(
        label="Introduced by", required=False, max_length=200, help_text="a name or #id"
    )
    # A name nobody has is refused unless this is ticked: a typo in "Introduced by"
    # silently added a person (a newcomer's finding); `troth edit --via` adds and says so.
    via_new = forms.BooleanField(
        label="Add them as a new person if nobody has that name", required=False
    )

    def __init__(self, *args: Any, contacts: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["remove"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(c, c) for c in contacts]
        if not contacts:
            field.widget = forms.MultipleHiddenInput()
        # A rhythm set with `troth cadence` (say 6w: 42 days) is offered as it is, so that
        # saving the form for another field keeps it (it was reset to the tier's: found by
        # a newcomer's review).
        own = str(self.initial.get("cadence") or "")
        rhythm = self.fields["cadence"]
        assert isinstance(rhythm, forms.TypedChoiceField)
        if own and own not in dict(CADENCES):
            rhythm.choices = [
                *CADENCES,
                (
                    own,
                    f"every {count(int(own), 'day') if is_number(own) else own} (your own rhythm)",
                ),
            ]

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")
