"""The admin's Import from WordPress: upload an export, the task worker imports it once,
and the run's page follows it to its report."""

import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post
from blog.wordpress import runs
from blog.wordpress.models import ImportedItem, ImportRun
from blog.wordpress.runs import import_run_execute
from comments.models import Comment
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, ROCKY_ITEM, export, many_items
from tests.blog.wordpress.test_import import _comment, _item
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/blog/importrun/add/"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _export_file(body=AUTHORS_AND_TERMS + ROCKY_ITEM, name="export.xml"):
    return SimpleUploadedFile(name, export(body).encode(), content_type="text/xml")


@pytest.fixture
def database_queue(settings):
    """Tasks wait in the database until ``run_worker()`` runs them, as deployed."""
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post the import form as the browser does; the run is queued when it commits."""

    def upload(file=None, **options):
        data = {"export": file if file is not None else _export_file(), **options}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(ADD_URL, data)

    return upload


def test_an_uploaded_export_is_queued_then_imported_by_the_worker_and_reported(
    author, client, upload, database_queue, run_worker
):
    """Upload, wait for the worker, then the run's page has the report and the posts exist."""
    answer = upload()
    run = ImportRun.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("admin:blog_importrun_change", args=[run.pk])
    assert (run.state, run.started_by, run.original_name) == ("queued", author, "export.xml")
    assert not Post.objects.exists()
    waiting = client.get(answer["Location"])
    assert "Waiting for the worker" in waiting.text
    assert "admin-extra/import-progress.js" in waiting.text

    run_worker()

    run.refresh_from_db()
    assert run.state == "done"
    assert Post.objects.get().title == "Training in Russia & the snow"
    assert Comment.objects.count() == 2
    page = client.get(answer["Location"])
    assert "Imported:" in page.text
    assert "2</td><td>comments" in page.text
    assert "import-progress.js" not in page.text  # finished: nothing left to follow


def test_a_file_that_is_not_an_export_fails_with_its_one_line_reason(author, client, upload):
    """A broken file ends the run failed, with the reader's reason and no traceback."""
    assert upload(SimpleUploadedFile("notes.xml", b"<rss><channel><item>")).status_code == 302
    run = ImportRun.objects.get()
    assert run.state == "failed"
    assert run.error.startswith("notes.xml is not well-formed XML at line 1")
    assert str(run.export) == ""  # trying the same file again could not help

    page = client.get(reverse("admin:blog_importrun_change", args=[run.pk]))
    assert page.status_code == 200
    assert "notes.xml is not well-formed XML" in page.text
    assert "Traceback" not in page.text
    assert "Try again" not in page.text
    assert not Post.everything.exists()


def test_an_unexpected_error_fails_the_run_logs_it_and_keeps_the_file_to_try_again(
    author, client, upload, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """A bug mid-import is logged with its traceback; the author reads a line, never it."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the importer")

    monkeypatch.setattr(runs, "import_export", broken)
    with caplog.at_level(logging.ERROR, logger="blog.wordpress.runs"):
        answer = upload()
    assert answer.status_code == 302  # the worker's failure never reaches the author's request
    run = ImportRun.objects.get()
    assert run.state == "failed"
    assert "unexpected error (RuntimeError)" in run.error
    assert any(record.exc_info for record in caplog.records)
    assert run.export.storage.exists(run.export.name)

    page = client.get(reverse("admin:blog_importrun_change", args=[run.pk]))
    assert "a bug in the importer" not in page.text and "Traceback" not in page.text
    assert "Try again" in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:blog_importrun_retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == "done"
    assert Post.objects.count() == 1


def test_a_dry_run_writes_nothing_and_keeps_the_file_for_the_real_import(
    author, client, upload, django_capture_on_commit_callbacks
):
    """A dry run reports what it would do; Import it now then imports the same file."""
    upload(dry_run="on")
    dry = ImportRun.objects.get()
    assert (dry.state, dry.dry_run) == ("done", True)
    assert not Post.everything.exists() and not ImportedItem.objects.exists()
    page = client.get(reverse("admin:blog_importrun_change", args=[dry.pk]))
    assert "Dry run: nothing was written. It would import:" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("admin:blog_importrun_for_real", args=[dry.pk]))
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    assert answer["Location"] == reverse("admin:blog_importrun_change", args=[real.pk])
    assert (real.state, real.dry_run) == ("done", False)
    assert Post.objects.count() == 1
    assert str(real.export) == ""  # a real import's file goes once it is done


def test_the_options_reach_the_importer(author, upload):
    """Every post goes to the chosen user, and pingbacks are left out when asked."""
    owner = UserFactory(username="owner")
    linkbacks = _comment(1, kind="pingback") + _comment(2)
    upload(_export_file(_item(1, comments=linkbacks)), author=owner.pk, skip_linkbacks="on")
    post = Post.objects.get()
    assert post.author == owner
    assert list(Comment.objects.values_list("kind", flat=True)) == ["comment"]
    assert ImportRun.objects.get().report["skipped"] == {"pingbacks": 1}


def test_progress_is_recorded_as_the_worker_reads(author, upload, monkeypatch):
    """The file's size is known on upload, and what was read is written as it goes."""
    written = []
    monkeypatch.setattr(runs, "PROGRESS_EVERY_SECONDS", 0)
    original = runs._ProgressWriter.__call__

    def spy(self, done, total):
        original(self, done, total)
        written.append(ImportRun.objects.values_list("bytes_read", "bytes_total").get())

    monkeypatch.setattr(runs._ProgressWriter, "__call__", spy)
    # The reader takes the file in blocks of 64 KB: this one is a few blocks long.
    upload(_export_file("".join(many_items(200))))
    run = ImportRun.objects.get()
    assert run.bytes_total == run.bytes_read > 3 * 64 * 1024
    reads = [read for read, _total in written]
    assert reads == sorted(reads) and 0 < reads[0] < run.bytes_total
    assert len(set(reads)) >= 3


def test_progress_is_written_at_most_once_a_second(author, database_queue, upload):
    """A fast importer calls back after every item; the row is updated once a second."""
    upload()
    run = ImportRun.objects.get()
    now = [100.0]
    writer = runs._ProgressWriter(run.pk, clock=lambda: now[0])
    for step in range(10):
        now[0] += 0.25
        writer(step * 10, 1000)
    run.refresh_from_db()
    assert run.bytes_read == 70  # written at 101.0 (step 3) and 102.0 (step 7) only


def test_a_run_delivered_twice_is_imported_once(author, upload, database_queue, monkeypatch):
    """The second delivery finds the run claimed and leaves it alone."""
    upload()
    run = ImportRun.objects.get()
    calls = []
    real_import = runs.import_export
    monkeypatch.setattr(
        runs, "import_export", lambda *a, **kw: calls.append(a) or real_import(*a, **kw)
    )
    assert import_run_execute(run_id=run.pk) is True
    assert import_run_execute(run_id=run.pk) is False
    assert len(calls) == 1
    run.refresh_from_db()
    assert run.report["created"]["post"] == 1 and not run.report["already_there"]


def test_the_status_view_tells_the_page_how_far_the_import_is(
    author, client, upload, database_queue
):
    """The run page's script reads the state, a percentage and the words to show."""
    upload()
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(state="running", bytes_read=250, bytes_total=1000)
    status = client.get(reverse("admin:blog_importrun_status", args=[run.pk])).json()
    assert status["state"] == "running" and status["finished"] is False
    assert status["percent"] == 25
    assert status["progress_text"].endswith("read (25%)")


def test_an_empty_file_is_refused_and_the_options_are_kept(author, client):
    """The form comes back with the error and what was chosen in the other fields."""
    owner = UserFactory(username="owner")
    answer = client.post(
        ADD_URL,
        {
            "export": SimpleUploadedFile("export.xml", b""),
            "author": owner.pk,
            "dry_run": "on",
            "skip_linkbacks": "on",
        },
    )
    assert answer.status_code == 200
    assert "This file is empty" in answer.text
    form = answer.context["adminform"].form
    assert form["author"].value() == str(owner.pk)
    assert form["dry_run"].value() is True and form["skip_linkbacks"].value() is True
    assert not ImportRun.objects.exists()


def test_a_file_over_the_limit_is_refused(author, client, settings):
    """The size limit comes from MONTAGE_IMPORT_MAX_BYTES, and the error says it."""
    settings.MONTAGE_IMPORT_MAX_BYTES = 100
    answer = client.post(ADD_URL, {"export": _export_file()})
    assert "the admin takes exports up to 100" in answer.text
    assert "manage.py import_wordpress" in answer.text
    assert not ImportRun.objects.exists()


def test_the_uploaded_file_is_kept_out_of_media(author, upload, database_queue, settings):
    """The export waits in MONTAGE_IMPORTS_ROOT, which nothing serves."""
    upload()
    run = ImportRun.objects.get()
    assert run.export.path.startswith(str(settings.MONTAGE_IMPORTS_ROOT))
    assert str(settings.MEDIA_ROOT) not in run.export.path
    with pytest.raises(ValueError, match="not served"):
        run.export.url  # noqa: B018


def test_anonymous_visitors_are_sent_to_log_in(client):
    answer = client.get(ADD_URL)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/")


def test_staff_without_add_post_permission_cannot_import_or_see_runs(client, author):
    run = ImportRun.objects.create(original_name="export.xml", started_by=author)
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(staff)
    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, {"export": _export_file()}).status_code == 403
    assert client.get(reverse("admin:blog_importrun_change", args=[run.pk])).status_code == 403
    assert client.get(reverse("admin:blog_importrun_status", args=[run.pk])).status_code == 403
    assert "Import from WordPress" not in client.get("/admin/blog/post/").text


def test_non_staff_users_are_sent_to_log_in(client):
    client.force_login(UserFactory())
    assert client.get(ADD_URL)["Location"].startswith("/admin/login/")


def test_staff_who_may_add_posts_users_and_redirects_find_the_import_beside_add_post(client):
    """The Posts list links the import page for whoever may use it: an import writes
    posts, and with them the old site's authors as users, and redirects."""
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_post", "view_post"]))
    client.force_login(staff)
    assert "Import from WordPress" not in client.get("/admin/blog/post/").text
    assert client.get(ADD_URL).status_code == 403

    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_user", "add_redirect"])
    )
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached on the user
    client.force_login(staff)
    posts = client.get("/admin/blog/post/")
    assert f'href="{ADD_URL}">Import from WordPress' in posts.text
    assert client.get(ADD_URL).status_code == 200


def test_past_runs_are_listed(author, client):
    ImportRun.objects.create(original_name="old-blog.xml", started_by=author, state="done")
    listing = client.get("/admin/blog/importrun/")
    assert "old-blog.xml" in listing.text and "Done" in listing.text


def test_deleting_a_run_deletes_the_file_it_kept(
    author, client, upload, database_queue, django_capture_on_commit_callbacks
):
    """A run's file stays (queued, failed, dry run) until the run itself is deleted."""
    upload()
    run = ImportRun.objects.get()
    storage, name = run.export.storage, run.export.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:blog_importrun_delete", args=[run.pk]), {"post": "yes"})
    assert not ImportRun.objects.exists()
    assert not storage.exists(name)
