"""The brand a portal page is drawn in (pure apart from one cached query per request)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class BrandView:
    name: str
    slug: str
    primary_colour: str
    accent_text_colour: str
    logo_url: str

    @property
    def css(self) -> str:
        """CSS custom properties for the portal; colours are checked, so this is safe to inline."""
        primary = self.primary_colour if _HEX.match(self.primary_colour) else "#1f5fbf"
        text = self.accent_text_colour if _HEX.match(self.accent_text_colour) else "#ffffff"
        return f".portal {{ --brand: {primary}; --brand-text: {text}; }}"


def settings_brand() -> BrandView:
    return BrandView(
        name=getattr(settings, "FRONTDESK_BRAND_NAME", "Frontdesk"),
        slug="",
        primary_colour=getattr(settings, "FRONTDESK_BRAND_COLOUR", "#1f5fbf"),
        accent_text_colour=getattr(settings, "FRONTDESK_BRAND_TEXT_COLOUR", "#ffffff"),
        logo_url="",
    )


def brand_for(request: HttpRequest | None) -> BrandView:
    """The request's brand: by host, else the default, else settings (cached per request)."""
    if request is not None and (cached := getattr(request, "_portal_brand", None)) is not None:
        return cached  # type: ignore[no-any-return]
    from frontdesk.portal.models import Brand

    host = request.get_host().split(":")[0].lower() if request is not None else ""
    brands = Brand.objects.filter(Q(is_default=True) | Q(host=host) if host else Q(is_default=True))
    chosen = None
    for brand in brands.only(
        "name",
        "slug",
        "host",
        "is_default",
        "primary_colour",
        "accent_text_colour",
        "logo_content_type",
        "updated_at",
    ):
        if brand.host and brand.host == host:
            chosen = brand
            break
        chosen = chosen or brand
    view = (
        BrandView(
            name=chosen.name,
            slug=chosen.slug,
            primary_colour=chosen.primary_colour,
            accent_text_colour=chosen.accent_text_colour,
            logo_url=(
                reverse("portal:brand_logo", args=[chosen.slug])
                + f"?v={int(chosen.updated_at.timestamp())}"
                if chosen.logo_content_type
                else ""
            ),
        )
        if chosen is not None
        else settings_brand()
    )
    if request is not None:
        request._portal_brand = view  # type: ignore[attr-defined]
    return view
