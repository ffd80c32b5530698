"""The admin shows each comment's score and why, and sorts and filters by it."""

import re

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:comments_comment_changelist")


@pytest.fixture
def scored():
    return {
        "spam": CommentFactory(
            status=Comment.Status.PENDING, name="Spammy", spam_score=0.97,
            spam_clues=[["link:example.ru", 0.99], ["text:casino", 0.98]],
        ),
        "unsure": CommentFactory(status=Comment.Status.PENDING, name="Unsure", spam_score=0.5),
        "low": CommentFactory(status=Comment.Status.PENDING, name="Lowly", spam_score=0.004),
        "none": CommentFactory(status=Comment.Status.PENDING, name="Unscored"),
    }  # fmt: skip


def _names(page):
    return re.findall(r"(Spammy|Unsure|Lowly|Unscored)<br>", page)


def test_the_list_shows_each_comments_score(client, author, scored):
    page = client.get(LIST_URL).content.decode()
    assert '<td class="field-score">97 %</td>' in page
    assert '<td class="field-score">&lt;1 %</td>' in page
    assert '<td class="field-score">—</td>' in page


def test_the_list_sorts_by_score(client, author, scored):
    page = client.get(LIST_URL).content.decode()
    column = re.search(
        r'<th scope="col" class="sortable column-score">.*?href="([^"]+)"', page, re.S
    )
    page = client.get(LIST_URL + column.group(1).replace("&amp;", "&")).content.decode()
    names = _names(page)
    assert names.index("Lowly") < names.index("Unsure") < names.index("Spammy")


@pytest.mark.parametrize(
    ("band", "shown"),
    [("spam", ["Spammy"]), ("unsure", ["Unsure"]), ("low", ["Lowly"]), ("none", ["Unscored"])],
)
def test_the_list_filters_by_score_at_the_settings_thresholds(client, author, scored, band, shown):
    page = client.get(LIST_URL, {"spam_score": band}).content.decode()
    assert _names(page) == shown


def test_the_filter_names_the_thresholds_in_force(client, author, settings, scored):
    settings.COMMENTS_SPAM_THRESHOLD = 80
    page = client.get(LIST_URL).content.decode()
    assert "Spam (80 % and up)" in page
    assert _names(client.get(LIST_URL, {"spam_score": "unsure"}).content.decode()) == ["Unsure"]


def test_the_comment_page_shows_the_score_and_the_tokens_behind_it(client, author, scored):
    url = reverse("admin:comments_comment_change", args=[scored["spam"].pk])
    page = client.get(url).content.decode()
    assert "Scored 97 % on arrival" in page
    assert "<li><code>link:example.ru</code> 99 %</li>" in page
    assert "<li><code>text:casino</code> 98 %</li>" in page


def test_a_comment_never_scored_says_so(client, author, scored):
    url = reverse("admin:comments_comment_change", args=[scored["none"].pk])
    assert "Not scored" in client.get(url).content.decode()
