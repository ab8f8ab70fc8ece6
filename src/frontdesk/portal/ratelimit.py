"""Fixed-window counters in the shared cache (the same cache as allauth's limits)."""

from django.core.cache import cache

from frontdesk.core.errors import DomainError
from frontdesk.portal.errors import PortalErrorCode


class RateLimited(DomainError):
    http_status = 429


def hit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt for `key`; False once more than `limit` fell in this window."""
    name = f"portal-rl:{key}"
    if cache.add(name, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=seconds)
        return True
    return count <= limit


def require(key: str, *, limit: int, seconds: int) -> None:
    if not hit(key, limit=limit, seconds=seconds):
        raise RateLimited(
            PortalErrorCode.RATE_LIMITED, "Too many attempts. Please wait a while and try again."
        )
