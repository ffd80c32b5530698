import time

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.utils.translation import gettext_lazy as _

from comments.models import EMAIL_MAX, NAME_MAX, TEXT_MAX, URL_MAX, Comment

FORM_TOKEN_SALT = "comments.form"


class FormTampered(Exception):
    """The signed part of the form was altered: not a reader's mistake."""


def target_key(target):
    return f"{target._meta.label_lower}:{target.pk}"


def make_form_token(target):
    """A signed note of which page the form was shown on, and when."""
    return form_token_for(None, target_key(target))


def form_token_for(request, key):
    """``make_form_token`` for the target named ``key``: a page cache hole's filler
    (``settings.PAGE_CACHE_HOLES``), so a cached page's form is shown now."""
    payload = {"target": key, "shown": time.time()}
    return signing.dumps(payload, salt=FORM_TOKEN_SALT)


class HoneypotInput(forms.TextInput):
    """A text box people never see (CSS, aria-hidden, no tab stop) and bots fill in.

    Counted among the hidden fields so form layouts render it with them, but a real
    text input, since bots skip type="hidden".
    """

    template_name = "comments/widgets/honeypot.html"
    is_hidden = True

    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


class WebsiteField(forms.URLField):
    """A web page's address: http or https only.

    It replaces URLField's own validator rather than adding one beside it, so a bad
    address is one error, not the same sentence twice.
    """

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.Form):
    """The reader's comment form. It validates and keeps what was typed; it saves nothing."""

    text = forms.CharField(
        label=_("Comment"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write your comment.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        validators=[
            RegexValidator(
                r"[\x00-\x1f\x7f]",
                inverse_match=True,
                message=_("Write your name on one line."),
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX,
        help_text=_("Never published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address: it is never published."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    url = WebsiteField(
        label=_("Website"),
        max_length=URL_MAX,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={"invalid": _("Enter a web address such as https://example.com.")},
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    notify_replies = forms.BooleanField(
        label=_("Email me replies to my comment"),
        required=False,
        help_text=_("The first time, we email you a link to confirm it."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # Which page the form belongs to, for the endpoint; the token proves it.
    target = forms.CharField(widget=forms.HiddenInput, max_length=200)
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    homepage = forms.CharField(required=False, widget=HoneypotInput)

    @property
    def target_key(self):
        return target_key(self.target)

    def __init__(self, *args, target, max_form_age, **kwargs):
        self.target = target
        self.max_form_age = max_form_age
        self.seconds_since_shown = 0.0
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["target"] = target_key(target)
            self.initial.setdefault("token", make_form_token(target))

    def clean_token(self):
        """Tampering raises ``FormTampered``; an old form asks to be sent again."""
        try:
            payload = signing.loads(
                self.cleaned_data["token"], salt=FORM_TOKEN_SALT, max_age=self.max_form_age
            )
        except signing.SignatureExpired:
            self.data = self.data.copy()
            self.data["token"] = make_form_token(self.target)
            raise ValidationError(
                _("This page was open for a long time. Check your comment and post it again."),
                code="expired",
            ) from None
        except signing.BadSignature:
            raise FormTampered from None
        if not isinstance(payload, dict) or payload.get("target") != target_key(self.target):
            raise FormTampered
        shown = payload.get("shown")
        if not isinstance(shown, int | float):
            raise FormTampered
        self.seconds_since_shown = time.time() - shown
        return self.cleaned_data["token"]

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Comment.objects.for_target(self.target)
            .approved()
            .filter(pk=parent_id)
            .only("pk", "name", "content_type_id", "object_id")
            .first()
        )
        if parent is None:
            raise ValidationError(
                _("The comment you are replying to is not on this page any more."),
                code="invalid_parent",
            )
        return parent


def plain_bounds(db_field, kwargs):
    """Give a number's form field its model field's bounds and their one sentence.

    For ``formfield_for_dbfield`` in any admin (the blog's uses it too). Without this
    the form field keeps its own "Ensure this value is greater than or equal to 0."
    for a positive field, ahead of the model's plain sentence.
    """
    for validator in db_field.validators:
        if isinstance(validator, MinValueValidator):
            kwargs.setdefault("min_value", validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            kwargs.setdefault("max_value", validator.limit_value)
        else:
            continue
        errors = kwargs.setdefault("error_messages", {})
        for code in ("invalid", "min_value", "max_value"):
            errors.setdefault(code, validator.message)
    return kwargs
