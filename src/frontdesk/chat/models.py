"""Live chat: widgets embedded on customers' sites, and the conversations they started.

Only `chat.actions` writes these rows. A `ChatWidget` is one embedding: the origins it may
be embedded on, its team, and the secret the host site signs visitor identities with. A
`ChatSession` is one conversation: its ticket (channel `chat`), the visitor, the hash of
the visitor's session token (the only thing that lets a browser read or write it), and
whether it waits for an agent, is being answered, or ended.
"""

from django.db import models


class ChatWidget(models.Model):
    name = models.CharField(max_length=200)
    key = models.SlugField(max_length=64, unique=True)  # public: named in the script tag
    allowed_origins = models.TextField(
        help_text="One origin a line, e.g. https://www.example.com (scheme, host, port)."
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Signs host-site visitor tokens (HMAC-SHA256); empty: visitors type name and email.
    identity_secret = models.CharField(max_length=128, blank=True)
    title = models.CharField(max_length=100, default="Chat with us")
    colour = models.CharField(max_length=7, default="#1f5fbf")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name

    def origins(self) -> set[str]:
        return {o.strip().rstrip("/").lower() for o in self.allowed_origins.split() if o.strip()}


class ChatSession(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for an agent"
        ACTIVE = "active", "Answered"
        ENDED = "ended", "Ended"

    widget = models.ForeignKey(ChatWidget, on_delete=models.CASCADE, related_name="sessions")
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="chat_session"
    )
    visitor = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    accepted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    transcript_sent = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.state})"
