from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PERSONAL = "personal", _("Only me")
    TEAM = "team", _("A team")
    EVERYONE = "everyone", _("Everyone")


class PostAs(models.TextChoices):
    """What applying a macro through the API does with its text."""

    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    NONE = "none", _("Nothing (return the text)")
