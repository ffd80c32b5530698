import pytest
from django.core.files.base import ContentFile
from django.utils.http import http_date

from tests.blog.images import image_bytes
from tests.factories import PostFactory

# Every request passes the site's middleware, which reads the Site settings.
pytestmark = pytest.mark.django_db

DIGEST = "0123456789abcdef"


@pytest.fixture
def media(settings):
    root = settings.MEDIA_ROOT
    root.mkdir(parents=True, exist_ok=True)
    return root


def _write(root, relative, data=b"x"):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_an_uploaded_poster_is_served_inline_and_cached_for_a_year(client):
    """The address a page links to answers with the image, which browsers keep."""
    post = PostFactory(poster=ContentFile(image_bytes(), name="still.jpg"))
    response = client.get(post.poster.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="still.jpg"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == post.poster.read()


def test_a_renewed_request_with_if_modified_since_gets_304_without_the_file(client, media):
    """A browser revalidating what it has is told to keep it, with no bytes sent again."""
    path = _write(media, f"posters/2026/{DIGEST}/still.png", image_bytes("PNG"))
    url = f"/media/posters/2026/{DIGEST}/still.png"
    last_modified = client.get(url)["Last-Modified"]
    assert last_modified == http_date(path.stat().st_mtime)
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.content == b""
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "address",
    [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/posters/..%2f..%2fsecret.txt",
        "/media/%2fetc/passwd",
        "/media/posters/%00.jpg",
        "/media/posters\\..\\..\\secret.txt",
    ],
)
def test_an_address_reaching_out_of_the_media_folder_is_a_404(client, media, address):
    """A file beside the media folder (the database, say) is never served."""
    _write(media.parent, "secret.txt", b"the database")
    response = client.get(address)
    assert response.status_code == 404
    assert b"the database" not in response.content


def test_a_link_out_of_the_media_folder_is_not_followed(client, media):
    """A symlink put in the media folder does not lead outside it."""
    _write(media.parent, "secret.txt", b"the database")
    (media / "link.jpg").symlink_to(media.parent / "secret.txt")
    assert client.get("/media/link.jpg").status_code == 404


def test_a_folder_is_not_listed(client, media):
    """Naming a folder shows no list of its files."""
    _write(media, f"posters/2026/{DIGEST}/still.jpg")
    for address in ("/media/posters/", "/media/posters", "/media/posters/2026"):
        response = client.get(address)
        assert response.status_code == 404
        assert b"still.jpg" not in response.content


def test_a_missing_or_hidden_file_is_a_404(client, media):
    """No file, no answer but 404, and dot-files (.gitkeep, .htaccess) are never served."""
    _write(media, ".gitkeep")
    assert client.get("/media/posters/2026/none.jpg").status_code == 404
    assert client.get("/media/.gitkeep").status_code == 404


def test_a_file_that_is_not_an_image_is_a_download_that_cannot_run(client, media):
    """An SVG or HTML file is saved, never rendered by the browser as part of the site."""
    _write(media, "pictures/a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    _write(media, "pictures/a.html", b"<script>alert(1)</script>")
    for name, content_type in (("a.svg", "image/svg+xml"), ("a.html", "text/html")):
        response = client.get(f"/media/pictures/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def test_a_name_without_a_digest_is_cached_for_an_hour_only(client, media):
    """A file stored before names carried their digest may yet be replaced under its name."""
    _write(media, "posters/2025/old.jpg", image_bytes())
    response = client.get("/media/posters/2025/old.jpg")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"


def test_uploads_can_only_be_read(client, media):
    """A POST or PUT to an upload's address is refused; nothing is written."""
    _write(media, f"posters/{DIGEST}/still.jpg")
    assert client.post(f"/media/posters/{DIGEST}/still.jpg").status_code == 405
    assert client.put(f"/media/posters/{DIGEST}/new.jpg").status_code == 405
    assert not (media / "posters" / DIGEST / "new.jpg").exists()
