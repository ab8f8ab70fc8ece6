from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "frontdesk.routing"
    label = "routing"
