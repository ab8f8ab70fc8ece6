"""Routing rule pages, mounted at /desk/admin/routing/ (`routing:*`)."""

from django.urls import path

from frontdesk.routing import views

app_name = "routing"

urlpatterns = [
    path("", views.rule_list, name="rules"),
    path("rules/new/", views.rule_page, name="new_rule"),
    path("rules/<int:rule_id>/", views.rule_page, name="rule"),
    path("rules/<int:rule_id>/delete/", views.delete_rule, name="delete_rule"),
    path("rules/<int:rule_id>/move/<str:direction>/", views.move_rule, name="move_rule"),
]
