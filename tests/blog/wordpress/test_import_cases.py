# ruff: noqa: E501, RUF001  (long lines and curly quotes and dashes, as WordPress writes them)
"""manage.py import_wordpress on exports shaped exactly as WordPress writes them.

The files in ``data/`` are written after real exports: a WordPress 6 site on the block
editor, a WordPress 4 site on the classic editor, and the WXR 1.0 and 1.1 files of
WordPress 3.0 and 3.1. Smaller cases are built with ``exports.export``. What is checked
is what a reader or the author would notice: the post page, the feeds, the report.
"""

import datetime
import gzip
import shutil
from html import unescape
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, execute_from_command_line
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.models import Tag

from blog.models import Category, Page, Post, Redirect, Video
from blog.wordpress import importer
from blog.wordpress.importer import import_export
from blog.wordpress.models import ImportedItem
from blog.wordpress.wxr import Item, read_export
from comments.models import Comment
from site_settings.conf import site_settings
from site_settings.models import SiteSettings
from tests.blog.wordpress.exports import export

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
BLOCK_EDITOR = DATA / "wordpress-6-block-editor.xml"
CLASSIC = DATA / "wordpress-4-classic.xml"
WXR_1_0 = DATA / "wordpress-3.0-wxr-1.0.xml"
WXR_1_1 = DATA / "wordpress-3.1-wxr-1.1.xml"
UTC = datetime.UTC


def _run(path, *args):
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def _run_text(tmp_path, text, *args, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _run(path, *args)


def _page(client, post):
    answer = client.get(post.get_absolute_url())
    assert answer.status_code == 200
    return answer.text


def _post(
    wp_id,
    *,
    title="A post",
    slug="a-post",
    content="<p>Words.</p>",
    extra="",
    comments="",
    guid=None,
    post_type="post",
    status="publish",
):
    """One item as WordPress 6 writes it (everything in CDATA but the numbers)."""
    guid = guid or f"https://old.example.org/?p={wp_id}"
    return f"""
	<item>
		<title><![CDATA[{title}]]></title>
		<link>https://old.example.org/{slug}/</link>
		<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>
		<dc:creator><![CDATA[adrian]]></dc:creator>
		<guid isPermaLink="false">{guid}</guid>
		<description></description>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date><![CDATA[2024-01-01 11:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-01-01 10:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>{extra}{comments}
	</item>"""


def _comment(wp_id, *, parent=0, author=None, text=None, approved="1"):
    return f"""
		<wp:comment>
			<wp:comment_id>{wp_id}</wp:comment_id>
			<wp:comment_author><![CDATA[{author or f"Reader {wp_id}"}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader{wp_id}@example.net]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2024-01-02 11:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2024-01-02 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{text or f"Comment number {wp_id}."}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""


# A WordPress 6 block-editor export


def test_a_block_editor_post_reads_on_the_site_as_it_did_on_wordpress(client):
    _run(BLOCK_EDITOR)
    post = Post.objects.get(slug="hearts-on-fire")
    page = _page(client, post)

    assert post.title == "Hearts on Fire: the montage that outran its film"
    assert post.lead == "Four minutes of snow, sweat and a DX7: no dialogue, and nobody missed it."
    for kept in (
        '<h2 id="body-two-ways-to-train">Two ways to train</h2>',
        "<li>Drago: treadmill, steroids, a lab</li>",
        "<li>Rocky: a barn, a sled, a mountain</li>",
        "<p>I must break you.</p>",
        "<figcaption>The lab, in cold blue</figcaption>",
        "Drago on a treadmill, wired to a screen",
        "Stills from the cut",
        "<em>Training Montage</em> by Vince DiCola",
    ):
        assert kept in post.body_html
    assert "<!-- wp:" not in post.body
    assert "(WordPress block “latest-posts”, not imported)" in page
    assert [video.video_id for video in post.videos.all()] == ["ioE_O7Lm0I4"]
    assert 'data-title="Hearts on Fire: the montage that outran its film"' in page


def test_a_block_editor_export_brings_its_authors_terms_and_flags():
    _run(BLOCK_EDITOR)
    post = Post.objects.get(slug="hearts-on-fire")
    mickey = get_user_model().objects.get(username="mickey")
    assert post.author == mickey and mickey.get_full_name() == "Mickey Goldmill"
    scores = Category.objects.get(slug="film-scores")
    assert post.category == scores
    assert (scores.parent.slug, scores.parent.description) == ("music", "Scores & soundtracks")
    assert scores.description == "Written for the picture, cue by cue."
    assert sorted(post.tags.names()) == ["Synths", "Vince DiCola"]
    assert Tag.objects.filter(slug="vince-dicola").exists()
    assert post.sticky and post.comments_enabled
    assert post.published_at == datetime.datetime(2024, 1, 14, 21, 5, tzinfo=UTC)
    about = Page.objects.get(slug="about")
    assert (about.title, about.comments_enabled, about.menu_position) == (
        "About this site",
        False,
        2,
    )


def test_the_block_editor_exports_report_says_what_was_left_out():
    output = _run(BLOCK_EDITOR)
    assert "7 posts" in output and "1 page" in output and "2 authors" in output
    for line in (
        "1 items of type nav_menu_item",
        "1 items of type wp_global_styles",
        "1 items of type wp_navigation",
        "1 terms of the wp_theme taxonomy",
        "1 password-protected: imported as private",
        "1 block latest-posts",
        "1 block jetpack/slideshow",
        "Attachments recorded, not fetched: 1",
    ):
        assert line in output
    assert "Not imported" not in output


def test_a_vimeo_embed_block_and_a_caption_in_a_shortcode_block_show_on_the_post(client):
    _run(BLOCK_EDITOR)
    post = Post.objects.get(slug="gonna-fly-now-again")
    page = _page(client, post)
    assert [(v.provider, v.video_id) for v in post.videos.all()] == [("vimeo", "76979871")]
    assert post.lead == "Philadelphia runs with him."
    assert "<figcaption>The steps, at dawn</figcaption>" in post.body_html
    assert "The children running behind him through Philadelphia." in page
    assert "Slides of the run" in page


def test_drafts_pending_private_and_password_posts_stay_hidden_from_readers(client):
    _run(BLOCK_EDITOR)
    statuses = dict(Post.everything.values_list("slug", "status"))
    assert statuses["guest-post-adonis-on-bill-conti"] == "draft"  # pending
    assert statuses["notes-for-the-next-post"] == "private"
    assert statuses["the-unreleased-cue"] == "private"  # had a password
    for slug in (
        "guest-post-adonis-on-bill-conti",
        "notes-for-the-next-post",
        "the-unreleased-cue",
        "eye-of-the-tiger-stem-by-stem",
    ):
        assert client.get(f"/posts/{slug}/").status_code == 404
    home = client.get("/").text
    assert "Hearts on Fire" in home
    assert "Behind a password" not in home and "Only logged-in editors" not in home


def test_a_scheduled_post_waits_for_its_time_on_the_page_and_in_the_feed(client):
    _run(BLOCK_EDITOR)
    creed = Post.everything.get(slug="creed-iii-montage")
    assert creed.published_at == datetime.datetime(2031, 6, 1, 8, 0, tzinfo=UTC)
    assert creed.is_scheduled
    assert client.get("/posts/creed-iii-montage/").status_code == 404
    titles = [entry.title for entry in feedparser.parse(client.get("/feed/").content).entries]
    assert "Hearts on Fire: the montage that outran its film" in titles
    assert "Creed III: the montage returns" not in titles


def test_a_draft_with_no_slug_and_no_utc_date_is_dated_in_the_sites_time_zone():
    """WordPress leaves a draft's post_name empty and its post_date_gmt all zeros."""
    SiteSettings.objects.create(title="Montage", time_zone="Europe/Berlin", author_name="Mickey")
    _run(BLOCK_EDITOR)
    draft = Post.everything.get(title="Eye of the Tiger, stem by stem")
    assert draft.slug == "eye-of-the-tiger-stem-by-stem"
    # 23:30 on 10 March 2024 in Berlin (UTC+1) was 22:30 UTC.
    assert draft.published_at == datetime.datetime(2024, 3, 10, 22, 30, tzinfo=UTC)


def test_comments_keep_their_thread_status_and_details_and_readers_see_only_approved(client):
    _run(BLOCK_EDITOR)
    post = Post.objects.get(slug="hearts-on-fire")
    paulie = Comment.objects.get(name="Paulie P.")
    assert (paulie.status, paulie.kind, paulie.parent) == ("approved", "comment", None)
    assert paulie.email == "paulie@meatpacking.example.net"
    assert paulie.url == "https://meatpacking.example.net/"
    assert paulie.ip_address == "203.0.113.40"
    assert paulie.user_agent.startswith("Mozilla/5.0 (X11; Linux x86_64")
    assert paulie.created_at == datetime.datetime(2024, 1, 15, 7, 10, tzinfo=UTC)
    assert paulie.text == "The sled bit still gets me.\nEvery single time."
    reply = Comment.objects.get(name="Mickey Goldmill")
    assert (reply.parent, reply.is_author) == (paulie, True)
    assert Comment.objects.get(name="Spike").status == "pending"
    assert Comment.objects.get(name="Binned").status == "trash"
    assert Comment.objects.get(kind="pingback").status == "approved"

    page = _page(client, post)
    assert "The sled bit still gets me." in page
    assert "It was filmed in Wyoming" in page and '<span class="badge">Author</span>' in page
    assert "Still waiting for moderation" not in page
    assert "Thrown away by the moderator" not in page
    assert "paulie@meatpacking.example.net" not in page


def _counts():
    """How many of each thing an import writes are here."""
    written = (Post.everything, Comment.objects, Video.objects, Category.objects, Tag.objects)
    return [manager.count() for manager in (*written, Redirect.objects, get_user_model().objects)]


def test_running_the_same_export_again_changes_nothing():
    _run(BLOCK_EDITOR)
    counts = _counts()
    again = _run(BLOCK_EDITOR)
    assert "nothing new" in again
    assert _counts() == counts


def test_a_dry_run_of_a_whole_export_reports_it_and_writes_nothing():
    output = _run(BLOCK_EDITOR, "--dry-run")
    assert "Dry run: nothing was written" in output and "7 posts" in output
    assert not Post.everything.exists()
    assert not Video.objects.exists() and not Redirect.objects.exists()
    assert not Tag.objects.exists() and not Category.objects.exists()
    assert not get_user_model().objects.exists()


def test_old_addresses_of_the_block_editor_site_lead_to_the_imported_posts(client):
    _run(BLOCK_EDITOR)
    assert client.get("/2024/01/hearts-on-fire/")["Location"] == "/posts/hearts-on-fire/"
    assert client.get("/about/").status_code == 200
    assert not Redirect.objects.filter(old_path="/2031/06/creed-iii-montage/").exists()


# A WordPress 4 classic-editor export


def test_a_classic_post_gets_its_paragraphs_figure_and_videos(client):
    output = _run(CLASSIC)
    post = Post.objects.get(slug="gonna-fly-now")
    page = _page(client, post)
    assert post.lead == "The run starts in the dark. Then the sun comes up over the steps."
    assert (
        "<p>Rocky's *not* a sprinter, and <strong>this</strong> isn't a race.</p>"
        in post.body_html
    )
    assert "<figcaption>The Philadelphia Museum of Art, 72 steps</figcaption>" in post.body_html
    assert "The museum steps" in page
    assert [(v.provider, v.video_id) for v in post.videos.all()] == [
        ("youtube", "_YYmfM2TfUA"),  # the address alone on its line
        ("vimeo", "148751763"),  # [embed]
        ("youtube", "btPJPFnesV4"),  # Jetpack's [youtube]
    ]
    assert "youtube.com" not in post.body and "[embed]" not in post.body
    assert "Keep reading the breakdown" not in page
    assert "Write in: [contact-form-7 …]" in page and "Contact form 1" not in page
    assert '<!-- [contact-form-7 id="12" title="Contact form 1"] -->' in post.body
    assert "2 shortcode [contact-form-7]" in output
    assert post.published_at == datetime.datetime(2018, 3, 1, 14, 0, tzinfo=UTC)
    assert post.author.get_full_name() == 'Tony "Duke" Evers'


def test_a_page_shows_all_of_its_text(client):
    """A page has no lead: its first paragraph stays in its body."""
    _run(BLOCK_EDITOR)
    page = _page(client, Page.objects.get(slug="about"))
    assert "One old trainer writing about the music of training montages." in page
    assert "Write to me through the form below." in page


def test_a_classic_post_that_opens_with_a_captioned_picture_keeps_the_picture(client):
    _run(CLASSIC)
    post = Post.objects.get(slug="apollos-glove")
    assert post.title == "Apollo’s glove"
    page = _page(client, post)
    assert "A red glove" in page
    assert "<figcaption>Apollo's glove, left on the ropes</figcaption>" in post.body_html
    assert "Some pictures say the whole thing." in page


def test_replies_five_deep_keep_their_thread_on_the_post_page(client):
    _run(CLASSIC)
    post = Post.objects.get(slug="gonna-fly-now")
    deepest = Comment.objects.get(name="Level 5 reader")
    chain = []
    comment = deepest
    while comment is not None:
        chain.append(comment.name)
        comment = comment.parent
    assert chain == [f"Level {depth} reader" for depth in range(5, 0, -1)]

    page = _page(client, post)
    positions = [page.index(f"Reply at depth {depth}.") for depth in range(1, 6)]
    assert positions == sorted(positions)
    thread = page[page.index("Reply at depth 1.") : page.index("Reply at depth 5.")]
    assert thread.count('<ol class="comment-list comment-list--replies">') == 4


def test_a_trackback_is_kept_as_one_or_left_out_with_a_count(tmp_path):
    _run(CLASSIC)
    trackback = Comment.objects.get(kind="trackback")
    assert trackback.url == "http://fansite.example.org/tiger/"
    assert "The song that made the band…" in trackback.text

    Post.everything.all().delete()
    Comment.objects.all().delete()
    ImportedItem.objects.all().delete()
    output = _run(CLASSIC, "--skip-linkbacks")
    assert "1 trackbacks" in output
    assert not Comment.objects.filter(kind="trackback").exists()
    assert Comment.objects.count() == 5


# WordPress 3: WXR 1.0 and 1.1


@pytest.mark.parametrize("path", [WXR_1_0, WXR_1_1], ids=["wxr-1.0", "wxr-1.1"])
def test_a_wordpress_3_export_arrives_whole(path, client):
    output = _run(path)
    post = Post.objects.get(slug="contis-fanfare")
    assert post.title == "Conti’s fanfare"
    assert post.lead == "Three trumpets, then the whole orchestra."
    assert post.category.slug == "montages" and post.category.parent.slug == "films"
    assert post.category.parent.description == "Whole films, scene by scene"
    assert sorted(post.tags.names()) == ["Bill Conti", "brass"]
    assert post.published_at == datetime.datetime(2010, 11, 15, 19, 45, 10, tzinfo=UTC)
    frank = Comment.objects.get()
    assert frank.text == "That first note is a B flat, I'm sure of it."
    assert Page.objects.get().slug == "about"
    assert "Not imported" not in output
    page = _page(client, post)
    assert "Bill Conti" in page and "I&#x27;m sure of it" in page


def test_a_wordpress_com_export_under_the_https_namespace_is_read(tmp_path):
    text = export(_post(1, title="From WordPress.com")).replace(
        "http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2/"
    )
    _run_text(tmp_path, text)
    assert Post.objects.get().title == "From WordPress.com"


# Text and identifiers as real exports carry them


def test_non_ascii_text_survives_in_every_field(tmp_path, client):
    terms = """
	<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[adrian]]></wp:author_login><wp:author_email><![CDATA[adrian@old.example.org]]></wp:author_email><wp:author_display_name><![CDATA[Adriàn Pennino-Bálboa]]></wp:author_display_name><wp:author_first_name><![CDATA[Adriàn]]></wp:author_first_name><wp:author_last_name><![CDATA[Bálboa]]></wp:author_last_name></wp:author>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[musique-de-film]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Musique de film – été]]></wp:cat_name><wp:category_description><![CDATA[Ça swingue 🎺]]></wp:category_description></wp:category>
	<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug><![CDATA[%e6%9d%b1%e4%ba%ac]]></wp:tag_slug><wp:tag_name><![CDATA[東京]]></wp:tag_name></wp:tag>"""
    item = _post(
        7,
        title="Rocky à Moscou — «Гонка» ♪ 東京",
        slug="rocky-%c3%a0-moscou-%e2%99%aa",
        content="<!-- wp:paragraph --><p>Ünïcödé: עברית, 東京, 🎵 and “quotes”.</p><!-- /wp:paragraph -->",
        extra='<category domain="category" nicename="musique-de-film"><![CDATA[Musique de film – été]]></category>'
        '<category domain="post_tag" nicename="%e6%9d%b1%e4%ba%ac"><![CDATA[東京]]></category>',
        comments=_comment(70, author="Zoë Ølsen 🥊", text="Très bien — отлично!"),
    )
    excerpt = "<excerpt:encoded><![CDATA[Der Läufer im Schnee ❄]]>"
    body = terms + item.replace("<excerpt:encoded><![CDATA[]]>", excerpt)
    _run_text(tmp_path, export(body))
    post = Post.objects.get()
    assert post.title == "Rocky à Moscou — «Гонка» ♪ 東京"
    assert post.slug == "rocky-a-moscou"
    assert post.lead == "Der Läufer im Schnee ❄"
    assert post.author.get_full_name() == "Adriàn Pennino-Bálboa"
    assert post.category.name == "Musique de film – été"
    assert post.category.description == "Ça swingue 🎺"
    page = _page(client, post)
    for shown in (
        "Rocky à Moscou — «Гонка» ♪ 東京",
        "Ünïcödé: עברית, 東京, 🎵 and “quotes”.",
        "Zoë Ølsen 🥊",
        "Très bien — отлично!",
        "Adriàn Pennino-Bálboa",
    ):
        assert shown in page
    tag = Tag.objects.get()
    assert (tag.name, tag.slug) == ("東京", "東京")
    assert "Rocky à Moscou" in client.get(f"/tag/{tag.slug}/").text
    assert client.get("/rocky-%C3%A0-moscou-%E2%99%AA/").status_code == 301


def test_categories_named_only_in_cyrillic_or_japanese_stay_apart(tmp_path, client):
    """WordPress keeps such a slug percent-encoded; nothing of it is ASCII."""
    music, films, scores = (
        "%d0%bc%d1%83%d0%b7%d1%8b%d0%ba%d0%b0",
        "%e6%98%a0%e7%94%bb",
        "%e9%9f%b3%e6%a5%bd",
    )
    terms = f"""
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[{music}]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Музыка]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[{films}]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[映画]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename><![CDATA[{scores}]]></wp:category_nicename><wp:category_parent><![CDATA[{music}]]></wp:category_parent><wp:cat_name><![CDATA[音楽]]></wp:cat_name></wp:category>"""
    items = _post(
        1,
        title="Film",
        slug="film",
        extra=f'<category domain="category" nicename="{films}"><![CDATA[映画]]></category>',
    ) + _post(
        2,
        title="Score",
        slug="score",
        extra=f'<category domain="category" nicename="{scores}"><![CDATA[音楽]]></category>',
    )
    _run_text(tmp_path, export(terms + items))
    assert sorted(Category.objects.values_list("name", flat=True)) == ["Музыка", "映画", "音楽"]
    film, score = Post.objects.get(slug="film"), Post.objects.get(slug="score")
    assert (film.category.name, score.category.name) == ("映画", "音楽")
    assert score.category.parent.name == "Музыка"
    assert "Film" in client.get(film.category.get_absolute_url()).text


def test_cdata_that_holds_its_own_end_marker_comes_through_whole(tmp_path, client):
    """WordPress splits ``]]>`` across two sections: ``]]]]><![CDATA[>``."""
    content = "<p>Use <code>&lt;![CDATA[ x ]]&gt;</code> or write ]]]]><![CDATA[> as is.</p>"
    _run_text(tmp_path, export(_post(1, title="Ends ]]]]><![CDATA[> here", content=content)))
    post = Post.objects.get()
    assert post.title == "Ends ]]> here"
    assert "write ]]&gt; as is." in _page(client, post)


def test_an_item_with_no_title_is_imported_and_reachable(tmp_path, client):
    output = _run_text(tmp_path, export(_post(1, title="", slug="")))
    post = Post.objects.get()
    assert post.title == "(untitled)"
    assert post.slug == "post-1"
    assert "Words." in _page(client, post)
    assert "Not imported" not in output


def test_duplicate_slugs_each_get_their_own_address(tmp_path, client):
    """WordPress lets a draft, a page and a post share a slug; Montage's share one space."""
    items = (
        _post(1, title="Montage", slug="montage", content="<p>The post.</p>")
        + _post(
            2, title="Montage page", slug="montage", content="<p>The page.</p>", post_type="page"
        )
        + _post(
            3, title="Montage draft", slug="montage", content="<p>The draft.</p>", status="draft"
        )
    )
    _run_text(tmp_path, export(items))
    slugs = dict(Post.everything.values_list("title", "slug"))
    assert slugs == {
        "Montage": "montage",
        "Montage page": "montage-2",
        "Montage draft": "montage-3",
    }
    assert "The post." in client.get("/posts/montage/").text
    assert "The page." in client.get("/montage-2/").text
    assert "The draft." not in client.get("/montage-3/").text


def test_a_plain_wordpress_address_leads_to_the_imported_post(tmp_path, client):
    """WordPress's default "Plain" permalinks are /?p=N and /?page_id=N."""
    _run_text(tmp_path, export(_post(1, slug="hello") + _post(2, slug="about", post_type="page")))
    assert client.get("/?p=1").get("Location") == "/posts/hello/"
    assert client.get("/?page_id=2").get("Location") == "/about/"


def test_two_posts_sharing_a_guid_both_arrive(tmp_path):
    """WordPress.com's "copy post" keeps the original's guid (the Theme Unit Test has two)."""
    guid = "https://old.example.org/?p=568"
    items = _post(568, title="Image", slug="image", guid=guid) + _post(
        1158, title="Image (linked)", slug="image-linked", guid=guid
    )
    _run_text(tmp_path, export(items))
    assert sorted(Post.objects.values_list("title", flat=True)) == ["Image", "Image (linked)"]
    again = _run_text(tmp_path, export(items), name="again.xml")
    assert Post.objects.count() == 2 and "2 posts" in again


# Comments by the hundred


def test_a_post_with_no_comments_shows_none(tmp_path, client):
    _run_text(tmp_path, export(_post(1)))
    post = Post.objects.get()
    assert not Comment.objects.exists()
    assert "0 comments" in _page(client, post)


def test_two_thousand_comments_import_in_a_bounded_number_of_queries(
    tmp_path, django_assert_max_num_queries
):
    """Each other comment replies to the one before: the thread is built in bulk too."""
    comments = "".join(
        _comment(10_000 + n, parent=10_000 + n - 1 if n % 2 else 0) for n in range(2000)
    )
    path = tmp_path / "busy.xml"
    path.write_text(export(_post(1, comments=comments)), encoding="utf-8")
    # 155 on SQLite: about 60 record the site's and the post's old addresses, and the
    # 999-variable limit splits each bulk write into batches of 50 or so comments. A
    # query per comment would be thousands.
    with django_assert_max_num_queries(170):
        report = import_export(path)
    assert report.created["comment"] == 2000 and not report.failed
    assert Comment.objects.filter(parent__isnull=False).count() == 1000
    assert Comment.objects.get(name="Reader 10001").parent.name == "Reader 10000"


# A bad item, and files that are not exports


def _second_posts_comment_raises(monkeypatch, error):
    """Item 2's comment fails as it is written: after its post, tags and old address."""
    real = importer.render_comment_text

    def failing(text):
        if text == "Comment number 20.":
            raise error
        return real(text)

    monkeypatch.setattr(importer, "render_comment_text", failing)
    return real


def test_an_item_that_fails_leaves_nothing_behind_and_the_rest_arrive(tmp_path, monkeypatch):
    """The failure comes after the post, its tags and its old address were written."""
    real = _second_posts_comment_raises(monkeypatch, ValueError("the comments table is full"))
    tag = '<category domain="post_tag" nicename="rocky"><![CDATA[Rocky]]></category>'
    items = "".join(
        _post(n, title=f"Post {n}", slug=f"post-{n}", extra=tag, comments=_comment(n * 10))
        for n in (1, 2, 3)
    )
    output = _run_text(tmp_path, export(items))
    assert sorted(Post.everything.values_list("slug", flat=True)) == ["post-1", "post-3"]
    assert Comment.objects.count() == 2
    assert not Redirect.objects.filter(new_path="/posts/post-2/").exists()
    assert not ImportedItem.objects.filter(kind="post", wp_key="2").exists()
    assert "item 2: the comments table is full" in output

    monkeypatch.setattr(importer, "render_comment_text", real)
    _run_text(tmp_path, export(items))
    assert Post.objects.count() == 3 and Comment.objects.count() == 3
    assert Post.objects.get(slug="post-2").tags.names()[0] == "Rocky"


_LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))


def _truncated_export():
    whole = BLOCK_EDITOR.read_text(encoding="utf-8")
    return whole[: whole.index("<wp:comment_content>")]


HOSTILE = {
    "empty": ("", "not well-formed XML at line 1"),
    "html": ("<!doctype html><html><body>Log in</body></html>", "not well-formed XML at line 1"),
    "xhtml": (
        '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><body/></html>',
        "declares a DTD",
    ),
    "another root": ("<feed><entry/></feed>", "its root is not <rss>"),
    "rss feed": (
        '<rss version="2.0"><channel><title>A feed</title><item><title>Hi</title></item></channel></rss>',
        "an RSS feed, not a WordPress export",
    ),
    "cdata not split": (
        export(_post(1, content="nested <![CDATA[ tags ]]> :)")),
        "not well-formed XML",
    ),
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>&x;</title></channel></rss>',
        "refused unread",
    ),
    "billion laughs": (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{_LAUGHS}]>'
        '<rss version="2.0"><channel><title>&lol9;</title></channel></rss>',
        "refused unread",
    ),
}


@pytest.mark.parametrize(("text", "says"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_file_that_is_not_a_usable_export_is_one_clear_error_and_imports_nothing(
    tmp_path, text, says
):
    with pytest.raises(CommandError) as raised:
        _run_text(tmp_path, text)
    message = str(raised.value)
    assert says in message and "\n" not in message
    assert "passwd" not in message and "lol" not in message
    assert not Post.everything.exists() and not get_user_model().objects.exists()


def test_a_truncated_export_stops_with_one_line_and_a_whole_one_completes_it(tmp_path):
    """Each item is its own transaction: what came before the cut is whole, the item cut
    through is not there at all, and running the whole file brings the rest."""
    with pytest.raises(CommandError) as raised:
        _run_text(tmp_path, _truncated_export())
    assert "truncated" in str(raised.value) and "\n" not in str(raised.value)
    assert "What came before that point is imported" in str(raised.value)
    assert get_user_model().objects.filter(username="mickey").exists()
    assert not Post.everything.exists() and not Comment.objects.exists()

    _run(BLOCK_EDITOR)
    assert Post.everything.count() == 8
    assert Post.objects.get(slug="hearts-on-fire").comments.count() == 5


def test_a_compressed_export_is_refused(tmp_path):
    packed = tmp_path / "export.xml.gz"
    with BLOCK_EDITOR.open("rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    with pytest.raises(CommandError, match="not well-formed XML at line 1, column 1"):
        _run(packed)


def test_the_command_exits_non_zero_with_one_line_on_stderr(tmp_path, capsys):
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><item>", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_wordpress", str(bad)])
    assert exited.value.code != 0
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("CommandError: ") and "not well-formed XML" in error


# What a held-out export is checked against: every post and page, item by item


# WordPress's statuses as Montage's: pending and private are never shown to readers.
STATUSES = {
    "publish": "published",
    "future": "published",
    "draft": "draft",
    "pending": "draft",
    "private": "private",
}


def _expected(path):
    for entry in read_export(path):
        is_shown_kind = isinstance(entry, Item) and entry.post_type in ("post", "page")
        if is_shown_kind and entry.status in STATUSES:
            yield entry


@pytest.mark.parametrize("path", [BLOCK_EDITOR, CLASSIC, WXR_1_0, WXR_1_1], ids=lambda p: p.stem)
def test_every_post_and_page_matches_its_source_item(path):
    _run(path)
    by_wp_id = {
        int(record.wp_key): Post.everything.get(pk=record.object_id)
        for record in ImportedItem.objects.filter(kind="post")
    }
    expected = list(_expected(path))
    # A date given only in the old site's time is read on its clock, which the items
    # that give both show; without any, on this site's.
    zone = ZoneInfo(site_settings().time_zone)
    both = next((item for item in expected if item.date and item.date_gmt), None)
    clock = datetime.timezone(both.date - both.date_gmt.replace(tzinfo=None)) if both else zone
    assert sorted(by_wp_id) == sorted(item.wp_id for item in expected)
    for item in expected:
        post = by_wp_id[item.wp_id]
        assert post.title == unescape(strip_tags(item.title))
        assert post.kind == item.post_type
        assert post.status == ("private" if item.password else STATUSES[item.status])
        moment = item.date_gmt or timezone.make_aware(item.date, clock)
        assert post.published_at == moment
        tags = {term.name for term in item.terms if term.taxonomy == "post_tag"}
        assert set(post.tags.names()) == tags
        assert post.comments.count() == len(item.comments)


def test_an_item_that_meets_a_bug_is_reported_and_the_rest_arrive(tmp_path, monkeypatch, caplog):
    _second_posts_comment_raises(monkeypatch, KeyError("surprise"))
    items = "".join(_post(n, slug=f"post-{n}", comments=_comment(n * 10)) for n in (1, 2, 3))
    output = _run_text(tmp_path, export(items))
    assert Post.everything.count() == 2
    assert "item 2: KeyError: 'surprise'" in output
    assert "Traceback" not in output
    assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)
