"""The ticket domain: tickets, their conversation, attachments, links and audit trail.

Only `tickets.actions` writes these rows. Denormalised columns (`status_category`,
`last_public_at`) are kept in step by the same actions that change their source.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.tickets.choices import (
    ACTIVE_CATEGORIES,
    Channel,
    EventAction,
    FieldType,
    LinkKind,
    MessageKind,
    Priority,
    StatusCategory,
    TicketType,
)


class Status(models.Model):
    """An admin-defined status ("Waiting on vendor") mapped to a fixed category (on_hold)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(max_length=10, choices=StatusCategory.choices)
    position = models.PositiveSmallIntegerField(default=0)
    is_default = models.BooleanField(
        default=False, help_text="The status a ticket gets when it enters this category."
    )

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        verbose_name_plural = "statuses"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["category"], condition=Q(is_default=True), name="one_default_per_category"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """What a ticket is about (Hardware, Invoices...), used by routing and reports."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.name


class CustomFieldDefinition(models.Model):
    """An admin-defined ticket field; values live in `Ticket.custom_fields` under `key`."""

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=10, choices=FieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.key


class TicketCounter(models.Model):
    """The next ticket number. Incremented with UPDATE ... RETURNING inside the creating
    transaction, so numbers are unique and gapless without a lock held across requests."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=1000)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def active(self) -> "TicketQuerySet":
        return self.filter(status_category__in=ACTIVE_CATEGORIES)

    def with_list_relations(self) -> "TicketQuerySet":
        """The relations `TicketOut` reads. Team, assignee and organisation go out as ids
        (columns of the ticket row), so they are not joined: with them the query joined 8
        tables and PostgreSQL spent 10-35 ms planning it, far more than running it."""
        return self.select_related("status", "requester", "category").prefetch_related("tags")


class Ticket(models.Model):
    """A numbered request. `number` is the public identifier (#1042); `pk` never leaves."""

    number = models.BigIntegerField(unique=True)
    subject = models.CharField(max_length=500)
    requester = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="requested_tickets"
    )
    organization = models.ForeignKey(
        "customers.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.API)
    type = models.CharField(max_length=20, choices=TicketType.choices, default=TicketType.QUESTION)
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="tickets")
    status_category = models.CharField(max_length=10, choices=StatusCategory.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    tags = models.ManyToManyField(Tag, through="TicketTag", related_name="tickets", blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    followers = models.ManyToManyField(
        "accounts.User", through="TicketFollower", related_name="followed_tickets", blank=True
    )
    custom_fields = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The conversation's turn: who waits for whom (kept by the actions that add messages).
    last_agent_reply_at = models.DateTimeField(null=True, blank=True)
    awaiting_agent_since = models.DateTimeField(null=True, blank=True)
    # SLA state, written only through `sla.actions.refresh_deadlines` (docs/adr/0008).
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True)
    periodic_update_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The earliest due time of a running SLA clock."
    )
    next_deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="The earliest SLA warning or breach not yet recorded."
    )
    sla_clocks = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TicketQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status_category__in=StatusCategory.values),
                name="ticket_status_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="ticket_priority_valid"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["updated_at", "id"], name="ticket_updated"),
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            models.Index(fields=["status_category", "updated_at"], name="ticket_cat_updated"),
            models.Index(fields=["team", "status_category", "updated_at"], name="ticket_team"),
            models.Index(
                fields=["assignee", "status_category", "updated_at"], name="ticket_assignee"
            ),
            models.Index(fields=["requester", "updated_at"], name="ticket_requester"),
            models.Index(fields=["organization", "updated_at"], name="ticket_org"),
            models.Index(
                fields=["solved_at"],
                condition=Q(status_category=StatusCategory.SOLVED),
                name="ticket_solved_due",
            ),
            # The sweep's range scan and the "Due soon"/"Breached" views: only tickets with a
            # running clock are in these indexes, so their size follows the SLA work.
            models.Index(
                fields=["next_deadline_at"],
                condition=Q(next_deadline_at__isnull=False),
                name="ticket_sla_sweep",
            ),
            models.Index(
                fields=["next_due_at", "id"],
                condition=Q(next_due_at__isnull=False),
                name="ticket_sla_due",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["tag", "ticket"], name="tickettag_by_tag")]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.tag_id}"


class TicketFollower(models.Model):
    """Someone kept informed about a ticket: a colleague (agent) or a CC'd contact."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticket_follower_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["user", "ticket"], name="follower_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.ticket_id}"


class Message(models.Model):
    """One entry in the conversation. Internal notes are never public, on any channel."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    is_public = models.BooleanField()
    author = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_text = models.TextField()
    body_html = models.TextField(help_text="Sanitised HTML, safe to render as is.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    email_message_id = models.CharField(max_length=998, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(kind=MessageKind.NOTE) | Q(is_public=False),
                name="note_is_never_public",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_thread"),
            # Email threading and dedupe look messages up by Message-ID (mail.actions).
            models.Index(
                fields=["email_message_id"],
                name="message_by_email_id",
                condition=~Q(email_message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"


class Attachment(models.Model):
    """A stored file. `storage_name` is random and lives outside any served folder;
    `file_name` is a sanitised display name only, never a path."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_public = models.BooleanField(default=True)
    file_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.file_name


class TicketLink(models.Model):
    """A directed link: `source` is related to / a duplicate of / the parent of `target`."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="ticket_link_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class TicketEvent(models.Model):
    """The append-only audit trail: who changed what, when, and from where.

    Written only by actions (never by signals); SLA and reports read it.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=EventAction.choices)
    field = models.CharField(max_length=64, blank=True, default="")
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["ticket", "created_at", "id"], name="event_trail")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.field} on {self.ticket_id}"


class IdempotencyKey(models.Model):
    """Remembers which ticket an `Idempotency-Key` created, so a retried POST is harmless."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


# The keys of forms.LIST_SORTS (a test keeps them in step); a new sort needs a migration.
SAVED_VIEW_SORTS = (
    "-updated_at",
    "updated_at",
    "-created_at",
    "created_at",
    "-priority",
    "-number",
)


class SavedView(models.Model):
    """A named ticket list an agent saved: filters, columns and sort.

    Personal (`team` empty, seen by its owner only) or shared with one team (deleting the
    team deletes its shared views). `filters` is the canonical form written by
    `view_filters.ViewFilters.as_json`; pages apply it on top of `access.visible_to`, so a
    shared view shows each viewer only what they may see.
    """

    name = models.CharField(max_length=100)
    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    sort = models.CharField(max_length=20, default="-updated_at")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                condition=Q(team__isnull=True),
                name="saved_view_personal_name_unique",
            ),
            models.UniqueConstraint(
                fields=["team", "name"],
                condition=Q(team__isnull=False),
                name="saved_view_shared_name_unique",
            ),
            models.CheckConstraint(
                condition=Q(sort__in=SAVED_VIEW_SORTS), name="saved_view_sort_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The list page's title, as a built-in view's `label`."""
        return self.name
