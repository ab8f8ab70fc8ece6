"""SLA settings pages, mounted at /desk/admin/sla/ (`sla:*`)."""

from django.urls import path

from frontdesk.sla import views

app_name = "sla"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("calendars/new/", views.calendar_page, name="new_calendar"),
    path("calendars/<int:calendar_id>/", views.calendar_page, name="calendar"),
    path("calendars/<int:calendar_id>/delete/", views.delete_calendar, name="delete_calendar"),
    path("calendars/<int:calendar_id>/holidays/", views.add_holiday, name="add_holiday"),
    path(
        "calendars/<int:calendar_id>/holidays/import/",
        views.import_holidays,
        name="import_holidays",
    ),
    path(
        "calendars/<int:calendar_id>/holidays/<int:holiday_id>/delete/",
        views.remove_holiday,
        name="remove_holiday",
    ),
    path("policies/new/", views.policy_page, name="new_policy"),
    path("policies/<int:policy_id>/", views.policy_page, name="policy"),
    path("policies/<int:policy_id>/delete/", views.delete_policy, name="delete_policy"),
]
