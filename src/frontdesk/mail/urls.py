"""Email admin pages, mounted at /desk/admin/mail/ (`mail:*`)."""

from django.urls import path

from frontdesk.mail import views

app_name = "mail"

urlpatterns = [
    path("", views.mailbox_list, name="mailboxes"),
    path("mailboxes/new/", views.mailbox_page, name="new_mailbox"),
    path("mailboxes/<int:mailbox_id>/", views.mailbox_page, name="mailbox"),
    path("mailboxes/<int:mailbox_id>/delete/", views.delete_mailbox, name="delete_mailbox"),
    path("mailboxes/<int:mailbox_id>/test/<slug:kind>/", views.test_mailbox, name="test"),
    path("inbound/", views.inbound_list, name="inbound"),
    path("inbound/<int:inbound_id>/", views.inbound_page, name="record"),
    path("inbound/<int:inbound_id>/retry/", views.retry, name="retry"),
    path("inbound/<int:inbound_id>/raw/", views.raw_download, name="raw"),
]
