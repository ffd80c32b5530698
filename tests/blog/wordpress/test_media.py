"""--media: the old site's uploads folder gives posts their posters and pictures, offline."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from tests.blog.images import image_bytes
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, export

pytestmark = pytest.mark.django_db

UPLOADS = "https://old.example.org/wp-content/uploads"

POST = f"""
	<item><title>Snow</title><link>https://old.example.org/snow/</link>
		<dc:creator>adrian</dc:creator>
		<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>Rocky in the snow.</p>
<!-- /wp:paragraph -->

<!-- wp:image {{"id":51}} -->
<figure class="wp-block-image"><a href="{UPLOADS}/2016/03/barn.jpg"><img src="{UPLOADS}/2016/03/barn-1024x576.jpg" alt="The barn" class="wp-image-51"/></a><figcaption class="wp-element-caption">Where he trains</figcaption></figure>
<!-- /wp:image -->

<!-- wp:paragraph -->
<p>An inline <img src="{UPLOADS}/2016/03/barn.jpg" alt="again"> and a lost <img src="{UPLOADS}/2016/03/lost.jpg" alt="lost">.</p>
<!-- /wp:paragraph -->

[gallery ids="51,52"]]]></content:encoded>
		<wp:post_id>50</wp:post_id><wp:post_date>2016-03-14 10:30:00</wp:post_date>
		<wp:post_name>snow</wp:post_name><wp:status>publish</wp:status>
		<wp:post_type>post</wp:post_type>
		<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>52</wp:meta_value></wp:postmeta>
	</item>
	<item><title>barn</title><wp:post_id>51</wp:post_id><wp:post_parent>50</wp:post_parent>
		<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
		<wp:attachment_url>{UPLOADS}/2016/03/barn.jpg</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2016/03/barn.jpg</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>The barn</wp:meta_value></wp:postmeta>
	</item>
	<item><title>Drago</title><excerpt:encoded><![CDATA[Drago in the lab]]></excerpt:encoded>
		<wp:post_id>52</wp:post_id><wp:post_parent>50</wp:post_parent>
		<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
		<wp:attachment_url>{UPLOADS}/2016/03/drago.png</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2016/03/drago.png</wp:meta_value></wp:postmeta>
	</item>
"""  # noqa: E501


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads" / "2016" / "03"
    folder.mkdir(parents=True)
    (folder / "barn.jpg").write_bytes(image_bytes("JPEG", size=(1600, 900)))
    (folder / "barn-1024x576.jpg").write_bytes(image_bytes("JPEG", size=(1024, 576)))
    (folder / "drago.png").write_bytes(image_bytes("PNG", size=(800, 450)))
    return tmp_path / "uploads"


def _import(tmp_path, *args):
    path = tmp_path / "export.xml"
    path.write_text(export(AUTHORS_AND_TERMS + POST), encoding="utf-8")
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_featured_image_becomes_the_poster_and_body_images_the_posts_pictures(
    tmp_path, uploads, client
):
    output = _import(tmp_path, "--media", str(uploads))
    post = Post.objects.get()
    assert post.poster and post.poster_width == 800
    assert post.poster_alt == "Drago in the lab"
    barn, drago = post.pictures.all()
    # The original is taken over WordPress's resized copy, once for all its uses.
    assert (barn.width, barn.alt, barn.caption) == (1600, "The barn", "Where he trains")
    assert drago.caption == "Drago in the lab"
    assert 'src="image:1"' in post.body and 'src="image:2"' in post.body
    assert "[gallery" not in post.body and "<p><p>" not in post.body

    page = client.get(post.get_absolute_url()).content.decode()
    assert "<figcaption>Where he trains</figcaption>" in page
    assert barn.image.url in page and "old.example.org/wp-content" not in page.split("lost")[0]
    assert "/posts/snow/: 2016/03/lost.jpg" in output and "Not found in the media folder" in output
    assert output.count("lost.jpg") == 1 and "1 poster" in output and "2 pictures" in output
    # A link to the old file, resized copy or original, opens the picture here.
    for old in ("barn.jpg", "barn-1024x576.jpg"):
        answer = client.get(f"/wp-content/uploads/2016/03/{old}")
        assert (answer.status_code, answer["Location"]) == (301, barn.image.url)


def test_without_media_the_gallery_names_the_old_files_and_nothing_is_fetched(tmp_path):
    _import(tmp_path)
    post = Post.objects.get()
    assert not post.poster and not post.pictures.exists()
    assert f'<img src="{UPLOADS}/2016/03/barn.jpg" alt="The barn">' in post.body
    assert f'<img src="{UPLOADS}/2016/03/drago.png" alt="Drago in the lab">' in post.body


def test_a_file_that_is_not_a_picture_is_listed_and_the_post_still_imports(tmp_path, uploads):
    (uploads / "2016" / "03" / "drago.png").write_bytes(b"not a picture at all")
    output = _import(tmp_path, "--media", str(uploads))
    post = Post.objects.get()
    assert not post.poster
    assert post.pictures.count() == 1
    assert "/posts/snow/: 2016/03/drago.png (This file is not an image" in output


def test_a_dry_run_with_media_stores_no_file(tmp_path, uploads, settings):
    output = _import(tmp_path, "--media", str(uploads), "--dry-run")
    assert not Post.everything.exists()
    assert not (settings.MEDIA_ROOT / "pictures").exists()
    assert not (settings.MEDIA_ROOT / "posters").exists()
    assert "Dry run" in output


def test_a_media_folder_that_is_not_there_is_one_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        _import(tmp_path, "--media", str(tmp_path / "nowhere"))


def test_an_address_cannot_reach_outside_the_media_folder(tmp_path, uploads):
    (tmp_path / "secret.jpg").write_bytes(image_bytes("JPEG"))
    from blog.wordpress.media import MediaFolder

    folder = MediaFolder(uploads)
    assert folder.file_for(f"{UPLOADS}/../../secret.jpg") is None
    assert folder.file_for("../secret.jpg") is None
    assert folder.file_for("/etc/passwd") is None
    assert folder.file_for(f"{UPLOADS}/2016/03/barn.jpg") == uploads / "2016/03/barn.jpg"
