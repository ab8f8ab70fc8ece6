"""The routing rule pages: they list the rules in order, save through the actions with
errors inline, move rules, test a rule without saving it, are read-only for supervisors and
closed to everyone else, and need CSRF."""

import json
from typing import Any

import pytest
from django.test import Client

from frontdesk.routing.actions import save_routing_rule
from frontdesk.routing.models import RoutingRule

PAGES = "/desk/admin/routing"
TO_BILLING = [{"type": "set_field", "field": "team", "value": "billing"}]


def signed_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def rules(desk: Any) -> list[RoutingRule]:
    return [
        save_routing_rule(
            actor=desk.carol,
            name=name,
            condition={"field": "subject", "op": "contains", "value": word},
            actions=TO_BILLING,
        )
        for name, word in (("Invoices", "invoice"), ("Refunds", "refund"))
    ]


def rule_post(**changes: str) -> dict[str, str]:
    data = {
        "name": "Outages",
        "is_active": "on",
        "condition": '{"field": "subject", "op": "contains", "value": "down"}',
        "actions": '[{"type": "set_field", "field": "priority", "value": "urgent"}]',
    }
    return data | changes


def sample_post(**changes: str) -> dict[str, str]:
    data = {
        "sample-subject": "The site is down",
        "sample-body": "",
        "sample-channel": "email",
        "sample-priority": "normal",
        "sample-type": "question",
        "sample-requester_email": "someone@example.com",
    }
    return data | {f"sample-{k}": v for k, v in changes.items()}


def test_the_list_shows_the_rules_in_order_with_a_nav_link(desk, rules):
    page = signed_in(desk.carol).get(f"{PAGES}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Invoices") < text.index("Refunds")
    assert "team → billing" in text
    assert f'href="{PAGES}/"' in text  # the header's link


def test_an_admin_creates_a_rule(desk):
    response = signed_in(desk.carol).post(f"{PAGES}/rules/new/", rule_post())

    rule = RoutingRule.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGES}/rules/{rule.pk}/"
    assert rule.condition == {"field": "subject", "op": "contains", "value": "down"}
    assert rule.actions == [{"type": "set_field", "field": "priority", "value": "urgent"}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("condition", "{not json", "This is not valid JSON"),
        ("condition", "[1]", "A condition is a JSON object"),
        ("condition", '{"field": "subjekt", "op": "equals", "value": "x"}', "unknown field"),
        ("actions", '[{"type": "webhook", "webhook_id": 1}]', "is for triggers"),
        ("actions", "{}", "Actions are a JSON list"),
    ],
)
def test_mistakes_are_shown_next_to_their_field(desk, field, value, message):
    response = signed_in(desk.carol).post(f"{PAGES}/rules/new/", rule_post(**{field: value}))

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert RoutingRule.objects.count() == 0


def test_a_duplicate_name_is_shown_on_the_name(desk, rules):
    response = signed_in(desk.carol).post(f"{PAGES}/rules/new/", rule_post(name="Invoices"))

    assert response.status_code == 422
    assert "exists" in response.context["form"].errors["name"][0]


def test_editing_keeps_the_position(desk, rules):
    first = rules[0]

    response = signed_in(desk.carol).post(f"{PAGES}/rules/{first.pk}/", rule_post(name="Bills"))

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.position) == ("Bills", 0)


def test_moving_a_rule_down(desk, rules):
    response = signed_in(desk.carol).post(f"{PAGES}/rules/{rules[0].pk}/move/down/")

    assert response.status_code == 302
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Refunds", "Invoices"]


def test_deleting_a_rule(desk, rules):
    response = signed_in(desk.carol).post(f"{PAGES}/rules/{rules[0].pk}/delete/")

    assert response.status_code == 302
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Refunds"]


def test_testing_a_rule_does_not_save_it(desk):
    response = signed_in(desk.carol).post(
        f"{PAGES}/rules/new/", rule_post() | sample_post() | {"_test": "1"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Rule “Outages” routed it: priority urgent" in text
    assert "subject contains &quot;down&quot;: yes" in text
    assert RoutingRule.objects.count() == 0


def test_the_test_box_answers_htmx_with_the_result_only(desk):
    response = signed_in(desk.carol).post(
        f"{PAGES}/rules/new/",
        rule_post() | sample_post(subject="All good") | {"_test": "1"},
        headers={"HX-Request": "true"},
    )

    text = response.content.decode()
    assert text.lstrip().startswith('<div id="test-result"')
    assert "No rule would fire." in text


def test_an_invalid_draft_is_explained_in_the_test_result(desk):
    response = signed_in(desk.carol).post(
        f"{PAGES}/rules/new/",
        rule_post(actions='[{"type": "add_note", "text": "x"}]') | sample_post() | {"_test": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "is for triggers" in response.content.decode()


def test_the_list_tests_the_active_rules(desk, rules):
    response = signed_in(desk.sam).post(
        f"{PAGES}/", sample_post(subject="Refund please") | {"_test": "1"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Rule “Refunds” routed it: team billing" in text
    assert "1 rule did not fire" in text


def test_supervisors_read_and_test_but_do_not_change(desk, rules):
    sam = signed_in(desk.sam)
    page = sam.get(f"{PAGES}/rules/{rules[0].pk}/")

    assert page.status_code == 200
    assert page.context["form"].fields["name"].disabled
    assert "Save rule" not in page.content.decode()
    assert sam.post(f"{PAGES}/rules/{rules[0].pk}/", rule_post()).status_code == 403
    assert sam.post(f"{PAGES}/rules/{rules[0].pk}/move/down/").status_code == 403
    assert sam.post(f"{PAGES}/rules/{rules[0].pk}/delete/").status_code == 403
    assert sam.get(f"{PAGES}/rules/new/").status_code == 200
    tested = sam.post(
        f"{PAGES}/rules/{rules[0].pk}/",
        rule_post(condition="{}") | sample_post(subject="Invoice 1") | {"_test": "1"},
    )
    assert tested.status_code == 200
    assert "Rule “Invoices” routed it" in tested.content.decode()  # the saved rule, not the post
    assert [r.name for r in RoutingRule.objects.all()] == ["Invoices", "Refunds"]


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("lena", 403), ("bob", 404)])
def test_everyone_else_is_kept_out(desk, rules, who, status):
    client = signed_in(getattr(desk, who))

    assert client.get(f"{PAGES}/").status_code == status
    assert client.get(f"{PAGES}/rules/{rules[0].pk}/").status_code == status
    assert client.post(f"{PAGES}/", sample_post() | {"_test": "1"}).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(f"{PAGES}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_posts_need_the_csrf_token(desk):
    response = signed_in(desk.carol, csrf=True).post(f"{PAGES}/rules/new/", rule_post())

    assert response.status_code == 403
    assert RoutingRule.objects.count() == 0


def test_the_form_shows_the_stored_json_readably(desk, rules):
    page = signed_in(desk.carol).get(f"{PAGES}/rules/{rules[0].pk}/")

    initial = page.context["form"].initial
    assert json.loads(initial["condition"]) == rules[0].condition
    assert "\n" in initial["actions"]
