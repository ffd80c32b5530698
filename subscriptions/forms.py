from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from subscriptions.models import EMAIL_MAX


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=EMAIL_MAX,
        help_text=_("Never shown to anyone. We email you a link to confirm first."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": format_lazy(
                _("An email address is at most {most} characters long."), most=EMAIL_MAX
            ),
        },
    )
