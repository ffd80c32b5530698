import time

from django.core import signing
from django.urls import reverse

from comments.forms import FORM_TOKEN_SALT, target_key


def comment_endpoint():
    """The address every comment form posts to."""
    return reverse("comments:post")


def form_token(target, *, age_seconds=60):
    """A form token as if the page had been open for ``age_seconds``."""
    payload = {"target": target_key(target), "shown": time.time() - age_seconds}
    return signing.dumps(payload, salt=FORM_TOKEN_SALT)


def comment_data(target, /, **overrides):
    """What a person's browser posts from the comment form."""
    data = {
        "name": "Ivan Drago",
        "email": "ivan@example.com",
        "url": "",
        "text": "If he dies, he dies.",
        "parent": "",
        "target": target_key(target),
        "token": form_token(target),
        "homepage": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
