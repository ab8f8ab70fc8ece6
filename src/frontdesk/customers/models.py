"""Customer organisations and the contacts (customer users) that belong to them."""

from typing import ClassVar

from django.db import models


class Tier(models.TextChoices):
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"
    ENTERPRISE = "enterprise", "Enterprise"


class Organization(models.Model):
    """A customer company. With `shares_tickets`, its contacts see each other's tickets."""

    name = models.CharField(max_length=200, unique=True)
    email_domains = models.JSONField(default=list, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    shares_tickets = models.BooleanField(default=False)
    members = models.ManyToManyField(
        "accounts.User", through="Membership", related_name="organizations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A contact belongs to an organisation; a contact may belong to several."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id}"
