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
