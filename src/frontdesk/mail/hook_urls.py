"""Provider webhooks, mounted at /hooks/mail/ (no session, no CSRF: each checks its own
signature). Mailgun posts raw MIME only to a URL ending in `mime`."""

from django.urls import path

from frontdesk.mail import webhook

urlpatterns = [
    path("mailgun/mime", webhook.mailgun_inbound, name="mail-mailgun-inbound"),
]
