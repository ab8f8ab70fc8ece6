"""Routing: who gets a ticket. `assignment.py` is the pure engine; models and locking wrap it."""
