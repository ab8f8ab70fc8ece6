"""SLA: business calendars, SLA clocks and their deadlines (`engine.py` is the pure core)."""
