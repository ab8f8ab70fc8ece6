from frontdesk.ai.sentiment import score


def test_an_angry_message_about_a_failed_payment_is_negative_and_urgent():
    angry = score("This is UNACCEPTABLE! The payment failed AGAIN and nobody helps. Fix it now!!!")
    calm = score("Thanks a lot, the new invoice looks great.")
    assert angry.compound < -0.5
    assert angry.label == "negative"
    assert angry.urgency > 0.5
    assert calm.compound > 0.3
    assert calm.label == "positive"
    assert calm.urgency < angry.urgency


def test_empty_text_is_neutral():
    assert score("   ").compound == 0.0
    assert score("").urgency == 0.0


def test_a_routing_rule_on_sentiment_raises_an_angry_payment_ticket(desk):
    from frontdesk.ai.choices import Mode
    from frontdesk.ai.tests.conftest import set_all
    from frontdesk.routing.actions import save_routing_rule
    from frontdesk.tickets.actions import create_ticket
    from frontdesk.tickets.events import Origin

    set_all(Mode.OFF)
    save_routing_rule(
        actor=desk.carol,
        name="Angry about payments",
        condition={
            "all": [
                {"field": "body", "op": "contains", "value": "payment"},
                {"field": "sentiment", "op": "lte", "value": -0.5},
            ]
        },
        actions=[{"type": "set_field", "field": "priority", "value": "high"}],
    )
    angry = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Payment",
        body="This is UNACCEPTABLE! The payment failed AGAIN and nobody helps!!!",
    )
    calm = create_ticket(
        actor=desk.bob,
        origin=Origin(),
        subject="Payment",
        body="Thanks, the payment went through fine, great service.",
    )
    assert angry.priority == 3
    assert calm.priority == 2
