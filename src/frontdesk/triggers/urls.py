"""Trigger and time rule pages, mounted at /desk/admin/ (`triggers:*`)."""

from django.urls import path

from frontdesk.triggers import views

app_name = "triggers"

TRIGGERS, TIME_RULES = {"time": False}, {"time": True}

urlpatterns = [
    path("triggers/", views.rule_list, TRIGGERS, name="triggers"),
    path("triggers/new/", views.rule_page, TRIGGERS, name="new_trigger"),
    path("triggers/<int:rule_id>/", views.rule_page, TRIGGERS, name="trigger"),
    path("triggers/<int:rule_id>/delete/", views.delete_rule, TRIGGERS, name="delete_trigger"),
    path(
        "triggers/<int:rule_id>/move/<str:direction>/",
        views.move_rule,
        TRIGGERS,
        name="move_trigger",
    ),
    path("time-rules/", views.rule_list, TIME_RULES, name="time_rules"),
    path("time-rules/new/", views.rule_page, TIME_RULES, name="new_time_rule"),
    path("time-rules/<int:rule_id>/", views.rule_page, TIME_RULES, name="time_rule"),
    path(
        "time-rules/<int:rule_id>/delete/",
        views.delete_rule,
        TIME_RULES,
        name="delete_time_rule",
    ),
    path(
        "time-rules/<int:rule_id>/move/<str:direction>/",
        views.move_rule,
        TIME_RULES,
        name="move_time_rule",
    ),
]
