"""The discussion options, each declared once in ``OPTIONS``.

An option the author decides is a field of ``DiscussionSettings``, which carries its
label, help, default and bounds; here it is named with its kind and the admin fieldset
it shows in. An option the deployer decides (proxies, form timing, checks, caching) has
no field and no fieldset: its default and bounds are here. ``comments.conf`` derives the
rest from this list: the ``DiscussionConfig`` the code reads, the ``COMMENTS_<NAME>``
values taken from Django's settings and the environment, the admin's fieldsets, and
the word lists' two forms (lines of text in the admin, tuples in the code).

This module imports no model, so ``comments.models`` can use it.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

FLAG = "flag"  # true or false
NUMBER = "number"  # a whole number within bounds
WORDS = "words"  # lines of text in the admin; commas in the environment
NAMES = "names"  # a list of names (models, dotted paths), comma-separated

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# A century: beyond it, dates overflow before any comment could notice.
MAX_DAYS = 36500
DAY = 24 * 3600

MODERATION = _("Moderation")
PAGES = _("Comment pages")
EMAIL = _("Email")
SPAM = _("Spam filter")
PRIVACY = _("Privacy")


def between(low, high, message=None):
    """Validators for a whole number from ``low`` to ``high``, one sentence for both ends.

    The blog's numbers use it too, with a sentence of their own ("A track can't start…").
    """
    if message is None:
        message = format_lazy(_("Enter a whole number from {low} to {high}."), low=low, high=high)
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def word_list(text):
    """Words or phrases typed one per line (commas also separate), blanks dropped."""
    return tuple(word.strip() for word in text.replace(",", "\n").splitlines() if word.strip())


@dataclass(frozen=True)
class Option:
    name: str
    kind: str
    # The admin fieldset the author edits it in; None for the deployer's options.
    fieldset: str | None = None
    # The deployer's options only: the author's take both from their model field.
    default: object = None
    bounds: tuple[int, int] | None = None

    @cached_property
    def setting(self):
        """Its name in Django's settings and in the environment."""
        return f"COMMENTS_{self.name.upper()}"

    @property
    def in_admin(self):
        return self.fieldset is not None

    def parse(self, raw):
        """The environment's text as a value; ValueError says what was expected."""
        if self.kind == FLAG:
            value = raw.strip().lower()
            if value not in _TRUE | _FALSE:
                raise ValueError(_("Write true or false."))
            return value in _TRUE
        if self.kind == NUMBER:
            try:
                return int(raw.strip())
            except ValueError:
                raise ValueError(_("Write a whole number.")) from None
        return word_list(raw)

    def from_setting(self, value):
        """A value from Django's settings, lists as tuples so the config stays frozen."""
        return tuple(value) if self.kind in {WORDS, NAMES} else value

    def from_row(self, value):
        """A ``DiscussionSettings`` field's value as the code reads it."""
        return word_list(value) if self.kind == WORDS else value

    def to_row(self, value):
        """A value as the admin's form shows it."""
        return "\n".join(value) if self.kind == WORDS else value


OPTIONS = (
    # The author's, in the admin; the environment and Django's settings give their
    # starting values.
    Option("approve_returning_commenters", FLAG, MODERATION),
    Option("max_links", NUMBER, MODERATION),
    Option("moderation_words", WORDS, MODERATION),
    Option("disallowed_words", WORDS, MODERATION),
    Option("spam_threshold", NUMBER, SPAM),
    Option("spam_hold_threshold", NUMBER, SPAM),
    Option("spam_warmup_decisions", NUMBER, SPAM),
    Option("spam_approve_trusted", FLAG, SPAM),
    Option("close_after_days", NUMBER, PAGES),
    Option("thread_depth", NUMBER, PAGES),
    Option("per_page", NUMBER, PAGES),
    Option("notify_pending", FLAG, EMAIL),
    Option("notify_approved", FLAG, EMAIL),
    Option("ip_retention_days", NUMBER, PRIVACY),
    # The deployer's: Django's settings or the environment only.
    # Models that may carry comments, as "app_label.ModelName".
    Option("target_models", NAMES, default=()),
    # WordPress refuses a second comment from one IP or email within 15 seconds.
    Option("flood_seconds", NUMBER, default=15, bounds=(0, DAY)),
    # A person needs a few seconds to read a post and type; a bot posts at once.
    Option("min_seconds_to_post", NUMBER, default=3, bounds=(0, 3600)),
    # How long a page's comment form stays valid before it asks to be sent again.
    Option("max_form_age_seconds", NUMBER, default=7 * DAY, bounds=(60, 365 * DAY)),
    # How long the rendered approved thread is cached (0 turns the cache off).
    Option("cache_seconds", NUMBER, default=600, bounds=(0, DAY)),
    # Reading the client's address: 0 trusts REMOTE_ADDR; N > 0 takes the address the
    # nearest of N trusted proxies saw, from the right of X-Forwarded-For.
    Option("trusted_proxies", NUMBER, default=0, bounds=(0, 10)),
    # Other apps' share of a person's data, for the admin's privacy requests
    # (comments.privacy): functions taking ``email=`` that return a dict of
    # {"what": [items]} to export, and that erase it (they return how many went).
    Option("privacy_exporters", NAMES, default=()),
    Option("privacy_erasers", NAMES, default=()),
    Option(
        "checks",
        NAMES,
        default=(
            "comments.checks.staff_author",
            "comments.checks.honeypot",
            "comments.checks.posted_too_fast",
            "comments.checks.flood",
            "comments.checks.duplicate",
            "comments.checks.disallowed_words",
            "comments.checks.moderation_words",
            "comments.checks.too_many_links",
            "comments.spam.checks.spam_filter",
            "comments.checks.returning_commenter",
        ),
    ),
)
