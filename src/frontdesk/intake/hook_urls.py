"""The generic inbound webhook, mounted at /hooks/intake/ (token-authenticated, no CSRF)."""

from django.urls import path

from frontdesk.intake import hook

urlpatterns = [path("", hook.receive, name="intake-receive")]
