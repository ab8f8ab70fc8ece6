"""Macro pages and the composer's picker, mounted at /desk/ (`macros:*`)."""

from django.urls import path

from frontdesk.macros import views

app_name = "macros"

urlpatterns = [
    path("macros/", views.macro_list, name="list"),
    path("macros/new/", views.macro_page, name="new"),
    path("macros/pick/", views.picker_options, name="pick"),
    path("macros/preview/", views.picker_preview, name="preview"),
    path("macros/<int:macro_id>/", views.macro_page, name="macro"),
    path("macros/<int:macro_id>/delete/", views.delete_macro, name="delete"),
]
