"""The mailbox form of the admin pages. Password fields are never filled in when shown:
empty keeps the stored password, the 'remove' box clears it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import Team
from frontdesk.mail.models import AfterFetch, Mailbox, Security


class MailboxForm(forms.Form):
    address = forms.EmailField(label=_("Address"), max_length=254)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    default_team = forms.ModelChoiceField(
        label=_("Team for new tickets"), queryset=Team.objects.order_by("name"), required=False
    )
    cc_as_followers = forms.BooleanField(
        label=_("CC'd people follow new tickets (no portal access)"), required=False
    )
    imap_host = forms.CharField(label=_("IMAP server"), max_length=255, required=False)
    imap_port = forms.IntegerField(label=_("IMAP port"), min_value=1, max_value=65535, initial=993)
    imap_security = forms.ChoiceField(
        label=_("IMAP security"), choices=Security.choices, initial=Security.TLS
    )
    imap_username = forms.CharField(label=_("IMAP username"), max_length=255, required=False)
    imap_password = forms.CharField(
        label=_("IMAP password"),
        max_length=255,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown. Leave empty to keep the stored one."),
    )
    imap_password_clear = forms.BooleanField(
        label=_("Remove the stored IMAP password"), required=False
    )
    imap_ca_cert = forms.CharField(
        label=_("IMAP private CA (PEM)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for a server whose certificate a public CA did not sign."),
    )
    imap_folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    poll_interval_seconds = forms.IntegerField(
        label=_("Poll every (seconds)"), min_value=10, max_value=86_400, initial=60
    )
    after_fetch = forms.ChoiceField(
        label=_("After fetching"), choices=AfterFetch.choices, initial=AfterFetch.MARK_SEEN
    )
    move_to_folder = forms.CharField(label=_("Move to folder"), max_length=255, required=False)
    smtp_host = forms.CharField(label=_("SMTP server"), max_length=255, required=False)
    smtp_port = forms.IntegerField(label=_("SMTP port"), min_value=1, max_value=65535, initial=587)
    smtp_security = forms.ChoiceField(
        label=_("SMTP security"), choices=Security.choices, initial=Security.STARTTLS
    )
    smtp_username = forms.CharField(label=_("SMTP username"), max_length=255, required=False)
    smtp_password = forms.CharField(
        label=_("SMTP password"),
        max_length=255,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown. Leave empty to keep the stored one."),
    )
    smtp_password_clear = forms.BooleanField(
        label=_("Remove the stored SMTP password"), required=False
    )
    smtp_ca_cert = forms.CharField(
        label=_("SMTP private CA (PEM)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @staticmethod
    def initial_for(mailbox: Mailbox | None) -> dict[str, Any]:
        if mailbox is None:
            return {}
        fields = {
            name: getattr(mailbox, name)
            for name in MailboxForm.base_fields
            if hasattr(mailbox, name) and "password" not in name
        }
        fields["default_team"] = mailbox.default_team_id
        return fields

    def values(self) -> dict[str, Any]:
        """The cleaned form as `save_mailbox` takes it."""
        data = dict(self.cleaned_data)
        team = data.pop("default_team")
        data["default_team_id"] = team.pk if team else None
        for kind in ("imap", "smtp"):
            clear = data.pop(f"{kind}_password_clear")
            password = data[f"{kind}_password"]
            data[f"{kind}_password"] = "" if clear else (password or None)
        return data
