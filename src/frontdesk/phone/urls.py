from django.urls import path

from frontdesk.phone import views

app_name = "phone"

urlpatterns = [
    path("calls/new/", views.log_call, name="log"),
    path("calls/caller/", views.caller, name="caller"),
]
