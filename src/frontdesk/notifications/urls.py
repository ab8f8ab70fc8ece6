"""Notifications in the agent workspace, mounted at /desk/ (`notifications:*`)."""

from django.urls import path

from frontdesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notifications_page, name="list"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/read/", views.read_all, name="read_all"),
    path("notifications/<int:notification_id>/open/", views.open_notification, name="open"),
]
