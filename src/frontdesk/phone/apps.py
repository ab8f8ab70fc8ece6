from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "frontdesk.phone"
    label = "phone"
