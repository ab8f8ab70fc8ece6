"""Alert webhooks, mounted at /hooks/alerts/ (token-authenticated, no CSRF)."""

from django.urls import path

from frontdesk.alerts import hook

urlpatterns = [
    path("alertmanager", hook.alertmanager, name="alerts-alertmanager"),
    path("generic", hook.generic, name="alerts-generic"),
]
