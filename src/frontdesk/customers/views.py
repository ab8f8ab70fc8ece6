"""Customers and organisations pages of the agent workspace. Their tickets are read
through the ticket gate, so an agent sees only the tickets they may see."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.customers.models import Organization
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.views._common import desk_context

PAGE_SIZE = 50
MAX_SUGGESTIONS = 8
MIN_SUGGEST_CHARS = 2
TICKETS_SHOWN = 25


@staff_view
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    customers = User.objects.filter(role=Role.CUSTOMER)
    if query:
        customers = customers.filter(Q(name__icontains=query) | Q(email__icontains=query))
    page = keyset_page(customers, order="email", cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    context = desk_context(request_user(request), "customers", page=page, query=query)
    return render_page(request, "customers/list.html", context)


@staff_view
def customer_suggestions(request: HttpRequest) -> HttpResponse:
    """<option>s of customers whose address or name starts with `requester_email`, for the
    new-ticket form's lookup (a new address simply creates a contact)."""
    prefix = request.GET.get("requester_email", "").strip()[:100]
    customers = User.objects.none()
    if len(prefix) >= MIN_SUGGEST_CHARS:
        customers = User.objects.filter(role=Role.CUSTOMER, is_active=True).filter(
            Q(email__istartswith=prefix) | Q(name__istartswith=prefix)
        )
    options = customers.order_by("email")[:MAX_SUGGESTIONS]
    return render(request, "customers/_suggestions.html", {"customers": options})


@staff_view
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    customer = get_object_or_404(User, pk=pk, role=Role.CUSTOMER)
    tickets = visible_to(user).filter(requester=customer).with_list_relations()
    context = desk_context(
        user,
        "customers",
        customer=customer,
        organizations=list(customer.organizations.order_by("name")),
        tickets=list(tickets.order_by("-updated_at", "-pk")[:TICKETS_SHOWN]),
    )
    return render_page(request, "customers/detail.html", context)


@staff_view
def organization_list(request: HttpRequest) -> HttpResponse:
    page = keyset_page(
        Organization.objects.all(), order="name", cursor=request.GET.get("cursor"), limit=PAGE_SIZE
    )
    context = desk_context(request_user(request), "organizations", page=page)
    return render_page(request, "customers/organizations.html", context)


@staff_view
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    organization = get_object_or_404(Organization, pk=pk)
    tickets = visible_to(user).filter(organization=organization).with_list_relations()
    context = desk_context(
        user,
        "organizations",
        organization=organization,
        contacts=list(organization.members.order_by("name", "pk")[:PAGE_SIZE]),
        tickets=list(tickets.order_by("-updated_at", "-pk")[:TICKETS_SHOWN]),
    )
    return render_page(request, "customers/organization.html", context)
