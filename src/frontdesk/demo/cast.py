"""The demo's people and vocabularies, created through the actions like an admin would."""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from frontdesk.accounts.actions import create_team, create_user
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.customers.actions import add_contact, create_organization
from frontdesk.customers.models import Organization
from frontdesk.demo.content import (
    CATEGORIES,
    COMPANIES,
    CUSTOMER_KEY,
    CUSTOMER_NAME,
    DEMO_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    PRODUCTS,
    STAFF,
    TEAMS,
    WAITING_ON_VENDOR,
    Company,
)
from frontdesk.tickets.actions.catalog import create_category, create_custom_field, create_status
from frontdesk.tickets.choices import FieldType, StatusCategory


@dataclass
class Cast:
    staff: dict[str, User]
    teams: dict[str, Team]
    customer: User
    contacts: list[User] = field(default_factory=list)
    organization_of: dict[int, Organization] = field(default_factory=dict)  # by user pk

    @property
    def supervisor(self) -> User:
        return self.staff["supervisor"]

    @property
    def admin(self) -> User:
        return self.staff["admin"]

    def members(self, team_key: str, *, assignable: bool = False) -> list[User]:
        """Staff of a team; `assignable` leaves out light agents, who only write notes."""
        return [
            self.staff[member.key]
            for member in STAFF
            if team_key in member.teams and not (assignable and member.role == Role.LIGHT_AGENT)
        ]


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def create_cast(rng: random.Random, password: str) -> Cast:
    staff = {
        member.key: create_user(
            actor=None, email=demo_email(member.key), name=member.name, role=member.role
        )
        for member in STAFF
    }
    teams = {
        key: create_team(
            actor=None,
            name=name,
            member_ids=[staff[m.key].pk for m in STAFF if key in m.teams],
        )
        for key, name in TEAMS.items()
    }
    customer = create_user(actor=None, email=demo_email(CUSTOMER_KEY), name=CUSTOMER_NAME)
    cast = Cast(staff=staff, teams=teams, customer=customer)
    _create_customers(cast, rng)
    share_password([*staff.values(), customer], password)
    create_catalog()
    return cast


def share_password(users: list[User], password: str) -> None:
    """Give every demo login the same password, hashed once.

    Hashing is deliberately slow (about a second per user with PBKDF2), and this password
    is published in the README anyway, so one hash serves every demo login.
    """
    hashed = make_password(password)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)


def _create_customers(cast: Cast, rng: random.Random) -> None:
    names = rng.sample(
        [(first, last) for first in FIRST_NAMES for last in LAST_NAMES],
        sum(company.contacts for company in COMPANIES) - 1,
    )
    for index, company in enumerate(COMPANIES):
        organization = create_organization(
            actor=None,
            name=company.name,
            email_domains=[company.domain],
            tier=company.tier,
            shares_tickets=company.shares_tickets,
        )
        # The demo customer works at the first company, which shares tickets.
        people = [cast.customer] if index == 0 else []
        people += [_contact(company, names.pop()) for _ in range(company.contacts - len(people))]
        for person in people:
            add_contact(
                actor=None, organization_id=organization.pk, user_id=person.pk, is_primary=True
            )
            cast.organization_of[person.pk] = organization
        cast.contacts.extend(people)


def _contact(company: Company, name: tuple[str, str]) -> User:
    first, last = name
    email = f"{first}.{last}@{company.domain}".lower()
    return create_user(actor=None, email=email, name=f"{first} {last}")


def create_catalog() -> None:
    for name in CATEGORIES:
        create_category(actor=None, name=name)
    create_status(actor=None, name=WAITING_ON_VENDOR, category=StatusCategory.ON_HOLD, position=31)
    create_custom_field(
        actor=None, key="product", label="Product", field_type=FieldType.CHOICE, choices=PRODUCTS
    )
    create_custom_field(
        actor=None, key="order_number", label="Order number", field_type=FieldType.TEXT
    )
    create_custom_field(
        actor=None, key="affected_users", label="Affected users", field_type=FieldType.NUMBER
    )
