"""The demo's routing: rules that send new tickets to Billing and IT, each team's strategy,
the support tiers, presence, and an approval rule for service requests.

Created after the tickets are played back: the stories choose their tickets' teams and
assignees themselves (a rule moving a customer's ticket to another team would hide it
from the agent whose story it is), and a request waiting for approval would stall them.
Live use of the demo then shows the rules, round robin, load balancing, "Escalate" and
approvals at work.
"""

from datetime import datetime

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.approvals.actions import save_rule
from frontdesk.routing.actions import (
    configure_team_assignment,
    save_routing_rule,
    set_availability,
)


def _to(team: str) -> list[dict[str, object]]:
    return [{"type": "set_field", "field": "team", "value": team}]


def create_demo_rules(admin: User, *, now: datetime) -> None:
    save_routing_rule(
        actor=admin,
        name="Invoices and refunds to Billing",
        condition={
            "field": "subject",
            "op": "includes_any",
            "value": ["invoice", "refund", "billing", "payment"],
        },
        actions=_to("billing"),
        now=now,
    )
    save_routing_rule(
        actor=admin,
        name="VPN, laptops and passwords to IT",
        condition={
            "field": "subject",
            "op": "includes_any",
            "value": ["vpn", "laptop", "password", "wi-fi", "printer"],
        },
        actions=_to("it"),
        now=now,
    )


def create_demo_assignment(admin: User, teams: dict[str, Team], *, now: datetime) -> None:
    """Round robin for Support, load balanced for IT and Billing; Support escalates to IT;
    every agent online; service requests wait for their team's supervisor."""
    configure_team_assignment(
        actor=admin,
        team_id=teams["support"].pk,
        strategy="round_robin",
        escalates_to=teams["it"].pk,
        now=now,
    )
    configure_team_assignment(
        actor=admin, team_id=teams["it"].pk, strategy="load_balanced", now=now
    )
    configure_team_assignment(
        actor=admin, team_id=teams["billing"].pk, strategy="load_balanced", now=now
    )
    for agent in User.objects.filter(role__in=[Role.AGENT, Role.SUPERVISOR], is_active=True):
        set_availability(actor=agent, availability="online", now=now)
    save_rule(
        actor=admin,
        name="Service requests need a team lead",
        approver_kind="team_lead",
        now=now,
    )
