"""The read side: notification preferences, templates and the outbox list."""

from collections.abc import Collection, Iterable

from frontdesk.accounts.access import require_admin, require_staff
from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound
from frontdesk.notifications.choices import NotificationKind
from frontdesk.outbox.defaults import (
    DEFAULT_WORDING,
    TEMPLATE_KEYS,
    Preference,
    Wording,
    default_preference,
)
from frontdesk.outbox.models import (
    EmailTemplate,
    NotificationPreference,
    OutboundEmail,
    OutboundEmailQuerySet,
)


def preferences_for(
    user_ids: Collection[int], kinds: Iterable[str]
) -> dict[tuple[int, str], Preference]:
    """(user id, kind) -> the preference in force, stored or default, in one query."""
    kinds = set(kinds)
    result = {(uid, kind): default_preference(kind) for uid in user_ids for kind in kinds}
    if not user_ids:
        return result
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind__in=kinds)
    for row in rows.values_list("user_id", "kind", "in_app", "email"):
        uid, kind, in_app, email = row
        result[(uid, kind)] = Preference(kind=kind, in_app=in_app, email=email)
    return result


def my_preferences(user: User) -> list[Preference]:
    """Every notification kind with the user's choice, in the order of `NotificationKind`."""
    kinds = list(NotificationKind.values)
    chosen = preferences_for([user.pk], kinds)
    return [chosen[(user.pk, kind)] for kind in kinds]


def wordings(keys: Iterable[str]) -> dict[str, Wording]:
    """key -> the administrators' wording, or the built-in one; one query."""
    keys = set(keys)
    result = {key: DEFAULT_WORDING[key] for key in keys if key in DEFAULT_WORDING}
    for key, subject, body in EmailTemplate.objects.filter(key__in=keys).values_list(
        "key", "subject", "body"
    ):
        result[key] = Wording(subject=subject, body=body)
    return result


def email_templates(user: User) -> list[tuple[str, Wording, bool]]:
    """(key, wording, customised?) for every template; administrators only (customers are
    told nothing exists)."""
    require_staff(user)
    require_admin(user)
    stored = set(EmailTemplate.objects.values_list("key", flat=True))
    current = wordings(TEMPLATE_KEYS)
    return [(key, current[key], key in stored) for key in TEMPLATE_KEYS]


def outbox_list(user: User, *, state: str | None = None) -> OutboundEmailQuerySet:
    """Every outbound mail, newest first via keyset_page(order="-created_at"); admins only
    (customers are told nothing exists)."""
    require_staff(user)
    require_admin(user)
    emails = OutboundEmail.objects.select_related("ticket")
    return emails.filter(state=state) if state else emails


def outbound_email(user: User, email_id: int) -> OutboundEmail:
    require_staff(user)
    require_admin(user)
    email = OutboundEmail.objects.select_related("ticket").filter(pk=email_id).first()
    if email is None:
        raise NotFound("No such email.")
    return email
