"""Every address the old WordPress site had still leads to the same thing here."""

from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, ROCKY_ITEM, export
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

ABOUT_PAGE = """
	<item><title>About</title><link>https://old.example.org/about/</link>
		<guid isPermaLink="false">https://old.example.org/?page_id=7</guid>
		<dc:creator>adrian</dc:creator>
		<content:encoded><![CDATA[<p>Who writes here.</p>]]></content:encoded>
		<wp:post_id>7</wp:post_id><wp:post_date>2015-01-01 12:00:00</wp:post_date>
		<wp:post_name>about</wp:post_name><wp:status>publish</wp:status>
		<wp:post_type>page</wp:post_type>
	</item>"""


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(export(AUTHORS_AND_TERMS + ROCKY_ITEM + ABOUT_PAGE), encoding="utf-8")
    call_command("import_wordpress", str(path), stdout=StringIO())
    return Post.objects.get()


def _lands(client, old, new):
    answer = client.get(old)
    assert (answer.status_code, answer["Location"]) == (301, new), old
    assert client.get(new).status_code == 200, new


@pytest.mark.parametrize(
    "old",
    [
        "/?p=42",
        "/2016/03/14/training-in-russia/",
        "/2016/03/training-in-russia/",
        "/training-in-russia/",
        "/2016/03/14/training-in-russia/comment-page-2/",
    ],
)
def test_a_posts_every_wordpress_address_leads_to_it(client, imported, old):
    _lands(client, old, "/posts/training-in-russia/")


def test_a_pages_wordpress_addresses_lead_to_it(client, imported):
    _lands(client, "/?page_id=7", "/about/")


def test_the_home_page_still_answers_its_own_query(client, imported):
    assert client.get("/?page=1").status_code == 200


def test_a_posts_feed_and_the_sites_feeds_lead_to_theirs(client, imported):
    _lands(client, "/2016/03/14/training-in-russia/feed/", "/posts/training-in-russia/feed/")
    _lands(client, "/comments/feed/", "/feed/comments/")
    assert client.get("/feed/").status_code == 200


def test_categories_with_their_parents_tags_and_authors_lead_to_their_pages(client, imported):
    _lands(client, "/category/films/training-montages/", "/category/training-montages/")
    _lands(
        client,
        "/category/films/training-montages/feed/",
        "/category/training-montages/feed/",
    )
    assert client.get("/tag/rocky/").status_code == 200
    _lands(client, "/author/adrian/", "/")


def test_wordpress_pagination_and_date_archives_lead_to_montages(client, imported):
    PostFactory.create_batch(12)
    _lands(client, "/page/2/", "/?page=2")
    _lands(
        client, "/category/films/training-montages/page/1/", "/category/training-montages/?page=1"
    )
    _lands(client, "/2016/03/", "/archive/2016/3/")
    _lands(client, "/2016/", "/archive/2016/")


def test_old_comment_links_land_on_the_same_comment(client, imported):
    paulie = Comment.objects.get(name="Paulie")
    assert paulie.pk == 501
    page = client.get(imported.get_absolute_url()).content.decode()
    assert 'id="comment-501"' in page
    # A comment written here after the import is numbered after the imported ones.
    assert CommentFactory(target=imported).pk > 502


def test_comments_whose_numbers_are_taken_are_numbered_anew_and_said_so(tmp_path):
    other = PostFactory()
    CommentFactory(target=other, pk=501)
    path = tmp_path / "export.xml"
    path.write_text(export(AUTHORS_AND_TERMS + ROCKY_ITEM), encoding="utf-8")
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    assert Comment.objects.filter(name="Paulie").exclude(pk=501).exists()
    assert "2 comments numbered anew" in out.getvalue()


def test_a_slug_changed_after_the_import_takes_the_old_wordpress_links_along(client, imported):
    imported.slug = "in-siberia"
    imported.save()
    _lands(client, "/2016/03/14/training-in-russia/", "/posts/in-siberia/")
    _lands(client, "/?p=42", "/posts/in-siberia/")


def test_an_address_nothing_had_is_still_not_found(client, imported):
    assert client.get("/2016/03/14/never-written/").status_code == 404
    assert client.get("/category/nothing/here/").status_code == 404


def test_old_addresses_are_found_without_their_last_slash_or_in_capitals(client, imported):
    _lands(client, "/2016/03/14/training-in-russia", "/posts/training-in-russia/")
    _lands(client, "/2016/03/14/Training-In-Russia/", "/posts/training-in-russia/")
    _lands(client, "/index.php/2016/03/14/training-in-russia/", "/posts/training-in-russia/")
    _lands(client, "/2016/03/14/training-in-russia/amp/", "/posts/training-in-russia/")


def test_an_old_query_address_with_more_in_it_still_leads_to_its_post(client, imported):
    answer = client.get("/?p=42&replytocom=501")
    assert (answer.status_code, answer["Location"]) == (301, "/posts/training-in-russia/")


def test_wordpress_query_addresses_lead_to_montages_feeds_search_tags_and_archives(
    client, imported
):
    _lands(client, "/?feed=rss2", "/feed/")
    _lands(client, "/?feed=comments-rss2", "/feed/comments/")
    _lands(client, "/?s=drago", "/search/?q=drago")
    _lands(client, "/?tag=rocky", "/tag/rocky/")
    _lands(client, "/?m=201603", "/archive/2016/3/")


def test_a_wordpress_item_the_import_did_not_bring_is_not_found_rather_than_the_home_page(
    client, imported
):
    assert client.get("/?p=99999").status_code == 404
    assert client.get("/?page_id=3").status_code == 404
    assert client.get("/?utm_source=newsletter").status_code == 200


@pytest.mark.parametrize("old", ["//evil.example/amp/", "/index.php//evil.example/"])
def test_wordpress_grammar_never_leads_off_the_site(client, old):
    answer = client.get(old)
    assert answer.status_code == 404 or not answer["Location"].startswith("//")


def test_a_blog_that_lived_in_a_folder_keeps_its_addresses_under_it(tmp_path, client):
    in_a_folder = export(ROCKY_ITEM.replace("old.example.org/2016", "old.example.org/blog/2016"))
    in_a_folder = in_a_folder.replace(
        "<wp:base_blog_url>https://old.example.org</wp:base_blog_url>",
        "<wp:base_blog_url>https://old.example.org/blog</wp:base_blog_url>",
    )
    path = tmp_path / "export.xml"
    path.write_text(in_a_folder, encoding="utf-8")
    call_command("import_wordpress", str(path), stdout=StringIO())
    _lands(client, "/blog/?p=42", "/posts/training-in-russia/")
    _lands(client, "/blog/2016/03/14/training-in-russia/", "/posts/training-in-russia/")
    _lands(client, "/blog/training-in-russia/", "/posts/training-in-russia/")
    _lands(client, "/blog/comments/feed/", "/feed/comments/")
    _lands(client, "/blog/", "/")
