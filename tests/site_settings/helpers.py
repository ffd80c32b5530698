from django.urls import reverse

SETTINGS_URL = reverse("admin:site_settings_sitesettings_changelist")


def settings_form(**changes):
    """What the Site settings form posts, with ``changes`` (None leaves a field out)."""
    data = {
        "title": "Montage",
        "tagline": "Videos and the music behind them",
        "time_zone": "UTC",
        "author_name": "Ada Lovelace",
        "moderation_email": "ada@example.com",
        "feed_content": "full",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def save_settings(client, capture_on_commit, **changes):
    """Open the settings from the admin's list and save them, as the author does."""
    form_url = client.get(SETTINGS_URL)["Location"]
    with capture_on_commit(execute=True):
        return client.post(form_url, settings_form(**changes))
