from django.db import models


class Visibility(models.TextChoices):
    """Who may read a published article (`kb.access.readable_articles`)."""

    PUBLIC = "public", "Everyone"
    CUSTOMERS = "customers", "Signed-in customers"
    INTERNAL = "internal", "Agents only"


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"  # never published
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"  # was published, taken down
