from django.db import models


class Rating(models.TextChoices):
    GOOD = "good", "Good"
    BAD = "bad", "Bad"


class SkipReason(models.TextChoices):
    NO_ADDRESS = "no_address", "No usable address"
    AUTOMATIC = "automatic", "Last mail from the requester was automatic"
    BOUNCED = "bounced", "Mail to the address failed permanently"
