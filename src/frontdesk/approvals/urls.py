"""Approval pages, mounted at the site root (`approvals:*`): the workspace's under /desk/,
the emailed decision link under /approvals/ (no sign-in: the token is the credential)."""

from django.urls import path

from frontdesk.approvals import views

app_name = "approvals"

urlpatterns = [
    path("desk/approvals/", views.awaiting_page, name="list"),
    path("desk/approvals/<int:approval_id>/decide/", views.decide_page, name="decide_in_desk"),
    path("approvals/decide/<str:token>/", views.link_page, name="decide"),
]
