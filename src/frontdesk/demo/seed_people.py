"""Who the seeded tickets belong to: teams with agents, organisations with contacts.

Bulk-written like the tickets (see `seed`), and reused on later runs: existing teams and
their agents are taken as they are, and the contact pool is only topped up.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import AgentProfile, Team, User
from frontdesk.customers.models import Membership, Organization, Tier
from frontdesk.demo.content import FIRST_NAMES, LAST_NAMES
from frontdesk.demo.seed_text import (
    ORG_INDUSTRIES,
    ORG_PREFIXES,
    TAGS,
)
from frontdesk.tickets.actions.resolve import ASSIGNABLE_ROLES
from frontdesk.tickets.choices import StatusCategory
from frontdesk.tickets.models import Category, Status, Tag

ORGANIZATIONS = 200
CONTACTS = 2000
AGENTS_PER_TEAM = 5
DEFAULT_TEAMS = ("Support", "Billing", "IT")
SEED_DOMAIN = "seed.frontdesk.test"
TIERS = (Tier.STANDARD, Tier.STANDARD, Tier.PREMIUM, Tier.ENTERPRISE)


@dataclass(frozen=True)
class Agent:
    id: int
    name: str


@dataclass(frozen=True)
class Squad:
    team_id: int
    agents: tuple[Agent, ...]


@dataclass(frozen=True)
class Requester:
    id: int
    organization_id: int
    first_name: str


@dataclass(frozen=True)
class Pool:
    requesters: list[Requester]
    squads: list[Squad]
    statuses: dict[str, int]  # the default status of each category
    categories: list[int]
    tags: list[int]


def ensure_pool() -> Pool:
    return Pool(
        requesters=ensure_requesters(),
        squads=ensure_squads(),
        statuses=default_statuses(),
        categories=list(Category.objects.order_by("pk").values_list("pk", flat=True)),
        tags=ensure_tags(),
    )


def default_statuses() -> dict[str, int]:
    statuses: dict[str, int] = {}
    for status in Status.objects.order_by("-is_default", "position", "pk"):
        statuses.setdefault(status.category, status.pk)
    missing = set(StatusCategory.values) - set(statuses)
    if missing:
        raise RuntimeError(f"No status for {sorted(missing)}: run `frontdesk migrate` first.")
    return statuses


def ensure_squads() -> list[Squad]:
    if not Team.objects.exists():
        Team.objects.bulk_create(
            [Team(name=name, slug=slugify(name)) for name in DEFAULT_TEAMS], ignore_conflicts=True
        )
    squads = []
    for team in Team.objects.order_by("pk"):
        agents = list(
            team.members.filter(is_active=True, role__in=ASSIGNABLE_ROLES).order_by("pk")
        ) or _create_agents(team)
        squads.append(Squad(team.pk, tuple(Agent(a.pk, a.name or a.email) for a in agents)))
    return squads


def _create_agents(team: Team) -> list[User]:
    emails = [f"agent{n}.{team.slug}@{SEED_DOMAIN}" for n in range(1, AGENTS_PER_TEAM + 1)]
    names = [
        f"{FIRST_NAMES[(team.pk * 7 + n) % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
        for n in range(1, AGENTS_PER_TEAM + 1)
    ]
    User.objects.bulk_create(
        [
            User(email=email, name=name, role=Role.AGENT, password=make_password(None))
            for email, name in zip(emails, names, strict=True)
        ],
        ignore_conflicts=True,
    )
    agents = list(User.objects.filter(email__in=emails).order_by("pk"))
    AgentProfile.objects.bulk_create(
        [AgentProfile(user=agent) for agent in agents], ignore_conflicts=True
    )
    team.members.add(*agents)
    return agents


def organization_name(index: int) -> str:
    prefix = ORG_PREFIXES[index % len(ORG_PREFIXES)]
    industry = ORG_INDUSTRIES[index // len(ORG_PREFIXES) % len(ORG_INDUSTRIES)]
    return f"{prefix} {industry}"


def ensure_requesters() -> list[Requester]:
    """CONTACTS customers spread evenly over ORGANIZATIONS organisations."""
    names = [organization_name(i) for i in range(ORGANIZATIONS)]
    domains = [f"{slugify(name)}.example" for name in names]
    Organization.objects.bulk_create(
        [
            Organization(
                name=name,
                email_domains=[domain],
                tier=TIERS[i % len(TIERS)],
                shares_tickets=i % 3 == 0,
            )
            for i, (name, domain) in enumerate(zip(names, domains, strict=True))
        ],
        ignore_conflicts=True,
    )
    org_ids = dict(Organization.objects.filter(name__in=names).values_list("name", "pk"))
    contacts = [_contact(i, domains[i % ORGANIZATIONS]) for i in range(CONTACTS)]
    User.objects.bulk_create(contacts, ignore_conflicts=True)
    user_ids = dict(
        User.objects.filter(email__in=[c.email for c in contacts]).values_list("email", "pk")
    )
    requesters = [
        Requester(user_ids[c.email], org_ids[names[i % ORGANIZATIONS]], c.name.split()[0])
        for i, c in enumerate(contacts)
    ]
    Membership.objects.bulk_create(
        [
            Membership(organization_id=r.organization_id, user_id=r.id, is_primary=True)
            for r in requesters
        ],
        ignore_conflicts=True,
    )
    return requesters


def _contact(index: int, domain: str) -> User:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[index // len(FIRST_NAMES) % len(LAST_NAMES)]
    return User(
        email=f"{first}.{last}.{index}@{domain}".lower(),
        name=f"{first} {last}",
        role=Role.CUSTOMER,
        password=make_password(None),  # contacts write in by email; no sign-in
    )


def ensure_tags() -> list[int]:
    Tag.objects.bulk_create([Tag(name=name) for name in TAGS], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=TAGS).order_by("pk").values_list("pk", flat=True))
