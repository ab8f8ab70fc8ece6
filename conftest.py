"""Shared personas: a small help desk every test can use.

Teams: support (alice, agent; sam, supervisor; lena, light agent) and billing (dave).
Organisations: acme (shares tickets; bob and bea) and globex (no sharing; gil and gus),
initech (erin). Admin: carol. Tickets are made with `make_ticket`.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from frontdesk.accounts.actions import create_api_token, create_team, create_user
from frontdesk.accounts.models import Team, User
from frontdesk.customers.actions import add_contact, create_organization
from frontdesk.customers.models import Organization
from frontdesk.tickets.actions import create_ticket
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket


@dataclass
class Desk:
    carol: User  # admin
    sam: User  # supervisor of support
    alice: User  # agent, support
    dave: User  # agent, billing
    lena: User  # light agent, support
    bob: User  # customer, acme (shares)
    bea: User  # customer, acme (shares)
    gil: User  # customer, globex (does not share)
    gus: User  # customer, globex (does not share)
    erin: User  # customer, initech
    support: Team
    billing: Team
    acme: Organization
    globex: Organization
    initech: Organization


@pytest.fixture
def migration_rows(transactional_db: Any) -> None:
    """For transactional tests: put back the rows the migrations create (default statuses,
    the ticket counter), which the flush after an earlier transactional test removed.
    Cheaper and order-proof compared with serialized_rollback."""
    migration = importlib.import_module("frontdesk.tickets.migrations.0002_default_statuses")
    migration.create_defaults(django_apps, None)


@pytest.fixture
def desk(db: Any) -> Desk:
    people = {
        "carol": "admin",
        "sam": "supervisor",
        "alice": "agent",
        "dave": "agent",
        "lena": "light_agent",
        "bob": "customer",
        "bea": "customer",
        "gil": "customer",
        "gus": "customer",
        "erin": "customer",
    }
    users = {
        name: create_user(
            actor=None,
            email=f"{name}@example.com",
            name=name.title(),
            role=role,
            password="pw-" + name,
        )
        for name, role in people.items()
    }
    support = create_team(
        actor=None,
        name="Support",
        member_ids=[users["sam"].pk, users["alice"].pk, users["lena"].pk],
    )
    billing = create_team(actor=None, name="Billing", member_ids=[users["dave"].pk])
    acme = create_organization(actor=None, name="Acme", shares_tickets=True)
    globex = create_organization(actor=None, name="Globex")
    initech = create_organization(actor=None, name="Initech")
    for org, names in ((acme, ["bob", "bea"]), (globex, ["gil", "gus"]), (initech, ["erin"])):
        for name in names:
            add_contact(actor=None, organization_id=org.pk, user_id=users[name].pk, is_primary=True)
    return Desk(
        **users, support=support, billing=billing, acme=acme, globex=globex, initech=initech
    )


@pytest.fixture
def make_ticket(desk: Desk) -> Callable[..., Ticket]:
    def make(requester: User | None = None, team: Team | None = None, **fields: Any) -> Ticket:
        requester = requester or desk.bob
        return create_ticket(
            actor=desk.carol,
            origin=Origin(),
            subject=fields.pop("subject", "Printer on fire"),
            body=fields.pop("body", "It smokes."),
            requester_email=requester.email,
            team_id=(team or desk.support).pk,
            **fields,
        )

    return make


def token_client(user: User, scopes: tuple[str, ...] = ("read", "write")) -> Client:
    if "admin" in scopes and user.role != "admin":
        scopes = tuple(s for s in scopes if s != "admin")
    _, secret = create_api_token(actor=user, user=user, name="test", scopes=list(scopes))
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def as_user() -> Callable[..., Client]:
    """A client authenticated as `user` with an API token (read+write, admin for admins)."""

    def client_for(user: User, scopes: tuple[str, ...] = ("read", "write", "admin")) -> Client:
        return token_client(user, scopes)

    return client_for


@pytest.fixture(autouse=True)
def _fresh_sla_policies() -> Any:
    """Policies are cached per process; a test's rolled-back policies must not leak into
    the next test."""
    from frontdesk.sla.policies import forget_policies

    forget_policies()
    yield
    forget_policies()


@pytest.fixture(autouse=True)
def _fresh_routing_rules() -> Any:
    """Routing rules are cached per process too (`routing/rulebook.py`)."""
    from frontdesk.routing.rulebook import forget_rules

    forget_rules()
    yield
    forget_rules()


@pytest.fixture(autouse=True)
def _fresh_triggers() -> Any:
    """Triggers are cached per process too (`triggers/rulebook.py`)."""
    from frontdesk.triggers.rulebook import forget_triggers

    forget_triggers()
    yield
    forget_triggers()


@pytest.fixture(autouse=True)
def _fresh_webhooks() -> Any:
    """Webhook subscriptions are cached per process too (`webhooks/subscriptions.py`)."""
    from frontdesk.webhooks.subscriptions import forget_webhooks

    forget_webhooks()
    yield
    forget_webhooks()
