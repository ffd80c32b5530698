"""Admin forms start with the title, and every number out of range is one plain sentence."""

import datetime
import re

import pytest
from django.urls import reverse

from blog.models import Album, Post, PostTrack, Track
from tests.blog.admin_forms import form_values, post_form_data
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, VideoFactory

pytestmark = pytest.mark.django_db

MACHINE_WORDS = "Ensure this value"


def _first_field(page, form_id):
    form = page[page.index(f'id="{form_id}"') :]
    return re.search(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', form).group()


@pytest.mark.parametrize("model", ["track", "album"])
@pytest.mark.parametrize("query", ["", "?_to_field=id&_popup=1"], ids=["page", "popup"])
def test_track_and_album_forms_start_with_the_title_and_focus_it(client, author, model, query):
    page = client.get(reverse(f"admin:blog_{model}_add") + query).content.decode()
    first = _first_field(page, f"{model}_form")
    assert 'name="title"' in first
    assert "autofocus" in first


@pytest.mark.parametrize("length", ["86401", "-5", "0"])
def test_a_video_of_more_than_24_hours_or_none_is_refused_plainly(client, author, length):
    data = post_form_data(author, **{"videos-0-duration_seconds": length})
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert page.count("Enter the length in seconds, from 1 to 86400 (24 hours).") == 1
    assert MACHINE_WORDS not in page
    assert f'value="{length}"' in page
    assert not Post.objects.exists()


def test_a_track_cannot_start_after_its_new_video_ends(client, author):
    """The video is typed in the same form as the track: its length is still checked."""
    data = post_form_data(
        author,
        **{"videos-0-duration_seconds": "213", "soundtrack-0-starts_at": "3:34"},
    )
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert "A track can&#x27;t start after the video ends (3:33)." in page
    assert 'value="3:34"' in page
    assert not Post.objects.exists()


def test_a_track_may_start_up_to_the_end_of_its_video(client, author):
    data = post_form_data(
        author,
        **{"videos-0-duration_seconds": "213", "soundtrack-0-starts_at": "3:33"},
    )
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    assert PostTrack.objects.get().starts_at == 213


def test_a_track_is_checked_against_the_video_it_names(client, author):
    """On a saved post with two videos, the chosen one's length counts, as just edited."""
    short = VideoFactory(duration_seconds=600, position=0)
    post = short.post
    long = VideoFactory(post=post, duration_seconds=900, position=1)
    post.soundtrack.create(track=TrackFactory(), starts_at=700, video=long)
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    assert client.post(url, data).status_code == 302

    long_row = next(key for key, value in data.items() if value == str(long.pk) and "-id" in key)
    data[long_row.replace("-id", "-duration_seconds")] = "650"
    page = client.post(url, data).content.decode()
    assert "A track can&#x27;t start after the video ends (10:50)." in page


def test_a_track_with_no_video_length_may_start_anywhere_in_24_hours(client, author):
    data = post_form_data(
        author, **{"videos-0-duration_seconds": "", "soundtrack-0-starts_at": "25:00:00"}
    )
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert "A track can&#x27;t start after 24:00:00, the longest a video may be." in page
    data["soundtrack-0-starts_at"] = "23:59:00"
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302


@pytest.mark.parametrize("position", ["-1", "1001", "9223372036854775808"])
def test_a_soundtrack_position_out_of_range_is_refused_plainly(client, author, position):
    data = post_form_data(author, **{"soundtrack-0-position": position})
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert page.count("Enter a position from 0 to 1000.") == 1
    assert MACHINE_WORDS not in page
    assert f'value="{position}"' in page


@pytest.mark.parametrize("position", ["0", "-3", "70000"])
def test_a_chart_position_out_of_range_is_refused_plainly(client, author, position):
    data = {
        "title": "War",
        "chart_position": position,
        "chart_name": "Billboard Hot 100",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
    }
    page = client.post(reverse("admin:blog_track_add"), data).content.decode()
    assert page.count("Enter a chart position from 1 to 500.") == 1
    assert MACHINE_WORDS not in page
    assert 'value="War"' in page
    assert not Track.objects.exists()


def test_a_credit_position_out_of_range_is_refused_plainly(client, author):
    data = {
        "title": "War",
        "chart_position": "",
        "chart_name": "",
        "credits-TOTAL_FORMS": "1",
        "credits-INITIAL_FORMS": "0",
        "credits-0-artist": ArtistFactory().pk,
        "credits-0-role": "performer",
        "credits-0-position": "-1",
    }
    page = client.post(reverse("admin:blog_track_add"), data).content.decode()
    assert page.count("Enter a position from 0 to 1000.") == 1
    assert MACHINE_WORDS not in page
    assert not Track.objects.exists()


@pytest.mark.parametrize("inline", ["details", "links"])
def test_detail_and_link_positions_out_of_range_are_refused_plainly(client, author, inline):
    row = {"label": "Filmed in", "value": "Wyoming"}
    if inline == "links":
        row = {"title": "Rocky IV on Wikipedia", "url": "https://en.wikipedia.org/wiki/Rocky_IV"}
    data = post_form_data(
        author,
        **{f"{inline}-TOTAL_FORMS": "1", f"{inline}-0-position": "5000"},
        **{f"{inline}-0-{name}": value for name, value in row.items()},
    )
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert page.count("Enter a position from 0 to 1000.") == 1
    assert MACHINE_WORDS not in page
    assert not Post.objects.exists()


def test_adding_an_album_that_is_already_there_is_refused(client, author):
    """Pressing + on Album twice would show readers the same album box twice."""
    AlbumFactory(title="Rocky IV: Original Motion Picture Soundtrack")
    data = {
        "title": "rocky iv: original motion picture soundtrack",
        "label": "Scotti Bros.",
        "release_date": "1985-11-27",
        "certification": "",
        "chart_position": "",
        "chart_name": "",
    }
    response = client.post(reverse("admin:blog_album_add"), data)
    assert response.status_code == 200
    assert "is already here: choose it in the track&#x27;s Album box" in response.content.decode()
    assert Album.objects.count() == 1


def test_a_reissue_on_another_date_is_another_album(client, author):
    AlbumFactory(title="Rocky IV", release_date=datetime.date(1985, 11, 27))
    data = {"title": "Rocky IV", "label": "", "release_date": "2006-05-02",
            "certification": "", "chart_position": "", "chart_name": ""}  # fmt: skip
    assert client.post(reverse("admin:blog_album_add"), data).status_code == 302
