from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frontdesk.accounts"
    label = "accounts"
