"""People, where they work, how to reach them, and the owner's relationship to each.

The owner is also a Person (`is_me`), so favours, promises and needs have two
Person ends whichever way they run, and "my need" is just a need whose person is me.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from troth.owned import Owned


class Tag(Owned):
    name = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="tag_unique_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(Owned):
    name = models.CharField(max_length=200)
    # casefolded, accent-free form used to match "ACME corp" to "Acme Corp"
    name_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name_key"], name="org_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Person(Owned):
    full_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=100, blank=True, default="")
    family_name = models.CharField(max_length=100, blank=True, default="")
    # what they go by ("Bobby" for Robert): found by search, and a name identity
    # resolution matches on; from Google's Nickname column or a vCard's NICKNAME
    nickname = models.CharField(max_length=100, blank=True, default="", db_default="")
    # No index of name_key alone: every read of people is the owner's, and a name's
    # goes through person_owner_name (owner, name_key). It was one more b-tree written
    # per person an import adds (issue 20: 30,000 LinkedIn connections in <= 3 s).
    # The owner's own index stays: it is (owner, id) in effect, which "the owner's
    # people after id N" and "the newest of them" read (person_owner_name is not).
    name_key = models.CharField(max_length=200)
    is_me = models.BooleanField(default=False)
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_type = models.CharField(max_length=40, blank=True, default="")
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_me=True), name="one_me_per_owner"
            )
        ]
        indexes = [models.Index(fields=["owner", "name_key"], name="person_owner_name")]

    def __str__(self) -> str:
        return self.full_name


class ContactPoint(Owned):
    EMAIL, PHONE, URL = "email", "phone", "url"
    KINDS = [(EMAIL, "email"), (PHONE, "phone"), (URL, "url")]

    # No index of the person alone: contact_unique_per_person (person, kind, value)
    # starts with them (Person.name_key's comment: issue 20; the owner's index stays
    # for the same reason as Person's).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contact_points", db_index=False
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    # normalised: emails lower-cased, phones E.164, URLs without scheme noise
    value = models.CharField(max_length=320)
    label = models.CharField(max_length=40, blank=True, default="")
    is_primary = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["owner", "kind", "value"], name="contact_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="contact_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Employment(Owned):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    # None: a "headline" job, a title with no employer (someone between jobs, "Product
    # designer, open to work"), shown as the title alone
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="employments"
    )
    title = models.CharField(max_length=200, blank=True, default="")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_current", "-started_on", "-id"]

    @property
    def company(self) -> str:
        """The employer's name; "" for a headline job (a title alone)."""
        return self.organization.name if self.organization is not None else ""


class Note(Owned):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]


class Relationship(Owned):
    """The owner's side of knowing someone: how it began and how they want it kept."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="relationship")
    met_how = models.CharField(max_length=300, blank=True, default="")
    met_on = models.DateField(null=True, blank=True)
    met_through = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="introduced_to_me"
    )
    # The owner's own 1-5 rating; it calibrates the trust score, it never replaces it.
    closeness = models.PositiveSmallIntegerField(null=True, blank=True)
    # None: follow the tier's default cadence; 0: no reminders at all.
    cadence_days = models.PositiveIntegerField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closeness__isnull=True) | Q(closeness__gte=1, closeness__lte=5),
                name="closeness_1_to_5",
            )
        ]
        indexes = [
            # The agenda's rebuild asks for the few ties with a rhythm of their own or
            # archived: both databases read all 30,000 rows for none without it (2.8 ms
            # on SQLite, 3.6 on PostgreSQL; issue 20). The condition is the query's own.
            models.Index(
                fields=["owner"],
                condition=Q(cadence_days__isnull=False) | Q(archived=True),
                name="relationship_overrides",
            )
        ]


class Knows(Owned):
    """An undirected "A knows B" link between two contacts (stored low id first)."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40, default="manual")
    strength = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "person_a", "person_b"], name="knows_unique"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="knows_ordered"
            ),
        ]
        indexes = [models.Index(fields=["owner", "person_b"], name="knows_by_b")]


class PersonDate(Owned):
    """A date kept about a person: a birthday, an anniversary, or another with a label.

    Month and day always; the year only when known (vCard's ``--0314`` and many
    Google birthdays have none). One of each kind and label per person: an import
    fills a missing one and never overwrites what is there (troth.lib.keydates)."""

    BIRTHDAY, ANNIVERSARY, OTHER = "birthday", "anniversary", "other"
    KINDS = [(BIRTHDAY, "birthday"), (ANNIVERSARY, "anniversary"), (OTHER, "other")]

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dates")
    kind = models.CharField(max_length=12, choices=KINDS)
    # what an "other" date is ("name day", "started at Acme"); "" for the others
    label = models.CharField(max_length=60, blank=True, default="")
    month = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    # where it came from: "manual", or the import's source ("vcard", "google", "csv")
    source = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "label"], name="person_date_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                name="person_date_month_day",
            ),
        ]
        indexes = [models.Index(fields=["owner", "month", "day"], name="person_date_by_day")]
        ordering = ["month", "day", "id"]

    def __str__(self) -> str:
        return f"{self.label or self.kind} {self.month:02d}-{self.day:02d}"


class DateReminders(Owned):
    """Whether the agenda reminds the owner of birthdays and other dates, and how
    many days ahead. No row (the default): no reminders at all."""

    days_before = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="date_reminders_one_per_owner"),
            models.CheckConstraint(
                condition=Q(days_before__lte=60), name="date_reminders_at_most_60_days"
            ),
        ]
