"""Routing rules, triggers and automations: one pure condition/action engine.

`conditions` holds the facts a rule may look at and the JSON rule language admins write;
`actions` turns a rule's actions into a plan of field changes and side effects without
performing anything; `rules` runs an ordered rule set against one event, with a loop guard.
Nothing in this package imports Django or reads the clock: callers build the facts from a
ticket, pass `now`, and carry out the plan through the ticket actions.
"""
