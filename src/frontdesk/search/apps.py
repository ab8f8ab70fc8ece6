from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "frontdesk.search"
    label = "search"
