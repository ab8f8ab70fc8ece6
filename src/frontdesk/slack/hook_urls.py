"""The Slack Events API endpoint, mounted at /hooks/slack/ (signed requests, no CSRF)."""

from django.urls import path

from frontdesk.slack import views

urlpatterns = [path("events", views.events, name="slack-events")]
