"""What the spam filter has learned, in the project's own tables.

Models of the comments app (``comments.models`` imports them, its migrations create
them). Readers never see them: ``FRESHNESS_UNSEEN_MODELS`` lists both, so learning
leaves the page caches alone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_COLUMN_MAX = 100  # comments.spam.tokens.TOKEN_MAX


class SpamToken(models.Model):
    """How many learned spam and legitimate comments hold one token.

    One row, ``TOTALS``, counts the comments themselves, so the query that fetches a
    comment's tokens fetches the totals too: scoring costs one query.
    """

    # Every other token has a "prefix:" (comments.spam.tokens): this one cannot collide.
    TOTALS = "(totals)"

    token = models.CharField(max_length=TOKEN_COLUMN_MAX, unique=True)
    spam_count = models.PositiveIntegerField(default=0)
    ham_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("spam filter token")

    def __str__(self):
        return f"{self.token} ({self.spam_count} spam, {self.ham_count} legitimate)"


class SpamLesson(models.Model):
    """What the filter learned from one comment, so that it can be unlearned exactly.

    The tokens are those counted when it was learned: an edit to the comment later does
    not make unlearning take away counts it never added. A deleted comment's lesson
    stays (emptying the spam folder does not make the filter forget), with a keyed
    digest of the writer's email so that erasing their data still finds it. A lesson
    marked erased keeps the filter from learning that comment again.
    """

    class Label(models.TextChoices):
        SPAM = "spam", _("Spam")
        HAM = "ham", _("Legitimate")
        ERASED = "erased", _("Erased: never learned again")

    comment = models.OneToOneField(
        "comments.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spam_lesson",
    )
    label = models.CharField(max_length=10, choices=Label)
    tokens = models.TextField(blank=True, help_text=_("One per line."))
    email_digest = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spam filter lesson")

    def __str__(self):
        return f"{self.get_label_display()} lesson from comment {self.comment_id}"

    @property
    def token_list(self):
        return self.tokens.split("\n") if self.tokens else []
