"""The authorisation matrix: every route of the API against every kind of caller.

`MATRIX` is the spec, one row per route (method, path template as the API declares it)
and one column per persona. Each case builds a fresh help desk (the `desk` personas, a
support ticket, a second ticket to merge or link with, an attachment, a link, a follower
and a spare token), makes one request and checks the status. On top of the status:

- an error is always JSON `{code, message, details}`; 401 is `unauthenticated` and a
  write with a read-only token (or an admin call without the admin scope) is
  `insufficient_scope`;
- a denied request (any 4xx) and any GET leaves the database exactly as it was; an
  allowed write changes it.

Visibility rules under test (see tickets/access.py): staff see their teams' tickets,
customers their own, their CC'd ones and those of organisations that share tickets. A
ticket you may not see is a 404, never a 403; forbidden-but-visible actions are 403.
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from conftest import Desk, token_client
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frontdesk.accounts.actions import create_api_token
from frontdesk.accounts.models import AgentProfile, ApiToken, Team, User
from frontdesk.ai.models import FieldSetting, Prediction, TriageModel
from frontdesk.api.root import api
from frontdesk.approvals import actions as approval_actions
from frontdesk.approvals.models import ApprovalRequest, ApprovalRule
from frontdesk.csat.models import CsatSetting, Survey
from frontdesk.customers.models import Membership, Organization
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.models import (
    Article,
    ArticleFeedback,
    ArticleFile,
    ArticleRevision,
    Deflection,
    KbCategory,
    KbSection,
)
from frontdesk.macros.models import Macro
from frontdesk.mail.models import InboundMessage, Mailbox
from frontdesk.notifications.models import Notification
from frontdesk.outbox.models import EmailTemplate, NotificationPreference, OutboundEmail
from frontdesk.routing.models import RoutingRule, TeamAssignment
from frontdesk.sla import actions as sla_actions
from frontdesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy, SlaTarget
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import (
    Attachment,
    Category,
    CustomFieldDefinition,
    Message,
    Status,
    Ticket,
    TicketEvent,
    TicketFollower,
    TicketLink,
)
from frontdesk.triggers.models import TimeRule, Trigger, TriggerRun
from frontdesk.webhooks.models import Webhook, WebhookDelivery

# --- personas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    key: str  # the column name in MATRIX
    id: str  # the readable test id
    user: str | None  # a Desk attribute; None is anonymous
    scopes: tuple[str, ...] = ("read", "write", "admin")
    deactivated: bool = False
    ticket_of: str = "bob"  # whose ticket (support team) the case is about


PERSONAS = (
    Persona("anon", "anonymous", None),
    Persona("bob", "bob-requester", "bob"),
    Persona("bea", "bea-same-sharing-org", "bea"),
    Persona("gus", "gus-nonsharing-colleague", "gus", ticket_of="gil"),
    Persona("erin", "erin-other-org", "erin"),
    Persona("alice", "alice-agent-of-team", "alice"),
    Persona("dave", "dave-agent-other-team", "dave"),
    Persona("lena", "lena-light-agent", "lena"),
    Persona("sam", "sam-supervisor", "sam"),
    Persona("carol", "carol-admin", "carol"),
    Persona("ro", "alice-read-only-token", "alice", scopes=("read",)),
    Persona("noadm", "carol-token-without-admin-scope", "carol", scopes=("read", "write")),
    Persona("gone", "deactivated-user-token", "alice", deactivated=True),
)
COLUMNS = tuple(p.key for p in PERSONAS)


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(COLUMNS), statuses
    return dict(zip(COLUMNS, statuses, strict=True))


# --- the matrix -------------------------------------------------------------------------
# One row per route, one column per persona in PERSONAS order (headers abbreviate: alic =
# alice, carl = carol, ro = alice's read-only token, noad = carol without admin scope,
# gone = a deactivated user). Shapes shared by many routes:

# fmt: off
#                    anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
EVERYONE_READS = row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401)
STAFF_READS    = row(401, 404, 404, 404, 404, 200, 200, 200, 200, 200, 200, 200, 401)
ADMIN_CREATES  = row(401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 401)
PUBLIC         = row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
ORG_READ       = row(401, 200, 200, 404, 404, 200, 200, 200, 200, 200, 200, 200, 401)
# Reading a ticket or what hangs off it: whoever sees the ticket.
TICKET_READ    = row(401, 200, 200, 404, 404, 200, 404, 200, 200, 200, 200, 200, 401)
# Internal facts of a ticket (its SLA clocks): staff who see it; customers get a 404.
TICKET_STAFF   = row(401, 404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200, 401)
# Changing a ticket (fields, links, merges, followers): working staff who see it.
TICKET_WORK    = row(401, 403, 403, 404, 404, 200, 404, 403, 200, 200, 403, 200, 401)
# fmt: on
TICKET_WORK_201 = {k: 201 if v == 200 else v for k, v in TICKET_WORK.items()}
# SLA settings: supervisors and administrators read (no admin scope needed), only
# administrators with the admin scope write; customers are told nothing exists.
# fmt: off
#                  anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
SLA_READ     = row(401, 404, 404, 404, 404, 403, 403, 403, 200, 200, 403, 200, 401)
# Approval rules: administrators only (reads need no admin scope); customers get a 404.
RULE_READ    = row(401, 404, 404, 404, 404, 403, 403, 403, 403, 200, 403, 200, 401)
# Deciding an approval: its approver (sam, support's supervisor) and administrators; staff
# who see the ticket get 403, everyone else (customers included) a 404.
DECIDE       = row(401, 404, 404, 404, 404, 403, 404, 403, 200, 200, 403, 200, 401)
# fmt: on
ADMIN_WRITES = {k: 200 if v == 201 else v for k, v in ADMIN_CREATES.items()}
# Reports: the same readers as SLA settings.
REPORT_READ = SLA_READ
ADMIN_DELETES = {k: 204 if v == 201 else v for k, v in ADMIN_CREATES.items()}
TICKET_WORK_204 = {k: 204 if v == 200 else v for k, v in TICKET_WORK.items()}
# Routing rules: supervisors and administrators read them and run the dry run (a POST, so it
# needs the write scope, but it changes nothing); administrators with the admin scope write.
# fmt: off
#                  anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
ROUTING_READ = row(401, 404, 404, 404, 404, 403, 403, 403, 200, 200, 403, 200, 401)
# fmt: on
# Macros: staff use those they see (the world's is shared with everyone); one shared with
# everyone is changed by administrators (a role rule, no admin scope); customers get 404.
# fmt: off
#                   anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
MACRO_CREATE  = row(401, 404, 404, 404, 404, 201, 201, 201, 201, 201, 403, 201, 401)
MACRO_CHANGE  = row(401, 404, 404, 404, 404, 403, 403, 403, 403, 200, 403, 200, 401)
# Previewing reads the ticket (dave's billing cannot see it); applying works on it.
MACRO_PREVIEW = row(401, 404, 404, 404, 404, 200, 404, 200, 200, 200, 403, 200, 401)
MACRO_APPLY   = row(401, 404, 404, 404, 404, 200, 404, 403, 200, 200, 403, 200, 401)
# fmt: on
MACRO_DELETE = {k: 204 if v == 200 else v for k, v in MACRO_CHANGE.items()}
# Webhooks: administrators read; they change them with the admin scope.
WEBHOOK_TEST = {k: 202 if v == 201 else v for k, v in ADMIN_CREATES.items()}
# Triggers and time rules: supervisors and administrators read them, their runs and the dry
# run; administrators with the admin scope write. Customers are told nothing is here, when
# writing too.
# fmt: off
#                        anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
AUTOMATION_CREATES = row(401, 404, 404, 404, 404, 403, 403, 403, 403, 201, 403, 403, 401)
# fmt: on
AUTOMATION_READ = ROUTING_READ
AUTOMATION_WRITES = {k: 200 if v == 201 else v for k, v in AUTOMATION_CREATES.items()}
AUTOMATION_DELETES = {k: 204 if v == 201 else v for k, v in AUTOMATION_CREATES.items()}
# The offline AI: a ticket's suggestions, similar tickets and sentiment are for staff who
# see it (customers 404); accepting or dismissing a suggestion is working on the ticket.
# Models, modes and accuracy: administrators (changes with the admin scope).
# fmt: off
#                anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
AI_DECIDE  = row(401, 404, 404, 404, 404, 200, 404, 403, 200, 200, 403, 200, 401)
# fmt: on
AI_DISMISS = {k: 204 if v == 200 else v for k, v in AI_DECIDE.items()}
AI_TRAIN = {k: 202 if v == 201 else v for k, v in ADMIN_CREATES.items()}
# The knowledge base (kb/access.py): everyone signed in reads the published articles they
# may read; the case's article is internal, so customers get a 404 (drafts too, whatever
# their visibility). Editors (agents, supervisors, administrators) write and see drafts;
# light agents get a 403, customers a 404. Feedback is a reader's, on an article they read.
# Reports (deflection, satisfaction) are SLA_READ's: supervisors and administrators.
# fmt: off
#                 anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
KB_FEEDBACK = row(401, 404, 404, 404, 404, 204, 204, 204, 204, 204, 403, 204, 401)
KB_DRAFT    = row(401, 404, 404, 404, 404, 200, 200, 403, 200, 200, 200, 200, 401)
KB_EDIT     = row(401, 404, 404, 404, 404, 200, 200, 403, 200, 200, 403, 200, 401)
# Rating a solved ticket: its requester only; everyone else is told it has no survey.
CSAT_RATE   = row(401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 403, 404, 401)
# fmt: on
KB_CREATE = {k: 201 if v == 200 else v for k, v in KB_EDIT.items()}
# POSTs that change nothing by design (a dry run).
READ_ONLY_POSTS = frozenset({("POST", "/routing/rules/test"), ("POST", "/triggers/test")})
READ_ONLY_POSTS |= {("POST", "/macros/{macro_id}/preview")}  # a preview

# fmt: off
#           anon bob  bea  gus  erin alic dave lena sam  carl ro   noad gone
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/tickets"): EVERYONE_READS,
    # Search answers everyone signed in, each within what they may see (tests in search/).
    ("GET", "/search"): EVERYONE_READS,
    ("POST", "/tickets"):
        row(401, 201, 201, 201, 201, 201, 201, 403, 201, 201, 403, 201, 401),
    ("GET", "/tickets/{number}"): TICKET_READ,
    ("PATCH", "/tickets/{number}"): TICKET_WORK,
    # Carol may claim, but an assignee must belong to the ticket's team: 422, no change.
    ("POST", "/tickets/{number}/claim"):
        row(401, 403, 403, 404, 404, 200, 404, 403, 200, 422, 403, 422, 401),
    # The ticket is solved first; customers who see it may reopen it.
    ("POST", "/tickets/{number}/reopen"):
        row(401, 200, 200, 404, 404, 200, 404, 403, 200, 200, 403, 200, 401),
    ("POST", "/tickets/{number}/merge"): TICKET_WORK,
    ("GET", "/tickets/{number}/messages"): TICKET_READ,
    ("POST", "/tickets/{number}/replies"):
        row(401, 201, 201, 404, 404, 201, 404, 403, 201, 201, 403, 201, 401),
    ("POST", "/tickets/{number}/notes"):
        row(401, 403, 403, 404, 404, 201, 404, 201, 201, 201, 403, 201, 401),
    ("GET", "/tickets/{number}/events"): TICKET_READ,
    ("GET", "/tickets/{number}/sla"): TICKET_STAFF,
    ("POST", "/tickets/{number}/attachments"):
        row(401, 201, 201, 404, 404, 201, 404, 201, 201, 201, 403, 201, 401),
    ("GET", "/attachments/{attachment_id}"): TICKET_READ,
    ("POST", "/tickets/{number}/links"): TICKET_WORK_201,
    ("GET", "/tickets/{number}/links"): TICKET_READ,
    ("DELETE", "/tickets/{number}/links/{link_id}"): TICKET_WORK_204,
    ("POST", "/tickets/{number}/followers"): TICKET_WORK_204,
    ("DELETE", "/tickets/{number}/followers/{user_id}"): TICKET_WORK_204,
    ("GET", "/statuses"): EVERYONE_READS,
    ("POST", "/statuses"): ADMIN_CREATES,
    ("GET", "/categories"): EVERYONE_READS,
    ("POST", "/categories"): ADMIN_CREATES,
    ("GET", "/tags"): STAFF_READS,
    ("GET", "/custom-fields"): EVERYONE_READS,
    ("POST", "/custom-fields"): ADMIN_CREATES,
    ("GET", "/users/me"): EVERYONE_READS,
    ("GET", "/users"): STAFF_READS,
    ("POST", "/users"): ADMIN_CREATES,
    ("GET", "/users/{user_id}"): STAFF_READS,
    ("PATCH", "/users/{user_id}"):
        row(401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 401),
    ("GET", "/teams"): STAFF_READS,
    ("POST", "/teams"): ADMIN_CREATES,
    ("GET", "/teams/{team_id}"): STAFF_READS,
    # Assignment settings: administrators and the team's own supervisors (sam leads support).
    ("GET", "/teams/{team_id}/assignment"):
        row(401, 404, 404, 404, 404, 403, 403, 403, 200, 200, 403, 200, 401),
    ("PUT", "/teams/{team_id}/assignment"):
        row(401, 404, 404, 404, 404, 403, 403, 403, 200, 200, 403, 200, 401),
    # Presence is for staff, each setting their own.
    ("PUT", "/users/me/availability"):
        row(401, 403, 403, 403, 403, 200, 200, 200, 200, 200, 403, 200, 401),
    ("GET", "/tokens"): EVERYONE_READS,
    ("POST", "/tokens"):
        row(401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 403, 201, 401),
    # Alice's spare token: only she may revoke it (an admin gets 404 too).
    ("DELETE", "/tokens/{token_id}"):
        row(401, 404, 404, 404, 404, 204, 404, 404, 404, 404, 403, 404, 401),
    ("GET", "/organizations"): EVERYONE_READS,
    ("POST", "/organizations"): ADMIN_CREATES,
    ("GET", "/organizations/{organization_id}"): ORG_READ,
    ("GET", "/organizations/{organization_id}/contacts"): ORG_READ,
    ("POST", "/organizations/{organization_id}/contacts"):
        row(401, 403, 403, 403, 403, 403, 403, 403, 403, 204, 403, 403, 401),
    # Notifications are the workspace's: to customers they look absent, as /users does.
    ("GET", "/notifications"): STAFF_READS,
    ("POST", "/notifications/read"):
        row(401, 404, 404, 404, 404, 200, 200, 200, 200, 200, 403, 200, 401),
    ("GET", "/sla/calendars"): SLA_READ,
    ("POST", "/sla/calendars"): ADMIN_CREATES,
    ("GET", "/sla/calendars/{calendar_id}"): SLA_READ,
    ("PUT", "/sla/calendars/{calendar_id}"): ADMIN_WRITES,
    ("DELETE", "/sla/calendars/{calendar_id}"): ADMIN_DELETES,
    ("POST", "/sla/calendars/{calendar_id}/holidays"): ADMIN_CREATES,
    ("POST", "/sla/calendars/{calendar_id}/holidays/import"): ADMIN_WRITES,
    ("DELETE", "/sla/calendars/{calendar_id}/holidays/{holiday_id}"): ADMIN_DELETES,
    ("GET", "/sla/policies"): SLA_READ,
    ("POST", "/sla/policies"): ADMIN_CREATES,
    ("GET", "/sla/policies/{policy_id}"): SLA_READ,
    ("PUT", "/sla/policies/{policy_id}"): ADMIN_WRITES,
    ("DELETE", "/sla/policies/{policy_id}"): ADMIN_DELETES,
    ("GET", "/approvals"): STAFF_READS,
    ("POST", "/approvals/{approval_id}/approve"): DECIDE,
    ("POST", "/approvals/{approval_id}/reject"): DECIDE,
    ("GET", "/approvals/rules"): RULE_READ,
    ("POST", "/approvals/rules"): ADMIN_CREATES,
    ("GET", "/approvals/rules/{approval_rule_id}"): RULE_READ,
    ("PUT", "/approvals/rules/{approval_rule_id}"): ADMIN_WRITES,
    ("DELETE", "/approvals/rules/{approval_rule_id}"): ADMIN_DELETES,
    ("GET", "/routing/rules"): ROUTING_READ,
    ("POST", "/routing/rules"): ADMIN_CREATES,
    ("POST", "/routing/rules/test"): ROUTING_READ,
    ("GET", "/routing/rules/{rule_id}"): ROUTING_READ,
    ("PUT", "/routing/rules/{rule_id}"): ADMIN_WRITES,
    ("DELETE", "/routing/rules/{rule_id}"): ADMIN_DELETES,
    # Agents' routing settings: administrators, and supervisors for their teams' members
    # (alice is in sam's support team).
    ("GET", "/routing/agents"): ROUTING_READ,
    ("PUT", "/routing/agents/{user_id}"): ROUTING_READ,
    # Support escalates to billing: working staff who see the ticket.
    ("POST", "/tickets/{number}/escalate"): TICKET_WORK,
    ("GET", "/triggers"): AUTOMATION_READ,
    ("POST", "/triggers"): AUTOMATION_CREATES,
    ("GET", "/triggers/runs"): AUTOMATION_READ,
    ("POST", "/triggers/test"): AUTOMATION_READ,
    ("GET", "/triggers/{trigger_id}"): AUTOMATION_READ,
    ("PUT", "/triggers/{trigger_id}"): AUTOMATION_WRITES,
    ("DELETE", "/triggers/{trigger_id}"): AUTOMATION_DELETES,
    ("GET", "/time-rules"): AUTOMATION_READ,
    ("POST", "/time-rules"): AUTOMATION_CREATES,
    ("GET", "/time-rules/{time_rule_id}"): AUTOMATION_READ,
    ("PUT", "/time-rules/{time_rule_id}"): AUTOMATION_WRITES,
    ("DELETE", "/time-rules/{time_rule_id}"): AUTOMATION_DELETES,
    ("GET", "/macros"): STAFF_READS,
    ("POST", "/macros"): MACRO_CREATE,
    ("GET", "/macros/{macro_id}"): STAFF_READS,
    ("PUT", "/macros/{macro_id}"): MACRO_CHANGE,
    ("DELETE", "/macros/{macro_id}"): MACRO_DELETE,
    ("POST", "/macros/{macro_id}/preview"): MACRO_PREVIEW,
    ("POST", "/macros/{macro_id}/apply"): MACRO_APPLY,
    ("GET", "/webhooks"): RULE_READ,
    ("POST", "/webhooks"): ADMIN_CREATES,
    ("GET", "/webhooks/{webhook_id}"): RULE_READ,
    ("PUT", "/webhooks/{webhook_id}"): ADMIN_WRITES,
    ("DELETE", "/webhooks/{webhook_id}"): ADMIN_DELETES,
    ("GET", "/webhooks/{webhook_id}/deliveries"): RULE_READ,
    ("POST", "/webhooks/{webhook_id}/test"): WEBHOOK_TEST,
    # Email: your own notification preferences (staff), the outbox and the wording of
    # automatic mail (administrators; reads need no admin scope; customers get a 404).
    ("GET", "/users/me/notification-preferences"): STAFF_READS,
    ("PUT", "/users/me/notification-preferences"):
        row(401, 404, 404, 404, 404, 200, 200, 200, 200, 200, 403, 200, 401),
    ("GET", "/outbox"): RULE_READ,
    ("POST", "/outbox/{outbound_id}/retry"): ADMIN_WRITES,
    ("GET", "/outbox/templates"): RULE_READ,
    ("PUT", "/outbox/templates/{template_key}"): ADMIN_WRITES,
    ("DELETE", "/outbox/templates/{template_key}"): ADMIN_DELETES,
    # The email channel's settings and inbound records: administrators (reads need no admin
    # scope; customers get a 404); raw MIME intake takes an admin token.
    ("GET", "/mail/mailboxes"): RULE_READ,
    ("POST", "/mail/mailboxes"): ADMIN_CREATES,
    ("GET", "/mail/mailboxes/{mailbox_id}"): RULE_READ,
    ("PUT", "/mail/mailboxes/{mailbox_id}"): ADMIN_WRITES,
    ("DELETE", "/mail/mailboxes/{mailbox_id}"): ADMIN_DELETES,
    ("GET", "/mail/inbound"): RULE_READ,
    ("POST", "/mail/inbound"): ADMIN_CREATES,
    ("GET", "/mail/inbound/{inbound_id}"): RULE_READ,
    ("POST", "/mail/inbound/{inbound_id}/retry"): ADMIN_WRITES,
    ("GET", "/tickets/{number}/similar"): TICKET_STAFF,
    ("GET", "/tickets/{number}/answer-suggestions"): TICKET_STAFF,
    ("GET", "/tickets/{number}/sentiment"): TICKET_STAFF,
    ("GET", "/tickets/{number}/predictions"): TICKET_STAFF,
    ("POST", "/ai/predictions/{prediction_id}/accept"): AI_DECIDE,
    ("POST", "/ai/predictions/{prediction_id}/dismiss"): AI_DISMISS,
    ("GET", "/ai/models"): RULE_READ,
    ("POST", "/ai/models/train"): AI_TRAIN,
    ("GET", "/ai/settings"): RULE_READ,
    ("PUT", "/ai/settings/{field}"): ADMIN_WRITES,
    ("GET", "/ai/accuracy"): RULE_READ,
    # Reports (docs/reports.md): supervisors and administrators read every report and
    # export; agents get 403 (the numbers compare colleagues), customers 404.
    ("GET", "/reports/overview"): REPORT_READ,
    ("GET", "/reports/breakdown/{dimension}"): REPORT_READ,
    ("GET", "/reports/agents"): REPORT_READ,
    ("GET", "/reports/sla"): REPORT_READ,
    ("GET", "/reports/forecast"): REPORT_READ,
    ("GET", "/reports/tickets"): REPORT_READ,
    ("GET", "/reports/tickets/incremental"): REPORT_READ,
    ("GET", "/kb/articles"): EVERYONE_READS,
    ("POST", "/kb/articles"): KB_CREATE,
    ("GET", "/kb/articles/{slug}"): STAFF_READS,
    ("POST", "/kb/articles/{slug}/feedback"): KB_FEEDBACK,
    ("GET", "/kb/drafts/{article_id}"): KB_DRAFT,
    ("PUT", "/kb/drafts/{article_id}"): KB_EDIT,
    ("POST", "/kb/drafts/{article_id}/publish"): KB_EDIT,
    ("POST", "/kb/drafts/{article_id}/unpublish"): KB_EDIT,
    ("GET", "/kb/drafts/{article_id}/revisions"): KB_DRAFT,
    ("POST", "/kb/drafts/{article_id}/revisions/{number}/restore"): KB_EDIT,
    ("GET", "/reports/deflection"): SLA_READ,
    # Satisfaction: the report (supervisors, administrators), a ticket's survey (whoever
    # sees the ticket), its rating (the requester) and the per-type switch (administrators).
    ("GET", "/reports/csat"): SLA_READ,
    ("GET", "/tickets/{number}/satisfaction"): TICKET_READ,
    ("PUT", "/tickets/{number}/satisfaction"): CSAT_RATE,
    ("GET", "/csat/settings"): RULE_READ,
    ("PUT", "/csat/settings/{ticket_type}"): ADMIN_WRITES,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
}
# fmt: on

# Routes an admin may call, but not with a token that lacks the admin scope.
ADMIN_ROUTES = frozenset(
    route
    for route, statuses in MATRIX.items()
    if statuses["carol"] < 300 and statuses["noadm"] == 403
)


# --- the world each case runs in --------------------------------------------------------


@dataclass
class World:
    desk: Desk
    ticket: Ticket  # the support ticket the case is about
    other: Ticket  # a second support ticket of the same requester (merge/link target)
    attachment: Attachment  # public, uploaded by the requester
    link: TicketLink  # ticket -> other, kind parent
    spare_token: ApiToken  # alice's
    sla_calendar: BusinessCalendar  # with one holiday, used by sla_policy
    sla_holiday: CalendarHoliday
    sla_policy: SlaPolicy
    approval: ApprovalRequest  # pending on a third ticket of the requester; sam approves


@dataclass(frozen=True)
class Call:
    """How to exercise a route: path parameters, a body, and a preparation step."""

    params: Callable[[World], dict[str, Any]] = lambda w: {}
    body: Callable[[World], Any] = lambda w: None
    prepare: Callable[[World], None] = lambda w: None


def _notify_everyone(w: World) -> None:
    """One unread notification for every user, so marking one's own read changes a row."""
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="system", text="Hello", created_at=w.ticket.created_at)
        for user in User.objects.all()
    )


def _spare_calendar(w: World) -> None:
    """A calendar no policy uses: only those may be deleted."""
    sla_actions.save_calendar(actor=w.desk.carol, name="Spare", time_zone="UTC", weekly={})


def _routing_rule(w: World) -> None:
    from frontdesk.routing.actions import save_routing_rule

    save_routing_rule(actor=w.desk.carol, name="Invoices", condition={}, actions=_TO_BILLING)


_TO_BILLING = [{"type": "set_field", "field": "team", "value": "billing"}]
_ROUTING_RULE = Call(
    prepare=_routing_rule,
    params=lambda w: {"rule_id": RoutingRule.objects.get(name="Invoices").pk},
    body=lambda w: {"name": "Bills", "condition": {}, "actions": _TO_BILLING},
)


def _trigger(w: World) -> None:
    from frontdesk.triggers.actions import save_trigger

    save_trigger(actor=w.desk.carol, name="Escalate", condition=_ON_REPLY, actions=_URGENT)


def _time_rule(w: World) -> None:
    from frontdesk.triggers.actions import save_time_rule

    save_time_rule(actor=w.desk.carol, name="Nudge", condition=_PENDING_DAYS, actions=_NOTE)


_ON_REPLY = {"field": "event.kind", "op": "equals", "value": "customer_replied"}
_URGENT = [{"type": "set_field", "field": "priority", "value": "urgent"}]
_PENDING_DAYS = {"field": "hours_since.status_changed", "op": "gte", "value": 120}
_NOTE = [{"type": "add_note", "text": "Still waiting."}]
_TRIGGER = Call(
    prepare=_trigger,
    params=lambda w: {"trigger_id": Trigger.objects.get(name="Escalate").pk},
    body=lambda w: {"name": "Escalate VIPs", "condition": _ON_REPLY, "actions": _URGENT},
)
_TIME_RULE = Call(
    prepare=_time_rule,
    params=lambda w: {"time_rule_id": TimeRule.objects.get(name="Nudge").pk},
    body=lambda w: {"name": "Nudge more", "condition": _PENDING_DAYS, "actions": _NOTE},
)


def _solve(w: World) -> None:
    actions.update_ticket(
        actor=w.desk.carol,
        origin=Origin(),
        number=w.ticket.number,
        changes={"status": "solved"},
        expected_version=None,
    )


def _macro(w: World) -> None:
    from frontdesk.macros.actions import save_macro

    save_macro(
        actor=w.desk.carol,
        name="Thanks",
        body="Thanks, {{requester.first_name}}!",
        actions=[{"type": "add_tags", "tags": ["thanked"]}],
        visibility="everyone",
    )


def _webhook(w: World) -> None:
    from frontdesk.webhooks.actions import save_webhook

    save_webhook(actor=w.desk.carol, name="CRM", url=_HOOK_URL, event_types=["ticket.created"])


_HOOK_URL = "https://93.184.215.14/hooks"  # a public address: no lookup, never called here
_MACRO = Call(
    prepare=_macro,
    params=lambda w: {"macro_id": Macro.objects.get(name="Thanks").pk},
    body=lambda w: {"name": "Thanks!", "body": "Thank you.", "visibility": "everyone"},
)
_MACRO_ON_TICKET = Call(
    prepare=_macro,
    params=lambda w: {"macro_id": Macro.objects.get(name="Thanks").pk},
    body=lambda w: {"ticket": w.ticket.number},
)
_WEBHOOK = Call(
    prepare=_webhook,
    params=lambda w: {"webhook_id": Webhook.objects.get(name="CRM").pk},
    body=lambda w: {"name": "CRM 2", "url": _HOOK_URL, "event_types": ["ticket.updated"]},
)


def _bounced_email(w: World) -> None:
    """A reply whose email failed for good, for the retry."""
    OutboundEmail.objects.create(
        kind="reply",
        ticket=w.ticket,
        from_header="support@example.com",
        to=[w.ticket.requester.email],
        subject="Bounced",
        body_text="x",
        message_id="<bounced@example.com>",
        state="failed",
        attempts=1,
        last_error="550 5.1.1 No such user",
        created_at=w.ticket.created_at,
        updated_at=w.ticket.created_at,
    )


def _custom_acknowledgment(w: World) -> None:
    from frontdesk.outbox.actions import save_template

    save_template(actor=w.desk.carol, key="acknowledgment", subject="Got it", body="Thanks")


_TEMPLATE_BODY = {"subject": "Got it [#{{ticket.number}}]", "body": "Hello {{requester.name}}"}


def _support_escalates_to_billing(w: World) -> None:
    from frontdesk.routing.actions import configure_team_assignment

    configure_team_assignment(
        actor=w.desk.carol,
        team_id=w.desk.support.pk,
        strategy="manual",
        escalates_to=w.desk.billing.pk,
    )


def _mailbox(w: World) -> None:
    from frontdesk.mail.actions import save_mailbox

    save_mailbox(actor=w.desk.carol, address="help@desk.example", imap_password="secret")


def _quarantined_mail(w: World) -> None:
    from frontdesk.mail.actions import ingest

    ingest(raw=b"Subject: no sender\r\n\r\nhello\r\n", source="imap")


_MAILBOX = Call(
    prepare=_mailbox,
    params=lambda w: {"mailbox_id": Mailbox.objects.get(address="help@desk.example").pk},
    body=lambda w: {"address": "help@desk.example", "display_name": "Help"},
)
_INBOUND = Call(
    prepare=_quarantined_mail,
    params=lambda w: {"inbound_id": InboundMessage.objects.get().pk},
)
_RAW_MAIL = (
    b"From: Pat <pat@example.com>\r\nTo: help@desk.example\r\nSubject: Printer\r\n"
    b"Message-ID: <matrix@example.com>\r\n\r\nIt smokes.\r\n"
)


def _suggestion(w: World) -> None:
    Prediction.objects.create(
        ticket=w.ticket,
        field="type",
        value="incident",
        confidence=0.9,
        mode="suggest",
        created_at=w.ticket.created_at,
    )


_SUGGESTION = Call(
    prepare=_suggestion,
    params=lambda w: {"prediction_id": Prediction.objects.get(ticket=w.ticket).pk},
)


def _kb_section(desk: Desk) -> KbSection:
    category = kb_actions.save_category(actor=desk.carol, name="Printing")
    return kb_actions.save_section(actor=desk.carol, category_id=category.pk, name="Printers")


def _kb_article(
    desk: Desk, section: KbSection, title: str, visibility: str, *, publish: bool
) -> Article:
    data = kb_actions.ArticleInput(
        title=title, body="Printer text.", section_id=section.pk, visibility=visibility
    )
    return kb_actions.save_article(actor=desk.carol, data=data, publish=publish)


def _kb(w: World) -> None:
    """A published internal article and a draft (of a public one)."""
    section = _kb_section(w.desk)
    _kb_article(w.desk, section, "Printer secrets", "internal", publish=True)
    _kb_article(w.desk, section, "Printer recall", "public", publish=False)


def _kb_id(title: str) -> int:
    return Article.objects.get(title=title).pk


def _kb_body(w: World) -> dict[str, Any]:
    section = KbSection.objects.get(name="Printers").pk
    return {"title": "Printer recall (2)", "body": "New text.", "section_id": section}


_KB_INTERNAL = Call(
    prepare=_kb, params=lambda w: {"slug": "printer-secrets"}, body=lambda w: {"helpful": True}
)
_KB_DRAFT = Call(
    prepare=_kb, params=lambda w: {"article_id": _kb_id("Printer recall")}, body=_kb_body
)


CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/kb/articles"): Call(prepare=_kb),
    ("POST", "/kb/articles"): Call(prepare=_kb, body=_kb_body),
    ("GET", "/kb/articles/{slug}"): _KB_INTERNAL,
    ("POST", "/kb/articles/{slug}/feedback"): _KB_INTERNAL,
    ("GET", "/kb/drafts/{article_id}"): _KB_DRAFT,
    ("PUT", "/kb/drafts/{article_id}"): _KB_DRAFT,
    ("POST", "/kb/drafts/{article_id}/publish"): _KB_DRAFT,
    ("POST", "/kb/drafts/{article_id}/unpublish"): Call(
        prepare=_kb, params=lambda w: {"article_id": _kb_id("Printer secrets")}
    ),
    ("GET", "/kb/drafts/{article_id}/revisions"): _KB_DRAFT,
    ("POST", "/kb/drafts/{article_id}/revisions/{number}/restore"): Call(
        prepare=_kb, params=lambda w: {"article_id": _kb_id("Printer recall"), "number": 1}
    ),
    ("GET", "/reports/csat"): Call(prepare=_solve),
    ("GET", "/tickets/{number}/satisfaction"): Call(prepare=_solve),
    ("PUT", "/tickets/{number}/satisfaction"): Call(
        prepare=_solve, body=lambda w: {"rating": "good", "comment": "Quick, thanks."}
    ),
    ("PUT", "/csat/settings/{ticket_type}"): Call(
        params=lambda w: {"ticket_type": "incident"}, body=lambda w: {"enabled": False}
    ),
    ("POST", "/ai/predictions/{prediction_id}/accept"): _SUGGESTION,
    ("POST", "/ai/predictions/{prediction_id}/dismiss"): _SUGGESTION,
    ("PUT", "/ai/settings/{field}"): Call(
        params=lambda w: {"field": "team"}, body=lambda w: {"mode": "shadow", "threshold": 0.8}
    ),
    ("POST", "/mail/mailboxes"): Call(body=lambda w: {"address": "new@desk.example"}),
    ("GET", "/mail/mailboxes/{mailbox_id}"): _MAILBOX,
    ("PUT", "/mail/mailboxes/{mailbox_id}"): _MAILBOX,
    ("DELETE", "/mail/mailboxes/{mailbox_id}"): _MAILBOX,
    ("POST", "/mail/inbound"): Call(body=lambda w: _RAW_MAIL),
    ("GET", "/mail/inbound/{inbound_id}"): _INBOUND,
    ("POST", "/mail/inbound/{inbound_id}/retry"): _INBOUND,
    ("PUT", "/routing/agents/{user_id}"): Call(
        body=lambda w: {"capacity": 7, "skills": ["vpn"], "working_calendar_id": None}
    ),
    ("POST", "/tickets/{number}/escalate"): Call(
        prepare=_support_escalates_to_billing, body=lambda w: {"note": "For billing"}
    ),
    ("PUT", "/users/me/notification-preferences"): Call(
        body=lambda w: {"preferences": [{"kind": "mention", "in_app": False, "email": False}]}
    ),
    ("POST", "/outbox/{outbound_id}/retry"): Call(
        prepare=_bounced_email,
        params=lambda w: {"outbound_id": OutboundEmail.objects.get(subject="Bounced").pk},
    ),
    ("PUT", "/outbox/templates/{template_key}"): Call(body=lambda w: _TEMPLATE_BODY),
    ("DELETE", "/outbox/templates/{template_key}"): Call(prepare=_custom_acknowledgment),
    ("POST", "/macros"): Call(body=lambda w: {"name": "Hi", "body": "Hello!"}),
    ("GET", "/macros/{macro_id}"): _MACRO,
    ("PUT", "/macros/{macro_id}"): _MACRO,
    ("DELETE", "/macros/{macro_id}"): _MACRO,
    ("POST", "/macros/{macro_id}/preview"): _MACRO_ON_TICKET,
    ("POST", "/macros/{macro_id}/apply"): _MACRO_ON_TICKET,
    ("POST", "/webhooks"): Call(
        body=lambda w: {"name": "CRM", "url": _HOOK_URL, "event_types": ["ticket.created"]}
    ),
    ("GET", "/webhooks/{webhook_id}"): _WEBHOOK,
    ("PUT", "/webhooks/{webhook_id}"): _WEBHOOK,
    ("DELETE", "/webhooks/{webhook_id}"): _WEBHOOK,
    ("GET", "/webhooks/{webhook_id}/deliveries"): _WEBHOOK,
    ("POST", "/webhooks/{webhook_id}/test"): _WEBHOOK,
    ("POST", "/routing/rules"): Call(
        body=lambda w: {"name": "Invoices", "condition": {}, "actions": _TO_BILLING}
    ),
    ("POST", "/routing/rules/test"): Call(body=lambda w: {"ticket": {"subject": "Invoice"}}),
    ("GET", "/routing/rules/{rule_id}"): _ROUTING_RULE,
    ("PUT", "/routing/rules/{rule_id}"): _ROUTING_RULE,
    ("DELETE", "/routing/rules/{rule_id}"): _ROUTING_RULE,
    ("POST", "/triggers"): Call(
        body=lambda w: {"name": "Escalate", "condition": _ON_REPLY, "actions": _URGENT}
    ),
    ("POST", "/triggers/test"): Call(
        prepare=_trigger,
        body=lambda w: {"number": w.ticket.number, "event": "customer_replied"},
    ),
    ("GET", "/triggers/runs"): Call(prepare=_trigger),
    ("GET", "/triggers/{trigger_id}"): _TRIGGER,
    ("PUT", "/triggers/{trigger_id}"): _TRIGGER,
    ("DELETE", "/triggers/{trigger_id}"): _TRIGGER,
    ("POST", "/time-rules"): Call(
        body=lambda w: {"name": "Nudge", "condition": _PENDING_DAYS, "actions": _NOTE}
    ),
    ("GET", "/time-rules/{time_rule_id}"): _TIME_RULE,
    ("PUT", "/time-rules/{time_rule_id}"): _TIME_RULE,
    ("DELETE", "/time-rules/{time_rule_id}"): _TIME_RULE,
    ("POST", "/tickets"): Call(body=lambda w: {"subject": "Help", "body": "Please."}),
    ("PATCH", "/tickets/{number}"): Call(
        body=lambda w: {"version": w.ticket.version, "priority": "high"}
    ),
    ("POST", "/tickets/{number}/reopen"): Call(prepare=_solve),
    ("POST", "/tickets/{number}/merge"): Call(body=lambda w: {"into_number": w.other.number}),
    ("POST", "/tickets/{number}/replies"): Call(body=lambda w: {"body": "Any news?"}),
    ("POST", "/tickets/{number}/notes"): Call(body=lambda w: {"body": "Customer is VIP."}),
    ("POST", "/tickets/{number}/attachments"): Call(
        body=lambda w: {
            "file": SimpleUploadedFile("log.txt", b"line 1\n", content_type="text/plain")
        }
    ),
    ("POST", "/tickets/{number}/links"): Call(
        body=lambda w: {"target_number": w.other.number, "kind": "related"}
    ),
    ("POST", "/tickets/{number}/followers"): Call(body=lambda w: {"user_id": w.desk.sam.pk}),
    ("DELETE", "/tickets/{number}/followers/{user_id}"): Call(
        params=lambda w: {"user_id": w.desk.carol.pk}
    ),
    ("POST", "/statuses"): Call(
        body=lambda w: {"name": "Waiting on vendor", "category": "on_hold"}
    ),
    ("POST", "/categories"): Call(body=lambda w: {"name": "Hardware"}),
    ("POST", "/custom-fields"): Call(
        body=lambda w: {"key": "serial", "label": "Serial", "field_type": "text"}
    ),
    ("POST", "/users"): Call(body=lambda w: {"email": "newbie@example.com", "role": "agent"}),
    ("PATCH", "/users/{user_id}"): Call(
        params=lambda w: {"user_id": w.desk.erin.pk}, body=lambda w: {"name": "Erin Renamed"}
    ),
    ("POST", "/teams"): Call(body=lambda w: {"name": "Operations"}),
    ("PUT", "/teams/{team_id}/assignment"): Call(body=lambda w: {"strategy": "round_robin"}),
    ("PUT", "/users/me/availability"): Call(body=lambda w: {"availability": "online"}),
    ("POST", "/tokens"): Call(body=lambda w: {"name": "ci", "scopes": ["read"]}),
    ("POST", "/organizations"): Call(body=lambda w: {"name": "Umbrella"}),
    ("POST", "/organizations/{organization_id}/contacts"): Call(
        body=lambda w: {"user_id": w.desk.erin.pk}
    ),
    ("POST", "/notifications/read"): Call(body=lambda w: {"all": True}, prepare=_notify_everyone),
    ("POST", "/sla/calendars"): Call(
        body=lambda w: {"name": "Night", "time_zone": "UTC", "weekly": {}}
    ),
    ("PUT", "/sla/calendars/{calendar_id}"): Call(
        body=lambda w: {"name": "Office", "time_zone": "UTC", "weekly": {"0": [["08:00", "12:00"]]}}
    ),
    ("DELETE", "/sla/calendars/{calendar_id}"): Call(
        prepare=_spare_calendar,
        params=lambda w: {"calendar_id": BusinessCalendar.objects.get(name="Spare").pk},
    ),
    ("POST", "/sla/calendars/{calendar_id}/holidays"): Call(
        body=lambda w: {"day": "2026-12-24", "name": "Christmas Eve"}
    ),
    ("POST", "/sla/calendars/{calendar_id}/holidays/import"): Call(
        body=lambda w: {"country": "DE", "years": [2026]}
    ),
    ("POST", "/sla/policies"): Call(body=lambda w: _sla_policy_body(w, "VIP")),
    ("PUT", "/sla/policies/{policy_id}"): Call(body=lambda w: _sla_policy_body(w, "Renamed")),
    ("POST", "/approvals/{approval_id}/approve"): Call(body=lambda w: {}),
    ("POST", "/approvals/{approval_id}/reject"): Call(body=lambda w: {"comment": "No budget"}),
    ("POST", "/approvals/rules"): Call(
        body=lambda w: {"name": "Laptops", "approver_kind": "team_lead"}
    ),
    ("PUT", "/approvals/rules/{approval_rule_id}"): Call(
        body=lambda w: {"name": "Renamed", "approver_kind": "user", "approver_id": w.desk.sam.pk}
    ),
}


def _sla_policy_body(w: World, name: str) -> dict[str, Any]:
    target = {"priority": "high", "metric": "first_response", "minutes": 30}
    return {"name": name, "calendar_id": w.sla_calendar.pk, "targets": [target]}


def default_params(w: World) -> dict[str, Any]:
    return {
        "number": w.ticket.number,
        "attachment_id": w.attachment.pk,
        "link_id": w.link.pk,
        "user_id": w.desk.alice.pk,
        "team_id": w.desk.support.pk,
        "token_id": w.spare_token.pk,
        "organization_id": w.desk.acme.pk,
        "calendar_id": w.sla_calendar.pk,
        "holiday_id": w.sla_holiday.pk,
        "policy_id": w.sla_policy.pk,
        "approval_id": w.approval.pk,
        "approval_rule_id": w.approval.rule_id,
        "template_key": "acknowledgment",
        "dimension": "team",
    }


def build_world(desk: Desk, make_ticket: Callable[..., Ticket], requester: User) -> World:
    ticket = make_ticket(requester=requester, team=desk.support)
    other = make_ticket(requester=requester, team=desk.support, subject="Also the scanner")
    origin = Origin()
    attachment = actions.attach_file(
        actor=requester,
        origin=origin,
        number=ticket.number,
        file_name="photo.txt",
        content=io.BytesIO(b"smoke"),
    )
    link = actions.link_tickets(
        actor=desk.carol,
        origin=origin,
        number=ticket.number,
        target_number=other.number,
        kind="parent",
    )
    actions.follow_ticket(
        actor=desk.carol, origin=origin, number=ticket.number, user_id=desk.carol.pk
    )
    spare, _ = create_api_token(actor=desk.alice, user=desk.alice, name="spare", scopes=["read"])
    calendar = sla_actions.save_calendar(
        actor=desk.carol,
        name="Office",
        time_zone="Europe/Berlin",
        weekly={"0": [["09:00", "17:00"]]},
    )
    holiday = sla_actions.add_holiday(
        actor=desk.carol, calendar_id=calendar.pk, day=date(2026, 1, 1), name="New Year"
    )
    policy = sla_actions.save_policy(
        actor=desk.carol,
        name="Standard",
        calendar_id=calendar.pk,
        targets=[{"priority": "normal", "metric": "resolution", "minutes": 480}],
    )
    ticket.refresh_from_db()
    waiting = make_ticket(requester=requester, team=desk.support, subject="A new laptop")
    rule = approval_actions.save_rule(actor=desk.carol, name="Leads", approver_kind="team_lead")
    approval = approval_actions.request_approval(waiting, rule, waiting.created_at)
    return World(desk, ticket, other, attachment, link, spare, calendar, holiday, policy, approval)


def client_for(persona: Persona, desk: Desk) -> Client:
    if persona.user is None:
        return Client()
    user: User = getattr(desk, persona.user)
    client = token_client(user, persona.scopes)
    if persona.deactivated:
        User.objects.filter(pk=user.pk).update(is_active=False)
    return client


def send(client: Client, method: str, path: str, body: Any) -> Any:
    url = "/api/v1" + path
    if isinstance(body, bytes):  # a raw email message
        return client.generic(method, url, body, content_type="message/rfc822")
    if isinstance(body, dict) and "file" in body:
        return client.post(url, body)  # multipart
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def fingerprint() -> dict[str, Any]:
    """Everything a request could change, minus bookkeeping (token last_used_at)."""
    return {
        "tickets": sorted(
            Ticket.objects.values_list(
                "number", "version", "status__slug", "priority", "assignee_id", "merged_into_id"
            )
        ),
        "messages": sorted(Message.objects.values_list("pk", "ticket_id", "kind")),
        "events": TicketEvent.objects.count(),
        "attachments": sorted(Attachment.objects.values_list("pk", "ticket_id", "is_public")),
        "followers": sorted(TicketFollower.objects.values_list("ticket_id", "user_id")),
        "links": sorted(TicketLink.objects.values_list("pk", "source_id", "target_id", "kind")),
        "users": sorted(User.objects.values_list("pk", "name", "role", "is_active")),
        "teams": sorted(Team.objects.values_list("pk", "name")),
        "team_assignments": sorted(
            TeamAssignment.objects.values_list(
                "pk", "strategy", "reassign_offline_after_minutes", "escalates_to_id"
            )
        ),
        "presence": sorted(AgentProfile.objects.values_list("user_id", "availability")),
        "agent_routing": sorted(
            (user_id, capacity, json.dumps(skills), calendar)
            for user_id, capacity, skills, calendar in AgentProfile.objects.values_list(
                "user_id", "capacity", "skills", "working_calendar_id"
            )
        ),
        "organizations": sorted(Organization.objects.values_list("pk", "name")),
        "memberships": sorted(Membership.objects.values_list("organization_id", "user_id")),
        "statuses": Status.objects.count(),
        "categories": Category.objects.count(),
        "custom_fields": CustomFieldDefinition.objects.count(),
        "notifications": sorted(Notification.objects.values_list("pk", "read_at")),
        "sla_calendars": sorted(
            (pk, name, json.dumps(weekly))
            for pk, name, weekly in BusinessCalendar.objects.values_list("pk", "name", "weekly")
        ),
        "sla_holidays": sorted(CalendarHoliday.objects.values_list("pk", "day", "name")),
        "sla_policies": sorted(SlaPolicy.objects.values_list("pk", "name")),
        "sla_targets": SlaTarget.objects.count(),
        "routing_rules": sorted(RoutingRule.objects.values_list("pk", "name", "position")),
        "triggers": sorted(Trigger.objects.values_list("pk", "name", "position", "is_active")),
        "time_rules": sorted(TimeRule.objects.values_list("pk", "name", "position", "is_active")),
        "trigger_runs": TriggerRun.objects.count(),
        "approval_rules": sorted(
            ApprovalRule.objects.values_list("pk", "name", "approver_kind", "approver_id")
        ),
        "approvals": sorted(ApprovalRequest.objects.values_list("pk", "state")),
        "outbox": sorted(OutboundEmail.objects.values_list("pk", "state", "attempts")),
        "notification_preferences": sorted(
            NotificationPreference.objects.values_list("user_id", "kind", "in_app", "email")
        ),
        "email_templates": sorted(EmailTemplate.objects.values_list("key", "subject", "body")),
        "macros": sorted(Macro.objects.values_list("pk", "name", "usage_count")),
        "webhooks": sorted(Webhook.objects.values_list("pk", "name", "url", "event_types")),
        "webhook_deliveries": WebhookDelivery.objects.count(),
        "mailboxes": sorted(Mailbox.objects.values_list("pk", "address", "display_name")),
        "inbound_mail": sorted(InboundMessage.objects.values_list("pk", "state", "attempts")),
        "ai_models": TriageModel.objects.count(),
        "ai_settings": sorted(FieldSetting.objects.values_list("field", "mode", "threshold")),
        "ai_predictions": sorted(Prediction.objects.values_list("pk", "outcome")),
        "kb_categories": sorted(KbCategory.objects.values_list("pk", "name")),
        "kb_sections": sorted(KbSection.objects.values_list("pk", "name")),
        "kb_articles": sorted(
            Article.objects.values_list(
                "pk",
                "slug",
                "state",
                "visibility",
                "title",
                "body",
                "published_title",
                "view_count",
                "helpful_count",
                "unhelpful_count",
            )
        ),
        "kb_revisions": sorted(ArticleRevision.objects.values_list("pk", "article_id", "number")),
        "kb_feedback": sorted(ArticleFeedback.objects.values_list("pk", "helpful", "comment")),
        "kb_files": ArticleFile.objects.count(),
        "kb_deflections": Deflection.objects.count(),
        "csat_settings": sorted(CsatSetting.objects.values_list("ticket_type", "enabled")),
        "csat_surveys": sorted(
            Survey.objects.values_list("pk", "rating", "comment", "first_rated_at")
        ),
        "tokens": sorted(
            (pk, revoked is None)
            for pk, revoked in ApiToken.objects.values_list("pk", "revoked_at")
        ),
    }


# --- the tests --------------------------------------------------------------------------


def api_routes() -> set[tuple[str, str]]:
    """(method, path template) of every operation the API serves, plus its docs."""
    routes = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = "/" + "/".join(p for p in (prefix.strip("/"), path.strip("/")) if p)
            for operation in view.operations:
                routes.update((method, full) for method in operation.methods)
    routes.add(("GET", str(api.openapi_url)))
    routes.add(("GET", "/" + str(api.docs_url).strip("/")))
    return routes


def test_every_route_is_in_the_matrix():
    served = api_routes()
    assert served - set(MATRIX) == set(), "routes without a row in MATRIX"
    assert set(MATRIX) - served == set(), "MATRIX rows for routes the API does not serve"
    assert set(CALLS) <= set(MATRIX)


def test_every_served_url_pattern_is_covered():
    """The URL patterns Django resolves are the routes above (nothing mounted around them)."""
    patterns = {str(u.pattern).replace("<", "{").replace(">", "}") for u in api._get_urls()}
    patterns.discard("")  # the API root
    assert {"/" + p.rstrip("/") for p in patterns} == {path for _, path in MATRIX}


CASES = [
    pytest.param(route, persona, id=f"{route[0]} {route[1]} | {persona.id}")
    for route in MATRIX
    for persona in PERSONAS
]


@pytest.mark.parametrize(("route", "persona"), CASES)
def test_authorisation(route, persona, desk, make_ticket, settings, tmp_path):
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    method, template = route
    settings.MAIL_RAW_DIR = tmp_path / "mail"
    world = build_world(desk, make_ticket, getattr(desk, persona.ticket_of))
    call = CALLS.get(route, Call())
    call.prepare(world)
    world.ticket.refresh_from_db()
    path = template.format(**{**default_params(world), **call.params(world)})
    client = client_for(persona, desk)
    before = fingerprint()

    response = send(client, method, path, call.body(world))

    expected = MATRIX[route][persona.key]
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    assert response.status_code == expected, (method, path, persona.id, body[:500])
    after = fingerprint()
    if response.status_code >= 400:
        error = json.loads(body)
        assert set(error) == {"code", "message", "details"}, error
        if response.status_code == 401:
            assert error["code"] == "unauthenticated"
        if persona.key == "ro" and method != "GET":
            assert error["code"] == "insufficient_scope"
        if persona.key == "noadm" and route in ADMIN_ROUTES:
            assert error["code"] == "insufficient_scope"
        assert after == before, "a denied request changed the database"
    elif method == "GET" or route in READ_ONLY_POSTS:
        assert after == before, "a read changed the database"
    else:
        assert after != before, "an allowed write changed nothing"


VISIBILITY_CASES = [
    pytest.param(p, id=p.id) for p in PERSONAS if p.user is not None and not p.deactivated
]


@pytest.mark.parametrize("persona", VISIBILITY_CASES)
def test_ticket_list_shows_exactly_the_visible_tickets(persona, desk, make_ticket):
    """The list agrees with the detail: a ticket is listed iff GET /tickets/{n} is a 200."""
    ticket = make_ticket(requester=getattr(desk, persona.ticket_of), team=desk.support)
    client = client_for(persona, desk)
    listed = {t["number"] for t in client.get("/api/v1/tickets").json()["items"]}
    visible = MATRIX[("GET", "/tickets/{number}")][persona.key] == 200
    assert (ticket.number in listed) == visible


def test_admin_only_routes_are_the_documented_ones():
    assert {
        ("POST", "/users"),
        ("PATCH", "/users/{user_id}"),
        ("POST", "/teams"),
        ("POST", "/organizations"),
        ("POST", "/organizations/{organization_id}/contacts"),
        ("POST", "/statuses"),
        ("POST", "/categories"),
        ("POST", "/custom-fields"),
        ("POST", "/sla/calendars"),
        ("PUT", "/sla/calendars/{calendar_id}"),
        ("DELETE", "/sla/calendars/{calendar_id}"),
        ("POST", "/sla/calendars/{calendar_id}/holidays"),
        ("POST", "/sla/calendars/{calendar_id}/holidays/import"),
        ("DELETE", "/sla/calendars/{calendar_id}/holidays/{holiday_id}"),
        ("POST", "/sla/policies"),
        ("PUT", "/sla/policies/{policy_id}"),
        ("DELETE", "/sla/policies/{policy_id}"),
        ("POST", "/approvals/rules"),
        ("PUT", "/approvals/rules/{approval_rule_id}"),
        ("DELETE", "/approvals/rules/{approval_rule_id}"),
        ("POST", "/routing/rules"),
        ("PUT", "/routing/rules/{rule_id}"),
        ("DELETE", "/routing/rules/{rule_id}"),
        ("POST", "/triggers"),
        ("PUT", "/triggers/{trigger_id}"),
        ("DELETE", "/triggers/{trigger_id}"),
        ("POST", "/time-rules"),
        ("PUT", "/time-rules/{time_rule_id}"),
        ("DELETE", "/time-rules/{time_rule_id}"),
        ("POST", "/webhooks"),
        ("PUT", "/webhooks/{webhook_id}"),
        ("DELETE", "/webhooks/{webhook_id}"),
        ("POST", "/webhooks/{webhook_id}/test"),
        ("PUT", "/csat/settings/{ticket_type}"),
        ("POST", "/outbox/{outbound_id}/retry"),
        ("POST", "/mail/mailboxes"),
        ("PUT", "/mail/mailboxes/{mailbox_id}"),
        ("DELETE", "/mail/mailboxes/{mailbox_id}"),
        ("POST", "/mail/inbound"),
        ("POST", "/mail/inbound/{inbound_id}/retry"),
        ("PUT", "/outbox/templates/{template_key}"),
        ("DELETE", "/outbox/templates/{template_key}"),
        ("POST", "/ai/models/train"),
        ("PUT", "/ai/settings/{field}"),
    } == ADMIN_ROUTES


# --- visibility paths the matrix does not cover ----------------------------------------


def test_followers_see_tickets_outside_their_reach(desk, make_ticket, as_user):
    """A CC'd customer and a following agent of another team both see the ticket."""
    ticket = make_ticket(requester=desk.bob, team=desk.support)
    for user in (desk.erin, desk.dave):
        assert as_user(user).get(f"/api/v1/tickets/{ticket.number}").status_code == 404
        actions.follow_ticket(
            actor=desk.alice, origin=Origin(), number=ticket.number, user_id=user.pk
        )
        assert as_user(user).get(f"/api/v1/tickets/{ticket.number}").status_code == 200


def test_staff_see_unassigned_team_queue_and_their_own_assignments(desk, make_ticket, as_user):
    triage = make_ticket(requester=desk.erin)
    Ticket.objects.filter(pk=triage.pk).update(team=None)  # the untriaged queue
    billing = make_ticket(requester=desk.erin, team=desk.billing)
    for user in (desk.alice, desk.dave, desk.lena, desk.sam):
        assert as_user(user).get(f"/api/v1/tickets/{triage.number}").status_code == 200
    assert as_user(desk.alice).get(f"/api/v1/tickets/{billing.number}").status_code == 404
    Ticket.objects.filter(pk=billing.pk).update(assignee=desk.alice)
    assert as_user(desk.alice).get(f"/api/v1/tickets/{billing.number}").status_code == 200


def test_a_customer_of_a_nonsharing_org_sees_only_their_own(desk, make_ticket, as_user):
    own = make_ticket(requester=desk.gus)
    colleague = make_ticket(requester=desk.gil)
    numbers = {t["number"] for t in as_user(desk.gus).get("/api/v1/tickets").json()["items"]}
    assert own.number in numbers
    assert colleague.number not in numbers


@pytest.mark.parametrize("persona", VISIBILITY_CASES)
def test_kb_articles_exist_only_for_their_readers(persona, desk):
    """Listing, searching, reading and rating agree: customers read the public and
    customers-only published articles, staff every published one; drafts and unpublished
    articles exist for nobody here (editors use /kb/drafts)."""
    section = _kb_section(desk)
    made = {
        name: _kb_article(desk, section, f"Printer {name}", visibility, publish=publish)
        for name, visibility, publish in (
            ("public", "public", True),
            ("customers", "customers", True),
            ("internal", "internal", True),
            ("draft", "public", False),
            ("withdrawn", "public", True),
        )
    }
    kb_actions.unpublish_article(actor=desk.carol, article_id=made["withdrawn"].pk)
    staff = getattr(desk, persona.user).is_staff
    readable = {"public", "customers"} | ({"internal"} if staff else set())
    client = client_for(persona, desk)
    listed = {a["slug"] for a in client.get("/api/v1/kb/articles").json()}
    searched = {a["slug"] for a in client.get("/api/v1/kb/articles?q=printer").json()}
    assert listed == searched == {made[name].slug for name in readable}
    for name, article in made.items():
        status = client.get(f"/api/v1/kb/articles/{article.slug}").status_code
        assert status == (200 if name in readable else 404), name
        rated = send(client, "POST", f"/kb/articles/{article.slug}/feedback", {"helpful": True})
        if "write" not in persona.scopes:
            assert rated.status_code == 403, name
        else:
            assert rated.status_code == (204 if name in readable else 404), name
    assert ArticleFeedback.objects.filter(article__state="draft").count() == 0


def test_a_deactivated_users_session_is_refused(desk, make_ticket):
    ticket = make_ticket()
    client = Client()
    client.force_login(desk.bob)
    assert client.get(f"/api/v1/tickets/{ticket.number}").status_code == 200
    User.objects.filter(pk=desk.bob.pk).update(is_active=False)
    response = client.get(f"/api/v1/tickets/{ticket.number}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_session_write_needs_the_csrf_token(desk, make_ticket):
    ticket = make_ticket()
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.alice)
    count = Message.objects.count()
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/notes",
        json.dumps({"body": "x"}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert Message.objects.count() == count


def test_a_revoked_or_unknown_token_is_401(desk):
    token, secret = create_api_token(actor=desk.alice, user=desk.alice, name="t", scopes=["read"])
    actions_client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert actions_client.get("/api/v1/users/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.created_at)
    assert actions_client.get("/api/v1/users/me").status_code == 401
    bogus = Client(headers={"Authorization": "Bearer fd_not-a-token"})
    assert bogus.get("/api/v1/users/me").status_code == 401
