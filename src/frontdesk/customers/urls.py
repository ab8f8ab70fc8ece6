"""Customers and organisations in the agent workspace, mounted at /desk/ (`customers:*`)."""

from django.urls import path

from frontdesk.customers import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/<int:pk>/", views.customer_detail, name="detail"),
    path("customers/suggest/", views.customer_suggestions, name="suggest"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
]
