"""People: users (staff and customers share one table), teams, agent profiles, API tokens."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower

from frontdesk.accounts.choices import STAFF_ROLES, Availability, Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """Anyone who signs in or raises a ticket. `role` decides what they may see and do.

    Emails are stored lower-cased and unique, so a contact is found by address alone.
    """

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]
        indexes: ClassVar = [models.Index(Lower("name"), name="user_name_lower")]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_staff(self) -> bool:
        """Staff in the help-desk sense: anyone who works tickets (Django admin is not used)."""
        return self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER


class Team(models.Model):
    """A group of agents that owns tickets (Support, Billing, IT...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    members = models.ManyToManyField(User, related_name="teams", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """Routing facts about an agent: skills, how many open tickets they can hold, presence.

    `capacity` None means no cap (the assignment engine weighs such an agent as if their
    cap were `routing.assignment.UNLIMITED_CAPACITY`). `offline_since` is set when the agent
    goes offline and cleared when they come back (`routing.actions.set_availability`), so
    the reassignment job can tell how long they have been gone.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="agent_profile")
    skills = models.JSONField(default=list, blank=True)
    capacity = models.PositiveIntegerField(default=20, null=True, blank=True)
    availability = models.CharField(
        max_length=10, choices=Availability.choices, default=Availability.OFFLINE
    )
    offline_since = models.DateTimeField(null=True, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    # The agent's working hours: automatic assignment passes over them outside these. None:
    # always on shift. Deleting the calendar makes the agent always on shift again.
    working_calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agent_profiles",
    )

    def __str__(self) -> str:
        return f"profile of {self.user}"


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is stored; the secret is shown once.

    `prefix` (the first characters of the secret) lets a user recognise a token in a list.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
