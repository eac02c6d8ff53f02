"""Groups, memberships (with a role) and single-use, expiring invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Group(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField()
    # "Give first": a new member's needs wait until they have offered help once or
    # attended meetings (GIVE_FIRST_MEETINGS); an organiser can waive it per member.
    give_first = models.BooleanField(default=True)
    # The group's join link (shared by the organisers, e.g. on a meetup page): only the
    # digest of its token is kept; empty when there is none. A request through it waits
    # for an organiser, who answers it with an invitation to the address given.
    join_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Acme Alumni" and "acme alumni" would be two groups nobody can tell apart
            models.UniqueConstraint(Lower("name"), name="group_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    ORGANISER = "organiser"
    MEMBER = "member"
    ROLES = [(ORGANISER, "organiser"), (MEMBER, "member")]

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    # Deleting an account removes its memberships with it (and nothing of the group's).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=12, choices=ROLES, default=MEMBER)
    joined_at = models.DateTimeField()
    give_first_waived = models.BooleanField(default=False)
    # As a connector: at most this many introduction asks in 30 days, and a pause.
    intro_capacity = models.PositiveSmallIntegerField(default=4)
    intros_paused = models.BooleanField(default=False)
    # Consent: the member's follow-through band is shown to the group only when on.
    share_follow_through = models.BooleanField(default=False)

    class Meta:
        ordering = ["group_id", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.role})"


class Invitation(models.Model):
    """An invitation by e-mail. Only the SHA-256 digest of its token is stored: the
    link is shown (or mailed) once, and a database dump cannot be used to join."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    # The role the invited person gets on joining (an organiser can be invited as one).
    role = models.CharField(max_length=12, choices=Membership.ROLES, default=Membership.MEMBER)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "email"])]

    def __str__(self) -> str:
        return f"invitation to {self.group_id} for {self.email}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class GroupProfile(models.Model):
    """What a member chooses to publish in one group: a headline, what they can offer,
    and the companies and fields they can reach and are willing to introduce into
    (names of companies, never names of people). Nothing else of theirs is shared."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(max_length=200, blank=True)
    offers = models.TextField(blank=True)
    companies = models.JSONField(default=list)
    fields = models.JSONField(default=list)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"profile of membership {self.membership_id}"


class GroupNeed(models.Model):
    """A need a member posts to a group: the essay's "what two things do you need in
    the next 30-60 days?". It expires; its owner closes it."""

    OPEN = "open"
    MET = "met"
    DROPPED = "dropped"  # no longer needed
    STATUSES = [(OPEN, "open"), (MET, "met"), (DROPPED, "no longer needed")]

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="needs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_needs"
    )
    text = models.CharField(max_length=500)
    posted_at = models.DateTimeField()
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    carried = models.PositiveSmallIntegerField(default=0)  # times carried to a next meeting
    closed_at = models.DateTimeField(null=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["group", "status", "expires_on"])]

    def __str__(self) -> str:
        return self.text[:60]


class HelpOffer(models.Model):
    """ "I can help" from one member on another's need; the need's owner sees who."""

    need = models.ForeignKey(GroupNeed, on_delete=models.CASCADE, related_name="offers")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_offers"
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["need", "helper"], name="offer_once")]

    def __str__(self) -> str:
        return f"offer by {self.helper_id} on need {self.need_id}"


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class Attendance(models.Model):
    """A member's answer to a meeting (RSVP) and, after it, whether they came (the
    organiser marks it)."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"
    ANSWERS = [(YES, "yes"), (NO, "no"), (MAYBE, "maybe")]

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_attendance"
    )
    rsvp = models.CharField(max_length=5, choices=ANSWERS, blank=True)
    attended = models.BooleanField(null=True)  # None: not marked yet

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.meeting_id}"


class MemberIntro(models.Model):
    """An introduction between members of a group, double opt-in at every step: the
    connector agrees first (or offered), then asks the person to be met, privately,
    outside troth; only once that person agreed is anything about them shared with
    the requester, in the connector's words. Each member's side of it is also kept in
    their own troth (a promise while it is under way, a favour once made)."""

    ASKED = "asked"  # the requester asked the connector
    OFFERED = "offered"  # the connector offered ("I can introduce you")
    AGREED = "agreed"  # connector and requester both willing: the connector asks
    TARGET_AGREED = "target_agreed"  # the person to meet said yes: shared now
    INTRODUCED = "introduced"
    THANKED = "thanked"
    DECLINED = "declined"
    TARGET_DECLINED = "target_declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    STATES = [
        (ASKED, "asked"),
        (OFFERED, "offered"),
        (AGREED, "agreed"),
        (TARGET_AGREED, "they said yes"),
        (INTRODUCED, "introduced"),
        (THANKED, "thanked"),
        (DECLINED, "declined"),
        (TARGET_DECLINED, "not this time"),
        (EXPIRED, "expired"),
        (WITHDRAWN, "withdrawn"),
    ]

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="intros")
    need = models.ForeignKey(GroupNeed, null=True, on_delete=models.SET_NULL, related_name="intros")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    connector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    ask = models.CharField(max_length=500)  # what the requester wants, in their words
    hint = models.CharField(max_length=300, blank=True)  # the connector's, without names
    shared = models.CharField(max_length=500, blank=True)  # once the person agreed
    state = models.CharField(max_length=16, choices=STATES)
    # Started as the connector's offer (the requester answers first), not an ask.
    offered = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True)  # the connector's first answer
    expires_at = models.DateTimeField()
    reminders = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=200, blank=True)
    # Each side's record in their own troth (their own rows, their own ids).
    requester_promise = models.ForeignKey(
        "ledger.Commitment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    connector_promise = models.ForeignKey(
        "ledger.Commitment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_favor = models.ForeignKey(
        "ledger.Favor", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["group", "connector", "created_at"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"intro {self.id} in {self.group_id} ({self.state})"


class MemberContact(models.Model):
    """Which Person in `holder`'s own troth stands for another member of a group,
    made the first time the two work on an introduction together. Found again by
    this link only, never by a name or an address the other member typed: those are
    theirs to change, and must not steer what lands on whom in someone else's troth.
    Not Owned: a restore of the holder's troth does not carry it (a new Person is
    made next time, which the holder can merge)."""

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["holder", "member"], name="member_contact_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.holder_id}'s troth"


class ResetMail(models.Model):
    """A password-reset mail sent, by a digest of its address: how many went to one
    address lately (accounts.reset_mail_allowed), in the database, so the limit holds
    across every server process."""

    digest = models.CharField(max_length=64, db_index=True)
    sent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"reset mail at {self.sent_at:%Y-%m-%d %H:%M}"


class JoinRequest(models.Model):
    """Someone asking, through the group's join link, to be invited. No account is made
    from a public link: an organiser who approves sends an invitation to the address,
    and opening it proves the address is theirs."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="join_requests")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=120)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True)
    approved = models.BooleanField(null=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["group", "decided_at"])]

    def __str__(self) -> str:
        return f"join request to {self.group_id} from {self.email}"
