"""Built-in wording of automatic mail and the default notification preferences (pure)."""

from dataclasses import dataclass

from frontdesk.notifications.choices import NotificationKind

ACKNOWLEDGMENT = "acknowledgment"
APPROVAL_REQUEST = "approval_request"
# The wording of trigger and time-rule emails whose template has no wording of its own.
AUTOMATION_FALLBACK = "ticket_update"

# Kinds that go out by email unless the user says otherwise; every kind shows in the app.
EMAIL_BY_DEFAULT = frozenset(
    {
        NotificationKind.ASSIGNED,
        NotificationKind.MENTION,
        NotificationKind.SLA_BREACH,
        NotificationKind.APPROVAL_REQUESTED,
    }
)


@dataclass(frozen=True)
class Preference:
    kind: str
    in_app: bool
    email: bool


def default_preference(kind: str) -> Preference:
    return Preference(kind=kind, in_app=True, email=kind in EMAIL_BY_DEFAULT)


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


_NOTIFICATION_BODY = (
    "Hello {{recipient.name}},\n\n"
    "{{notification.text}}\n\n"
    "Ticket #{{ticket.number}}: {{ticket.subject}}\n"
    "Requester: {{requester.name}}\n"
    "Open it: {{ticket.url}}\n\n"
    "You get this email because of your notification settings in Frontdesk."
)

DEFAULT_WORDING: dict[str, Wording] = {
    ACKNOWLEDGMENT: Wording(
        subject="Re: {{ticket.subject}} [#{{ticket.number}}]",
        body=(
            "Hello {{requester.name}},\n\n"
            "thank you for your message. We have opened ticket #{{ticket.number}} "
            "and will get back to you as soon as we can.\n\n"
            "You can follow the ticket at {{ticket.portal_url}}\n\n"
            "To add anything, simply reply to this email and keep [#{{ticket.number}}] "
            "in the subject."
        ),
    ),
    APPROVAL_REQUEST: Wording(
        subject="[#{{ticket.number}}] Approval requested: {{ticket.subject}}",
        body=(
            "Hello {{recipient.name}},\n\n"
            "{{requester.name}} asks for something that needs your approval: "
            "ticket #{{ticket.number}}, {{ticket.subject}}.\n\n"
            "Approve or reject it here (the link works once, for 14 days): {{approval.url}}\n\n"
            "Or open the ticket: {{ticket.url}}"
        ),
    ),
    # Automation emails (`send_email` in triggers and time rules); the defaults use these keys.
    "pending_reminder": Wording(
        subject="Re: {{ticket.subject}} [#{{ticket.number}}]",
        body=(
            "Hello {{recipient.name}},\n\n"
            "we are still waiting for your answer on ticket #{{ticket.number}} "
            "({{ticket.subject}}). Reply to this email to continue; without news the ticket "
            "will be closed in a few days.\n\n"
            "You can follow the ticket at {{ticket.portal_url}}"
        ),
    ),
    "unassigned_urgent": Wording(
        subject="[#{{ticket.number}}] Urgent and unassigned: {{ticket.subject}}",
        body=_NOTIFICATION_BODY.replace(
            "{{notification.text}}", "Nobody has taken this urgent ticket yet."
        ),
    ),
    AUTOMATION_FALLBACK: Wording(
        subject="Re: {{ticket.subject}} [#{{ticket.number}}]",
        body=(
            "Hello {{recipient.name}},\n\n"
            "there is news on ticket #{{ticket.number}} ({{ticket.subject}}): it is now "
            "{{ticket.status}}.\n\n"
            "You can follow the ticket at {{ticket.portal_url}}"
        ),
    ),
    **{
        kind.value: Wording(
            subject=f"[#{{{{ticket.number}}}}] {label}: {{{{ticket.subject}}}}",
            body=_NOTIFICATION_BODY,
        )
        for kind, label in (
            (NotificationKind.ASSIGNED, "Assigned to you"),
            (NotificationKind.MENTION, "You were mentioned"),
            (NotificationKind.CUSTOMER_REPLIED, "Customer replied"),
            (NotificationKind.SLA_WARNING, "SLA warning"),
            (NotificationKind.SLA_BREACH, "SLA breached"),
            (NotificationKind.ESCALATED, "Escalated"),
            (NotificationKind.APPROVAL_REQUESTED, "Approval requested"),
            (NotificationKind.SYSTEM, "Notice"),
        )
    },
}

TEMPLATE_KEYS = tuple(DEFAULT_WORDING)
