from django.urls import path

from frontdesk.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/", views.my_requests, name="requests"),
    path("tickets/new/", views.submit, name="submit"),
    path("tickets/<int:number>/", views.ticket, name="ticket"),
    path("tickets/<int:number>/solve", views.solve, name="solve"),
    path("tickets/<int:number>/reopen", views.reopen, name="reopen"),
    path("tickets/<int:number>/cc", views.cc, name="cc"),
    path("attachments/<uuid:attachment_id>", views.attachment, name="attachment"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("brand/<slug:slug>/logo", views.brand_logo, name="brand_logo"),
]
