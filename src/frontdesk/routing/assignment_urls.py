"""The assignment settings page and the availability control (`assignment:*`), mounted at
/desk/."""

from django.urls import path

from frontdesk.routing import assignment_views

app_name = "assignment"

urlpatterns = [
    path("admin/assignment/", assignment_views.settings_page, name="settings"),
    path("admin/assignment/teams/<int:team_id>/", assignment_views.save_team, name="team"),
    path("admin/assignment/agents/<int:user_id>/", assignment_views.save_agent, name="agent"),
    path("availability/", assignment_views.set_availability, name="availability"),
]
