"""Pictures in the body: uploaded like posters, put in place by ``![](image:N)``, and
no image from another site ever loads on the page."""

import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from reversion.models import Version

from blog.models import Picture, Post
from tests.blog.admin_forms import form_values, post_form_data
from tests.blog.images import exif_with_gps, image_bytes, image_upload
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _with_pictures(author, *uploads, **overrides):
    """The add-post form with these pictures in its Pictures rows."""
    data = post_form_data(author, **overrides)
    data.update({"pictures-TOTAL_FORMS": str(len(uploads)), "pictures-INITIAL_FORMS": "0"})
    for index, (upload, alt, caption) in enumerate(uploads):
        data.update(
            {
                f"pictures-{index}-image": upload,
                f"pictures-{index}-alt": alt,
                f"pictures-{index}-caption": caption,
            }
        )
    return data


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _header_only_png(width, height):
    """A PNG that claims a size in its header and holds almost no pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + _png_chunk(b"IEND", b"")
    )


def _picture(post, **fields):
    defaults = {"image": ContentFile(image_bytes(), name="run.jpg"), "alt": "Rocky runs"}
    return Picture.objects.create(post=post, **{**defaults, **fields})


def test_a_picture_uploaded_with_the_post_shows_where_the_body_puts_it(client, author):
    """Numbered on save, re-encoded, offered in two formats, sized, lazy, captioned."""
    body = "Before the run.\n\n![](image:1)\n\nAfter the run."
    data = _with_pictures(
        author,
        (image_upload("mountain.jpg"), "Rocky on the summit", "The top of the mountain"),
        body=body,
    )
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    picture = Post.objects.get().pictures.get()
    assert picture.number == 1
    assert default_storage.exists(picture.image.name)

    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    figure = page.split('<figure class="picture">')[1].split("</figure>")[0]
    assert 'type="image/webp"' in figure and " 960w" in figure
    assert 'width="1000" height="562"' in figure
    assert 'alt="Rocky on the summit"' in figure
    assert 'loading="lazy"' in figure
    assert "<figcaption>The top of the mountain</figcaption>" in figure
    assert page.index("Before the run.") < page.index('<figure class="picture">')


def test_alt_text_in_the_reference_replaces_the_pictures_own(client):
    post = PostFactory()
    _picture(post)
    post.body = "![The last step](image:1)"
    post.save()
    assert 'alt="The last step"' in post.body_html


def test_a_picture_inside_a_sentence_has_no_caption_and_keeps_the_sentence(client):
    post = PostFactory()
    _picture(post, caption="Not here")
    post.body = "He runs ![](image:1) up the hill."
    post.save()
    assert post.body_html.startswith("<p>He runs <picture>")
    assert "up the hill.</p>" in post.body_html
    assert "Not here" not in post.body_html


def test_pictures_keep_their_numbers_when_an_earlier_one_is_deleted():
    post = PostFactory()
    first, second = _picture(post), _picture(post, alt="The second")
    first.delete()
    third = _picture(post, alt="The third")
    assert (second.number, third.number) == (2, 3)


def test_adding_or_deleting_a_picture_shows_on_the_next_view(client):
    post = PostFactory(body="![](image:1)")
    url = post.get_absolute_url()
    assert "<figure" not in client.get(url).content.decode()
    picture = _picture(post)
    assert '<figure class="picture">' in client.get(url).content.decode()
    picture.delete()
    assert "<figure" not in client.get(url).content.decode()


def test_a_deleted_pictures_files_go_after_commit(django_capture_on_commit_callbacks):
    picture = _picture(PostFactory())
    files = [picture.image.name] + [path for path, _w in picture.renditions["jpg"]]
    with django_capture_on_commit_callbacks(execute=True):
        picture.delete()
    assert not any(default_storage.exists(name) for name in files)


def test_deleting_a_post_deletes_its_pictures_files(django_capture_on_commit_callbacks):
    post = PostFactory()
    picture = _picture(post)
    files = [picture.image.name] + [path for path, _w in picture.renditions["webp"]]
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert not any(default_storage.exists(name) for name in files)


def test_a_picture_is_stored_without_its_location(client, author):
    data = _with_pictures(
        author, (image_upload("gps.jpg", data=image_bytes(exif=exif_with_gps())), "A street", "")
    )
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    picture = Picture.objects.get()
    with default_storage.open(picture.image.name) as stored, Image.open(stored) as image:
        assert not image.getexif()


def test_a_picture_needs_alt_text_and_the_form_keeps_the_rest(client, author):
    data = _with_pictures(author, (image_upload(), "", "A caption kept"), body="Kept body.")
    response = client.post(reverse("admin:blog_post_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Kept body." in page and "A caption kept" in page
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "refusal"),
    [
        (b"plain words, no picture" * 20, "notes.jpg", "This file is not an image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
            "drawing.svg",
            "This file is not an image",
        ),
        (image_bytes(size=(1, 1)), "pixel.jpg", "images need at least 50 pixels on each side"),
        (_header_only_png(30_000, 30_000), "huge.png", "too many pixels"),
    ],
    ids=["not-an-image", "svg", "one-pixel", "30000-square-header-only"],
)
def test_a_bad_picture_upload_is_refused_clearly(client, author, data, name, refusal):
    upload = image_upload(name, data=data)
    form = _with_pictures(author, (upload, "Alt", ""), body="Kept body.")
    response = client.post(reverse("admin:blog_post_add"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert refusal in page
    assert "Kept body." in page
    assert not Picture.objects.exists()


def test_an_image_from_another_site_is_refused_at_save_with_what_to_do(client, author):
    data = post_form_data(author, body="Look: ![x](https://example.com/a.jpg)")
    response = client.post(reverse("admin:blog_post_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The body shows an image from another site (https://example.com/a.jpg)" in page
    assert "Upload it under Pictures" in page
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "![Old site](https://old.example.com/wp-content/uploads/a.jpg)",
        '<img src="//old.example.com/a.jpg" alt="Old site">',
        '<img src="/\\old.example.com/a.jpg" alt="Old site">',
        '<img src="https://old.example.com/a.jpg" srcset="//old.example.com/b.jpg 2x">',
        '<picture><source srcset="//old.example.com/a.webp"><img src="/local.jpg"></picture>',
    ],
    ids=["markdown", "protocol-relative", "backslash", "srcset", "source"],
)
def test_the_page_never_loads_an_image_from_another_site(client, body):
    """A post saved without the form (an import, say) shows such an image as a link."""
    post = PostFactory(body=body)
    page = client.get(post.get_absolute_url()).content.decode()
    article = page.split('<div class="prose">')[1].split("</div>")[0]
    assert "old.example.com" not in " ".join(
        tag for tag in article.split("<") if tag.startswith(("img", "source"))
    )
    if "a.jpg" in body and "/local.jpg" not in body:
        assert 'class="outside-image"' in article
        assert "(old.example.com)" in article


def test_an_image_on_this_site_loads_lazily(client):
    post = PostFactory(body="![Kept](/media/old/a.jpg)")
    assert '<img loading="lazy" decoding="async" alt="Kept" src="/media/old/a.jpg">' in (
        post.body_html
    )


def test_saving_warns_when_the_body_puts_in_a_picture_the_post_does_not_have(client, author):
    data = post_form_data(author, body="![](image:4)")
    response = client.post(reverse("admin:blog_post_add"), data, follow=True)
    page = response.content.decode()
    assert "The body puts in picture 4, which this post does not have" in page
    assert Post.objects.exists()


def test_a_preview_leaves_new_pictures_out_and_writes_no_file(client, author, settings):
    data = _with_pictures(
        author, (image_upload(), "Alt", ""), body="![](image:1)", _preview="Preview"
    )
    response = client.post(reverse("admin:blog_post_add"), data)
    assert "New pictures show once you save." in response.content.decode()
    assert not Picture.objects.exists()
    assert not (settings.MEDIA_ROOT / "pictures").exists()


def test_the_change_form_says_how_to_put_each_picture_in_the_body(client, author):
    post = PostFactory(author=author)
    _picture(post)
    page = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "<code>![](image:1)</code>" in page


def test_restoring_an_old_body_keeps_todays_pictures(client, author):
    data = _with_pictures(author, (image_upload(), "Alt", ""), body="![](image:1)")
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    post = Post.objects.get()
    url = reverse("admin:blog_post_change", args=[post.pk])
    form = form_values(client.get(url).content.decode(), "post_form")
    form["body"] = "No picture now."
    assert client.post(url, form).status_code == 302
    first = Version.objects.get_for_object(post).last()
    revert_url = reverse("admin:blog_post_revision", args=[post.pk, first.pk])
    restore = form_values(client.get(revert_url).content.decode(), "post_form")
    assert client.post(revert_url, restore).status_code == 302
    post.refresh_from_db()
    assert post.pictures.count() == 1
    assert '<figure class="picture">' in post.body_html


def test_a_closing_bracket_in_alt_text_stays_text(client):
    """Alt text is data however it is written: nothing in it becomes markup."""
    post = PostFactory(body="![x><script>alert(1)</script>](https://e.example/a.jpg)")
    assert "<script>" not in post.body_html
    assert "Image: x&gt;&lt;script&gt;" in post.body_html


def test_an_outside_image_inside_a_link_leaves_one_working_link():
    post = PostFactory(body="[![The barn](https://e.example/a.jpg)](https://e.example/)")
    assert post.body_html == (
        '<p><a href="https://e.example/" rel="noopener">Image: The barn (e.example)</a></p>'
    )


def test_a_picture_reference_works_in_an_image_only():
    """``[x](image:1)`` is not a link to anything: it is dropped, and saving says so."""
    post = PostFactory()
    _picture(post)
    post.body = "See [the picture](image:1)."
    post.save()
    assert "image:1" not in post.body_html


def test_a_form_with_mistakes_says_to_choose_the_files_again(client, author):
    """Every other field comes back as typed; a file box cannot, and the page says so."""
    data = _with_pictures(author, (image_upload(), "Alt kept", ""), title="")
    page = client.post(reverse("admin:blog_post_add"), data).content.decode()
    assert "choose the poster and pictures again" in page
    assert "Alt kept" in page


def test_a_form_with_mistakes_and_no_files_does_not_mention_them(client, author):
    page = client.post(reverse("admin:blog_post_add"), post_form_data(author, title=""))
    assert "choose the poster and pictures again" not in page.content.decode()
