"""Email pages, mounted at /desk/ (`outbox:*`)."""

from django.urls import path

from frontdesk.outbox import views

app_name = "outbox"

urlpatterns = [
    path("settings/notifications/", views.preferences_page, name="preferences"),
    path("admin/outbox/", views.outbox_page, name="list"),
    path("admin/outbox/<int:email_id>/retry/", views.retry, name="retry"),
    path("admin/outbox/templates/", views.templates_page, name="templates"),
    path("admin/outbox/templates/<slug:key>/", views.template_page, name="template"),
]
