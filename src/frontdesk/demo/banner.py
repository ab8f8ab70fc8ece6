"""What `frontdesk run` prints: the demo logins and a fresh API token for the demo admin."""

from frontdesk.accounts.actions import create_api_token, revoke_api_tokens_named
from frontdesk.accounts.models import User

BANNER_TOKEN_NAME = "frontdesk run (demo)"  # noqa: S105 - a label
DEMO_ADMIN_EMAIL = "admin@demo.frontdesk.test"


def login_lines() -> list[str]:
    from frontdesk.demo.demo_data import DEMO_PASSWORD, demo_logins

    logins = [
        (role, email)
        for role, email in demo_logins()
        if User.objects.filter(email=email, is_active=True).exists()
    ]
    if not logins:
        return []
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<12} {email}" for role, email in logins]
    return lines


def issue_demo_token() -> str | None:
    """Revoke the token printed at the last start and issue a new one (only the hash of a
    token is stored, so an old one cannot be shown again)."""
    admin = User.objects.filter(email=DEMO_ADMIN_EMAIL, is_active=True).first()
    if admin is None:
        return None
    revoke_api_tokens_named(user=admin, name=BANNER_TOKEN_NAME)
    _, secret = create_api_token(
        actor=admin, user=admin, name=BANNER_TOKEN_NAME, scopes=["read", "write", "admin"]
    )
    return secret
