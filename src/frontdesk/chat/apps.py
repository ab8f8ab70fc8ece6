from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "frontdesk.chat"
    label = "chat"
