"""The webhook form of the administrators' webhook pages. The actions check the URL (the
SSRF guard) and the event types; their refusals are put back next to the field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import DomainError
from frontdesk.webhooks.actions import MAX_NAME
from frontdesk.webhooks.choices import SUBSCRIBABLE
from frontdesk.webhooks.models import Webhook


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        help_text=_(
            "http or https. Internal addresses (loopback, private, link-local, cloud "
            "metadata) are refused unless the host is in FRONTDESK_WEBHOOK_ALLOWED_HOSTS."
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(e.value, e.label) for e in SUBSCRIBABLE],
    )
    is_active = forms.BooleanField(
        label=_("Active (send deliveries)"),
        required=False,
        initial=True,
        help_text=_("Turning a disabled webhook back on clears its failure count."),
    )

    @staticmethod
    def initial_for(webhook: Webhook | None) -> dict[str, Any]:
        if webhook is None:
            return {"is_active": True}
        return {
            "name": webhook.name,
            "url": webhook.url,
            "event_types": list(webhook.event_types),
            "is_active": webhook.is_active,
        }

    def put_error(self, exc: DomainError) -> None:
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        self.add_error(field if field in self.fields else None, exc.message)
