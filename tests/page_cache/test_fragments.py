"""Fragments reach the page as the bytes they were cached as, and look like their text
everywhere else."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory

from page_cache import fragments
from page_cache.fragments import Fragment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

PAGE = "<main>{{ title }}{{ article }}<p>{{ words }}</p>{{ thread }}</main>"


def _render(context, tmp_path, settings):
    (tmp_path / "page.html").write_text(PAGE)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
        *settings.TEMPLATES[1:],
    ]
    return fragments.render(RequestFactory().get("/"), "page.html", context)


def test_a_page_with_fragments_is_the_page_rendered_plainly(tmp_path, settings):
    context = {
        "title": "Drago — “Hearts on Fire” 🔥",
        "article": Fragment(
            "<p>Training in Russia — \u041a\u0440\u0430\u0301\u0441\u043d\u0430\u044f, 東京 🥊</p>"
        ),
        "words": "<not a tag>",
        "thread": Fragment("<ol><li>Ça marche ✓</li></ol>"),
    }
    response = _render(context, tmp_path, settings)
    plain = engines["django"].from_string(PAGE).render(context)
    assert response.content.decode() == plain
    assert "&lt;not a tag&gt;" in plain
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_outside_a_page_a_fragment_is_its_text():
    fragment = Fragment("<p>Eye of the Tiger</p>")
    assert str(fragment) == "<p>Eye of the Tiger</p>"
    assert engines["django"].from_string("{{ f }}").render({"f": fragment}) == str(fragment)


def test_marker_like_text_a_reader_writes_is_shown_as_written(tmp_path, settings):
    """No reader can make a page splice a fragment where their words are."""
    article = Fragment("<p>The article</p>")
    guesses = "mf-0000000000000000-0-fm mf-ffffffffffffffff-0-fm"
    response = _render({"article": article, "words": guesses}, tmp_path, settings)
    assert response.content.decode().count("The article") == 1
    assert guesses in response.content.decode()


def test_the_post_page_sends_its_thread_and_article_once_each(client, without_page_cache):
    post = PostFactory(body="Rocky runs up the mountain.")
    CommentFactory(target=post, text="The snow scenes — unforgettable ❄")
    for _ in range(2):  # built, then from the cache
        page = client.get(post.get_absolute_url()).content.decode()
        body = page.split('type="application/ld+json"')[0]  # the JSON-LD names them too
        assert body.count("Rocky runs up the mountain.") == 1
        assert body.count("The snow scenes — unforgettable ❄") == 1
        assert not re.search(r"mf-[0-9a-f]{16}-\d+-fm", page)
