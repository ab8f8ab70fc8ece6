import pytest
from django.test import Client

from frontdesk.portal.models import Brand

pytestmark = pytest.mark.django_db


def test_home_renders_in_the_settings_brand(client: Client) -> None:
    response = client.get("/portal/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="main"' in body
    assert "Submit a request" in body
    assert "--brand: #1f5fbf" in body


def test_default_brand_and_host_brand(client: Client, settings: object) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "beta.localhost"]  # type: ignore[attr-defined]
    Brand.objects.create(name="Acme Help", slug="acme", is_default=True, primary_colour="#aa0000")
    Brand.objects.create(name="Beta Care", slug="beta", host="beta.localhost")
    assert "Acme Help" in client.get("/portal/").content.decode()
    body = client.get("/portal/", HTTP_HOST="beta.localhost").content.decode()
    assert "Beta Care" in body
