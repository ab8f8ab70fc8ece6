"""The administrators' webhook pages, mounted at /desk/admin/webhooks/ (`webhooks:*`)."""

from django.urls import path

from frontdesk.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("new/", views.webhook_page, name="new"),
    path("<int:webhook_id>/", views.webhook_page, name="webhook"),
    path("<int:webhook_id>/switch/", views.switch_webhook, name="switch"),
    path("<int:webhook_id>/rotate/", views.rotate_secret, name="rotate"),
    path("<int:webhook_id>/test/", views.test_webhook, name="test"),
    path("<int:webhook_id>/delete/", views.delete_webhook, name="delete"),
]
