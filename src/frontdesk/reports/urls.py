"""Report pages, mounted at /desk/reports/ (`reports:*`)."""

from django.urls import path

from frontdesk.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, {"page": "overview"}, name="overview"),
    path("schedules/", views.schedules_page, name="schedules"),
    path("schedules/<int:schedule_id>/delete/", views.delete_schedule, name="delete_schedule"),
    path("<slug:page>/", views.report_page, name="page"),
    path("<slug:page>.<str:fmt>", views.report_export, name="export"),
]
