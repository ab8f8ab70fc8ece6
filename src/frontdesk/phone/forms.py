"""The "Log a phone call" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.phone.choices import Direction
from frontdesk.phone.numbers import normalize_number, parse_duration
from frontdesk.tickets.forms import PRIORITY_CHOICES


class CallForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.INBOUND
    )
    number = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "tel",
                "hx-get": "/desk/calls/caller/",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#caller-match",
            }
        ),
    )
    duration = forms.CharField(
        label=_("Duration"),
        required=False,
        max_length=20,
        help_text=_("Seconds, m:ss or h:mm:ss."),
    )
    ticket = forms.IntegerField(
        label=_("Existing ticket number"),
        required=False,
        min_value=1,
        help_text=_(
            "Log the call on this ticket (as an internal note); leave empty for a new ticket."
        ),
    )
    caller_email = forms.EmailField(
        label=_("Caller email"),
        required=False,
        max_length=254,
        help_text=_("Needed for a new ticket when the number is not known yet."),
    )
    caller_name = forms.CharField(label=_("Caller name"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=500)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, initial="normal")
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea, max_length=100_000
    )
    recording_url = forms.URLField(
        label=_("Recording link"), required=False, max_length=2000, assume_scheme="https"
    )

    def clean_number(self) -> str:
        value: str = self.cleaned_data["number"]
        try:
            normalize_number(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value

    def clean_duration(self) -> int:
        try:
            return parse_duration(self.cleaned_data.get("duration") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
