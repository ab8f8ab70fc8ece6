from django.db import models


class AssignmentStrategy(models.TextChoices):
    """How a team's new tickets find an agent; the engine's `Strategy`, as stored."""

    MANUAL = "manual", "Manual"
    ROUND_ROBIN = "round_robin", "Round robin"
    LOAD_BALANCED = "load_balanced", "Load balanced"
    SKILLS = "skills", "Skills"
