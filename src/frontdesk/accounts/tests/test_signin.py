"""Web sign-in for the agent workspace (django-allauth): password, password reset, sign-out,
TOTP two-factor authentication and the admin two-factor requirement.

Every flow goes through the real views and forms; TOTP codes are computed from the secret
the activation page shows, with allauth's own HOTP function.
"""

import re
import time
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings  # type: ignore[import-untyped, unused-ignore]
from allauth.mfa.models import Authenticator  # type: ignore[import-untyped, unused-ignore]
from allauth.mfa.totp.internal.auth import (  # type: ignore[import-untyped, unused-ignore]
    format_hotp_value,
    hotp_value,
)
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from frontdesk.accounts.models import User

DESK = "/desk/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """allauth keeps rate-limit counters and used TOTP codes in the cache: start clean."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, user: User, password: str | None = None, **extra: str) -> Any:
    password = password or password_of(user)
    data = {"login": user.email, "password": password, **extra}
    return client.post(reverse("account_login"), data)


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def totp_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now (codes live TOTP_PERIOD seconds, and allauth
    accepts only the current one: wait out the last two seconds of a period)."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2.5)
    counter = int(time.time()) // period
    value = (hotp_value(secret, counter) + offset) % 10**mfa_settings.TOTP_DIGITS
    return str(format_hotp_value(value))


def password_of(user: User) -> str:
    return "pw-" + user.email.split("@")[0]  # the `desk` personas' passwords


def activate_totp(client: Client, user: User) -> str:
    """Set up an authenticator app for the signed-in `user`; returns the secret.

    allauth asks for the password again first (MFA_REAUTHENTICATION_REQUIRED), even just
    after signing in."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        reauth = client.get(page["Location"])
        assert reauth.status_code == 200
        assert '<label for="id_password">' in reauth.content.decode()
        assert 'class="auth-card"' in reauth.content.decode()
        back = client.post(page["Location"], {"password": password_of(user)})
        assert back.status_code == 302
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret: str = page.context["form"].secret
    assert secret in page.content.decode()  # shown to type into the app by hand
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()  # the QR code
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "12345"})
    assert wrong.status_code == 200
    assert 'aria-describedby="id_code_error"' in wrong.content.decode()
    assert 'id="id_code_error"' in wrong.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    return secret


# --- the sign-in page ------------------------------------------------------------------


def test_sign_in_page_renders_labelled_email_and_password_fields(db: Any) -> None:
    response = Client().get(reverse("account_login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input type="email" name="login"[^>]* id="id_login"', html)
    assert re.search(r'<input type="password" name="password"[^>]* id="id_password"', html)
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert 'name="remember"' in html  # ACCOUNT_SESSION_REMEMBER = None: the user chooses
    assert 'class="auth-card"' in html  # our layout, not allauth's plain one
    assert reverse("account_reset_password") in html
    assert reverse("account_signup") in html  # customers may sign up (docs/portal.md)
    assert reverse("account_request_login_code") in html  # a sign-in code by email


def test_sign_in_page_has_a_strict_csp_and_no_inline_script_or_style(db: Any) -> None:
    response = Client().get(reverse("account_login"))

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    # No executable inline script; JSON data blocks (json_script) are not executed.
    assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', html)
    assert " style=" not in html
    assert "<style" not in html


def test_wrong_password_shows_an_error_and_does_not_sign_in(desk: Any) -> None:
    client = Client()

    response = sign_in(client, desk.alice, "not-her-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "not correct" in html
    assert 'id="login-errors" role="alert"' in html
    assert 'aria-describedby="login-errors"' in html
    assert signed_in_user_id(client) is None


def test_field_errors_are_tied_to_their_input(desk: Any) -> None:
    response = Client().post(reverse("account_login"), {"login": "not-an-address", "password": ""})

    html = response.content.decode()
    assert re.search(r'<input type="email"[^>]*aria-invalid="true"', html)
    assert 'aria-describedby="id_login_error"' in html
    assert 'id="id_login_error"' in html
    assert 'id="id_password_error"' in html


def test_correct_password_signs_in_redirects_to_the_desk_and_rotates_the_session(
    desk: Any,
) -> None:
    client = Client()
    session_before = client.session.session_key  # an anonymous session already exists

    response = sign_in(client, desk.alice)

    assert response.status_code == 302
    assert response["Location"] == DESK
    assert signed_in_user_id(client) == desk.alice.pk
    assert client.session.session_key != session_before  # login() cycled the key


def test_sign_in_is_case_insensitive_on_the_email(desk: Any) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "Alice@Example.COM", "password": "pw-alice"}
    )

    assert response.status_code == 302
    assert signed_in_user_id(client) == desk.alice.pk


def test_deactivated_user_cannot_sign_in(desk: Any) -> None:
    desk.alice.is_active = False
    desk.alice.save()
    client = Client()

    response = sign_in(client, desk.alice)

    assert signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "deactivated" in client.get(response["Location"]).content.decode()


def test_repeated_failures_are_rate_limited(desk: Any) -> None:
    client = Client()
    statuses = [sign_in(client, desk.alice, "wrong").status_code for _ in range(6)]

    response = sign_in(client, desk.alice)  # even the right password, for now

    assert statuses == [200] * 6
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_sign_up_is_closed_when_the_portal_turns_it_off(db: Any, settings: Any) -> None:
    settings.FRONTDESK_PORTAL_SIGNUP = False
    client = Client()

    page = client.get(reverse("account_signup"))
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )

    assert page.status_code == 200
    assert "Sign-up is closed" in page.content.decode()
    assert "Sign-up is closed" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert signed_in_user_id(client) is None


# --- password reset --------------------------------------------------------------------


def test_password_reset_mails_one_link_that_sets_a_new_password(desk: Any) -> None:
    client = Client()
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200
    assert '<label for="id_email">' in page.content.decode()

    response = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    done = client.get(response["Location"])
    assert "Check your email" in done.content.decode()

    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body)
    )
    assert link is not None
    form_page = client.get(link.group(1), follow=True)  # allauth hides the key behind a redirect
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert '<label for="id_password1">' in html
    assert '<label for="id_password2">' in html
    changed = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert changed.status_code == 302
    assert changed["Location"] == reverse("account_reset_password_from_key_done")
    assert "Password changed" in client.get(changed["Location"]).content.decode()

    assert sign_in(Client(), desk.alice, "a-brand-new-passphrase")["Location"] == DESK
    used_again = client.get(link.group(1), follow=True)
    assert "Link expired" in used_again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(
    desk: Any,
) -> None:
    client = Client()

    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []


# --- sign-out --------------------------------------------------------------------------


def test_sign_out_needs_a_post(desk: Any) -> None:
    client = Client()
    sign_in(client, desk.alice)

    confirm = client.get(reverse("account_logout"))

    assert confirm.status_code == 200
    assert "Are you sure you want to sign out?" in confirm.content.decode()
    assert signed_in_user_id(client) == desk.alice.pk  # a GET (a link, a prefetch) keeps you in

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert signed_in_user_id(client) is None


# --- two-factor authentication (TOTP) --------------------------------------------------


def test_totp_activation_then_sign_in_needs_the_code(desk: Any) -> None:
    client = Client()
    sign_in(client, desk.alice)

    secret = activate_totp(client, desk.alice)

    assert Authenticator.objects.filter(user=desk.alice, type=Authenticator.Type.TOTP).exists()
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert codes.content.decode().count("<li><code>") == mfa_settings.RECOVERY_CODE_COUNT
    client.post(reverse("account_logout"))

    # The password alone no longer signs in: it leads to the code prompt.
    client = Client()
    response = sign_in(client, desk.alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    prompt = client.get(reverse("mfa_authenticate"))
    assert prompt.status_code == 200
    assert '<label for="id_code">' in prompt.content.decode()
    assert signed_in_user_id(client) is None

    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert signed_in_user_id(client) is None

    session_before = client.session.session_key
    accepted = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert accepted.status_code == 302
    assert accepted["Location"] == DESK
    assert signed_in_user_id(client) == desk.alice.pk
    assert client.session.session_key != session_before


def test_a_recovery_code_signs_in_once(desk: Any) -> None:
    client = Client()
    sign_in(client, desk.alice)
    activate_totp(client, desk.alice)
    codes = re.findall(
        r"<li><code>(\w+)</code></li>",
        client.get(reverse("mfa_view_recovery_codes")).content.decode(),
    )
    client.post(reverse("account_logout"))

    client = Client()
    sign_in(client, desk.alice)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]})["Location"] == DESK

    client = Client()
    sign_in(client, desk.alice)
    reused = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert reused.status_code == 200
    assert signed_in_user_id(client) is None


def test_two_factor_management_pages_render_in_our_layout(desk: Any) -> None:
    client = Client()
    sign_in(client, desk.alice)

    before = client.get(reverse("mfa_index"))
    assert before.status_code == 200
    assert reverse("mfa_activate_totp") in before.content.decode()

    activate_totp(client, desk.alice)
    for name in ("mfa_index", "mfa_deactivate_totp", "mfa_generate_recovery_codes"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert 'class="auth-card"' in page.content.decode(), name

    assert client.post(reverse("mfa_deactivate_totp"))["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=desk.alice).exists()


# --- FRONTDESK_REQUIRE_ADMIN_MFA -------------------------------------------------------


def sent_to_activation(response: Any) -> bool:
    return bool(
        response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    )


def test_admin_without_totp_is_sent_to_activation_when_required(desk: Any, settings: Any) -> None:
    settings.FRONTDESK_REQUIRE_ADMIN_MFA = True
    client = Client()
    assert sign_in(client, desk.carol)["Location"] == DESK

    response = client.get(DESK)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert sent_to_activation(client.get("/favicon.ico"))
    page = client.get(DESK, headers={"Accept": "text/html"}, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert page.content.decode().count("must set up two-factor authentication") == 1
    assert sent_to_activation(client.get("/desk/tickets/42"))
    assert sent_to_activation(client.get("/no-such-page"))
    # What stays reachable: the activation page itself, the other account pages, the API
    # (its own auth) and static files.
    activation = client.get(reverse("mfa_activate_totp"))  # after the password again
    assert activation.status_code == 302
    assert activation["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(activation["Location"]).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get("/api/v1/users/me").status_code == 200
    assert not sent_to_activation(client.get("/static/frontdesk/app.css"))

    activate_totp(client, desk.carol)
    assert not sent_to_activation(client.get(DESK))


def test_agents_are_not_sent_to_activation(desk: Any, settings: Any) -> None:
    settings.FRONTDESK_REQUIRE_ADMIN_MFA = True
    client = Client()
    sign_in(client, desk.alice)

    assert not sent_to_activation(client.get(DESK))


def test_admin_is_not_sent_to_activation_by_default(desk: Any) -> None:
    client = Client()
    sign_in(client, desk.carol)

    assert not sent_to_activation(client.get(DESK))
