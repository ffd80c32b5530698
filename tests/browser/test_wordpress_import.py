"""Moving in: the author uploads a WordPress export in the admin and reads what came over.
Screenshots of the form and the report go to tests/browser/screenshots/ (gitignored)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import Post
from tests.blog.wordpress.exports import AUTHORS_AND_TERMS, ROCKY_ITEM, export
from tests.browser.test_comment_journey import _log_in_to_admin
from tests.browser.test_screenshots import SCREENSHOTS


@pytest.fixture
def export_file(tmp_path):
    path = tmp_path / "montage.WordPress.2026-12-03.xml"
    path.write_text(export(AUTHORS_AND_TERMS + ROCKY_ITEM), encoding="utf-8")
    return path


def _upload(page, base_url, export_file):
    _log_in_to_admin(page, base_url)
    page.goto(base_url + "/admin/blog/post/")
    page.get_by_role("link", name="Import from WordPress").click()
    page.get_by_label("WordPress export").set_input_files(export_file)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-wordpress-import-form-1280.png", full_page=True)
    page.get_by_role("button", name="Import").click()


def test_an_uploaded_export_ends_in_its_report(live_server, transactional_db, page, export_file):
    """From the Posts list to the report, with the imported post in the list after."""
    _upload(page, live_server.url, export_file)

    expect(page.locator("[data-import-state]")).to_have_text("Done")
    report = page.locator(".import-run__section").first
    expect(report.locator("h2")).to_have_text("Imported:")
    expect(report.locator("tr", has_text="comments")).to_contain_text("2")
    page.screenshot(path=SCREENSHOTS / "admin-wordpress-import-report-1280.png", full_page=True)

    page.get_by_role("link", name="See the posts").click()
    expect(page.locator("#result_list")).to_contain_text("Training in Russia & the snow")


def test_the_run_page_follows_the_worker_without_being_reloaded_by_hand(
    live_server, transactional_db, page, export_file, settings, monkeypatch
):
    """The page waits for the worker, then shows the report once the worker is done."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker shares this test's database connection (see tests/outbox/conftest.py).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    _upload(page, live_server.url, export_file)
    expect(page.locator("[data-import-state]")).to_have_text("Waiting for the worker")
    assert not Post.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    expect(page.locator("[data-import-state]")).to_have_text("Done")
    expect(page.locator(".import-run__section h2").first).to_have_text("Imported:")
    assert Post.objects.count() == 1
