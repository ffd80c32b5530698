import pytest

from tests.factories import UserFactory


@pytest.fixture
def author(client):
    """The site's author, logged in to the admin."""
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user
