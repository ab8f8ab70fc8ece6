"""Workspace pages of the offline AI, mounted under /desk/ (`ai:*`)."""

from django.urls import path

from frontdesk.ai import views

app_name = "ai"

urlpatterns = [
    path("admin/ai/", views.admin_page, name="admin"),
    path("admin/ai/train/", views.train_now, name="train"),
    path("admin/ai/settings/<str:field>/", views.save_setting, name="setting"),
    path("ai/tickets/<int:number>/panel/", views.ticket_panel, name="panel"),
    path("ai/predictions/<int:prediction_id>/accept/", views.accept, name="accept"),
    path("ai/predictions/<int:prediction_id>/dismiss/", views.dismiss, name="dismiss"),
]
