"""The assignment settings page (/desk/admin/assignment/, `assignment:*`) and the header's
availability control.

Administrators edit every team and agent, supervisors the teams they belong to and those
teams' members; each row is its own small form that calls the same action as the API
(`configure_team_assignment`, `configure_agent_profile`). Agents get 403, customers 404.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.models import AgentProfile, Team, User
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.web import is_htmx, render_page, request_user, staff_view
from frontdesk.routing import actions, queries
from frontdesk.routing.access import require_agent_lead
from frontdesk.routing.forms import AgentSettingsForm, AvailabilityForm, TeamSettingsForm
from frontdesk.sla.models import BusinessCalendar
from frontdesk.tickets.views._common import desk_context

ACTIVE_VIEW = "assignment-settings"  # no sidebar entry is current on this page


@staff_view
def settings_page(request: HttpRequest) -> HttpResponse:
    return _render(request, request_user(request))


def _render(
    request: HttpRequest,
    user: User,
    *,
    bound: TeamSettingsForm | AgentSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    teams = queries.led_teams(user)
    all_teams = list(Team.objects.order_by("name", "pk"))
    calendars = list(BusinessCalendar.objects.order_by("name", "pk").values_list("pk", "name"))
    team_forms = [
        bound
        if isinstance(bound, TeamSettingsForm) and bound.team.pk == team.pk
        else TeamSettingsForm(
            initial=TeamSettingsForm.initial_for(team.assignment_row),  # type: ignore[attr-defined]
            team=team,
            teams=all_teams,
        )
        for team in teams
    ]
    agent_forms = [
        bound
        if isinstance(bound, AgentSettingsForm) and bound.profile.user_id == profile.user_id
        else AgentSettingsForm(
            initial=AgentSettingsForm.initial_for(profile), profile=profile, calendars=calendars
        )
        for profile in queries.led_agents(user)
    ]
    context = desk_context(user, ACTIVE_VIEW, team_forms=team_forms, agent_forms=agent_forms)
    return render_page(request, "routing/admin/assignment.html", context, status=status)


@require_POST
@staff_view
def save_team(request: HttpRequest, team_id: int) -> HttpResponse:
    user = request_user(request)
    team = next((t for t in queries.led_teams(user) if t.pk == team_id), None)
    if team is None:
        queries.team_assignment(user, team_id)  # 404 or 403, as the API says
        raise NotFound("No such team.")
    form = TeamSettingsForm(request.POST, team=team, teams=list(Team.objects.order_by("name")))
    if form.is_valid():
        try:
            actions.configure_team_assignment(actor=user, team_id=team.pk, **form.cleaned_data)
        except DomainError as exc:
            form.put_error(exc)
        else:
            messages.success(request, _("Saved the settings of %(team)s.") % {"team": team.name})
            return redirect(reverse("assignment:settings") + f"#team-{team.pk}")
    return _render(request, user, bound=form, status=422)


@require_POST
@staff_view
def save_agent(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request_user(request)
    profile = next((p for p in queries.led_agents(user) if p.user_id == user_id), None)
    if profile is None:
        agent = User.objects.filter(pk=user_id, is_active=True).first()
        if agent is not None and agent.is_staff:
            require_agent_lead(user, agent)  # someone outside the caller's teams: 403
        raise NotFound("No such agent.")
    calendars = list(BusinessCalendar.objects.order_by("name", "pk").values_list("pk", "name"))
    form = AgentSettingsForm(request.POST, profile=profile, calendars=calendars)
    if form.is_valid():
        try:
            actions.configure_agent_profile(actor=user, user_id=user_id, **form.values())
        except DomainError as exc:
            form.put_error(exc)
        else:
            name = profile.user.name or profile.user.email
            messages.success(request, _("Saved the settings of %(agent)s.") % {"agent": name})
            return redirect(reverse("assignment:settings") + f"#agent-{user_id}")
    return _render(request, user, bound=form, status=422)


# --- the header's availability control ----------------------------------------------------


@require_POST
@staff_view
def set_availability(request: HttpRequest) -> HttpResponse:
    """Set your own presence from the header: an HTMX post that swaps only the control."""
    user = request_user(request)
    form = AvailabilityForm(request.POST)
    status = 200
    if form.is_valid():
        profile = actions.set_availability(
            actor=user, availability=form.cleaned_data["availability"]
        )
    else:
        profile = AgentProfile.objects.filter(user=user).first() or AgentProfile(user=user)
        status = 422
    if is_htmx(request):
        context = {"availability": profile.availability, "saved": status == 200}
        return render_page(
            request, "routing/_presence.html", context, fragment="control", status=status
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("tickets:home")
    return redirect(back)


def presence_context(user: Any) -> dict[str, Any]:
    """For the header tag: the user's availability (offline when never set)."""
    profile = AgentProfile.objects.filter(user=user).only("availability").first()
    return {"availability": profile.availability if profile else "offline", "saved": False}
