"""Survey pages (`csat:*`), mounted at the site root."""

from django.urls import path

from frontdesk.csat import views

app_name = "csat"

urlpatterns = [
    path("csat/<str:token>/", views.link, name="link"),
    path("portal/satisfaction/<int:number>/", views.portal_rate, name="portal_rate"),
]
