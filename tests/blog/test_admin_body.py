"""The post admin's body field: its Formatting help, and what saving tells the author."""

import pytest
from django.urls import reverse

from blog.models import Post
from tests.blog.admin_forms import post_form_data

pytestmark = pytest.mark.django_db

EMBED = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'


def test_body_field_has_a_formatting_help_listing_what_is_allowed(client, author):
    """Under the body, a collapsible Formatting help names headings, tables and footnotes."""
    content = client.get(reverse("admin:blog_post_add")).content.decode()
    help_start = content.index('<details class="formatting-help">')
    help_html = content[help_start : content.index("</details>", help_start)]
    assert "<summary>Formatting</summary>" in help_html
    for example in ("# Section", "|---|--:|", "[^1]: the source.", "&lt;iframe&gt;"):
        assert example in help_html, example


def test_saving_a_body_with_an_iframe_saves_and_says_what_was_removed(client, author):
    """The post is saved, and the author is told the iframe is gone and where videos go."""
    data = post_form_data(author, body=f"Intro.\n\n{EMBED}\n\n<p onclick='go()'>Hi</p>")
    response = client.post(reverse("admin:blog_post_add"), data, follow=True)
    post = Post.objects.get(slug="rocky-training-in-russia")
    assert "iframe" not in post.body_html
    shown = [str(message) for message in response.context["messages"]]
    assert (
        "Readers do not see this part of the body: <iframe> (embedded frames are not "
        "allowed; add the video in the Videos section); onclick attribute (event handlers "
        "run scripts, which are not allowed). It stays in your text until you take it out."
    ) in shown
    assert (
        'class="warning">Readers do not see this part of the body: &lt;iframe&gt;'
        in response.content.decode()
    )


def test_saving_a_clean_body_shows_no_warning(client, author):
    """Markdown the cleaner keeps whole gives only the usual confirmation."""
    data = post_form_data(author, body="# Part\n\nA claim.[^1]\n\n[^1]: The source.")
    response = client.post(reverse("admin:blog_post_add"), data, follow=True)
    assert "Readers do not see this part of the body" not in response.content.decode()
    assert "was added successfully" in response.content.decode()


def test_a_preview_leaves_no_removal_warning_for_the_next_page(client, author):
    """Nothing was saved by a preview, so the next admin page does not say it was."""
    data = post_form_data(author, body=EMBED, _preview="Preview")
    client.post(reverse("admin:blog_post_add"), data)
    next_page = client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert "Readers do not see this part of the body" not in next_page
