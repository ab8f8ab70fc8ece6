from django.urls import path

from frontdesk.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/new/", views.submit, name="submit"),
    path("brand/<slug:slug>/logo", views.brand_logo, name="brand_logo"),
]
