"""The admin login's lockout (django-axes): per address and per user, for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog

from tests.factories import UserFactory

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "the right password"
ATTACKER = "203.0.113.7"
AUTHOR_AT_HOME = "198.51.100.20"


@pytest.fixture
def author(db):
    return UserFactory(username="author", password=PASSWORD, is_staff=True, is_superuser=True)


def _log_in(client, username, password, address, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_a_wrong_password_shows_the_login_form_again(client, author):
    """Before the limit, a wrong password gets the admin's own error, not a lockout."""
    response = _log_in(client, "author", "wrong", ATTACKER)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


def test_five_wrong_passwords_lock_the_address_out_with_the_sites_page(client, author):
    """After five wrong passwords, the sixth try, even the right one, gets a 429 page."""
    for _ in range(4):
        assert _log_in(client, "author", "wrong", ATTACKER).status_code == 200
    _log_in(client, "author", "wrong", ATTACKER)
    response = _log_in(client, "author", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.text
    assert "paused for 15 minutes" in response.text
    assert 'class="site-header"' in response.text
    assert "_auth_user_id" not in client.session


def test_an_address_guessing_many_users_is_locked_out_but_not_other_addresses(client, author):
    """Five users guessed from one address lock it; the author elsewhere still signs in."""
    for number in range(5):
        _log_in(client, f"user{number}", "wrong", ATTACKER)
    assert _log_in(client, "user5", "wrong", ATTACKER).status_code == 429
    assert _signed_in(_log_in(client, "author", PASSWORD, AUTHOR_AT_HOME))


def test_a_user_guessed_from_many_addresses_is_locked_out_everywhere(client, author):
    """Five wrong passwords for one user, each from another address, lock that user."""
    for number in range(5):
        _log_in(client, "author", "wrong", f"203.0.113.{number + 10}")
    response = _log_in(client, "author", PASSWORD, AUTHOR_AT_HOME)
    assert response.status_code == 429


def test_the_right_password_works_again_after_the_cool_off(client, author):
    """Fifteen minutes after the last wrong password, the right one signs in."""
    for _ in range(5):
        _log_in(client, "author", "wrong", ATTACKER)
    assert _log_in(client, "author", PASSWORD, ATTACKER).status_code == 429
    # The lockout counts from the latest attempt: move every attempt 15 minutes back.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=15, seconds=1)
        attempt.save()
    assert _signed_in(_log_in(client, "author", PASSWORD, ATTACKER))


def test_behind_a_trusted_proxy_each_reader_is_counted_by_their_own_address(
    client, author, settings
):
    """Through the proxy, the address it saw is counted, as for comments, not the proxy's."""
    settings.COMMENTS_TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        _log_in(client, "intruder", "wrong", proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert (
        _log_in(client, "intruder", "wrong", proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code
        == 429
    )
    response = _log_in(client, "author", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=AUTHOR_AT_HOME)
    assert _signed_in(response)


def test_a_successful_login_keeps_no_record_of_its_address(client, author):
    """Signing in leaves no address in the database, and clears the failures before it."""
    _log_in(client, "author", "wrong", AUTHOR_AT_HOME)
    assert _signed_in(_log_in(client, "author", PASSWORD, AUTHOR_AT_HOME))
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.filter(ip_address=AUTHOR_AT_HOME).exists()
