"""The spam filter's thresholds: the author's, checked where they are set."""

import pytest
from django.test import override_settings
from django.urls import reverse

from comments.system_checks import comments_configuration

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("admin:comments_discussionsettings_changelist")


def test_the_settings_page_refuses_a_hold_score_above_the_spam_score(client, author):
    form_url = client.get(SETTINGS_URL)["Location"]
    data = {
        "max_links": "2", "close_after_days": "0", "thread_depth": "5", "per_page": "50",
        "ip_retention_days": "30", "spam_threshold": "60", "spam_hold_threshold": "70",
        "spam_warmup_decisions": "50",
    }  # fmt: skip
    page = client.post(form_url, data).content.decode()
    assert "Write a score below the spam score (60), or nothing is held." in page


def test_the_settings_page_shows_the_spam_filter_fieldset(client, author):
    page = client.get(SETTINGS_URL, follow=True).content.decode()
    assert "Spam filter" in page
    assert 'name="spam_warmup_decisions" value="50"' in page


@override_settings(COMMENTS_SPAM_THRESHOLD=50, COMMENTS_SPAM_HOLD_THRESHOLD=50)
def test_manage_py_check_warns_of_such_thresholds_from_the_environment():
    (warning,) = comments_configuration()
    assert warning.id == "comments.W001"
    assert "holds nothing as unsure" in warning.msg
