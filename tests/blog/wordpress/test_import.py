"""manage.py import_wordpress: a WordPress blog brought over whole, once, and safely."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from taggit.models import Tag

from blog.models import Category, Page, Post, Redirect
from blog.wordpress.models import ImportedItem
from comments.models import Comment
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, ROCKY_ITEM, export, many_items
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def _import(tmp_path, body, *args, name="export.xml"):
    path = tmp_path / name
    path.write_text(export(body), encoding="utf-8")
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def _item(wp_id, *, status="publish", post_type="post", slug=None, extra="", comments=""):
    slug = slug if slug is not None else f"item-{wp_id}"
    return f"""
	<item><title>Item {wp_id}</title><link>https://old.example.org/{slug}/</link>
		<guid isPermaLink="false">https://old.example.org/?p={wp_id}</guid>
		<dc:creator>adrian</dc:creator>
		<content:encoded><![CDATA[<p>First words of {wp_id}.</p>

<p>More of {wp_id}.</p>]]></content:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date>2020-05-01 12:00:00</wp:post_date>
		<wp:post_date_gmt>2020-05-01 10:00:00</wp:post_date_gmt>
		<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>
		<wp:post_type>{post_type}</wp:post_type>{extra}{comments}
	</item>"""


def _comment(wp_id, *, kind="", parent=0, approved="1"):
    return f"""<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>
		<wp:comment_author>Reader {wp_id}</wp:comment_author>
		<wp:comment_author_email>reader{wp_id}@example.net</wp:comment_author_email>
		<wp:comment_content><![CDATA[Comment {wp_id}]]></wp:comment_content>
		<wp:comment_approved>{approved}</wp:comment_approved>
		<wp:comment_type>{kind}</wp:comment_type>
		<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def test_the_export_arrives_with_its_authors_terms_post_and_threaded_comments(tmp_path, client):
    output = _import(tmp_path, AUTHORS_AND_TERMS + ROCKY_ITEM)

    adrian = get_user_model().objects.get(username="adrian")
    assert adrian.get_full_name() == "Adrian Balboa"
    assert not adrian.has_usable_password()
    montages = Category.objects.get(slug="training-montages")
    assert montages.parent == Category.objects.get(slug="films")
    assert montages.description == "Sweat, snow & synths"
    post = Post.objects.get()
    assert post.title == "Training in Russia & the snow"
    assert (post.slug, post.author, post.category) == ("training-in-russia", adrian, montages)
    assert post.lead == "Two ways to train."
    assert "Drago runs on a treadmill" in post.body_html
    assert post.published_at == datetime.datetime(2016, 3, 14, 9, 30, tzinfo=datetime.UTC)
    assert [tag.name for tag in post.tags.all()] == ["Rocky"]
    assert post.is_published and post.sticky
    assert post.feed_guid == "https://old.example.org/?p=42"

    paulie, reply = Comment.objects.order_by("pk")
    assert (paulie.name, paulie.status, paulie.parent) == ("Paulie", "approved", None)
    assert paulie.created_at == datetime.datetime(2016, 3, 15, 7, 0, tzinfo=datetime.UTC)
    assert (paulie.ip_address, paulie.url) == ("203.0.113.7", "https://paulie.example.net/")
    assert (reply.parent, reply.status, reply.user, reply.is_author) == (
        paulie, "spam", adrian, True
    )  # fmt: skip
    assert "Imported:" in output and "2 comments" in output

    page = client.get(post.get_absolute_url())
    assert "Where&#x27;s my robot?" in page.text or "Where's my robot?" in page.text
    assert "In the basement" not in page.text  # spam stays out
    assert "paulie@example.net" not in page.text


def test_a_second_run_adds_nothing_and_a_longer_export_adds_only_what_is_new(tmp_path):
    first = "".join(_item(n, comments=_comment(n * 10)) for n in (1, 2, 3))
    _import(tmp_path, AUTHORS_AND_TERMS + first)
    again = _import(tmp_path, AUTHORS_AND_TERMS + first)
    assert (Post.objects.count(), Comment.objects.count()) == (3, 3)
    assert "nothing new" in again and "3 posts" in again

    longer = first + _item(4) + _item(3, comments=_comment(31, parent=30))
    _import(tmp_path, AUTHORS_AND_TERMS + longer)
    assert Post.objects.count() == 4
    added = Comment.objects.get(name="Reader 31")
    assert added.parent == Comment.objects.get(name="Reader 30")


def test_a_dry_run_reports_the_counts_and_writes_nothing(tmp_path):
    output = _import(
        tmp_path, AUTHORS_AND_TERMS + _item(1, comments=_comment(5) + _comment(6)), "--dry-run"
    )
    assert "Dry run: nothing was written" in output
    assert "1 post\n" in output and "2 comments" in output
    assert not Post.everything.exists()
    assert not Comment.objects.exists()
    assert not Category.objects.exists()
    assert not ImportedItem.objects.exists()
    assert not get_user_model().objects.filter(username="adrian").exists()


def test_statuses_keep_pending_private_and_drafts_from_readers(tmp_path, client):
    items = "".join(
        _item(number, status=status, slug=status)
        for number, status in enumerate(
            ["publish", "draft", "pending", "private", "future", "trash", "auto-draft"], start=1
        )
    )
    output = _import(tmp_path, AUTHORS_AND_TERMS + items)
    statuses = dict(Post.everything.values_list("slug", "status"))
    assert statuses == {
        "publish": "published",
        "draft": "draft",
        "pending": "draft",
        "private": "private",
        "future": "published",
    }
    assert "in WordPress's trash" in output and "an empty auto-draft" in output
    assert client.get("/posts/publish/").status_code == 200
    for hidden in ("draft", "pending", "private"):
        assert client.get(f"/posts/{hidden}/").status_code == 404


def test_pages_become_pages_and_a_taken_slug_gets_a_number(tmp_path):
    PostFactory(slug="about")
    _import(tmp_path, AUTHORS_AND_TERMS + _item(8, post_type="page", slug="about"))
    page = Page.objects.get()
    assert page.slug == "about-2"


def test_every_post_can_go_to_one_user(tmp_path):
    owner = UserFactory(username="owner")
    _import(tmp_path, AUTHORS_AND_TERMS + ROCKY_ITEM, "--author", "owner")
    assert Post.objects.get().author == owner
    assert not get_user_model().objects.filter(username="adrian").exists()


def test_an_unknown_author_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        _import(tmp_path, ROCKY_ITEM, "--author", "nobody")


def test_pingbacks_are_kept_as_such_or_left_out_with_a_count(tmp_path):
    linkbacks = _comment(1, kind="pingback") + _comment(2, kind="trackback") + _comment(3)
    _import(tmp_path, _item(1, comments=linkbacks))
    assert sorted(Comment.objects.values_list("kind", flat=True)) == [
        "comment", "pingback", "trackback"
    ]  # fmt: skip

    output = _import(tmp_path, _item(1, comments=linkbacks), "--skip-linkbacks", name="b.xml")
    assert "1 pingbacks" in output and "1 trackbacks" in output


def test_old_wordpress_addresses_lead_to_the_imported_post(tmp_path, client):
    _import(tmp_path, AUTHORS_AND_TERMS + ROCKY_ITEM)
    answer = client.get("/2016/03/14/training-in-russia/")
    assert answer.status_code == 301
    assert answer["Location"] == "/posts/training-in-russia/"
    assert Redirect.objects.filter(old_path="/?p=42").exists()


def test_a_file_that_is_not_an_export_is_one_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"))
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><item>", encoding="utf-8")
    with pytest.raises(CommandError, match="not well-formed"):
        call_command("import_wordpress", str(bad))
    assert not Post.everything.exists()


def test_unknown_tags_and_categories_reuse_what_the_blog_has(tmp_path):
    Category.objects.create(name="Films", slug="films")
    Tag.objects.create(name="Rocky", slug="rocky")
    _import(tmp_path, AUTHORS_AND_TERMS + ROCKY_ITEM)
    assert Category.objects.filter(slug="films").count() == 1
    assert Tag.objects.filter(slug="rocky").count() == 1


def test_many_posts_with_comments_import_in_one_run(tmp_path):
    _import(tmp_path, "".join(many_items(30, comments_each=5)))
    assert Post.objects.count() == 30
    assert Comment.objects.filter(status="approved").count() == 150


def test_an_embedded_video_arrives_named_by_its_caption_or_else_the_posts_title(tmp_path):
    embed = (
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video"} -->'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</div>"
        "<figcaption>Drago &amp; the treadmill</figcaption></figure><!-- /wp:embed -->"
        "\n\nhttps://vimeo.com/76979871"
    )
    item = _item(1).replace("<p>First words of 1.</p>", embed)
    output = _import(tmp_path, item)
    videos = Post.objects.get().videos.order_by("position")
    assert [(video.url, video.title) for video in videos] == [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Drago & the treadmill"),
        ("https://vimeo.com/76979871", "Item 1"),
    ]
    assert "Not imported" not in output


def test_a_page_keeps_all_its_text_as_its_body(tmp_path):
    _import(tmp_path, _item(8, post_type="page", slug="about"))
    page = Page.objects.get()
    assert page.lead == ""
    assert "First words of 8." in page.body and "More of 8." in page.body


def test_an_export_that_numbers_nothing_still_brings_every_post_and_comment_once(tmp_path):
    """Other tools write WXR without wp:post_id or wp:comment_id."""
    unnumbered = "".join(
        f"""<item><title>Loose {n}</title><link>https://old.example.org/loose-{n}/</link>
        <guid isPermaLink="false">https://old.example.org/loose-{n}</guid>
        <content:encoded><![CDATA[<p>Text {n}.</p>]]></content:encoded>
        <wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
        <wp:comment><wp:comment_author>A {n}</wp:comment_author>
            <wp:comment_content>First on {n}</wp:comment_content>
            <wp:comment_approved>1</wp:comment_approved></wp:comment>
        <wp:comment><wp:comment_author>B {n}</wp:comment_author>
            <wp:comment_content>Second on {n}</wp:comment_content>
            <wp:comment_approved>1</wp:comment_approved></wp:comment></item>"""
        for n in (1, 2)
    )
    _import(tmp_path, unnumbered)
    _import(tmp_path, unnumbered)
    assert sorted(Post.objects.values_list("title", flat=True)) == ["Loose 1", "Loose 2"]
    assert Comment.objects.count() == 4


def test_the_report_names_renamed_posts_and_the_old_sites_clock(tmp_path):
    PostFactory(slug="item-1")
    output = _import(tmp_path, _item(1) + _item(2, status="pending"))
    assert "Given a new address here, their own being taken (1):" in output
    assert "item-1 → item-1-2" in output
    assert "1 pending review: imported as drafts" in output
    # _item dates its posts 12:00 there and 10:00 in UTC.
    assert "The old site's clock was UTC+02:00; this site shows times as UTC+00:00" in output


def test_a_post_in_several_categories_keeps_the_others_as_tags_and_odd_tag_slugs_redirect(
    tmp_path, client
):
    terms = (
        '<category domain="category" nicename="films"><![CDATA[Films]]></category>'
        '<category domain="category" nicename="music"><![CDATA[Music]]></category>'
        '<category domain="post_tag" nicename="%f0%9f%94%a5-hot"><![CDATA[🔥 hot]]></category>'
    )
    _import(tmp_path, _item(1, extra=terms))
    post = Post.objects.get()
    assert post.category.slug == "films"
    assert sorted(post.tags.names()) == ["Music", "🔥 hot"]
    tag = post.tags.get(name="🔥 hot")
    answer = client.get("/tag/🔥-hot/")
    assert (answer.status_code, answer["Location"]) == (301, f"/tag/{tag.slug}/")


def test_a_link_in_a_comment_keeps_its_address_beside_its_words(tmp_path, client):
    linked = """<wp:comment><wp:comment_id>7</wp:comment_id>
        <wp:comment_author>Linker</wp:comment_author>
        <wp:comment_content><![CDATA[See <a href="https://films.example/drago">this cut</a> and <a href="https://films.example/">https://films.example/</a>.]]></wp:comment_content>
        <wp:comment_approved>1</wp:comment_approved></wp:comment>"""
    _import(tmp_path, _item(1, comments=linked))
    comment = Comment.objects.get()
    assert comment.text == (
        "See this cut (https://films.example/drago) and https://films.example/."
    )
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert 'href="https://films.example/drago"' in page


def test_block_editor_footnotes_come_along_and_link_both_ways(tmp_path, client):
    content = (
        '<!-- wp:paragraph --><p>Drago<sup data-fn="a1b2" class="fn">'
        '<a href="#a1b2" id="a1b2-link">1</a></sup> trains.</p><!-- /wp:paragraph -->'
        "<!-- wp:footnotes /-->"
    )
    meta = (
        "<wp:postmeta><wp:meta_key>footnotes</wp:meta_key><wp:meta_value><![CDATA["
        '[{"content":"Played by <em>Dolph Lundgren</em>.","id":"a1b2"}]'
        "]]></wp:meta_value></wp:postmeta>"
    )
    item = _item(1, extra=meta).replace("<p>First words of 1.</p>\n\n<p>More of 1.</p>", content)
    _import(tmp_path, item)
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert '<sup id="body-a1b2-link"><a href="#body-a1b2"' in page
    assert '<li id="body-a1b2">Played by <em>Dolph Lundgren</em>. <a href="#body-a1b2-li' in page


@pytest.mark.parametrize(
    "first",
    [
        '[soundcloud url="https://api.soundcloud.com/tracks/293" params="auto_play=false"]',
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    ],
)
def test_a_post_that_opens_with_a_shortcode_or_an_address_gets_no_lead_from_it(tmp_path, first):
    item = _item(1).replace("<p>First words of 1.</p>", f"<p>{first}</p>")
    _import(tmp_path, item)
    post = Post.objects.get()
    assert post.lead == ""
    assert "soundcloud …" in post.body_html or "open.spotify.com" in post.body_html
