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
