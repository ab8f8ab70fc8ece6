"""The customer portal: brands (name, logo, colours) and request forms."""

from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour is written #rrggbb.")


class Brand(models.Model):
    """How the portal looks: name, logo, colours.

    The portal picks the brand whose `host` equals the request's host, else the default
    brand, else a brand built from settings (`FRONTDESK_BRAND_NAME`...). The logo is kept in
    the database (small PNG, JPEG or WebP) and served by the portal itself, so the
    content-security policy (images from 'self') holds.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    host = models.CharField(max_length=253, blank=True, default="")
    is_default = models.BooleanField(default=False)
    primary_colour = models.CharField(max_length=7, default="#1f5fbf", validators=[HEX_COLOUR])
    accent_text_colour = models.CharField(max_length=7, default="#ffffff", validators=[HEX_COLOUR])
    logo = models.BinaryField(blank=True, default=b"", editable=True)
    logo_content_type = models.CharField(max_length=20, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="portal_brand_one_default",
            ),
            models.UniqueConstraint(
                fields=["host"], condition=~models.Q(host=""), name="portal_brand_host_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    logo_content_type__in=["", "image/png", "image/jpeg", "image/webp"]
                ),
                name="portal_brand_logo_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RequestForm(models.Model):
    """A form customers fill in to submit a request of one type/category.

    `fields` lists which `tickets.CustomFieldDefinition` keys the form shows, in order, each
    `{"key", "required", "help_text", "show_if": {"field", "equals"} | null}` (checked by
    `portal.formspec.parse_fields`): a field with `show_if` is shown, required and stored
    only while the other field has that value.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    description = models.CharField(max_length=500, blank=True, default="")
    ticket_type = models.CharField(max_length=20, default="question")
    category = models.ForeignKey(
        "tickets.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fields = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PendingRequest(models.Model):
    """An anonymous submission held until its address is verified by an emailed link.

    Only the SHA-256 of the link's token is stored. Confirming creates the ticket once
    (`ticket_number` set); unconfirmed rows expire and are deleted by the scheduler.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True, default="")
    form = models.ForeignKey(RequestForm, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=500)
    body = models.TextField()
    custom_fields = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ticket_number = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email}: {self.subject}"
