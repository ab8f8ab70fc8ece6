"""Portal template tags: the page's brand, and links to URLs that may not exist yet."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from frontdesk.portal.branding import BrandView, brand_for

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_brand(context: dict[str, Any]) -> BrandView:
    """`{% portal_brand as brand %}`: name, logo_url, css (colours) of this request's brand."""
    return brand_for(context.get("request"))


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    """`{% optional_url "kb:portal_home" as kb_url %}`: the URL, or "" when no such route exists."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.simple_tag
def signup_open() -> bool:
    """`{% signup_open as open %}`: customers may create accounts (FRONTDESK_PORTAL_SIGNUP)."""
    from django.conf import settings

    return bool(settings.FRONTDESK_PORTAL_SIGNUP)
